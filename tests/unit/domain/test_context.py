"""How full the context is: the server's count where there is one, estimates after it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.domain.context import (
    MESSAGE_OVERHEAD,
    ContextUse,
    context_use,
    describe,
    estimate_tokens,
    short_count,
    too_long_to_send,
)
from app.domain.messages import Role, Usage


@dataclass
class Outline:
    id: str
    length: int
    role: Role = Role.USER


def test_the_count_starts_from_the_last_answer_the_server_counted() -> None:
    branch = [Outline("q1", 350), Outline("a1", 700), Outline("q2", 35), Outline("a2", 0)]
    usage = {"a1": Usage(prompt_tokens=1000, completion_tokens=200)}
    use = context_use(branch, usage, limit=8000, system_size=3500)
    assert use is not None
    # a1's prompt and completion hold the system prompt, q1 and a1 themselves; only q2
    # (35 bytes: 10 tokens and the message's own) is estimated; a2 failed empty.
    assert use.tokens == 1200 + 10 + MESSAGE_OVERHEAD
    assert not use.estimated


def test_usage_of_another_branch_or_an_older_answer_does_not_count_twice() -> None:
    branch = [Outline("q1", 35), Outline("a1", 35), Outline("q2", 35), Outline("a2", 35)]
    usage = {
        "a1": Usage(100, 20),
        "a2": Usage(300, 40),
        "other-branch": Usage(90_000, 10),
    }
    use = context_use(branch, usage, limit=1000, draft_size=70)
    assert use is not None
    assert use.tokens == 340 + estimate_tokens(70)


def test_with_no_count_from_the_server_everything_is_estimated() -> None:
    branch = [Outline("q1", 3500), Outline("a1", 7000)]
    use = context_use(branch, {}, limit=10_000, system_size=350, draft_size=0)
    assert use is not None
    assert use.estimated
    assert use.tokens == estimate_tokens(350) + estimate_tokens(3500) + estimate_tokens(7000)
    assert use.tokens == (100 + 4) + (1000 + 4) + (2000 + 4)


def test_an_unknown_context_length_gives_nothing_to_say() -> None:
    assert context_use([Outline("q", 10)], {}, limit=None) is None
    assert describe(None, "m") is None


def test_estimates_round_up_and_an_empty_text_costs_nothing() -> None:
    assert estimate_tokens(0) == 0
    assert estimate_tokens(1) == 1 + MESSAGE_OVERHEAD
    assert estimate_tokens(36) == 11 + MESSAGE_OVERHEAD


@pytest.mark.parametrize(
    ("tokens", "level"),
    [
        (4_000, None),
        (6_000, "info"),
        (8_500, "nearly_full"),
        (10_000, "nearly_full"),
        (10_001, "over"),
    ],
)
def test_the_note_says_more_as_the_context_fills(tokens: int, level: str | None) -> None:
    note = describe(ContextUse(tokens, 10_000), "mistral-small")
    assert (note.level if note else None) == level


def test_the_notes_say_how_much_and_what_to_do() -> None:
    info = describe(ContextUse(70_000, 131_072), "mistral-large-2411")
    assert info is not None
    assert info.text == "Context: about 70k of 131k tokens"
    assert "counted by the server" in info.detail
    full = describe(ContextUse(120_000, 131_072, estimated=True), "mistral-large-2411")
    assert full is not None
    assert "nearly full" in full.text
    assert "new chat" in full.text
    assert "estimated" in full.detail
    over = describe(ContextUse(140_500, 131_072), "mistral-large-2411")
    assert over is not None
    assert over.text.startswith(
        "Too long for mistral-large-2411: about 140k of the 131k tokens it reads at once."
    )
    assert "edit an earlier question" in over.text
    assert "longer context" in over.text


def test_short_counts() -> None:
    assert short_count(131_072) == "131k"
    assert short_count(8_192) == "8.2k"
    assert short_count(950) == "950"


def test_a_new_chat_is_told_its_message_is_too_long_not_to_branch_off() -> None:
    use = context_use([], {}, limit=100, draft_size=700)
    assert use is not None
    assert not use.earlier
    assert use.draft
    over = describe(use, "m")
    assert over is not None
    assert over.text.startswith("This message is too long for m: about 204 of the 100")
    assert "Shorten it" in over.text
    assert "earlier question" not in over.text
    assert "your message included" in over.detail
    full = describe(ContextUse(90, 100, earlier=False, draft=True), "m")
    assert full is not None
    assert full.text == "Context nearly full: about 90 of 100 tokens."  # nothing to advise


def test_the_draft_is_named_when_it_is_counted_in_a_conversation() -> None:
    note = describe(ContextUse(60, 100, earlier=True, draft=True), "m")
    assert note is not None
    assert note.text == "Context: about 60 of 100 tokens with your message"


def test_a_refused_first_question_is_said_to_be_too_long_not_the_field() -> None:
    # The window said to edit an earlier question, of which there was none; then "This
    # message is too long", with the message field empty (QA): the question is.
    refused = [Outline("q1", 700), Outline("a1", 0, Role.ASSISTANT)]
    use = context_use(refused, {}, limit=100)
    assert use is not None
    assert not use.earlier
    note = describe(use, "m")
    assert note is not None
    assert note.text.startswith("This question is too long for m: about 204 of the 100")
    assert "Edit it to shorten it" in note.text
    longer = [Outline("q0", 35), Outline("a0", 35, Role.ASSISTANT), *refused]
    use = context_use(longer, {}, limit=100)
    assert use is not None
    assert use.earlier
    answered = [Outline("q1", 700), Outline("a1", 35, Role.ASSISTANT)]  # the draft: next
    use = context_use(answered, {}, limit=100, draft_size=10)
    assert use is not None
    assert use.earlier


def test_a_refusal_s_count_replaces_the_estimate_and_is_said_as_it_is() -> None:
    branch = [Outline("q1", 350), Outline("a1", 700), Outline("q2", 900), Outline("a2", 0)]
    usage = {"a1": Usage(prompt_tokens=100, completion_tokens=200)}
    use = context_use(branch, usage, limit=400, system_size=3500, stated=453)
    assert use is not None
    assert (use.tokens, use.exact, use.estimated) == (453, True, False)
    note = describe(use, "m")
    assert note is not None
    assert note.level == "over"
    assert note.text.startswith("Too long for m: 453 of the 400 tokens it reads at once.")
    assert note.detail.startswith("453 tokens of the 400 that m reads at once")
    assert note.detail.endswith("(counted by the server when it refused the last question).")
    # A message being written is estimated on top: the whole is no longer exact.
    drafted = context_use(branch, usage, limit=400, stated=453, draft_size=35)
    assert drafted is not None
    assert (drafted.tokens, drafted.exact) == (453 + estimate_tokens(35), False)
    note = describe(drafted, "m")
    assert note is not None
    assert note.text.startswith("Too long for m: about 467 of the 400 tokens")


def test_only_a_question_clearly_past_the_context_is_kept_from_sending() -> None:
    # Near the limit the estimate may be off either way: the server decides.
    assert too_long_to_send(ContextUse(260_000, 131_072, estimated=True), "m") is None
    assert too_long_to_send(None, "m") is None
    pasted = ContextUse(1_498_000, 131_072, estimated=True, earlier=False, draft=True)
    note = too_long_to_send(pasted, "mistral-small")
    assert note is not None
    assert note.level == "over"
    assert note.text == (
        "This question is about 1,498k tokens; mistral-small reads 131k at most. "
        "Shorten it, or send it in smaller parts."
    )
    long_chat = ContextUse(300_000, 131_072, draft=True)
    note = too_long_to_send(long_chat, "m")
    assert note is not None
    assert note.text.startswith("This conversation with your question is about 300k tokens")
    assert "start a new chat" in note.text

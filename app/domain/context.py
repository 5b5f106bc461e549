"""How much of a model's context window a conversation fills, and what to tell about it.

Nothing is dropped silently when a conversation outgrows the model: the server refuses
the request (or cuts the answer short). So the window says, before that happens, how
full the context is, and what to do when it runs out.

The count is the server's own wherever it gave one: an answer's usage (its prompt and
its completion) is the whole branch up to that answer, as the model read it. Only what
came after (the next question, an answer that failed before its usage came) and the
draft are estimated from their size, which needs no tokenizer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from app.domain.messages import Role, Usage

# Mistral's tokenizers give about four characters of English a token, fewer for code
# and most other languages; a little less than four bytes keeps estimates on the safe
# side (UTF-8 text of other scripts has more bytes a character, and more tokens too).
BYTES_PER_TOKEN = 3.5
MESSAGE_OVERHEAD = 4  # control tokens around each message ([INST], [/INST], </s>…)
SHOWN_FROM = 0.5  # below half full, nothing is worth saying
NEARLY_FULL_FROM = 0.85
# Past this share of the context a question is not sent: the server would refuse it
# (and an upload of megabytes takes a while first). Near the limit the estimate may be
# off either way, so the server decides.
NOT_SENT_FROM = 2.0


class Sized(Protocol):
    """A message as the tree has it: its id, role and the size of its text in UTF-8
    bytes."""

    @property
    def id(self) -> str: ...
    @property
    def role(self) -> Role: ...
    @property
    def length(self) -> int: ...


@dataclass(frozen=True, slots=True)
class ContextUse:
    """About ``tokens`` of the model's ``limit``; ``estimated`` when no part of the
    count came from the server; ``earlier``: the conversation has messages (not a new
    chat); ``draft``: the message being written is counted; ``exact``: the whole count
    is the server's (a refusal said how long the conversation is)."""

    tokens: int
    limit: int
    estimated: bool = False
    earlier: bool = True
    draft: bool = False
    exact: bool = False

    @property
    def fraction(self) -> float:
        return self.tokens / self.limit


def estimate_tokens(size: int) -> int:
    """Tokens of a message of ``size`` UTF-8 bytes (0 bytes: no message, no tokens)."""
    if size <= 0:
        return 0
    return math.ceil(size / BYTES_PER_TOKEN) + MESSAGE_OVERHEAD


def context_use(
    branch: Sequence[Sized],
    usage: Mapping[str, Usage],
    *,
    limit: int | None,
    system_size: int = 0,
    draft_size: int = 0,
    stated: int | None = None,
) -> ContextUse | None:
    """The context the next request of ``branch`` (plus the draft) would fill.

    ``usage`` holds the server's counts by message id (any branch's: only those on
    ``branch`` count); ``stated`` the server's count of the whole branch, when it
    refused it as too long. None when the model's context length is unknown.
    """
    if not limit or limit <= 0:
        return None
    tokens = 0
    start = 0
    if stated:  # the whole branch, the system prompt included
        tokens, start = stated, len(branch)
    else:
        for index in range(len(branch) - 1, -1, -1):
            counted = usage.get(branch[index].id)
            if counted is not None and counted.total_tokens > 0:
                tokens = counted.total_tokens  # the system prompt and all before it included
                start = index + 1
                break
        else:
            tokens = estimate_tokens(system_size)
    estimated = not stated and start == 0
    tokens += sum(estimate_tokens(message.length) for message in branch[start:])
    tokens += estimate_tokens(draft_size)
    # Earlier questions: the last one was answered (the draft is the next), or some
    # message comes before it (a new chat whose first question was refused has none,
    # and can only shorten that question).
    last_question = max((i for i, m in enumerate(branch) if m.role is Role.USER), default=-1)
    answered = any(m.length > 0 for m in branch[last_question + 1 :])
    earlier = last_question > 0 or answered or (last_question == -1 and bool(branch))
    exact = bool(stated) and draft_size <= 0
    return ContextUse(tokens, limit, estimated, earlier=earlier, draft=draft_size > 0, exact=exact)


def short_count(tokens: int) -> str:
    """131072 -> "131k", 8192 -> "8.2k", 950 -> "950"."""
    if tokens >= 10_000:
        return f"{tokens / 1000:.0f}k"
    if tokens >= 1000:
        return f"{tokens / 1000:.1f}k"
    return str(tokens)


@dataclass(frozen=True, slots=True)
class ContextNote:
    """What the window says: ``level`` is "info", "nearly_full" or "over"."""

    level: str
    text: str
    detail: str  # for the tooltip and screen readers


def describe(use: ContextUse | None, model: str) -> ContextNote | None:
    """What to tell the person about ``use`` of ``model``'s context, if anything."""
    if use is None or use.fraction < SHOWN_FROM:
        return None
    used, limit = short_count(use.tokens), short_count(use.limit)
    about = "" if use.exact else "about "  # the server's own count of a refusal: exact
    if use.exact:
        counted = " (counted by the server when it refused the last question)."
    else:
        counted = " (estimated from its length)." if use.estimated else " (counted by the server)."
    detail = (
        f"{about.capitalize()}{use.tokens:,} tokens of the {use.limit:,} that {model} "
        "reads at once"
        + (", your message included" if use.draft else "")
        + ": the whole conversation is sent with each question"
        + counted
    )
    with_draft = " with your message" if use.draft and use.earlier else ""
    if use.fraction > 1:
        if not use.earlier and not use.draft:  # a new chat's first question, refused
            return ContextNote(
                "over",
                f"This question is too long for {model}: {about}{used} of the {limit} tokens "
                "it reads at once. Edit it to shorten it (Up in the empty message field), "
                "or choose a model with a longer context.",
                detail,
            )
        if not use.earlier:  # a new chat: only the message itself is too long
            return ContextNote(
                "over",
                f"This message is too long for {model}: {about}{used} of the {limit} tokens "
                "it reads at once. Shorten it, or choose a model with a longer context.",
                detail,
            )
        return ContextNote(
            "over",
            f"Too long for {model}: {about}{used} of the {limit} tokens it reads at once"
            f"{with_draft}. Start a new chat, edit an earlier question to branch off "
            "there, or choose a model with a longer context.",
            detail,
        )
    if use.fraction >= NEARLY_FULL_FROM:
        advice = (
            " Start a new chat, or choose a model with a longer context, before it runs out."
            if use.earlier
            else ""
        )
        return ContextNote(
            "nearly_full",
            f"Context nearly full: {about}{used} of {limit} tokens{with_draft}.{advice}",
            detail,
        )
    return ContextNote("info", f"Context: {about}{used} of {limit} tokens{with_draft}", detail)


def too_long_to_send(use: ContextUse | None, model: str) -> ContextNote | None:
    """Why the question cannot be sent, when ``use`` is clearly over ``model``'s
    context (more than twice it); None when it may be sent."""
    if use is None or use.fraction <= NOT_SENT_FROM:
        return None
    about = "" if use.exact else "about "
    used, limit = f"{use.tokens / 1000:,.0f}k", short_count(use.limit)
    detail = (
        f"{about.capitalize()}{use.tokens:,} tokens; {model} reads {use.limit:,} at most, "
        "so the server would refuse it. Nothing was sent."
    )
    if use.draft and not use.earlier:
        text = (
            f"This question is {about}{used} tokens; {model} reads {limit} at most. "
            "Shorten it, or send it in smaller parts."
        )
    else:
        text = (
            f"This conversation with your question is {about}{used} tokens; {model} reads "
            f"{limit} at most. Shorten the question, start a new chat, or edit an earlier "
            "question to branch off there."
        )
    return ContextNote("over", text, detail)

"""How full the model's context is, above the message field, and a question past it.

The fake server counts a word a token (in its usage and in its refusals); the gauge
counts from the server's usage and estimates the rest from its size.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit

from app.domain.messages import MessageStatus, Role
from app.ui.context_gauge import ContextGauge
from app.ui.model_picker import ROLE_MODEL
from tests.fake_mistral import FakeMistral, Reply
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.test_chat_window import last_item


def give_context(server: FakeMistral, model: str, tokens: int) -> None:
    for card in server.catalog:
        if card["id"] == model:
            card["max_context_length"] = tokens


async def large_with_context(gui: Gui, tokens: int) -> tuple[ContextGauge, QPlainTextEdit]:
    """mistral-large-2411 (the default model) reads ``tokens`` at most: the gauge and
    the message field."""
    give_context(gui.server, "mistral-large-2411", tokens)
    await gui.application.refresh_models()
    return gui.pane.context_gauge, gui.pane.composer.edit


@in_loop
async def test_the_gauge_fills_and_a_conversation_past_the_context_says_what_to_do(
    gui: Gui,
) -> None:
    gauge, edit = await large_with_context(gui, 400)
    gui.server.enqueue(Reply(chunks=[f"w{i} " for i in range(10)]), Reply(text="Counting"))
    await gui.ask("one two three four five")
    await gui.until(gui.answered)
    await gui.until_titled()
    await gui.settle(0.1)
    assert gauge.isHidden()  # 5 + 10 of 400 tokens, as the server counted

    gui.qtbot.keyClicks(edit, " ".join(["word"] * 130))
    await gui.until(lambda: gauge.note is not None)
    assert gauge.note.level == "info"
    assert gauge.isVisible()
    # 15 counted by the server, and the draft's 649 bytes: 186 tokens and the message's 4.
    assert gauge.text() == "Context: about 205 of 400 tokens with your message"
    gui.pane.composer.set_text(edit.toPlainText() + " word" * 300)  # pasted
    await gui.until(lambda: gauge.note is not None and gauge.note.level != "info")
    assert gauge.note.level == "over"
    assert gauge.text().startswith("Too long for mistral-large-2411: about 633 of the 400")
    assert gauge.property("tone") == "error"

    # Sent anyway: the server refuses, and the failed answer says why and what to do.
    gui.qtbot.keyClick(edit, Qt.Key.Key_Return)
    conversation_id = gui.pane.conversation_id
    await gui.until(
        lambda: gui.store.current_path(conversation_id)[-1].status is MessageStatus.ERROR
    )
    error = gui.store.current_path(conversation_id)[-1].error or ""
    assert error.startswith("Too long for mistral-large-2411 to read at once")
    assert "start a new chat" in error
    # The window shows it a loop turn after the history has it (the test read the answer
    # before it, now and then under load).
    await gui.until(lambda: last_item(gui, Role.ASSISTANT).message.status is MessageStatus.ERROR)
    shown = last_item(gui, Role.ASSISTANT)._status_label.text()
    assert "choose a model with a longer context in the model picker" in shown
    await gui.until(lambda: gauge.note is not None and gauge.note.level == "over")

    # A model with a longer context: nothing to say any more, and the retry goes through.
    picker = gui.pane.picker
    picker.combo.activated.emit(picker.combo.findData("mistral-large-2512", ROLE_MODEL))
    assert picker.model == "mistral-large-2512"
    await gui.until(lambda: gauge.note is None)
    assert gauge.isHidden()
    gui.server.enqueue(Reply(text="Now it fits."))
    gui.application.controller.retry(gui.store.current_path(conversation_id)[-1].id)
    await gui.until(gui.answered)
    assert gui.store.current_path(conversation_id)[-1].content == "Now it fits."


@in_loop
async def test_a_new_chat_weighs_a_long_draft_and_its_system_prompt(gui: Gui) -> None:
    give_context(gui.server, "mistral-large-2411", 200)
    await gui.application.refresh_models()
    gauge = gui.pane.context_gauge
    gui.pane.new_chat()
    gui.pane.composer.set_text("x" * 560)  # a pasted text: 160 + 4 tokens estimated
    await gui.until(lambda: gauge.note is not None)
    assert gauge.note.level == "info"
    assert "estimated" in gauge.toolTip()
    gui.pane.composer.set_text("")
    await gui.until(lambda: gauge.note is None)
    assert gauge.isHidden()


@in_loop
async def test_an_answer_tells_what_it_cost_in_tokens(gui: Gui) -> None:
    gui.server.enqueue(Reply(chunks=["a ", "b ", "c "]), Reply(text="Letters"))
    await gui.ask("one two three")
    await gui.until(gui.answered)
    expected = "3 tokens read (the conversation so far), 3 written"
    assert last_item(gui, Role.ASSISTANT)._header.toolTip() == expected  # as it ended
    conversation_id = gui.pane.conversation_id
    gui.pane.new_chat()
    gui.pane.open_conversation(conversation_id)
    assert last_item(gui, Role.ASSISTANT)._header.toolTip() == expected  # read back


def stated_count(error: str) -> int:
    """The prompt's length the fake server's refusal states (it counts a word a token)."""
    match = re.search(r"Prompt contains (\d+) tokens", error)
    assert match, error
    return int(match.group(1))


async def refused_for_length(gui: Gui) -> tuple[str, int]:
    """A conversation whose last question the server refused as longer than the 400
    tokens of mistral-large-2411: its id, and the count the server stated."""
    give_context(gui.server, "mistral-large-2411", 400)
    give_context(gui.server, "mistral-large-2512", 500)
    await gui.application.refresh_models()
    gauge, edit = gui.pane.context_gauge, gui.pane.composer.edit
    gui.server.enqueue(Reply(text="Noted."), Reply(text="Short words"))
    await gui.ask("hello there")
    await gui.until(gui.answered)
    await gui.until_titled()
    conversation_id = gui.pane.conversation_id
    assert conversation_id is not None

    # Short words: fewer bytes a token than the estimate allows, so the gauge guesses
    # about 265 tokens while the server counts one a word (about 450).
    gui.pane.composer.set_text("a " * 450)
    await gui.until(lambda: gauge.note is not None)
    assert gauge.text().startswith("Context: about 2")
    edit.setFocus()
    gui.qtbot.keyClick(edit, Qt.Key.Key_Return)
    await gui.until(
        lambda: gui.store.current_path(conversation_id)[-1].status is MessageStatus.ERROR
    )
    refused = gui.store.current_path(conversation_id)[-1]
    count = stated_count(refused.error or "")
    assert count > 400
    await gui.until(lambda: gauge.note is not None and gauge.note.level == "over")
    return conversation_id, count


@in_loop
async def test_after_a_refusal_for_length_the_gauge_shows_the_servers_count(gui: Gui) -> None:
    conversation_id, count = await refused_for_length(gui)
    gauge, edit = gui.pane.context_gauge, gui.pane.composer.edit

    # The gauge says the server's count, not its estimate, in its warning look.
    assert gauge.text().startswith(f"Too long for mistral-large-2411: {count} of the 400 tokens")
    assert gauge.property("tone") == "error"
    assert gauge.isVisible()
    assert gauge.toolTip().startswith(f"{count:,} tokens of the 400 that mistral-large-2411")
    assert "counted by the server when it refused the last question" in gauge.toolTip()

    # A message being written is estimated on top of that count.
    gui.qtbot.keyClicks(edit, "more")  # 4 bytes: 2 tokens and the message's 4
    await gui.until(lambda: gauge.text().startswith("Too long for mistral-large-2411: about"))
    assert gauge.text().startswith(f"Too long for mistral-large-2411: about {count + 6} of")
    gui.pane.composer.set_text("")
    await gui.until(lambda: gauge.text().startswith(f"Too long for mistral-large-2411: {count}"))

    # Another model: its own context, and the count is an estimate again.
    picker = gui.pane.picker
    picker.combo.activated.emit(picker.combo.findData("mistral-large-2512", ROLE_MODEL))
    await gui.until(lambda: gauge.note is not None and gauge.note.level == "info")
    assert gauge.text().startswith("Context: about 2")
    assert gauge.text().endswith("of 500 tokens")

    # A new question (the longer model takes it): counted from its answer's usage.
    gui.server.enqueue(Reply(text="Fine."))
    await gui.ask("and now")
    await gui.until(gui.answered)
    usage = gui.store.current_path(conversation_id)[-1].usage
    assert usage is not None
    await gui.until(lambda: f"about {usage.total_tokens} of 500 tokens" in gauge.text())


@in_loop
async def test_a_new_system_prompt_after_a_refusal_for_length_is_estimated_again(
    gui: Gui,
) -> None:
    from app.ui.params_dialog import ParamsDialog

    conversation_id, count = await refused_for_length(gui)
    gauge = gui.pane.context_gauge
    assert gauge.text().startswith(f"Too long for mistral-large-2411: {count} of the 400 tokens")

    # The conversation's system prompt changes (Parameters): the next request is longer
    # than the one refused, so the server's count no longer holds.
    gui.pane.params_button.click()
    dialog = next(d for d in gui.window.findChildren(ParamsDialog) if d.isVisible())
    dialog.system_prompt.setPlainText("Answer in French. " * 20)
    dialog.apply_button.click()
    await gui.until(lambda: "when it refused the last question" not in gauge.toolTip())
    assert gui.store.get_conversation(conversation_id).system_prompt
    assert " about " in gauge.text()  # estimated again
    assert f"{count} of the 400" not in gauge.text()

    # Back to none: the same request as refused, the server's count again.
    gui.pane.params_button.click()
    dialog = next(d for d in gui.window.findChildren(ParamsDialog) if d.isVisible())
    dialog.system_prompt.setPlainText("")
    dialog.apply_button.click()
    await gui.until(
        lambda: gauge.text().startswith(f"Too long for mistral-large-2411: {count} of the 400")
    )


@in_loop
async def test_a_question_far_past_the_context_is_not_sent_and_says_what_to_do(
    gui: Gui,
) -> None:
    # A 5 MB paste was "about 1498k of the 131k tokens", and Enter uploaded it anyway:
    # the server refused it, and Retry could only fail the same way.
    gauge, edit = await large_with_context(gui, 400)
    pasted = " ".join(["word"] * 3000)  # about 4,300 tokens: ten times the context
    gui.pane.composer.set_text(pasted)
    edit.setFocus()
    gui.qtbot.keyClick(edit, Qt.Key.Key_Return)  # at once, before the gauge weighed it
    await gui.settle(0.1)
    assert gui.server.chat_requests == []
    assert gui.pane.conversation_id is None  # no conversation started for it
    assert edit.toPlainText() == pasted  # kept, to shorten
    assert gauge.isVisible()
    assert gauge.property("tone") == "error"
    assert re.fullmatch(
        r"This question is about [\d,]+k tokens; mistral-large-2411 reads 400 at most\. "
        r"Shorten it, or send it in smaller parts\.",
        gauge.text(),
    ), gauge.text()

    # Near the limit (under twice it, where the estimate may be off) the server decides.
    gui.pane.composer.set_text(" ".join(["word"] * 200))
    gui.server.enqueue(Reply(text="Read."), Reply(text="Title"))
    gui.qtbot.keyClick(edit, Qt.Key.Key_Return)
    await gui.until(lambda: bool(gui.server.chat_requests))

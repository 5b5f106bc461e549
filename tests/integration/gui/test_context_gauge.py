"""How full the model's context is, above the message field, and a question past it.

The fake server counts a word a token (in its usage and in its refusals); the gauge
counts from the server's usage and estimates the rest from its size.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.domain.messages import MessageStatus, Role
from app.ui.model_picker import ROLE_MODEL
from tests.fake_mistral import FakeMistral, Reply
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.test_chat_window import last_item


def give_context(server: FakeMistral, model: str, tokens: int) -> None:
    for card in server.catalog:
        if card["id"] == model:
            card["max_context_length"] = tokens


@in_loop
async def test_the_gauge_fills_and_a_conversation_past_the_context_says_what_to_do(
    gui: Gui,
) -> None:
    give_context(gui.server, "mistral-large-2411", 400)
    await gui.application.refresh_models()
    gauge, edit = gui.pane.context_gauge, gui.pane.composer.edit
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

"""A question edited in place while an answer is written, and across chat switches."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.domain.messages import Role
from app.ui.chat_pane import EDIT_WAITS
from app.ui.toast import Toast
from tests.fake_mistral import Reply
from tests.integration.gui.conftest import Gui, in_loop


def last_question(gui: Gui):
    for message_id in reversed(gui.pane.transcript.message_ids):
        item = gui.pane.transcript.item(message_id)
        if item is not None and item.message.role is Role.USER:
            return item
    raise AssertionError("no question shown")


def shown_question(gui: Gui) -> str | None:
    """The last question's text once the transcript shows it, else None."""
    try:
        return str(last_question(gui).text.toPlainText().strip())
    except AssertionError:
        return None


def toasts(gui: Gui) -> list[str]:
    return [toast.text for toast in gui.window.findChildren(Toast) if toast.isVisible()]


def stalled() -> Reply:
    """An answer that starts and then keeps being written for the whole test."""
    return Reply(chunks=["Thinking ", "about it"], stall_after=1, stall_seconds=20)


@in_loop
async def test_up_edits_no_question_while_an_answer_is_written(gui: Gui) -> None:
    # The question's Edit button waits while the answer is written: Up opened its
    # editor all the same, and that editor's Send then did nothing.
    gui.server.enqueue(stalled())
    await gui.ask("Is it raining?")
    await gui.until(lambda: gui.pane.composer.button.text() == "Stop")
    question = last_question(gui)
    assert not question._action.isEnabled()
    edit = gui.pane.composer.edit
    gui.qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert question._editor is None
    assert QApplication.focusWidget() is edit
    # Once it is stopped, Up edits the question again.
    gui.pane.stop()
    await gui.until(lambda: gui.pane.composer.button.text() == "Send")
    gui.qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert question._editor is not None
    assert question._editor.field.toPlainText() == "Is it raining?"


@in_loop
async def test_an_edit_sent_while_an_answer_is_written_says_why_it_waits(gui: Gui) -> None:
    gui.server.enqueue(Reply(text="Yes."), Reply(text="title"), stalled())
    await gui.ask("Is it raining?")
    await gui.until(gui.answered)
    await gui.until_titled()
    question = last_question(gui)
    gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_Up)
    editor = question._editor
    assert editor is not None
    # An answer starts while the editor is open: another question sent meanwhile.
    await gui.ask("And tomorrow?")
    await gui.until(lambda: len([r for r in gui.server.chat_requests if r.body.get("stream")]) == 2)
    assert gui.pane.composer.button.text() == "Stop"
    assert question._editor is editor
    gui.qtbot.keyClicks(editor.field, " In Paris?")
    editor.send_button.click()
    await gui.settle(0.05)
    assert EDIT_WAITS in toasts(gui)
    # Nothing asked, and the edit is still there to be sent once the answer stops.
    asked = [r.body["messages"] for r in gui.server.chat_requests if r.body.get("stream")]
    assert [m[-1]["content"] for m in asked] == ["Is it raining?", "And tomorrow?"]
    assert question._editor is not None
    assert question._editor.field.toPlainText() == "Is it raining? In Paris?"


async def cats_edited_then_left(gui: Gui) -> str:
    """Ask about cats, edit the question (" and dogs" added), then open a new chat
    and come back; the conversation's id."""
    await gui.ask("Tell me about cats")
    await gui.until(gui.answered)
    await gui.until_titled()
    cats = gui.pane.conversation_id
    gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_Up)
    gui.qtbot.keyClicks(last_question(gui)._editor.field, " and dogs")
    gui.pane.new_chat()
    assert not gui.pane.transcript.editing()
    gui.window.open_conversation(cats)
    return cats


@in_loop
async def test_a_question_being_edited_is_still_edited_back_from_another_chat(gui: Gui) -> None:
    # Left for another chat, the editor went with the transcript and its text was lost.
    gui.server.enqueue(Reply(text="About cats."), Reply(text="title"), Reply(text="Both."))
    cats = await cats_edited_then_left(gui)
    await gui.until(lambda: last_question(gui)._editor is not None)
    editor = last_question(gui)._editor
    assert editor.field.toPlainText() == "Tell me about cats and dogs"
    assert not editor.field.hasFocus()  # the keyboard stays where the chat was opened from
    # Sent from there as any edit.
    editor.send_button.click()
    await gui.until(lambda: len(gui.store.current_path(cats)) == 2 and gui.answered())
    assert [m.content for m in gui.store.current_path(cats)] == [
        "Tell me about cats and dogs",
        "Both.",
    ]


@in_loop
async def test_an_edit_cancelled_with_esc_is_not_brought_back(gui: Gui) -> None:
    gui.server.enqueue(Reply(text="About cats."), Reply(text="title"))
    cats = await cats_edited_then_left(gui)
    await gui.until(lambda: last_question(gui)._editor is not None)
    gui.qtbot.keyClick(last_question(gui)._editor.field, Qt.Key.Key_Escape)
    assert last_question(gui)._editor is None
    gui.pane.new_chat()
    gui.window.open_conversation(cats)
    # Shown: an edit kept for it would have opened with it (as the question is built).
    await gui.until(lambda: shown_question(gui) == "Tell me about cats")
    assert not gui.pane.transcript.editing()
    assert last_question(gui).text.toPlainText().strip() == "Tell me about cats"


@in_loop
async def test_up_under_a_long_answer_brings_the_question_s_editor_into_view(gui: Gui) -> None:
    # Under an answer taller than the window, Up opened the question's editor off-screen
    # above: the typing went into it unseen.
    long = "\n\n".join(f"Paragraph {n} of a long answer that fills the window." for n in range(60))
    gui.server.enqueue(Reply(text=long))
    await gui.ask("Tell me at length")
    await gui.until(gui.answered)
    transcript = gui.pane.transcript
    await gui.until(lambda: transcript.following)
    field = gui.pane.composer.edit
    field.setFocus()
    gui.qtbot.keyClick(field, Qt.Key.Key_Up)
    question = last_question(gui)
    await gui.until(lambda: question.edited_text is not None and field.hasFocus() is False)
    await gui.settle(0.05)
    typing = QApplication.focusWidget()  # the editor's field
    assert typing is not None
    assert question.isAncestorOf(typing)
    viewport = transcript.viewport()
    top = typing.mapTo(viewport, typing.rect().topLeft()).y()
    assert 0 <= top < viewport.height()  # in view
    gui.qtbot.keyClicks(QApplication.focusWidget(), " again")
    assert question.edited_text == "Tell me at length again"

"""Keys typed while the keyboard is on a message's controls: text goes on in the message
field (as in Le Chat or ChatGPT), Space and Enter press the button, shortcuts and the
keys that move stay as they were."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from app.domain.messages import Role
from tests.fake_mistral import Reply
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.test_chat_window import _two_versions, answer_text, last_item


def _type(text: str) -> None:
    """Type ``text`` as a person does: each key to the widget that has the keyboard."""
    for char in text:
        focused = QApplication.focusWidget()
        assert focused is not None
        QTest.keyClick(focused, char)


def _press(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    focused = QApplication.focusWidget()
    assert focused is not None
    QTest.keyClick(focused, key, modifier)


def _answers_asked(gui: Gui) -> int:
    """The answers asked of the server so far (a title's request is not one)."""
    return sum(1 for request in gui.server.chat_requests if request.body.get("stream"))


async def _answered(gui: Gui) -> None:
    gui.server.enqueue(Reply(text="Here is the answer."), Reply(text="Title"))
    await gui.ask("A question")
    await gui.until(gui.answered)
    await gui.until_titled()  # its request goes first: the replies after are not its


@in_loop
async def test_typing_on_an_answers_button_goes_on_in_the_message_field(gui: Gui) -> None:
    # Shift+Tab from the message field: the last answer's Regenerate. "decline this"
    # typed there lost "decline" and made a new answer with the Space.
    await _answered(gui)
    field = gui.pane.composer.edit
    field.setFocus()
    _press(Qt.Key.Key_Backtab)
    answer = last_item(gui, Role.ASSISTANT)
    assert QApplication.focusWidget() is answer._action  # Regenerate
    asked = _answers_asked(gui)
    _type("decline this")
    assert field.hasFocus()
    assert field.toPlainText() == "decline this"
    await gui.settle(0.2)
    assert _answers_asked(gui) == asked  # nothing regenerated
    assert last_item(gui, Role.ASSISTANT) is answer

    # From the answer's text (a click in it, a link Tab went to) and from the view.
    for control in (answer.text, gui.pane.transcript):
        control.setFocus(Qt.FocusReason.TabFocusReason)
        _type("!")
        assert field.hasFocus()
    assert field.toPlainText() == "decline this!!"


@in_loop
async def test_space_or_enter_first_press_the_button(gui: Gui) -> None:
    await _answered(gui)
    answer = last_item(gui, Role.ASSISTANT)
    QGuiApplication.clipboard().clear()
    answer._copy.setFocus(Qt.FocusReason.TabFocusReason)
    _press(Qt.Key.Key_Space)
    assert QGuiApplication.clipboard().text() == "Here is the answer."
    assert answer._copy.hasFocus()
    gui.server.enqueue(Reply(text="Another answer."))
    answer._action.setFocus(Qt.FocusReason.TabFocusReason)
    _press(Qt.Key.Key_Return)  # as in a dialog
    await gui.until(lambda: "Another answer." in answer_text(gui))
    await gui.until(gui.answered)
    assert gui.pane.composer.edit.toPlainText() == ""


@in_loop
async def test_typing_on_the_version_switcher_goes_on_in_the_message_field(gui: Gui) -> None:
    await _two_versions(gui)
    last_item(gui, Role.ASSISTANT)._previous.setFocus(Qt.FocusReason.TabFocusReason)
    _type("Why")
    assert gui.pane.composer.edit.toPlainText() == "Why"
    assert "Second answer." in answer_text(gui)  # no other version shown


@in_loop
async def test_shortcuts_and_keys_that_move_stay_where_they_were(gui: Gui) -> None:
    await _answered(gui)
    answer = last_item(gui, Role.ASSISTANT)
    text = answer.text
    text.setFocus(Qt.FocusReason.MouseFocusReason)
    QGuiApplication.clipboard().clear()
    _press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    _press(Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text().strip() == "Here is the answer."
    for key in (Qt.Key.Key_Down, Qt.Key.Key_End, Qt.Key.Key_Backspace, Qt.Key.Key_Escape):
        _press(key)
        assert text.hasFocus(), key
    answer._copy.setFocus(Qt.FocusReason.TabFocusReason)
    _press(Qt.Key.Key_Left)
    focused: QWidget | None = QApplication.focusWidget()
    assert focused is not None
    assert gui.pane.transcript.isAncestorOf(focused)
    assert gui.pane.composer.edit.toPlainText() == ""


@in_loop
async def test_typing_on_a_question_editors_buttons_goes_on_in_its_text(gui: Gui) -> None:
    await _answered(gui)
    question = last_item(gui, Role.USER)
    question.start_editing()
    editor = question._editor
    assert editor is not None
    editor.cancel_button.setFocus(Qt.FocusReason.TabFocusReason)
    _type(", again")
    assert editor.field.hasFocus()
    assert editor.field.toPlainText() == "A question, again"
    assert gui.pane.composer.edit.toPlainText() == ""


@in_loop
async def test_alt_arrows_switch_versions_without_reaching_the_switcher(gui: Gui) -> None:
    # From the message field: the last message with versions; about ten Tabs before.
    await _two_versions(gui)
    gui.pane.focus_composer()
    edit = gui.pane.composer.edit
    QTest.keyClick(edit, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    await gui.until(lambda: "First answer." in answer_text(gui))
    assert last_item(gui, Role.ASSISTANT)._branch_label.text() == "1 / 2"
    QTest.keyClick(edit, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)  # the first: stays
    await gui.settle(0.05)
    assert last_item(gui, Role.ASSISTANT)._branch_label.text() == "1 / 2"
    QTest.keyClick(edit, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    await gui.until(lambda: "Second answer." in answer_text(gui))
    # From a message of one version (the question): the last one with versions.
    question = last_item(gui, Role.USER)
    question.setFocus()
    QTest.keyClick(question, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    await gui.until(lambda: "First answer." in answer_text(gui))

"""The "Jump to latest" from the keyboard, and a click on it that leaves the keyboard where
it was: End in the conversation, the window's Alt+End from the message field."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.ui.help_dialog import HelpDialog
from app.ui.shortcuts import shortcut
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.test_jump_to_latest_place import _scrolled_up_while_streaming

CTRL = Qt.KeyboardModifier.ControlModifier
NONE = Qt.KeyboardModifier.NoModifier


# Lines of the answer: enough to stream for 30 s and more, so that it still grows after
# the jump on a loaded machine (300 lasted about 3 s, and could end first). Each test
# stops it (Esc) once it has seen what it checks.
LONG_ANSWER = 3000


async def _scrolled_up(gui: Gui) -> None:
    """An answer streams, the user scrolled up to read: "Jump to latest" shows."""
    await _scrolled_up_while_streaming(gui, 1100, 760, lines=LONG_ANSWER)
    assert not gui.pane.transcript.following


async def _pressed_in_the_conversation(
    gui: Gui, key: Qt.Key, modifiers: Qt.KeyboardModifier
) -> None:
    await _scrolled_up(gui)
    transcript = gui.pane.transcript
    transcript.setFocus(Qt.FocusReason.TabFocusReason)
    await gui.until(transcript.hasFocus)
    gui.qtbot.keyClick(transcript, key, modifiers)


async def _following_to_the_end(gui: Gui) -> None:
    transcript = gui.pane.transcript
    bar = transcript.verticalScrollBar()
    await gui.until(lambda: transcript.following and not transcript._jump.isVisible())
    # And it keeps following the answer as it grows: still at the end a while later.
    grown = bar.maximum()
    await gui.until(lambda: bar.maximum() > grown + 100)
    assert transcript.following
    assert bar.value() == bar.maximum()
    await _stopped(gui)


async def _stopped(gui: Gui) -> None:
    """The long answer stopped (Esc in the message field, which keeps the keyboard)."""
    gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_Escape)
    await gui.until(gui.answered, timeout=30)


@pytest.mark.parametrize("modifiers", [NONE, CTRL], ids=["End", "Ctrl+End"])
@in_loop
async def test_end_in_the_conversation_goes_to_the_end_and_follows(
    gui: Gui, modifiers: Qt.KeyboardModifier
) -> None:
    # End and Ctrl+End with the conversation focused scrolled nothing.
    await _pressed_in_the_conversation(gui, Qt.Key.Key_End, modifiers)
    await _following_to_the_end(gui)


@in_loop
async def test_home_and_ctrl_home_in_the_conversation_go_to_the_top(gui: Gui) -> None:
    await _pressed_in_the_conversation(gui, Qt.Key.Key_Home, NONE)
    transcript = gui.pane.transcript
    bar = transcript.verticalScrollBar()
    assert bar.value() == bar.minimum()
    assert not transcript.following  # the answer goes on below; the view stays up here
    bar.setValue(bar.maximum() // 2)
    gui.qtbot.keyClick(transcript, Qt.Key.Key_Home, CTRL)
    assert bar.value() == bar.minimum()
    grown = bar.maximum()
    await gui.until(lambda: bar.maximum() > grown + 100)  # the answer goes on below
    await _stopped(gui)
    assert bar.value() == bar.minimum()


@pytest.mark.parametrize("keys", [Qt.Key.Key_End, Qt.Key.Key_J], ids=["Alt+End", "Ctrl+J"])
@in_loop
async def test_the_windows_shortcut_jumps_from_the_message_field(gui: Gui, keys: Qt.Key) -> None:
    # From the message field nothing reached the end: End and Ctrl+End are its own.
    await _scrolled_up(gui)
    edit = gui.pane.composer.edit
    edit.setFocus()
    gui.qtbot.keyClicks(edit, "next question")
    await gui.until(edit.hasFocus)
    modifiers = Qt.KeyboardModifier.AltModifier if keys == Qt.Key.Key_End else CTRL
    gui.qtbot.keyClick(edit, keys, modifiers)
    await _following_to_the_end(gui)
    assert edit.hasFocus()
    assert edit.toPlainText() == "next question"  # nothing typed, selected or moved away


@in_loop
async def test_a_click_on_the_button_leaves_the_keyboard_in_the_message_field(gui: Gui) -> None:
    # The click moved the keyboard into the conversation (its blue frame came on).
    await _scrolled_up(gui)
    edit = gui.pane.composer.edit
    edit.setFocus()
    await gui.until(edit.hasFocus)
    jump = gui.pane.transcript._jump
    gui.qtbot.mouseClick(jump, Qt.MouseButton.LeftButton)
    await _following_to_the_end(gui)
    assert QApplication.focusWidget() is edit
    gui.qtbot.keyClicks(edit, "typed on")
    assert edit.toPlainText() == "typed on"
    assert jump.accessibleName() == "Jump to the latest message"  # for screen readers


def test_the_shortcut_is_in_the_table_and_the_help(qtbot: QtBot) -> None:
    item = shortcut("jump_to_latest")
    assert item.keys == ("Alt+End", "Ctrl+J")
    assert item.description == "Jump to the latest message"
    dialog = HelpDialog()
    qtbot.addWidget(dialog)
    dialog.search.setText("latest")
    assert dialog.shortcuts.visible_descriptions() == ["Jump to the latest message"]
    dialog.search.setText("scroll bottom")
    assert dialog.shortcuts.visible_descriptions() == ["Jump to the latest message"]

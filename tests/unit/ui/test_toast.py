"""Toast: a notice at the bottom of a widget, with an optional action, that hides itself."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QEnterEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.ui.toast import MARGIN, Toast

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def _shown(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.addWidget(widget)
    widget.resize(500, 400)
    widget.show()
    qtbot.waitExposed(widget)


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    layout = QVBoxLayout(widget)
    layout.addWidget(QLineEdit(widget))
    _shown(qtbot, widget)
    return widget


def test_shows_at_the_bottom_centre_with_its_text(window: QWidget) -> None:
    toast = Toast.show_message(window, "Saved")
    assert toast.isVisible()
    assert toast.text == "Saved"
    assert toast.accessibleName() == "Saved"
    assert toast.accessibleDescription() == "Notification"
    assert toast.action_button is None
    geometry = toast.geometry()
    assert geometry.bottom() + 1 == window.height() - MARGIN
    assert abs(geometry.center().x() - window.rect().center().x()) <= 1


def test_follows_the_parent_when_it_is_resized(window: QWidget, qtbot: QtBot) -> None:
    toast = Toast.show_message(window, "Saved")
    window.resize(700, 600)
    qtbot.waitUntil(lambda: toast.geometry().bottom() + 1 == 600 - MARGIN)
    assert abs(toast.geometry().center().x() - 350) <= 1


def test_action_runs_the_callback_and_closes(window: QWidget, qtbot: QtBot) -> None:
    calls: list[str] = []
    toast = Toast.show_message(window, "Deleted “x”", "Undo", lambda: calls.append("undo"))
    button = toast.action_button
    assert button is not None
    assert button.text() == "Undo"
    assert button.accessibleName() == "Undo"
    with qtbot.wait_signal(toast.dismissed):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert calls == ["undo"]
    assert not toast.is_open
    assert not toast.isVisible()


def test_hides_itself_after_the_timeout(window: QWidget, qtbot: QtBot) -> None:
    toast = Toast.show_message(window, "Bye", timeout_ms=30)
    with qtbot.wait_signal(toast.dismissed, timeout=2000):
        pass
    assert not toast.is_open


def test_the_countdown_pauses_under_the_pointer(window: QWidget, qtbot: QtBot) -> None:
    toast = Toast.show_message(window, "Read me", timeout_ms=40)
    local = QPointF(5, 5)
    QApplication.sendEvent(toast, QEnterEvent(local, local, QPointF(toast.mapToGlobal(local))))
    qtbot.wait(150)
    assert toast.is_open
    QApplication.sendEvent(toast, QEvent(QEvent.Type.Leave))
    qtbot.waitUntil(lambda: not toast.is_open, timeout=2000)


def test_a_new_notice_replaces_the_old_one(window: QWidget) -> None:
    first = Toast.show_message(window, "First")
    second = Toast.show_message(window, "Second")
    assert not first.is_open
    assert second.is_open
    assert second.isVisible()


def test_never_takes_the_keyboard_focus(window: QWidget, qtbot: QtBot) -> None:
    field = window.findChild(QLineEdit)
    assert field is not None
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    Toast.show_message(window, "Deleted", "Undo", lambda: None)
    qtbot.keyClicks(field, "still typing")
    assert field.hasFocus()
    assert field.text() == "still typing"


def test_escape_dismisses_it(window: QWidget, qtbot: QtBot) -> None:
    toast = Toast.show_message(window, "Deleted", "Undo", lambda: None)
    qtbot.keyClick(toast, Qt.Key.Key_Escape)
    assert not toast.is_open


class _Host(QWidget):
    """A window that keeps its bottom 100 pixels for a field notices must not cover,
    with its conversation on the right (from 100 px to 500, centred at 300)."""

    def __init__(self) -> None:
        super().__init__()
        self.conversation = QWidget(self)
        self.conversation.setGeometry(100, 0, 400, 100)

    def toast_bottom(self) -> int:
        return self.height() - 100

    def toast_area(self) -> QWidget:
        return self.conversation


@pytest.fixture
def host(qtbot: QtBot) -> _Host:
    widget = _Host()
    _shown(qtbot, widget)
    return widget


def test_a_host_window_says_where_notices_end(host: _Host, qtbot: QtBot) -> None:
    toast = Toast.show_message(host, "Deleted “Trip”", "Undo")
    assert toast.geometry().bottom() + 1 == 300
    assert abs(toast.geometry().center().x() - 300) <= 1  # over the conversation
    host.resize(600, 500)
    qtbot.waitUntil(lambda: toast.geometry().bottom() + 1 == 400)


def test_a_short_notice_keeps_to_one_line_and_a_long_one_wraps(
    window: QWidget, qtbot: QtBot
) -> None:
    window.resize(900, 400)
    toast = Toast.show_message(window, "Deleted “Echo: Question”", "Undo")
    label = toast.findChild(QLabel)
    assert label is not None
    one_line = label.fontMetrics().horizontalAdvance(label.text())
    qtbot.waitUntil(lambda: label.width() >= one_line)  # one line: there is room for it

    long_text = "The model list could not be refreshed: " + "the server did not answer. " * 6
    toast = Toast.show_message(window, long_text)
    assert toast.width() <= window.width() - 2 * MARGIN
    label = toast.findChild(QLabel)
    assert label is not None
    line = label.fontMetrics().lineSpacing()
    qtbot.waitUntil(lambda: label.height() >= 2 * line)  # wrapped, not cut


def test_clicking_its_button_leaves_the_keyboard_where_it_was(qtbot: QtBot) -> None:
    window = QWidget()
    layout = QVBoxLayout(window)
    first = QPushButton("New chat", window)  # where Qt sent the keyboard
    layout.addWidget(first)
    field = QLineEdit(window)
    layout.addWidget(field)
    qtbot.addWidget(window)
    window.resize(500, 400)
    window.show()
    qtbot.waitExposed(window)
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    undone: list[bool] = []
    toast = Toast.show_message(window, "Deleted", "Undo", lambda: undone.append(True))
    button = toast.action_button
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert undone == [True]
    assert field.hasFocus()
    qtbot.keyClicks(field, "typed after")
    assert field.text() == "typed after"


def test_a_long_notice_stays_over_the_hosts_conversation(host: _Host, qtbot: QtBot) -> None:
    # It stretched across the sidebar, as wide as the window.
    host.resize(900, 400)
    text = "The MCP server “qa” stopped unexpectedly, saying “it crashed on purpose”. " * 2
    toast = Toast.show_message(host, text)
    geometry = toast.geometry()
    assert geometry.left() >= 100 + MARGIN
    assert geometry.right() + 1 <= 500 - MARGIN
    assert abs(geometry.center().x() - 300) <= 1
    label = toast.findChild(QLabel)
    assert label is not None
    qtbot.waitUntil(lambda: label.height() >= 2 * label.fontMetrics().lineSpacing())
    host.conversation.setGeometry(50, 0, 300, 100)  # moved: the notice goes with it
    assert abs(toast.geometry().center().x() - 200) <= 1
    assert toast.geometry().right() + 1 <= 350 - MARGIN

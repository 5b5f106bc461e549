"""Keys typed while the keyboard is on one of the transcript's controls (a message's
Copy or Regenerate, the version switcher, a link in an answer, the view itself).

Typing goes on in the message field, as in web chats: the first letter moves the
keyboard there and is typed there, and the rest follows it. Space and Enter stay the
control's own: they press a button (Enter as in a dialog; Qt's buttons take only
Space outside one), and a link takes Enter itself.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from app.ui.shortcuts import writes_text

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class KeysOnControls(QObject):
    """Watches ``transcript`` for the key presses its controls leave unused (a button
    takes Space, a text field every letter: they never get here) and hands text on to
    ``field``."""

    def __init__(self, transcript: QWidget, field: QWidget) -> None:
        super().__init__(transcript)
        self._transcript = transcript
        self._field = field
        # A key press a widget leaves unused goes on to its parent, and so reaches the
        # transcript's filters whichever control of it had the keyboard.
        transcript.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            watched is not self._transcript
            or event.type() != QEvent.Type.KeyPress
            or not isinstance(event, QKeyEvent)
        ):
            return False
        focused = QApplication.focusWidget()
        if focused is None or not (
            focused is self._transcript or self._transcript.isAncestorOf(focused)
        ):
            return False
        if event.key() in _ENTER and isinstance(focused, QAbstractButton):
            if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
                return False  # Ctrl+Enter and the like: the window's shortcuts
            focused.click()
            return True
        if not writes_text(event) or not event.text().strip():
            return False  # a Space nobody took: not the first thing typed in a message
        if not (self._field.isVisible() and self._field.isEnabled()):
            return False
        type_into(self._field, event)
        return True


def type_into(field: QWidget, event: QKeyEvent) -> None:
    """Give ``field`` the keyboard and the key typed elsewhere: what follows goes to it."""
    field.setFocus(Qt.FocusReason.OtherFocusReason)
    # A copy: the event itself is still on its way up from where it was typed.
    QApplication.sendEvent(field, QKeyEvent(event))

"""Which keys send an edited question: the message field's setting, kept by a transcript.

The transcript holds it as a property its question editors read at each key press, so
a change in Settings reaches an editor already open, and an editor needs no wiring of
its own from the application.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

_PROPERTY = "enterSends"


def set_enter_sends(transcript: QWidget, enter_sends: bool) -> None:
    """Enter sends (Shift+Enter: a new line), or with False Ctrl+Enter sends."""
    transcript.setProperty(_PROPERTY, enter_sends)


def enter_sends(widget: QWidget) -> bool:
    """The setting of the transcript ``widget`` is in; Enter sends outside one."""
    ancestor: QWidget | None = widget
    while ancestor is not None:
        value = ancestor.property(_PROPERTY)
        if value is not None:
            return bool(value)
        ancestor = ancestor.parentWidget()
    return True


def send_hint(enter_sends: bool) -> str:
    return "Enter" if enter_sends else "Ctrl+Enter"

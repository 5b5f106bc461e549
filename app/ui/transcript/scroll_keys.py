"""Home and End in the conversation: to its top, and to its end (following the answer
being written from there, as "Jump to latest" does).

Qt's scroll area takes only the arrows and Page Up/Down; End and Ctrl+End scrolled
nothing. Ctrl held or not, as in a browser's page: the view has no line to go to the
end of.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent


class Goal(Enum):
    TOP = "top"
    END = "end"


_KEYS = {Qt.Key.Key_Home: Goal.TOP, Qt.Key.Key_End: Goal.END}
_PLAIN = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ControlModifier)


def scroll_goal(event: QKeyEvent) -> Goal | None:
    """Where a key press sends the view: Home and End, Ctrl or not (the keypad's too);
    None for any other key, and for Shift+End or Alt+End (the window's own)."""
    goal = _KEYS.get(Qt.Key(event.key()))
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return goal if modifiers in _PLAIN else None

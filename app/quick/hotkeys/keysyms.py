"""X11/xkb keysym names of our keys, shared by the X11 backend and the Wayland portal."""

from __future__ import annotations

from app.quick.hotkeys.sequence import KeySequence

_NAMED = {
    "Space": "space",
    "Return": "Return",
    "Enter": "KP_Enter",
    "Tab": "Tab",
    "Esc": "Escape",
    "Backspace": "BackSpace",
    "Ins": "Insert",
    "Del": "Delete",
    "Home": "Home",
    "End": "End",
    "PgUp": "Prior",
    "PgDown": "Next",
    "Left": "Left",
    "Right": "Right",
    "Up": "Up",
    "Down": "Down",
    "Print": "Print",
    "Pause": "Pause",
    "-": "minus",
    "=": "equal",
    ",": "comma",
    ".": "period",
    "/": "slash",
    ";": "semicolon",
    "'": "apostrophe",
    "[": "bracketleft",
    "]": "bracketright",
    "\\": "backslash",
    "`": "grave",
}


def keysym_name(sequence: KeySequence) -> str:
    """The keysym name of the sequence's key: "space", "a", "F9", "Prior"."""
    if sequence.key in _NAMED:
        return _NAMED[sequence.key]
    if len(sequence.key) == 1:
        # Letters: the unshifted keysym (lower case), as the key's first level.
        return sequence.key.lower()
    return sequence.key  # F1..F35 are their own names

"""Portable shortcut text ("Ctrl+Alt+Space") parsed into modifiers and one key, for every backend.

The text follows Qt's portable key-sequence text (``QKeySequence.toString()``), so a
``QKeySequenceEdit`` in the settings can produce it. As in Qt, ``Ctrl`` is the Command
key on macOS and ``Meta`` is the Control key there; ``Meta`` is the Windows/Super key
elsewhere.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class HotkeyError(ValueError):
    """A shortcut that cannot be used as a global shortcut; the message says why."""


class Modifier(enum.Enum):
    """A modifier key, named as in Qt's portable text."""

    CTRL = "Ctrl"
    ALT = "Alt"
    SHIFT = "Shift"
    META = "Meta"


# The order Qt writes them in, used for display.
MODIFIER_ORDER = (Modifier.CTRL, Modifier.ALT, Modifier.SHIFT, Modifier.META)

_MODIFIER_ALIASES = {
    "ctrl": Modifier.CTRL,
    "control": Modifier.CTRL,
    "alt": Modifier.ALT,
    "shift": Modifier.SHIFT,
    "meta": Modifier.META,
    "super": Modifier.META,
    "win": Modifier.META,
}

# Named keys: accepted spellings (lower case) -> canonical name (Qt's portable text).
_NAMED_KEYS = {
    "space": "Space",
    "return": "Return",
    "enter": "Enter",
    "tab": "Tab",
    "esc": "Esc",
    "escape": "Esc",
    "backspace": "Backspace",
    "ins": "Ins",
    "insert": "Ins",
    "del": "Del",
    "delete": "Del",
    "home": "Home",
    "end": "End",
    "pgup": "PgUp",
    "pageup": "PgUp",
    "pgdown": "PgDown",
    "pagedown": "PgDown",
    "left": "Left",
    "right": "Right",
    "up": "Up",
    "down": "Down",
    "print": "Print",
    "pause": "Pause",
}

# Keys that type a character on an unshifted US keyboard (the physical key is meant).
PUNCTUATION = frozenset("-=,./;'[]\\`")
MAX_FUNCTION_KEY = 35
_FUNCTION_KEY = re.compile(r"[fF]([1-9][0-9]?)")
_SECOND_CHORD = re.compile(r"[^+],\s")


@dataclass(frozen=True)
class KeySequence:
    """One key combination: a set of modifiers and one key.

    ``key`` is canonical: an upper-case letter, a digit, a punctuation character from
    ``PUNCTUATION``, ``F1``..``F35``, or a named key such as ``Space`` or ``PgUp``.
    """

    modifiers: frozenset[Modifier]
    key: str

    def __str__(self) -> str:
        names = [m.value for m in MODIFIER_ORDER if m in self.modifiers]
        return "+".join([*names, self.key])

    @property
    def function_key(self) -> int | None:
        """The number of a function key (9 for F9), else None."""
        match = _FUNCTION_KEY.fullmatch(self.key)
        return int(match.group(1)) if match else None

    @property
    def types_text(self) -> bool:
        """Whether the key types a character (a letter, digit, space or punctuation)."""
        return len(self.key) == 1 or self.key == "Space"


def parse_sequence(text: str) -> KeySequence:
    """Parses portable shortcut text such as "Ctrl+Alt+Space" or "ctrl+shift+f9".

    Raises:
        HotkeyError: the text is not one key combination with at least one modifier.
    """
    stripped = text.strip()
    if not stripped:
        raise HotkeyError("The shortcut is empty; press a key combination such as Ctrl+Alt+Space.")
    if _SECOND_CHORD.search(stripped):
        raise HotkeyError(
            f"“{stripped}” is a sequence of several key presses; "
            "a global shortcut is a single combination such as Ctrl+Alt+Space."
        )
    if stripped.endswith("++"):
        raise HotkeyError(
            "“+” is typed with Shift on most keyboards, so it cannot be a global shortcut key; "
            "use “=” (Ctrl+Shift+=) or another key."
        )
    *modifier_names, key_name = (part.strip() for part in stripped.split("+"))
    modifiers: set[Modifier] = set()
    for name in modifier_names:
        modifier = _MODIFIER_ALIASES.get(name.lower())
        if modifier is None:
            raise HotkeyError(
                f"“{name}” in “{stripped}” is not a modifier; use Ctrl, Alt, Shift or Meta."
            )
        if modifier in modifiers:
            raise HotkeyError(f"{modifier.value} appears twice in “{stripped}”.")
        modifiers.add(modifier)
    sequence = KeySequence(frozenset(modifiers), _canonical_key(key_name, stripped))
    if not modifiers:
        raise HotkeyError(
            f"“{sequence}” has no modifier; a global shortcut needs Ctrl, Alt, Shift or Meta "
            "so that it does not take the key away from every other program."
        )
    if modifiers == {Modifier.SHIFT} and sequence.types_text:
        raise HotkeyError(
            f"{sequence} would stop you typing that character everywhere; add Ctrl, Alt or Meta."
        )
    return sequence


def _canonical_key(name: str, text: str) -> str:
    if not name:
        raise HotkeyError(f"“{text}” ends without a key; add one, as in Ctrl+Alt+Space.")
    if len(name) == 1:
        if name.isascii() and name.isalnum():
            return name.upper()
        if name in PUNCTUATION:
            return name
    named = _NAMED_KEYS.get(name.lower())
    if named is not None:
        return named
    match = _FUNCTION_KEY.fullmatch(name)
    if match and 1 <= int(match.group(1)) <= MAX_FUNCTION_KEY:
        return f"F{int(match.group(1))}"
    raise HotkeyError(
        f"“{name}” in “{text}” is not a key a global shortcut can use; use a letter, a digit, "
        "F1–F35, Space, an arrow or another named key (Esc, Tab, Return, Ins, Del, Home, End, "
        "PgUp, PgDown, Print, Pause)."
    )

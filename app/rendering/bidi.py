"""Inline code in right-to-left text: kept left to right.

In an Arabic or Hebrew paragraph the bidirectional algorithm lays `print()` out as
"()print": its brackets are neutral and take the paragraph's direction. Wrapped in a
left-to-right isolate (U+2066 ... U+2069, which Qt's layout honours) it reads as written.
Only paragraphs whose direction is right to left get the isolates: Qt chooses a block's
direction from its first strong character, as ``right_to_left`` does.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the sidebar uses text_direction at start-up, without markdown_it
    from markdown_it.token import Token

LRI = "\u2066"
PDI = "\u2069"

_TEXT = frozenset({"text", "code_inline"})


def right_to_left(tokens: Sequence[Token]) -> bool:
    """Whether the paragraph of these inline tokens reads right to left."""
    return strong_direction(tokens) is True


def strong_direction(tokens: Sequence[Token]) -> bool | None:
    """True when the first strong character of these inline tokens is right to left,
    False when it is left to right, None when they have none (digits, punctuation)."""
    for token in tokens:
        if token.type in _TEXT and (direction := text_direction(token.content)) is not None:
            return direction
    return None


def text_direction(text: str) -> bool | None:
    """True when the first strong character of ``text`` is right to left (Hebrew,
    Arabic), False when it is left to right, None when it has none."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return None

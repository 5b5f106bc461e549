"""Which way a line of text reads, for text painted by hand (sidebar rows, search
results) and for the window's title.

Qt chooses a paragraph's direction from its first strong character; painted word by
word, or with a left-to-right painter, Hebrew and Arabic came out mirrored, or with
their "…" beside their first word.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextOption

from app.rendering.bidi import text_direction

FSI = "\u2068"
"""First strong isolate: what follows, up to ``PDI``, takes its own direction."""
PDI = "\u2069"
ELLIPSIS = "…"
_RIGHT_TO_LEFT = frozenset({"R", "AL", "AN"})


def right_to_left(text: str) -> bool:
    """Whether ``text`` reads right to left: its first strong character is Hebrew,
    Arabic or the like (as Qt decides a paragraph's direction)."""
    return text_direction(text) is True


def direction_of(text: str) -> Qt.LayoutDirection:
    if right_to_left(text):
        return Qt.LayoutDirection.RightToLeft
    return Qt.LayoutDirection.LeftToRight


def line_option(text: str, vertical: Qt.AlignmentFlag | None = None) -> QTextOption:
    """A single line of ``text`` in its own direction, from its start: at the left
    for left-to-right text, at the right for right-to-left text (its "…" then at its
    left end, after its last word)."""
    direction = direction_of(text)
    start = (
        Qt.AlignmentFlag.AlignRight
        if direction == Qt.LayoutDirection.RightToLeft
        else Qt.AlignmentFlag.AlignLeft
    )
    alignment = start | Qt.AlignmentFlag.AlignAbsolute
    if vertical is not None:
        alignment |= vertical
    option = QTextOption(alignment)
    option.setTextDirection(direction)
    option.setWrapMode(QTextOption.WrapMode.NoWrap)
    return option


def isolated(text: str, longest: int = 80) -> str:
    """``text`` to put among other words (the window's title): shortened to about
    ``longest`` characters at a space, and, when it holds Hebrew, Arabic or the like,
    isolated (FSI … PDI) so that it does not pull the words after it into its direction
    ("END — Maestrale مرحبا…"). Left-to-right text is left as it is: nothing to keep
    apart, and no invisible characters in what screen readers and tests read."""
    if len(text) > longest:
        cut = text[:longest].rstrip()
        space = cut.rfind(" ")
        if space > longest // 2:
            cut = cut[:space].rstrip()
        text = cut + ELLIPSIS
    return f"{FSI}{text}{PDI}" if holds_right_to_left(text) else text


def holds_right_to_left(text: str) -> bool:
    """Whether any of ``text`` is Hebrew, Arabic or the like (Arabic digits too)."""
    return any(unicodedata.bidirectional(character) in _RIGHT_TO_LEFT for character in text)

"""Where a search result's line may break: at whitespace, and between the characters of
scripts written without spaces (Chinese, Japanese), as Unicode's line-breaking rules
allow there ("。" never begins a line, "「" never ends one).

Latin text breaks at whitespace only, as it always did: Unicode's rules would break it
after a hyphen or inside a URL too.
"""

from __future__ import annotations

import re
import unicodedata

from PySide6.QtCore import QTextBoundaryFinder

_SPACE_OR_NOT = re.compile(r"\s+|\S+")


def _wide(char: str) -> bool:
    # Ideographs, kana, hangul, their punctuation and full-width forms; half-width
    # katakana too. "…" and Latin letters are not.
    return unicodedata.east_asian_width(char) in ("W", "F", "H")


def segments(text: str) -> list[str]:
    """``text`` in the pieces a line may break between: each run of whitespace alone,
    the text between cut where a wide character stands on either side of a break
    opportunity ("会話223", "データ" in "会", "話", "223", "デー", "タ")."""
    tokens = _SPACE_OR_NOT.findall(text)
    if text.isascii():
        return tokens
    return [piece for token in tokens for piece in _cut(token)]


def _cut(token: str) -> list[str]:
    if token.isspace() or not any(_wide(char) for char in token):
        return [token]
    finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Line, token)
    pieces: list[str] = []
    start = 0
    at = finder.toNextBoundary()
    while 0 < at < len(token):
        if _wide(token[at - 1]) or _wide(token[at]):
            pieces.append(token[start:at])
            start = at
        at = finder.toNextBoundary()
    pieces.append(token[start:])
    return pieces

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
# Where the characters _wide takes stand (a few ranges around them, for later Unicode
# versions): text with none of these breaks at whitespace alone, without a look at each
# of its characters (accented Latin, an ellipsis: 70 µs a search result's snippet).
_MAYBE_WIDE = re.compile(
    "[\u1100-\u115f\u20a9\u231a-\u232a\u23e9-\u23f3\u25fd-\u27bf\u2b1b-\u2b55"
    "\u2e80-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe6f\uff00-\uffef"
    "\U00016fe0-\U0001b2ff\U0001f000-\U0001faff\U00020000-\U0003fffd]"
)


def _wide(char: str) -> bool:
    # Ideographs, kana, hangul, their punctuation and full-width forms; half-width
    # katakana too. "…" and Latin letters are not.
    return unicodedata.east_asian_width(char) in ("W", "F", "H")


def segments(text: str) -> list[str]:
    """``text`` in the pieces a line may break between: each run of whitespace alone,
    the text between cut where a wide character stands on either side of a break
    opportunity ("会話223", "データ" in "会", "話", "223", "デー", "タ")."""
    tokens = _SPACE_OR_NOT.findall(text)
    if text.isascii() or not _MAYBE_WIDE.search(text):
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

"""The height of a row of text in a plain text field, for fields sized to their lines."""

from __future__ import annotations

import math

from PySide6.QtGui import QFont, QFontMetricsF


def row_pitch(font: QFont) -> int:
    """How far apart QPlainTextEdit puts the rows of ``font``: its line spacing rounded
    up to a whole pixel. QFontMetrics.lineSpacing() rounds it to the nearest (15 for
    DejaVu Sans at 10 pt, whose rows stand 16 apart): a field sized with it to twelve
    rows showed eleven and a scroll bar."""
    return math.ceil(QFontMetricsF(font).lineSpacing())

"""Tables too wide for the message keep their words whole, and scroll sideways.

Qt lays out a table that does not fit its width a second time with the text wrapping
anywhere (see QTextDocumentLayout's layoutTable): a table of twelve columns at 640 px
showed "head/er" and "Co/lu/m/n". Such a table gets each column fixed at its widest
word instead, so no word is cut; the table is then wider than the message, whose view
scrolls sideways (see MessageText). A table that fits keeps Qt's own widths.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from PySide6.QtGui import QFontMetricsF, QTextDocument, QTextFrame, QTextLength, QTextTable

_SLACK = 2.0  # px: Qt's rounding of column widths must not cut the widest word


def data_tables(frame: QTextFrame) -> Iterator[QTextTable]:
    """The tables of markdown tables in ``frame``: drawn with borders, unlike the
    tables that frame code blocks and quotes."""
    for child in frame.childFrames():
        if isinstance(child, QTextTable) and child.format().border() > 0:
            yield child
        yield from data_tables(child)


def fit_wide_tables(document: QTextDocument, width: float) -> None:
    """Fix the columns of the tables that cannot fit ``width`` without cutting words;
    give the others back to Qt's layout."""
    available = width - 2 * document.documentMargin()
    for table in data_tables(document.rootFrame()):
        table_format = table.format()
        widest = _widest_words(document, table)
        padding = table_format.cellPadding() + table_format.border()
        needed = sum(w + 2 * padding for w in widest) + 2 * table_format.border()
        constraints = table_format.columnWidthConstraints()
        if needed + _SLACK * len(widest) > available:
            fixed = [
                QTextLength(QTextLength.Type.FixedLength, math.ceil(w + 2 * padding + _SLACK))
                for w in widest
            ]
            if [c.rawValue() for c in constraints] == [c.rawValue() for c in fixed]:
                continue
        elif any(c.type() == QTextLength.Type.FixedLength for c in constraints):
            fixed = []
        else:
            continue  # Qt's widths already
        table_format.setColumnWidthConstraints(fixed)
        table.setFormat(table_format)


def _widest_words(document: QTextDocument, table: QTextTable) -> list[float]:
    base = document.defaultFont()
    widest = [0.0] * table.columns()
    for row in range(table.rows()):
        for column in range(table.columns()):
            cell = table.cellAt(row, column)
            blocks = cell.begin()
            while not blocks.atEnd():
                block = blocks.currentBlock()
                fragments = block.begin()
                while not fragments.atEnd():
                    fragment = fragments.fragment()
                    metrics = QFontMetricsF(fragment.charFormat().font().resolve(base))
                    for word in fragment.text().split():
                        widest[column] = max(widest[column], metrics.horizontalAdvance(word))
                    fragments += 1
                blocks += 1
    return widest

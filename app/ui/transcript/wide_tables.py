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

from PySide6.QtGui import (
    QFontMetricsF,
    QTextDocument,
    QTextFormat,
    QTextFrame,
    QTextLength,
    QTextTable,
)

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
        border = table_format.border()
        # A column's word, its cells' padding (app.rendering.markdown sets their sides)
        # and a border; then the table's outer border.
        widest = [
            w + sides + 2 * border
            for w, sides in zip(_widest_words(document, table), _sides(table), strict=True)
        ]
        needed = sum(widest) + 2 * border
        constraints = table_format.columnWidthConstraints()
        if needed + _SLACK * len(widest) > available:
            fixed = [
                QTextLength(QTextLength.Type.FixedLength, math.ceil(w + _SLACK)) for w in widest
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


def _sides(table: QTextTable) -> list[float]:
    """Each column's left and right padding, as its cells have them (the table's
    cellpadding where a cell sets none)."""
    default = table.format().cellPadding()
    sides = [0.0] * table.columns()
    for row in range(table.rows()):
        for column in range(table.columns()):
            cell = table.cellAt(row, column).format().toTableCellFormat()
            left, right = (
                cell.doubleProperty(side) if cell.hasProperty(side) else default
                for side in (
                    QTextFormat.Property.TableCellLeftPadding,
                    QTextFormat.Property.TableCellRightPadding,
                )
            )
            sides[column] = max(sides[column], left + right)
    return sides

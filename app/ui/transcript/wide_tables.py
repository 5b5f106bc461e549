"""Column widths for the markdown tables of a message too narrow for them, as a
browser's automatic table layout gives them.

Qt's own widths for a table that does not fit (see QTextDocumentLayout's layoutTable)
count one letter as the least a column needs and share the room evenly, so words were
cut anywhere ("head/er", "Co/lu/m/n"). Such a table gets its columns fixed here: each
at least as wide as its longest run of text that cannot break (a word, or a piece of a
URL or path up to a slash, where Qt breaks it) and, while the table can afford it, wide
enough to read (READABLE average characters); the rest of the room goes to the columns
in proportion to their text on one line. A run longer than LONG_RUN average characters
(a hash, a long URL piece, a compound word) breaks inside rather than push the table
past the message, as with CSS ``overflow-wrap: anywhere``: a URL in one cell no longer
squeezes every other column to one word per line. Only when even these least widths do
not fit is the table wider than the message, whose view then scrolls sideways (see
MessageText). A table whose cells all fit on one line keeps Qt's widths.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QTextBlock,
    QTextDocument,
    QTextFormat,
    QTextFrame,
    QTextLayout,
    QTextLength,
    QTextOption,
    QTextTable,
)

from app.ui.transcript.fitted_images import room_in_frames

if TYPE_CHECKING:
    from app.rendering.markdown import TableSize

_SLACK = 2.0  # px: Qt's rounding of column widths must not cut the widest word
LONG_RUN = 24  # average characters: a run of text longer may break inside
READABLE = 16  # average characters: a column's lines no shorter read well
_ENDLESS = 1e6  # px: a line no cell's text fills
# What surely_fit counts with, above what it stands for: a width unit in line heights
# (a bold "W" is 0.95 of one), each column's padding and borders in px (18), and the
# indent of each list or quote a table is in (40).
SURE_UNIT = 1.25
SURE_EDGES = 40.0
SURE_INDENT = 64.0


def data_tables(frame: QTextFrame) -> Iterator[QTextTable]:
    """The tables of markdown tables in ``frame``: drawn with borders, unlike the
    tables that frame code blocks and quotes."""
    for child in frame.childFrames():
        if isinstance(child, QTextTable) and child.format().border() > 0:
            yield child
        yield from data_tables(child)


@dataclass
class Column:
    """What one column's text needs across, in px, its cells' padding and borders
    included."""

    whole: float  # its longest run that cannot break: less cuts a word
    least: float  # the same with runs longer than LONG_RUN cut down to it
    natural: float  # its widest cell's text on one line
    readable: float = 0.0  # READABLE average characters: a column no narrower reads well


def fit_wide_tables(document: QTextDocument, width: float, font: QFont | None = None) -> None:
    """Fix the columns of the tables whose text does not fit ``width`` on one line per
    cell; give the others back to Qt's layout. Their text is measured in ``font``
    (the document's own by default: before its widget's change reaches it)."""
    if width <= 0:
        return  # no width yet (a message not laid out): fitted once it has one
    page = width - 2 * document.documentMargin()
    for table in data_tables(document.rootFrame()):
        table_format = table.format()
        # In a quote or a list, the room there: the quote's bar, the list's indent.
        room = room_in_frames(document, table.parentFrame(), table.firstPosition(), page)
        room -= table_format.leftMargin() + table_format.rightMargin()
        room -= table_edges(table_format.border())
        widths = column_widths(measure_columns(document, table, font), room)
        fixed = [QTextLength(QTextLength.Type.FixedLength, w) for w in widths]
        constraints = table_format.columnWidthConstraints()
        if [(c.type(), c.rawValue()) for c in constraints] == [
            (c.type(), c.rawValue()) for c in fixed
        ]:
            continue
        if not fixed and all(c.type() != QTextLength.Type.FixedLength for c in constraints):
            continue  # Qt's widths already
        table_format.setColumnWidthConstraints(fixed)
        table.setFormat(table_format)


def surely_fit(tables: Sequence[TableSize], width: float, font: QFont) -> bool:
    """Whether each of ``tables`` fits ``width`` with every cell's text on one line,
    told from the size of their text without measuring it: measuring the small tables
    of a long conversation's last answer took a tenth of the time it took to open.
    False when unsure (they are measured then)."""
    # Wider than any ASCII letter, bold ones too: a unit of width_units.
    unit = SURE_UNIT * QFontMetricsF(font).height()
    return all(
        sum(t.columns) * unit + len(t.columns) * SURE_EDGES + t.depth * SURE_INDENT <= width
        for t in tables
    )


def table_edges(border: float) -> float:
    """How much wider Qt 6 lays a table with collapsed borders out than its columns'
    widths add up to (measured: 4 px for the 1 px borders of markdown tables)."""
    return 2 * border + 2


def column_widths(columns: Sequence[Column], room: float) -> list[int]:
    """The fixed widths of ``columns`` in ``room`` px; none (Qt's own) when all their
    text fits on one line per cell.

    The least widths tried, in turn, until they fit: whole words and a readable width
    (READABLE average characters, or the column's text on one line if shorter) for every
    column; then long runs broken; then columns down to their longest word; then both.
    """
    if not columns or sum(c.natural for c in columns) <= room:
        return []
    whole = [c.whole for c in columns]
    least = [c.least for c in columns]
    readable = [min(c.natural, c.readable) for c in columns]
    tiers = (
        [max(w, r) for w, r in zip(whole, readable, strict=True)],
        [max(w, r) for w, r in zip(least, readable, strict=True)],
        whole,
    )
    floors = next((tier for tier in tiers if sum(tier) <= room), least)
    lowest = [math.ceil(f) for f in floors]
    if sum(lowest) >= room:
        return lowest  # wider than the message: it scrolls sideways
    shares = _shares(floors, [c.natural for c in columns], room)
    widths = [max(low, math.floor(share)) for low, share in zip(lowest, shares, strict=True)]
    over = sum(widths) - math.floor(room)
    while over > 0:  # rounded up to whole words: back from the roomiest column
        column = max(range(len(widths)), key=lambda c: widths[c] - lowest[c])
        widths[column] -= 1
        over -= 1
    return widths


def _shares(floors: Sequence[float], naturals: Sequence[float], room: float) -> list[float]:
    """``room`` shared in proportion to each column's natural width, none given less
    than its floor (as browsers share a table's width among its columns)."""
    held = [False] * len(floors)  # at its floor
    scale = 1.0
    while True:
        rest = room - sum(f for f, h in zip(floors, held, strict=True) if h)
        free = sum(n for n, h in zip(naturals, held, strict=True) if not h)
        if free <= 0:
            break
        scale = rest / free
        under = [c for c, h in enumerate(held) if not h and scale * naturals[c] < floors[c]]
        if not under:
            break
        for column in under:
            held[column] = True
    return [f if h else min(n, scale * n) for f, n, h in zip(floors, naturals, held, strict=True)]


def measure_columns(
    document: QTextDocument, table: QTextTable, font: QFont | None = None
) -> list[Column]:
    """What each column of ``table`` needs across (see Column), its text in ``font``
    (by default the document's)."""
    base = font if font is not None else document.defaultFont()
    average = QFontMetricsF(base).averageCharWidth()
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)  # at Qt's breaks, never inside
    runs = [0.0] * table.columns()
    natural = [0.0] * table.columns()
    for row in range(table.rows()):
        for column in range(table.columns()):
            cell = table.cellAt(row, column)
            if cell.row() != row or cell.column() != column or cell.columnSpan() != 1:
                continue  # markdown has no spanning cells
            blocks = cell.begin()
            while not blocks.atEnd():
                run, line = _measure(blocks.currentBlock(), base, option)
                runs[column] = max(runs[column], run)
                natural[column] = max(natural[column], line)
                blocks += 1
    edges = [s + 2 * table.format().border() + _SLACK for s in _sides(table)]
    longest = average * LONG_RUN
    return [
        Column(
            whole=r + e,
            least=min(r, longest) + e,
            natural=n + e,
            readable=average * READABLE + e,
        )
        for r, n, e in zip(runs, natural, edges, strict=True)
    ]


def _measure(block: QTextBlock, base: QFont, option: QTextOption) -> tuple[float, float]:
    """The widest run of ``block``'s text that cannot break where Qt breaks lines (a
    word, a URL up to a slash), and its widest line: as Qt measures them, laid out once
    on a line too long to end (a copy: the block's own layout is the document's)."""
    layout = QTextLayout(block.text(), base)
    layout.setTextOption(option)
    layout.setFormats(block.textFormats())
    layout.beginLayout()
    while (line := layout.createLine()).isValid():
        line.setLineWidth(_ENDLESS)
    layout.endLayout()
    return layout.minimumWidth(), layout.maximumWidth()


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

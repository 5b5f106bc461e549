"""The text of a selection in a rendered message, as a reader would want it pasted.

Qt's own plain text of a selection turns each formula into U+FFFC, keeps the header of
each code block ("python", "Copy"), drops the numbers of ordered lists (Qt draws them)
and puts each table cell on a line of its own. Here formulas are their TeX in the
delimiters the answer used (an image's alt text, see app/rendering/markdown.py), code is
its exact text without its header, list items keep their "1. " (or "1) ") or "- ", and a
table's rows are lines of cells separated by tabs (as spreadsheets paste them). Paragraphs
are separated by a blank line where the page shows a gap (a margin), lines of plain text
(a question) by a line break.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QTextBlock,
    QTextCursor,
    QTextFormat,
    QTextFrame,
    QTextListFormat,
    QTextTable,
    QTextTableCell,
)

from app.rendering.schemes import COPY_SCHEME

_BULLETS = frozenset(
    {
        QTextListFormat.Style.ListDisc,
        QTextListFormat.Style.ListCircle,
        QTextListFormat.Style.ListSquare,
    }
)
# Qt's text for a non-breaking space, a line break within a block, an object (a picture);
# the isolates that keep inline code left to right in right-to-left text (bidi.py).
_SPACES = str.maketrans(
    {"\u00a0": " ", "\u2028": "\n", "\u2029": "\n", "\u2066": None, "\u2069": None}
)


@dataclass
class _Piece:
    text: str
    gap_before: bool  # a margin above it on the page
    gap_after: bool
    listed: bool = False  # a list item: items follow each other line by line


def selected_text(cursor: QTextCursor) -> str:
    """The text of the selection of ``cursor``."""
    start, end = cursor.selectionStart(), cursor.selectionEnd()
    # Held for the whole walk: a wrapper made on the fly is dropped at once, and PySide
    # then invalidates the frames reached through it (the second copy in a document
    # failed with "Internal C++ object (QTextFrame) already deleted").
    document = cursor.document()
    pieces: list[_Piece] = []
    table = cursor.currentTable()
    if cursor.hasComplexSelection() and table is not None:
        # Cells of one table, a rectangle of them: its rows and columns, whole cells.
        cells = cast("tuple[int, int, int, int]", cursor.selectedTableCells())
        first_row, rows, first_column, columns = cells
        pieces.append(
            _Piece(
                _rows_text(
                    table,
                    range(first_row, first_row + rows),
                    range(first_column, first_column + columns),
                    table.firstPosition(),
                    table.lastPosition(),
                ),
                gap_before=False,
                gap_after=False,
            )
        )
    else:
        _frame_pieces(document.rootFrame(), start, end, pieces)
    out: list[str] = []
    previous: _Piece | None = None
    for piece in pieces:
        if previous is not None:
            both_listed = previous.listed and piece.listed
            gap = not both_listed and (previous.gap_after or piece.gap_before)
            out.append("\n\n" if gap else "\n")
        out.append(piece.text)
        previous = piece
    return "".join(out)


def _frame_pieces(frame: QTextFrame, start: int, end: int, pieces: list[_Piece]) -> None:
    _children_pieces(frame.begin(), start, end, pieces)


def _children_pieces(
    children: QTextFrame.iterator, start: int, end: int, pieces: list[_Piece]
) -> None:
    while not children.atEnd():
        block = children.currentBlock()
        if block.isValid():  # else a frame: a table (a code block, a quote)
            piece = _block_piece(block, start, end) if _block_in(block, start, end) else None
            if piece is not None:
                pieces.append(piece)
        else:
            frame = children.currentFrame()
            if frame.firstPosition() <= end and frame.lastPosition() >= start:
                if isinstance(frame, QTextTable):
                    _table_pieces(frame, start, end, pieces)
                else:
                    _frame_pieces(frame, start, end, pieces)
        children += 1


def _table_pieces(table: QTextTable, start: int, end: int, pieces: list[_Piece]) -> None:
    margins = table.format()
    gap_before, gap_after = margins.topMargin() > 0, margins.bottomMargin() > 0
    if _is_code_block(table):
        # The header row is "python" and "Copy": only the code below it is the text.
        code = table.cellAt(1, 0)
        text = "\n".join(_cell_lines(code, start, end, keep_empty=True))
        if _intersects(code, start, end):
            pieces.append(_Piece(text, gap_before, gap_after))
        return
    if table.rows() == 1 and table.columns() == 2 and margins.cellPadding() == 0:
        # A quote: a coloured bar, and the quoted text beside it (the bar on the right
        # of a right-to-left quote).
        quoted = table.cellAt(0, 1)
        if quoted.format().background().style() != Qt.BrushStyle.NoBrush:
            quoted = table.cellAt(0, 0)
        inner: list[_Piece] = []
        _children_pieces(quoted.begin(), start, end, inner)
        if inner:
            inner[0].gap_before = inner[0].gap_before or gap_before
            inner[-1].gap_after = inner[-1].gap_after or gap_after
        pieces.extend(inner)
        return
    text = _rows_text(table, range(table.rows()), range(table.columns()), start, end)
    if text:
        pieces.append(_Piece(text, gap_before, gap_after))


def _rows_text(table: QTextTable, rows: range, columns: range, start: int, end: int) -> str:
    lines = []
    for row in rows:
        cells = [table.cellAt(row, column) for column in columns]
        chosen = [cell for cell in cells if _intersects(cell, start, end)]
        if chosen:
            # A row is one line: a cell's lines (a "<br>" in it) are joined by a space.
            cells_text = (" ".join(_cell_lines(cell, start, end)) for cell in chosen)
            lines.append("\t".join(text.replace("\n", " ") for text in cells_text))
    return "\n".join(lines)


def _is_code_block(table: QTextTable) -> bool:
    """A code block's box: a header row with its "Copy" link (see markdown.py)."""
    if table.rows() != 2 or table.columns() != 2:
        return False
    # The cell's own first block, not table.document().findBlock(...): PySide makes the
    # document's Python object a child of the table's and invalidates it when the
    # table's goes, at the end of the copy. The message's renderer holds that object
    # (MarkdownDocument): its next rendering (a theme change, the rest of a stream)
    # failed with "Internal C++ object (QTextDocument) already deleted".
    fragments = table.cellAt(0, 1).begin().currentBlock().begin()
    while not fragments.atEnd():
        href = fragments.fragment().charFormat().anchorHref()
        if href.startswith(f"{COPY_SCHEME}:"):
            return True
        fragments += 1
    return False


def _intersects(cell: QTextTableCell, start: int, end: int) -> bool:
    return cell.firstPosition() < end and cell.lastPosition() >= start


def _cell_lines(
    cell: QTextTableCell, start: int, end: int, *, keep_empty: bool = False
) -> list[str]:
    lines = []
    blocks = cell.begin()
    while not blocks.atEnd():
        block = blocks.currentBlock()
        if (
            block.isValid()
            and block.position() <= end
            and block.position() + block.length() > start
        ):
            text = _block_text(block, start, end)
            if not keep_empty:
                text = text.strip()
            if text or keep_empty:
                lines.append(text)
        blocks += 1
    return lines


def _block_in(block: QTextBlock, start: int, end: int) -> bool:
    return block.position() <= end and block.position() + block.length() > start


def _block_piece(block: QTextBlock, start: int, end: int) -> _Piece | None:
    text = _block_text(block, start, end).rstrip()
    if not text.strip():
        return None  # a rule, or the empty paragraphs between pieces of a streamed answer
    formats = block.blockFormat()
    listed = block.textList()
    if listed is not None and start <= block.position():
        style = listed.format().style()
        marker = "- " if style in _BULLETS else ""
        if style not in _BULLETS and style != QTextListFormat.Style.ListStyleUndefined:
            marker = f"{listed.itemText(block)} "
        text = "  " * max(0, listed.format().indent() - 1) + marker + text
    return _Piece(
        text,
        formats.topMargin() > 0,
        formats.bottomMargin() > 0,
        listed=listed is not None,
    )


def _block_text(block: QTextBlock, start: int, end: int) -> str:
    parts: list[str] = []
    fragments = block.begin()
    while not fragments.atEnd():
        fragment = fragments.fragment()
        begin = max(start, fragment.position())
        stop = min(end, fragment.position() + fragment.length())
        if begin < stop:
            char_format = fragment.charFormat()
            href = char_format.anchorHref()
            if char_format.isImageFormat():
                alt = char_format.property(QTextFormat.Property.ImageAltText)
                parts.append(alt if isinstance(alt, str) and alt else "\ufffc")
            elif href.startswith("#fnref"):
                pass  # a footnote's way back to its reference: "↩"
            else:
                text = fragment.text()[begin - fragment.position() : stop - fragment.position()]
                # A footnote reference is a raised number: "[1]" once it is plain text.
                parts.append(f"[{text}]" if href.startswith("#fn") else text)
        fragments += 1
    return "".join(parts).translate(_SPACES)

"""The text of pasted HTML with its tables as Markdown pipe tables and its lists as
Markdown lists, for the fields questions are typed in: Qt's plain text of a table is a
line for each cell, which lost the table's columns, and of a list its items' lines
without their bullets or numbers."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtGui import (
    QTextCursor,
    QTextDocument,
    QTextDocumentFragment,
    QTextFrame,
    QTextListFormat,
    QTextTable,
)

_NUMBERED = {
    QTextListFormat.Style.ListDecimal,
    QTextListFormat.Style.ListLowerAlpha,
    QTextListFormat.Style.ListUpperAlpha,
    QTextListFormat.Style.ListLowerRoman,
    QTextListFormat.Style.ListUpperRoman,
}


def text_with_tables(fragment: QTextDocumentFragment) -> str:
    """``fragment``'s plain text, each of its tables a Markdown table between blank
    lines (its first row the header). Copied into a document to reach its tables: a
    copy only, which reads no file and no address (setHtml would: a style's image)."""
    document = QTextDocument()
    QTextCursor(document).insertFragment(fragment)
    _mark_list_items(document)
    # One character for each place of the document: positions index it.
    text = document.toPlainText()
    parts: list[str] = []
    start = 0
    for table in _tables(document.rootFrame()):
        # A table's frame begins and ends with a character of its own (a line break).
        parts.append(text[start : table.firstPosition() - 1].strip("\n"))
        parts.append(_markdown(table, text))
        start = table.lastPosition() + 1
    if not parts:
        return text
    parts.append(text[start:].strip("\n"))
    return "\n\n".join(part for part in parts if part)


def _mark_list_items(document: QTextDocument) -> None:
    """Begin each list item with its Markdown marker: "- ", or its number ("7. "),
    indented two spaces a level (nested lists)."""
    block = document.begin()
    while block.isValid():
        items = block.textList()
        if items is not None:
            style = items.format().style()
            number = items.itemText(block) if style in _NUMBERED else ""
            marker = f"{number} " if number else "- "
            indent = "  " * max(0, items.format().indent() - 1)
            QTextCursor(block).insertText(indent + marker)
        block = block.next()


def _tables(frame: QTextFrame) -> Iterator[QTextTable]:
    """The tables in ``frame``, in reading order; not those inside a table's cells."""
    for child in frame.childFrames():
        if isinstance(child, QTextTable):
            yield child
        else:
            yield from _tables(child)


def _markdown(table: QTextTable, text: str) -> str:
    rows = [_row(table, row, text) for row in range(table.rows())]
    if not rows:
        return ""
    separator = ["---"] * table.columns()
    return "\n".join(f"| {' | '.join(cells)} |" for cells in [rows[0], separator, *rows[1:]])


def _row(table: QTextTable, row: int, text: str) -> list[str]:
    cells: list[str] = []
    for column in range(table.columns()):
        cell = table.cellAt(row, column)
        if cell.row() != row or cell.column() != column:
            cells.append("")  # covered by a cell spanning rows or columns: left blank
            continue
        # A row is one line: the cell's lines, and its runs of spaces, become one space.
        words = text[cell.firstPosition() : cell.lastPosition()].split()
        cells.append(" ".join(words).replace("|", "\\|"))
    return cells

"""What a plain text field shows of its rows: whole, cut by its edge, in all."""

from __future__ import annotations

from PySide6.QtWidgets import QPlainTextEdit


def shown_rows(edit: QPlainTextEdit) -> tuple[int, int, int]:
    """(rows shown whole, rows cut by the bottom edge, rows in all) of ``edit``."""
    whole = cut = total = 0
    height = edit.viewport().height()
    block = edit.firstVisibleBlock()
    while block.isValid():
        top = edit.blockBoundingGeometry(block).translated(edit.contentOffset()).top()
        layout = block.layout()
        for number in range(layout.lineCount()):
            row = layout.lineAt(number).rect().translated(0, top)
            whole += row.top() >= 0 and row.bottom() <= height
            cut += row.top() < height < row.bottom()
        block = block.next()
    block = edit.document().firstBlock()
    while block.isValid():
        total += block.layout().lineCount()
        block = block.next()
    return whole, cut, total

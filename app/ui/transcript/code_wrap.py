"""Where the rows a long code line wraps onto start: under the line's own text, a hang
further in (editors' "wrap indent"), so that they read as neither a line of their own
nor code outside the line's block.

The renderer gives every code line the hang (a margin, and a first row pulled back by
as much); the lines with leading whitespace get its width added here, once their
blocks are in the document: a ``<pre>`` has one format for all its lines.
"""

from __future__ import annotations

import functools

from PySide6.QtGui import QFont, QFontDatabase, QFontMetricsF, QTextCursor, QTextDocument

# Deeper indents go on no further in: a narrow column would keep only a few characters
# a row for the wrapped rest.
MAX_INDENT_COLUMNS = 20
_TAB_COLUMNS = 4  # as the view's tab stops (see text_view.tab_stop)


def code_hang(font: QFont) -> int:
    """How far the rows a long code line wraps onto start in (see ``render_markdown``):
    two columns of code in ``font``'s size."""
    return round(_column(font.pointSizeF()) * 2)


@functools.lru_cache(maxsize=16)  # asked at every render; few sizes exist
def _column(points: float) -> float:
    code = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    if points > 0:
        code.setPointSizeF(points)
    return QFontMetricsF(code).horizontalAdvance(" ")


def leading_columns(line: str) -> int:
    """Columns of ``line``'s leading whitespace (tabs to the next tab stop), capped."""
    columns = 0
    for character in line:
        if character == " ":
            columns += 1
        elif character == "\t":
            columns += _TAB_COLUMNS - columns % _TAB_COLUMNS
        else:
            break
        if columns >= MAX_INDENT_COLUMNS:
            return MAX_INDENT_COLUMNS
    return columns


def wrap_indent(line: str, font: QFont) -> int:
    """How far in from the line's first row its wrapped rows start: its leading
    whitespace, then the hang."""
    return code_hang(font) + round(leading_columns(line) * _column(font.pointSizeF()))


def fit_wrap_indents(
    document: QTextDocument, start: int, end: int, font: QFont, cursor: QTextCursor
) -> None:
    """Give the code lines from position ``start`` to ``end`` the indent that their
    leading whitespace and ``font`` call for; ``cursor`` makes the changes (inside the
    caller's edit block, so the text is laid out once)."""
    block = document.findBlock(start)
    while block.isValid() and block.position() <= end:
        block_format = block.blockFormat()
        if block_format.textIndent() < 0:  # a code line (see render_markdown)
            indent = wrap_indent(block.text(), font)
            if block_format.leftMargin() != indent:
                block_format.setLeftMargin(indent)
                block_format.setTextIndent(-indent)
                cursor.setPosition(block.position())
                cursor.setBlockFormat(block_format)
        block = block.next()

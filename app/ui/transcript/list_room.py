"""Room for list numbers, and boxes in list items in line with the items' text.

Every list level is indented by the document's indent (see text_view.list_indent: room
for "000. "), and Qt draws an item's number in front of its text whatever its width:
"2023." or "123456789." went past the left edge, its first digits cut off. A list whose
widest number needs more room gets that much more, as a margin on its items and on
everything inside them (their paragraphs, nested lists, boxes), so that all stay in line.

Qt's HTML reader puts a table inside a list item (a code block, a quote, a table) 40 px
in for each level (qtextdocumentfragment.cpp: "not a good emulation"), whatever the
indent: its box started right of the item's text at small sizes, left of it at large
ones. Each such table gets the indent of its item's text instead.

The margins depend on the text's size: ``fit_list_room`` runs when a rendering goes in
and again, on the whole document, when the size changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QTextBlock,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrame,
    QTextList,
    QTextListFormat,
    QTextTable,
)

QT_TABLE_INDENT = 40  # px a level, given by Qt's HTML reader to a table in a list item
# A table's list level, kept on its format: once refitted its margin no longer says it.
_LEVEL = QTextFormat.Property.UserProperty + 1
_NUMBERED = frozenset(
    {
        QTextListFormat.Style.ListDecimal,
        QTextListFormat.Style.ListLowerAlpha,
        QTextListFormat.Style.ListUpperAlpha,
        QTextListFormat.Style.ListLowerRoman,
        QTextListFormat.Style.ListUpperRoman,
    }
)


@dataclass
class _OpenList:
    """A list the blocks being walked are inside of."""

    items: QTextList
    level: int
    extra: float  # px its numbers need beyond the indent
    right_to_left: bool  # its items read right to left: their indent is on the right


def marker_room(items: QTextList, indent: float, font: QFont) -> float:
    """How many px more than ``indent`` the widest number of ``items`` needs in the
    text's ``font``, with the space Qt leaves between a number and its item's text."""
    if items.format().style() not in _NUMBERED:
        return 0.0  # a bullet is far narrower than "000. "
    widest = 0
    space = 0
    for index in range(items.count()):
        item = items.item(index)
        # The font Qt draws the number in: its item's first character's.
        metrics = QFontMetrics(QTextCursor(item).charFormat().font().resolve(font))
        space = max(space, metrics.horizontalAdvance(" "))
        widest = max(widest, metrics.horizontalAdvance(items.itemText(item)))
    return max(0.0, widest + space - indent)


def fit_list_room(
    document: QTextDocument, start: int, end: int, font: QFont, cursor: QTextCursor
) -> None:
    """Give the lists from position ``start`` to ``end`` the room their numbers need in
    ``font``, and the tables in their items the indent of the items' text; ``cursor``
    makes the changes (inside the caller's edit block, so the text is laid out once)."""
    walk = _Walk(document, font, cursor)
    root = document.rootFrame()
    block = document.findBlock(start)
    while block.isValid() and block.position() <= end:
        frame = QTextCursor(block).currentFrame()
        if frame == root:
            walk.block(block)
            block = block.next()
            continue
        # A table (a code block, a quote, a table): the one right under the root.
        while frame.parentFrame() != root:
            frame = frame.parentFrame()
        walk.frame(frame)
        block = document.findBlock(frame.lastPosition() + 1)


class _Walk:
    """The blocks and frames of one frame or table cell, in order, and the lists they
    are inside of."""

    def __init__(self, document: QTextDocument, font: QFont, cursor: QTextCursor) -> None:
        self._document = document
        self._font = font
        self._cursor = cursor
        self._indent = document.indentWidth()
        self._open: list[_OpenList] = []

    def block(self, block: QTextBlock) -> None:
        items: QTextList | None = block.textList()  # None outside lists, whatever its type says
        if items is not None:
            level = items.format().indent()
            while self._open and (
                self._open[-1].level > level
                or (self._open[-1].level == level and self._open[-1].items != items)
            ):
                self._open.pop()
            if not self._open or self._open[-1].items != items:
                rtl = block.textDirection() == Qt.LayoutDirection.RightToLeft
                extra = marker_room(items, self._indent, self._font)
                self._open.append(_OpenList(items, level, extra, rtl))
        elif not block.text():
            return  # the empty block Qt leaves after a table, even in a list item
        else:
            self._close_deeper_than(block.blockFormat().indent())
        if self._open:
            # On the side Qt puts the block's indent: its direction's start.
            rtl = block.textDirection() == Qt.LayoutDirection.RightToLeft
            self._set_margins(block, self._extra(), rtl)

    def frame(self, frame: QTextFrame) -> None:
        if not isinstance(frame, QTextTable):
            self._walk_inside(frame.begin())
            return
        self._place_table(frame)
        # Of the boxes, only a quote holds lists (the bar, then the quoted text): the
        # cells of a table hold a line of text, and a code block's only code.
        if frame.rows() == 1 and frame.columns() == 2 and frame.format().border() == 0:
            self._walk_inside(frame.cellAt(0, 1).begin())

    def _walk_inside(self, children: QTextFrame.iterator) -> None:
        inner = _Walk(self._document, self._font, self._cursor)
        while not children.atEnd():
            block = children.currentBlock()
            if block.isValid():
                inner.block(block)
            else:
                inner.frame(children.currentFrame())
            children += 1

    def _place_table(self, table: QTextTable) -> None:
        table_format = table.format()
        first_fit = not table_format.hasProperty(_LEVEL)
        if first_fit:
            level = round(table_format.leftMargin() / QT_TABLE_INDENT)
            if level <= 0:
                return  # not in a list
            table_format.setProperty(_LEVEL, level)
        else:
            level = table_format.intProperty(_LEVEL)
        self._close_deeper_than(level)
        inset = level * self._indent + self._extra()
        rtl = bool(self._open) and self._open[-1].right_to_left
        left, right = (0.0, inset) if rtl else (inset, 0.0)
        if first_fit or (table_format.leftMargin(), table_format.rightMargin()) != (left, right):
            table_format.setLeftMargin(left)
            table_format.setRightMargin(right)
            table.setFormat(table_format)

    def _close_deeper_than(self, level: int) -> None:
        while self._open and self._open[-1].level > level:
            self._open.pop()

    def _extra(self) -> float:
        return sum(open_list.extra for open_list in self._open)

    def _set_margins(self, block: QTextBlock, inset: float, rtl: bool) -> None:
        block_format = block.blockFormat()
        left, right = (0.0, inset) if rtl else (inset, 0.0)
        if (block_format.leftMargin(), block_format.rightMargin()) != (left, right):
            block_format.setLeftMargin(left)
            block_format.setRightMargin(right)
            self._cursor.setPosition(block.position())
            self._cursor.setBlockFormat(block_format)

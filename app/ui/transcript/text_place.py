"""A place in a message's text, kept where the reader sees it while text comes above it.

The transcript keeps the reader on a message's top through a relayout (see
LayoutInView._anchor). That holds when a message grows at its end (an answer streaming)
but not when text comes inside it: a long answer opened in pieces, or a flood's skipped
text, fills its gap between its first block and its end, and a reader who scrolled up
into its end saw that end slide down as the text above it came. A ``TextPlace`` holds
the text at the view's top instead (a QTextCursor, which the document moves along with
its edits) and the view is scrolled back to it afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QTextCursor, QTextDocument


@dataclass(frozen=True)
class TextPlace:
    """The text at the view's top: in which message, where, and how far below its line's
    top the view's top is."""

    message_id: str
    cursor: QTextCursor
    block_text: str  # the block's text then: rendered anew, the place is lost
    offset: int


def place_at(message_id: str, document: QTextDocument, y: int) -> TextPlace | None:
    """The place of the text ``y`` pixels into ``document`` (laid out), if any."""
    position = document.documentLayout().hitTest(QPointF(0, y), Qt.HitTestAccuracy.FuzzyHit)
    if position < 0:
        return None
    cursor = QTextCursor(document)
    cursor.setPosition(position)
    return TextPlace(message_id, cursor, cursor.block().text(), y - line_top(document, cursor))


def y_of(place: TextPlace, document: QTextDocument) -> int | None:
    """Where the view's top goes in ``document`` to show the place as it was; None when
    the document is another or its text there was rendered anew."""
    if place.cursor.document() is not document or place.cursor.block().text() != place.block_text:
        return None
    return line_top(document, place.cursor) + place.offset


def line_top(document: QTextDocument, cursor: QTextCursor) -> int:
    """The top of the cursor's line in the document."""
    block = cursor.block()
    top = document.documentLayout().blockBoundingRect(block).top()
    layout = block.layout()
    if layout is not None:
        line = layout.lineForTextPosition(cursor.position() - block.position())
        if line.isValid():
            top += line.y()
    return int(top)

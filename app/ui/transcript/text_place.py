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

import re
from dataclasses import dataclass

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QTextBlock, QTextCursor, QTextDocument


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


@dataclass(frozen=True)
class ReadingSpot:
    """A ``TextPlace`` that outlives its document: where the reader was in a message
    rendered anew (another look makes it a new document), found again by its text and
    the text after it (a line of code such as "}" is found all over)."""

    message_id: str
    share: float  # how far into the document's characters it was
    block_text: str
    column: int  # its position in its block
    offset: int
    following: tuple[str, ...] = ()  # the texts of the blocks after it


# The text after a spot that it keeps: enough words to find a line of code by.
_FOLLOWING_CHARS = 200
_FOLLOWING_BLOCKS = 8


def spot_of(place: TextPlace) -> ReadingSpot:
    cursor = place.cursor
    share = cursor.position() / max(1, cursor.document().characterCount())
    column = cursor.position() - cursor.block().position()
    following: list[str] = []
    block, kept = cursor.block().next(), 0
    while block.isValid() and kept < _FOLLOWING_CHARS and len(following) < _FOLLOWING_BLOCKS:
        following.append(block.text())
        kept += len(following[-1])
        block = block.next()
    return ReadingSpot(
        place.message_id, share, place.block_text, column, place.offset, tuple(following)
    )


# Words of the text looked for in the markdown: enough to tell one paragraph from the
# next; fewer, when markup that shows no text (a link's address) stands between them.
_PROBE_WORDS = (8, 5, 3)


def source_offset(markdown: str, spot: ReadingSpot) -> int:
    """Where in the markdown its message was rendered from the spot likely is: the
    first words of its text (and of the text after it, for a block with few or none),
    with anything but words between them (the markup that rendering drops, as ``**``
    or ``[``), found nearest the same share of the way in; else just that share."""
    estimate = round(spot.share * len(markdown))
    text = "\n".join((spot.block_text, *spot.following))
    words = re.findall(r"\w+", text)
    if not words:
        return estimate
    lead = text.index(words[0])  # shown before the first word: as many in the source
    for count in _PROBE_WORDS:
        if len(words) < count and count != _PROBE_WORDS[-1]:
            continue
        pattern = re.compile(r"\W+".join(re.escape(word) for word in words[:count]))
        best: int | None = None
        for match in pattern.finditer(markdown):
            found = max(0, match.start() - lead)
            if best is None or abs(found - estimate) < abs(best - estimate):
                best = found
            elif found > estimate:
                break  # further on, only further away
        if best is not None:
            return best
    return estimate


def place_again(
    spot: ReadingSpot, document: QTextDocument, *, after: int | None = None
) -> TextPlace | None:
    """The spot in ``document``, its message rendered anew: the first block with its
    text, and the text after it as far as it is rendered, after position ``after``
    (where the text rendered first begins, see MarkdownDocument.skip_to), else the
    one nearest the same share of the way in."""
    target = spot.share * document.characterCount()
    block = document.begin() if after is None else document.findBlock(after).next()
    best = None
    while block.isValid():
        if _found_at(block, spot):
            if after is not None:
                best = block
                break
            if best is None or abs(block.position() - target) < abs(best.position() - target):
                best = block
            elif block.position() > target:
                break
        block = block.next()
    if best is None:
        return None
    cursor = QTextCursor(document)
    cursor.setPosition(best.position() + min(spot.column, best.length() - 1))
    return TextPlace(spot.message_id, cursor, spot.block_text, spot.offset)


def _found_at(block: QTextBlock, spot: ReadingSpot) -> bool:
    if block.text() != spot.block_text:
        return False
    block = block.next()
    for text in spot.following:
        if not block.isValid():
            return True  # not rendered yet, as far as it goes
        if block.text() != text:
            return False
        block = block.next()
    return True

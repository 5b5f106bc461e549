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
from dataclasses import dataclass, replace

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
    # The document's plain text and the block's position in it, kept when the document
    # held the whole message and its text shows elsewhere too: the copies of a paragraph
    # shown word for word alike are told apart by their number (see source_offset),
    # where the share of the way in can be dozens of copies off (markup that shows no
    # text, as a link's address, is not spread evenly).
    shown: str = ""
    shown_at: int = -1


# The text after a spot that it keeps: enough words to find a line of code by.
_FOLLOWING_CHARS = 200
_FOLLOWING_BLOCKS = 8


def spot_of(place: TextPlace, *, whole: bool = False) -> ReadingSpot:
    """The spot of ``place``; ``whole``: its document holds all of its message's text
    (no gap, nothing left to render), so the blocks alike in it are all its copies."""
    cursor = place.cursor
    share = cursor.position() / max(1, cursor.document().characterCount())
    column = cursor.position() - cursor.block().position()
    following: list[str] = []
    block, kept = cursor.block().next(), 0
    while block.isValid() and kept < _FOLLOWING_CHARS and len(following) < _FOLLOWING_BLOCKS:
        following.append(block.text())
        kept += len(following[-1])
        block = block.next()
    spot = ReadingSpot(
        place.message_id, share, place.block_text, column, place.offset, tuple(following)
    )
    document = cursor.document()
    if not whole or not _shown_twice(document, place.block_text):
        return spot
    return replace(spot, shown=document.toPlainText(), shown_at=cursor.block().position())


def _shown_twice(document: QTextDocument, text: str) -> bool:
    """Whether ``text`` (not blank) is in ``document`` more than once (as a block's
    text or within one): most blocks' text is not, and needs no counting."""
    if not text.strip():
        return False
    flags = QTextDocument.FindFlag.FindCaseSensitively
    first = document.find(text, 0, flags)
    if first.isNull():
        return False
    return not document.find(text, first.selectionStart() + 1, flags).isNull()


# Words of the text looked for in the markdown: enough to tell one paragraph from the
# next; fewer, when markup that shows no text (a link's address) stands between them.
_PROBE_WORDS = (8, 5, 3)


def source_offset(markdown: str, spot: ReadingSpot) -> int:
    """Where in the markdown its message was rendered from the spot likely is: the
    first words of its text (and of the text after it, for a block with few or none),
    with anything but words between them (the markup that rendering drops, as ``**``
    or ``[``), found at the start of the same one of its copies (see ReadingSpot.shown),
    else nearest the same share of the way in; else just that share."""
    estimate = round(spot.share * len(markdown))
    text = "\n".join((spot.block_text, *spot.following))
    words = re.findall(r"\w+", text)
    if not words:
        return estimate
    lead = text.index(words[0])  # shown before the first word: as many in the source
    probes = [
        r"\W+".join(re.escape(word) for word in words[:count])
        for count in _PROBE_WORDS
        if len(words) >= count or count == _PROBE_WORDS[-1]
    ]
    if spot.shown:
        counted = _counted_copy(markdown, spot, probes, text[:lead])
        if counted is not None:
            return counted
    for probe in probes:
        best: int | None = None
        for match in re.finditer(probe, markdown):
            found = max(0, match.start() - lead)
            if best is None or abs(found - estimate) < abs(best - estimate):
                best = found
            elif found > estimate:
                break  # further on, only further away
        if best is not None:
            return best
    return estimate


def _counted_copy(markdown: str, spot: ReadingSpot, probes: list[str], lead: str) -> int | None:
    """Where in the markdown the same one of the spot's copies begins (see
    ReadingSpot.shown): the lines that begin with the same words, in its document's
    text and in the markdown, the same number of them (else None: they are not the
    same copies). ``lead``: the text shown before its first word."""
    first_word = spot.shown_at + len(lead)  # on a following line, for a line of "}"
    line = spot.shown.rfind("\n", 0, first_word) + 1
    for probe in probes:
        copies = _line_starts(spot.shown, probe)
        if line in copies:
            starts = _line_starts(markdown, probe)
            if len(starts) == len(copies):
                offset = starts[copies.index(line)]
                for _ in range(lead.count("\n")):  # back to the spot's own line
                    offset = markdown.rfind("\n", 0, max(0, offset - 1)) + 1
                return offset
    return None


# What a line of markdown may begin with before its text: indentation, a list's bullet
# or number, a quote's ">", a heading's "#", emphasis.
_LINE_MARKUP = r"(?:[^\w\n]|_)*(?:\d{1,9}[.)](?:[^\w\n]|_)*)?"


def _line_starts(text: str, probe: str) -> list[int]:
    """Where the lines of ``text`` (markdown, or a document's plain text) begin that
    show the words of ``probe`` first: the blocks that begin with them. Found within a
    paragraph, as a sentence said again, they begin none. (Led by the line's "\n", the
    search skips from line to line: searched for the words alone and then each found
    checked, it took up to 40 ms of another look at an answer of 100,000 tokens of
    paragraphs alike.)"""
    starts = [match.start() + 1 for match in re.finditer("\n" + _LINE_MARKUP + probe, text)]
    if re.match(_LINE_MARKUP + probe, text):
        starts.insert(0, 0)
    return starts


def place_again(
    spot: ReadingSpot, document: QTextDocument, *, after: int | None = None
) -> TextPlace | None:
    """The spot in ``document``, its message rendered anew: the first block with its
    text, and the text after it as far as it is rendered, after position ``after``
    (where the text rendered first begins, see MarkdownDocument.skip_to), else the
    same block in the same text (see ReadingSpot.shown), or the one nearest the same
    share of the way in."""
    if after is None and spot.shown and document.toPlainText() == spot.shown:
        return _placed(spot, document.findBlock(spot.shown_at))  # the same text: there
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
    return None if best is None else _placed(spot, best)


def _placed(spot: ReadingSpot, block: QTextBlock) -> TextPlace:
    cursor = QTextCursor(block.document())
    cursor.setPosition(block.position() + min(spot.column, block.length() - 1))
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

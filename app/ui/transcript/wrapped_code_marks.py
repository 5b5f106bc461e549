"""The marks of wrapped code: a "↪" in the hanging indent of each row a long code line
wraps onto. Without one, a wrapped line reads as two lines of code (the indent alone
could be the code's own). Drawn over Qt's text, not written in it: copies and searches
see the code as it is.
"""

from __future__ import annotations

import functools
import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap, QTextBlock, QTextDocument
from PySide6.QtWidgets import QWidget

WRAP_MARK = "\u21aa"  # ↪ before each row a long code line wraps onto
MARK_OPACITY = 0.45  # of the text's colour: a hint, not a character of the code


@functools.lru_cache(maxsize=8)  # a few sizes and colours in use at once
def _wrap_mark(font: str, width: int, height: int, rgba: int, ratio: float) -> QPixmap:
    # Drawn once: drawing the glyph each time cost 50 µs a row, at every frame.
    pixmap = QPixmap(QSize(math.ceil(width * ratio), math.ceil(height * ratio)))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    mark_font = QFont()
    mark_font.fromString(font)
    painter.setFont(mark_font)
    painter.setPen(QColor.fromRgba(rgba))
    painter.drawText(QRectF(0, 0, width, height), Qt.AlignmentFlag.AlignCenter, WRAP_MARK)
    painter.end()
    return pixmap


class _Marks:
    """One paint's marks: its painter, begun with the first mark, and each size's
    pixmap."""

    def __init__(self, surface: QWidget, offset: QPointF, hang: float, text_color: QColor) -> None:
        self._surface = surface
        self._offset = offset
        self.hang = hang
        self._color = QColor(text_color)
        self._color.setAlphaF(MARK_OPACITY)
        self._painter: QPainter | None = None
        self._pixmaps: dict[tuple[int, int], QPixmap] = {}

    def painter(self) -> QPainter:
        if self._painter is None:
            self._painter = QPainter(self._surface)
            self._painter.translate(-self._offset)
        return self._painter

    def pixmap(self, block: QTextBlock, size: tuple[int, int]) -> QPixmap:
        mark = self._pixmaps.get(size)
        if mark is None:
            font = block.charFormat().font().toString()
            ratio = self._surface.devicePixelRatioF()
            mark = self._pixmaps[size] = _wrap_mark(font, *size, self._color.rgba(), ratio)
        return mark

    def end(self) -> None:
        if self._painter is not None:
            self._painter.end()


def paint_wrap_marks(
    surface: QWidget,
    document: QTextDocument,
    shown: QRectF,
    offset: QPointF,
    *,
    hang: float,
    text_color: QColor,
) -> None:
    """Mark the wrapped code rows of ``document`` in the ``shown`` part of ``surface``
    (its coordinates; ``offset``: how far the document is scrolled), ``hang`` pixels
    before each row."""
    # Code blocks are tables: only the frames in sight are looked into, not every
    # paragraph (this runs at every paint of the answer being written).
    frames = document.rootFrame().childFrames()
    if not frames:
        return
    layout = document.documentLayout()
    shown = shown.translated(offset)
    marks = _Marks(surface, offset, hang, text_color)
    while frames:
        frame = frames.pop()
        area = layout.frameBoundingRect(frame)
        if area.bottom() < shown.top() or area.top() > shown.bottom():
            continue
        inner = frame.childFrames()
        if inner:  # a quote or a list item holding a code block
            frames.extend(inner)
            continue
        start = frame.firstPosition()
        if area.top() < shown.top():  # a long block: from its first line in sight
            hit = layout.hitTest(QPointF(area.left() + 1, shown.top()), Qt.HitTestAccuracy.FuzzyHit)
            start = max(start, hit)
        block = document.findBlock(start)
        if block.previous().isValid() and block.previous().position() >= frame.firstPosition():
            block = block.previous()  # the hit may be just past a row still in sight
        _mark_blocks(document, block, frame.lastPosition(), shown, marks)
    marks.end()


def _mark_blocks(
    document: QTextDocument, block: QTextBlock, end: int, shown: QRectF, marks: _Marks
) -> None:
    layout = document.documentLayout()
    while block.isValid() and block.position() <= end:
        area = layout.blockBoundingRect(block)
        if area.top() > shown.bottom():
            return
        # A code line: its wrapped rows start past its leading whitespace, then the
        # hang, where the mark goes.
        code = block.blockFormat().textIndent() < 0
        text_layout = block.layout() if code else None
        rows = text_layout.lineCount() if text_layout is not None else 0
        if text_layout is not None and rows > 1:
            second = text_layout.lineAt(1)  # the rows after the first are alike
            mark = marks.pixmap(block, (round(marks.hang), round(second.height())))
            painter = marks.painter()
            left, top = area.left() + second.x() - marks.hang, area.top()
            for index in range(1, rows):
                painter.drawPixmap(QPointF(left, top + text_layout.lineAt(index).y()), mark)
        block = block.next()

"""The bullets of a message's lists, drawn by its view rather than by Qt.

Once a selection starts before a list item, Qt draws the item's bullet in the
selection's colours (QTextDocumentLayoutPrivate::drawListItem): a square of the selection
colour no bigger than the dot, the dot on it in the selection's text colour, which read
as a dotted box beside the selected words. QTextDocument has no way to draw it otherwise,
so the renderer turns Qt's bullet off for each item (``list-style-type:none`` on its
``<li>``: a ListStyle on the item's block, its list still a bulleted one, which a copy
gives as "- ") and the view draws it here, where and as Qt draws it when nothing is
selected. A selection then highlights the words and leaves the bullet as it is, as web
pages show a selected list. Numbers are Qt's still: on the selection colour, a number
reads as the selected text does.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QBrush,
    QFontMetrics,
    QPainter,
    QPen,
    QTextBlock,
    QTextDocument,
    QTextFormat,
    QTextListFormat,
)

_BULLETS = frozenset(
    {
        QTextListFormat.Style.ListDisc,
        QTextListFormat.Style.ListCircle,
        QTextListFormat.Style.ListSquare,
    }
)
_LIST_STYLE = QTextFormat.Property.ListStyle
_NONE = QTextListFormat.Style.ListStyleUndefined.value


@dataclass(frozen=True)
class Bullet:
    """A list item whose bullet the view draws: its block, and where the block is."""

    block: QTextBlock
    origin: QPointF  # the block's top left, in the document
    style: QTextListFormat.Style


def bullets_in(document: QTextDocument, shown: QRectF) -> list[Bullet]:
    """The items of ``document`` whose bullets Qt leaves to the view, in the part
    ``shown`` (in the document's coordinates)."""
    layout = document.documentLayout()
    position = layout.hitTest(QPointF(shown.left(), shown.top()), Qt.HitTestAccuracy.FuzzyHit)
    block = document.findBlock(max(0, position))
    # The hit may be in a block after one still in sight (in the gap between two).
    while block.previous().isValid() and (
        layout.blockBoundingRect(block.previous()).bottom() >= shown.top()
    ):
        block = block.previous()
    found = []
    while block.isValid():
        area = layout.blockBoundingRect(block)
        if area.top() > shown.bottom():
            break
        items = block.textList()
        if items is not None and area.bottom() >= shown.top():
            style = items.format().style()
            own = block.blockFormat()
            drawn_by_qt = not own.hasProperty(_LIST_STYLE) or own.intProperty(_LIST_STYLE) != _NONE
            if style in _BULLETS and not drawn_by_qt:
                found.append(Bullet(block, area.topLeft(), style))
        block = block.next()
    return found


def paint_bullets(painter: QPainter, bullets: list[Bullet], text: QBrush) -> None:
    """Draw ``bullets`` in the colour of their item's text, else in ``text``."""
    for bullet in bullets:
        _paint_bullet(painter, bullet.block, bullet.origin, bullet.style, text)


def _paint_bullet(
    painter: QPainter,
    block: QTextBlock,
    origin: QPointF,
    style: QTextListFormat.Style,
    text: QBrush,
) -> None:
    """One bullet, placed and drawn as drawListItem does (Qt 6)."""
    layout = block.layout()
    if layout is None or layout.lineCount() == 0:
        return
    char_format = block.charFormat()
    metrics = QFontMetrics(char_format.font())
    first = layout.lineAt(0).naturalTextRect()
    place = QPointF(origin.toPoint()) + QPointF(first.topLeft().toPoint())
    right_to_left = block.textDirection() == Qt.LayoutDirection.RightToLeft
    if right_to_left:
        place.setX(place.x() + first.width())
    side = metrics.lineSpacing() // 3
    space = metrics.horizontalAdvance(" ")
    shift = space if right_to_left else -space - side
    bullet = QRectF(place, QSizeF(side, side))
    bullet.translate(shift, metrics.height() // 2 - side / 2)
    color = char_format.foreground()
    pen = QPen(text if color.style() == Qt.BrushStyle.NoBrush else color, 0)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(pen)
    if style == QTextListFormat.Style.ListSquare:
        painter.fillRect(bullet, pen.brush())
    elif style == QTextListFormat.Style.ListCircle:
        painter.drawEllipse(bullet.translated(0.5, 0.5))  # on pixels, as Qt draws it
    else:
        painter.setBrush(pen.brush())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(bullet)
    painter.restore()

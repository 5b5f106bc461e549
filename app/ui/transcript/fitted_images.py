"""Images in a message (formulas) narrowed to the column they stand in.

Qt draws an image at its own size: a display formula wider than the column made the
whole message wider than its view, cut off at the right. The web's answer, a scroll bar
under the formula alone, cannot be had in a QTextDocument (no widget lives inside its
text), so a formula wider than its column is drawn smaller, to the column's width,
keeping its proportions, and a copy of it still gives its TeX (its alt text).

Down to a point: narrowed to any width, a long sum in a narrow window had subscripts
4 px tall. A display formula is drawn no smaller than the text around it (formulas are
drawn larger, see FORMULA_SCALE), one within a line of text no smaller than half its
size. Wider still, it starts at the left of its column and the message scrolls
sideways, with a scroll bar under it, as for a table too wide (see MessageText).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QRect, QRectF, QSize, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QFontMetrics,
    QImage,
    QPainter,
    QPyTextObject,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrame,
    QTextLength,
    QTextTable,
)

from app.ui.transcript.math_images import DEPTH_KEY, FORMULA_SCALE
from app.ui.transcript.selected_formulas import Selected, SelectedFormulas, selection_colours

_SCALED_KEPT = 8  # narrowed images kept per message (a few formulas in sight)
MIN_INLINE_SCALE = 0.5
MIN_DISPLAY_SCALE = 1 / FORMULA_SCALE  # the size of the text around it


def _alone_in_block(document: QTextDocument, position: int) -> bool:
    """Whether the object at ``position`` is all its paragraph holds (a display
    formula), not part of a line of text."""
    return document.findBlock(position).length() <= 2  # the object and the block's end


def _room(document: QTextDocument, position: int) -> float:
    """The width the text at ``position`` is laid out in, as far as it can be known
    before the layout: the page less the margins and indents of its block, list and
    frames (for a table's cell, its share of the table)."""
    width = document.textWidth()
    if width <= 0:
        return float("inf")  # laid out without a width: nothing to fit
    block = document.findBlock(position)
    indent = document.indentWidth()
    form = block.blockFormat()
    margins = form.leftMargin() + form.rightMargin() + form.indent() * indent
    margins += max(0.0, form.textIndent())
    text_list = block.textList()
    if text_list is not None:
        margins += text_list.format().indent() * indent
    room = width - 2 * document.documentMargin()
    room = room_in_frames(document, QTextCursor(block).currentFrame(), position, room)
    return max(1.0, room - margins)


def room_in_frames(
    document: QTextDocument, frame: QTextFrame | None, position: int, room: float
) -> float:
    """What is left of ``room`` (the page's width) for ``position`` inside ``frame`` and
    the frames around it: their margins, padding and borders taken, and in a table's
    cell, its share of the table."""
    # Outermost first: a table's share is of the room inside the frames around it.
    frames: list[QTextFrame] = []
    while frame is not None and frame != document.rootFrame():
        frames.append(frame)
        frame = frame.parentFrame()
    for frame in reversed(frames):
        frame_format = frame.frameFormat()
        room -= frame_format.leftMargin() + frame_format.rightMargin()
        room -= 2 * (frame_format.padding() + frame_format.border())
        if isinstance(frame, QTextTable):
            room = _cell_room(frame, position, room)
    return room


def _cell_room(table: QTextTable, position: int, room: float) -> float:
    """The room in the cell at ``position`` of a table ``room`` wide: the columns of a
    fixed width beside it (a quote's bar) taken, an even share of what is left (the
    other columns' text is not laid out yet)."""
    cell = table.cellAt(position)
    if not cell.isValid():
        return room
    table_format = table.format()
    room -= (table.columns() + 1) * table_format.cellSpacing()
    constraints = table_format.columnWidthConstraints()
    shares = 1
    for column in range(table.columns()):
        if cell.column() <= column < cell.column() + cell.columnSpan():
            continue
        length = constraints[column] if column < len(constraints) else QTextLength()
        if length.type() == QTextLength.Type.FixedLength:
            room -= length.rawValue()
        else:
            shares += 1
    cell_format = cell.format().toTableCellFormat()
    edges = 2 * table_format.border()
    for side, padding in (
        (QTextFormat.Property.TableCellLeftPadding, cell_format.leftPadding()),
        (QTextFormat.Property.TableCellRightPadding, cell_format.rightPadding()),
    ):
        edges += padding if cell_format.hasProperty(side) else table_format.cellPadding()
    return room / shares - edges


def _baseline_padding(
    image: QImage, height: float, text_format: QTextFormat
) -> tuple[float, float]:
    """Room above and below an inline formula drawn ``height`` high that sets the
    formula's baseline on the text's.

    Qt sets a middle-aligned object's middle half the text's x-height above the
    baseline (QTextDocumentLayout's resizeInlineObject): its descent is half its height
    less a quarter of the x-height. The formula's own descent (its depth, below x, g or
    y) is known from its typesetting (DEPTH_KEY, a fraction of the image's height):
    centred, the formula sat about 3 px below the line."""
    depth = image.text(DEPTH_KEY)
    char_format = text_format.toCharFormat()
    if (
        not depth
        or char_format.verticalAlignment() != QTextCharFormat.VerticalAlignment.AlignMiddle
    ):
        return 0.0, 0.0
    middle = QFontMetrics(char_format.font()).xHeight() / 4  # as Qt measures it
    # Padded by p below, the descent (h + p) / 2 - middle must be depth + p; above, by
    # -p, it must be the depth.
    pad = height - 2 * (middle + float(depth) * height)
    return (0.0, pad) if pad >= 0 else (-pad, 0.0)


class FittedImages(QPyTextObject):
    """Lays out and draws the images of a document: at their size, or narrowed to their
    column when wider. Registered for ``QTextFormat.ImageObject`` in place of Qt's own.

    Args:
        image: the image for an ``<img src>`` address, None when there is none.
    """

    def __init__(self, image: Callable[[QUrl], QImage | None], parent: QObject) -> None:
        super().__init__(parent)
        self._image = image
        self._scaled: dict[tuple[int, int, int], QImage] = {}
        self.selected = SelectedFormulas()  # drawn again by the view, over Qt's shade

    def _find(self, text_format: QTextFormat) -> QImage | None:
        image = self._image(QUrl(text_format.toImageFormat().name()))
        return image if image is not None and not image.isNull() else None

    def intrinsicSize(  # noqa: N802 - Qt override
        self, doc: QTextDocument, position: int, text_format: QTextFormat
    ) -> QSizeF:
        image = self._find(text_format)
        if image is None:
            return QSizeF(0, 0)
        size = self._fitted(image, doc, position)
        above, below = _baseline_padding(image, size.height(), text_format)
        return QSizeF(size.width(), size.height() + above + below)

    def _fitted(self, image: QImage, doc: QTextDocument, position: int) -> QSizeF:
        """The size ``image`` is drawn at: its own, or narrowed to its column."""
        size = image.deviceIndependentSize()
        room = _room(doc, position)
        if size.width() > room:
            # Narrowed no further than to a size that still reads (see the module's
            # docstring); what does not fit then scrolls sideways with the message.
            least = MIN_DISPLAY_SCALE if _alone_in_block(doc, position) else MIN_INLINE_SCALE
            scale = max(room / size.width(), least)
            size = QSizeF(size.width() * scale, size.height() * scale)
        return size

    def drawObject(  # noqa: N802 - Qt override
        self,
        painter: QPainter,
        rect: QRectF | QRect,
        doc: QTextDocument,
        position: int,
        text_format: QTextFormat,
    ) -> None:
        image = self._find(text_format)
        if image is None:
            return
        target = QRectF(rect)
        height = self._fitted(image, doc, position).height()
        above, below = _baseline_padding(image, height, text_format)
        target.adjust(0, above, 0, -below)
        ratio = painter.device().devicePixelRatioF() if painter.device() else 1.0
        pixels = QSize(round(target.width() * ratio), round(target.height() * ratio))
        if pixels.width() < image.width():
            image = self._narrowed(image, pixels)
        colours = selection_colours(doc, position, text_format)
        if colours is not None:  # under a selection: see selected_formulas
            ink, background = colours
            image = self.selected.tinted(image, ink)
            view = painter.transform()
            clip = view.map(painter.clipRegion()) if painter.hasClipping() else None
            place = view.mapRect(QRectF(rect))
            self.selected.note(Selected(place, view.mapRect(target), image, background, clip))
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(target, image)
        painter.restore()

    def _narrowed(self, image: QImage, pixels: QSize) -> QImage:
        # Scaled smoothly once (a painter's scaling skips pixels: far smaller, thin
        # strokes broke up), kept for the next paint.
        key = (image.cacheKey(), pixels.width(), pixels.height())
        narrowed = self._scaled.get(key)
        if narrowed is None:
            narrowed = image.scaled(
                pixels,
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            self._scaled[key] = narrowed
            if len(self._scaled) > _SCALED_KEPT:
                del self._scaled[next(iter(self._scaled))]
        return narrowed

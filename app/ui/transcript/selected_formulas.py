"""Formulas under a selection (or a find mark) drawn as its words are: in its text colour.

Qt draws a selected formula in its own colours and lays the selection colour over it at
half strength (QTextLine::draw, for any object): the light theme's dark ink became a
grey blue on the blue selection, the dark theme's light ink a pale one, both hard to
read. A formula is ink of one colour, so it takes the selection's text colour, as
selected text does. Qt passes the object the format of its text with the selection's
merged in (a text colour other than the formula's own, and the selection's colour under
an internal property); the half-strength colour Qt lays over it afterwards is then
painted over by the view (``paint``), with the selection's colour and the formula again.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QPainter,
    QRegion,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)

# Qt's private QTextFormat property (qtextlayout.cpp: ForegroundBrush + 1) holding the
# selection's colour for objects, which it lays over them at half strength.
OBJECT_SELECTION_BRUSH = QTextFormat.Property.ForegroundBrush.value + 1
_TINTS_KEPT = 8  # formulas selected at once in sight


@dataclass(frozen=True)
class Selected:
    """How the view draws a formula under a selection: its place, in the view."""

    place: QRectF  # the room Qt gave the formula, which it covers with the selection
    target: QRectF  # where the formula is drawn in it
    image: QImage  # in the selection's text colour
    background: QBrush
    # Where Qt let it show: the selection's rows (Qt draws every object of a selected
    # row with the selection's format, and shows only what the selection covers).
    clip: QRegion | None


def selection_colours(
    doc: QTextDocument, position: int, text_format: QTextFormat
) -> tuple[QColor, QBrush] | None:
    """The text colour and background of a selection over the formula at ``position``
    (``text_format`` as Qt gives it to the formula), None when none covers it."""
    given = text_format.foreground()
    if given.style() == Qt.BrushStyle.NoBrush:
        return None
    cursor = QTextCursor(doc)
    cursor.setPosition(position + 1)  # the format of the character before: the formula's
    if cursor.charFormat().foreground() == given:
        return None
    background = text_format.property(OBJECT_SELECTION_BRUSH)
    if not isinstance(background, QBrush):
        background = QBrush()  # Qt laid nothing over it: nothing to paint over
    return given.color(), background


class SelectedFormulas:
    """The formulas drawn under a selection in one paint of a view, to draw again over
    what Qt lays on them."""

    def __init__(self) -> None:
        self._drawn: list[Selected] = []
        self._tints: dict[tuple[int, int], QImage] = {}

    def tinted(self, image: QImage, ink: QColor) -> QImage:
        """``image`` (a formula: ink of one colour) in ``ink``, its edges as smooth."""
        key = (image.cacheKey(), ink.rgba())
        tinted = self._tints.get(key)
        if tinted is None:
            tinted = image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
            painter = QPainter(tinted)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
            painter.fillRect(tinted.rect(), ink)
            painter.end()
            self._tints[key] = tinted
            if len(self._tints) > _TINTS_KEPT:
                del self._tints[next(iter(self._tints))]
        return tinted

    def note(self, drawn: Selected) -> None:
        """A formula was drawn selected in this paint."""
        self._drawn.append(drawn)

    def __bool__(self) -> bool:
        return bool(self._drawn)

    def forget(self) -> None:
        """A paint begins: nothing of it is drawn yet."""
        self._drawn.clear()

    def paint(self, painter: QPainter) -> None:
        """Draw the selected formulas of this paint again, over what Qt laid on them."""
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        for drawn in self._drawn:
            painter.save()
            if drawn.clip is not None:
                painter.setClipRegion(drawn.clip, Qt.ClipOperation.IntersectClip)
            if drawn.background.style() != Qt.BrushStyle.NoBrush:
                painter.fillRect(drawn.place, drawn.background)
            painter.drawImage(drawn.target, drawn.image)
            painter.restore()
        painter.restore()
        self._drawn.clear()

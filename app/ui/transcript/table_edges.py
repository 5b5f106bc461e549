"""What shows that a table goes on past the edge of its message: its rows fade out at
the cut edge, and a small "More →" button there (or "← More" once scrolled) scrolls
the message sideways.

Without it a wide table looked whole, cut at a column border, while the only sign of
more, the message's scroll bar, could be thirty paragraphs further down. Painted over
the text, in its view: never part of the text, so never selected, found or copied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QCursor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QLinearGradient,
    QMouseEvent,
    QPainter,
    QPalette,
    QTextDocument,
    QTextFormat,
    QTextTable,
)
from PySide6.QtWidgets import QTextEdit, QToolTip

from app.ui.transcript.wide_tables import data_tables

RIGHT, LEFT = 1, -1
LABELS = {RIGHT: "More \u2192", LEFT: "\u2190 More"}
TIPS = {
    RIGHT: "Show the columns to the right (or Shift and the mouse wheel)",
    LEFT: "Show the columns to the left (or Shift and the mouse wheel)",
}
_PAGE = 0.75  # of the view's width, a click scrolls: some columns stay in sight
_GAP = 6.0  # px between a button and the edge


def table_box(document: QTextDocument, table: QTextTable) -> QRectF:
    """The rectangle ``table`` is drawn in, borders included, in document coordinates.

    From its cells' text: Qt's frameBoundingRect for a table starts at its first
    cell's text, not at its border.
    """
    layout = document.documentLayout()
    last_row, last_column = table.rows() - 1, table.columns() - 1
    first = layout.blockBoundingRect(table.cellAt(0, 0).firstCursorPosition().block())
    right = layout.blockBoundingRect(table.cellAt(0, last_column).firstCursorPosition().block())
    bottom = max(
        layout.blockBoundingRect(
            table.cellAt(last_row, column).lastCursorPosition().block()
        ).bottom()
        for column in range(table.columns())
    )
    table_format = table.format()
    border = table_format.border()

    def padding(row: int, column: int, side: QTextFormat.Property) -> float:
        cell = table.cellAt(row, column).format()
        return cell.doubleProperty(side) if cell.hasProperty(side) else table_format.cellPadding()

    sides = QTextFormat.Property
    return QRectF(
        QPointF(
            first.left() - padding(0, 0, sides.TableCellLeftPadding) - border,
            first.top() - padding(0, 0, sides.TableCellTopPadding) - border,
        ),
        QPointF(
            right.right() + padding(0, last_column, sides.TableCellRightPadding) + border,
            bottom + padding(last_row, 0, sides.TableCellBottomPadding) + border,
        ),
    )


@dataclass(frozen=True)
class Button:
    """A "More" button painted at a table's cut edge, in the view's coordinates."""

    rect: QRectF
    direction: int  # RIGHT or LEFT


def _place(font: QFont, direction: int, middle: float, width: float) -> QRectF:
    """Where the button of ``direction`` goes: at that edge of a view ``width`` wide,
    its middle at height ``middle`` (the table's column names)."""
    metrics = QFontMetricsF(font)
    height = metrics.height() + 6
    across = metrics.horizontalAdvance(LABELS[direction]) + 2 * metrics.averageCharWidth() + 4
    left = width - _GAP - across if direction == RIGHT else _GAP
    return QRectF(left, middle - height / 2, across, height)


class TableEdges:
    """The cut edges of the tables of one message's text view: painted by ``paint``
    (after the text), clicked and hovered through ``handle`` (its viewport's events).

    Args:
        view: the message's text, which scrolls sideways when a table is wider.
        clicked: called after a button was pressed (the view gives the keyboard back
            to where it was, as for its scroll bar).
    """

    def __init__(self, view: QTextEdit, clicked: Callable[[], None]) -> None:
        self._view = view
        self._clicked = clicked
        self._buttons: list[Button] = []
        self._hovered: Button | None = None
        self._cursor = QCursor()  # the viewport's, while a button's is shown
        self._pressed = False  # a press on a button: its release is not the text's
        # A cue stays at the view's edge: scrolled with the text, it would go with it.
        view.horizontalScrollBar().valueChanged.connect(self._on_scrolled)

    @property
    def buttons(self) -> list[Button]:
        """The buttons painted last, in the view's coordinates."""
        return list(self._buttons)

    def _on_scrolled(self) -> None:
        self._view.viewport().update()

    def paint(self, shown: QRectF) -> None:
        """Fade the cut edges of the tables in ``shown`` (of the viewport) and put a
        button there. The buttons of all of them are known after (a paint of another
        part, a caret's, leaves those painted before clickable)."""
        view = self._view
        self._buttons = []
        bar = view.horizontalScrollBar()
        if bar.maximum() <= 0:
            return
        width = view.viewport().width()
        offset = QPointF(bar.value(), view.verticalScrollBar().value())
        document = view.document()
        font = QFont(view.font())
        font.setPointSizeF(font.pointSizeF() * 0.9)
        font.setWeight(QFont.Weight.DemiBold)
        painter: QPainter | None = None
        for table in data_tables(document.rootFrame()):
            box = table_box(document, table).translated(-offset)
            cut = [
                d for d, edge in ((RIGHT, box.right() > width + 1), (LEFT, box.left() < -1)) if edge
            ]
            if not cut:
                continue
            header = document.documentLayout().blockBoundingRect(
                table.cellAt(0, 0).firstCursorPosition().block()
            )
            buttons = [
                Button(_place(font, d, header.center().y() - offset.y(), width), d) for d in cut
            ]
            self._buttons.extend(buttons)
            if box.bottom() < shown.top() or box.top() > shown.bottom():
                continue
            if painter is None:
                painter = QPainter(view.viewport())
                painter.setRenderHint(QPainter.RenderHint.Antialiasing)
                painter.setFont(font)
            for button in buttons:
                self._fade(painter, box, button.direction, width)
                self._paint_button(painter, button)
        if painter is not None:
            painter.end()

    def _fade(self, painter: QPainter, box: QRectF, direction: int, width: float) -> None:
        """The table's rows fade into the page over their last pixels at the edge."""
        reach = QFontMetricsF(self._view.font()).height() * 2.5
        edge = width if direction == RIGHT else 0.0
        inner = edge - direction * reach
        page = self._view.palette().color(QPalette.ColorRole.Window)
        clear = QColor(page)
        clear.setAlpha(0)
        gradient = QLinearGradient(inner, 0, edge - direction * _GAP / 2, 0)  # all page there
        gradient.setColorAt(0, clear)
        gradient.setColorAt(1, page)
        left, right = sorted((inner, edge))
        # A pixel more above and below: the borders' lines are drawn half outside.
        rows = box.adjusted(0, -1, 1, 1)
        area = QRectF(QPointF(left, rows.top()), QPointF(right, rows.bottom()))
        painter.fillRect(area.intersected(rows), gradient)

    def _paint_button(self, painter: QPainter, button: Button) -> None:
        # As the transcript's "Jump to latest": the accent on a raised surface.
        rect = button.rect
        radius = rect.height() / 2
        palette = self._view.palette()
        accent = palette.color(QPalette.ColorRole.Link)
        fill = palette.color(QPalette.ColorRole.Button)
        if button == self._hovered:
            painter.setBrush(fill)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawRoundedRect(rect, radius, radius)
            fill = QColor(accent)
            fill.setAlphaF(0.16)
        painter.setPen(accent)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, LABELS[button.direction])

    def button_at(self, point: QPointF) -> Button | None:
        """The button at ``point`` of the viewport, if one is there."""
        return next((b for b in self._buttons if b.rect.contains(point)), None)

    def scroll(self, direction: int) -> None:
        """Scroll the view sideways by most of its width."""
        bar = self._view.horizontalScrollBar()
        step = max(1, round(self._view.viewport().width() * _PAGE))
        bar.setValue(bar.value() + direction * step)

    def handle(self, event: QEvent) -> bool:
        """Take an event of the viewport on a button; True if it was one."""
        kind = event.type()
        if isinstance(event, QMouseEvent):
            button = self.button_at(event.position())
            if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
                if button is not None and event.button() == Qt.MouseButton.LeftButton:
                    self._pressed = True
                    self.scroll(button.direction)
                    self._clicked()
                    return True
            elif kind == QEvent.Type.MouseButtonRelease and self._pressed:
                self._pressed = False
                return True
            elif kind == QEvent.Type.MouseMove and not event.buttons():
                self._hover(button)
                if button is not None:
                    return True
        elif kind == QEvent.Type.Leave:
            self._hover(None)
        elif kind == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            button = self.button_at(QPointF(event.pos()))
            if button is not None:
                QToolTip.showText(event.globalPos(), TIPS[button.direction], self._view.viewport())
                return True
        return False

    def _hover(self, button: Button | None) -> None:
        if button == self._hovered:
            return
        viewport = self._view.viewport()
        if self._hovered is None:
            self._cursor = viewport.cursor()
        self._hovered = button
        if button is None:
            viewport.setCursor(self._cursor)
        else:
            viewport.setCursor(QCursor(Qt.CursorShape.PointingHandCursor))
        viewport.update()

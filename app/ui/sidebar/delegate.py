"""How a sidebar row looks: small muted headings, one elided title line, a pin mark, an
"Approve?" mark while a tool call waits, a muted "Show more quick prompts…"; and the
in-place rename editor (Enter renames, Esc cancels, an empty title is refused).

Colours come from the palette, so light and dark themes both work.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QPainter, QPainterPath, QPalette
from PySide6.QtWidgets import (
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QWidget,
)

from app.ui.plain_text_field import pastes_html
from app.ui.sidebar.model import ConversationRole
from app.ui.text_direction import line_option

PADDING_X = 10
ROW_PADDING_Y = 7
RADIUS = 6.0
PIN_SIZE = 12  # at the usual text size; larger text, a larger pin (see pin_size)
# Short, and a question: the conversation waits for the person, not for the model.
WAITING_MARK = "Approve?"


EMPTY_TITLE = "A title can't be empty: type one, or press Esc to keep the old one."


def row_height(font: QFont) -> int:
    """One height for headings and conversations (the view uses uniform row sizes)."""
    return QFontMetrics(font).height() + 2 * ROW_PADDING_Y + 2


def blend(color: QColor, alpha: float) -> QColor:
    mixed = QColor(color)
    mixed.setAlphaF(alpha)
    return mixed


def muted(palette: QPalette) -> QColor:
    """Secondary text (group headings, snippets): the text colour taken 30 % towards
    the list's background. The placeholder colour it was read 2.7:1 on white, under the
    4.5:1 that small text needs."""
    text = palette.color(QPalette.ColorRole.Text)
    base = palette.color(QPalette.ColorRole.Base)
    return QColor.fromRgbF(
        0.7 * text.redF() + 0.3 * base.redF(),
        0.7 * text.greenF() + 0.3 * base.greenF(),
        0.7 * text.blueF() + 0.3 * base.blueF(),
    )


def header_font(font: QFont) -> QFont:
    small = QFont(font)
    if small.pointSizeF() > 0:
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.85))
    else:
        small.setPixelSize(max(9, int(small.pixelSize() * 0.85)))
    small.setWeight(QFont.Weight.DemiBold)
    return small


def pin_size(font: QFont) -> int:
    """The pin's side for rows in ``font``: 12 px at the usual size, growing with the
    text (at 16 pt a fixed 12 px pin was a speck beside the titles)."""
    return max(PIN_SIZE, round(QFontMetrics(font).height() * 0.7))


def paint_pin(painter: QPainter, rect: QRect, color: QColor) -> None:
    """A small push pin: a round head on a short needle, tilted, as large as ``rect``'s
    shorter side."""
    size = min(rect.width(), rect.height())
    center = QPointF(rect.center())
    painter.save()
    painter.translate(center)
    painter.rotate(45)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    head = QPainterPath()
    head.addRoundedRect(QRectF(-size * 0.28, -size * 0.5, size * 0.56, size * 0.45), 1.5, 1.5)
    head.addRect(QRectF(-size * 0.42, -size * 0.1, size * 0.84, size * 0.14))
    painter.drawPath(head)
    painter.setPen(color)
    painter.drawLine(QPointF(0, size * 0.04), QPointF(0, size * 0.5))
    painter.restore()


def paint_waiting(painter: QPainter, content: QRect, palette: QPalette, font: QFont) -> int:
    """The "Approve?" mark at the right of ``content``, in the accent colour's tint with
    the text colour (readable on the selected row too); returns its left edge."""
    small = header_font(font)
    metrics = QFontMetrics(small)
    width = metrics.horizontalAdvance(WAITING_MARK) + 12
    height = min(content.height() - 4, metrics.height() + 4)
    box = QRectF(content.right() - width, content.center().y() - height / 2 + 1, width, height)
    accent = palette.color(QPalette.ColorRole.Highlight)
    painter.setPen(accent)
    painter.setBrush(blend(accent, 0.18))
    painter.drawRoundedRect(box.adjusted(0.5, 0.5, -0.5, -0.5), height / 2, height / 2)
    painter.setFont(small)
    painter.setPen(palette.color(QPalette.ColorRole.Text))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, WAITING_MARK)
    return int(box.left())


class ConversationDelegate(QStyledItemDelegate):
    """Paints ``ConversationListModel`` rows and edits titles in place."""

    def sizeHint(  # noqa: N802 - Qt override
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(option.rect.width() or 200, row_height(option.font))

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if index.data(ConversationRole.IS_HEADER):
            self._paint_header(
                painter, option.rect, option.palette, option.font, str(index.data() or "")
            )
        else:
            self._paint_conversation(painter, option, index)
        painter.restore()

    @staticmethod
    def _paint_header(
        painter: QPainter, rect: QRect, palette: QPalette, font: QFont, label: str
    ) -> None:
        small = header_font(font)
        painter.setFont(small)
        painter.setPen(muted(palette))
        text_rect = rect.adjusted(PADDING_X, 0, -PADDING_X, -3)
        elided = QFontMetrics(small).elidedText(
            label, Qt.TextElideMode.ElideRight, text_rect.width()
        )
        painter.drawText(
            text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, elided
        )

    @staticmethod
    def _paint_conversation(
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        rect: QRect = option.rect
        palette: QPalette = option.palette
        font: QFont = option.font
        state = option.state
        if getattr(option.widget, "cursor_hidden", False):  # ConversationListView's
            state &= ~QStyle.StateFlag.State_HasFocus
        text_color = palette.color(QPalette.ColorRole.Text)
        label_color = muted(palette) if index.data(ConversationRole.IS_SHOW_MORE) else text_color
        highlight = palette.color(QPalette.ColorRole.Highlight)
        box = QRectF(rect.adjusted(4, 1, -4, -1))
        fill: QColor | None = None
        if state & QStyle.StateFlag.State_Selected:
            fill = blend(highlight, 0.30)
        elif state & (QStyle.StateFlag.State_MouseOver | QStyle.StateFlag.State_HasFocus):
            fill = blend(text_color, 0.08)
        if fill is not None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(box, RADIUS, RADIUS)
        if state & QStyle.StateFlag.State_HasFocus:
            painter.setPen(blend(highlight, 0.9))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(box.adjusted(0.5, 0.5, -0.5, -0.5), RADIUS, RADIUS)
        content = rect.adjusted(PADDING_X, 0, -PADDING_X, 0)
        if index.data(ConversationRole.PINNED):
            side = pin_size(font)
            pin = QRect(content.right() - side, content.center().y() - side // 2, side, side)
            paint_pin(painter, pin, muted(palette))
            content.setRight(pin.left() - 6)
        if index.data(ConversationRole.WAITING):
            content.setRight(paint_waiting(painter, content, palette, font) - 6)
        painter.setFont(font)
        painter.setPen(label_color)
        title = " ".join(str(index.data() or "").split()) or "Untitled"
        elided = QFontMetrics(font).elidedText(title, Qt.TextElideMode.ElideRight, content.width())
        # In its own direction: a Hebrew or Arabic title from the right, its "…" at the
        # left (at the right, beside the first word, it looked cut at its start).
        painter.drawText(QRectF(content), elided, line_option(title, Qt.AlignmentFlag.AlignVCenter))

    # Rename in place -------------------------------------------------------------------

    def createEditor(  # noqa: N802 - Qt override
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        editor = QLineEdit(parent)
        pastes_html(editor)
        editor.setObjectName("renameEditor")
        editor.setAccessibleName("Conversation title")
        editor.setFrame(True)
        editor.textEdited.connect(lambda _text: _mark_invalid(editor, False))
        return editor

    def setEditorData(  # noqa: N802 - Qt override
        self, editor: QWidget, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        assert isinstance(editor, QLineEdit)
        editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
        editor.selectAll()

    def setModelData(  # noqa: N802 - Qt override
        self,
        editor: QWidget,
        model: QAbstractItemModel,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        assert isinstance(editor, QLineEdit)
        title = editor.text().strip()
        if title and title != index.data(Qt.ItemDataRole.EditRole):
            model.setData(index, title, Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(  # noqa: N802 - Qt override
        self,
        editor: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        rect = QRect(option.rect)
        viewport = editor.parentWidget()
        if viewport is not None:
            # Rows keep the width they were laid out at: a scroll bar that came since
            # covered the editor's right end (its border cut, the text's end hidden).
            rect.setRight(min(rect.right(), viewport.width() - 1))
        editor.setGeometry(rect.adjusted(4, 1, -4, -1))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # Enter with an empty title keeps the editor open: a title cannot be blank.
        if (
            isinstance(watched, QLineEdit)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not watched.text().strip()
        ):
            # Said, or Enter looked stuck.
            _mark_invalid(watched, True)
            below = watched.mapToGlobal(QPoint(0, watched.height()))
            QToolTip.showText(below, EMPTY_TITLE, watched)
            return True
        return super().eventFilter(watched, event)


def _mark_invalid(editor: QLineEdit, invalid: bool) -> None:
    """The field's red edge, as Settings marks a field it refuses."""
    editor.setProperty("invalid", invalid)
    editor.style().unpolish(editor)
    editor.style().polish(editor)

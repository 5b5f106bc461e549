"""The pin mark of a pinned conversation grows with the text size."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from app.store import ConversationStore
from app.ui.sidebar.delegate import ConversationDelegate
from app.ui.sidebar.model import ConversationListModel, ConversationRole
from tests.unit.ui.sidebar.helpers import NOW, ZONE, add, fixed_now

ROW_WIDTH = 300
BACKGROUND = QColor("white")


def _pin_height(model: ConversationListModel, row: int, points: float) -> int:
    """How many pixel rows the pin mark covers, painted at ``points``: the mark is the
    only drawing right of the title, which is short."""
    delegate = ConversationDelegate()
    option = QStyleOptionViewItem()
    font = QFont()
    font.setPointSizeF(points)
    option.font = font
    index = model.index(row, 0)
    height = delegate.sizeHint(option, index).height()
    option.rect = QRect(0, 0, ROW_WIDTH, height)
    option.palette.setColor(option.palette.ColorRole.Text, QColor("black"))
    image = QImage(ROW_WIDTH, height, QImage.Format.Format_ARGB32)
    image.fill(BACKGROUND)
    painter = QPainter(image)
    delegate.paint(painter, option, index)
    painter.end()
    right = range(ROW_WIDTH * 3 // 4, ROW_WIDTH)
    return sum(any(image.pixelColor(x, y) != BACKGROUND for x in right) for y in range(height))


def test_the_pin_grows_with_the_text_size(qtbot: QtBot, store: ConversationStore) -> None:
    add(store, "Zeppelins", NOW, pinned=True)
    model = ConversationListModel(store, now=fixed_now, zone=ZONE)
    row = next(
        r for r in range(model.rowCount()) if model.index(r, 0).data(ConversationRole.PINNED)
    )
    assert model.index(row, 0).data(Qt.ItemDataRole.DisplayRole) == "Zeppelins"
    usual = _pin_height(model, row, 10)
    large = _pin_height(model, row, 16)
    assert usual >= 8  # the mark is there at the usual size
    assert large >= usual * 1.4  # and in proportion to the larger text

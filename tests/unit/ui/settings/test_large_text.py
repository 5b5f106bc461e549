"""Large text in little room: check boxes and radio buttons wrap, rows of buttons go on
onto the next line, icons in fields grow with the text, windows grow less than it."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtWidgets import QApplication, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.ui.field_buttons import FieldButton
from app.ui.first_run import AppMark
from app.ui.flow_layout import FlowLayout
from app.ui.help_dialog import search_field
from app.ui.settings.form import SecretField
from app.ui.text_scale import icon_size
from app.ui.theme import SCREEN_SHARE, apply_theme, fit_window
from app.ui.wrapping_buttons import WrappingCheckBox, WrappingRadioButton


@pytest.mark.parametrize("kind", [WrappingCheckBox, WrappingRadioButton])
def test_a_check_box_or_radio_buttons_text_wraps_in_a_narrow_column(
    qapp: QApplication,
    qtbot: QtBot,
    tmp_path: Path,
    kind: type[WrappingCheckBox] | type[WrappingRadioButton],
) -> None:
    # At 20 pt "Enter sends · Shift+Enter starts a new line" made the Appearance page
    # 625 px wide at least, scrolled sideways in a narrower window.
    apply_theme(qapp, "light", 20, assets_dir=tmp_path)
    text = "Enter sends · Shift+Enter starts a new line"
    holder = QWidget()
    column = QVBoxLayout(holder)
    choice = kind(text)
    column.addWidget(choice)
    qtbot.addWidget(holder)
    one_line = choice.sizeHint()
    assert choice.minimumSizeHint().width() < one_line.width() / 2
    holder.resize(one_line.width() // 2, 400)
    holder.show()
    qtbot.waitExposed(holder)
    assert choice.width() <= one_line.width() // 2
    assert choice.height() >= 2 * choice.fontMetrics().height()  # on more lines, whole
    assert choice.text() == text
    # A click on its last line chooses it, as one on its first.
    qtbot.mouseClick(
        choice, Qt.MouseButton.LeftButton, pos=QPoint(choice.width() // 2, choice.height() - 3)
    )
    assert choice.isChecked()


def test_a_row_of_buttons_goes_on_onto_the_next_line(qtbot: QtBot) -> None:
    holder = QWidget()
    row = FlowLayout(holder, spacing=8)
    buttons = [QPushButton(text) for text in ("System", "Light", "Dark")]
    for button in buttons:
        row.addWidget(button)
    qtbot.addWidget(holder)
    wide = row.sizeHint().width()
    assert row.heightForWidth(wide) == max(b.sizeHint().height() for b in buttons)
    holder.resize(wide, 200)
    holder.show()
    qtbot.waitExposed(holder)
    assert len({b.y() for b in buttons}) == 1  # one line where there is room
    narrow = max(b.sizeHint().width() for b in buttons)
    assert row.minimumSize().width() == narrow
    holder.resize(narrow, 200)
    qtbot.waitUntil(lambda: len({b.y() for b in buttons}) == 3)  # one a line
    for button in buttons:
        assert button.width() == button.sizeHint().width()  # whole, not cut to "Syste"
    assert row.heightForWidth(narrow) > 2 * buttons[0].sizeHint().height()


@pytest.mark.parametrize("points", [10, 20])
def test_the_icons_in_fields_grow_with_the_text(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path, points: int
) -> None:
    # The key's eye and the search mark stayed 16 px beside 20 pt text.
    apply_theme(qapp, "light", points, assets_dir=tmp_path)
    key = SecretField("Paste your API key")
    search = search_field("Search shortcuts")
    for field in (key, search):
        qtbot.addWidget(field)
        field.resize(400, field.sizeHint().height())
        field.show()
    qtbot.waitExposed(key)
    side = icon_size(float(points))
    eye = key.reveal
    assert eye.iconSize() == QSize(side, side)
    # Inside the field, at its end, the text kept clear of it.
    assert key.rect().contains(eye.geometry())
    assert eye.x() > key.width() // 2
    assert key.textMargins().right() >= eye.width()
    qtbot.mouseClick(eye, Qt.MouseButton.LeftButton)
    assert key.revealed
    [mark] = search.findChildren(FieldButton)
    assert mark.iconSize() == QSize(side, side)
    assert mark.x() < search.width() // 2
    assert search.textMargins().left() >= mark.width()


def test_the_apps_mark_grows_with_the_text(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path
) -> None:
    apply_theme(qapp, "light", 10, assets_dir=tmp_path)
    mark = AppMark()
    qtbot.addWidget(mark)
    assert mark.width() == AppMark.SIDE
    apply_theme(qapp, "light", 20, assets_dir=tmp_path)
    qtbot.waitUntil(lambda: mark.width() == round(AppMark.SIDE * math.sqrt(2)))
    pixmap = mark.pixmap()
    assert round(pixmap.width() / pixmap.devicePixelRatio()) == mark.width()


def test_a_window_grows_less_than_the_text_within_most_of_the_screen(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path
) -> None:
    # Grown as much as the text, Settings filled a 1400 x 900 screen at 20 pt.
    apply_theme(qapp, "light", 20, assets_dir=tmp_path)
    window = QWidget()
    qtbot.addWidget(window)
    fit_window(window, 300, 200)
    assert window.size() == QSize(round(300 * math.sqrt(2)), round(200 * math.sqrt(2)))
    fit_window(window, 900, 660)
    screen = window.screen().availableGeometry().size()
    assert window.width() <= screen.width() * SCREEN_SHARE
    assert window.height() <= screen.height() * SCREEN_SHARE

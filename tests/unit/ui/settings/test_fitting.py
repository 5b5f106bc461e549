"""The pieces the settings pages fit their width with: rows that stack their labels, a
number whose spin box goes under its slider, buttons whose text wraps, a right-aligned
flow, a combo box that shortens its choice, lists that shorten their names."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QStyle,
    QStyleOptionComboBox,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.api.types import ModelCard
from app.ui.flow_layout import FlowLayout
from app.ui.settings.fitting import (
    LABEL_GAP,
    LabelledRows,
    ShortCombo,
    items_as_wide_as_the_list,
)
from app.ui.settings.form import button
from app.ui.settings.model_page import ModelCombo
from app.ui.settings.params import OptionalNumber
from app.ui.theme import apply_theme
from app.ui.wrapping_buttons import WrappingPushButton


def shown(qtbot: QtBot, widget: QWidget, width: int, height: int = 400) -> QWidget:
    """``widget`` alone in a window ``width`` px wide, laid out."""
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.addWidget(widget)
    column.addStretch(1)
    qtbot.addWidget(holder)
    holder.resize(width, height)
    holder.show()
    qtbot.waitExposed(holder)
    QApplication.processEvents()
    return holder


def grab(widget: QWidget) -> QImage:
    return widget.grab().toImage()


@pytest.mark.parametrize("role", [None, "link", "danger"])
def test_a_wrapping_button_looks_as_qts_where_its_text_fits(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path, role: str | None
) -> None:
    apply_theme(qapp, "light", 10, assets_dir=tmp_path)
    text = "Get a key at console.mistral.ai"
    plain = button(text, role, "external-link")
    wrapping = button(text, role, "external-link", wraps=True)
    assert isinstance(wrapping, WrappingPushButton)
    for item in (plain, wrapping):
        qtbot.addWidget(item)
        item.resize(item.sizeHint())
        item.show()
    qtbot.waitExposed(wrapping)
    assert wrapping.sizeHint() == plain.sizeHint()
    assert wrapping.heightForWidth(wrapping.width()) == plain.sizeHint().height()
    assert grab(wrapping) == grab(plain)


def test_a_wrapping_button_goes_on_onto_more_lines_where_it_is_narrow(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path
) -> None:
    # At 24 pt "Get a key at console.mistral.ai" was wider than the page.
    apply_theme(qapp, "light", 24, assets_dir=tmp_path)
    item = button("Get a key at console.mistral.ai", "link", "external-link", wraps=True)
    one_line = item.sizeHint()
    least = item.minimumSizeHint().width()
    assert least < one_line.width() / 2
    holder = shown(qtbot, item, least)
    assert holder.width() == item.width() == least
    assert item.height() >= item.heightForWidth(least) > one_line.height()
    assert item.height() >= 3 * item.fontMetrics().height()  # three lines at least
    assert item.text() == "Get a key at console.mistral.ai"  # its text is kept whole
    clicked: list[bool] = []
    item.clicked.connect(lambda: clicked.append(True))
    qtbot.mouseClick(
        item, Qt.MouseButton.LeftButton, pos=QPoint(item.width() // 2, item.height() - 4)
    )
    assert clicked == [True]  # on its last line too


def test_a_right_aligned_flow_goes_on_onto_more_lines_and_wraps_what_is_too_wide(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path
) -> None:
    apply_theme(qapp, "light", 20, assets_dir=tmp_path)
    first = button("Edit mcp.json…", icon_name="edit", wraps=True)
    second = button("Restart servers", icon_name="regenerate", wraps=True)
    holder = QWidget()
    row = FlowLayout(holder, spacing=8, align_right=True)
    row.addWidget(first)
    row.addWidget(second)
    qtbot.addWidget(holder)
    wide = row.sizeHint().width()
    holder.resize(wide + 100, 300)
    holder.show()
    qtbot.waitExposed(holder)
    assert first.y() == second.y()  # one line, at the right end
    assert second.geometry().right() == holder.width() - 1
    holder.resize(wide - 10, 300)
    qtbot.waitUntil(lambda: second.y() > first.y())  # one a line, each at the right
    assert first.geometry().right() == second.geometry().right() == holder.width() - 1
    narrow = first.minimumSizeHint().width()
    holder.resize(narrow, 300)
    qtbot.waitUntil(lambda: first.width() == narrow)  # the line's width, on two lines
    assert first.height() == first.heightForWidth(narrow) > first.sizeHint().height()
    assert row.minimumSize().width() == max(narrow, second.minimumSizeHint().width())


def test_labelled_rows_put_the_labels_above_their_fields_where_both_do_not_fit(
    qtbot: QtBot,
) -> None:
    names = [QLabel("Name"), QLabel("Description")]
    fields = [QLineEdit(), QLineEdit()]
    note = QLabel("Shown under the description")
    fields[1].setMinimumWidth(200)
    rows = LabelledRows([(names[0], fields[0]), (names[1], fields[1]), (None, note)], spacing=10)
    beside_width = names[1].sizeHint().width() + 18 + 200
    assert rows.roomy_width() == beside_width
    assert rows.minimumSizeHint().width() == 200  # the labels above the fields
    holder = shown(qtbot, rows, beside_width)
    assert rows.beside
    assert names[1].y() == fields[1].y()
    assert fields[0].x() == fields[1].x() == note.x() > names[1].geometry().right()
    holder.resize(beside_width - 1, 400)
    qtbot.waitUntil(lambda: not rows.beside)
    for name, field in zip(names, fields, strict=True):
        assert name.x() == field.x() == 0
        assert field.y() == name.geometry().bottom() + 1 + LABEL_GAP  # close under it
        assert field.width() == rows.width()
    # The rows stay as far apart as beside (10 px), the note under its field.
    assert names[1].y() + names[1].contentsMargins().top() == fields[0].geometry().bottom() + 11
    assert note.y() == fields[1].geometry().bottom() + 1 + LABEL_GAP
    holder.resize(beside_width, 400)
    qtbot.waitUntil(lambda: rows.beside)
    assert names[1].contentsMargins().top() == 0


def test_a_number_puts_its_spin_box_under_its_slider_where_the_row_is_narrow(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path
) -> None:
    # At 20 pt slider, reset button and spin box needed 289 px, the spin box squeezed
    # under the width "Default" takes.
    apply_theme(qapp, "light", 20, assets_dir=tmp_path)
    number = OptionalNumber(0.0, 1.5)
    roomy = number.roomy_width()
    holder = shown(qtbot, number, roomy)
    assert number.one_line
    assert number.spin.x() > number.reset.x() > number.slider.x()
    middle = number.slider.geometry().center().y()
    assert number.spin.geometry().top() <= middle <= number.spin.geometry().bottom()
    holder.resize(number.minimumSizeHint().width(), 400)
    qtbot.waitUntil(lambda: number.spin.y() > number.slider.geometry().bottom())
    assert not number.one_line
    assert number.spin.width() >= number.spin.sizeHint().width()  # "Default" whole
    assert number.spin.geometry().right() == number.width() - 1  # at the right
    assert number.reset.x() > number.slider.x()


def test_a_short_combo_shortens_its_choice_with_an_ellipsis(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path
) -> None:
    # Qt's cut "OpenAI-compatible (vLLM, …" mid-letter: "OpenAI-compa".
    apply_theme(qapp, "light", 16, assets_dir=tmp_path)
    text = "OpenAI-compatible (vLLM, llama.cpp, Ollama, LM Studio)"
    combo = ShortCombo()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(16)
    combo.addItem(text)
    assert combo.minimumSizeHint().width() < QComboBox.minimumSizeHint(combo).width()
    size = QSize(combo.minimumSizeHint().width(), combo.sizeHint().height())
    option = QStyleOptionComboBox()
    combo.resize(size)
    combo.initStyleOption(option)
    room = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox,
        option,
        QStyle.SubControl.SC_ComboBoxEditField,
        combo,
    )
    short = combo.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, room.width())
    assert short.endswith("…")
    # Drawn as a Qt combo box holding the shortened text.
    plain = QComboBox()
    plain.addItem(short)
    for item in (combo, plain):
        qtbot.addWidget(item)
        item.resize(size)
        item.show()
        qtbot.waitExposed(item)
    assert grab(combo) == grab(plain)


def test_a_list_shortens_long_names_instead_of_scrolling_sideways(qtbot: QtBot) -> None:
    names = QListWidget()
    items_as_wide_as_the_list(names, Qt.TextElideMode.ElideMiddle)
    names.addItems(["files__read", "web-search-with-a-long-name__fetch_url_with_options"])
    holder = shown(qtbot, names, 160, 120)
    assert holder.isVisible()
    assert names.horizontalScrollBar().maximum() == 0
    for row in range(names.count()):
        assert names.visualItemRect(names.item(row)).width() == names.viewport().width()


def test_a_long_model_id_shows_from_its_start(qtbot: QtBot) -> None:
    # "stral-large-2411": the field showed the end of the id, its cursor there.
    combo = ModelCombo()
    combo.set_model_id("mistral-large-2411")
    line = combo.lineEdit()
    assert line is not None
    assert line.cursorPosition() == 0
    line.setCursorPosition(len(line.text()))
    combo.set_models([ModelCard("mistral-large-2411")], "mistral-large-2411")  # a test's
    assert line.cursorPosition() == 0

"""Light and dark looks, "system" following the desktop, and the font size."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QAction, QColor, QFontDatabase, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QLabel,
    QLineEdit,
    QMenu,
    QRadioButton,
    QSlider,
    QSpinBox,
    QStyle,
    QStyleOptionButton,
    QStyleOptionSlider,
    QStyleOptionSpinBox,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.settings import Settings
from app.ui import theme
from app.ui.settings.form import StatusLine
from app.ui.theme import DARK, LIGHT, ThemeController, apply_theme, current_colors
from tests.helpers.colors import contrast


def window_color(app: QApplication) -> QColor:
    return app.palette().color(QPalette.ColorRole.Window)


def test_dark_gives_a_dark_palette_with_readable_text(qapp: QApplication, tmp_path: Path) -> None:
    assert apply_theme(qapp, "dark", 0, assets_dir=tmp_path) is True
    palette = qapp.palette()
    assert palette.color(QPalette.ColorRole.Window) == QColor(DARK.window)
    assert palette.color(QPalette.ColorRole.Window).lightness() < 60
    assert palette.color(QPalette.ColorRole.Base).lightness() < 60
    assert palette.color(QPalette.ColorRole.Text).lightness() > 200
    assert palette.color(QPalette.ColorRole.WindowText).lightness() > 200
    assert palette.color(QPalette.ColorRole.Highlight) == QColor(DARK.accent)
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
    assert disabled == QColor(DARK.faint)
    assert current_colors() is DARK
    sheet = qapp.styleSheet()
    qapp.setStyleSheet("")  # the stylesheet wraps the style; without it the name shows
    assert qapp.style().name().lower() == "fusion"
    qapp.setStyleSheet(sheet)


def test_light_gives_a_light_palette(qapp: QApplication, tmp_path: Path) -> None:
    apply_theme(qapp, "dark", 0, assets_dir=tmp_path)
    assert apply_theme(qapp, "light", 0, assets_dir=tmp_path) is False
    assert window_color(qapp) == QColor(LIGHT.window)
    assert qapp.palette().color(QPalette.ColorRole.Text).lightness() < 60
    assert current_colors() is LIGHT


def test_system_follows_the_desktop_scheme(qapp: QApplication, tmp_path: Path) -> None:
    assert apply_theme(qapp, "system", 0, system_scheme=Qt.ColorScheme.Dark, assets_dir=tmp_path)
    assert window_color(qapp) == QColor(DARK.window)
    assert not apply_theme(
        qapp, "system", 0, system_scheme=Qt.ColorScheme.Light, assets_dir=tmp_path
    )
    # Offscreen reports no scheme at all: that reads as light, even right after the
    # app asked Qt for dark itself.
    assert apply_theme(qapp, "dark", 0, assets_dir=tmp_path)
    assert not apply_theme(qapp, "system", 0, assets_dir=tmp_path)


def test_unknown_mode_is_refused(qapp: QApplication, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown theme 'sepia'"):
        apply_theme(qapp, "sepia", 0, assets_dir=tmp_path)


def test_font_size_is_applied_and_zero_means_the_system_size(
    qapp: QApplication, tmp_path: Path
) -> None:
    apply_theme(qapp, "light", 15, assets_dir=tmp_path)
    assert qapp.font().pointSize() == 15
    apply_theme(qapp, "light", 0, assets_dir=tmp_path)
    system = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
    assert qapp.font().pointSize() == system.pointSize()


def test_stylesheet_images_exist_and_follow_the_theme(
    qapp: QApplication, tmp_path: Path, qtbot: QtBot
) -> None:
    apply_theme(qapp, "dark", 0, assets_dir=tmp_path)
    images = re.findall(r'url\("([^"]+)"\)', qapp.styleSheet())
    assert images
    for image in images:
        text = Path(image).read_text(encoding="utf-8")
        assert "currentColor" not in text
    assert any(DARK.muted in Path(image).read_text(encoding="utf-8") for image in images)
    field = QLineEdit()
    qtbot.addWidget(field)
    field.ensurePolished()
    assert field.palette().color(QPalette.ColorRole.Base) == QColor(DARK.field)


def test_controller_emits_only_when_dark_flips(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path
) -> None:
    controller = ThemeController(qapp, "light", 0, assets_dir=tmp_path)
    seen: list[bool] = []
    controller.changed.connect(seen.append)
    controller.apply_settings(Settings(theme="dark"))
    assert controller.is_dark
    assert controller.colors is DARK
    controller.apply_settings(Settings(theme="dark", font_size=16))  # same look, new size
    assert qapp.font().pointSize() == 16
    controller.apply("light", 16)
    assert seen == [True, False]


def test_controller_in_system_mode_follows_scheme_changes(
    qapp: QApplication, tmp_path: Path
) -> None:
    controller = ThemeController(qapp, "system", 0, assets_dir=tmp_path)
    seen: list[bool] = []
    controller.changed.connect(seen.append)
    controller.on_color_scheme_changed(Qt.ColorScheme.Dark)
    assert window_color(qapp) == QColor(DARK.window)
    controller.on_color_scheme_changed(Qt.ColorScheme.Light)
    controller.apply("light", 0)
    controller.on_color_scheme_changed(Qt.ColorScheme.Dark)  # ignored: the user chose light
    assert seen == [True, False]
    assert window_color(qapp) == QColor(LIGHT.window)


def test_the_first_look_takes_the_desktops_scheme_as_last_seen_then_follows_it(
    qapp: QApplication, tmp_path: Path
) -> None:
    # Offscreen, the desktop reports no scheme: light. Dark when last seen, the first
    # look is dark, as the window's frame paints before Qt is asked.
    controller = ThemeController(
        qapp, "system", 0, assets_dir=tmp_path, system_dark=True, later=True
    )
    assert controller.is_dark
    assert window_color(qapp) == QColor(DARK.window)
    seen: list[bool] = []
    controller.changed.connect(seen.append)
    assert controller.follow_desktop() is False  # asked now: what the window keeps
    assert seen == [False]
    assert window_color(qapp) == QColor(LIGHT.window)
    controller.on_color_scheme_changed(Qt.ColorScheme.Dark)  # and followed from then on
    assert seen == [False, True]


def test_a_chosen_look_tells_qt_its_scheme_once_the_window_follows(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[Qt.ColorScheme | None] = []
    monkeypatch.setattr(theme, "_set_color_scheme", told.append)
    controller = ThemeController(qapp, "dark", 0, assets_dir=tmp_path, later=True)
    assert controller.is_dark
    assert told == []  # not yet: the window's frame paints first
    assert controller.follow_desktop() is None  # Qt would answer with the app's own
    assert told == [Qt.ColorScheme.Dark]
    assert controller.is_dark
    ThemeController(qapp, "light", 0, assets_dir=tmp_path)  # not later: told at once
    assert told == [Qt.ColorScheme.Dark, Qt.ColorScheme.Light]


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_a_focused_slider_shows_it(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path, mode: str
) -> None:
    # Temperature and Top P showed no focus at all when tabbed to.
    apply_theme(qapp, mode, 0, assets_dir=tmp_path)
    accent = QColor(current_colors().accent)
    window = QWidget()
    layout = QVBoxLayout(window)
    slider = QSlider(Qt.Orientation.Horizontal)
    other = QLineEdit()
    layout.addWidget(slider)
    layout.addWidget(other)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)

    def accent_pixels_on_the_handle() -> int:
        option = QStyleOptionSlider()
        slider.initStyleOption(option)
        handle = slider.style().subControlRect(
            QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, slider
        )
        image = slider.grab().toImage()
        assert image.rect().contains(handle)  # not cut at the top and bottom
        return sum(
            image.pixelColor(x, y) == accent
            for x in range(handle.left(), handle.right() + 1)
            for y in range(handle.top(), handle.bottom() + 1)
        )

    other.setFocus()
    assert accent_pixels_on_the_handle() == 0  # at its minimum: no filled groove under it
    slider.setFocus()
    assert slider.hasFocus()
    assert accent_pixels_on_the_handle() > 0


class QBalloonTip(QWidget):
    """Stands for Qt's private notification bubble, built as Qt builds it: its own pale
    yellow palette, then labels (the stylesheet matches the class by name)."""

    def __init__(self) -> None:
        super().__init__(None, Qt.WindowType.ToolTip)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(0xFF, 0xFF, 0xE1))
        palette.setColor(QPalette.ColorRole.WindowText, Qt.GlobalColor.black)
        self.setPalette(palette)
        layout = QVBoxLayout(self)
        self.title = QLabel("Answer ready: Lyon")
        self.text = QLabel("The long answer is ready.")
        layout.addWidget(self.title)
        layout.addWidget(self.text)


@pytest.mark.parametrize("mode", ["dark", "light"])
def test_the_fallback_notification_bubble_is_readable(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path, mode: str
) -> None:
    # With no notification service, Qt's own bubble showed near-white text on pale
    # yellow in the dark look.
    apply_theme(qapp, mode, 0, assets_dir=tmp_path)
    tip = QBalloonTip()
    qtbot.addWidget(tip)
    tip.ensurePolished()
    for label in (tip.title, tip.text):
        label.ensurePolished()
        background = tip.palette().color(QPalette.ColorRole.Window)
        text = label.palette().color(label.foregroundRole())
        assert contrast(text, background) >= 7, (mode, text.name(), background.name())
    tips = qapp.palette()  # tooltips' colours, and Qt's for its own tool tip windows
    assert (
        contrast(
            tips.color(QPalette.ColorRole.ToolTipText), tips.color(QPalette.ColorRole.ToolTipBase)
        )
        >= 7
    )


@pytest.mark.parametrize("points", [8, 9, 10, 14, 20])
def test_a_one_line_question_keeps_its_round_ends_at_every_text_size(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path, points: int
) -> None:
    # Qt draws square corners when their radius is more than half the height: at 8 pt
    # the one-line bubble was under 36 px high, its corners 18 px.
    from app.domain.messages import Message, Role, utc_now
    from app.ui.transcript.item import MessageItem

    apply_theme(qapp, "light", points, assets_dir=tmp_path)
    question = Message(
        id="q",
        conversation_id="c",
        parent_id=None,
        role=Role.USER,
        content="Hi",
        created_at=utc_now(),
    )
    item = MessageItem(question, (0, 1), math=None, dark=False, width=600)
    qtbot.addWidget(item)
    item.resize(600, item.height_for_width(600))
    item.show()
    qtbot.waitExposed(item)
    bubble = item._bubble
    image = item.grab().toImage()
    left, top = bubble.mapTo(item, QPoint(0, 0)).toTuple()
    height = bubble.height()

    def color(x: int, y: int) -> QColor:
        return image.pixelColor(left + x, top + y)

    fill = QColor(LIGHT.user_bubble)
    assert color(bubble.width() // 2, 1) == fill
    assert color(1, height // 2) == fill  # the round end reaches the middle
    assert color(1, 1) != fill  # outside the corner
    assert color(1, height // 4) != fill  # round, not cut


def _indicator_height(button: QAbstractButton) -> int:
    option = QStyleOptionButton()
    button.initStyleOption(option)  # type: ignore[attr-defined]
    element = (
        QStyle.SubElement.SE_RadioButtonIndicator
        if isinstance(button, QRadioButton)
        else QStyle.SubElement.SE_CheckBoxIndicator
    )
    return button.style().subElementRect(element, option, button).height()


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_check_boxes_and_radio_buttons_grow_with_the_text(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path, mode: str
) -> None:
    # At 20 pt they kept their 16 px: specks beside the text, hard to see and to hit.
    heights: dict[int, list[int]] = {}
    for points in (10, 20):
        apply_theme(qapp, mode, points, assets_dir=tmp_path)
        box, chosen_box = QCheckBox("Safe prompt"), QCheckBox("Safe prompt")
        radio, chosen = QRadioButton("Enter sends"), QRadioButton("Ctrl+Enter sends")
        chosen_box.setChecked(True)
        chosen.setChecked(True)
        buttons: list[QAbstractButton] = [box, chosen_box, radio, chosen]
        for button in buttons:
            qtbot.addWidget(button)
            button.ensurePolished()
        heights[points] = [_indicator_height(button) for button in buttons]
        assert len(set(heights[points])) == 1, heights  # chosen or not, one size
    line = box.fontMetrics().height()
    assert heights[20][0] >= 0.9 * line, (heights, line)
    assert heights[20][0] >= 1.8 * heights[10][0]


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_a_disabled_ticked_check_box_shows_its_tick(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path, mode: str
) -> None:
    # Greyed out, the tick kept the accent's white on the disabled box's pale grey: an
    # empty box in the light look.
    apply_theme(qapp, mode, 20, assets_dir=tmp_path)
    box = QCheckBox("Safe prompt")
    box.setChecked(True)
    box.setEnabled(False)
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    option = QStyleOptionButton()
    box.initStyleOption(option)  # type: ignore[attr-defined]
    inside = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    image = box.grab().toImage()
    background = QColor(current_colors().sidebar)
    tick = [
        image.pixelColor(x, y)
        for x in range(inside.left() + 2, inside.right() - 1)
        for y in range(inside.top() + 2, inside.bottom() - 1)
    ]
    assert max(contrast(color, background) for color in tick) >= 2


def test_a_status_lines_mark_grows_with_the_text(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path
) -> None:
    # The (i) and the warning sign before a status line stayed 16 px beside 20 pt text.
    apply_theme(qapp, "light", 10, assets_dir=tmp_path)
    holder = QWidget()
    layout = QVBoxLayout(holder)
    status = StatusLine()
    layout.addWidget(status)
    qtbot.addWidget(holder)
    status.show_message("info", "This session sends requests to http://127.0.0.1:8000.")
    holder.show()
    qtbot.waitExposed(holder)

    def mark() -> QSize:
        return status._icon.pixmap().deviceIndependentSize().toSize()

    normal = mark()
    apply_theme(qapp, "light", 20, assets_dir=tmp_path)  # while it shows
    assert mark().height() >= 1.8 * normal.height()
    assert mark().height() >= 0.9 * status.text.fontMetrics().height()
    # Drawn for the screen's pixels, not scaled up from a small one: sharp at any ratio.
    assert status._icon.pixmap().devicePixelRatio() == status.devicePixelRatioF()
    apply_theme(qapp, "light", 10, assets_dir=tmp_path)
    assert mark() == normal


def _ink(menu: QMenu, action: QAction) -> float:
    """The strongest contrast of the action's text with the menu's background."""
    image = menu.grab().toImage()
    row = menu.actionGeometry(action).adjusted(4, 2, -4, -2)
    background = image.pixelColor(row.left() + 1, row.center().y())
    return max(
        contrast(image.pixelColor(x, y), background)
        for x in range(row.left(), row.right())
        for y in range(row.top(), row.bottom())
    )


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_a_disabled_menu_item_looks_disabled(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path, mode: str
) -> None:
    # "Copy" with nothing selected looked as active as "Select all" beside it.
    apply_theme(qapp, mode, 0, assets_dir=tmp_path)
    colors = current_colors()
    menu = QMenu()
    qtbot.addWidget(menu)
    copy = menu.addAction("Copy Copy Copy")
    copy.setEnabled(False)
    menu.addSeparator()
    select_all = menu.addAction("Select all")
    menu.popup(QPoint(10, 10))
    qtbot.waitExposed(menu)
    faint = contrast(QColor(colors.faint), QColor(colors.surface))
    assert _ink(menu, copy) <= faint + 0.2
    assert _ink(menu, select_all) >= contrast(QColor(colors.text), QColor(colors.surface)) - 1
    # Pointed at, it keeps its look: nothing suggests it would do something.
    menu.setActiveAction(copy)
    assert _ink(menu, copy) <= faint + 0.2
    menu.setActiveAction(select_all)
    assert _ink(menu, select_all) >= contrast(QColor(colors.text), QColor(colors.hover)) - 1


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_slider_handles_and_spin_box_arrows_grow_with_the_text(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path, mode: str
) -> None:
    # At 20 pt the Temperature handle and the spin boxes' arrows kept their 16 and 12 px.
    handles: dict[int, int] = {}
    arrows: dict[int, int] = {}
    for points in (10, 20):
        apply_theme(qapp, mode, points, assets_dir=tmp_path)
        slider = QSlider(Qt.Orientation.Horizontal)
        spin = QSpinBox()
        for widget in (slider, spin):
            qtbot.addWidget(widget)
            widget.resize(240, widget.sizeHint().height())
            widget.ensurePolished()
        option = QStyleOptionSlider()
        slider.initStyleOption(option)  # type: ignore[attr-defined]
        handles[points] = (
            slider.style()
            .subControlRect(
                QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, slider
            )
            .height()
        )
        spin_option = QStyleOptionSpinBox()
        spin.initStyleOption(spin_option)  # type: ignore[attr-defined]
        arrows[points] = (
            spin.style()
            .subControlRect(
                QStyle.ComplexControl.CC_SpinBox, spin_option, QStyle.SubControl.SC_SpinBoxUp, spin
            )
            .width()
        )
    assert handles[20] >= 1.8 * handles[10], handles
    assert arrows[20] >= 1.8 * arrows[10], arrows

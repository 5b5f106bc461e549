"""Icons: every SVG renders, sharp at 2x, in the palette's colour or a chosen one."""

from __future__ import annotations

import gc
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QIcon, QImage, QPixmap
from PySide6.QtWidgets import QApplication

from app.resources import resource_path, resources_dir
from app.ui.icons import ICON_NAMES, SMALL_DRAWINGS, UnknownIcon, grid_for, icon
from app.ui.theme import DARK, LIGHT, apply_theme

REQUIRED = {
    "app", "new-chat", "search", "settings", "send", "stop", "copy", "check", "regenerate",
    "edit", "pin", "unpin", "trash", "chevron-left", "chevron-right", "chevron-down",
    "arrow-down", "sliders", "sun", "moon", "key", "server", "link", "x", "more", "alert",
    "info",
}  # fmt: skip


def painted(image: QImage) -> list[QColor]:
    return [
        image.pixelColor(x, y)
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() > 200
    ]


def test_every_icon_file_is_listed_and_well_formed() -> None:
    files = {p.stem for p in (resources_dir() / "icons").glob("*.svg")}
    assert files == set(ICON_NAMES)
    assert files >= REQUIRED
    for name in ICON_NAMES:
        root = ET.fromstring(resource_path("icons", f"{name}.svg").read_text(encoding="utf-8"))
        assert root.get("viewBox") == "0 0 24 24", name
        if name != "app":
            assert root.get("stroke") == "currentColor", name
            assert root.get("stroke-linecap") == "round", name


@pytest.mark.parametrize("name", ICON_NAMES)
def test_icons_render_sharp_at_twice_the_pixel_ratio(qapp: QApplication, name: str) -> None:
    pixmap = icon(name).pixmap(QSize(24, 24), 2.0)
    assert not pixmap.isNull()
    assert pixmap.devicePixelRatio() == 2.0
    assert (pixmap.width(), pixmap.height()) == (48, 48)  # drawn at 48 px, not scaled up
    assert painted(pixmap.toImage())


def test_a_chosen_colour_replaces_current_color(qapp: QApplication) -> None:
    image = icon("stop", QColor("#ff0000")).pixmap(QSize(24, 24), 1.0).toImage()
    assert image.pixelColor(12, 12) == QColor("#ff0000")


def test_default_colour_follows_the_palette(qapp: QApplication, tmp_path: Path) -> None:
    apply_theme(qapp, "light", 0, assets_dir=tmp_path)
    light = icon("stop").pixmap(QSize(24, 24), 1.0).toImage().pixelColor(12, 12)
    apply_theme(qapp, "dark", 0, assets_dir=tmp_path)
    dark = icon("stop").pixmap(QSize(24, 24), 1.0).toImage().pixelColor(12, 12)
    assert light == QColor(LIGHT.text)
    assert dark == QColor(DARK.text)


def test_disabled_icons_are_dimmed(qapp: QApplication) -> None:
    red = icon("stop", QColor("#ff0000"))
    normal = red.pixmap(QSize(24, 24), 1.0, QIcon.Mode.Normal).toImage().pixelColor(12, 12)
    disabled = red.pixmap(QSize(24, 24), 1.0, QIcon.Mode.Disabled).toImage().pixelColor(12, 12)
    assert normal.alpha() == 255
    assert 0 < disabled.alpha() < 128


def test_icons_are_cached_per_name_and_colour(qapp: QApplication) -> None:
    assert icon("copy").cacheKey() == icon("copy").cacheKey()
    assert icon("copy", QColor("red")).cacheKey() == icon("copy", QColor("red")).cacheKey()
    assert icon("copy", QColor("red")).cacheKey() != icon("copy").cacheKey()


def test_unknown_names_fail_at_once(qapp: QApplication) -> None:
    with pytest.raises(UnknownIcon):
        icon("does-not-exist")


def test_app_icon_keeps_its_own_colours(qapp: QApplication) -> None:
    image = icon("app").pixmap(QSize(16, 16), 2.0).toImage()
    colours = painted(image)
    assert any(c.blue() > 150 and c.red() < 120 for c in colours)  # the sea-blue square
    assert any(c.red() > 200 and c.blue() < 120 for c in colours)  # the golden north-west


def test_resources_are_found_from_the_source_checkout() -> None:
    assert resources_dir() == Path(__file__).resolve().parents[4] / "resources"
    assert resource_path("presets.toml").is_file()


def test_a_modified_copy_of_an_icon_is_safe(qapp: QApplication) -> None:
    # Modifying a copy makes Qt clone the engine (QIcon::detach): the clone must outlive
    # the Python call that made it.
    for _ in range(50):
        copy = QIcon(icon("send", QColor("#336699")))
        extra = QPixmap(8, 8)
        extra.fill(QColor("#00ff00"))
        copy.addPixmap(extra)
        gc.collect()
        assert painted(copy.pixmap(QSize(24, 24), 2.0).toImage())
        del copy
        gc.collect()
    assert not icon("send", QColor("#336699")).isNull()


def test_the_app_mark_at_16_px_is_its_16_px_drawing_on_whole_pixels(qapp: QApplication) -> None:
    # The 24 px drawing shrunk to 16 px (the tray, title bars, the menu) was soft: no
    # edge of the rose fell on a pixel.
    for name, grid in SMALL_DRAWINGS.items():
        root = ET.fromstring(resource_path("icons", str(grid), f"{name}.svg").read_text("utf-8"))
        assert root.get("viewBox") == f"0 0 {grid} {grid}", name
    image = icon("app").pixmap(QSize(16, 16), 1.0).toImage()
    white = QColor("#FFFFFF")
    assert image.pixelColor(7, 4) == white  # the north arm: two whole pixels wide
    assert image.pixelColor(8, 5) == white
    assert image.pixelColor(4, 7) == white  # the west arm
    assert image.pixelColor(6, 4).red() < 128  # beside it, the sea: no white bled in
    # From 20 px up, the 24 px drawing (the 16 px one would be scaled up).
    assert grid_for("app", 16) == 16
    assert grid_for("app", 19) == 16
    assert grid_for("app", 20) == 24
    assert grid_for("app", 32) == 24
    assert grid_for("send", 16) == 24

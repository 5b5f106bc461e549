"""The Appearance page's choices."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from pytestqt.qtbot import QtBot

from app.settings import Settings
from app.ui.settings.appearance_page import AppearancePage


def _sizes(page: AppearancePage) -> list[int]:
    return [page.font_size.itemData(row) for row in range(page.font_size.count())]


def test_the_text_sizes_offer_8_pt_and_the_system_size_once(qtbot: QtBot) -> None:
    # "System (9 pt)" came with "9 pt" beside it, and no 8 pt (which settings.toml takes).
    system = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).pointSize()
    page = AppearancePage(Settings())
    qtbot.addWidget(page)
    sizes = _sizes(page)
    assert sizes[0] == 0
    assert page.font_size.itemText(0) == f"System ({system} pt)"
    assert 8 in sizes
    assert system not in sizes
    assert sizes[1:] == sorted(sizes[1:])
    assert page.values()["font_size"] == 0


def test_a_text_size_from_the_file_is_kept(qtbot: QtBot) -> None:
    # Outside the list, or the system's size set as a number: shown as it is, not
    # changed to another on saving.
    system = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).pointSize()
    for size in (7, 30, system):
        page = AppearancePage(Settings(font_size=size))
        qtbot.addWidget(page)
        assert page.font_size.currentData() == size
        assert page.font_size.currentText() == f"{size} pt"
        assert page.values()["font_size"] == size
        assert _sizes(page).count(size) == 1

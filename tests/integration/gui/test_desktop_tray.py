"""The tray as the whole app sees it: a desktop with one, and one without."""

from __future__ import annotations

from typing import Any

import pytest

from app.config import load_config
from tests.integration.gui.conftest import Gui, in_loop

# A tray icon made where Xvfb has no tray: Qt's X11 tray says it cannot follow one.
pytestmark = pytest.mark.qt_log_ignore("systemTrayWindowChanged")


@pytest.fixture
def with_tray(gui_options: dict[str, Any]) -> None:
    gui_options["tray_available"] = lambda: True


@pytest.fixture
def without_tray(gui_options: dict[str, Any]) -> None:
    gui_options["tray_available"] = lambda: False


@pytest.fixture
def close_to_tray_chosen(gui_environ: dict[str, str]) -> None:
    path = load_config(gui_environ).paths.settings_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("close_to_tray = true\n", encoding="utf-8")


@pytest.mark.usefixtures("without_tray", "close_to_tray_chosen")
@in_loop
async def test_without_a_tray_the_tray_options_say_so_and_closing_quits(gui: Gui) -> None:
    # On a plain window manager the box was offered, ticked, and did nothing: closing
    # the window ended the app (and the global shortcuts) with nothing said.
    assert gui.application.desktop.tray is None
    gui.application.open_settings("quick")
    dialog = gui.application._settings_dialog
    assert dialog is not None
    page = dialog.quick_page
    assert not page.close_to_tray.isEnabled()
    assert not page.close_to_tray.isChecked()
    assert page.close_to_tray_detail.text() == (
        "No system tray on this desktop: closing the window quits Maestrale."
    )
    assert not page.notify_when_hidden.isEnabled()
    texts = " ".join(label.text() for label in page.findChildren(type(page.title)))
    assert "tray icon" not in texts
    assert "tray menu" not in texts
    assert page.values()["close_to_tray"] is True  # the choice is kept for another desktop
    dialog.close()
    gui.window.close()
    assert gui.application.closed.is_set()


@pytest.mark.usefixtures("with_tray", "close_to_tray_chosen")
@in_loop
async def test_with_a_tray_the_tray_options_work(gui: Gui) -> None:
    assert gui.application.desktop.tray is not None
    gui.application.open_settings("quick")
    dialog = gui.application._settings_dialog
    assert dialog is not None
    page = dialog.quick_page
    assert page.close_to_tray.isEnabled()
    assert page.close_to_tray.isChecked()
    assert "Quit from the tray menu" in page.close_to_tray_detail.text()
    assert page.notify_when_hidden.isEnabled()
    dialog.close()
    gui.window.close()
    assert not gui.window.isVisible()
    assert not gui.application.closed.is_set()  # still running, shortcuts alive

"""The window's saved place is put back within the screen, whatever the scale was."""

from __future__ import annotations

import base64
import json
import struct

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from app.state import UiState
from app.ui.main_window import MainWindow
from app.ui.window_place import WindowPlace, place_window
from tests.integration.gui.conftest import Gui, in_loop

SCREEN_WIDTH_AT = 46  # in Qt's saved geometry: magic, version, two rects, screen, flags


def saved_at_another_scale(gui: Gui, *, maximized: bool) -> UiState:
    """A state file as a run at a smaller scale left it: the window then larger than
    this screen, the screen (in its own pixels) wider by half (Qt's restoreGeometry
    refuses such a record and leaves the window as it is)."""
    window = gui.window
    room = QGuiApplication.primaryScreen().availableGeometry()
    window.resize(round(room.width() * 1.4), round(room.height() * 1.3))
    geometry = bytearray(window.saveGeometry().data())
    (width,) = struct.unpack_from(">i", geometry, SCREEN_WIDTH_AT)
    struct.pack_into(">i", geometry, SCREEN_WIDTH_AT, round(width * 1.5))
    state_file = gui.application.config.paths.config_dir / "state.json"
    state_file.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "geometry": base64.b64encode(bytes(geometry)).decode("ascii"),
        "sidebar_width": 270,
        "sidebar_visible": True,
        "maximized": maximized,
    }
    state_file.write_text(json.dumps({"window": record}))
    return UiState(state_file)


@in_loop
async def test_a_window_saved_at_another_scale_comes_back_within_the_screen(gui: Gui) -> None:
    # Used at scale 1, restarted at 1.5: 1770 x 1170 on a 1400 x 900 screen, the
    # message field out of sight.
    state = saved_at_another_scale(gui, maximized=False)
    window = gui.window
    WindowPlace(window, state).restore()
    room = QGuiApplication.primaryScreen().availableGeometry()
    assert room.contains(window.geometry()), (window.geometry(), room)


@in_loop
async def test_a_window_saved_maximized_stays_maximized(gui: Gui) -> None:
    state = saved_at_another_scale(gui, maximized=True)
    window = gui.window
    WindowPlace(window, state).restore()
    assert window.windowState() & Qt.WindowState.WindowMaximized
    # Its size once no longer maximized is within the screen too.
    room = QGuiApplication.primaryScreen().availableGeometry()
    assert window.normalGeometry().width() <= room.width()


@in_loop
async def test_a_window_left_off_every_screen_comes_back_onto_one(gui: Gui) -> None:
    window = gui.window
    window.resize(300, 200)
    window.move(5000, 5000)
    WindowPlace(window, UiState(gui.application.config.paths.config_dir / "none.json")).restore()
    room = QGuiApplication.primaryScreen().availableGeometry()
    assert room.contains(window.geometry()), (window.geometry(), room)


@in_loop
async def test_a_window_left_maximized_comes_back_maximized_from_its_geometry(gui: Gui) -> None:
    # Qt's saved geometry holds the maximised state: restored, it maximises the window
    # itself, before it shows (place_window then leaves the window state alone).
    window = gui.window
    window.showMaximized()
    await gui.until(window.isMaximized)
    state_file = gui.application.config.paths.config_dir / "state.json"
    state_file.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "geometry": base64.b64encode(bytes(window.saveGeometry().data())).decode("ascii"),
        "sidebar_visible": True,
        "maximized": True,
    }
    state_file.write_text(json.dumps({"window": record}))
    again = MainWindow()  # its start frame, as run_window makes it
    try:
        assert place_window(again, UiState(state_file))
        assert again.isMaximized()
    finally:
        again.deleteLater()

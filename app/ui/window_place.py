"""Where the main window was left: size, place, maximised or not, and the sidebar.

Kept in ``state.json`` (see ``app.state``) so the next start opens the window as the
user left it. Saved a moment after each change, not only on quit: after a crash or a
kill the window still comes back where it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QObject, QPoint, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from app.state import UiState
from app.ui.qt_import import qt_namespace

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

STATE_KEY = "window"
SAVE_DELAY_MS = 1000  # a drag or a resize sends many events: one write once it ends
MIN_SIDEBAR_WIDTH = 120


class WindowPlace(QObject):
    """Restores the window's place from ``state`` and keeps it saved there."""

    def __init__(self, window: MainWindow, state: UiState) -> None:
        super().__init__(window)
        self._window = window
        self._state = state
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save)
        window.place_changed.connect(self._timer.start)
        window.splitter.splitterMoved.connect(lambda _pos, _index: self._timer.start())
        window.closing.connect(self.save)

    def restore(self, *, placed: bool = False) -> bool:
        """Put the window back as saved, before it shows; ``False`` when nothing was
        saved or the record is unusable (the window keeps its default place).
        ``placed``: ``place_window`` has put it in its place already (its start frame
        showed there): only the sidebar is left to restore."""
        window = self._window
        restored = placed or place_window(window, self._state)
        saved: Any = self._state.get(STATE_KEY)
        if isinstance(saved, dict):
            if _saved_int(saved, "sidebar_width") is not None:
                window.fit_sidebar_width()  # to the width place_window gave it back
            if saved.get("sidebar_visible") is False and not window.sidebar.isHidden():
                window.toggle_sidebar()  # as the user did: its button shows
        if placed:
            # Shown already (its start frame was): no resize is to come that would fit
            # the sidebar to the window, hidden if it is narrow.
            window.fit_sidebar()
        return restored

    def save(self) -> None:
        self._timer.stop()
        window = self._window
        geometry = bytes(window.saveGeometry().toBase64().data()).decode("ascii")
        self._state.set(
            STATE_KEY,
            {
                "geometry": geometry,
                "sidebar_width": window.sidebar_width,
                "sidebar_visible": window.sidebar_wanted,
                "maximized": window.isMaximized(),
                "header_height": window.header_height,
            },
        )


def place_window(window: MainWindow, state: UiState) -> bool:
    """Put the (not yet shown) window back where it was left: its place and size,
    maximised or not, and the sidebar's width (the start frame's too); ``False`` when
    nothing usable was saved (it keeps its default place)."""
    saved: Any = state.get(STATE_KEY)
    if not isinstance(saved, dict):
        fit_to_screen(window)
        window.place_frame(sidebar_shown=True)
        return False
    geometry = saved.get("geometry")
    restored = isinstance(geometry, str) and window.restoreGeometry(
        QByteArray.fromBase64(geometry.encode("ascii", "replace"))
    )
    fit_to_screen(window)  # first: the size it gets back when no longer maximised
    if saved.get("maximized") is True and not window.isMaximized():
        # Qt refuses a geometry saved at another scale, its maximised state with it.
        # (Restored, the geometry maximises the window itself: the Qt namespace this
        # takes is not worth the frame's paint, see app.ui.qt_import.)
        window.setWindowState(window.windowState() | qt_namespace().WindowState.WindowMaximized)
    width = _saved_int(saved, "sidebar_width")
    if width is not None:
        window.sidebar_width = max(MIN_SIDEBAR_WIDTH, width)
    window.place_frame(
        sidebar_shown=saved.get("sidebar_visible") is not False,
        header_height=_saved_int(saved, "header_height"),
    )
    return bool(restored)


def _saved_int(saved: dict[str, Any], key: str) -> int | None:
    """A whole number kept under ``key`` (None when missing or not one: a hand-edited
    or damaged file)."""
    value = saved.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def fit_to_screen(window: QWidget) -> None:
    """Keep the (not yet shown) window within the free part of the screen it lands
    on, or the primary one when on none. Used at scale 1 and restarted at 1.5, it was
    1770 x 1170 on a 1400 x 900 screen, the message field out of sight."""
    if window.isMaximized() or window.isFullScreen():
        return
    frame = window.frameGeometry()  # as geometry() until it shows
    borders = frame.size() - window.size()
    screen = QGuiApplication.screenAt(frame.center()) or QGuiApplication.primaryScreen()
    room = screen.availableGeometry()
    size = window.size().boundedTo(room.size() - borders)
    outer = size + borders
    x = max(room.left(), min(frame.x(), room.right() + 1 - outer.width()))
    y = max(room.top(), min(frame.y(), room.bottom() + 1 - outer.height()))
    if size != window.size():
        window.resize(size)
    if QPoint(x, y) != frame.topLeft():
        window.move(x, y)  # the frame's place

"""Picks the global-shortcut backend for the running session, or says why there is none."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication

from app.quick.hotkeys.backend import HotkeyBackend, Unavailable

log = logging.getLogger(__name__)


def create_backend(
    parent: QObject | None = None,
    *,
    platform: str | None = None,
    app_id: str | None = None,
) -> HotkeyBackend | Unavailable:
    """The backend for this session: X11, the Wayland portal, Windows or macOS.

    Call it on the GUI thread once the QGuiApplication exists. It returns at once except
    on Wayland, where it asks the portal whether it offers GlobalShortcuts (a few
    milliseconds; two seconds at most if D-Bus must start the portal first).

    Args:
        parent: the backend's QObject parent.
        platform: the Qt platform name; defaults to ``QGuiApplication.platformName()``.
        app_id: the desktop file id, told to the Wayland portal (see ``PortalBackend``).
    """
    name = QGuiApplication.platformName() if platform is None else platform
    if name == "xcb":
        return _x11(parent)
    if name.startswith("wayland"):
        return _portal(parent, app_id)
    if name == "windows":
        from app.quick.hotkeys.windows import WindowsBackend

        return _native(lambda: WindowsBackend(parent), "RegisterHotKey")
    if name == "cocoa":
        from app.quick.hotkeys.macos import MacBackend

        return _native(lambda: MacBackend(parent), "Carbon hot keys")
    if name in {"offscreen", "minimal", "vnc"}:
        return Unavailable(
            f"The “{name}” display has no keyboard of its own, so there are no global shortcuts."
        )
    if not name:
        return Unavailable("Global shortcuts need a running application (none was made yet).")
    return Unavailable(f"Global shortcuts are not supported on the “{name}” display.")


def _native(make: Callable[[], HotkeyBackend], api: str) -> HotkeyBackend | Unavailable:
    try:
        return make()
    except OSError as exc:
        return Unavailable(f"Global shortcuts need {api}, which failed to load: {exc}")


def _x11(parent: QObject | None) -> HotkeyBackend | Unavailable:
    try:
        from app.quick.hotkeys.x11 import X11Backend
    except ImportError as exc:
        return Unavailable(f"Global shortcuts on X11 need the python-xlib package ({exc}).")
    from Xlib.error import DisplayError

    try:
        return X11Backend(parent)
    except (DisplayError, OSError) as exc:
        display = os.environ.get("DISPLAY", "")
        return Unavailable(f"Cannot open the X display “{display}” for global shortcuts: {exc}")


def _portal(parent: QObject | None, app_id: str | None) -> HotkeyBackend | Unavailable:
    try:
        from app.quick.hotkeys.portal import PortalBackend, probe_portal
    except ImportError as exc:
        return Unavailable(f"Global shortcuts on Wayland need the jeepney package ({exc}).")

    probe = probe_portal()
    if isinstance(probe, Unavailable):
        log.info("Global shortcuts unavailable: %s", probe.reason)
        return probe
    return PortalBackend(parent, app_id=app_id)

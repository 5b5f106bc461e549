"""Global keyboard shortcuts on X11, Wayland (portal), Windows and macOS.

Exceptions: ``HotkeyError`` (a ``ValueError``) for shortcut text that cannot be a global
shortcut; everything else that goes wrong at run time arrives as ``failed(id, message)``.
"""

from app.quick.hotkeys.backend import HotkeyBackend, Unavailable, desktop_command
from app.quick.hotkeys.factory import create_backend
from app.quick.hotkeys.sequence import HotkeyError, KeySequence, Modifier, parse_sequence

__all__ = [
    "HotkeyBackend",
    "HotkeyError",
    "KeySequence",
    "Modifier",
    "Unavailable",
    "create_backend",
    "desktop_command",
    "parse_sequence",
]

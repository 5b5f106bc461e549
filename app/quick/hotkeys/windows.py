"""Global shortcuts on Windows: RegisterHotKey, with WM_HOTKEY read by a native event filter.

Hot keys registered without a window are posted to the registering thread's queue; Qt's
event dispatcher hands every message of the GUI thread to native event filters, so the
registration and the filter both live on the GUI thread. Importing this module is safe
on any system: user32 is loaded when a backend is made.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QAbstractNativeEventFilter, QByteArray, QCoreApplication, QObject

from app.quick.hotkeys.backend import SETTINGS_HINT, HotkeyBackend, taken_message
from app.quick.hotkeys.native_ids import NativeIds
from app.quick.hotkeys.sequence import HotkeyError, KeySequence, Modifier

MOD_ALT = 0x0001
MOD_CONTROL = 0x0002
MOD_SHIFT = 0x0004
MOD_WIN = 0x0008
MOD_NOREPEAT = 0x4000
WM_HOTKEY = 0x0312
ERROR_HOTKEY_ALREADY_REGISTERED = 1409
_MAX_HOTKEY_ID = 0xBFFF  # ids an application may use

_MODIFIERS = {
    Modifier.CTRL: MOD_CONTROL,
    Modifier.ALT: MOD_ALT,
    Modifier.SHIFT: MOD_SHIFT,
    Modifier.META: MOD_WIN,
}
MAX_FUNCTION_KEY = 24
_VIRTUAL_KEYS = {
    "Space": 0x20,
    "Return": 0x0D,
    "Enter": 0x0D,
    "Tab": 0x09,
    "Esc": 0x1B,
    "Backspace": 0x08,
    "Ins": 0x2D,
    "Del": 0x2E,
    "Home": 0x24,
    "End": 0x23,
    "PgUp": 0x21,
    "PgDown": 0x22,
    "Left": 0x25,
    "Up": 0x26,
    "Right": 0x27,
    "Down": 0x28,
    "Print": 0x2C,
    "Pause": 0x13,
    # The OEM keys, as on a US keyboard.
    ";": 0xBA,
    "=": 0xBB,
    ",": 0xBC,
    "-": 0xBD,
    ".": 0xBE,
    "/": 0xBF,
    "`": 0xC0,
    "[": 0xDB,
    "\\": 0xDC,
    "]": 0xDD,
    "'": 0xDE,
}


def windows_key(sequence: KeySequence) -> tuple[int, int]:
    """RegisterHotKey's modifiers (without MOD_NOREPEAT) and virtual-key code.

    Raises:
        HotkeyError: Windows has no such key (F25 and above).
    """
    modifiers = 0
    for modifier in sequence.modifiers:
        modifiers |= _MODIFIERS[modifier]
    number = sequence.function_key
    if number is not None:
        if number > MAX_FUNCTION_KEY:
            raise HotkeyError(f"Windows keyboards stop at F{MAX_FUNCTION_KEY}; {SETTINGS_HINT}")
        return modifiers, 0x70 + number - 1  # VK_F1 = 0x70
    if sequence.key in _VIRTUAL_KEYS:
        return modifiers, _VIRTUAL_KEYS[sequence.key]
    return modifiers, ord(sequence.key)  # letters (upper case) and digits are their own code


class _Point(ctypes.Structure):
    _fields_ = (("x", ctypes.c_int32), ("y", ctypes.c_int32))


class MSG(ctypes.Structure):
    """The Win32 MSG structure, as Qt passes it to native event filters."""

    _fields_ = (
        ("hwnd", ctypes.c_void_p),
        ("message", ctypes.c_uint32),
        ("wParam", ctypes.c_size_t),
        ("lParam", ctypes.c_ssize_t),
        ("time", ctypes.c_uint32),
        ("pt", _Point),
        ("lPrivate", ctypes.c_uint32),
    )


class _HotkeyFilter(QAbstractNativeEventFilter):
    def __init__(self, backend: WindowsBackend) -> None:
        super().__init__()
        self._backend = backend

    def nativeEventFilter(  # noqa: N802 - Qt's name
        self, event_type: QByteArray | bytes | bytearray | memoryview, message: int
    ) -> object:
        name = event_type.data() if isinstance(event_type, QByteArray) else bytes(event_type)
        if name == b"windows_generic_MSG":
            msg = MSG.from_address(int(message))
            if msg.message == WM_HOTKEY and self._backend.on_hotkey(int(msg.wParam)):
                return True, 0
        return False, 0


def _load_user32() -> Any:
    if sys.platform == "win32":
        user32 = ctypes.WinDLL("user32", use_last_error=True)
        user32.RegisterHotKey.argtypes = (
            ctypes.c_void_p,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
        )
        user32.RegisterHotKey.restype = ctypes.c_int
        user32.UnregisterHotKey.argtypes = (ctypes.c_void_p, ctypes.c_int)
        user32.UnregisterHotKey.restype = ctypes.c_int
        return user32
    raise OSError("RegisterHotKey exists only on Windows")


class WindowsBackend(HotkeyBackend):
    """Global shortcuts through RegisterHotKey; must be made on the GUI thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._user32 = _load_user32()
        self._native_ids: NativeIds[None] = NativeIds(limit=_MAX_HOTKEY_ID)
        self._filter = _HotkeyFilter(self)
        application = QCoreApplication.instance()
        if application is None:
            raise RuntimeError("make the QApplication before the Windows shortcut backend")
        application.installNativeEventFilter(self._filter)

    @property
    def name(self) -> str:
        return "Windows"

    def _check(self, sequence: KeySequence) -> None:
        windows_key(sequence)

    def _add(self, hotkey_id: str, serial: int, sequence: KeySequence, description: str) -> None:
        modifiers, virtual_key = windows_key(sequence)
        native_id = self._native_ids.allocate()
        if self._user32.RegisterHotKey(None, native_id, modifiers | MOD_NOREPEAT, virtual_key):
            self._native_ids.add(native_id, hotkey_id, serial, None)
            return
        error = ctypes.get_last_error()  # type: ignore[attr-defined,unused-ignore]
        if error == ERROR_HOTKEY_ALREADY_REGISTERED:
            message = taken_message(sequence)
        else:
            message = f"Windows refused {sequence} (error {error}); {SETTINGS_HINT}"
        self._refused.emit(hotkey_id, serial, message)

    def _remove(self, hotkey_id: str, serial: int) -> None:
        taken = self._native_ids.take(hotkey_id, serial)
        if taken is not None:
            self._user32.UnregisterHotKey(None, taken[0])

    def _shutdown(self) -> None:
        for native_id, _ in self._native_ids.take_all():
            self._user32.UnregisterHotKey(None, native_id)
        application = QCoreApplication.instance()
        if application is not None:
            application.removeNativeEventFilter(self._filter)

    def on_hotkey(self, native_id: int) -> bool:
        """WM_HOTKEY arrived for ``native_id``; whether it is one of ours."""
        owner = self._native_ids.owner(native_id)
        if owner is None:
            return False
        self._pressed.emit(owner.hotkey_id, owner.serial)
        return True

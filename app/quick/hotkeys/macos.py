"""Global shortcuts on macOS: Carbon's RegisterEventHotKey, with an application event handler.

Carbon delivers kEventHotKeyPressed on the main thread's run loop, which Qt's Cocoa event
dispatcher runs, so no thread of our own is needed. Importing this module is safe on any
system: the Carbon framework is loaded when a backend is made. As in Qt, "Ctrl" is the
Command key and "Meta" the Control key.
"""

from __future__ import annotations

import ctypes
from typing import Any

from PySide6.QtCore import QObject

from app.quick.hotkeys.backend import SETTINGS_HINT, HotkeyBackend, taken_message
from app.quick.hotkeys.native_ids import NativeIds
from app.quick.hotkeys.sequence import HotkeyError, KeySequence, Modifier

CARBON_PATH = "/System/Library/Frameworks/Carbon.framework/Carbon"
CMD_KEY = 0x0100
SHIFT_KEY = 0x0200
OPTION_KEY = 0x0800
CONTROL_KEY = 0x1000
EVENT_HOT_KEY_EXISTS_ERR = -9878
NO_ERR = 0


def four_char_code(text: str) -> int:
    """Carbon's OSType: four ASCII characters read as a big-endian number."""
    return int.from_bytes(text.encode("ascii"), "big")


K_EVENT_CLASS_KEYBOARD = four_char_code("keyb")
K_EVENT_HOT_KEY_PRESSED = 5
K_EVENT_PARAM_DIRECT_OBJECT = four_char_code("----")
TYPE_EVENT_HOT_KEY_ID = four_char_code("hkid")
_SIGNATURE = four_char_code("MSTR")  # marks our hot keys among the process's

_MODIFIERS = {
    Modifier.CTRL: CMD_KEY,
    Modifier.ALT: OPTION_KEY,
    Modifier.SHIFT: SHIFT_KEY,
    Modifier.META: CONTROL_KEY,
}
MAX_FUNCTION_KEY = 20
# kVK_* virtual key codes (Events.h): positions on an ANSI keyboard.
_KEY_CODES = {
    "A": 0x00, "S": 0x01, "D": 0x02, "F": 0x03, "H": 0x04, "G": 0x05, "Z": 0x06,
    "X": 0x07, "C": 0x08, "V": 0x09, "B": 0x0B, "Q": 0x0C, "W": 0x0D, "E": 0x0E,
    "R": 0x0F, "Y": 0x10, "T": 0x11, "1": 0x12, "2": 0x13, "3": 0x14, "4": 0x15,
    "6": 0x16, "5": 0x17, "=": 0x18, "9": 0x19, "7": 0x1A, "-": 0x1B, "8": 0x1C,
    "0": 0x1D, "]": 0x1E, "O": 0x1F, "U": 0x20, "[": 0x21, "I": 0x22, "P": 0x23,
    "Return": 0x24, "L": 0x25, "J": 0x26, "'": 0x27, "K": 0x28, ";": 0x29,
    "\\": 0x2A, ",": 0x2B, "/": 0x2C, "N": 0x2D, "M": 0x2E, ".": 0x2F, "Tab": 0x30,
    "Space": 0x31, "`": 0x32, "Backspace": 0x33, "Esc": 0x35, "Enter": 0x4C,
    "Ins": 0x72,  # kVK_Help: where a PC keyboard's Insert key lands
    "Home": 0x73, "PgUp": 0x74, "Del": 0x75, "End": 0x77, "PgDown": 0x79,
    "Left": 0x7B, "Right": 0x7C, "Down": 0x7D, "Up": 0x7E,
}  # fmt: skip
_FUNCTION_KEY_CODES = (
    0x7A, 0x78, 0x63, 0x76, 0x60, 0x61, 0x62, 0x64, 0x65, 0x6D,  # F1..F10
    0x67, 0x6F, 0x69, 0x6B, 0x71, 0x6A, 0x40, 0x4F, 0x50, 0x5A,  # F11..F20
)  # fmt: skip


def carbon_key(sequence: KeySequence) -> tuple[int, int]:
    """RegisterEventHotKey's modifiers and virtual key code.

    Raises:
        HotkeyError: a Mac keyboard has no such key (Print, Pause, F21 and above).
    """
    modifiers = 0
    for modifier in sequence.modifiers:
        modifiers |= _MODIFIERS[modifier]
    number = sequence.function_key
    if number is not None:
        if number > MAX_FUNCTION_KEY:
            raise HotkeyError(f"Mac keyboards stop at F{MAX_FUNCTION_KEY}; {SETTINGS_HINT}")
        return modifiers, _FUNCTION_KEY_CODES[number - 1]
    code = _KEY_CODES.get(sequence.key)
    if code is None:
        raise HotkeyError(f"A Mac keyboard has no {sequence.key} key; {SETTINGS_HINT}")
    return modifiers, code


class EventTypeSpec(ctypes.Structure):
    _fields_ = (("eventClass", ctypes.c_uint32), ("eventKind", ctypes.c_uint32))


class EventHotKeyID(ctypes.Structure):
    _fields_ = (("signature", ctypes.c_uint32), ("id", ctypes.c_uint32))


# OSStatus (*EventHandlerProcPtr)(EventHandlerCallRef, EventRef, void *userData)
EventHandlerProc = ctypes.CFUNCTYPE(
    ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p
)


def _load_carbon() -> Any:
    carbon = ctypes.CDLL(CARBON_PATH)
    carbon.GetApplicationEventTarget.argtypes = ()
    carbon.GetApplicationEventTarget.restype = ctypes.c_void_p
    carbon.InstallEventHandler.argtypes = (
        ctypes.c_void_p,  # EventTargetRef
        EventHandlerProc,
        ctypes.c_ulong,  # ItemCount
        ctypes.POINTER(EventTypeSpec),
        ctypes.c_void_p,  # userData
        ctypes.POINTER(ctypes.c_void_p),  # EventHandlerRef *
    )
    carbon.InstallEventHandler.restype = ctypes.c_int32
    carbon.RemoveEventHandler.argtypes = (ctypes.c_void_p,)
    carbon.RemoveEventHandler.restype = ctypes.c_int32
    carbon.RegisterEventHotKey.argtypes = (
        ctypes.c_uint32,  # key code
        ctypes.c_uint32,  # modifiers
        EventHotKeyID,  # passed by value
        ctypes.c_void_p,  # EventTargetRef
        ctypes.c_uint32,  # OptionBits
        ctypes.POINTER(ctypes.c_void_p),  # EventHotKeyRef *
    )
    carbon.RegisterEventHotKey.restype = ctypes.c_int32
    carbon.UnregisterEventHotKey.argtypes = (ctypes.c_void_p,)
    carbon.UnregisterEventHotKey.restype = ctypes.c_int32
    carbon.GetEventParameter.argtypes = (
        ctypes.c_void_p,  # EventRef
        ctypes.c_uint32,  # EventParamName
        ctypes.c_uint32,  # EventParamType
        ctypes.c_void_p,  # EventParamType *outActualType (may be NULL)
        ctypes.c_ulong,  # ByteCount
        ctypes.c_void_p,  # ByteCount *outActualSize (may be NULL)
        ctypes.c_void_p,  # void *outData
    )
    carbon.GetEventParameter.restype = ctypes.c_int32
    return carbon


class MacBackend(HotkeyBackend):
    """Global shortcuts through Carbon hot keys; must be made on the main (GUI) thread.

    Raises OSError from the constructor when Carbon cannot be loaded (not macOS).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._carbon = _load_carbon()
        self._target = self._carbon.GetApplicationEventTarget()
        self._hot_keys: NativeIds[ctypes.c_void_p] = NativeIds()
        # Kept on self: Carbon holds only a raw pointer to the callback.
        self._callback = EventHandlerProc(self._on_carbon_event)
        spec = EventTypeSpec(K_EVENT_CLASS_KEYBOARD, K_EVENT_HOT_KEY_PRESSED)
        self._handler = ctypes.c_void_p()
        status = self._carbon.InstallEventHandler(
            self._target, self._callback, 1, ctypes.byref(spec), None, ctypes.byref(self._handler)
        )
        if status != NO_ERR:
            raise OSError(f"InstallEventHandler failed with status {status}")

    @property
    def name(self) -> str:
        return "macOS"

    def _check(self, sequence: KeySequence) -> None:
        carbon_key(sequence)

    def _add(self, hotkey_id: str, serial: int, sequence: KeySequence, description: str) -> None:
        modifiers, key_code = carbon_key(sequence)
        native_id = self._hot_keys.allocate()
        ref = ctypes.c_void_p()
        status = self._carbon.RegisterEventHotKey(
            key_code,
            modifiers,
            EventHotKeyID(_SIGNATURE, native_id),
            self._target,
            0,
            ctypes.byref(ref),
        )
        if status == NO_ERR:
            self._hot_keys.add(native_id, hotkey_id, serial, ref)
            return
        if status == EVENT_HOT_KEY_EXISTS_ERR:
            message = taken_message(sequence)
        else:
            message = f"macOS refused {sequence} (status {status}); {SETTINGS_HINT}"
        self._refused.emit(hotkey_id, serial, message)

    def _remove(self, hotkey_id: str, serial: int) -> None:
        taken = self._hot_keys.take(hotkey_id, serial)
        if taken is not None:
            self._carbon.UnregisterEventHotKey(taken[1])

    def _shutdown(self) -> None:
        for _, ref in self._hot_keys.take_all():
            self._carbon.UnregisterEventHotKey(ref)
        if self._handler:
            self._carbon.RemoveEventHandler(self._handler)
            self._handler = ctypes.c_void_p()

    def _on_carbon_event(self, _call_ref: int | None, event: int | None, _data: int | None) -> int:
        hot_key = EventHotKeyID()
        status = self._carbon.GetEventParameter(
            event,
            K_EVENT_PARAM_DIRECT_OBJECT,
            TYPE_EVENT_HOT_KEY_ID,
            None,
            ctypes.sizeof(hot_key),
            None,
            ctypes.byref(hot_key),
        )
        owner = self._hot_keys.owner(hot_key.id) if status == NO_ERR else None
        if owner is None or hot_key.signature != _SIGNATURE:
            return -9874  # eventNotHandledErr: let other handlers see it
        self._pressed.emit(owner.hotkey_id, owner.serial)
        return NO_ERR

"""The Windows and macOS backends' logic, run on any system against a fake user32 / Carbon."""

from __future__ import annotations

import ctypes
import struct
from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.quick.hotkeys import macos, windows


class FakeUser32:
    def __init__(self) -> None:
        self.registered: dict[int, tuple[int, int]] = {}
        self.taken: set[tuple[int, int]] = set()
        self.last_error = 0

    def RegisterHotKey(self, hwnd: None, native_id: int, modifiers: int, vk: int) -> int:  # noqa: N802
        assert hwnd is None  # thread messages: Qt's dispatcher shows them to native filters
        if (modifiers & ~windows.MOD_NOREPEAT, vk) in self.taken:
            self.last_error = windows.ERROR_HOTKEY_ALREADY_REGISTERED
            return 0
        self.registered[native_id] = (modifiers, vk)
        return 1

    def UnregisterHotKey(self, hwnd: None, native_id: int) -> int:  # noqa: N802
        del self.registered[native_id]
        return 1


@pytest.fixture
def user32(monkeypatch: pytest.MonkeyPatch) -> FakeUser32:
    fake = FakeUser32()
    monkeypatch.setattr(windows, "_load_user32", lambda: fake)
    monkeypatch.setattr(ctypes, "get_last_error", lambda: fake.last_error, raising=False)
    return fake


@pytest.fixture
def windows_backend(user32: FakeUser32, qtbot: QtBot) -> Iterator[windows.WindowsBackend]:
    backend = windows.WindowsBackend()
    yield backend
    backend.close()


def post_wm_hotkey(backend: windows.WindowsBackend, native_id: int) -> object:
    message = windows.MSG(message=windows.WM_HOTKEY, wParam=native_id)
    return backend._filter.nativeEventFilter(b"windows_generic_MSG", ctypes.addressof(message))


def test_msg_has_the_win64_layout() -> None:
    if struct.calcsize("P") == 8:
        assert ctypes.sizeof(windows.MSG) == 48
        assert windows.MSG.wParam.offset == 16


def test_windows_registers_without_repeat_and_reports_wm_hotkey(
    windows_backend: windows.WindowsBackend, user32: FakeUser32, qtbot: QtBot
) -> None:
    windows_backend.register("quick", "Ctrl+Alt+Space")
    [(native_id, combination)] = user32.registered.items()
    assert combination == (windows.MOD_CONTROL | windows.MOD_ALT | windows.MOD_NOREPEAT, 0x20)
    with qtbot.waitSignal(windows_backend.activated, timeout=2000) as blocker:
        assert post_wm_hotkey(windows_backend, native_id) == (True, 0)
    assert blocker.args == ["quick"]
    assert post_wm_hotkey(windows_backend, native_id + 100) == (False, 0)  # not ours


def test_windows_reports_a_combination_taken_by_another_program(
    windows_backend: windows.WindowsBackend, user32: FakeUser32, qtbot: QtBot
) -> None:
    user32.taken.add((windows.MOD_CONTROL | windows.MOD_ALT, 0x20))
    with qtbot.waitSignal(windows_backend.failed, timeout=2000) as blocker:
        windows_backend.register("quick", "Ctrl+Alt+Space")
    assert blocker.args == [
        "quick",
        "Ctrl+Alt+Space is already used by another program; "
        "choose another shortcut in Settings → Quick prompts.",
    ]
    assert windows_backend.registered() == {}


def test_windows_unregister_and_close_release_the_hot_keys(
    windows_backend: windows.WindowsBackend, user32: FakeUser32
) -> None:
    windows_backend.register("a", "Ctrl+Alt+A")
    windows_backend.register("b", "Ctrl+Alt+B")
    windows_backend.unregister("a")
    assert list(user32.registered.values()) == [
        (windows.MOD_CONTROL | windows.MOD_ALT | windows.MOD_NOREPEAT, ord("B"))
    ]
    windows_backend.close()
    assert user32.registered == {}


class FakeCarbon:
    TARGET = 0xA11

    def __init__(self) -> None:
        self.handler: Any = None
        self.spec: tuple[int, int] | None = None
        self.hot_keys: dict[int, tuple[int, int, int, int]] = {}
        self.taken: set[tuple[int, int]] = set()
        self.removed_handler = False
        self.events: dict[int, tuple[int, int]] = {}
        self._refs = iter(range(0x1000, 0x2000))

    def GetApplicationEventTarget(self) -> int:  # noqa: N802
        return self.TARGET

    def InstallEventHandler(  # noqa: N802, PLR0917 - the C function's name and arguments
        self, target: int, handler: Any, count: int, specs: Any, data: None, out: Any
    ) -> int:
        assert (target, count, data) == (self.TARGET, 1, None)
        spec = specs._obj
        self.spec = (spec.eventClass, spec.eventKind)
        self.handler = handler
        out._obj.value = 0xBEEF
        return 0

    def RemoveEventHandler(self, handler: ctypes.c_void_p) -> int:  # noqa: N802
        assert handler.value == 0xBEEF
        self.removed_handler = True
        return 0

    def RegisterEventHotKey(  # noqa: N802, PLR0917 - the C function's name and arguments
        self, code: int, modifiers: int, hot_key_id: Any, target: int, options: int, out: Any
    ) -> int:
        if (modifiers, code) in self.taken:
            return macos.EVENT_HOT_KEY_EXISTS_ERR
        ref = next(self._refs)
        out._obj.value = ref
        self.hot_keys[ref] = (code, modifiers, hot_key_id.signature, hot_key_id.id)
        return 0

    def UnregisterEventHotKey(self, ref: ctypes.c_void_p) -> int:  # noqa: N802
        del self.hot_keys[ref.value]  # type: ignore[arg-type]
        return 0

    def GetEventParameter(  # noqa: N802
        self, event: int, name: int, kind: int, _t: None, size: int, _s: None, out: Any
    ) -> int:
        assert (name, kind) == (macos.K_EVENT_PARAM_DIRECT_OBJECT, macos.TYPE_EVENT_HOT_KEY_ID)
        assert size == ctypes.sizeof(macos.EventHotKeyID)
        signature, native_id = self.events[event]
        out._obj.signature = signature
        out._obj.id = native_id
        return 0

    def press(self, ref: int, *, signature: int | None = None) -> int:
        """Carbon calling the handler for the hot key ``ref``; the handler's status."""
        _, _, own_signature, native_id = self.hot_keys[ref]
        event = 0x5000 + native_id
        self.events[event] = (own_signature if signature is None else signature, native_id)
        return int(self.handler(None, event, None))


@pytest.fixture
def carbon(monkeypatch: pytest.MonkeyPatch) -> FakeCarbon:
    fake = FakeCarbon()
    monkeypatch.setattr(macos, "_load_carbon", lambda: fake)
    return fake


@pytest.fixture
def mac_backend(carbon: FakeCarbon, qtbot: QtBot) -> Iterator[macos.MacBackend]:
    backend = macos.MacBackend()
    yield backend
    backend.close()


def test_macos_installs_a_hot_key_handler_and_reports_presses(
    mac_backend: macos.MacBackend, carbon: FakeCarbon, qtbot: QtBot
) -> None:
    assert carbon.spec == (macos.K_EVENT_CLASS_KEYBOARD, macos.K_EVENT_HOT_KEY_PRESSED)
    mac_backend.register("quick", "Ctrl+Alt+Space")
    [(ref, (code, modifiers, signature, _id))] = carbon.hot_keys.items()
    assert (code, modifiers) == (0x31, macos.CMD_KEY | macos.OPTION_KEY)
    assert signature == macos.four_char_code("MSTR")
    with qtbot.waitSignal(mac_backend.activated, timeout=2000) as blocker:
        assert carbon.press(ref) == macos.NO_ERR
    assert blocker.args == ["quick"]
    # Another component's hot key (another signature) is left to other handlers.
    assert carbon.press(ref, signature=macos.four_char_code("ABCD")) == -9874


def test_macos_reports_a_combination_already_registered(
    mac_backend: macos.MacBackend, carbon: FakeCarbon, qtbot: QtBot
) -> None:
    carbon.taken.add((macos.CMD_KEY | macos.SHIFT_KEY, 0x65))
    with qtbot.waitSignal(mac_backend.failed, timeout=2000) as blocker:
        mac_backend.register("template:Translate", "Ctrl+Shift+F9")
    assert blocker.args[0] == "template:Translate"
    assert blocker.args[1].startswith("Ctrl+Shift+F9 is already used by another program")


def test_macos_unregister_and_close_release_everything(
    mac_backend: macos.MacBackend, carbon: FakeCarbon
) -> None:
    mac_backend.register("a", "Ctrl+Alt+A")
    mac_backend.register("b", "Ctrl+Alt+B")
    mac_backend.unregister("a")
    assert [key[0] for key in carbon.hot_keys.values()] == [0x0B]  # B
    mac_backend.close()
    assert carbon.hot_keys == {}
    assert carbon.removed_handler

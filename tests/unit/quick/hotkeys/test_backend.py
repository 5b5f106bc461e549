"""The contract shared by every backend, checked on a recording fake, and backend choice."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from app.quick import hotkeys
from app.quick.hotkeys import HotkeyBackend, HotkeyError, Unavailable, create_backend
from app.quick.hotkeys.backend import desktop_command
from app.quick.hotkeys.sequence import KeySequence


class RecordingBackend(HotkeyBackend):
    """Records what the base class asks for; tests play the system's part."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.added: list[tuple[str, int, str, str]] = []
        self.removed: list[tuple[str, int]] = []
        self.shut_down = False

    @property
    def name(self) -> str:
        return "Recording"

    def _check(self, sequence: KeySequence) -> None:
        if sequence.key == "Pause":
            raise HotkeyError("no Pause here")

    def _add(self, hotkey_id: str, serial: int, sequence: KeySequence, description: str) -> None:
        self.added.append((hotkey_id, serial, str(sequence), description))

    def _remove(self, hotkey_id: str, serial: int) -> None:
        self.removed.append((hotkey_id, serial))

    def _shutdown(self) -> None:
        self.shut_down = True

    def press(self, hotkey_id: str, serial: int) -> None:
        self._pressed.emit(hotkey_id, serial)

    def refuse(self, hotkey_id: str, serial: int, message: str) -> None:
        self._refused.emit(hotkey_id, serial, message)


@pytest.fixture
def backend(qtbot: QtBot) -> RecordingBackend:
    return RecordingBackend()


def test_exports() -> None:
    assert set(hotkeys.__all__) == {
        "HotkeyBackend",
        "HotkeyError",
        "KeySequence",
        "Modifier",
        "Unavailable",
        "create_backend",
        "desktop_command",
        "parse_sequence",
    }
    for name in hotkeys.__all__:
        assert getattr(hotkeys, name) is not None


def test_register_passes_the_parsed_sequence_and_description(backend: RecordingBackend) -> None:
    backend.register("quick", "alt+ctrl+space", description="Show the quick prompt")
    backend.register("template:Translate", "Ctrl+Shift+F9")
    assert backend.added == [
        ("quick", 1, "Ctrl+Alt+Space", "Show the quick prompt"),
        ("template:Translate", 2, "Ctrl+Shift+F9", "template:Translate"),
    ]
    assert backend.registered() == {
        "quick": "Ctrl+Alt+Space",
        "template:Translate": "Ctrl+Shift+F9",
    }


def test_unusable_text_raises_and_registers_nothing(backend: RecordingBackend) -> None:
    with pytest.raises(HotkeyError):
        backend.register("quick", "Space")
    with pytest.raises(HotkeyError, match="no Pause"):
        backend.register("quick", "Ctrl+Pause")
    assert backend.added == []
    assert backend.registered() == {}


def test_a_press_reaches_activated_on_the_gui_thread(
    backend: RecordingBackend, qtbot: QtBot
) -> None:
    backend.register("quick", "Ctrl+Alt+Space")
    threads: list[threading.Thread] = []
    backend.activated.connect(lambda _id: threads.append(threading.current_thread()))
    worker = threading.Thread(target=backend.press, args=("quick", 1))
    with qtbot.waitSignal(backend.activated, timeout=2000) as blocker:
        worker.start()
        worker.join()
    assert blocker.args == ["quick"]
    assert threads == [threading.main_thread()]


def test_failed_comes_after_register_returns_and_forgets_the_id(
    backend: RecordingBackend, qtbot: QtBot
) -> None:
    failures: list[tuple[str, str]] = []
    backend.failed.connect(lambda *args: failures.append(args))
    backend.register("quick", "Ctrl+Alt+Space")
    backend.refuse("quick", 1, "taken")
    assert failures == []  # queued: never from inside the call that caused it
    qtbot.waitUntil(lambda: failures == [("quick", "taken")], timeout=2000)
    assert backend.registered() == {}


def test_a_stale_press_or_failure_is_dropped(backend: RecordingBackend, qtbot: QtBot) -> None:
    events: list[object] = []
    backend.activated.connect(events.append)
    backend.failed.connect(lambda *args: events.append(args))
    backend.register("quick", "Ctrl+Alt+Space")  # serial 1
    backend.register("quick", "Ctrl+Alt+Q")  # replaces it: serial 2
    backend.press("quick", 1)
    backend.refuse("quick", 1, "old one taken")
    backend.register("other", "Ctrl+Alt+O")
    backend.unregister("other")
    backend.press("other", 3)
    with qtbot.waitSignal(backend.activated, timeout=2000):
        backend.press("quick", 2)
    assert events == ["quick"]
    assert backend.removed == [("quick", 1), ("other", 3)]


def test_the_same_combination_twice_in_the_app_fails_the_second(
    backend: RecordingBackend, qtbot: QtBot
) -> None:
    backend.register("quick", "Ctrl+Alt+Space", description="Show the quick prompt")
    with qtbot.waitSignal(backend.failed, timeout=2000) as blocker:
        backend.register("template:Translate", "Alt+Ctrl+space")
    assert blocker.args[0] == "template:Translate"
    # What the holder does, not its id ("quick").
    assert "already Maestrale's shortcut to show the quick prompt;" in blocker.args[1]
    assert "Settings → Quick prompts" in blocker.args[1]
    assert [added[0] for added in backend.added] == ["quick"]
    assert backend.registered() == {"quick": "Ctrl+Alt+Space"}


def test_reregistering_an_id_with_its_own_combination_is_no_conflict(
    backend: RecordingBackend,
) -> None:
    backend.register("quick", "Ctrl+Alt+Space")
    backend.register("quick", "Ctrl+Alt+Space")
    assert backend.removed == [("quick", 1)]
    assert [added[:2] for added in backend.added] == [("quick", 1), ("quick", 2)]


def test_unregister_all_and_close(backend: RecordingBackend, qtbot: QtBot) -> None:
    backend.register("a", "Ctrl+Alt+A")
    backend.register("b", "Ctrl+Alt+B")
    backend.unregister("unknown")
    backend.unregister_all()
    assert sorted(backend.removed) == [("a", 1), ("b", 2)]
    backend.register("c", "Ctrl+Alt+C")
    events: list[str] = []
    backend.activated.connect(events.append)
    backend.press("c", 3)
    backend.close()
    backend.close()
    qtbot.wait(50)
    assert backend.shut_down
    assert events == []  # a press queued before close() is not delivered after it
    with pytest.raises(RuntimeError):
        backend.register("d", "Ctrl+Alt+D")


def test_desktop_command_for_binding_in_the_desktops_settings() -> None:
    assert desktop_command() == "maestrale quick"
    assert desktop_command("Translate") == "maestrale quick --template Translate"
    assert desktop_command("Fix my text") == "maestrale quick --template 'Fix my text'"


def test_offscreen_platform_is_unavailable(qtbot: QtBot) -> None:
    result = create_backend()  # the tests run on Qt's offscreen platform
    assert isinstance(result, Unavailable)
    assert "offscreen" in result.reason


def test_unknown_platform_is_unavailable() -> None:
    result = create_backend(platform="eglfs")
    assert isinstance(result, Unavailable)
    assert "eglfs" in result.reason


def test_x11_without_a_display_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    result = create_backend(platform="xcb")
    assert isinstance(result, Unavailable)
    assert "X display" in result.reason


# python-xlib leaves its socket open when the server refuses the connection.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_x11_with_a_dead_display_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPLAY", ":999")
    result = create_backend(platform="xcb")
    assert isinstance(result, Unavailable)
    assert "“:999”" in result.reason


@pytest.mark.parametrize("platform", ["windows", "cocoa"])
def test_native_backends_off_their_system_are_unavailable(platform: str) -> None:
    # Not Windows or macOS here: user32 / Carbon cannot load, and that is reported.
    result = create_backend(platform=platform)
    assert isinstance(result, Unavailable)
    assert "failed to load" in result.reason


def test_unavailable_is_a_frozen_value() -> None:
    reason = Unavailable("no portal")
    assert reason == Unavailable("no portal")
    with pytest.raises(AttributeError):
        reason.reason = "other"  # type: ignore[misc]

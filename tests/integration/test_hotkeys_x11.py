"""X11 global shortcuts against a real X server (Xvfb), pressed with xdotool."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot
from Xlib import XK, X
from Xlib.display import Display
from Xlib.error import BadAccess, CatchError

from app.quick.hotkeys import create_backend
from app.quick.hotkeys.x11 import X11Backend
from tests.helpers.xvfb import xdotool

MakeBackend = Callable[[], X11Backend]


@pytest.fixture
def make_backend(x_display: str, qtbot: QtBot) -> Iterator[MakeBackend]:
    backends: list[X11Backend] = []

    def make() -> X11Backend:
        backend = X11Backend(display_name=x_display)
        backends.append(backend)
        return backend

    yield make
    for backend in backends:
        backend.close()


@pytest.fixture
def other_client(x_display: str) -> Iterator[Display]:
    """Another X program's connection."""
    display = Display(x_display)
    yield display
    display.close()


def press(display: str, keys: str) -> None:
    xdotool(display, "key", keys)


def lock_state(display: Display) -> int:
    return int(display.screen().root.query_pointer().mask) & (X.LockMask | X.Mod2Mask)


def grab(display: Display, keysym_name: str, modifiers: int) -> bool:
    """Grabs a key as another program would; whether X allowed it."""
    return grab_keycode(
        display, display.keysym_to_keycode(XK.string_to_keysym(keysym_name)), modifiers
    )


def grab_keycode(display: Display, keycode: int, modifiers: int) -> bool:
    catcher = CatchError(BadAccess)
    display.screen().root.grab_key(
        keycode, modifiers, False, X.GrabModeAsync, X.GrabModeAsync, onerror=catcher
    )
    display.sync()
    return catcher.get_error() is None


def test_ctrl_alt_space_reaches_a_qt_slot_on_the_gui_thread(
    make_backend: MakeBackend, x_display: str, qtbot: QtBot
) -> None:
    backend = make_backend()
    threads: list[threading.Thread] = []
    backend.activated.connect(lambda _id: threads.append(threading.current_thread()))
    backend.register("quick", "Ctrl+Alt+Space")
    with qtbot.waitSignal(backend.activated, timeout=3000) as blocker:
        press(x_display, "ctrl+alt+space")
    assert blocker.args == ["quick"]
    assert threads == [threading.main_thread()]


@pytest.mark.parametrize("lock", [("Num_Lock", X.Mod2Mask), ("Caps_Lock", X.LockMask)])
def test_works_whatever_the_lock_state(
    make_backend: MakeBackend,
    x_display: str,
    other_client: Display,
    qtbot: QtBot,
    lock: tuple[str, int],
) -> None:
    lock_key, lock_mask = lock
    backend = make_backend()
    backend.register("quick", "Ctrl+Alt+Space")
    assert lock_state(other_client) == 0
    press(x_display, lock_key)
    try:
        assert lock_state(other_client) == lock_mask
        with qtbot.waitSignal(backend.activated, timeout=3000) as blocker:
            press(x_display, "ctrl+alt+space")
        assert blocker.args == ["quick"]
    finally:
        press(x_display, lock_key)
    assert lock_state(other_client) == 0


def test_both_locks_on(
    make_backend: MakeBackend, x_display: str, other_client: Display, qtbot: QtBot
) -> None:
    backend = make_backend()
    backend.register("template:Translate", "Ctrl+Shift+F9")
    press(x_display, "Num_Lock")
    press(x_display, "Caps_Lock")
    try:
        assert lock_state(other_client) == X.LockMask | X.Mod2Mask
        with qtbot.waitSignal(backend.activated, timeout=3000) as blocker:
            press(x_display, "ctrl+shift+F9")
        assert blocker.args == ["template:Translate"]
    finally:
        press(x_display, "Num_Lock")
        press(x_display, "Caps_Lock")


def test_a_combination_another_program_holds_fails(
    make_backend: MakeBackend, other_client: Display, qtbot: QtBot
) -> None:
    assert grab(other_client, "F9", X.ControlMask | X.Mod1Mask)
    backend = make_backend()
    with qtbot.waitSignal(backend.failed, timeout=3000) as blocker:
        backend.register("quick", "Ctrl+Alt+F9")
    assert blocker.args == [
        "quick",
        "Ctrl+Alt+F9 is already used by another program; "
        "choose another shortcut in Settings → Quick prompts.",
    ]
    assert backend.registered() == {}


def test_a_second_instance_cannot_take_the_same_combination(
    make_backend: MakeBackend, x_display: str, qtbot: QtBot
) -> None:
    first, second = make_backend(), make_backend()
    first.register("quick", "Ctrl+Alt+Space")
    # Each backend grabs on its own thread: let the first one's grab land before the
    # second asks (otherwise the second may win the race, and the first be refused).
    qtbot.wait(500)
    with qtbot.waitSignal(second.failed, timeout=3000) as blocker:
        second.register("quick", "Ctrl+Alt+Space")
    assert "already used by another program" in blocker.args[1]
    # The first one keeps it, and its grabs were not disturbed by the refusal.
    with qtbot.waitSignal(first.activated, timeout=3000):
        press(x_display, "ctrl+alt+space")


def test_unregister_releases_the_key(
    make_backend: MakeBackend, x_display: str, other_client: Display, qtbot: QtBot
) -> None:
    backend = make_backend()
    activated: list[str] = []
    backend.activated.connect(activated.append)
    backend.register("quick", "Ctrl+Alt+Space")
    backend.register("other", "Ctrl+Alt+O")
    with qtbot.waitSignal(backend.activated, timeout=3000):
        press(x_display, "ctrl+alt+space")
    backend.unregister("quick")
    qtbot.waitUntil(lambda: grab(other_client, "space", X.ControlMask | X.Mod1Mask), timeout=3000)
    other_client.screen().root.ungrab_key(X.AnyKey, X.AnyModifier)
    other_client.sync()
    press(x_display, "ctrl+alt+space")
    with qtbot.waitSignal(backend.activated, timeout=3000):
        press(x_display, "ctrl+alt+o")  # X delivers in order: the first press came before
    assert activated == ["quick", "other"]


def test_close_releases_every_grab_and_stops_the_thread(
    make_backend: MakeBackend, other_client: Display
) -> None:
    backend = make_backend()
    backend.register("quick", "Ctrl+Alt+Space")
    backend.register("other", "Ctrl+Alt+O")
    backend.close()
    assert not backend._thread.is_alive()
    for locks in (0, X.LockMask, X.Mod2Mask, X.LockMask | X.Mod2Mask):
        assert grab(other_client, "space", X.ControlMask | X.Mod1Mask | locks)
        assert grab(other_client, "o", X.ControlMask | X.Mod1Mask | locks)
    other_client.screen().root.ungrab_key(X.AnyKey, X.AnyModifier)
    other_client.sync()


def test_a_key_this_keyboard_lacks_fails(make_backend: MakeBackend, qtbot: QtBot) -> None:
    backend = make_backend()
    with qtbot.waitSignal(backend.failed, timeout=3000) as blocker:
        backend.register("quick", "Ctrl+Alt+F35")
    assert "cannot be typed on this keyboard" in blocker.args[1]


def test_create_backend_uses_the_process_display(
    x_display: str, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    monkeypatch.setenv("DISPLAY", x_display)
    backend = create_backend(platform="xcb")
    assert isinstance(backend, X11Backend)
    try:
        assert backend.name == "X11"
        with qtbot.waitSignal(backend.activated, timeout=3000):
            backend.register("quick", "Ctrl+Alt+Space")
            press(x_display, "ctrl+alt+space")
    finally:
        backend.close()


def test_holding_the_keys_activates_once(
    make_backend: MakeBackend, x_display: str, qtbot: QtBot
) -> None:
    backend = make_backend()
    activated: list[str] = []
    backend.activated.connect(activated.append)
    backend.register("quick", "Ctrl+Alt+Space")
    backend.register("other", "Ctrl+Alt+O")
    xdotool(x_display, "keydown", "ctrl+alt+space")
    try:
        qtbot.wait(900)  # past X's auto-repeat delay (660 ms): the server repeats the key
    finally:
        xdotool(x_display, "keyup", "ctrl+alt+space")
    with qtbot.waitSignal(backend.activated, timeout=3000):
        press(x_display, "ctrl+alt+o")
    assert activated == ["quick", "other"]


def test_follows_its_key_to_a_new_keycode(
    make_backend: MakeBackend, x_display: str, other_client: Display, qtbot: QtBot
) -> None:
    backend = make_backend()
    backend.register("quick", "Ctrl+Alt+O")
    old = other_client.keysym_to_keycode(XK.string_to_keysym("o"))
    first, count = (
        other_client.display.info.min_keycode,
        256 - other_client.display.info.min_keycode,
    )
    mapping = other_client.get_keyboard_mapping(first, count)
    spare = next(first + i for i, syms in enumerate(mapping) if not any(syms))
    symbols = list(mapping[old - first])
    try:
        # A new layout: the "o" key now sends another keycode.
        other_client.change_keyboard_mapping(spare, [symbols])
        other_client.change_keyboard_mapping(old, [[X.NoSymbol] * len(symbols)])
        other_client.sync()
        activated: list[str] = []
        backend.activated.connect(activated.append)

        def pressed() -> bool:
            # The backend sees the new mapping a moment later: until then, a press
            # reaches no grab and goes to the focused window instead.
            press(x_display, "ctrl+alt+o")
            qtbot.wait(20)
            return "quick" in activated

        qtbot.waitUntil(pressed, timeout=3000)
    finally:
        other_client.screen().root.ungrab_key(X.AnyKey, X.AnyModifier)
        other_client.change_keyboard_mapping(old, [symbols])
        other_client.change_keyboard_mapping(spare, [[X.NoSymbol] * len(symbols)])
        other_client.sync()


def test_a_lost_x_connection_fails_every_shortcut(
    make_backend: MakeBackend, x_display: str, qtbot: QtBot
) -> None:
    backend = make_backend()
    backend.register("quick", "Ctrl+Alt+Space")
    with qtbot.waitSignal(backend.activated, timeout=3000):
        press(x_display, "ctrl+alt+space")
    with qtbot.waitSignal(backend.failed, timeout=3000) as blocker:
        backend._display.display.socket.shutdown(socket.SHUT_RDWR)  # the server went away
    assert blocker.args[0] == "quick"
    assert blocker.args[1].startswith("The connection to the X server was lost")
    with qtbot.waitSignal(backend.failed, timeout=3000) as blocker:
        backend.register("other", "Ctrl+Alt+O")
    assert blocker.args[0] == "other"
    assert backend.registered() == {}

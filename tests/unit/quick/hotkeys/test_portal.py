"""The Wayland portal backend against a fake GlobalShortcuts portal on a private bus."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot

from app.quick.hotkeys import Unavailable, create_backend
from app.quick.hotkeys.portal import NO_PORTAL, PortalBackend, probe_portal

from .fake_portal import FakePortal

MakePortal = Callable[..., FakePortal]


def bound(portal: FakePortal) -> set[str]:
    """The ids of the portal's newest BindShortcuts call."""
    return set(portal.bindings[-1].shortcuts) if portal.bindings else set()


@pytest.fixture
def make_portal(session_bus: str) -> Iterator[MakePortal]:
    portals: list[FakePortal] = []

    def make(**options: object) -> FakePortal:
        portal = FakePortal(session_bus, **options)  # type: ignore[arg-type]
        portals.append(portal)
        return portal

    yield make
    for portal in portals:
        portal.stop()


@pytest.fixture
def make_backend(session_bus: str, qtbot: QtBot) -> Iterator[Callable[..., PortalBackend]]:
    backends: list[PortalBackend] = []

    def make(**options: object) -> PortalBackend:
        backend = PortalBackend(bus=session_bus, **options)  # type: ignore[arg-type]
        backends.append(backend)
        return backend

    yield make
    for backend in backends:
        backend.close()


def test_probe_finds_the_portal_version(make_portal: MakePortal, session_bus: str) -> None:
    make_portal(version=2)
    assert probe_portal(session_bus) == 2


def test_probe_without_a_portal_is_quick_and_unavailable(session_bus: str) -> None:
    started = time.monotonic()
    result = probe_portal(session_bus)
    assert isinstance(result, Unavailable)
    assert result.reason.startswith(NO_PORTAL)
    assert time.monotonic() - started < 0.5


def test_probe_of_a_portal_without_global_shortcuts(
    make_portal: MakePortal, session_bus: str
) -> None:
    make_portal(version=None)
    assert probe_portal(session_bus) == Unavailable(NO_PORTAL)


def test_probe_without_a_session_bus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    result = probe_portal()
    assert isinstance(result, Unavailable)
    assert "no D-Bus session bus" in result.reason


def test_create_backend_on_wayland_without_a_portal_is_unavailable(
    session_bus: str, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session_bus)
    result = create_backend(platform="wayland")
    assert isinstance(result, Unavailable)
    assert result.reason.startswith("This Wayland desktop offers no GlobalShortcuts portal.")


def test_create_backend_on_wayland_with_a_portal(
    make_portal: MakePortal, session_bus: str, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    make_portal()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session_bus)
    backend = create_backend(platform="wayland")
    try:
        assert isinstance(backend, PortalBackend)
        assert backend.name == "Wayland portal"
    finally:
        if isinstance(backend, PortalBackend):
            backend.close()


def test_binds_with_description_and_preferred_trigger_then_activates(
    make_portal: MakePortal, make_backend: Callable[..., PortalBackend], qtbot: QtBot
) -> None:
    portal = make_portal()
    backend = make_backend(app_id="io.example.Maestrale")
    backend.register("quick", "Ctrl+Alt+Space", description="Show the quick prompt")
    qtbot.waitUntil(lambda: len(portal.bindings) == 1, timeout=3000)
    assert portal.app_ids == ["io.example.Maestrale"]
    assert portal.bindings[0].session == portal.sessions[0]
    assert portal.bindings[0].shortcuts == {
        "quick": {"description": "Show the quick prompt", "preferred_trigger": "CTRL+ALT+space"}
    }
    with qtbot.waitSignal(backend.activated, timeout=3000) as blocker:
        portal.activate("quick")
    assert blocker.args == ["quick"]


def test_registrations_in_a_row_are_bound_together(
    make_portal: MakePortal, make_backend: Callable[..., PortalBackend], qtbot: QtBot
) -> None:
    portal = make_portal()
    backend = make_backend()
    backend.register("quick", "Ctrl+Alt+Space")
    backend.register("template:Translate", "Ctrl+Shift+F9")
    qtbot.waitUntil(lambda: bound(portal) == {"quick", "template:Translate"}, timeout=3000)
    assert portal.bindings[-1].shortcuts["template:Translate"]["preferred_trigger"] == (
        "CTRL+SHIFT+F9"
    )
    with qtbot.waitSignal(backend.activated, timeout=3000) as blocker:
        portal.activate("template:Translate")
    assert blocker.args == ["template:Translate"]


def test_a_registration_made_while_the_desktop_asks_is_bound_next(
    make_portal: MakePortal, make_backend: Callable[..., PortalBackend], qtbot: QtBot
) -> None:
    portal = make_portal(bind_delay=0.3)
    backend = make_backend()
    backend.register("quick", "Ctrl+Alt+Space")
    qtbot.waitUntil(lambda: bound(portal) == {"quick"}, timeout=3000)
    backend.register("template:Translate", "Ctrl+Shift+F9")  # while the first is pending
    qtbot.waitUntil(lambda: bound(portal) == {"quick", "template:Translate"}, timeout=3000)
    with qtbot.waitSignal(backend.activated, timeout=3000) as blocker:
        portal.activate("template:Translate")
    assert blocker.args == ["template:Translate"]


def test_close_while_the_desktop_asks_returns_at_once(
    make_portal: MakePortal, make_backend: Callable[..., PortalBackend], qtbot: QtBot
) -> None:
    portal = make_portal(bind_delay=30)
    backend = make_backend()
    backend.register("quick", "Ctrl+Alt+Space")
    qtbot.waitUntil(lambda: bound(portal) == {"quick"}, timeout=3000)
    started = time.monotonic()
    backend.close()
    assert time.monotonic() - started < 0.5
    assert not backend._thread.is_alive()


def test_unregister_binds_the_rest_in_a_new_session(
    make_portal: MakePortal, make_backend: Callable[..., PortalBackend], qtbot: QtBot
) -> None:
    portal = make_portal()
    backend = make_backend()
    backend.register("a", "Ctrl+Alt+A")
    backend.register("b", "Ctrl+Alt+B")
    qtbot.waitUntil(lambda: bound(portal) == {"a", "b"}, timeout=3000)
    first_session = portal.bindings[-1].session
    backend.unregister("a")
    qtbot.waitUntil(lambda: bound(portal) == {"b"}, timeout=3000)
    assert first_session in portal.closed  # a session binds once: it was replaced
    assert portal.bindings[-1].session != first_session
    activated: list[str] = []
    backend.activated.connect(activated.append)
    portal.activate("a", session=first_session)  # stale session: ignored
    portal.activate("a")  # no longer bound: ignored
    with qtbot.waitSignal(backend.activated, timeout=3000):
        portal.activate("b")  # signals arrive in order: the two above came first
    assert activated == ["b"]


def test_a_shortcut_the_desktop_leaves_out_fails(
    make_portal: MakePortal, make_backend: Callable[..., PortalBackend], qtbot: QtBot
) -> None:
    portal = make_portal(refuse=frozenset({"template:Translate"}))
    backend = make_backend()
    with qtbot.waitSignal(backend.failed, timeout=3000) as blocker:
        backend.register("quick", "Ctrl+Alt+Space")
        backend.register("template:Translate", "Ctrl+Shift+F9")
    assert blocker.args[0] == "template:Translate"
    assert blocker.args[1].startswith("The desktop did not accept Ctrl+Shift+F9")
    assert "Settings → Quick prompts" in blocker.args[1]
    assert backend.registered() == {"quick": "Ctrl+Alt+Space"}
    # The refused shortcut is not asked for again when the set changes.
    backend.register("other", "Ctrl+Alt+O")
    qtbot.waitUntil(lambda: bound(portal) == {"quick", "other"}, timeout=3000)


def test_a_shortcut_the_person_declines_fails(
    make_portal: MakePortal, make_backend: Callable[..., PortalBackend], qtbot: QtBot
) -> None:
    make_portal(bind_response=1)
    backend = make_backend()
    with qtbot.waitSignal(backend.failed, timeout=3000) as blocker:
        backend.register("quick", "Ctrl+Alt+Space")
    assert blocker.args == [
        "quick",
        "Ctrl+Alt+Space was not allowed in the desktop's shortcut dialog; allow it there, "
        "or choose another shortcut in Settings → Quick prompts.",
    ]


def test_close_stops_the_thread_and_closes_the_session(
    make_portal: MakePortal, make_backend: Callable[..., PortalBackend], qtbot: QtBot
) -> None:
    portal = make_portal()
    backend = make_backend()
    backend.register("quick", "Ctrl+Alt+Space")
    qtbot.waitUntil(lambda: len(portal.bindings) == 1, timeout=3000)
    started = time.monotonic()
    backend.close()
    assert time.monotonic() - started < 0.5
    assert not backend._thread.is_alive()
    qtbot.waitUntil(lambda: portal.sessions[-1] in portal.closed, timeout=3000)


def test_without_a_portal_registrations_fail_with_the_command_to_bind(
    make_backend: Callable[..., PortalBackend], qtbot: QtBot
) -> None:
    backend = make_backend()
    for hotkey_id in ("quick", "template:Translate"):
        with qtbot.waitSignal(backend.failed, timeout=3000) as blocker:
            backend.register(hotkey_id, "Ctrl+Alt+Space")
        assert blocker.args[0] == hotkey_id
        assert blocker.args[1].startswith("Global shortcuts are unavailable")
        assert "“maestrale quick”" in blocker.args[1]


def test_when_the_bus_goes_away_every_shortcut_fails(
    make_portal: MakePortal,
    make_backend: Callable[..., PortalBackend],
    bus_daemon: subprocess.Popen[str],
    qtbot: QtBot,
) -> None:
    portal = make_portal()
    backend = make_backend()
    backend.register("quick", "Ctrl+Alt+Space")
    qtbot.waitUntil(lambda: bound(portal) == {"quick"}, timeout=3000)
    with qtbot.waitSignal(backend.failed, timeout=3000) as blocker:
        bus_daemon.kill()
    assert blocker.args[0] == "quick"
    assert "connection to the desktop portal was lost" in blocker.args[1]
    # The thread has stopped; a later registration still gets its answer.
    with qtbot.waitSignal(backend.failed, timeout=3000) as blocker:
        backend.register("template:Translate", "Ctrl+Shift+F9")
    assert blocker.args[0] == "template:Translate"

"""Global shortcuts on Wayland: the desktop portal's GlobalShortcuts interface, over jeepney.

Spec: https://flatpak.github.io/xdg-desktop-portal/docs/doc-org.freedesktop.portal.GlobalShortcuts.html
A session binds its shortcuts once, so every change of the set closes the session and
binds the whole set in a new one. All D-Bus traffic happens on the backend's thread.
"""

from __future__ import annotations

import logging
import queue
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from jeepney import (  # type: ignore[import-untyped]
    DBusAddress,
    DBusErrorResponse,
    HeaderFields,
    MatchRule,
    MessageFlag,
    MessageType,
    Properties,
    message_bus,
    new_method_call,
)
from jeepney.io import blocking  # type: ignore[import-untyped]
from jeepney.io import threading as jthreading
from PySide6.QtCore import QObject

from app.quick.hotkeys.backend import SETTINGS_HINT, HotkeyBackend, Unavailable
from app.quick.hotkeys.keysyms import keysym_name
from app.quick.hotkeys.sequence import KeySequence, Modifier

log = logging.getLogger(__name__)

PORTAL_BUS_NAME = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SHORTCUTS_INTERFACE = "org.freedesktop.portal.GlobalShortcuts"
REQUEST_INTERFACE = "org.freedesktop.portal.Request"
SESSION_INTERFACE = "org.freedesktop.portal.Session"
REGISTRY_INTERFACE = "org.freedesktop.host.portal.Registry"

NO_PORTAL = "This Wayland desktop offers no GlobalShortcuts portal."
_CALL_TIMEOUT = 5.0  # seconds, for a method's immediate reply
_SESSION_TIMEOUT = 10.0  # for CreateSession's Response; binding waits for the person
_JOIN_TIMEOUT = 3.0
_PORTAL_MODIFIERS = (
    (Modifier.CTRL, "CTRL"),
    (Modifier.ALT, "ALT"),
    (Modifier.SHIFT, "SHIFT"),
    (Modifier.META, "LOGO"),
)


def portal_trigger(sequence: KeySequence) -> str:
    """The shortcut in the XDG shortcuts spec's format: "CTRL+ALT+space"."""
    names = [name for modifier, name in _PORTAL_MODIFIERS if modifier in sequence.modifiers]
    return "+".join([*names, keysym_name(sequence)])


def probe_portal(bus: str = "SESSION", *, timeout: float = 2.0) -> int | Unavailable:
    """The GlobalShortcuts interface version of the session's portal, or why there is none.

    Blocks for a few milliseconds when the portal runs or no portal is installed; when
    the portal must first be started by D-Bus activation, for ``timeout`` at most.
    """
    try:
        connection = blocking.open_dbus_connection(bus, auth_timeout=timeout)
    except KeyError:
        return Unavailable(f"{NO_PORTAL} (There is no D-Bus session bus in this session.)")
    except (OSError, ValueError, RuntimeError, TimeoutError) as exc:
        return Unavailable(f"{NO_PORTAL} (The D-Bus session bus cannot be reached: {exc}.)")
    with connection:
        try:
            bus_proxy = blocking.Proxy(message_bus, connection, timeout=timeout)
            running = bus_proxy.NameHasOwner(PORTAL_BUS_NAME)[0]
            if not running and PORTAL_BUS_NAME not in bus_proxy.ListActivatableNames()[0]:
                return Unavailable(f"{NO_PORTAL} (No desktop portal service is installed.)")
            address = DBusAddress(PORTAL_PATH, PORTAL_BUS_NAME, SHORTCUTS_INTERFACE)
            reply = connection.send_and_get_reply(
                Properties(address).get("version"), timeout=timeout
            )
            _signature, version = _unwrap(reply)[0]
        except DBusErrorResponse as exc:
            log.info("No GlobalShortcuts portal: %s", exc)
            return Unavailable(NO_PORTAL)
        except TimeoutError:
            return Unavailable(f"{NO_PORTAL} (The desktop portal did not answer in {timeout:g} s.)")
        except (OSError, ValueError, RuntimeError) as exc:
            return Unavailable(f"{NO_PORTAL} (The desktop portal could not be asked: {exc}.)")
    if not isinstance(version, int) or version < 1:
        return Unavailable(NO_PORTAL)
    return version


@dataclass(frozen=True)
class _Shortcut:
    hotkey_id: str
    serial: int
    sequence: KeySequence
    description: str


class _Stop:
    pass


class _Stopping(Exception):
    """close() was called: the thread leaves whatever it was waiting for."""


class PortalBackend(HotkeyBackend):
    """Global shortcuts bound through the desktop portal.

    The desktop may show a dialog when shortcuts are bound and may pick another trigger
    than the preferred one; a shortcut it does not bind ends in ``failed``.
    """

    # The desktop binds these, and asks the person to confirm each binding: not
    # released and asked for again every time a settings field records keys.
    releases_to_record = False

    def __init__(
        self, parent: QObject | None = None, *, bus: str = "SESSION", app_id: str | None = None
    ) -> None:
        """Args:
        bus: "SESSION" or a D-Bus address.
        app_id: the application id (the .desktop file's name) to tell a portal that
            asks unsandboxed programs for one (xdg-desktop-portal 1.19+); optional.
        """
        super().__init__(parent)
        self._bus = bus
        self._app_id = app_id
        self._wanted: dict[str, _Shortcut] = {}
        self._commands: queue.SimpleQueue[tuple[_Shortcut, ...] | _Stop] = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._connection: Any = None
        self._dead: str | None = None  # set, with the message, when the thread has stopped
        self._thread = threading.Thread(
            target=self._run, name="Portal global shortcuts", daemon=True
        )
        self._thread.start()

    @property
    def name(self) -> str:
        return "Wayland portal"

    def _add(self, hotkey_id: str, serial: int, sequence: KeySequence, description: str) -> None:
        self._wanted[hotkey_id] = _Shortcut(hotkey_id, serial, sequence, description)
        self._post(tuple(self._wanted.values()))

    def _remove(self, hotkey_id: str, serial: int) -> None:
        shortcut = self._wanted.get(hotkey_id)
        if shortcut is not None and shortcut.serial == serial:
            del self._wanted[hotkey_id]
            self._post(tuple(self._wanted.values()))

    def _forget(self, hotkey_id: str, serial: int) -> None:
        # Not bound now, and not asked for again at the next change of the set.
        shortcut = self._wanted.get(hotkey_id)
        if shortcut is not None and shortcut.serial == serial:
            del self._wanted[hotkey_id]

    def _shutdown(self) -> None:
        self._wanted.clear()
        self._stopping.set()
        self._post(_Stop())
        self._thread.join(_JOIN_TIMEOUT)
        if self._thread.is_alive():
            log.warning("The portal shortcut thread did not stop within %s s", _JOIN_TIMEOUT)

    def _post(self, command: tuple[_Shortcut, ...] | _Stop) -> None:
        self._commands.put(command)
        with self._lock:
            dead = self._dead
            if self._connection is not None:
                self._connection.interrupt()  # wakes the thread from its receive
        if dead is not None and isinstance(command, tuple):
            # The thread has stopped: nobody else will answer. (Reported twice is harmless:
            # the second report finds the id gone.)
            for shortcut in command:
                self._refused.emit(shortcut.hotkey_id, shortcut.serial, dead)

    # The thread -----------------------------------------------------------------------

    def _run(self) -> None:
        try:
            connection = jthreading.open_dbus_connection(self._bus)
        except (OSError, ValueError, RuntimeError, KeyError, TimeoutError) as exc:
            log.warning("Cannot connect to the session bus for the portal: %s", exc)
            self._die(f"the session bus cannot be reached: {exc}", ())
            return
        with self._lock:
            self._connection = connection
        session: _PortalSession | None = None
        applied: tuple[_Shortcut, ...] = ()
        try:
            session = _PortalSession(connection, self._stopping, self._app_id)
            while True:
                latest = self._take_commands()
                if latest is not None:
                    applied = latest
                    self._apply(session, latest)
                    # Binding may have swallowed the wake-up of a newer command: look again.
                    continue
                for hotkey_id, serial in session.wait_for_activation():
                    self._pressed.emit(hotkey_id, serial)
        except _Stopping:
            pass
        except (OSError, ValueError, DBusErrorResponse, TimeoutError) as exc:
            log.warning("The portal shortcut thread stopped: %s", exc)
            self._die(f"the connection to the desktop portal was lost: {exc}", applied)
        finally:
            with self._lock:
                self._connection = None
            if session is not None:
                session.close_quietly()
            connection.close()

    def _take_commands(self) -> tuple[_Shortcut, ...] | None:
        """The newest set of shortcuts asked for (older ones are superseded)."""
        latest: tuple[_Shortcut, ...] | None = None
        while True:
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                return latest
            if isinstance(command, _Stop):
                raise _Stopping
            latest = command

    def _apply(self, session: _PortalSession, shortcuts: tuple[_Shortcut, ...]) -> None:
        try:
            code, bound = session.bind(shortcuts)
        except (DBusErrorResponse, TimeoutError) as exc:
            log.warning("Binding shortcuts through the portal failed: %s", exc)
            message = _unavailable_message(f"the desktop portal answered: {exc}")
            for shortcut in shortcuts:
                self._refused.emit(shortcut.hotkey_id, shortcut.serial, message)
            return
        for shortcut in shortcuts:
            if code == 0 and shortcut.hotkey_id in bound:
                continue
            if code == 1:
                message = (
                    f"{shortcut.sequence} was not allowed in the desktop's shortcut dialog; "
                    f"allow it there, or {SETTINGS_HINT}"
                )
            else:
                message = (
                    f"The desktop did not accept {shortcut.sequence} (another program may use "
                    f"it); {SETTINGS_HINT}"
                )
            self._refused.emit(shortcut.hotkey_id, shortcut.serial, message)

    def _die(self, why: str, applied: tuple[_Shortcut, ...]) -> None:
        """Reports every shortcut, bound or asked for, as failed; later ones fail in _post."""
        message = _unavailable_message(why)
        with self._lock:
            self._dead = message
        shortcuts = {s.hotkey_id: s for s in applied}
        while True:
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                break
            if isinstance(command, tuple):
                shortcuts = {s.hotkey_id: s for s in command}
        for shortcut in shortcuts.values():
            self._refused.emit(shortcut.hotkey_id, shortcut.serial, message)


def _unavailable_message(why: str) -> str:
    return (
        f"Global shortcuts are unavailable ({why}). Bind the command “maestrale quick” in the "
        "desktop's keyboard settings instead."
    )


class _PortalSession:
    """The portal conversation on one connection: runs on the backend's thread only."""

    def __init__(self, connection: Any, stopping: threading.Event, app_id: str | None) -> None:
        self._connection = connection
        self._stopping = stopping
        self._backlog: deque[Any] = deque()
        self._handle: str | None = None
        self._bound: dict[str, int] = {}
        sender = str(connection.unique_name).lstrip(":").replace(".", "_")
        self._request_prefix = f"{PORTAL_PATH}/request/{sender}/"
        self._activated = MatchRule(
            type="signal", interface=SHORTCUTS_INTERFACE, member="Activated", path=PORTAL_PATH
        )
        self._response = MatchRule(
            type="signal",
            interface=REQUEST_INTERFACE,
            member="Response",
            path_namespace=f"{PORTAL_PATH}/request",
        )
        for rule in (self._activated, self._response):
            self._call(message_bus.AddMatch(rule))
        if app_id:
            self._register_app_id(app_id)

    def _register_app_id(self, app_id: str) -> None:
        address = DBusAddress(PORTAL_PATH, PORTAL_BUS_NAME, REGISTRY_INTERFACE)
        try:
            self._call(new_method_call(address, "Register", "sa{sv}", (app_id, {})))
        except DBusErrorResponse as exc:
            log.info("The portal has no app id registry (older than 1.19): %s", exc)

    def bind(self, shortcuts: tuple[_Shortcut, ...]) -> tuple[int, set[str]]:
        """Binds exactly these shortcuts in a new session: the response code and bound ids."""
        self._close_session()
        if not shortcuts:
            return 0, set()
        token = _token()
        code, results = self._request(
            "CreateSession",
            "a{sv}",
            ({"handle_token": ("s", token), "session_handle_token": ("s", _token())},),
            token,
            timeout=_SESSION_TIMEOUT,
        )
        if code != 0:
            return code, set()
        self._handle = str(results["session_handle"][1])
        token = _token()
        wanted = [
            (
                s.hotkey_id,
                {
                    "description": ("s", s.description),
                    "preferred_trigger": ("s", portal_trigger(s.sequence)),
                },
            )
            for s in shortcuts
        ]
        code, results = self._request(
            "BindShortcuts",
            "oa(sa{sv})sa{sv}",
            (self._handle, wanted, "", {"handle_token": ("s", token)}),
            token,
            timeout=None,  # the desktop may ask the person first
        )
        bound = {str(item[0]) for item in results.get("shortcuts", ("", []))[1]}
        self._bound = {s.hotkey_id: s.serial for s in shortcuts if s.hotkey_id in bound}
        return code, bound

    def wait_for_activation(self) -> list[tuple[str, int]]:
        """Waits for the next message; the (id, serial) pairs it activated, often none.

        Returns early, with nothing, when the GUI thread posts a command.
        """
        message = self._next(deadline=None)
        if message is None or not self._activated.matches(message):
            return []
        session_handle, shortcut_id = message.body[0], message.body[1]
        serial = self._bound.get(shortcut_id)
        if session_handle != self._handle or serial is None:
            return []
        return [(shortcut_id, serial)]

    def close_quietly(self) -> None:
        """Closes the session without waiting (the portal closes it on disconnect too)."""
        if self._handle is None:
            return
        message = new_method_call(
            DBusAddress(self._handle, PORTAL_BUS_NAME, SESSION_INTERFACE), "Close"
        )
        message.header.flags |= MessageFlag.no_reply_expected
        try:
            self._connection.send(message)
        except OSError:
            log.debug("Could not close the portal session", exc_info=True)
        self._handle = None

    def _close_session(self) -> None:
        if self._handle is not None:
            address = DBusAddress(self._handle, PORTAL_BUS_NAME, SESSION_INTERFACE)
            self._handle = None
            self._bound = {}
            try:
                self._call(new_method_call(address, "Close"))
            except DBusErrorResponse as exc:
                log.info("Closing the portal session: %s", exc)

    def _request(
        self,
        method: str,
        signature: str,
        body: tuple[Any, ...],
        token: str,
        *,
        timeout: float | None,
    ) -> tuple[int, dict[str, Any]]:
        """Calls a portal method and waits for its Request's Response signal."""
        address = DBusAddress(PORTAL_PATH, PORTAL_BUS_NAME, SHORTCUTS_INTERFACE)
        expected = self._request_prefix + token
        handle = str(self._call(new_method_call(address, method, signature, body))[0])
        # Portals older than 0.9 chose other handles; follow the one we were given.
        paths = {expected, handle}
        deadline = None if timeout is None else time.monotonic() + timeout
        skipped: list[Any] = []
        try:
            while True:
                message = self._next(deadline=deadline, wake_on_command=False)
                if message is None:
                    raise TimeoutError(f"no answer from the portal to {method}")
                if self._response.matches(message) and _path(message) in paths:
                    code, results = message.body
                    return int(code), dict(results)
                skipped.append(message)
        finally:
            self._backlog.extendleft(reversed(skipped))

    def _call(self, message: Any) -> tuple[Any, ...]:
        """Sends a method call and waits for its reply; other messages are kept for later."""
        serial = next(self._connection.outgoing_serial)
        self._connection.send(message, serial=serial)
        deadline = time.monotonic() + _CALL_TIMEOUT
        while True:
            reply = self._receive(deadline, wake_on_command=False)
            if reply is None:
                raise TimeoutError(f"no reply from D-Bus to {_member(message)}")
            if reply.header.fields.get(HeaderFields.reply_serial) == serial:
                return _unwrap(reply)
            self._backlog.append(reply)

    def _next(self, *, deadline: float | None, wake_on_command: bool = True) -> Any:
        if self._backlog:
            return self._backlog.popleft()
        return self._receive(deadline, wake_on_command=wake_on_command)

    def _receive(self, deadline: float | None, *, wake_on_command: bool) -> Any:
        """The next message from the bus; None at the deadline, or when a command came."""
        while True:
            if self._stopping.is_set():
                raise _Stopping
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                return self._connection.receive(timeout=timeout)
            except TimeoutError:
                return None
            except jthreading.ReceiveStopped:
                self._connection.reset_interrupt()
                if wake_on_command:
                    return None


def _token() -> str:
    return f"maestrale_{secrets.token_hex(8)}"


def _path(message: Any) -> str:
    return str(message.header.fields.get(HeaderFields.path, ""))


def _member(message: Any) -> str:
    return str(message.header.fields.get(HeaderFields.member, "?"))


def _unwrap(reply: Any) -> tuple[Any, ...]:
    if reply.header.message_type == MessageType.error:
        raise DBusErrorResponse(reply)
    return tuple(reply.body)

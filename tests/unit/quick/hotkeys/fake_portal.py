"""A fake xdg-desktop-portal GlobalShortcuts service on a private D-Bus, for tests."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from jeepney import (  # type: ignore[import-untyped]
    DBusAddress,
    HeaderFields,
    MessageFlag,
    MessageType,
    message_bus,
    new_error,
    new_method_return,
    new_signal,
)
from jeepney.io import threading as jthreading  # type: ignore[import-untyped]

from app.quick.hotkeys.portal import (
    PORTAL_BUS_NAME,
    PORTAL_PATH,
    REGISTRY_INTERFACE,
    REQUEST_INTERFACE,
    SESSION_INTERFACE,
    SHORTCUTS_INTERFACE,
)

PROPERTIES = "org.freedesktop.DBus.Properties"


@dataclass
class Binding:
    """One BindShortcuts call as the portal saw it."""

    session: str
    shortcuts: dict[str, dict[str, str]]  # id -> {"description": ..., "preferred_trigger": ...}


@dataclass
class FakePortal:
    """Answers CreateSession and BindShortcuts with the Request/Response pattern.

    Args:
        version: the GlobalShortcuts version property, or None for a portal without
            the interface (as xdg-desktop-portal is when no backend implements it).
        refuse: ids it leaves out of BindShortcuts' results (as if taken).
        bind_response: the Response code of BindShortcuts (1: the person said no).
        bind_delay: seconds before BindShortcuts' Response, as while a dialog is open.
    """

    address: str
    version: int | None = 1
    refuse: frozenset[str] = frozenset()
    bind_response: int = 0
    bind_delay: float = 0.0
    app_ids: list[str] = field(default_factory=list)
    sessions: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    bindings: list[Binding] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._connection = jthreading.open_dbus_connection(self.address)
        self._owner: dict[str, str] = {}  # session handle -> client's unique name
        self._timers: list[threading.Timer] = []
        with jthreading.DBusRouter(self._connection) as router:
            bus = jthreading.Proxy(message_bus, router, timeout=5)
            assert bus.RequestName(PORTAL_BUS_NAME)[0] == 1  # primary owner
        self._thread = threading.Thread(target=self._serve, name="fake portal", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        for timer in self._timers:
            timer.cancel()
            timer.join()
        self._connection.interrupt()
        self._thread.join(5)
        self._connection.close()

    def activate(self, shortcut_id: str, session: str | None = None) -> None:
        """Emits Activated for the newest session (or ``session``) to its owner."""
        handle = session or self.sessions[-1]
        signal = new_signal(
            DBusAddress(PORTAL_PATH, interface=SHORTCUTS_INTERFACE),
            "Activated",
            "osta{sv}",
            (handle, shortcut_id, 1234, {}),
        )
        signal.header.fields[HeaderFields.destination] = self._owner[handle]
        self._connection.send(signal)

    def _serve(self) -> None:
        while True:
            try:
                message = self._connection.receive()
            except (jthreading.ReceiveStopped, OSError):
                return
            if message.header.message_type == MessageType.method_call:
                self._answer(message)

    def _answer(self, message: Any) -> None:
        fields = message.header.fields
        interface, member = fields.get(HeaderFields.interface), fields[HeaderFields.member]
        sender = fields[HeaderFields.sender]
        if interface == PROPERTIES and member == "Get":
            if message.body == (SHORTCUTS_INTERFACE, "version") and self.version is not None:
                return self._reply(message, "v", (("u", self.version),))
            return self._error(message, "org.freedesktop.DBus.Error.InvalidArgs")
        if interface == REGISTRY_INTERFACE and member == "Register":
            self.app_ids.append(message.body[0])
            return self._reply(message)
        if interface == SESSION_INTERFACE and member == "Close":
            self.closed.append(fields[HeaderFields.path])
            if not message.header.flags & MessageFlag.no_reply_expected:
                self._reply(message)
            return None
        if interface != SHORTCUTS_INTERFACE or self.version is None:
            return self._error(message, "org.freedesktop.DBus.Error.UnknownMethod")
        client = sender.lstrip(":").replace(".", "_")
        if member == "CreateSession":
            options = message.body[0]
            session = f"{PORTAL_PATH}/session/{client}/{options['session_handle_token'][1]}"
            self._owner[session] = sender
            self.sessions.append(session)
            request = f"{PORTAL_PATH}/request/{client}/{options['handle_token'][1]}"
            self._reply(message, "o", (request,))
            return self._respond(request, sender, 0, {"session_handle": ("s", session)})
        if member == "BindShortcuts":
            session, shortcuts, _parent_window, options = message.body
            wanted = {id_: {k: v[1] for k, v in props.items()} for id_, props in shortcuts}
            self.bindings.append(Binding(session, wanted))
            request = f"{PORTAL_PATH}/request/{client}/{options['handle_token'][1]}"
            self._reply(message, "o", (request,))
            bound = [
                (
                    id_,
                    {
                        "description": ("s", props["description"]),
                        "trigger_description": ("s", props.get("preferred_trigger", "")),
                    },
                )
                for id_, props in wanted.items()
                if id_ not in self.refuse
            ]
            results = {"shortcuts": ("a(sa{sv})", bound)} if self.bind_response == 0 else {}
            if self.bind_delay:
                answer = threading.Timer(
                    self.bind_delay,
                    self._respond,
                    (request, sender, self.bind_response, results),
                )
                answer.start()
                self._timers.append(answer)
                return None
            return self._respond(request, sender, self.bind_response, results)
        return self._error(message, "org.freedesktop.DBus.Error.UnknownMethod")

    def _reply(
        self, message: Any, signature: str | None = None, body: tuple[Any, ...] = ()
    ) -> None:
        self._connection.send(new_method_return(message, signature, body))

    def _error(self, message: Any, name: str) -> None:
        self._connection.send(new_error(message, name, "s", ("not in this fake portal",)))

    def _respond(self, request: str, client: str, code: int, results: dict[str, Any]) -> None:
        signal = new_signal(
            DBusAddress(request, interface=REQUEST_INTERFACE), "Response", "ua{sv}", (code, results)
        )
        signal.header.fields[HeaderFields.destination] = client
        self._connection.send(signal)

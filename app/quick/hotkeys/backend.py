"""The contract every global-shortcut backend keeps, and the messages it reports."""

from __future__ import annotations

import itertools
import shlex
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal

from app.quick.hotkeys.sequence import HotkeyError, KeySequence, parse_sequence

# The quick prompt's advice, ending every refusal that another key would put right; the
# owner of a template's shortcut (chosen elsewhere) puts its own in its place: advised().
SETTINGS_HINT = "choose another shortcut in Settings → Quick prompts."


@dataclass(frozen=True)
class Unavailable:
    """Global shortcuts cannot work in this session; ``reason`` says why, for a person."""

    reason: str


def desktop_command(template: str | None = None) -> str:
    """The command to bind in the desktop's own shortcut settings when no backend works."""
    if template is None:
        return "maestrale quick"
    return f"maestrale quick --template {shlex.quote(template)}"


def taken_message(sequence: KeySequence) -> str:
    return f"{sequence} is already used by another program; {SETTINGS_HINT}"


def used_here_message(sequence: KeySequence, other: str) -> str:
    """``other``: what the shortcut holding ``sequence`` does ("Show the quick prompt")."""
    does = other[:1].lower() + other[1:]
    return f"{sequence} is already Maestrale's shortcut to {does}; {SETTINGS_HINT}"


def advised(message: str, advice: str) -> str:
    """A backend's ``message`` with ``advice`` in place of the quick prompt's (a template's
    shortcut is not set in Settings → Quick prompts). Other advice (restart, bind a
    command in the desktop's settings) is kept: another key would not help."""
    if message.endswith(SETTINGS_HINT):
        return message.removesuffix(SETTINGS_HINT) + advice
    return message


@dataclass(frozen=True)
class _Registration:
    sequence: KeySequence
    serial: int
    description: str


class HotkeyBackend(QObject):
    """Global shortcuts of one windowing system; subclasses implement ``_add``/``_remove``.

    Registration is asynchronous where the system is: ``register`` raises ``HotkeyError``
    only for text no backend could use or this backend cannot express; a combination that
    another program holds (or that the desktop refuses) ends in ``failed``, which is
    always emitted after ``register`` has returned, on the GUI thread. Registering an id
    again replaces its shortcut.

    Signals:
        activated(str): the shortcut registered under this id was pressed.
        failed(str, str): the id could not be registered, and a message a person can act
            on. The id is no longer registered.
    """

    activated = Signal(str)
    failed = Signal(str, str)

    # Its shortcuts take their keys from every window, ours too: released while a
    # settings field records keys (it could not see them otherwise).
    releases_to_record = True

    # Emitted by backends from any thread; always delivered queued on the GUI thread,
    # where a stale serial (the id was unregistered or replaced meanwhile) is dropped.
    _pressed = Signal(str, int)
    _refused = Signal(str, int, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._registrations: dict[str, _Registration] = {}
        self._serials = itertools.count(1)
        self._closed = False
        self._pressed.connect(self._on_pressed, Qt.ConnectionType.QueuedConnection)
        self._refused.connect(self._on_refused, Qt.ConnectionType.QueuedConnection)

    @property
    def name(self) -> str:
        """The system this backend talks to, for people ("X11", "Windows")."""
        raise NotImplementedError

    def register(self, hotkey_id: str, sequence: str, *, description: str | None = None) -> None:
        """Asks for ``sequence`` (e.g. "Ctrl+Alt+Space") to emit ``activated(hotkey_id)``.

        Args:
            hotkey_id: the caller's name for the shortcut ("quick", "template:Translate").
            sequence: portable shortcut text; see ``app.quick.hotkeys.sequence``.
            description: what the shortcut does, for desktops that list shortcuts (the
                Wayland portal shows it); defaults to the id.

        Raises:
            HotkeyError: the text is not a usable combination on this backend.
        """
        if self._closed:
            raise RuntimeError("register() after close()")
        parsed = parse_sequence(sequence)
        self._check(parsed)
        self.unregister(hotkey_id)
        registration = _Registration(parsed, next(self._serials), description or hotkey_id)
        holder = next((reg for reg in self._registrations.values() if reg.sequence == parsed), None)
        self._registrations[hotkey_id] = registration
        if holder is not None:
            # Said by what it does: its id ("quick") means nothing to a person.
            message = used_here_message(parsed, holder.description)
            self._refused.emit(hotkey_id, registration.serial, message)
            return
        self._add(hotkey_id, registration.serial, parsed, registration.description)

    def unregister(self, hotkey_id: str) -> None:
        """Releases the id's shortcut; unknown ids are ignored."""
        registration = self._registrations.pop(hotkey_id, None)
        if registration is not None:
            self._remove(hotkey_id, registration.serial)

    def unregister_all(self) -> None:
        for hotkey_id in list(self._registrations):
            self.unregister(hotkey_id)

    def close(self) -> None:
        """Releases every shortcut and stops the backend's thread, if any. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._registrations.clear()
        self._shutdown()

    def registered(self) -> dict[str, str]:
        """Ids and their shortcuts as text, registered or still being registered."""
        return {key: str(reg.sequence) for key, reg in self._registrations.items()}

    # For subclasses -------------------------------------------------------------------

    def _check(self, sequence: KeySequence) -> None:
        """Raises HotkeyError when this backend cannot express the sequence."""

    def _add(self, hotkey_id: str, serial: int, sequence: KeySequence, description: str) -> None:
        raise NotImplementedError

    def _remove(self, hotkey_id: str, serial: int) -> None:
        raise NotImplementedError

    def _shutdown(self) -> None:
        raise NotImplementedError

    def _forget(self, hotkey_id: str, serial: int) -> None:
        """The system refused this registration: drop whatever the backend kept of it."""

    # Slots ----------------------------------------------------------------------------

    def _is_current(self, hotkey_id: str, serial: int) -> bool:
        registration = self._registrations.get(hotkey_id)
        return not self._closed and registration is not None and registration.serial == serial

    def _on_pressed(self, hotkey_id: str, serial: int) -> None:
        if self._is_current(hotkey_id, serial):
            self.activated.emit(hotkey_id)

    def _on_refused(self, hotkey_id: str, serial: int, message: str) -> None:
        if self._is_current(hotkey_id, serial):
            del self._registrations[hotkey_id]
            self._forget(hotkey_id, serial)
            self.failed.emit(hotkey_id, message)


__all__ = [
    "HotkeyBackend",
    "HotkeyError",
    "Unavailable",
    "advised",
    "desktop_command",
    "taken_message",
    "used_here_message",
]

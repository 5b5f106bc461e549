"""Global shortcuts on X11: XGrabKey on the root window, on a connection and thread of our own.

Qt's own X connection is left alone (the backend works whatever Qt's platform is); the
thread waits on the connection's socket with ``select`` and a wake-up pipe, so commands
from the GUI thread and ``close()`` are handled at once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import select
import threading
from dataclasses import dataclass

from PySide6.QtCore import QObject
from Xlib import XK, X
from Xlib.display import Display
from Xlib.error import BadAccess, CatchError, ConnectionClosedError
from Xlib.protocol import event as xevent

from app.quick.hotkeys.backend import SETTINGS_HINT, HotkeyBackend, taken_message
from app.quick.hotkeys.keysyms import keysym_name
from app.quick.hotkeys.sequence import HotkeyError, KeySequence, Modifier

log = logging.getLogger(__name__)

_SELECT_TIMEOUT = 0.5  # seconds; the pipe wakes the thread sooner, this is a safety net
_JOIN_TIMEOUT = 3.0
_LOST = (
    "The connection to the X server was lost, so global shortcuts stopped; "
    "restart Maestrale to use them again."
)


@dataclass(frozen=True)
class ModifierMasks:
    """The X modifier bits of the keys whose bit depends on the keyboard mapping."""

    alt: int = X.Mod1Mask
    meta: int = X.Mod4Mask
    num_lock: int = X.Mod2Mask

    @property
    def lock_variants(self) -> tuple[int, ...]:
        """Every combination of CapsLock and NumLock, each needing a grab of its own."""
        return (0, X.LockMask, self.num_lock, X.LockMask | self.num_lock)

    @property
    def significant(self) -> int:
        """The bits of an event's state that tell shortcuts apart (not locks, not buttons)."""
        every = X.ShiftMask | X.ControlMask | X.Mod1Mask | X.Mod2Mask
        every |= X.Mod3Mask | X.Mod4Mask | X.Mod5Mask
        return every & ~self.num_lock


def modifier_mask(sequence: KeySequence, masks: ModifierMasks) -> int:
    bits = {
        Modifier.CTRL: X.ControlMask,
        Modifier.ALT: masks.alt,
        Modifier.SHIFT: X.ShiftMask,
        Modifier.META: masks.meta,
    }
    mask = 0
    for modifier in sequence.modifiers:
        mask |= bits[modifier]
    return mask


def keysym(sequence: KeySequence) -> int:
    """The X keysym of the sequence's key.

    Raises:
        HotkeyError: X has no keysym of that name (F35 is the last function key).
    """
    value = XK.string_to_keysym(keysym_name(sequence))
    if value == X.NoSymbol:
        raise HotkeyError(f"X11 has no key named {sequence.key}; {SETTINGS_HINT}")
    return value


@dataclass(frozen=True)
class _Grab:
    hotkey_id: str
    serial: int
    sequence: KeySequence


@dataclass(frozen=True)
class _Ungrab:
    hotkey_id: str
    serial: int


class _Stop:
    pass


_Command = _Grab | _Ungrab | _Stop


class X11Backend(HotkeyBackend):
    """Global shortcuts through XGrabKey.

    Opening the X connection happens in the constructor (a few milliseconds on a local
    display); it raises ``Xlib.error.DisplayError`` (or ``OSError``) when there is none.
    """

    def __init__(self, parent: QObject | None = None, *, display_name: str | None = None) -> None:
        super().__init__(parent)
        self._display = Display(display_name)
        self._commands: queue.SimpleQueue[_Command] = queue.SimpleQueue()
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_write, False)  # never stall the GUI thread
        self._lost = threading.Event()  # the X connection broke and the thread stopped
        self._thread = threading.Thread(target=self._run, name="X11 global shortcuts", daemon=True)
        self._thread.start()

    @property
    def name(self) -> str:
        return "X11"

    def _check(self, sequence: KeySequence) -> None:
        keysym(sequence)

    def _add(self, hotkey_id: str, serial: int, sequence: KeySequence, description: str) -> None:
        self._send(_Grab(hotkey_id, serial, sequence))
        if self._lost.is_set():
            # Nobody will read the command. (Reported twice is harmless: the second
            # report finds the id gone.)
            self._refused.emit(hotkey_id, serial, _LOST)

    def _remove(self, hotkey_id: str, serial: int) -> None:
        self._send(_Ungrab(hotkey_id, serial))

    def _shutdown(self) -> None:
        self._send(_Stop())
        self._thread.join(_JOIN_TIMEOUT)
        if self._thread.is_alive():
            log.warning("The X11 shortcut thread did not stop within %s s", _JOIN_TIMEOUT)
            return  # It still uses the pipe; leave it to the process's end.
        os.close(self._wake_read)
        os.close(self._wake_write)

    def _send(self, command: _Command) -> None:
        self._commands.put(command)
        with contextlib.suppress(BlockingIOError):  # full: the thread has wake-ups to read
            os.write(self._wake_write, b"!")

    # The thread -----------------------------------------------------------------------

    def _run(self) -> None:
        worker: _GrabWorker | None = None
        try:
            worker = _GrabWorker(self._display, self)
            worker.run(self._commands, self._wake_read)
        except Exception:
            log.exception("The X11 shortcut thread stopped")
            self._lost.set()
            owners = worker.owners() if worker else []
            while True:
                try:
                    command = self._commands.get_nowait()
                except queue.Empty:
                    break
                if isinstance(command, _Grab):
                    owners.append((command.hotkey_id, command.serial))
            for hotkey_id, serial in owners:
                self._refused.emit(hotkey_id, serial, _LOST)
        finally:
            if worker is not None:
                worker.release_all()
            try:
                self._display.close()  # flushes first, which fails on a broken connection
            except (ConnectionClosedError, OSError) as exc:
                log.debug("Closing the X connection: %s", exc)

    def report_pressed(self, hotkey_id: str, serial: int) -> None:
        self._pressed.emit(hotkey_id, serial)

    def report_refused(self, hotkey_id: str, serial: int, message: str) -> None:
        self._refused.emit(hotkey_id, serial, message)


class _GrabWorker:
    """The X side: runs on the backend's thread only, the one user of its Display."""

    def __init__(self, display: Display, backend: X11Backend) -> None:
        self._display = display
        self._root = display.screen().root
        self._backend = backend
        self._masks = read_modifier_masks(display)
        # (keycode, modifier mask) -> (id, serial), and the reverse with the shortcut.
        self._grabs: dict[tuple[int, int], tuple[str, int]] = {}
        self._keys: dict[str, tuple[int, int, _Grab]] = {}
        self._last_release: dict[int, int] = {}

    def owners(self) -> list[tuple[str, int]]:
        return list(self._grabs.values())

    def run(self, commands: queue.SimpleQueue[_Command], wake: int) -> None:
        connection = self._display.fileno()
        while True:
            # Events already read into python-xlib's queue (during a sync) come first:
            # select() would not see them.
            while self._display.pending_events():
                self._handle_event(self._display.next_event())
            readable, _, _ = select.select([connection, wake], [], [], _SELECT_TIMEOUT)
            if wake in readable:
                os.read(wake, 4096)
            while True:
                try:
                    command = commands.get_nowait()
                except queue.Empty:
                    break
                if isinstance(command, _Stop):
                    return
                if isinstance(command, _Grab):
                    self._grab(command)
                else:
                    self._ungrab(command.hotkey_id, command.serial)

    def _grab(self, command: _Grab) -> None:
        sequence = command.sequence
        keycode = self._display.keysym_to_keycode(keysym(sequence))
        if keycode == 0:
            self._backend.report_refused(
                command.hotkey_id,
                command.serial,
                f"{sequence} cannot be typed on this keyboard (it has no {sequence.key} key); "
                f"{SETTINGS_HINT}",
            )
            return
        mask = modifier_mask(sequence, self._masks)
        catcher = CatchError(BadAccess)
        for locks in self._masks.lock_variants:
            self._root.grab_key(
                keycode, mask | locks, False, X.GrabModeAsync, X.GrabModeAsync, onerror=catcher
            )
        self._display.sync()  # a round trip: BadAccess, if any, has arrived
        if catcher.get_error() is not None:
            self._release(keycode, mask)
            self._backend.report_refused(command.hotkey_id, command.serial, taken_message(sequence))
            return
        self._grabs[keycode, mask] = (command.hotkey_id, command.serial)
        self._keys[command.hotkey_id] = (keycode, mask, command)
        # Only now does the key reach us: registering only asked this thread to grab it.
        log.info("Global shortcut %s grabbed", sequence)

    def _ungrab(self, hotkey_id: str, serial: int) -> None:
        entry = self._keys.get(hotkey_id)
        if entry is None or entry[2].serial != serial:
            return  # never grabbed (refused), or already replaced
        keycode, mask, _ = self._keys.pop(hotkey_id)
        del self._grabs[keycode, mask]
        self._release(keycode, mask)
        self._display.sync()

    def _release(self, keycode: int, mask: int) -> None:
        # Releases only this client's grabs: another program's stay untouched.
        for locks in self._masks.lock_variants:
            self._root.ungrab_key(keycode, mask | locks)

    def release_all(self) -> None:
        grabs = list(self._grabs)
        self._grabs.clear()
        self._keys.clear()
        try:
            for keycode, mask in grabs:
                self._release(keycode, mask)
            self._display.sync()
        except (ConnectionClosedError, OSError) as exc:
            # The connection is what broke; the server drops our grabs with it.
            log.debug("Could not release the X11 grabs: %s", exc)

    def _handle_event(self, event: object) -> None:
        if isinstance(event, xevent.KeyRelease):
            self._last_release[event.detail] = event.time
        elif isinstance(event, xevent.KeyPress):
            # X's auto-repeat sends a release and a press with the same time: not a new press.
            if self._last_release.get(event.detail) == event.time:
                return
            owner = self._grabs.get((event.detail, event.state & self._masks.significant))
            if owner is not None:
                self._backend.report_pressed(*owner)
        elif isinstance(event, xevent.MappingNotify):
            self._display.refresh_keyboard_mapping(event)
            if event.request == X.MappingKeyboard:
                self._follow_moved_keys()

    def _follow_moved_keys(self) -> None:
        """Grabs again the shortcuts whose key now has another keycode (a new layout)."""
        for keycode, _mask, command in list(self._keys.values()):
            if self._display.keysym_to_keycode(keysym(command.sequence)) != keycode:
                self._ungrab(command.hotkey_id, command.serial)
                self._grab(command)


def read_modifier_masks(display: Display) -> ModifierMasks:
    """Where Alt, Super and NumLock sit in this server's modifier map (usually 1, 4 and 2)."""
    found: dict[str, int] = {}
    wanted = {
        XK.string_to_keysym(name): role
        for name, role in (
            ("Alt_L", "alt"),
            ("Alt_R", "alt"),
            ("Super_L", "meta"),
            ("Super_R", "meta"),
            ("Num_Lock", "num_lock"),
        )
    }
    for index, keycodes in enumerate(display.get_modifier_mapping()):
        if index < 3:
            continue  # Shift, Lock and Control have fixed bits
        for keycode in keycodes:
            role = wanted.get(display.keycode_to_keysym(keycode, 0)) if keycode else None
            if role is not None:
                found.setdefault(role, 1 << index)
    return ModifierMasks(**found)

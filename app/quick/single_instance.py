"""One Maestrale per user and data folder: a local socket the running instance listens on.

A second start hands its command ("show", "new-chat", "quick") to the running instance
and exits. The protocol is one JSON line each way: the client writes ``{"command": ...,
"arguments": {...}}`` and reads ``{"ok": true}`` or ``{"ok": false, "error": ...}``.

Choices worth knowing:

* The socket is private to the user: its name holds the user id (Windows: the user
  name), and ``UserAccessOption`` makes Qt create it readable and writable by its owner
  only (on Unix ``srwx------``, created in a private temporary folder and renamed into
  place; on Windows a pipe whose security descriptor admits only the owner).
* That rename also replaces a live socket of the same name, so ``QLocalServer.listen``
  alone would let two instances run. ``InstanceServer.listen`` first tries to connect:
  someone answers, it is not the instance; nobody does, a file left by a crash is
  removed (``QLocalServer.removeServer``) and it listens. A ``QLockFile`` beside the
  socket makes that check-then-listen atomic between two starts in the same instant
  (a double click on the launcher); a lock left by a killed process is stale at once.
* The window's start splits that in two (``claim_instance``, then
  ``InstanceServer.listen(claim)`` once the window has painted): QtNetwork takes some
  15 ms to load, a tenth of what the window's own start may take. The claim holds the
  lock from the check until the listening, so the check-then-listen stays atomic; on
  Unix the check connects with Python's own socket, which needs no QtNetwork.
* ``send_to_running`` is synchronous (``waitForConnected``, ``waitForBytesWritten``,
  ``waitForReadyRead``) and needs no ``QCoreApplication``: the command line calls it
  before any exists, or with one. It holds the GIL while it waits, so the answering
  server must run in another process (or the caller's wait times out).
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import re
import sys
import time
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import QByteArray, QDir, QLockFile, QObject, QTimer, Signal

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalSocket

log = logging.getLogger(__name__)

SHOW: Final = "show"
"""Bring the main window to the front. Arguments: none."""
QUICK: Final = "quick"
"""Show the quick prompt window. Arguments: ``{"template": name or None}``."""
NEW_CHAT: Final = "new-chat"
"""Bring the main window to the front on a new chat. Arguments: none."""
COMMANDS: Final = (SHOW, QUICK, NEW_CHAT)

SEND_TIMEOUT_MS = 1000
PROBE_TIMEOUT_MS = 300  # a live instance accepts at once: the kernel queues the connection
LOCK_TIMEOUT_MS = 2000
IDLE_TIMEOUT_MS = 5000  # a client that says nothing is dropped
MAX_LINE_BYTES = 64 * 1024

_UNSAFE = re.compile(r"[^a-z0-9_.-]+")


class SingleInstanceError(RuntimeError):
    """This process could not listen for other starts; it can still run on its own."""


class BadRequest(ValueError):
    """A line from the socket that is not a command we know; ``str(error)`` says why."""


def instance_name(data_dir: Path) -> str:
    """The local socket name of the instance using ``data_dir``, for this user.

    ``maestrale-<user>-<8 hex digits>``: the user id on Unix (the user name, reduced to
    safe characters, on Windows) and a hash of the resolved data folder, so two data
    folders run side by side and every spelling of one folder ("~/x", a symlink, a
    relative path) gives the same name. Short enough for a Unix socket path under
    ``/tmp`` or macOS's temporary folder, and only ``[a-z0-9_.-]``: valid for a
    Windows pipe name too.
    """
    folder = os.path.normcase(str(Path(data_dir).expanduser().resolve()))
    # A checksum, not a secure hash: the name needs no secrecy (the socket is the
    # user's own) and OpenSSL's hashes would load at every start.
    digest = f"{zlib.crc32(folder.encode('utf-8', 'surrogatepass')):08x}"
    return f"maestrale-{_user()}-{digest}"


def _user() -> str:
    getuid = getattr(os, "getuid", None)
    if getuid is not None:
        return str(getuid())
    try:
        user = getpass.getuser()
    except (OSError, KeyError, ImportError):  # no user name in the environment
        user = ""
    return _UNSAFE.sub("_", user.lower())[:32] or "user"


def parse_request(line: bytes) -> tuple[str, dict[str, Any]]:
    """The command and its checked arguments in one request line (without its newline).

    Arguments the command does not know are dropped; those it knows are checked and
    given their defaults, so a slot of ``command_received`` can trust them.

    Raises:
        BadRequest: not UTF-8 JSON, not an object with a text ``command`` and an object
            ``arguments``, an unknown command, or an argument of the wrong type.
    """
    try:
        request = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadRequest("the request is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise BadRequest(f"the request is not JSON ({error.msg})") from None
    except RecursionError:
        raise BadRequest("the request is nested too deeply") from None
    if not isinstance(request, dict):
        raise BadRequest("the request is not a JSON object")
    command = request.get("command")
    arguments = request.get("arguments", {})
    if not isinstance(command, str):
        raise BadRequest("the request has no text 'command'")
    if not isinstance(arguments, dict):
        raise BadRequest("the request's 'arguments' is not an object")
    if command in (SHOW, NEW_CHAT):
        return command, {}
    if command == QUICK:
        template = arguments.get("template")
        if template is not None and not isinstance(template, str):
            raise BadRequest("'template' is not a text or null")
        return QUICK, {"template": template or None}
    raise BadRequest(f"unknown command {command[:40]!r}")


def _encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _lock_path(name: str) -> str:
    return os.path.join(QDir.tempPath(), f"{name}.lock")


def _answers(name: str, timeout_ms: int) -> bool:
    """Whether an instance listens on ``name`` (a connection is accepted)."""
    if sys.platform != "win32":
        answered = _unix_socket_answers(os.path.join(QDir.tempPath(), name), timeout_ms)
        if answered is not None:
            return answered
    from PySide6.QtNetwork import QLocalSocket

    probe = QLocalSocket()
    probe.connectToServer(name)
    connected = probe.waitForConnected(timeout_ms)
    probe.abort()
    return connected


def _unix_socket_answers(path: str, timeout_ms: int) -> bool | None:
    """Whether a process accepts connections on the Unix socket file ``path``; None when
    that cannot be told this way (Qt's own probe decides then).

    ``_socket``, not ``socket``: the latter's import (selectors, its enums) costs some
    10 ms of the start-up, and a connect is all this needs.
    """
    import _socket

    probe = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        probe.settimeout(timeout_ms / 1000)
        probe.connect(path)
    except (FileNotFoundError, ConnectionRefusedError, TimeoutError):
        return False  # no file, one left by a crash, or an instance that hangs
    except OSError:
        return None  # a path too long for a socket address, for example
    finally:
        probe.close()
    return True


class InstanceClaim:
    """The right to become the instance on a name, held from the check that nobody
    answers until ``InstanceServer.listen`` uses it (or ``release``)."""

    def __init__(self, name: str, lock: QLockFile | None) -> None:
        self.name = name
        self._lock = lock

    def release(self) -> None:
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None


def claim_instance(name: str) -> InstanceClaim | None:
    """The claim to listen on ``name``, or None when another instance answers there
    (hand the command to it and exit). Needs no QtNetwork on Unix."""
    lock = QLockFile(_lock_path(name))
    locked = lock.tryLock(LOCK_TIMEOUT_MS)
    if not locked:  # e.g. an unwritable temporary folder: go on without the lock
        log.warning("Could not lock %s (%s)", _lock_path(name), lock.error())
    claim = InstanceClaim(name, lock if locked else None)
    if _answers(name, PROBE_TIMEOUT_MS):
        claim.release()
        return None
    return claim


class InstanceServer(QObject):
    """The running instance's end of the socket: receives the commands of later starts.

    Args:
        name: from ``instance_name``.

    Signals:
        command_received(str, dict): a command of ``COMMANDS`` and its checked arguments
            (see ``parse_request``), already acknowledged to the sender.
    """

    command_received = Signal(str, dict)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        from PySide6.QtNetwork import QLocalServer

        super().__init__(parent)
        self._name = name
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self.on_new_connection)

    @property
    def name(self) -> str:
        return self._name

    def is_listening(self) -> bool:
        return self._server.isListening()

    def server_path(self) -> str:
        """Where the socket is (a file path on Unix, a pipe name on Windows), or "" ."""
        return self._server.fullServerName()

    def listen(self, claim: InstanceClaim | None = None) -> bool:
        """Become the instance: ``True`` when this process now listens, ``False`` when
        another instance answers on the name (hand the command to it and exit).

        ``claim``, from ``claim_instance`` on this name, means that check is done: this
        listens and releases it. A socket file nobody answers on was left by a crash: it
        is removed first.

        Raises:
            SingleInstanceError: listening failed for another reason (the temporary
                folder is not writable, for example); run without a single instance.
        """
        if self._server.isListening():
            if claim is not None:
                claim.release()
            return True
        if claim is None:
            claim = claim_instance(self._name)
            if claim is None:
                return False
        from PySide6.QtNetwork import QLocalServer

        try:
            if QLocalServer.removeServer(self._name):
                log.debug("Removed a stale instance socket %s", self._name)
            if not self._server.listen(self._name):
                raise SingleInstanceError(
                    f"Could not listen on the local socket {self._name}: "
                    f"{self._server.errorString()}; check that the temporary folder "
                    f"{QDir.tempPath()} is writable."
                )
        finally:
            claim.release()
        log.info("Listening for other starts on %s", self._server.fullServerName())
        return True

    def close(self) -> None:
        """Stop listening (the socket file goes away) and drop every client."""
        self._server.close()
        for client in self.findChildren(_Client):
            client.close()

    def on_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            client = _Client(self._server.nextPendingConnection(), self._name, parent=self)
            client.command_received.connect(self.command_received)


class _Client(QObject):
    """One connection to the instance: answers each request line, drops a silent or
    flooding client. It owns its socket and goes away when the client disconnects.

    Signals:
        command_received(str, dict): a valid request, already acknowledged.
    """

    command_received = Signal(str, dict)

    def __init__(self, socket: QLocalSocket, name: str, parent: QObject) -> None:
        super().__init__(parent)
        self._socket = socket
        self._name = name
        self._buffer = bytearray()
        socket.setParent(self)
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self.close)
        self._idle.start(IDLE_TIMEOUT_MS)
        socket.readyRead.connect(self.on_ready_read)
        socket.disconnected.connect(self.on_disconnected)
        if socket.bytesAvailable():
            self.on_ready_read()

    def close(self) -> None:
        self._socket.abort()
        self.deleteLater()

    def on_disconnected(self) -> None:
        self.deleteLater()

    def on_ready_read(self) -> None:
        from PySide6.QtNetwork import QLocalSocket  # loaded: this socket is one

        self._idle.start(IDLE_TIMEOUT_MS)
        self._buffer += bytes(self._socket.readAll().data())
        while (end := self._buffer.find(b"\n")) >= 0:
            line = bytes(self._buffer[:end]).rstrip(b"\r")
            del self._buffer[: end + 1]
            if line.strip():
                self._answer(line)
            if self._socket.state() != QLocalSocket.LocalSocketState.ConnectedState:
                return  # a slot closed the server, or the client left
        if len(self._buffer) > MAX_LINE_BYTES:
            self._write({"ok": False, "error": "the request is too long"})
            self.close()

    def _answer(self, line: bytes) -> None:
        try:
            command, arguments = parse_request(line)
        except BadRequest as error:
            log.warning("Ignored a request on %s: %s", self._name, error)
            self._write({"ok": False, "error": str(error)})
            return
        self._write({"ok": True})
        self.command_received.emit(command, arguments)

    def _write(self, message: dict[str, Any]) -> None:
        self._socket.write(QByteArray(_encode(message)))
        self._socket.flush()


def send_to_running(
    name: str, command: str, arguments: dict[str, Any], timeout_ms: int = SEND_TIMEOUT_MS
) -> bool:
    """Hand ``command`` to the instance listening on ``name``; whether it took it.

    ``False`` at once when nothing listens (no socket, or one left by a crash), and
    after at most ``timeout_ms`` when the instance does not acknowledge (it hangs, or
    refused the command: the reason is logged). Works with or without a
    ``QCoreApplication``; it blocks, so never call it on the GUI thread of the instance
    it talks to.
    """
    deadline = time.monotonic() + timeout_ms / 1000

    def remaining() -> int:
        return max(0, int((deadline - time.monotonic()) * 1000))

    from PySide6.QtNetwork import QLocalSocket

    socket = QLocalSocket()
    socket.connectToServer(name)
    try:
        if not socket.waitForConnected(remaining()):
            return False
        socket.write(QByteArray(_encode({"command": command, "arguments": arguments})))
        while socket.bytesToWrite() > 0:
            if not socket.waitForBytesWritten(remaining()):
                return False
        reply = b""
        while b"\n" not in reply:
            if not socket.bytesAvailable() and not socket.waitForReadyRead(remaining()):
                log.warning("The running instance on %s did not answer in time", name)
                return False
            reply += bytes(socket.readAll().data())
    finally:
        socket.abort()
    try:
        answer = json.loads(reply.split(b"\n", 1)[0])
    except ValueError:
        log.warning("The running instance on %s answered something unreadable", name)
        return False
    if isinstance(answer, dict) and answer.get("ok") is True:
        return True
    error = answer.get("error") if isinstance(answer, dict) else None
    log.warning("The running instance refused %r: %s", command, error)
    return False

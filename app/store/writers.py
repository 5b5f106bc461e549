"""Which processes are alive and may still be streaming into the history file.

Every open history connection holds an exclusive advisory lock on its own small file
``<history file>-writers/<writer id>.lock`` for as long as it is open. A streaming message
row records the writer id of the connection that writes it. The operating system drops
the lock when the process ends in any way (exit, crash, ``kill -9``, power loss), so
"can I take this lock?" answers "is that writer dead?" exactly, with no pid reuse problem
and no clock involved. Process ids plus start times would need a platform-specific way
to read a process's start time (psutil is not a dependency) and a heartbeat column would
need a clock and a timeout; a held lock needs neither.

POSIX uses ``flock``: its locks belong to the open file description, so two connections
in one process exclude each other just like two processes (tests rely on this). Windows
uses ``msvcrt.locking`` on the file's first byte, which is likewise per handle.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import weakref
from pathlib import Path

from app.store.ids import new_id

if sys.platform == "win32":
    import msvcrt
else:
    import fcntl

log = logging.getLogger(__name__)

_WRITER_ID = re.compile(r"[0-9a-f]{32}")


def writers_folder(database: Path) -> Path:
    return database.with_name(database.name + "-writers")


def _lock_fd(fd: int) -> bool:
    """Take an exclusive lock without waiting; ``False`` when someone else holds it."""
    if sys.platform == "win32":
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True  # other errors (no locks on this file system) propagate


class WriterLock:
    """This connection's proof of life: an exclusive lock on ``<folder>/<writer_id>.lock``."""

    def __init__(self, database: Path) -> None:
        folder = writers_folder(database)
        folder.mkdir(parents=True, exist_ok=True)
        self.writer_id = new_id()
        self.path = folder / f"{self.writer_id}.lock"
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        # The finalizer closes the descriptor (dropping the lock) even if close() is never
        # called, without the ResourceWarning a forgotten file object would raise.
        self._finalizer = weakref.finalize(self, os.close, fd)
        try:
            _lock_fd(fd)  # a fresh uuid4 name: nobody else can hold it
        except OSError as error:
            # Others then cannot test the lock either and assume this writer alive: its
            # answers are never cut off, only left unrecovered if it crashes.
            log.warning("No advisory locks for %s: %s", self.path, error)
        try:
            os.write(fd, f"pid {os.getpid()}\n".encode())
        except OSError:
            # A full disk, say: no lock file is left behind (each failed start left one).
            self.release()
            raise

    @property
    def held(self) -> bool:
        return self._finalizer.alive

    def release(self) -> None:
        if not self._finalizer.alive:
            return
        self._finalizer()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def writer_is_alive(database: Path, writer_id: str) -> bool:
    """Whether the connection ``writer_id`` still holds its lock (in any process).

    A writer found dead has its leftover lock file removed. When the lock cannot be
    tested for another reason (a file system without locks, a permission problem) the
    writer is assumed alive: leaving a row "streaming" is better than cutting off a live
    answer, and the next start-up tries again.
    """
    if not _WRITER_ID.fullmatch(writer_id):
        return False
    path = writers_folder(database) / f"{writer_id}.lock"
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    except OSError as error:
        log.warning("Cannot test the writer lock %s: %s", path, error)
        return True
    try:
        alive = not _lock_fd(fd)
    except OSError as error:
        log.warning("Cannot test the writer lock %s: %s", path, error)
        alive = True
    finally:
        # Closed before the unlink: Windows cannot delete a file that is still open.
        os.close(fd)
    if not alive:
        with contextlib.suppress(OSError):
            path.unlink()
    return alive


def sweep_dead_writers(database: Path, keep: str) -> None:
    """Remove lock files left by processes that ended without closing the history."""
    folder = writers_folder(database)
    try:
        names = [entry.name for entry in os.scandir(folder)]
    except OSError:
        return
    for name in names:
        writer_id, dot, ext = name.partition(".")
        if dot and ext == "lock" and writer_id != keep:
            writer_is_alive(database, writer_id)

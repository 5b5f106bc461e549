"""Finding what another program changed in the history, off the GUI thread.

``changed_outside`` compares a few columns of every row loaded with the rows shown:
with 10,000 conversations loaded that took 40 to 100 ms, the window frozen meanwhile,
at each outside write (`maestrale ask`, a second window). Here it runs on one worker
thread with its own read-only connection, from a ``Snapshot`` of the rows; the ids
found come back to the GUI thread (``found``), which reads and moves just those rows.
Only the newest request matters: one that waits is replaced by the next. Closing
interrupts a comparison under way, a wait for another program's lock too: SQLite's
own wait is deaf to ``interrupt()``, so the worker waits in short turns and gives up
at the first one after closing began (the window waited up to five seconds to close).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from app.store import StoreError, open_reader
from app.store.conversations import read_stamps
from app.store.db import translate_error
from app.ui.sidebar.outside_changes import Snapshot, changed_outside

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger(__name__)

LOCK_TURN_MS = 50  # one turn of waiting for another program's lock, between checks


class _Stamps:
    """``list_stamps`` on the worker's connection."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def list_stamps(
        self, *, limit: int | None = None, pinned: bool | None = None, kind: str | None = None
    ) -> list[tuple[str, str, str, bool, str]]:
        return read_stamps(self._connection, limit=limit, pinned=pinned, kind=kind)


class OutsideChangeReader(QObject):
    """Runs ``changed_outside`` on a thread of its own, the newest request only.

    Args:
        path: the history file (already opened, and so migrated, by the window's store).
        connect: opens the worker's read-only connection (tests may replace it).

    Signals:
        found(object): ``list[str]``, the ids of the conversations whose row differs
            from the history (changed, new, moved out or gone).
        failed(): the history could not be read; the caller may read it itself.
    """

    found = Signal(object)
    failed = Signal()

    def __init__(
        self,
        path: Path,
        *,
        connect: Callable[[Path], sqlite3.Connection] = open_reader,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._path = path
        self._connect = connect
        self._lock = threading.Lock()
        self._pending: Snapshot | None = None  # the newest request, not yet taken up
        self._stopping = False
        self._executor: ThreadPoolExecutor | None = None  # one thread, from the first request
        self._connection: sqlite3.Connection | None = None  # the executor thread's only

    def request(self, snapshot: Snapshot) -> None:
        """Compare ``snapshot`` with the history; a request still waiting is dropped."""
        with self._lock:
            if self._stopping:
                return
            waiting, self._pending = self._pending is not None, snapshot
            if waiting:
                return  # the job already queued takes this newer snapshot
            if self._executor is None:
                from concurrent.futures import ThreadPoolExecutor  # not needed at start-up

                self._executor = ThreadPoolExecutor(1, "maestrale-outside-changes")
            self._executor.submit(self._take_pending)

    def shutdown(self) -> None:
        """Drop what waits, interrupt a comparison under way, close the connection."""
        with self._lock:
            self._stopping = True
            self._pending = None
            executor, self._executor = self._executor, None  # twice: on close, on quit
            if self._connection is not None:
                self._connection.interrupt()  # thread-safe; a running statement only
        if executor is not None:
            executor.submit(self._close)
            executor.shutdown(wait=True)

    def _take_pending(self) -> None:
        with self._lock:
            snapshot, self._pending = self._pending, None
        if snapshot is not None:
            self._compare(snapshot)

    def _close(self) -> None:
        with self._lock:
            connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def _stopped(self) -> bool:
        with self._lock:
            return self._stopping

    def _open(self) -> sqlite3.Connection:
        """The worker's connection, waiting for locks one turn at a time (see
        ``_compare_in_turns``)."""
        if self._connection is None:
            connection = self._connect(self._path)
            try:
                connection.execute(f"PRAGMA busy_timeout = {LOCK_TURN_MS}")
            except sqlite3.Error:
                connection.close()
                raise
            with self._lock:
                self._connection = connection  # shutdown() may interrupt it from now
        return self._connection

    def _compare_in_turns(self, snapshot: Snapshot) -> list[str] | None:
        """``changed_outside``, waiting for a lock as long as any read does but in short
        turns: None once closing began (shutdown does not wait out the lock)."""
        from app.store import db  # BUSY_TIMEOUT_MS read at call time: tests change it

        deadline = time.monotonic() + db.BUSY_TIMEOUT_MS / 1000
        while True:
            began = time.monotonic()
            stamps = _Stamps(self._open())
            try:
                return changed_outside(stamps, snapshot.rows, snapshot.listed, snapshot.paging)
            except sqlite3.OperationalError as error:
                if self._stopped():
                    return None  # interrupted, or a lock: closing
                busy = error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
                if not busy or time.monotonic() >= deadline:
                    raise
                # Some refusals come at once, without SQLite's wait (a WAL snapshot gone
                # stale, a recovery under way): a turn lasts LOCK_TURN_MS anyway, not a spin.
                time.sleep(max(0.0, LOCK_TURN_MS / 1000 - (time.monotonic() - began)))

    def _compare(self, snapshot: Snapshot) -> None:
        try:
            changed = self._compare_in_turns(snapshot)
            if changed is None:
                return
        except (sqlite3.Error, StoreError) as error:
            reason = (
                translate_error(error, self._path) if isinstance(error, sqlite3.Error) else error
            )
            log.warning("Looking for other programs' changes failed: %s", reason)
            self._emit(self.failed.emit)
            return
        except Exception:  # a bug: the executor would drop it unseen
            log.exception("Looking for other programs' changes failed")
            self._emit(self.failed.emit)
            return
        self._emit(lambda: self.found.emit(changed))

    def _emit(self, emit: Callable[[], object]) -> None:
        with self._lock:
            if self._stopping:
                return
        try:
            emit()  # queued to the GUI thread: this object lives there
        except RuntimeError:  # the QObject was deleted meanwhile
            log.debug("Outside changes found after the sidebar was closed")

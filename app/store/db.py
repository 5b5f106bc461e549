"""The history file: opening it safely, its schema and migrations, and crash recovery.

A file that is damaged, foreign or too new is detected before anything is written to it
and is left byte for byte as it was (``PRAGMA journal_mode=WAL`` itself writes, so every
check runs first). ``set_aside`` moves such a file out of the way on the user's request.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import logging
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from app.domain.messages import to_iso, utc_now
from app.store.cjk_index import ensure_cjk_index
from app.store.errors import DatabaseBusy, DatabaseTooNew, DatabaseUnreadable
from app.store.schema import APPLICATION_ID, CJK_INDEX_FORMAT, MIGRATIONS, SCHEMA_VERSION
from app.store.writers import WriterLock, sweep_dead_writers, writer_is_alive

log = logging.getLogger(__name__)

INTERRUPTED_ERROR = "The program stopped before the answer finished."
BUSY_TIMEOUT_MS = 5000

_SQLITE_MAGIC = b"SQLite format 3\x00"
_SIDE_FILES = ("-wal", "-shm", "-journal")
_PERMISSIONS = DatabaseUnreadable.PERMISSIONS_ADVICE
# Extended result codes carry the primary code in their low byte.
_REASONS = {
    sqlite3.SQLITE_CORRUPT: ("it is damaged", DatabaseUnreadable.DAMAGED_ADVICE),
    sqlite3.SQLITE_NOTADB: ("it is not a SQLite database", DatabaseUnreadable.DAMAGED_ADVICE),
    sqlite3.SQLITE_READONLY: ("it is read-only", _PERMISSIONS),
    sqlite3.SQLITE_CANTOPEN: ("it cannot be opened", _PERMISSIONS),
    sqlite3.SQLITE_PERM: ("permission was denied", _PERMISSIONS),
    sqlite3.SQLITE_AUTH: ("permission was denied", _PERMISSIONS),
    sqlite3.SQLITE_IOERR: ("reading or writing it failed", "check the disk, then try again"),
    sqlite3.SQLITE_FULL: ("the disk is full", "free some disk space, then try again"),
}


class StoreConnection(sqlite3.Connection):
    """A connection to the history file, with this connection's writer lock.

    Opened by ``open_database`` in autocommit mode (``isolation_level=None``): every
    write is an explicit short transaction. ``check_same_thread`` is off so a connection
    can be handed to a worker thread, but it must be used from one thread at a time;
    give a background thread (search, import, export) a connection of its own.
    """

    path: Path
    writer_id: str
    recovered_count: int = 0
    read_only: bool = False  # opened by app.store.read_only: it never writes
    _writer_lock: WriterLock | None = None
    _on_close: Callable[[], None] | None = None

    def close(self) -> None:
        """Close; this connection's own unfinished answers become interrupted first.

        Nothing can finish them once the connection is gone, and another process that
        is already running would not notice until its next start.
        """
        lock = self._writer_lock
        if lock is not None and lock.held:
            if not self.read_only:
                try:
                    if self.in_transaction:
                        self.execute("ROLLBACK")
                    _interrupt(self, self.writer_id)
                except sqlite3.Error as error:
                    log.warning("Could not mark unfinished answers interrupted: %s", error)
            lock.release()
        super().close()
        if self._on_close is not None:
            self._on_close()
            self._on_close = None


_USER_VERSION_OFFSET = 60  # in the database header: https://sqlite.org/fileformat.html


def open_database(path: Path) -> StoreConnection:
    """Open (creating if needed) the history file, migrate it, and recover crashed answers.

    Raises:
        DatabaseUnreadable: corrupt, not a database, another program's database, or not
            readable or writable; the file was not modified.
        DatabaseTooNew: written by a newer Maestrale.
        DatabaseBusy: another process kept it locked for more than five seconds.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseUnreadable(
            path, f"its folder cannot be created: {error.strerror}", _PERMISSIONS
        ) from None
    check_header(path)
    try:
        connection = StoreConnection(
            str(path),
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
        )
    except sqlite3.Error as error:
        raise translate_error(error, path) from error
    connection.path = path
    with closed_on_error(connection, path):
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = check_contents(connection, path)
        mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":  # pragma: no cover - e.g. some network file systems
            log.warning("The history file %s could not use WAL (mode %s)", path, mode)
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("PRAGMA foreign_keys = ON")
        if version < SCHEMA_VERSION:
            _migrate(connection, path)
        if SCHEMA_VERSION >= CJK_INDEX_FORMAT:
            ensure_cjk_index(connection)
        try:
            lock = WriterLock(path)
        except OSError as error:
            raise _lock_folder_error(path, error) from None
        connection.writer_id = lock.writer_id
        connection._writer_lock = lock
        sweep_dead_writers(path, keep=lock.writer_id)
        try:
            connection.recovered_count = recover_interrupted(connection)
        except sqlite3.OperationalError as error:
            # Another process holds the write lock (an import): the window opens all
            # the same (it crashed), and the next start marks those answers.
            log.warning("Could not mark unfinished answers interrupted yet: %s", error)
            connection.recovered_count = 0
    return connection


@contextlib.contextmanager
def closed_on_error(connection: sqlite3.Connection, path: Path) -> Iterator[None]:
    """Close ``connection`` if the block raises: it is being opened, and nothing else
    would close it. SQLite's errors are raised as the history's (``translate_error``)."""
    try:
        yield
    except sqlite3.Error as error:
        connection.close()
        raise translate_error(error, path) from error
    except BaseException:
        connection.close()
        raise


def _lock_folder_error(path: Path, error: OSError) -> DatabaseUnreadable:
    """Why the writers' lock folder beside the history cannot be written, and what to do
    (a full disk was reported as a matter of permissions)."""
    if error.errno == errno.ENOSPC:
        return DatabaseUnreadable(path, "the disk is full", _REASONS[sqlite3.SQLITE_FULL][1])
    if error.errno == errno.EROFS:
        return DatabaseUnreadable(
            path, "it is on a read-only disk", DatabaseUnreadable.READ_ONLY_DISK_ADVICE
        )
    return DatabaseUnreadable(
        path, f"its lock folder cannot be written: {error.strerror}", _PERMISSIONS
    )


def needs_upgrade(path: Path) -> bool:
    """Whether opening ``path`` will first convert it from an older Maestrale's format.

    Converting a long history can take a while (its search index is rebuilt): callers
    say so to the user before they open it. A missing, new or unreadable file is not an
    upgrade (opening it then reports what is wrong). Read from the file's header, where
    SQLite keeps ``user_version``, without opening the database unless a write-ahead
    log may hold a newer version.
    """
    try:
        with Path(path).open("rb") as file:
            header = file.read(_USER_VERSION_OFFSET + 4)
    except OSError:
        return False
    if len(header) < _USER_VERSION_OFFSET + 4 or not header.startswith(_SQLITE_MAGIC):
        return False
    version = int.from_bytes(header[_USER_VERSION_OFFSET:], "big")
    if not 0 < version < SCHEMA_VERSION:
        return False
    path = Path(path)
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        # The header can be behind: a newer Maestrale that has the file open converted
        # it, and the conversion still sits in the write-ahead log. Ask SQLite.
        try:
            with contextlib.closing(sqlite3.connect(path, timeout=5)) as connection:
                version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        except sqlite3.Error:
            return True  # opening it will say what is wrong
    return 0 < version < SCHEMA_VERSION


def open_reader(path: Path) -> sqlite3.Connection:
    """A read-only connection to an existing history file, for a background thread.

    Search and export over a large history run off the GUI thread with a connection
    of their own (a connection serves one thread at a time). This one never writes,
    migrates, recovers or takes a writer lock: open the file with ``open_database``
    first. ``interrupt()`` from another thread stops its running query.

    Raises:
        DatabaseUnreadable: the file is missing or cannot be read.
    """
    path = Path(path).resolve()
    try:
        return connect_to_read(path, "mode=rw", sqlite3.Connection)
    except sqlite3.Error as error:
        raise translate_error(error, path) from error


_Connection = TypeVar("_Connection", bound=sqlite3.Connection)


def connect_to_read(path: Path, options: str, factory: type[_Connection]) -> _Connection:
    """A connection to the file ``path`` (absolute) opened with the URI ``options``, that
    waits for a lock as ``open_database``'s does and refuses to write (``query_only``).

    Only pragmas that write nothing: ``journal_mode`` (see ``open_database``) writes to
    the file, and a reader must leave it as it was. Raises sqlite3.Error as SQLite does.
    """
    connection = sqlite3.connect(
        f"{path.as_uri()}?{options}",
        uri=True,
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,
        check_same_thread=False,
        factory=factory,
    )
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA query_only = ON")
    except sqlite3.Error:
        connection.close()
        raise
    return connection


def check_header(path: Path) -> None:
    if path.is_dir():
        raise DatabaseUnreadable(path, "it is a folder, not a file")
    try:
        with path.open("rb") as file:
            header = file.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return
    except OSError as error:
        raise DatabaseUnreadable(
            path, f"it cannot be read: {error.strerror}", _PERMISSIONS
        ) from None
    if header and header != _SQLITE_MAGIC:
        raise DatabaseUnreadable(path, "it is not a SQLite database")


def check_contents(connection: sqlite3.Connection, path: Path) -> int:
    """Read the header fields and the schema (no writes); return ``user_version``.

    Reading ``sqlite_master`` makes SQLite validate page 1 and compare the page count
    in the header with the file's size, which catches truncated files.
    """
    version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    application_id = int(connection.execute("PRAGMA application_id").fetchone()[0])
    objects = int(connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])
    if application_id != APPLICATION_ID and (version or objects or application_id):
        raise DatabaseUnreadable(
            path, "it is a database of another program", "choose another data folder"
        )
    if version > SCHEMA_VERSION:
        raise DatabaseTooNew(path, version, SCHEMA_VERSION)
    return version


def _migrate(connection: sqlite3.Connection, path: Path) -> None:
    """Apply each pending migration in its own transaction, version bump included.

    The version is read again under the write lock: a second process opening a new
    file at the same moment waits here and then finds the work done.
    """
    while True:
        connection.execute("BEGIN IMMEDIATE")
        try:
            version = int(connection.execute("PRAGMA user_version").fetchone()[0])
            if version >= SCHEMA_VERSION:
                connection.execute("COMMIT")
                if version > SCHEMA_VERSION:
                    raise DatabaseTooNew(path, version, SCHEMA_VERSION)
                return
            for statement in MIGRATIONS[version]:
                connection.execute(statement)
            if version == 0:
                connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            connection.execute(f"PRAGMA user_version = {version + 1}")
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        log.info("Migrated %s to format %d", path, version + 1)


def recover_interrupted(connection: StoreConnection) -> int:
    """Mark answers left ``streaming`` by dead writers as interrupted; return how many.

    A row written by a connection that is still open (in this or another process) is
    left alone: see ``app.store.writers`` for how liveness is decided.
    """
    writers = [
        row[0]
        for row in connection.execute(
            "SELECT DISTINCT writer FROM messages WHERE status = 'streaming'"
        )
    ]
    dead = [
        writer
        for writer in writers
        if writer != connection.writer_id
        and (writer is None or not writer_is_alive(connection.path, writer))
    ]
    if not dead:
        return 0
    connection.execute("BEGIN IMMEDIATE")
    try:
        count = sum(_interrupt(connection, writer) for writer in dead)
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    if count:
        log.info("Marked %d unfinished answers as interrupted", count)
    return count


def _interrupt(connection: sqlite3.Connection, writer: str | None) -> int:
    cursor = connection.execute(
        "UPDATE messages SET status = 'interrupted', error = coalesce(error, ?),"
        " writer = NULL, updated_at = ? WHERE status = 'streaming' AND writer IS ?",
        (INTERRUPTED_ERROR, to_iso(utc_now()), writer),
    )
    return cursor.rowcount


def check_integrity(connection: sqlite3.Connection) -> list[str]:
    """Problems found by a full read of the file (empty when it is sound).

    Opening only validates the header, the schema and the file size; damage deep
    inside the file shows up here, or as ``DatabaseUnreadable`` from the query that
    meets it. This reads every page, so run it off the GUI thread.
    """
    rows = [str(row[0]) for row in connection.execute("PRAGMA quick_check")]
    return [] if rows == ["ok"] else rows


def set_aside(path: Path) -> Path:
    """Rename a damaged history file (and its -wal/-shm/-journal) beside itself.

    ``history.sqlite3`` becomes ``history.damaged-20261129-101500.sqlite3`` (with
    ``-2``, ``-3``... when that name is taken); no existing file is ever replaced.
    Return the new path of the main file.
    """
    path = Path(path)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")  # local time: the user reads it
    companions = [side for side in _SIDE_FILES if path.with_name(path.name + side).exists()]
    for attempt in itertools.count(1):
        extra = "" if attempt == 1 else f"-{attempt}"
        target = path.with_name(f"{path.stem}.damaged-{stamp}{extra}{path.suffix}")
        names = [target] + [target.with_name(target.name + side) for side in _SIDE_FILES]
        if not any(name.exists() for name in names):
            break
    path.rename(target)
    for side in companions:
        path.with_name(path.name + side).rename(target.with_name(target.name + side))
    return target


def translate_error(error: sqlite3.Error, path: Path | None) -> Exception:
    """The store error for a SQLite failure, or the error itself when it is a bug."""
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return DatabaseBusy(path)
    if primary in _REASONS and path is not None:
        return DatabaseUnreadable(path, *_REASONS[primary])
    return error

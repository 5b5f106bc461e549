"""Reading a history that cannot be written here: a backup on a read-only disk, or a
folder or file without write permission.

``open_database`` needs to write (the WAL mode, its writer lock, crash recovery), and
SQLite itself reads a WAL-mode file only when its ``-shm`` index exists or can be made
beside it. Here the file is opened with ``mode=ro`` when SQLite can read it so, else as
``immutable`` when no write-ahead log beside it may hold data not yet merged into it.
A file with such a log (a copy taken while Maestrale had it open), or of an older
format, is read from a private copy, converted there, and removed on close. Nothing in
or beside the history is changed in any of these ways.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from functools import partial
from pathlib import Path

from app.store import db
from app.store.db import (
    StoreConnection,
    check_contents,
    check_header,
    closed_on_error,
    connect_to_read,
    open_database,
    translate_error,
)
from app.store.errors import DatabaseTooNew, DatabaseUnreadable
from app.store.schema import SCHEMA_VERSION


def open_read_only(path: Path) -> StoreConnection:
    """A connection that only reads the existing history file ``path``.

    Raises:
        DatabaseUnreadable: the file is missing, damaged, foreign or cannot be read.
        DatabaseTooNew: written by a newer Maestrale.
    """
    path = Path(path)
    if not path.is_file():
        raise DatabaseUnreadable(path, "it does not exist", "check the data folder")
    check_header(path)
    options = ["mode=ro"]
    if not _log_may_hold_data(path):
        options.append("mode=ro&immutable=1")
    for option in options:
        try:
            connection = _connect(path, option)
        except sqlite3.Error:
            continue  # e.g. no -shm index beside it, and none can be made
        with closed_on_error(connection, path):
            version = check_contents(connection, path)
        if version == SCHEMA_VERSION:
            return connection
        connection.close()
        break  # an older format: its conversion needs a copy
    return _open_copy(path)


def _log_may_hold_data(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size > 0
    except FileNotFoundError:
        return False


def _connect(path: Path, option: str) -> StoreConnection:
    connection = connect_to_read(path.resolve(), option, StoreConnection)
    try:
        # Reading sqlite_master is where SQLite finds it cannot build the -shm index.
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        connection.close()
        raise
    connection.path = path
    connection.writer_id = ""
    connection.read_only = True
    return connection


def _open_copy(path: Path) -> StoreConnection:
    folder = Path(tempfile.mkdtemp(prefix="maestrale-read-only-"))
    copy = folder / path.name
    try:
        shutil.copyfile(path, copy)
        wal = path.with_name(path.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        connection = open_database(copy)
    except DatabaseUnreadable as error:  # the copy's own path is no name to give
        shutil.rmtree(folder, ignore_errors=True)
        raise DatabaseUnreadable(path, error.reason, error.advice) from None
    except DatabaseTooNew as error:
        shutil.rmtree(folder, ignore_errors=True)
        raise DatabaseTooNew(path, error.found, error.supported) from None
    except OSError as error:
        shutil.rmtree(folder, ignore_errors=True)
        raise DatabaseUnreadable(
            path,
            f"it cannot be copied to be read: {error.strerror}",
            "check that it can be read and that the temporary folder has room",
        ) from None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    try:
        connection.execute("PRAGMA query_only = ON")
    except sqlite3.Error as error:
        connection.close()
        shutil.rmtree(folder, ignore_errors=True)
        raise translate_error(error, path) from error
    connection.path = path  # what messages name: the history the user gave
    connection.read_only = True
    connection._on_close = partial(shutil.rmtree, folder, ignore_errors=True)
    return connection


def can_write(connection: StoreConnection) -> bool:
    """Whether writes through ``connection`` can succeed.

    SQLite opens a file without write permission read-only without a word (when its
    folder is writable), and each write then fails on its own: a command that writes
    asks first, before it has done half of its work. A lock held elsewhere is no answer
    either way: the write will wait for it, as any does.
    """
    if connection.read_only:
        return False
    connection.execute("PRAGMA busy_timeout = 0")
    try:
        connection.execute("BEGIN IMMEDIATE")
        # Writes the value it has: a change that only a writable file lets through.
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        connection.execute(f"PRAGMA user_version = {version}")
    except sqlite3.OperationalError as error:
        code = getattr(error, "sqlite_errorcode", 0) & 0xFF
        return code != sqlite3.SQLITE_READONLY
    finally:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        connection.execute(f"PRAGMA busy_timeout = {db.BUSY_TIMEOUT_MS}")
    return True

"""Opening the history file: creation, pragmas, migrations, and refusing damaged files."""

from __future__ import annotations

import errno
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from app.domain.messages import Role
from app.store import (
    SCHEMA_VERSION,
    ConversationStore,
    DatabaseBusy,
    DatabaseTooNew,
    DatabaseUnreadable,
    check_integrity,
    open_database,
    set_aside,
)
from app.store import db as db_module
from app.store.schema import APPLICATION_ID
from app.store.writers import writers_folder
from tests.helpers.history_lock import HistoryLock


def _filled_database(path: Path) -> bytes:
    """A real history file with some content, closed (WAL checkpointed); its bytes."""
    with ConversationStore.open(path) as store:
        for number in range(30):
            conversation = store.create_conversation(title=f"Chat {number}", model="m")
            store.add_message(
                conversation.id, role=Role.USER, content="lorem ipsum " * 200, parent_id=None
            )
    assert not path.with_name(path.name + "-wal").exists()
    return path.read_bytes()


def _side_files(path: Path) -> list[Path]:
    """SQLite's companion files of ``path`` that exist (a write would create some)."""
    names = [path.name + side for side in ("-wal", "-shm", "-journal")]
    return [path.with_name(name) for name in names if path.with_name(name).exists()]


def test_new_file_is_created_with_its_folders_and_migrated(db_path: Path) -> None:
    assert not db_path.parent.exists()
    connection = open_database(db_path)
    try:
        assert db_path.is_file()
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        assert {"conversations", "messages", "messages_fts", "conversations_fts"} <= names
        assert connection.recovered_count == 0
    finally:
        connection.close()


def test_pragmas_are_set(db_path: Path) -> None:
    connection = open_database(db_path)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert connection.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert connection.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
        assert connection.isolation_level is None
        assert not connection.in_transaction
    finally:
        connection.close()


def test_reopening_keeps_data_and_version(db_path: Path) -> None:
    with ConversationStore.open(db_path) as store:
        conversation = store.create_conversation(title="Kept", model=None)
    with ConversationStore.open(db_path) as store:
        assert store.get_conversation(conversation.id).title == "Kept"
        version = store.connection.execute("PRAGMA user_version").fetchone()[0]
        assert version == SCHEMA_VERSION


def test_zero_byte_file_becomes_a_new_history(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"")
    with ConversationStore.open(db_path) as store:
        assert store.count_conversations() == 0
        store.create_conversation(title="First", model=None)
    assert db_path.stat().st_size > 0


def test_random_bytes_are_refused_and_left_untouched(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    junk = os.urandom(8192)
    db_path.write_bytes(junk)
    with pytest.raises(DatabaseUnreadable) as caught:
        open_database(db_path)
    assert db_path.read_bytes() == junk
    assert _side_files(db_path) == []
    message = str(caught.value)
    assert str(db_path) in message
    assert "not a SQLite database" in message
    assert "left untouched" in message


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated-half"),
        pytest.param(lambda data: data[: len(data) // 2 + 123], id="truncated-mid-page"),
        pytest.param(lambda data: data[:100], id="header-only"),
        pytest.param(lambda data: data[:100] + b"\xa5" * 3000 + data[3100:], id="page-1"),
        pytest.param(lambda data: b"\x00" * 16 + data[16:], id="magic-zeroed"),
    ],
)
def test_damaged_real_database_is_refused_and_left_untouched(
    db_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    damaged = damage(_filled_database(db_path))
    db_path.write_bytes(damaged)
    with pytest.raises(DatabaseUnreadable):
        open_database(db_path)
    assert db_path.read_bytes() == damaged
    assert _side_files(db_path) == []


def test_another_programs_database_is_refused(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as foreign:
        foreign.execute("CREATE TABLE notes (body TEXT)")
    foreign.close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseUnreadable, match="another program"):
        open_database(db_path)
    assert db_path.read_bytes() == before


def test_newer_format_is_refused_and_left_untouched(db_path: Path) -> None:
    open_database(db_path).close()
    raw = sqlite3.connect(db_path, isolation_level=None)
    raw.execute("PRAGMA journal_mode = DELETE")
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseTooNew) as caught:
        open_database(db_path)
    assert caught.value.found == SCHEMA_VERSION + 1
    assert caught.value.supported == SCHEMA_VERSION
    assert "newer Maestrale" in str(caught.value)
    assert "update Maestrale or use another data folder" in str(caught.value)
    assert db_path.read_bytes() == before


def test_failed_migration_changes_nothing(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = (("CREATE TABLE half_done (x)", "THIS IS NOT SQL"),)
    monkeypatch.setattr(db_module, "MIGRATIONS", broken)
    monkeypatch.setattr(db_module, "SCHEMA_VERSION", 1)
    with pytest.raises(sqlite3.OperationalError):
        open_database(db_path)
    raw = sqlite3.connect(db_path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 0
        assert raw.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    finally:
        raw.close()


def test_two_processes_creating_the_history_at_once_both_succeed(db_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from app.store import open_database;"
        "open_database(Path(sys.argv[1])).close()"
    )
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "PYTHONPATH": str(root)}
    children = [
        subprocess.Popen([sys.executable, "-c", code, str(db_path)], cwd=root, env=env)
        for _ in range(3)
    ]
    assert [child.wait(timeout=30) for child in children] == [0, 0, 0]
    with ConversationStore.open(db_path) as store:
        assert store.count_conversations() == 0


def test_set_aside_moves_the_file_and_its_companions(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"damaged")
    db_path.with_name(db_path.name + "-wal").write_bytes(b"wal")
    db_path.with_name(db_path.name + "-shm").write_bytes(b"shm")
    moved = set_aside(db_path)
    assert re.fullmatch(r"history\.damaged-\d{8}-\d{6}\.sqlite3", moved.name)
    assert moved.parent == db_path.parent
    assert moved.read_bytes() == b"damaged"
    assert moved.with_name(moved.name + "-wal").read_bytes() == b"wal"
    assert moved.with_name(moved.name + "-shm").read_bytes() == b"shm"
    assert not db_path.exists()
    assert _side_files(db_path) == []


def test_set_aside_never_overwrites(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"first")
    first = set_aside(db_path)
    db_path.write_bytes(b"second")
    second = set_aside(db_path)  # usually within the same second: needs another name
    assert first != second
    assert first.read_bytes() == b"first"
    assert second.read_bytes() == b"second"


def test_set_aside_then_open_starts_a_new_history(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(os.urandom(4096))
    with pytest.raises(DatabaseUnreadable):
        open_database(db_path)
    kept = set_aside(db_path)
    with ConversationStore.open(db_path) as store:
        assert store.count_conversations() == 0
    assert kept.exists()


def test_check_integrity_finds_damage_that_opening_does_not(db_path: Path) -> None:
    data = _filled_database(db_path)
    with ConversationStore.open(db_path) as store:
        assert check_integrity(store.connection) == []
    page = 4096
    db_path.write_bytes(data[: 8 * page] + b"\xff" * page + data[9 * page :])
    connection = open_database(db_path)
    try:
        assert check_integrity(connection) != []
    finally:
        connection.close()


def test_damage_met_after_opening_raises_database_unreadable(db_path: Path) -> None:
    _filled_database(db_path)
    raw = sqlite3.connect(db_path)
    page_size = raw.execute("PRAGMA page_size").fetchone()[0]
    root = raw.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'conversations'"
    ).fetchone()[0]
    raw.close()
    data = bytearray(db_path.read_bytes())
    data[(root - 1) * page_size : root * page_size] = b"\xee" * page_size
    db_path.write_bytes(bytes(data))
    with (
        ConversationStore.open(db_path) as store,
        pytest.raises(DatabaseUnreadable, match="it is damaged"),
    ):
        store.list_conversations()


def test_a_full_disk_is_named_as_such_and_leaves_no_lock_file(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It said to check the permissions, and every failed start left a lock file behind.
    open_database(db_path).close()

    def disk_full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("app.store.writers.os.write", disk_full)
    with pytest.raises(DatabaseUnreadable) as raised:
        open_database(db_path)
    assert "the disk is full" in str(raised.value)
    assert "free some disk space" in str(raised.value)
    assert "permissions" not in str(raised.value)
    assert list(writers_folder(db_path).glob("*.lock")) == []


def test_writes_that_are_tried_again_later_wait_less_for_a_lock(db_path: Path) -> None:
    # A streamed answer's saves waited five seconds for another process's lock, on the
    # window's thread: it froze for seconds at each try while an import ran.
    with ConversationStore.open(db_path) as store:

        def waits() -> int:
            return int(store.connection.execute("PRAGMA busy_timeout").fetchone()[0])

        assert waits() == db_module.BUSY_TIMEOUT_MS
        with store.waiting_at_most(200):
            assert waits() == 200
        assert waits() == db_module.BUSY_TIMEOUT_MS


def test_a_lock_held_by_another_program_is_not_blamed_on_maestrale(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "busy in another Maestrale process" was said while an sqlite3 shell or a backup
    # tool held the lock, with no Maestrale running but the one saying it.
    monkeypatch.setattr("app.store.db.BUSY_TIMEOUT_MS", 50)
    with ConversationStore.open(db_path) as store:
        lock = HistoryLock(db_path).take()  # a plain SQLite connection: any program
        try:
            with pytest.raises(DatabaseBusy) as raised:
                store.create_conversation(title="Waits", model="m")
        finally:
            lock.release()
    said = str(raised.value)
    assert "another Maestrale process" not in said
    assert "is locked by another program or Maestrale process" in said
    assert "wait for it to finish or close that program, then try again" in said

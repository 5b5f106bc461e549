"""Reading a history that cannot be written: a backup on a read-only disk, a folder or
file without write permission. Real SQLite files in a folder made read-only."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from app.domain.messages import Role
from app.store import ConversationStore, DatabaseUnreadable, open_database
from app.store.read_only import can_write, open_read_only
from app.store.writers import writers_folder
from tests.helpers.old_format import written_as
from tests.helpers.read_only import read_only

TITLES = ["Chat 0", "Chat 1", "Chat 2"]


def _fill(store: ConversationStore) -> None:
    for title in TITLES:
        conversation = store.create_conversation(title=title, model="m")
        store.add_message(conversation.id, role=Role.USER, content="hello", parent_id=None)


def _titles(store: ConversationStore) -> list[str]:
    return sorted(c.title for c in store.list_conversations())


def _contents(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes() if path.is_file() else b""
        for path in sorted(folder.rglob("*"))
    }


@pytest.fixture
def private_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where a copy to read from would be made, to see that it goes with the store."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_a_closed_history_in_a_read_only_folder_is_read_and_left_as_it_was(
    db_path: Path, private_temp: Path
) -> None:
    # `maestrale list` on a backup on a read-only disk: "it is read-only", nothing listed.
    with ConversationStore.open(db_path) as store:
        _fill(store)
    folder = db_path.parent
    before = _contents(folder)
    with read_only(folder):
        with pytest.raises(DatabaseUnreadable) as refused:
            open_database(db_path)
        assert refused.value.unwritable
        with ConversationStore(open_read_only(db_path)) as store:
            assert _titles(store) == TITLES
            assert not can_write(store.connection)
    assert _contents(folder) == before
    assert list(private_temp.iterdir()) == []


def test_a_copy_taken_while_the_history_was_open_is_read_whole(
    db_path: Path, tmp_path: Path, private_temp: Path
) -> None:
    # Its newest conversations are still in the write-ahead log beside it, and there is
    # no -shm index that SQLite needs to read it: opened as immutable it would show the
    # main file alone, without them.
    backup = tmp_path / "backup"
    backup.mkdir()
    with ConversationStore.open(db_path) as store:
        _fill(store)
    with ConversationStore.open(db_path) as store:  # the first ones are in the file itself
        store.create_conversation(title="Chat 3", model="m")
        for name in (db_path.name, db_path.name + "-wal"):
            shutil.copyfile(db_path.with_name(name), backup / name)
    copied = backup / db_path.name
    assert copied.with_name(copied.name + "-wal").stat().st_size > 0
    before = _contents(backup)
    with read_only(backup):
        store = ConversationStore(open_read_only(copied))
        try:
            assert _titles(store) == [*TITLES, "Chat 3"]
            assert store.path == copied  # what messages name, not a private copy
        finally:
            store.close()
    assert _contents(backup) == before
    assert list(private_temp.iterdir()) == []  # the private copy went with the store


def test_a_history_of_an_older_format_is_read_converted_elsewhere(
    db_path: Path, private_temp: Path
) -> None:
    with written_as(4), ConversationStore.open(db_path) as old:
        _fill(old)
    before = _contents(db_path.parent)
    with read_only(db_path.parent), ConversationStore(open_read_only(db_path)) as store:
        assert _titles(store) == TITLES
        assert store.drafts() == {}  # a table the older format had not
    assert _contents(db_path.parent) == before
    assert list(private_temp.iterdir()) == []


def test_a_file_without_write_permission_in_a_writable_folder_is_found_read_only(
    db_path: Path,
) -> None:
    # SQLite opens it for reading without a word; each write then failed on its own.
    with ConversationStore.open(db_path) as store:
        _fill(store)
        assert can_write(store.connection)
    with read_only(db_path.parent):
        for folder in (db_path.parent, writers_folder(db_path)):
            folder.chmod(0o755)  # the folders stay writable, only the file is not
        with ConversationStore.open(db_path) as store:
            assert _titles(store) == TITLES
            assert not can_write(store.connection)
    with ConversationStore.open(db_path) as store:
        assert can_write(store.connection)
        store.create_conversation(title="Written after", model="m")  # nothing left locked


def test_a_missing_history_is_not_read(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnreadable, match="it does not exist"):
        open_read_only(tmp_path / "history.sqlite3")

"""Quick exchanges in the history: the kind column, its filters, and what keeps it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.domain.messages import Role
from app.store import (
    KIND_CHAT,
    KIND_QUICK,
    SCHEMA_VERSION,
    ConversationNotFound,
    ConversationStore,
    export_json,
    import_file,
)
from app.store import db as db_module
from tests.helpers.old_format import written_as

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def _add(store: ConversationStore, title: str, minutes: int, **options: Any) -> str:
    moment = T0 + timedelta(minutes=minutes)
    return store.create_conversation(title=title, model="m", created_at=moment, **options).id


@pytest.fixture
def mixed(store: ConversationStore) -> dict[str, str]:
    """Chats and quick exchanges interleaved in time, one of each pinned, one trashed."""
    ids = {
        "chat old": _add(store, "chat old", 0),
        "quick old": _add(store, "quick old", 1, kind=KIND_QUICK),
        "chat pinned": _add(store, "chat pinned", 2, pinned=True),
        "quick pinned": _add(store, "quick pinned", 3, kind=KIND_QUICK, pinned=True),
        "quick trashed": _add(store, "quick trashed", 4, kind=KIND_QUICK),
        "chat new": _add(store, "chat new", 5),
        "quick new": _add(store, "quick new", 6, kind=KIND_QUICK),
    }
    store.trash_conversation(ids["quick trashed"])
    return ids


def _titles(conversations: list[Any]) -> list[str]:
    return [conversation.title for conversation in conversations]


def test_a_conversation_is_a_chat_unless_created_quick(store: ConversationStore) -> None:
    chat = store.create_conversation(title="Chat", model="m")
    quick = store.create_conversation(title="Quick", model="m", kind=KIND_QUICK)
    assert (chat.kind, quick.kind) == (KIND_CHAT, KIND_QUICK)
    assert store.get_conversation(chat.id).kind == "chat"
    assert store.get_conversation(quick.id) == quick


def test_an_unknown_kind_is_refused_and_writes_nothing(store: ConversationStore) -> None:
    with pytest.raises(ValueError, match="unknown conversation kind 'popup'"):
        store.create_conversation(title="Odd", model="m", kind="popup")
    assert store.count_conversations() == 0
    with pytest.raises(ValueError, match="unknown conversation kind"):
        store.list_conversations(kind="Quick")
    # The file refuses it too, whoever writes.
    with pytest.raises(sqlite3.IntegrityError):
        store.connection.execute(
            "INSERT INTO conversations (id, title, created_at, updated_at, kind)"
            " VALUES ('x', 'x', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'popup')"
        )


def test_listing_and_counting_by_kind(store: ConversationStore, mixed: dict[str, str]) -> None:
    assert _titles(store.list_conversations(kind=KIND_QUICK)) == [
        "quick new",
        "quick pinned",
        "quick old",
    ]
    assert _titles(store.list_conversations(kind=KIND_CHAT)) == [
        "chat new",
        "chat pinned",
        "chat old",
    ]
    # The sidebar's two paged listings: unpinned quick exchanges, unpinned chats.
    assert _titles(store.list_conversations(kind=KIND_QUICK, pinned=False)) == [
        "quick new",
        "quick old",
    ]
    assert _titles(store.list_conversations(kind=KIND_CHAT, pinned=False, limit=1, offset=1)) == [
        "chat old"
    ]
    assert _titles(store.list_conversations(pinned=True)) == ["quick pinned", "chat pinned"]
    assert len(store.list_conversations()) == 6  # None: every kind, trash left out
    assert store.count_conversations(kind=KIND_QUICK) == 3
    assert store.count_conversations(kind=KIND_QUICK, pinned=False) == 2
    assert store.count_conversations(kind=KIND_CHAT, pinned=True) == 1
    assert store.count_conversations() == 6


def test_the_sidebar_listings_read_an_index_without_sorting(store: ConversationStore) -> None:
    plan = store.connection.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM conversations"
        " WHERE deleted_at IS NULL AND pinned = 0 AND kind = 'quick'"
        " ORDER BY updated_at DESC, seq DESC LIMIT 21"
    ).fetchall()
    details = " ".join(str(row[3]) for row in plan)
    assert "conversations_live_by_kind" in details
    assert "TEMP B-TREE" not in details


def test_set_kind_turns_a_quick_exchange_into_a_chat(
    store: ConversationStore, mixed: dict[str, str]
) -> None:
    target = mixed["quick old"]
    before = store.get_conversation(target)
    store.set_kind(target, KIND_CHAT)
    after = store.get_conversation(target)
    assert after.kind == KIND_CHAT
    assert after.updated_at == before.updated_at  # its place in time is kept
    assert "quick old" in _titles(store.list_conversations(kind=KIND_CHAT))
    store.set_kind(target, KIND_CHAT)  # again: nothing changes, nothing fails
    store.set_kind(target, KIND_QUICK)
    assert store.get_conversation(target).kind == KIND_QUICK
    with pytest.raises(ConversationNotFound):
        store.set_kind("missing", KIND_CHAT)
    with pytest.raises(ValueError, match="unknown conversation kind"):
        store.set_kind(target, "")
    assert store.get_conversation(target).kind == KIND_QUICK


def test_a_duplicate_keeps_the_kind(store: ConversationStore) -> None:
    quick = store.create_conversation(title="Translate", model="m", kind=KIND_QUICK)
    store.add_message(quick.id, role=Role.USER, content="ciao", parent_id=None)
    copy = store.duplicate_conversation(quick.id)
    assert copy.kind == KIND_QUICK
    assert store.get_conversation(copy.id).kind == KIND_QUICK
    chat = store.create_conversation(title="Chat", model="m")
    assert store.duplicate_conversation(chat.id).kind == KIND_CHAT


# Export and import ----------------------------------------------------------------------


@pytest.fixture
def other_store(tmp_path: Path) -> Iterator[ConversationStore]:
    opened = ConversationStore.open(tmp_path / "other" / "history.sqlite3")
    yield opened
    opened.close()


CONTRACT_KEYS = {"id", "title", "created_at", "updated_at", "model", "system_prompt", "messages"}


def test_export_adds_the_kind_and_a_round_trip_keeps_it(
    store: ConversationStore, other_store: ConversationStore, tmp_path: Path
) -> None:
    quick = store.create_conversation(title="Quick", model="m", created_at=T0, kind=KIND_QUICK)
    store.add_message(quick.id, role=Role.USER, content="hello", parent_id=None)
    chat = store.create_conversation(title="Chat", model="m", created_at=T0)
    document = export_json(store)
    kinds = {item["id"]: item["kind"] for item in document["conversations"]}
    assert kinds == {quick.id: "quick", chat.id: "chat"}
    for item in document["conversations"]:
        assert set(item) >= CONTRACT_KEYS

    path = tmp_path / "export.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    report = import_file(other_store, path)
    assert report.imported == 2
    assert other_store.get_conversation(quick.id) == store.get_conversation(quick.id)
    assert other_store.get_conversation(chat.id).kind == KIND_CHAT
    assert export_json(other_store) == document


@pytest.mark.parametrize("kind", [None, "missing", "agent", 3, ["quick"]])
def test_an_export_without_a_known_kind_imports_chats(
    store: ConversationStore, tmp_path: Path, kind: object
) -> None:
    conversation: dict[str, Any] = {
        "id": "c1",
        "title": "From an older Maestrale",
        "created_at": "2025-01-01T00:00:00Z",
        "updated_at": "2025-01-01T00:00:00Z",
        "model": None,
        "system_prompt": None,
        "messages": [],
    }
    if kind != "missing":
        conversation["kind"] = kind
    document = {"format": "maestrale-export", "version": 1, "conversations": [conversation]}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert import_file(store, path).imported == 1
    assert store.get_conversation("c1").kind == KIND_CHAT


# Migration --------------------------------------------------------------------------------


def test_a_version_3_history_gets_kind_chat_and_the_index(db_path: Path) -> None:
    with written_as(3):
        connection = db_module.open_database(db_path)
        try:
            columns = {row[1] for row in connection.execute("PRAGMA table_info(conversations)")}
            assert "kind" not in columns
            connection.execute(
                "INSERT INTO conversations (id, title, created_at, updated_at)"
                " VALUES ('old1', 'From version 3', '2025-01-01T00:00:00.000Z',"
                " '2025-01-01T00:00:00.000Z')"
            )
        finally:
            connection.close()

    with ConversationStore.open(db_path) as store:
        assert store.connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        [conversation] = store.list_conversations(kind=KIND_CHAT, pinned=False)
        assert (conversation.id, conversation.kind) == ("old1", KIND_CHAT)
        assert store.count_conversations(kind=KIND_QUICK) == 0
        indexes = {
            row[0]
            for row in store.connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index'"
            )
        }
        assert "conversations_live_by_kind" in indexes
        assert [hit.conversation_id for hit in store.search("versi")] == ["old1"]


def _version_3_file(path: Path) -> None:
    with written_as(3):
        db_module.open_database(path).close()


def test_an_older_history_is_known_to_need_an_upgrade_before_it_is_opened(db_path: Path) -> None:
    assert not db_module.needs_upgrade(db_path)  # missing: a new history, made at once
    _version_3_file(db_path)
    assert db_module.needs_upgrade(db_path)
    ConversationStore.open(db_path).close()
    assert not db_module.needs_upgrade(db_path)


def test_a_history_converted_by_a_running_maestrale_needs_no_upgrade(db_path: Path) -> None:
    # The running (newer) Maestrale converted the file; the conversion is still in the
    # write-ahead log, and the header still says the old format. `maestrale list`
    # meanwhile must not announce a conversion.
    _version_3_file(db_path)
    store = ConversationStore.open(db_path)  # converts; its connection stays open
    try:
        header = db_path.read_bytes()[60:64]
        assert int.from_bytes(header, "big") == 3  # the header is behind
        assert not db_module.needs_upgrade(db_path)
    finally:
        store.close()


def test_files_that_are_not_older_histories_need_no_upgrade(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    text = tmp_path / "notes.sqlite3"
    text.write_text("SQLite format 3? no, just notes " * 10, encoding="utf-8")
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    for path in (empty, text, other, tmp_path):
        assert not db_module.needs_upgrade(path), path

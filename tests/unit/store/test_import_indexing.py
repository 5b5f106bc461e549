"""An import indexes its messages in one pass at the end (app/store/index_at_end.py):
the full-text indexes must come out exactly as the row-by-row triggers make them, and
the triggers must be there afterwards, also after an import that failed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.messages import Conversation, Message
from app.store import ConversationStore, StoreError
from app.store.index_at_end import messages_indexed_at_end
from tests.helpers.chats import exchange, imported

START = datetime(2024, 2, 1, tzinfo=UTC)


def _triggers(db: sqlite3.Connection) -> dict[str, str]:
    return dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))


def _index_is_whole(db: sqlite3.Connection, table: str) -> None:
    # FTS5 checks its index against its content (for the CJK one, the view of the rows
    # with CJK text): a row missed or indexed twice fails here.
    db.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")


def test_imported_messages_are_found_and_the_indexes_are_whole(
    cjk_store: ConversationStore,
) -> None:
    exchange(cjk_store, "Already here", "Kept before the import", "东京 before too")
    before = _triggers(cjk_store.connection)
    cjk_store.import_conversations(
        [
            imported(f"chat {n}", START + timedelta(days=n), f"Zanzibar spice {n} 東京タワー")
            for n in range(30)
        ]
    )
    db = cjk_store.connection
    assert _triggers(db) == before
    _index_is_whole(db, "messages_fts")
    if "messages_cjk_fts_insert" in before:
        _index_is_whole(db, "messages_cjk_fts")
    assert len(cjk_store.search("zanzibar")) == 30
    assert len(cjk_store.search("東京タワー")) == 30
    assert [hit.conversation_title for hit in cjk_store.search("kept before")] == ["Already here"]
    # The triggers came back working: a message written afterwards is found.
    conversation_id = exchange(cjk_store, "Later", "Quokka facts")[0]
    assert [hit.conversation_id for hit in cjk_store.search("quokka")] == [conversation_id]


def test_a_failed_import_leaves_the_triggers_and_indexes_as_they_were(
    store: ConversationStore,
) -> None:
    before = _triggers(store.connection)
    with pytest.raises(RuntimeError):
        store.import_conversations(_batch_then_failure(5))
    db = store.connection
    assert _triggers(db) == before
    assert db.execute("SELECT count(*) FROM messages").fetchone()[0] == 0
    _index_is_whole(db, "messages_fts")
    assert store.search("wombat") == []


def _batch_then_failure(count: int) -> Iterator[tuple[Conversation, list[Message]]]:
    for n in range(count):
        yield imported(f"chat {n}", START + timedelta(days=n), f"wombat {n}")
    raise RuntimeError("the file ended badly")


def test_rows_written_in_the_block_are_indexed_even_when_it_fails_and_is_kept(
    store: ConversationStore,
) -> None:
    """A caller that catches the failure and commits what was written still has its
    triggers and every row indexed (the block never leaves the history unindexed)."""
    db = store.connection
    conversation_id = exchange(store, "Open", "first words")[0]
    before = _triggers(db)
    db.execute("BEGIN IMMEDIATE")
    with pytest.raises(RuntimeError), messages_indexed_at_end(db):
        db.execute(
            "INSERT INTO messages (id, conversation_id, role, content, status, created_at,"
            " updated_at) VALUES ('m-kept', ?, 'user', 'numbat sightings', 'complete', ?, ?)",
            (conversation_id, START.isoformat(), START.isoformat()),
        )
        raise RuntimeError("after one row")
    db.execute("COMMIT")
    assert _triggers(db) == before
    _index_is_whole(db, "messages_fts")
    assert [hit.conversation_id for hit in store.search("numbat")] == [conversation_id]


def test_a_full_disk_during_an_import_is_reported_as_such(store: ConversationStore) -> None:
    # SQLite rolls the whole transaction back by itself on a full disk: re-creating the
    # triggers then failed ("trigger ... already exists"), hiding the real error.
    exchange(store, "Already here", "hello")
    db = store.connection
    before = _triggers(db)
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + 40}")
    batch = [
        imported(f"chat {n}", START + timedelta(days=n), f"Zanzibar spice {n} " * 200)
        for n in range(300)
    ]
    with pytest.raises(StoreError) as raised:
        store.import_conversations(batch)
    assert "full" in str(raised.value).lower()
    db.execute(f"PRAGMA max_page_count = {2**30}")
    assert _triggers(db) == before
    _index_is_whole(db, "messages_fts")
    assert store.search("zanzibar") == []

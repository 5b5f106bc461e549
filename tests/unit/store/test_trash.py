"""The trash: soft delete, restore, purge, and trashed conversations hidden everywhere."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.domain.messages import MessageStatus, Role, to_iso, utc_now
from app.store import (
    SCHEMA_VERSION,
    ConversationNotFound,
    ConversationStore,
    DatabaseUnreadable,
    export_json,
    export_markdown,
    open_reader,
)
from app.store import db as db_module
from tests.helpers.old_format import written_as

T0 = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)


def _chat(store: ConversationStore, title: str, text: str, *, hours: int = 0) -> str:
    conversation = store.create_conversation(
        title=title, model="m", created_at=T0 + timedelta(hours=hours)
    )
    store.add_message(
        conversation.id,
        role=Role.USER,
        content=text,
        parent_id=None,
        created_at=T0 + timedelta(hours=hours),
    )
    return conversation.id


def test_trash_hides_the_conversation_and_restore_brings_it_back(
    store: ConversationStore,
) -> None:
    kept = _chat(store, "Kept", "walrus facts", hours=0)
    gone = _chat(store, "Gone", "walrus recipes", hours=1)
    before = utc_now().replace(microsecond=0)

    trashed = store.trash_conversation(gone)

    assert trashed.id == gone
    assert trashed.deleted_at is not None
    assert trashed.deleted_at >= before - timedelta(seconds=1)
    assert [c.id for c in store.list_conversations()] == [kept]
    assert store.count_conversations() == 1
    assert [c.id for c in store.trashed_conversations()] == [gone]
    # Still readable by id, with its messages: the window can show what it restores.
    assert store.get_conversation(gone).deleted_at == trashed.deleted_at
    assert [m.content for m in store.messages(gone)] == ["walrus recipes"]

    restored = store.restore_conversation(gone)

    assert restored.deleted_at is None
    assert store.get_conversation(gone).deleted_at is None
    assert [c.id for c in store.list_conversations()] == [gone, kept]
    assert store.trashed_conversations() == []
    assert {h.conversation_id for h in store.search("walrus")} == {kept, gone}


def test_trashing_twice_keeps_the_first_time(store: ConversationStore) -> None:
    conversation_id = _chat(store, "Twice", "text")
    first = store.trash_conversation(conversation_id).deleted_at
    store.connection.execute(
        "UPDATE conversations SET deleted_at = ? WHERE id = ?",
        ("2025-01-01T00:00:00.000Z", conversation_id),
    )
    again = store.trash_conversation(conversation_id)
    assert first is not None
    assert again.deleted_at == datetime(2025, 1, 1, tzinfo=UTC)


def test_unknown_ids_raise(store: ConversationStore) -> None:
    with pytest.raises(ConversationNotFound):
        store.trash_conversation("nope")
    with pytest.raises(ConversationNotFound):
        store.restore_conversation("nope")


def test_restoring_a_conversation_not_in_the_trash_changes_nothing(
    store: ConversationStore,
) -> None:
    conversation_id = _chat(store, "Live", "text")
    assert store.restore_conversation(conversation_id) == store.get_conversation(conversation_id)
    assert store.count_conversations() == 1


def test_trashed_conversations_are_newest_trash_first(store: ConversationStore) -> None:
    ids = [_chat(store, f"C{n}", "text", hours=n) for n in range(3)]
    for number, conversation_id in enumerate([ids[1], ids[0], ids[2]]):
        store.trash_conversation(conversation_id)
        store.connection.execute(
            "UPDATE conversations SET deleted_at = ? WHERE id = ?",
            (f"2025-06-0{number + 1}T00:00:00.000Z", conversation_id),
        )
    assert [c.id for c in store.trashed_conversations()] == [ids[2], ids[0], ids[1]]


def test_listing_counting_and_paging_skip_the_trash(store: ConversationStore) -> None:
    ids = [_chat(store, f"C{n}", "text", hours=n) for n in range(6)]
    store.set_pinned(ids[0], True)
    store.set_pinned(ids[1], True)
    store.trash_conversation(ids[1])
    store.trash_conversation(ids[4])

    assert [c.id for c in store.list_conversations()] == [ids[5], ids[3], ids[2], ids[0]]
    assert [c.id for c in store.list_conversations(limit=2, offset=1)] == [ids[3], ids[2]]
    assert store.list_conversations(pinned_first=True)[0].id == ids[0]
    assert [c.id for c in store.list_conversations(pinned=True)] == [ids[0]]
    assert [c.id for c in store.list_conversations(pinned=False)] == [ids[5], ids[3], ids[2]]
    assert [c.id for c in store.list_conversations(pinned=False, limit=1, offset=1)] == [ids[3]]
    assert store.count_conversations() == 4
    assert store.count_conversations(pinned=True) == 1
    assert store.count_conversations(pinned=False) == 3


def test_resolve_does_not_find_trashed_conversations(store: ConversationStore) -> None:
    store.create_conversation(title="A", model=None, conversation_id="abcd1111")
    store.create_conversation(title="B", model=None, conversation_id="abcd2222")
    store.trash_conversation("abcd2222")
    assert store.resolve("abcd").id == "abcd1111"  # no longer ambiguous
    with pytest.raises(ConversationNotFound):
        store.resolve("abcd2222")
    with pytest.raises(ConversationNotFound):
        store.resolve("abcd2")


def test_search_skips_trashed_titles_and_messages(store: ConversationStore) -> None:
    kept = _chat(store, "Narwhal notes", "a narwhal tusk")
    gone = _chat(store, "Narwhal trip", "narwhal watching")
    store.trash_conversation(gone)
    hits = store.search("narwhal")
    assert {hit.conversation_id for hit in hits} == {kept}
    assert len(hits) == 1  # its title and its message are one hit


def test_exports_of_everything_skip_the_trash_but_explicit_ids_do_not(
    store: ConversationStore,
) -> None:
    kept = _chat(store, "Kept chat", "hello")
    gone = _chat(store, "Trashed chat", "bye")
    store.trash_conversation(gone)

    everything = export_json(store)
    assert [c["id"] for c in everything["conversations"]] == [kept]
    assert "Trashed chat" not in export_markdown(store)
    assert "Kept chat" in export_markdown(store)

    explicit = export_json(store, [gone])
    assert [c["id"] for c in explicit["conversations"]] == [gone]
    assert "# Trashed chat" in export_markdown(store, [gone])


def test_purge_deletes_only_what_was_trashed_long_enough_ago(store: ConversationStore) -> None:
    old = _chat(store, "Old trash", "ancient walrus", hours=0)
    recent = _chat(store, "Recent trash", "recent walrus", hours=1)
    live = _chat(store, "Live", "live walrus", hours=2)
    store.trash_conversation(old)
    store.trash_conversation(recent)
    now = utc_now()
    store.connection.execute(
        "UPDATE conversations SET deleted_at = ? WHERE id = ?",
        (to_iso(now - timedelta(days=31)), old),
    )

    assert store.purge_trash(older_than=timedelta(days=30)) == 1

    with pytest.raises(ConversationNotFound):
        store.get_conversation(old)
    assert store.connection.execute(
        "SELECT count(*) FROM messages WHERE conversation_id = ?", (old,)
    ).fetchone() == (0,)
    assert [c.id for c in store.trashed_conversations()] == [recent]
    assert store.get_conversation(live).deleted_at is None
    # The full-text index forgot the purged messages too (this raises if not).
    store.connection.execute(
        "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)"
    )
    assert {h.conversation_id for h in store.search("walrus")} == {live}

    assert store.purge_trash(older_than=timedelta(days=30)) == 0
    assert store.purge_trash(older_than=timedelta(days=30), now=now + timedelta(days=31)) == 1
    assert store.trashed_conversations() == []
    assert store.count_conversations() == 1


def test_purge_with_nothing_in_the_trash_returns_zero(store: ConversationStore) -> None:
    _chat(store, "Live", "text")
    assert store.purge_trash(older_than=timedelta(0)) == 0
    assert store.count_conversations() == 1


def test_the_trash_survives_reopening(db_path: Path) -> None:
    with ConversationStore.open(db_path) as store:
        conversation_id = _chat(store, "Trashed", "text")
        store.trash_conversation(conversation_id)
    with ConversationStore.open(db_path) as store:
        assert store.count_conversations() == 0
        [trashed] = store.trashed_conversations()
        assert trashed.id == conversation_id
        store.restore_conversation(conversation_id)
        assert store.count_conversations() == 1


def test_a_version_1_history_is_migrated_with_nothing_in_the_trash(db_path: Path) -> None:
    with written_as(1):
        connection = db_module.open_database(db_path)
        try:
            columns = {row[1] for row in connection.execute("PRAGMA table_info(conversations)")}
            assert "deleted_at" not in columns
            connection.execute(
                "INSERT INTO conversations (id, title, created_at, updated_at)"
                " VALUES ('old1', 'From version 1', '2025-01-01T00:00:00.000Z',"
                " '2025-01-01T00:00:00.000Z')"
            )
        finally:
            connection.close()

    with ConversationStore.open(db_path) as store:
        version = store.connection.execute("PRAGMA user_version").fetchone()[0]
        assert version == SCHEMA_VERSION
        [conversation] = store.list_conversations()
        assert (conversation.id, conversation.deleted_at) == ("old1", None)
        assert [hit.conversation_id for hit in store.search("versi")] == ["old1"]
        indexes = {
            row[0]
            for row in store.connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index'"
            )
        }
        assert "conversations_by_recency" not in indexes
        assert {"conversations_live_by_recency", "conversations_live_by_pin"} <= indexes


def test_listing_uses_the_partial_recency_index(store: ConversationStore) -> None:
    plan = store.connection.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM conversations WHERE deleted_at IS NULL"
        " ORDER BY updated_at DESC, seq DESC LIMIT 200"
    ).fetchall()
    details = " ".join(str(row[-1]) for row in plan)
    assert "conversations_live_by_recency" in details
    assert "TEMP B-TREE" not in details  # no sort


def test_open_reader_reads_but_never_writes(store: ConversationStore, db_path: Path) -> None:
    conversation_id = _chat(store, "Readable", "reader text")
    reader = open_reader(db_path)
    try:
        assert reader.execute("SELECT id FROM conversations").fetchall() == [(conversation_id,)]
        with pytest.raises(sqlite3.OperationalError, match=r"readonly|read-only|query_only"):
            reader.execute("DELETE FROM conversations")
    finally:
        reader.close()
    assert store.count_conversations() == 1


def test_open_reader_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnreadable):
        open_reader(tmp_path / "missing.sqlite3")
    assert not (tmp_path / "missing.sqlite3").exists()


def test_purge_trashed_deletes_only_the_given_trashed_conversations(db_path: Path) -> None:
    with ConversationStore.open(db_path) as store:
        chosen = _chat(store, "Chosen trash", "purged walrus", hours=0)
        other = _chat(store, "Other trash", "kept walrus", hours=1)
        live = _chat(store, "Live", "live walrus", hours=2)
        store.save_draft(chosen, "draft of the chosen one")
        store.save_draft(other, "draft of the other one")
        store.trash_conversation(chosen)
        store.trash_conversation(other)

        # The live one is not in the trash: named here, it stays; unknown ids are skipped.
        assert store.purge_trashed([chosen, live, "nope", chosen]) == [chosen]

    # On the file itself, as the window's next start reads it.
    with ConversationStore.open(db_path) as store:
        with pytest.raises(ConversationNotFound):
            store.get_conversation(chosen)
        assert store.connection.execute(
            "SELECT count(*) FROM messages WHERE conversation_id = ?", (chosen,)
        ).fetchone() == (0,)
        assert chosen not in store.drafts()
        assert store.drafts()[other] == "draft of the other one"
        assert [c.id for c in store.trashed_conversations()] == [other]
        assert store.get_conversation(live).deleted_at is None
        # The full-text index forgot the purged messages too (this raises if not).
        store.connection.execute(
            "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)"
        )
        store.restore_conversation(other)
        assert {h.conversation_id for h in store.search("walrus")} == {other, live}
        assert store.purge_trashed([chosen]) == []


def test_purge_trashed_keeps_a_chat_whose_answer_is_still_being_written(db_path: Path) -> None:
    asking = ConversationStore.open(db_path)  # `maestrale ask --conversation`, elsewhere
    try:
        conversation_id = _chat(asking, "Asked", "a question")
        [question] = asking.messages(conversation_id)
        answer = asking.begin_answer(conversation_id, parent_id=question.id, model="m")
        asking.save_partial(answer.id, "Half of the answer")
        with ConversationStore.open(db_path) as window:
            window.trash_conversation(conversation_id)
            assert window.being_written(conversation_id)

            assert window.purge_trashed([conversation_id]) == []

            assert [c.id for c in window.trashed_conversations()] == [conversation_id]
            asking.finish_answer(answer.id, content="Done", status=MessageStatus.COMPLETE)
            assert not window.being_written(conversation_id)
            assert window.purge_trashed([conversation_id]) == [conversation_id]
    finally:
        asking.close()


def test_purge_trashed_deletes_a_chat_left_streaming_by_a_writer_that_is_gone(
    db_path: Path,
) -> None:
    with ConversationStore.open(db_path) as store:
        conversation_id = _chat(store, "Crashed", "a question")
        store.trash_conversation(conversation_id)
        # An answer a killed process left streaming: no live writer will finish it.
        store.connection.execute(
            "UPDATE messages SET status = 'streaming', writer = ? WHERE conversation_id = ?",
            ("ab" * 16, conversation_id),
        )
        assert not store.being_written(conversation_id)
        assert store.purge_trashed([conversation_id]) == [conversation_id]

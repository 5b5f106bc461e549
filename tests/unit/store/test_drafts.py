"""Drafts: unsent text kept in the history file, per conversation, across restarts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from app.domain.messages import utc_now
from app.store import ConversationStore
from app.store import db as db_module
from app.store.drafts import NEW_CHAT
from tests.helpers.old_format import written_as


def test_drafts_are_kept_replaced_and_removed(store: ConversationStore) -> None:
    conversation = store.create_conversation(title="Trip", model="m")
    assert store.drafts() == {}
    store.save_draft(NEW_CHAT, "A question not sent yet")
    store.save_draft(conversation.id, "first")
    store.save_draft(conversation.id, "first words,\nthen a second line  ")
    assert store.drafts() == {
        NEW_CHAT: "A question not sent yet",
        conversation.id: "first words,\nthen a second line  ",  # exactly as typed
    }
    store.save_draft(NEW_CHAT, "")  # sent, or erased
    assert store.drafts() == {conversation.id: "first words,\nthen a second line  "}


def test_drafts_survive_closing_without_goodbye(db_path: Path) -> None:
    # Each draft is committed on its own: a process that dies keeps what it handed over.
    store = ConversationStore.open(db_path)
    store.save_draft(NEW_CHAT, "half a question")
    with ConversationStore.open(db_path) as other:  # another process's view of the file
        assert other.drafts() == {NEW_CHAT: "half a question"}
    store.close()


def test_a_purged_conversation_takes_its_draft_along(store: ConversationStore) -> None:
    kept = store.create_conversation(title="Kept", model="m")
    trashed = store.create_conversation(title="Trashed", model="m")
    deleted = store.create_conversation(title="Deleted", model="m")
    for conversation in (kept, trashed, deleted):
        store.save_draft(conversation.id, f"draft of {conversation.title}")
    store.save_draft(NEW_CHAT, "new")
    store.trash_conversation(trashed.id)
    assert trashed.id in store.drafts()  # an undo brings the conversation and its draft
    store.delete_conversation(deleted.id)
    store.purge_trash(older_than=timedelta(0), now=utc_now() + timedelta(seconds=1))
    assert store.drafts() == {kept.id: "draft of Kept", NEW_CHAT: "new"}


def test_a_history_from_before_drafts_gets_them(db_path: Path) -> None:
    with written_as(4):
        connection = db_module.open_database(db_path)
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        connection.close()
        assert "drafts" not in tables
        with ConversationStore.open(db_path) as old:
            old.create_conversation(title="From before", model="m")
    with ConversationStore.open(db_path) as store:
        [conversation] = store.list_conversations()
        store.save_draft(conversation.id, "now kept")
        assert store.drafts() == {conversation.id: "now kept"}

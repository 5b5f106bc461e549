"""Many conversations written at once (an import), in one transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from app.domain.messages import Conversation, Message, to_iso
from app.store import rows as _rows
from app.store.base import CHUNK, StoreBase, guarded


class ImportCounts(NamedTuple):
    """What ``ConversationStore.import_conversations`` did, by conversation id."""

    imported: list[str]
    """New conversations."""
    updated: list[str]
    """Conversations already present that received messages they did not have."""
    skipped: list[str]
    """Conversations already present with every message."""
    conflicting: list[str]
    """Not written: a message id already belongs to another conversation."""
    messages: int
    """Messages written."""
    updated_messages: int = 0
    """Of those, the ones written into conversations already present."""


class BulkImport(StoreBase):
    """Part of ConversationStore."""

    @guarded
    def import_conversations(
        self, batch: Iterable[tuple[Conversation, Sequence[Message]]]
    ) -> ImportCounts:
        """Write validated conversations in ONE transaction; ids already present are kept.

        A conversation already stored only receives the messages it lacks (so importing
        the same export twice adds nothing). The caller guarantees that each message's
        parent is in the same sequence or already stored in that conversation.
        """
        counts = ImportCounts([], [], [], [], 0)
        written = 0
        into_present = 0
        with self._transaction() as db:
            for conversation, messages in batch:
                owners = _message_owners(db, [message.id for message in messages])
                if any(owner != conversation.id for owner in owners.values()):
                    counts.conflicting.append(conversation.id)
                    continue
                new = [message for message in messages if message.id not in owners]
                exists = db.execute(
                    "SELECT 1 FROM conversations WHERE id = ?", (conversation.id,)
                ).fetchone()
                if exists is None:
                    _rows.insert_conversation(db, conversation)
                    counts.imported.append(conversation.id)
                elif new:
                    counts.updated.append(conversation.id)
                    into_present += len(new)
                else:
                    counts.skipped.append(conversation.id)
                    continue
                _rows.insert_messages(db, new, None)
                new_ids = {message.id for message in new}
                db.execute(
                    "UPDATE conversations SET updated_at = max(updated_at, ?),"
                    " current_leaf_id = CASE WHEN ? THEN ? ELSE current_leaf_id END"
                    " WHERE id = ?",
                    (
                        to_iso(conversation.updated_at),
                        conversation.current_leaf_id in new_ids,
                        conversation.current_leaf_id,
                        conversation.id,
                    ),
                )
                written += len(new)
        return counts._replace(messages=written, updated_messages=into_present)


def _message_owners(db: sqlite3.Connection, message_ids: Sequence[str]) -> dict[str, str]:
    owners: dict[str, str] = {}
    for start in range(0, len(message_ids), CHUNK):
        chunk = message_ids[start : start + CHUNK]
        marks = ", ".join("?" * len(chunk))
        owners.update(
            db.execute(
                f"SELECT id, conversation_id FROM messages WHERE id IN ({marks})",  # noqa: S608
                chunk,
            ).fetchall()
        )
    return owners

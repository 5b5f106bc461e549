"""Many conversations written at once (an import), in one transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from app.domain.messages import Conversation, Message, to_iso
from app.store import rows as _rows
from app.store.base import CHUNK, StoreBase, guarded
from app.store.index_at_end import messages_indexed_at_end


class ImportCounts(NamedTuple):
    """What ``ConversationStore.import_conversations`` did, by conversation id."""

    imported: list[str]
    """New conversations."""
    updated: list[str]
    """Conversations already present that received messages they did not have."""
    skipped: list[str]
    """Conversations already present with every message (and not in the trash)."""
    conflicting: list[str]
    """Not written: a message id already belongs to another conversation."""
    messages: int
    """Messages written."""
    updated_messages: int = 0
    """Of those, the ones written into conversations already present."""
    restored: tuple[str, ...] = ()
    """Conversations in the trash that the import brought back (a backup restored)."""


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
        restored: list[str] = []
        with self._transaction() as db, messages_indexed_at_end(db):
            for conversation, messages in batch:
                owners = _message_owners(db, [message.id for message in messages])
                if any(owner != conversation.id for owner in owners.values()):
                    counts.conflicting.append(conversation.id)
                    continue
                new = [message for message in messages if message.id not in owners]
                exists = db.execute(
                    "SELECT deleted_at FROM conversations WHERE id = ?", (conversation.id,)
                ).fetchone()
                if exists is not None and exists[0] is not None:
                    # Deleted here, in the file: importing a backup brings it back (it
                    # counted as present, and stayed in the trash until purged).
                    db.execute(
                        "UPDATE conversations SET deleted_at = NULL WHERE id = ?",
                        (conversation.id,),
                    )
                    restored.append(conversation.id)
                if exists is None:
                    _rows.insert_conversation(db, conversation)
                    counts.imported.append(conversation.id)
                elif new:
                    counts.updated.append(conversation.id)
                    into_present += len(new)
                else:
                    if not restored or restored[-1] != conversation.id:
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
        return counts._replace(
            messages=written, updated_messages=into_present, restored=tuple(restored)
        )


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

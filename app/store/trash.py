"""The trash (an undoable delete) and copies of whole conversations."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from app.domain.messages import Conversation, MessageStatus, from_iso, to_iso, utc_now
from app.store import rows as _rows
from app.store.base import StoreBase, guarded
from app.store.ids import new_id
from app.store.writers import writer_is_alive


class TrashAndCopies(StoreBase):
    """Part of ConversationStore."""

    @guarded
    def trash_conversation(self, conversation_id: str) -> Conversation:
        """Move the conversation to the trash; return it (``deleted_at`` set).

        It leaves every listing, count, ``resolve`` and search, but keeps all its
        messages until ``purge_trash``; ``restore_conversation`` brings it back.
        Trashing it again keeps the first time, so purging is not put off.
        """
        self._update_one(
            "UPDATE conversations SET deleted_at = coalesce(deleted_at, ?) WHERE id = ?",
            (to_iso(utc_now()), conversation_id),
            conversation_id,
        )
        return self.get_conversation(conversation_id)

    @guarded
    def restore_conversation(self, conversation_id: str) -> Conversation:
        """Take the conversation out of the trash (nothing happens when it is not in it).

        Raises:
            ConversationNotFound: it does not exist, or was purged.
        """
        self._update_one(
            "UPDATE conversations SET deleted_at = NULL WHERE id = ?",
            (conversation_id,),
            conversation_id,
        )
        return self.get_conversation(conversation_id)

    @guarded
    def trashed_conversations(self) -> list[Conversation]:
        """The conversations in the trash, most recently trashed first."""
        rows = self._db.execute(
            f"{_rows.SELECT_CONVERSATIONS} WHERE deleted_at IS NOT NULL"
            " ORDER BY deleted_at DESC, seq DESC"
        )
        return [_rows.conversation(row) for row in rows]

    @guarded
    def purge_trash(self, *, older_than: timedelta, now: datetime | None = None) -> int:
        """Really delete (messages too) what was trashed before ``now - older_than``.

        The window calls it at start-up with 30 days. ``now`` defaults to the current
        time. Return how many conversations were deleted.
        """
        cutoff = to_iso((now or utc_now()) - older_than)
        with self._transaction() as db:
            cursor = db.execute(
                "DELETE FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at < ?",
                (cutoff,),
            )
            return cursor.rowcount

    @guarded
    def purge_trashed(self, conversation_ids: Iterable[str]) -> list[str]:
        """Really delete, now, those of ``conversation_ids`` that are in the trash (with
        their messages, drafts and search index rows, as ``purge_trash``), in one
        transaction; return the ids deleted. A conversation not in the trash (restored
        meanwhile, or never deleted) is kept, as is an unknown or already purged id, and
        one with an answer still being written by a live connection (`maestrale ask
        --conversation` in another process): ``being_written`` tells it from the rest.
        """
        deleted: list[str] = []
        with self._transaction() as db:
            for conversation_id in dict.fromkeys(conversation_ids):
                if self.being_written(conversation_id):
                    continue
                cursor = db.execute(
                    "DELETE FROM conversations WHERE id = ? AND deleted_at IS NOT NULL",
                    (conversation_id,),
                )
                if cursor.rowcount:
                    deleted.append(conversation_id)
        return deleted

    @guarded
    def being_written(self, conversation_id: str) -> bool:
        """Whether a live connection (this one or another, in any process) is still
        writing an answer in the conversation. One left streaming by a writer that is
        gone is not: nothing will finish it (the next start marks it interrupted)."""
        writers = [
            row[0]
            for row in self._db.execute(
                "SELECT DISTINCT writer FROM messages"
                " WHERE conversation_id = ? AND status = 'streaming'",
                (conversation_id,),
            )
        ]
        return any(
            writer is not None
            and (writer == self._db.writer_id or writer_is_alive(self._db.path, writer))
            for writer in writers
        )

    @guarded
    def duplicate_conversation(
        self, conversation_id: str, *, title: str | None = None
    ) -> Conversation:
        """A new conversation with the same settings and a copy of the whole message tree.

        Messages get new ids and keep their structure, text, times and outcome; the
        copy shows the same branch as the original. The title is ``title`` or
        "<original title> (copy)", and counts as chosen by the user. A message still
        streaming is copied as interrupted: nothing will finish the copy. The copy is
        written in one transaction, is not pinned, is new (at the top of the list), and
        keeps the original's kind (a copy of a quick exchange is listed under "Quick").
        """
        with self._transaction() as db:
            original = self.get_conversation(conversation_id)
            rows = db.execute(
                _rows.SELECT_MESSAGES + " WHERE conversation_id = ? ORDER BY seq",
                (conversation_id,),
            ).fetchall()
            messages = [_rows.message(row) for row in rows]
            new_ids = {message.id: new_id() for message in messages}
            moment = from_iso(to_iso(utc_now()))
            newest = max((message.created_at for message in messages), default=moment)
            copy = replace(
                original,
                id=new_id(),
                title=f"{original.title} (copy)" if title is None else title,
                title_is_custom=True,
                created_at=moment,
                updated_at=max(moment, newest),
                pinned=False,
                current_leaf_id=new_ids.get(original.current_leaf_id or ""),
                deleted_at=None,
            )
            _rows.insert_conversation(db, copy)
            _rows.insert_messages(
                db,
                (
                    replace(
                        message,
                        id=new_ids[message.id],
                        conversation_id=copy.id,
                        parent_id=new_ids.get(message.parent_id or "", message.parent_id),
                        status=MessageStatus.INTERRUPTED
                        if message.status is MessageStatus.STREAMING
                        else message.status,
                    )
                    for message in messages
                ),
                None,
            )
        return copy

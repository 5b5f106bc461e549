"""An answer's text while it streams, and its outcome once it ends."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.messages import Message, MessageStatus, ToolCall, Usage, to_iso, utc_now
from app.store import rows as _rows
from app.store.base import StoreBase, guarded
from app.store.errors import MessageNotFound, StoreError
from app.store.writers import writer_is_alive

_FINAL_STATUSES = frozenset(
    {MessageStatus.COMPLETE, MessageStatus.INTERRUPTED, MessageStatus.ERROR}
)


class AnswerWrites(StoreBase):
    """Part of ConversationStore (``begin_answer`` is there: it adds a message)."""

    @guarded
    def written_elsewhere(self, conversation_id: str) -> bool:
        """Whether the conversation's current branch ends with an answer another open
        connection (`maestrale ask` in another process) is still writing.

        A question asked after it would go without it (unfinished answers are not
        sent) and be stored as its reply. An answer left by a writer that is gone is
        not waited for: nothing will finish it.
        """
        row = self._db.execute(
            "SELECT m.writer FROM conversations c JOIN messages m ON m.id = c.current_leaf_id"
            " WHERE c.id = ? AND m.status = 'streaming'",
            (conversation_id,),
        ).fetchone()
        writer = None if row is None else row[0]
        if writer is None or writer == self._db.writer_id:
            return False
        return writer_is_alive(self._db.path, writer)

    @guarded
    def resume_answer(self, message_id: str) -> Message:
        """Mark a finished answer as being written again, by this connection, to carry
        it on in place (Continue): its text, place and version stay, its error and why
        it ended go (it has not ended: cut at the token limit, it is no longer).

        Streaming again, it is saved as any answer being written, and one left so by a
        crash or kill becomes ``interrupted`` with its text at the next start.
        """
        cursor = self._db.execute(
            "UPDATE messages SET status = 'streaming', error = NULL, finish_reason = NULL,"
            " writer = ?, updated_at = ?"
            " WHERE id = ? AND role = 'assistant' AND status != 'streaming'",
            (self._db.writer_id, to_iso(utc_now()), message_id),
        )
        message = self.get_message(message_id)  # raises MessageNotFound when it is gone
        if cursor.rowcount == 0:
            raise StoreError("That answer cannot be continued: it is being written already.")
        return message

    @guarded
    def mark_finished(self, message_id: str, finish_reason: str | None) -> Message:
        """Mark an answer complete as it is: Continue asked for more of it, and the
        model said it had finished without adding anything.

        Only its status, why it ended (gone: it did end) and its finish reason change;
        its text, counts and place never do, nor the conversation's time in the list
        (nothing was added to it). An answer being written is left alone.
        Raises ``MessageNotFound`` when it is gone.
        """
        self._db.execute(
            "UPDATE messages SET status = 'complete', error = NULL, finish_reason = ?,"
            " updated_at = ? WHERE id = ? AND role = 'assistant' AND status != 'streaming'",
            (finish_reason, to_iso(utc_now()), message_id),
        )
        return self.get_message(message_id)

    @guarded
    def save_partial(self, message_id: str, content: str) -> bool:
        """Save the text received so far of a streaming answer (one short UPDATE).

        Returns ``False`` (and saves nothing) when the answer is no longer streaming.
        The full-text index is not touched until the answer is finished.
        """
        cursor = self._db.execute(
            "UPDATE messages SET content = ?, updated_at = ? WHERE id = ? AND status = 'streaming'",
            (content, to_iso(utc_now()), message_id),
        )
        if cursor.rowcount == 0:
            self.get_message(message_id)  # raises MessageNotFound when it is gone
            return False
        return True

    @guarded
    def mark_unsaved(self, message_id: str, error: str) -> bool:
        """End a streaming answer whose final text could not be written, keeping the
        text saved so far; ``False`` when it was no longer streaming."""
        cursor = self._db.execute(
            "UPDATE messages SET status = 'error', error = ?, writer = NULL, updated_at = ?"
            " WHERE id = ? AND status = 'streaming'",
            (error, to_iso(utc_now()), message_id),
        )
        return cursor.rowcount > 0

    @guarded
    def note_calls_unrun(self, message_id: str, why: str | None) -> Message:
        """Keep why a complete answer's tool calls got no result (``None``: they got
        theirs). Said under the calls, after a restart too; the model is not told.

        Raises ``MessageNotFound`` when the answer is gone (its conversation deleted).
        """
        self._db.execute(
            "UPDATE messages SET error = ? WHERE id = ? AND role = 'assistant'"
            " AND status = 'complete'",
            (why, message_id),
        )
        return self.get_message(message_id)

    @guarded
    def finish_answer(
        self,
        message_id: str,
        *,
        content: str,
        status: MessageStatus,
        error: str | None = None,
        usage: Usage | None = None,
        tool_calls: Sequence[ToolCall] = (),
        finish_reason: str | None = None,
    ) -> Message:
        """Store the final text and outcome (complete, interrupted or error) of an answer."""
        if status not in _FINAL_STATUSES:
            raise ValueError(f"an answer cannot finish as {status!r}")
        now = to_iso(utc_now())
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE messages SET content = ?, status = ?, error = ?, prompt_tokens = ?,"
                " completion_tokens = ?, tool_calls = ?, finish_reason = ?, writer = NULL,"
                " updated_at = ? WHERE id = ?",
                (
                    content,
                    str(status),
                    error,
                    usage.prompt_tokens if usage else None,
                    usage.completion_tokens if usage else None,
                    _rows.tool_calls_json(tool_calls),
                    finish_reason,
                    now,
                    message_id,
                ),
            )
            if cursor.rowcount == 0:
                raise MessageNotFound(message_id)
            db.execute(
                "UPDATE conversations SET updated_at = max(updated_at, ?)"
                " WHERE id = (SELECT conversation_id FROM messages WHERE id = ?)",
                (now, message_id),
            )
        return self.get_message(message_id)

"""Unsent text of the message field, one per conversation, kept across restarts and
crashes (a long question typed and lost with the program is work lost)."""

from __future__ import annotations

from app.domain.messages import to_iso, utc_now
from app.store.base import StoreBase, guarded

NEW_CHAT = ""  # the key of the draft of the chat not started yet


class Drafts(StoreBase):
    """Part of ConversationStore."""

    @guarded
    def drafts(self) -> dict[str, str]:
        """Every kept draft by key: a conversation's id, or ``NEW_CHAT``."""
        return dict(self._db.execute("SELECT key, text FROM drafts").fetchall())

    @guarded
    def save_draft(self, key: str, text: str) -> None:
        """Keep ``text`` as the draft of ``key``; an empty text removes the draft.

        A conversation's draft goes when the conversation is purged (a trigger).
        """
        with self._transaction() as db:
            if text:
                db.execute(
                    "INSERT INTO drafts (key, text, updated_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET"
                    " text = excluded.text, updated_at = excluded.updated_at",
                    (key, text, to_iso(utc_now())),
                )
            else:
                db.execute("DELETE FROM drafts WHERE key = ?", (key,))

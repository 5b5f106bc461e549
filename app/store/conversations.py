"""Conversations and their message trees in the history file, as domain values.

``ConversationStore`` is the one object the window and the command line use. Its parts
by responsibility: ``base`` (the connection, transactions, errors, basic reads),
``trash`` (the trash and copies), ``answers`` (streamed answers' writes), ``bulk``
(imports), ``drafts`` (unsent text); conversations and messages themselves are here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Any, Final

from app.domain.messages import (
    ChatParams,
    Conversation,
    Message,
    MessageOutline,
    MessageStatus,
    Role,
    ToolCall,
    Usage,
    from_iso,
    to_iso,
    utc_now,
)
from app.domain.tree import MessageTree
from app.store import rows as _rows
from app.store.answers import AnswerWrites
from app.store.base import CHUNK, LIVE, guarded
from app.store.bulk import BulkImport, ImportCounts
from app.store.drafts import Drafts
from app.store.errors import AmbiguousConversation, ConversationNotFound
from app.store.ids import new_id
from app.store.kinds import KIND_CHAT, check_kind
from app.store.trash import TrashAndCopies

if TYPE_CHECKING:
    from app.store.search import SearchHit

__all__ = ["UNCHANGED", "ConversationStore", "ImportCounts"]

MIN_PREFIX = 4
_ROLES: Final = {role.value: role for role in Role}
_STATUSES: Final = {status.value: status for status in MessageStatus}


class _Unchanged(Enum):
    UNCHANGED = "unchanged"


UNCHANGED: Final = _Unchanged.UNCHANGED
"""Default of ``update_conversation`` arguments: leave that field as it is."""


class ConversationStore(TrashAndCopies, AnswerWrites, BulkImport, Drafts):
    """Reads and writes conversations and messages; every write is one short transaction.

    One store wraps one connection and must be used from one thread at a time.
    """

    # Conversations -------------------------------------------------------------------

    @guarded
    def create_conversation(
        self,
        *,
        title: str,
        model: str | None,
        system_prompt: str | None = None,
        params: ChatParams = ChatParams(),  # noqa: B008 - frozen, so sharing is safe
        conversation_id: str | None = None,
        created_at: datetime | None = None,
        title_is_custom: bool = False,
        pinned: bool = False,
        kind: str = KIND_CHAT,
    ) -> Conversation:
        """Store a new conversation without messages; ``kind`` is ``"chat"`` or ``"quick"``.

        Raises:
            ValueError: an unknown ``kind``.
        """
        check_kind(kind)
        moment = created_at or utc_now()
        conversation = Conversation(
            id=conversation_id or new_id(),
            title=title,
            created_at=from_iso(to_iso(moment)),
            updated_at=from_iso(to_iso(moment)),
            model=model,
            system_prompt=system_prompt,
            params=params,
            pinned=pinned,
            title_is_custom=title_is_custom,
            kind=kind,
        )
        with self._transaction() as db:
            _rows.insert_conversation(db, conversation)
        return conversation

    @guarded
    def resolve(self, ref: str) -> Conversation:
        """The conversation whose id is ``ref`` or starts with it (at least 4 characters).

        Conversations in the trash are not found (``get_conversation`` still reads them).

        Raises:
            ConversationNotFound: nothing matches, or ``ref`` is too short to be a prefix.
            AmbiguousConversation: several ids start with ``ref``.
        """
        ref = ref.strip()
        row = self._db.execute(
            f"{_rows.SELECT_CONVERSATIONS} WHERE id = ? AND {LIVE}", (ref,)
        ).fetchone()
        if row is not None:
            return _rows.conversation(row)
        if len(ref) < MIN_PREFIX:
            raise ConversationNotFound(ref, min_prefix=MIN_PREFIX)
        rows = self._db.execute(
            f"{_rows.SELECT_CONVERSATIONS} WHERE lower(substr(id, 1, ?)) = lower(?) AND {LIVE}"
            " ORDER BY updated_at DESC",
            (len(ref), ref),
        ).fetchall()
        if not rows:
            raise ConversationNotFound(ref)
        if len(rows) > 1:
            raise AmbiguousConversation(ref, [row[0] for row in rows])
        return _rows.conversation(rows[0])

    @guarded
    def list_conversations(
        self,
        *,
        limit: int | None = None,
        offset: int = 0,
        pinned_first: bool = False,
        pinned: bool | None = None,
        kind: str | None = None,
    ) -> list[Conversation]:
        """Newest activity first (pinned ones before the rest when ``pinned_first``).

        Conversations in the trash are left out. ``pinned`` keeps only the pinned
        (``True``) or only the unpinned (``False``) ones; ``kind`` only the chats
        (``"chat"``) or the quick exchanges (``"quick"``); ``None`` keeps all.
        """
        order = (
            "pinned DESC, updated_at DESC, seq DESC"
            if pinned_first
            else ("updated_at DESC, seq DESC")
        )
        where, values = _live_where(pinned, kind)
        rows = self._db.execute(
            f"{_rows.SELECT_CONVERSATIONS} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
            (*values, -1 if limit is None else limit, offset),
        )
        return [_rows.conversation(row) for row in rows]

    @guarded
    def list_stamps(
        self, *, limit: int | None = None, pinned: bool | None = None, kind: str | None = None
    ) -> list[tuple[str, str, str, bool, str]]:
        """``(id, updated_at, title, pinned, kind)`` of what ``list_conversations`` would
        return, in its order, ``updated_at`` as stored (ISO text): a cheap look at what a
        list shows, to find what another program changed without reading whole rows."""
        return read_stamps(self._db, limit=limit, pinned=pinned, kind=kind)

    @guarded
    def count_conversations(self, *, pinned: bool | None = None, kind: str | None = None) -> int:
        """How many conversations ``list_conversations(pinned=..., kind=...)`` would return."""
        where, values = _live_where(pinned, kind)
        query = f"SELECT count(*) FROM conversations WHERE {where}"  # noqa: S608
        return int(self._db.execute(query, values).fetchone()[0])

    @guarded
    def rename(self, conversation_id: str, title: str, *, custom: bool = True) -> bool:
        """Set the title; return whether the stored title changed.

        ``custom=False`` is for automatic titles: it never replaces a title the user
        chose (and returns ``False`` then).
        """
        cursor = self._db.execute(
            "UPDATE conversations SET title = ?1, title_is_custom = ?2"
            " WHERE id = ?3 AND (?2 OR title_is_custom = 0)"
            " AND (title != ?1 OR title_is_custom != ?2)",
            (title, int(custom), conversation_id),
        )
        if cursor.rowcount == 0:
            self._require_conversation(conversation_id)
            return False
        return True

    @guarded
    def set_pinned(self, conversation_id: str, pinned: bool) -> None:
        self._update_one(
            "UPDATE conversations SET pinned = ? WHERE id = ?",
            (int(pinned), conversation_id),
            conversation_id,
        )

    @guarded
    def set_kind(self, conversation_id: str, kind: str) -> None:
        """Make the conversation a chat (``"chat"``) or a quick exchange (``"quick"``).

        "Continue in Maestrale" turns a quick exchange into a chat. Its last activity
        (``updated_at``) stays as it was: the next message moves it up.

        Raises:
            ConversationNotFound: it does not exist.
            ValueError: an unknown ``kind``.
        """
        self._update_one(
            "UPDATE conversations SET kind = ? WHERE id = ?",
            (check_kind(kind), conversation_id),
            conversation_id,
        )

    @guarded
    def update_conversation(
        self,
        conversation_id: str,
        *,
        model: str | _Unchanged | None = UNCHANGED,
        system_prompt: str | _Unchanged | None = UNCHANGED,
        params: ChatParams | _Unchanged = UNCHANGED,
    ) -> Conversation:
        """Change the given fields (the others stay as they are); return the result."""
        assignments: list[str] = []
        values: list[Any] = []
        if model is not UNCHANGED:
            assignments.append("model = ?")
            values.append(model)
        if system_prompt is not UNCHANGED:
            assignments.append("system_prompt = ?")
            values.append(system_prompt)
        if not isinstance(params, _Unchanged):
            assignments.append("params = ?")
            values.append(_rows.dumps(params.to_json()))
        if assignments:
            self._update_one(
                f"UPDATE conversations SET {', '.join(assignments)} WHERE id = ?",  # noqa: S608
                (*values, conversation_id),
                conversation_id,
            )
        return self.get_conversation(conversation_id)

    @guarded
    def touch(self, conversation_id: str) -> None:
        """Mark the conversation as just used (moves it to the top of the list)."""
        self._update_one(
            "UPDATE conversations SET updated_at = ? WHERE id = ?",
            (to_iso(utc_now()), conversation_id),
            conversation_id,
        )

    @guarded
    def delete_conversation(self, conversation_id: str) -> None:
        """Delete the conversation with all its messages, now (``trash_conversation``
        is the undoable delete)."""
        with self._transaction() as db:
            cursor = db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))
            if cursor.rowcount == 0:
                raise ConversationNotFound(conversation_id)

    # The branch shown -----------------------------------------------------------------

    @guarded
    def set_current_leaf(self, conversation_id: str, message_id: str) -> None:
        """Make the branch ending at ``message_id`` the one the conversation shows."""
        with self._transaction() as db:
            self._require_message_in(db, conversation_id, message_id)
            db.execute(
                "UPDATE conversations SET current_leaf_id = ? WHERE id = ?",
                (message_id, conversation_id),
            )

    # Messages ------------------------------------------------------------------------

    @guarded
    def messages(self, conversation_id: str) -> list[Message]:
        """Every message of every branch, in creation order."""
        rows = self._db.execute(
            _rows.SELECT_MESSAGES + " WHERE conversation_id = ? ORDER BY created_at, seq",
            (conversation_id,),
        ).fetchall()
        if not rows:
            self._require_conversation(conversation_id)
        return [_rows.message(row) for row in rows]

    def tree(self, conversation_id: str) -> MessageTree[Message]:
        return MessageTree(self.messages(conversation_id))

    @guarded
    def outline(self, conversation_id: str) -> list[MessageOutline]:
        """Every message without its text: opening a long conversation reads its texts
        only for the messages shown first."""
        # The length in bytes: SQLite reads it from the record header, where the length
        # in characters would read every text (most of the time spent opening).
        rows = self._db.execute(
            "SELECT id, conversation_id, parent_id, role, created_at, status,"
            " length(CAST(content AS BLOB))"
            " FROM messages WHERE conversation_id = ? ORDER BY created_at, seq",
            (conversation_id,),
        ).fetchall()
        if not rows:
            self._require_conversation(conversation_id)
        roles, statuses, parse = _ROLES, _STATUSES, datetime.fromisoformat
        return [
            MessageOutline(
                row[0], row[1], row[2], roles[row[3]], parse(row[4]), statuses[row[5]], row[6]
            )
            for row in rows
        ]

    @guarded
    def version_of(self, message_id: str) -> tuple[int, int] | None:
        """The message's place among its versions (the messages under the same parent,
        itself included, oldest first, as MessageTree.siblings orders them) and their
        count; None for a message not stored. Its parent's children alone are read:
        each question and answer stored asks, and the whole conversation's outline
        took 1.5 ms of each in a conversation of 300 messages."""
        row = self._db.execute(
            "SELECT conversation_id, parent_id FROM messages WHERE id = ?", (message_id,)
        ).fetchone()
        if row is None:
            return None
        conversation_id, parent_id = row
        if parent_id is None:
            rows = self._db.execute(
                "SELECT id FROM messages WHERE conversation_id = ? AND parent_id IS NULL"
                " ORDER BY created_at, seq",
                (conversation_id,),
            ).fetchall()
        else:
            rows = self._db.execute(
                "SELECT id FROM messages WHERE parent_id = ? ORDER BY created_at, seq",
                (parent_id,),
            ).fetchall()
        ids = [found for (found,) in rows]
        return ids.index(message_id), len(ids)

    @guarded
    def usage_by_message(self, conversation_id: str) -> dict[str, Usage]:
        """The server's token counts of the conversation's answers that have them (any
        branch), by message id: what the context gauge counts from."""
        rows = self._db.execute(
            "SELECT id, prompt_tokens, completion_tokens FROM messages"
            " WHERE conversation_id = ? AND prompt_tokens IS NOT NULL",
            (conversation_id,),
        ).fetchall()
        return {row[0]: Usage(row[1], row[2] or 0) for row in rows}

    @guarded
    def messages_by_id(self, message_ids: Sequence[str]) -> dict[str, Message]:
        """The messages of those ids that exist (any conversation)."""
        found: dict[str, Message] = {}
        for start in range(0, len(message_ids), CHUNK):
            chunk = list(message_ids[start : start + CHUNK])
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                _rows.SELECT_MESSAGES + f" WHERE id IN ({marks})",
                chunk,
            ).fetchall()
            found.update((row[0], _rows.message(row)) for row in rows)
        return found

    def current_path(self, conversation_id: str) -> list[Message]:
        """The shown branch, root first: up to the current leaf, or the newest branch."""
        conversation = self.get_conversation(conversation_id)
        tree = self.tree(conversation_id)
        leaf = conversation.current_leaf_id
        if leaf not in tree.by_id:
            leaf = tree.latest_leaf()
        return tree.path_to(leaf)

    @guarded
    def add_message(
        self,
        conversation_id: str,
        *,
        role: Role,
        content: str,
        parent_id: str | None,
        status: MessageStatus = MessageStatus.COMPLETE,
        model: str | None = None,
        error: str | None = None,
        usage: Usage | None = None,
        tool_calls: Sequence[ToolCall] = (),
        tool_call_id: str | None = None,
        name: str | None = None,
        finish_reason: str | None = None,
        message_id: str | None = None,
        created_at: datetime | None = None,
        make_current: bool = True,
        replacing: str | None = None,
    ) -> Message:
        """Append a message under ``parent_id`` (``None`` for a root).

        The conversation's ``updated_at`` moves forward, and the message becomes its
        current leaf when ``make_current``. Without ``created_at`` the message gets the
        current time, nudged a millisecond past the conversation's newest message so
        creation order is never ambiguous. ``replacing`` names a failed answer that
        brought no text: deleted in the same transaction (if it still is one).
        """
        with self._transaction() as db:
            if replacing is not None:
                _drop_empty_failure(db, conversation_id, replacing)
            if parent_id is None:
                self._require_conversation(conversation_id)
            else:
                self._require_message_in(db, conversation_id, parent_id)
            message = Message(
                id=message_id or new_id(),
                conversation_id=conversation_id,
                parent_id=parent_id,
                role=Role(role),
                content=content,
                created_at=self._next_time(db, conversation_id)
                if created_at is None
                else from_iso(to_iso(created_at)),
                status=MessageStatus(status),
                model=model,
                error=error,
                usage=usage,
                tool_calls=tuple(tool_calls),
                tool_call_id=tool_call_id,
                name=name,
                finish_reason=finish_reason,
            )
            _rows.insert_messages(db, [message], self._db.writer_id)
            db.execute(
                "UPDATE conversations SET updated_at = max(updated_at, ?),"
                " current_leaf_id = CASE WHEN ? THEN ? ELSE current_leaf_id END WHERE id = ?",
                (to_iso(message.created_at), make_current, message.id, conversation_id),
            )
        return message

    def _next_time(self, db: sqlite3.Connection, conversation_id: str) -> datetime:
        now = from_iso(to_iso(utc_now()))
        newest = db.execute(
            "SELECT max(created_at) FROM messages WHERE conversation_id = ?", (conversation_id,)
        ).fetchone()[0]
        if newest is not None and from_iso(newest) >= now:
            return from_iso(newest) + timedelta(milliseconds=1)
        return now

    def begin_answer(
        self,
        conversation_id: str,
        *,
        parent_id: str,
        model: str | None,
        replacing: str | None = None,
    ) -> Message:
        """Store an empty streaming assistant answer and make it the current leaf (see
        ``add_message`` for ``replacing``)."""
        return self.add_message(
            conversation_id,
            role=Role.ASSISTANT,
            content="",
            parent_id=parent_id,
            status=MessageStatus.STREAMING,
            model=model,
            replacing=replacing,
        )

    # Search --------------------------------------------------------------------------

    @guarded
    def search(self, query: str, *, limit: int = 50) -> list[SearchHit]:
        """Conversations whose title, and messages whose text, match what was typed.

        See ``app.store.search`` for the query rules and the snippet markers.
        Conversations in the trash are not searched.
        """
        from app.store.search import search  # with the first search, not at start-up

        return search(self._db, query, limit=limit)


def _drop_empty_failure(db: sqlite3.Connection, conversation_id: str, message_id: str) -> None:
    """Delete an answer that failed before any text came, unless something follows it:
    retried, it is no version worth keeping (only its error, which the new one shows
    again if it fails too)."""
    db.execute(
        "DELETE FROM messages WHERE id = ? AND conversation_id = ? AND role = 'assistant'"
        " AND status = 'error' AND content = '' AND tool_calls IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM messages AS child WHERE child.parent_id = ?)",
        (message_id, conversation_id, message_id),
    )


def read_stamps(
    connection: sqlite3.Connection,
    *,
    limit: int | None = None,
    pinned: bool | None = None,
    kind: str | None = None,
) -> list[tuple[str, str, str, bool, str]]:
    """``ConversationStore.list_stamps`` on any connection: a background thread's own
    (``open_reader``) finds what another program changed off the GUI thread."""
    where, values = _live_where(pinned, kind)
    rows = connection.execute(
        f"SELECT id, updated_at, title, pinned, kind FROM conversations WHERE {where}"  # noqa: S608
        " ORDER BY updated_at DESC, seq DESC LIMIT ?",
        (*values, -1 if limit is None else limit),
    )
    return [(row[0], row[1], row[2], bool(row[3]), row[4]) for row in rows.fetchall()]


def _live_where(pinned: bool | None, kind: str | None) -> tuple[str, tuple[int | str, ...]]:
    """A WHERE condition for conversations not in the trash (pinned or not, of a kind)."""
    where = LIVE
    values: tuple[int | str, ...] = ()
    if pinned is not None:
        where, values = f"{where} AND pinned = ?", (*values, int(pinned))
    if kind is not None:
        where, values = f"{where} AND kind = ?", (*values, check_kind(kind))
    return where, values

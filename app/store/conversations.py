"""Conversations and their message trees in the history file, as domain values."""

from __future__ import annotations

import functools
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any, Concatenate, Final, NamedTuple, ParamSpec, TypeVar

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
from app.store.db import StoreConnection, open_database, translate_error
from app.store.errors import AmbiguousConversation, ConversationNotFound, MessageNotFound
from app.store.kinds import KIND_CHAT, check_kind
from app.store.search import SearchHit
from app.store.search import search as _search

MIN_PREFIX = 4
_ROLES: Final = {role.value: role for role in Role}
_STATUSES: Final = {status.value: status for status in MessageStatus}
_FINAL_STATUSES = frozenset(
    {MessageStatus.COMPLETE, MessageStatus.INTERRUPTED, MessageStatus.ERROR}
)
_CHUNK = 500  # ids per IN (...) query, well under SQLite's variable limit

_P = ParamSpec("_P")
_R = TypeVar("_R")


class _Unchanged(Enum):
    UNCHANGED = "unchanged"


UNCHANGED: Final = _Unchanged.UNCHANGED
"""Default of ``update_conversation`` arguments: leave that field as it is."""

_LIVE = "deleted_at IS NULL"  # not in the trash


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


def _guarded(
    method: Callable[Concatenate[ConversationStore, _P], _R],
) -> Callable[Concatenate[ConversationStore, _P], _R]:
    """Turn SQLite's corruption, permission and lock errors into store errors."""

    @functools.wraps(method)
    def wrapper(self: ConversationStore, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as error:
            translated = translate_error(error, self.path)
            if translated is error:
                raise
            raise translated from error

    return wrapper


class ConversationStore:
    """Reads and writes conversations and messages; every write is one short transaction.

    One store wraps one connection and must be used from one thread at a time.
    """

    def __init__(self, connection: StoreConnection) -> None:
        self._db = connection

    @classmethod
    def open(cls, path: Path) -> ConversationStore:
        """Open the history file at ``path`` (see ``app.store.db.open_database``)."""
        return cls(open_database(path))

    @property
    def connection(self) -> StoreConnection:
        return self._db

    @property
    def path(self) -> Path:
        return self._db.path

    @property
    def recovered_count(self) -> int:
        """Answers found unfinished from a dead process and marked interrupted on open."""
        return self._db.recovered_count

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ConversationStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[StoreConnection]:
        # IMMEDIATE takes the write lock up front: a deferred transaction that reads
        # first and then writes fails at once with SQLITE_BUSY under WAL when another
        # process wrote in between, instead of waiting for the busy timeout.
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise

    # Conversations -------------------------------------------------------------------

    @_guarded
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
            id=conversation_id or uuid.uuid4().hex,
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

    @_guarded
    def get_conversation(self, conversation_id: str) -> Conversation:
        row = self._db.execute(
            _rows.SELECT_CONVERSATIONS + " WHERE id = ?",
            (conversation_id,),
        ).fetchone()
        if row is None:
            raise ConversationNotFound(conversation_id)
        return _rows.conversation(row)

    @_guarded
    def resolve(self, ref: str) -> Conversation:
        """The conversation whose id is ``ref`` or starts with it (at least 4 characters).

        Conversations in the trash are not found (``get_conversation`` still reads them).

        Raises:
            ConversationNotFound: nothing matches, or ``ref`` is too short to be a prefix.
            AmbiguousConversation: several ids start with ``ref``.
        """
        ref = ref.strip()
        row = self._db.execute(
            f"{_rows.SELECT_CONVERSATIONS} WHERE id = ? AND {_LIVE}", (ref,)
        ).fetchone()
        if row is not None:
            return _rows.conversation(row)
        if len(ref) < MIN_PREFIX:
            raise ConversationNotFound(ref)
        rows = self._db.execute(
            f"{_rows.SELECT_CONVERSATIONS} WHERE lower(substr(id, 1, ?)) = lower(?) AND {_LIVE}"
            " ORDER BY updated_at DESC",
            (len(ref), ref),
        ).fetchall()
        if not rows:
            raise ConversationNotFound(ref)
        if len(rows) > 1:
            raise AmbiguousConversation(ref, [row[0] for row in rows])
        return _rows.conversation(rows[0])

    @_guarded
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

    @_guarded
    def count_conversations(self, *, pinned: bool | None = None, kind: str | None = None) -> int:
        """How many conversations ``list_conversations(pinned=..., kind=...)`` would return."""
        where, values = _live_where(pinned, kind)
        query = f"SELECT count(*) FROM conversations WHERE {where}"  # noqa: S608
        return int(self._db.execute(query, values).fetchone()[0])

    @_guarded
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

    @_guarded
    def set_pinned(self, conversation_id: str, pinned: bool) -> None:
        self._update_one(
            "UPDATE conversations SET pinned = ? WHERE id = ?",
            (int(pinned), conversation_id),
            conversation_id,
        )

    @_guarded
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

    @_guarded
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

    @_guarded
    def touch(self, conversation_id: str) -> None:
        """Mark the conversation as just used (moves it to the top of the list)."""
        self._update_one(
            "UPDATE conversations SET updated_at = ? WHERE id = ?",
            (to_iso(utc_now()), conversation_id),
            conversation_id,
        )

    @_guarded
    def delete_conversation(self, conversation_id: str) -> None:
        """Delete the conversation with all its messages, now (``trash_conversation``
        is the undoable delete)."""
        with self._transaction() as db:
            cursor = db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))
            if cursor.rowcount == 0:
                raise ConversationNotFound(conversation_id)

    # The trash -----------------------------------------------------------------------

    @_guarded
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

    @_guarded
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

    @_guarded
    def trashed_conversations(self) -> list[Conversation]:
        """The conversations in the trash, most recently trashed first."""
        rows = self._db.execute(
            f"{_rows.SELECT_CONVERSATIONS} WHERE deleted_at IS NOT NULL"
            " ORDER BY deleted_at DESC, seq DESC"
        )
        return [_rows.conversation(row) for row in rows]

    @_guarded
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

    # Copies --------------------------------------------------------------------------

    @_guarded
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
            new_ids = {message.id: uuid.uuid4().hex for message in messages}
            moment = from_iso(to_iso(utc_now()))
            newest = max((message.created_at for message in messages), default=moment)
            copy = replace(
                original,
                id=uuid.uuid4().hex,
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

    @_guarded
    def set_current_leaf(self, conversation_id: str, message_id: str) -> None:
        """Make the branch ending at ``message_id`` the one the conversation shows."""
        with self._transaction() as db:
            self._require_message_in(db, conversation_id, message_id)
            db.execute(
                "UPDATE conversations SET current_leaf_id = ? WHERE id = ?",
                (message_id, conversation_id),
            )

    def _update_one(self, sql: str, values: Sequence[Any], conversation_id: str) -> None:
        if self._db.execute(sql, values).rowcount == 0:
            raise ConversationNotFound(conversation_id)

    def _require_conversation(self, conversation_id: str) -> None:
        row = self._db.execute(
            "SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)
        ).fetchone()
        if row is None:
            raise ConversationNotFound(conversation_id)

    def _require_message_in(
        self, db: sqlite3.Connection, conversation_id: str, message_id: str
    ) -> None:
        self._require_conversation(conversation_id)
        row = db.execute(
            "SELECT conversation_id FROM messages WHERE id = ?", (message_id,)
        ).fetchone()
        if row is None:
            raise MessageNotFound(message_id)
        if row[0] != conversation_id:
            raise ValueError(f"message {message_id} belongs to another conversation")

    # Messages ------------------------------------------------------------------------

    @_guarded
    def messages(self, conversation_id: str) -> list[Message]:
        """Every message of every branch, in creation order."""
        rows = self._db.execute(
            _rows.SELECT_MESSAGES + " WHERE conversation_id = ? ORDER BY created_at, seq",
            (conversation_id,),
        ).fetchall()
        if not rows:
            self._require_conversation(conversation_id)
        return [_rows.message(row) for row in rows]

    @_guarded
    def get_message(self, message_id: str) -> Message:
        row = self._db.execute(_rows.SELECT_MESSAGES + " WHERE id = ?", (message_id,)).fetchone()
        if row is None:
            raise MessageNotFound(message_id)
        return _rows.message(row)

    def tree(self, conversation_id: str) -> MessageTree[Message]:
        return MessageTree(self.messages(conversation_id))

    @_guarded
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

    @_guarded
    def messages_by_id(self, message_ids: Sequence[str]) -> dict[str, Message]:
        """The messages of those ids that exist (any conversation)."""
        found: dict[str, Message] = {}
        for start in range(0, len(message_ids), _CHUNK):
            chunk = list(message_ids[start : start + _CHUNK])
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

    @_guarded
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
    ) -> Message:
        """Append a message under ``parent_id`` (``None`` for a root).

        The conversation's ``updated_at`` moves forward, and the message becomes its
        current leaf when ``make_current``. Without ``created_at`` the message gets the
        current time, nudged a millisecond past the conversation's newest message so
        creation order is never ambiguous.
        """
        with self._transaction() as db:
            if parent_id is None:
                self._require_conversation(conversation_id)
            else:
                self._require_message_in(db, conversation_id, parent_id)
            message = Message(
                id=message_id or uuid.uuid4().hex,
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

    def begin_answer(self, conversation_id: str, *, parent_id: str, model: str | None) -> Message:
        """Store an empty streaming assistant answer and make it the current leaf."""
        return self.add_message(
            conversation_id,
            role=Role.ASSISTANT,
            content="",
            parent_id=parent_id,
            status=MessageStatus.STREAMING,
            model=model,
        )

    @_guarded
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

    @_guarded
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

    # Search and bulk import ----------------------------------------------------------

    @_guarded
    def search(self, query: str, *, limit: int = 50) -> list[SearchHit]:
        """Conversations whose title, and messages whose text, match what was typed.

        See ``app.store.search`` for the query rules and the snippet markers.
        Conversations in the trash are not searched.
        """
        return _search(self._db, query, limit=limit)

    @_guarded
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
        return counts._replace(messages=written)


def _message_owners(db: sqlite3.Connection, message_ids: Sequence[str]) -> dict[str, str]:
    owners: dict[str, str] = {}
    for start in range(0, len(message_ids), _CHUNK):
        chunk = message_ids[start : start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        owners.update(
            db.execute(
                f"SELECT id, conversation_id FROM messages WHERE id IN ({marks})",  # noqa: S608
                chunk,
            ).fetchall()
        )
    return owners


def _live_where(pinned: bool | None, kind: str | None) -> tuple[str, tuple[int | str, ...]]:
    """A WHERE condition for conversations not in the trash (pinned or not, of a kind)."""
    where = _LIVE
    values: tuple[int | str, ...] = ()
    if pinned is not None:
        where, values = f"{where} AND pinned = ?", (*values, int(pinned))
    if kind is not None:
        where, values = f"{where} AND kind = ?", (*values, check_kind(kind))
    return where, values

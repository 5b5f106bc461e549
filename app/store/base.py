"""What every part of the conversation store stands on: one connection, short write
transactions, SQLite's errors turned into store errors, and the basic reads."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, Self, TypeVar

from app.domain.messages import Conversation, Message
from app.store import rows as _rows
from app.store.db import StoreConnection, open_database, translate_error
from app.store.errors import ConversationNotFound, MessageNotFound

CHUNK = 500  # ids per IN (...) query, well under SQLite's variable limit
LIVE = "deleted_at IS NULL"  # not in the trash

_P = ParamSpec("_P")
_R = TypeVar("_R")
_S = TypeVar("_S", bound="StoreBase")


def guarded(
    method: Callable[Concatenate[_S, _P], _R],
) -> Callable[Concatenate[_S, _P], _R]:
    """Turn SQLite's corruption, permission and lock errors into store errors."""

    @functools.wraps(method)
    def wrapper(self: _S, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as error:
            translated = translate_error(error, self.path)
            if translated is error:
                raise
            raise translated from error

    return wrapper


class StoreBase:
    """One connection to the history file; must be used from one thread at a time."""

    def __init__(self, connection: StoreConnection) -> None:
        self._db = connection
        self._nested = False  # a transaction is open: writes join it

    @classmethod
    def open(cls, path: Path) -> Self:
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

    @contextmanager
    def waiting_at_most(self, milliseconds: int) -> Iterator[None]:
        """Writes within wait this long for another process's lock, not the usual five
        seconds: for writes that are tried again later anyway (a streamed answer's
        saves), so that the window does not freeze for seconds at each try."""
        from app.store.db import BUSY_TIMEOUT_MS  # read at call time: tests change it

        self._db.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
        try:
            yield
        finally:
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def together(self) -> Iterator[None]:
        """The writes made within are one transaction: all of them are stored, or none
        (a new conversation and its first question: a full disk left the conversation
        without it). An error raised within must end the block."""
        try:
            with self._transaction():
                yield
        except sqlite3.Error as error:  # the commit's, as @guarded turns them
            translated = translate_error(error, self.path)
            if translated is error:
                raise
            raise translated from error

    @contextmanager
    def _transaction(self) -> Iterator[StoreConnection]:
        if self._nested:  # within together(): its transaction holds this one
            yield self._db
            return
        # IMMEDIATE takes the write lock up front: a deferred transaction that reads
        # first and then writes fails at once with SQLITE_BUSY under WAL when another
        # process wrote in between, instead of waiting for the busy timeout.
        self._db.execute("BEGIN IMMEDIATE")
        self._nested = True
        try:
            yield self._db
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        finally:
            self._nested = False

    @guarded
    def data_version(self) -> int:
        """A number that changes when another connection (another process: the command
        line, a second window) has written to the file since it was last read."""
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    @guarded
    def get_conversation(self, conversation_id: str) -> Conversation:
        row = self._db.execute(
            _rows.SELECT_CONVERSATIONS + " WHERE id = ?",
            (conversation_id,),
        ).fetchone()
        if row is None:
            raise ConversationNotFound(conversation_id)
        return _rows.conversation(row)

    @guarded
    def get_message(self, message_id: str) -> Message:
        row = self._db.execute(_rows.SELECT_MESSAGES + " WHERE id = ?", (message_id,)).fetchone()
        if row is None:
            raise MessageNotFound(message_id)
        return _rows.message(row)

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

"""Which conversations match an FTS5 query, the most recently active first.

One row a conversation, with its newest matching message, in the sidebar's order
(``updated_at``, then ``seq``): not the index's order, which is storage order and puts
an imported history of old chats before everything written the day before.

How that order is found fast depends on how many messages match, counted (up to
``DENSE``) from the index alone, which costs a fraction of a microsecond a match:

* up to ``SPARSE``: each match's conversation is read (a few microseconds each).
* up to ``DENSE``: conversations are walked newest first, their messages read from the
  ``messages_by_conversation`` index and looked up in the list of matches, built once.
* more (a common word, a one-letter prefix): building that list costs tens of
  milliseconds, but most conversations match. They are walked newest first a chunk at a
  time; the chunk's messages' ``seq`` fall in a few runs, and the index is read over
  those runs only (FTS5 seeks to a rowid range).

Looking up one message in the index for a query (``rowid = ?``) costs about 60 µs
however common the word: never one lookup a message.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

SPARSE = 400
DENSE = 2_000
CHUNK = 100  # conversations a step when most conversations match
CHUNKS = 10  # steps before the rest is walked with the list of matches, which is bounded
GAP = 1_000  # seqs apart that still share one range read from the index

_COUNT = "SELECT count(*) FROM (SELECT 1 FROM messages_fts WHERE messages_fts MATCH ? LIMIT ?)"
_CONVERSATIONS_OF_MATCHES = (
    "SELECT DISTINCT m.conversation_id FROM messages_fts"
    " JOIN messages AS m ON m.seq = messages_fts.rowid WHERE messages_fts MATCH ?"
)
_TITLE_MATCHES = "SELECT rowid FROM conversations_fts WHERE conversations_fts MATCH ?"
# A conversation matches by its title or by a message; ``newest`` is its newest matching
# message. LIMIT -1 keeps the subquery from being merged into the outer one, which would
# evaluate ``newest`` twice.
_WALK = (
    "SELECT seq, id, title, created_at, newest FROM ("
    " SELECT c.seq, c.id, c.title, c.created_at,"
    "  c.seq IN (SELECT rowid FROM conversations_fts WHERE conversations_fts MATCH :query)"
    "  AS title_hit,"
    "  (SELECT m.seq FROM messages AS m WHERE m.conversation_id = c.id AND m.seq IN"
    "   (SELECT rowid FROM messages_fts WHERE messages_fts MATCH :query)"
    "   ORDER BY m.created_at DESC LIMIT 1) AS newest"
    " FROM conversations AS c WHERE c.deleted_at IS NULL {among}"
    " ORDER BY c.updated_at DESC, c.seq DESC LIMIT -1 OFFSET :offset"
    ") WHERE title_hit OR newest IS NOT NULL LIMIT :limit"
)
_AMONG = "AND c.id IN (SELECT value FROM json_each(:ids))"
_CHUNK = (
    "SELECT seq, id, title, created_at FROM conversations WHERE deleted_at IS NULL"
    " ORDER BY updated_at DESC, seq DESC LIMIT ? OFFSET ?"
)
_SEQS_OF = (
    "SELECT seq FROM messages INDEXED BY messages_by_conversation"
    " WHERE conversation_id IN (SELECT value FROM json_each(?))"
)
# The newest of each conversation's messages in a list (SQLite takes a bare column from
# the row that holds the max()).
_NEWEST_OF = (
    "SELECT conversation_id, seq, max(created_at) FROM messages"
    " INDEXED BY messages_by_conversation"
    " WHERE conversation_id IN (SELECT value FROM json_each(?))"
    " AND seq IN (SELECT value FROM json_each(?)) GROUP BY conversation_id"
)
_MATCHES_BETWEEN = "SELECT rowid FROM {table} WHERE {table} MATCH ? AND rowid BETWEEN ? AND ?"


@dataclass(frozen=True, slots=True)
class Found:
    """A matching conversation; ``newest`` is the ``seq`` of its newest matching message
    (``None`` when only its title matches)."""

    seq: int
    id: str
    title: str
    created_at: str
    newest: int | None


def conversations_matching(connection: sqlite3.Connection, query: str, limit: int) -> list[Found]:
    """The first ``limit`` live conversations that match ``query`` (FTS5 syntax), the
    most recently active first."""
    if limit <= 0:
        return []
    count = int(connection.execute(_COUNT, (query, DENSE + 1)).fetchone()[0])
    if count > DENSE:
        return _walk_in_chunks(connection, query, limit)
    among = ""
    parameters: dict[str, object] = {"query": query, "limit": limit, "offset": 0}
    if count <= SPARSE:
        ids = {row[0] for row in connection.execute(_CONVERSATIONS_OF_MATCHES, (query,))}
        titles = connection.execute(
            "SELECT c.id FROM conversations_fts JOIN conversations AS c"
            " ON c.seq = conversations_fts.rowid WHERE conversations_fts MATCH ? LIMIT ?",
            (query, SPARSE + 1),
        ).fetchall()
        if len(titles) <= SPARSE:  # else walking is cheaper than sorting them all
            ids.update(row[0] for row in titles)
            if not ids:
                return []
            among = _AMONG
            parameters["ids"] = json.dumps(sorted(ids))
    return [Found(*row) for row in connection.execute(_WALK.format(among=among), parameters)]


def _walk_in_chunks(connection: sqlite3.Connection, query: str, limit: int) -> list[Found]:
    found: list[Found] = []
    offset = 0
    for _ in range(CHUNKS):
        chunk = connection.execute(_CHUNK, (CHUNK, offset)).fetchall()
        offset += len(chunk)
        ids = json.dumps([row[1] for row in chunk])
        seqs = sorted(row[0] for row in connection.execute(_SEQS_OF, (ids,)))
        matching = json.dumps(sorted(_matches_among(connection, "messages_fts", query, seqs)))
        newest = {row[0]: row[1] for row in connection.execute(_NEWEST_OF, (ids, matching))}
        titles = _matches_among(connection, "conversations_fts", query, sorted(r[0] for r in chunk))
        found += [
            Found(seq, conversation_id, title, created_at, newest.get(conversation_id))
            for seq, conversation_id, title, created_at in chunk
            if conversation_id in newest or seq in titles
        ]
        if len(found) >= limit or len(chunk) < CHUNK:
            return found[:limit]
    # Matches gathered in old conversations: the list of every match costs less than
    # reading the rest chunk by chunk.
    parameters = {"query": query, "limit": limit - len(found), "offset": offset}
    return found + [Found(*row) for row in connection.execute(_WALK.format(among=""), parameters)]


def _matches_among(
    connection: sqlite3.Connection, table: str, query: str, seqs: list[int]
) -> set[int]:
    """Which of ``seqs`` (sorted rowids of ``table``) match ``query``: the index read
    over their runs only."""
    matching: set[int] = set()
    sql = _MATCHES_BETWEEN.format(table=table)
    for low, high in _runs(seqs):
        matching.update(row[0] for row in connection.execute(sql, (query, low, high)))
    return matching.intersection(seqs)


def _runs(seqs: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted ``seqs`` as ranges, split where ``GAP`` or more apart."""
    runs: list[tuple[int, int]] = []
    for seq in seqs:
        if runs and seq - runs[-1][1] < GAP:
            runs[-1] = (runs[-1][0], seq)
        else:
            runs.append((seq, seq))
    return runs

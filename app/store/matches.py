"""Which conversations match a ``Query`` (FTS5 queries, and ``LIKE`` patterns for short
Japanese and Chinese terms), the most recently active first.

One row a conversation, with its newest matching message, in the sidebar's order
(``updated_at``, then ``seq``): not the index's order, which is storage order and puts
an imported history of old chats before everything written the day before.

Finding a match's conversation means reading its message row (about 3 µs, a random
page of the table); checking a conversation's messages against a list of matches costs
about 8 µs a conversation. Which is cheaper depends on how many messages match, so
they are counted first, from the index alone (up to ``LISTED``):

* none: only titles can match.
* up to ``READ``: each match's conversation is read, and those conversations sorted.
* up to ``LISTED``: every conversation is walked, newest first, against the list of
  matches, built once, until ``limit`` of them match (about 300 when 2,000 of 200,000
  messages match).
* more (a common word, a short prefix): most conversations match, and listing every
  match would cost more than the walk. Conversations are walked a chunk at a time,
  against the matches among the chunk's own messages only: they fall in a few runs of
  seqs, and FTS5 seeks to a range of rowids. The first chunk is what does when nearly
  every conversation matches; the next ones are sized by how many did, or twice as big
  when few did while the ranges read are a small part of the messages: the matches are
  further on (past the newest conversations, in Chinese, say), and reading on costs
  less than listing them all.

A last word of four letters or more costs the same again in each statement that reads
the index for it: only shorter prefixes are indexed (``prefix = '1 2 3'``), so FTS5
merges the lists of every word the prefix starts (up to about 2 ms for a common word).
Hence the count also lists the matches it counted, and reading them or walking against
them uses that list: the index is read once, but for the chunks (one usually).
"""

# Statements are built from this module's constants only: data goes in parameters.
# ruff: noqa: S608

from __future__ import annotations

import dataclasses
import itertools
import math
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from app.store.glued import GLUED_FUNCTION

READ = 1_000
FIRST_CHUNK = 1.5  # conversations in the first chunk, a hit wanted: enough if most match
LISTED = 4_000  # matches listed for a walk at most: more, and most conversations match
CHUNKS = 4  # chunks before the rest is walked with the list of every match
GAP = 1_000  # seqs apart that still share one range read from the index
RANGES = 8  # ranges read from the index a chunk, at most
SPREAD = 8  # chunks grow while their ranges hold less than 1/SPREAD of the seqs

# A word as the unicode61 tokenizer sees it: letters and digits; "_" separates.
_WORD = re.compile(r"[^\W_]+")

# How many messages match, up to a bound, and which: their seqs as JSON, built in C,
# so that the next statement reads the list instead of the index again.
_COUNT = "SELECT count(*), '[' || group_concat(seq) || ']' FROM ({messages} LIMIT :bound)"
_LISTED = "SELECT value FROM json_each(:listed)"
_TITLES = (
    "SELECT c.seq, c.id, c.title, c.created_at, NULL FROM conversations AS c"
    " WHERE c.seq IN ({titles}) AND c.deleted_at IS NULL"
    " ORDER BY c.updated_at DESC, c.seq DESC LIMIT :limit"
)
# The conversations of every match (message or title), the most recently active first,
# each with its newest matching message.
_READ = (
    "WITH hit AS MATERIALIZED ("
    "  SELECT seq, conversation_id FROM messages"
    "  WHERE seq IN (SELECT value FROM json_each(:listed))"
    "), found AS MATERIALIZED ("
    "  SELECT seq, id, title, created_at, updated_at FROM conversations"
    "  WHERE deleted_at IS NULL AND seq IN ("
    "   SELECT c.seq FROM conversations AS c WHERE c.id IN (SELECT conversation_id FROM hit)"
    "   UNION {titles})"
    "  ORDER BY updated_at DESC, seq DESC LIMIT :limit"
    ")"
    " SELECT seq, id, title, created_at,"
    "  (SELECT m.seq FROM messages AS m INDEXED BY messages_by_conversation"
    "   WHERE m.conversation_id = found.id AND m.seq IN (SELECT seq FROM hit)"
    "   ORDER BY m.created_at DESC LIMIT 1)"
    " FROM found ORDER BY updated_at DESC, seq DESC"
)
# Conversations walked newest first: a conversation matches by its title or by a
# message; ``newest`` is its newest matching message, among ``{matches}``. LIMIT -1
# keeps the subquery from being merged into the outer one, which would evaluate
# ``newest`` twice.
_WALK = (
    "SELECT seq, id, title, created_at, newest FROM ("
    " SELECT c.seq, c.id, c.title, c.created_at, c.seq IN ({titles}) AS title_hit,"
    "  (SELECT m.seq FROM messages AS m INDEXED BY messages_by_conversation"
    "   WHERE m.conversation_id = c.id AND m.seq IN ({matches})"
    "   ORDER BY m.created_at DESC LIMIT 1) AS newest"
    " FROM conversations AS c WHERE c.deleted_at IS NULL"
    " ORDER BY c.updated_at DESC, c.seq DESC LIMIT :chunk OFFSET :offset"
    ") WHERE title_hit OR newest IS NOT NULL LIMIT :limit"
)
# Where a chunk's messages are: the seqs of them all, as one string (cheaper than a
# row each), and how many conversations the chunk holds.
_SEQS = (
    "SELECT group_concat(m.seq), count(DISTINCT c.seq) FROM ("
    " SELECT seq, id FROM conversations WHERE deleted_at IS NULL"
    " ORDER BY updated_at DESC, seq DESC LIMIT :chunk OFFSET :offset"
    ") AS c LEFT JOIN messages AS m INDEXED BY messages_by_conversation"
    " ON m.conversation_id = c.id"
)


@dataclass(frozen=True, slots=True)
class Query:
    """What a search looks for, all of it in one message or in one title: ``words``, an
    FTS5 query on the word index; ``cjk``, one on the trigram index of CJK text (for
    terms of three characters or more, found inside a run of characters); ``likes``,
    LIKE patterns for shorter CJK terms, tried on that text only; ``literals``, LIKE
    patterns (escaped with ``\\``) the text matching ``words`` must hold too, for terms
    whose symbols the word index drops ("C++" is the word "c" there). Not all empty.

    ``glued`` is another way to match, in the text with CJK characters only: its words
    of three characters or more are found inside a run of characters ("Python" in
    "我用Python写代码"), with the trigram index (or ``LIKE``) and then ``pattern``, a
    regular expression the text must match (``app.store.glued``), which also checks
    its shorter words where the word index would find them. Its ``words`` is None.

    ``listed``, when set, is what matches, found beforehand (``app.store.glued_found``):
    the seqs of the matching messages and of the conversations whose title matches, as
    JSON lists; nothing else is then read.

    ``cjk_first``: the rows that hold the CJK terms are found first, and the word index
    asked about each (``ordered``): when its words are in more messages than those
    rows, an intersection read their whole list ("东京 a": every message with an "a")."""

    words: str | None
    cjk: str | None = None
    likes: tuple[str, ...] = ()
    literals: tuple[str, ...] = ()
    pattern: str | None = None
    glued: Query | None = None
    listed: tuple[str, str] | None = None
    cjk_first: bool = False

    def parameters(self, name: str = "") -> dict[str, object]:
        likes = {f"{name}like{n}": like for n, like in enumerate(self.likes)}
        literals = {f"{name}literal{n}": literal for n, literal in enumerate(self.literals)}
        glued = self.glued.parameters(f"{name}glued_") if self.glued else {}
        messages, conversations = self.listed or (None, None)
        return {
            f"{name}query": self.words,
            f"{name}cjk": self.cjk,
            f"{name}pattern": self.pattern,
            f"{name}listed_messages": messages,
            f"{name}listed_conversations": conversations,
            **likes,
            **literals,
            **glued,
        }

    def messages(self, n: int | None = None) -> str:
        """A SELECT of the ``seq`` of every matching message; with ``n``, of those
        between ``:low{n}`` and ``:high{n}``."""
        between = "" if n is None else f" AND {{seq}} BETWEEN :low{n} AND :high{n}"
        return self._select("messages", "content", between)

    def titles(self) -> str:
        """A SELECT of the ``seq`` of every conversation whose title matches."""
        return self._select("conversations", "title", "")

    def texts(self, table: str, column: str) -> str:
        """A SELECT of the ``seq`` and text of the rows of ``table`` (``messages`` or
        ``conversations``) with CJK text that hold this query's terms, ``pattern`` not
        checked: those of a ``glued`` query, at most ``:bound``."""
        if self.cjk is not None:
            rowid = f"{table}_cjk_fts.rowid"
            return (
                f"SELECT {rowid}, t.{column} FROM {table}_cjk_fts"
                f" JOIN {table} AS t ON t.seq = {rowid}"
                f" WHERE {table}_cjk_fts MATCH :cjk{self._checks(f't.{column}', '', pattern=False)}"
                " LIMIT :bound"
            )
        checks = self._checks(column, "", pattern=False)
        return f"SELECT seq, {column} FROM {table}_cjk WHERE 1{checks} LIMIT :bound"

    def _select(self, table: str, column: str, between: str, name: str = "") -> str:
        if self.listed is not None:
            return f"SELECT value AS seq FROM json_each(:{name}listed_{table}) WHERE 1" + (
                between.format(seq="value")
            )
        parts = []
        # With CJK terms first, the word index is asked about their rows only.
        first = self.cjk_first and (self.cjk is not None or bool(self.likes))
        if self.words is not None and not first:
            rowid = f"{table}_fts.rowid"
            # Every part must match (INTERSECT below): the literals on this one suffice.
            literals = "".join(
                f" AND {column} LIKE :{name}literal{n} ESCAPE '\\'"
                for n in range(len(self.literals))
            )
            parts.append(
                f"SELECT {rowid} AS seq FROM {table}_fts WHERE {table}_fts MATCH :{name}query"
                + literals
                + between.format(seq=rowid)
            )
        if self.cjk is not None:
            rowid = f"{table}_cjk_fts.rowid"
            checks = self._checks(f"t.{column}", name, literals=first)
            join = f" JOIN {table} AS t ON t.seq = {rowid}" if checks else ""
            words = self._words_in(table, rowid, name) if first else ""
            parts.append(
                f"SELECT {rowid} AS seq FROM {table}_cjk_fts{join}"
                f" WHERE {table}_cjk_fts MATCH :{name}cjk"
                + checks
                + words
                + between.format(seq=rowid)
            )
        elif self.likes:
            words = self._words_in(table, f"{table}_cjk.seq", name) if first else ""
            parts.append(
                f"SELECT seq FROM {table}_cjk WHERE 1{self._checks(column, name, literals=first)}"
                + words
                + between.format(seq="seq")
            )
        own = parts[0] if len(parts) == 1 else f"SELECT seq FROM ({' INTERSECT '.join(parts)})"
        # Compound operators bind left to right: enclosed, "x UNION a INTERSECT b" in a
        # statement keeps its meaning.
        if self.glued is None:
            return own
        # UNION ALL reads on while LIMIT wants more, where UNION would first read every
        # match to drop repeats: a message both ways is found twice, counted twice by
        # _COUNT (an estimate), and IN drops the repeat.
        glued = self.glued._select(table, column, between, f"{name}glued_")
        return f"SELECT seq FROM ({own}) UNION ALL SELECT seq FROM ({glued})"

    def _words_in(self, table: str, rowid: str, name: str) -> str:
        """The condition that the word index finds ``words`` in the row ``rowid``: a
        seek in its lists, where a part of its own would read them whole."""
        return (
            f" AND EXISTS (SELECT 1 FROM {table}_fts WHERE {table}_fts MATCH :{name}query"
            f" AND {table}_fts.rowid = {rowid})"
        )

    def _checks(
        self, column: str, name: str, *, pattern: bool = True, literals: bool = False
    ) -> str:
        """The conditions on the text of a CJK row: ``likes``, ``pattern``, and the
        ``literals`` when no word part checks them (or if ``literals``)."""
        checks = "".join(
            f" AND {column} LIKE :{name}like{n} ESCAPE '\\'" for n in range(len(self.likes))
        )
        if self.words is None or literals:
            checks += "".join(
                f" AND {column} LIKE :{name}literal{n} ESCAPE '\\'"
                for n in range(len(self.literals))
            )
        if pattern and self.pattern is not None:
            checks += f" AND {GLUED_FUNCTION}({column}, :{name}pattern)"
        return checks


# What each side of a query with words and CJK terms reads, counted from the indexes:
# the rows the trigram index finds (or that LIKE finds, read until there are enough),
# and the messages that hold the words.
_CJK_ROWS = "SELECT rowid FROM messages_cjk_fts WHERE messages_cjk_fts MATCH :cjk"
_CJK_TEXTS = "SELECT seq FROM messages_cjk WHERE 1"
_WORD_ROWS = "SELECT rowid FROM messages_fts WHERE messages_fts MATCH :query"
_INDEXED_PREFIX = 3  # characters in the longest prefix the word index lists (schema)
# A seek in the word index for one row (about 60 µs: the query parsed again, a seek in
# each segment) costs about as much as reading this many rows of its lists.
SEEK_COST = 100
SEEKS = 40  # CJK rows asked about at most: beyond, an intersection costs little more


def ordered(connection: sqlite3.Connection, query: Query) -> Query:
    """``query``, its CJK terms first (``Query.cjk_first``) when the CJK side reads at
    most ``SEEKS`` rows and its words are in ``SEEK_COST`` times as many messages, both
    counted from the indexes; as given when the word index would merge lists for each
    row asked about (a prefix of four characters or more)."""
    if query.words is None or (query.cjk is None and not query.likes):
        return query
    if query.words.endswith("*"):  # phrases hold no space: the last is the prefix
        tokens = _WORD.findall(query.words[query.words.rfind(" ") + 1 :])
        if tokens and len(tokens[-1]) > _INDEXED_PREFIX:
            return query
    cjk = _CJK_ROWS if query.cjk is not None else _CJK_TEXTS + query._checks("content", "")
    rows = _count(connection, cjk, query.parameters(), SEEKS + 1)
    if rows > SEEKS:
        return query
    listed = _count(connection, _WORD_ROWS, {"query": query.words}, rows * SEEK_COST + 1)
    return dataclasses.replace(query, cjk_first=True) if listed > rows * SEEK_COST else query


def _count(
    connection: sqlite3.Connection, select: str, parameters: dict[str, object], bound: int
) -> int:
    """How many rows ``select`` finds, up to ``bound``."""
    count = f"SELECT count(*) FROM ({select} LIMIT :bound)"
    (found,) = connection.execute(count, {**parameters, "bound": bound}).fetchone()
    return int(found)


@dataclass(frozen=True, slots=True)
class Found:
    """A matching conversation; ``newest`` is the ``seq`` of its newest matching message
    (``None`` when only its title matches)."""

    seq: int
    id: str
    title: str
    created_at: str
    newest: int | None


def conversations_matching(connection: sqlite3.Connection, query: Query, limit: int) -> list[Found]:
    """The first ``limit`` live conversations that match ``query``, the most recently
    active first."""
    if limit <= 0:
        return []
    count, listed = connection.execute(
        _COUNT.format(messages=query.messages()), {**query.parameters(), "bound": LISTED + 1}
    ).fetchone()
    parameters = {**query.parameters(), "limit": limit, "listed": listed}
    titles = query.titles()
    if count == 0:
        rows = connection.execute(_TITLES.format(titles=titles), parameters)
        return [Found(*row) for row in rows]
    if count <= READ:
        return [Found(*row) for row in connection.execute(_READ.format(titles=titles), parameters)]
    if count <= LISTED:
        rows = connection.execute(
            _WALK.format(titles=titles, matches=_LISTED), {**parameters, "chunk": -1, "offset": 0}
        )
        return [Found(*row) for row in rows]
    return _walk_in_chunks(connection, query, limit)


def titles_matching(connection: sqlite3.Connection, query: Query, limit: int) -> list[Found]:
    """The first ``limit`` live conversations whose title matches ``query``, the most
    recently active first (``newest`` is ``None``): the title index is small, a few
    milliseconds for a one-letter prefix in 10,000 titles."""
    if limit <= 0:
        return []
    rows = connection.execute(
        _TITLES.format(titles=query.titles()), {**query.parameters(), "limit": limit}
    )
    return [Found(*row) for row in rows]


def _walk(
    connection: sqlite3.Connection, query: Query, limit: int, *, offset: int, seen: set[str]
) -> list[Found]:
    """Conversations from ``offset`` on, newest first, checked against the list of
    every match, read from the index; those in ``seen`` left out."""
    rows = connection.execute(
        _WALK.format(titles=query.titles(), matches=query.messages()),
        {**query.parameters(), "limit": limit + len(seen), "chunk": -1, "offset": offset},
    )
    return [Found(*row) for row in rows if row[1] not in seen][:limit]


def _walk_in_chunks(connection: sqlite3.Connection, query: Query, limit: int) -> list[Found]:
    found: list[Found] = []
    seen: set[str] = set()  # a conversation active while walking can move up a chunk
    offset = spanned = 0  # spanned: seqs in the ranges read so far
    chunk = max(1, math.ceil(limit * FIRST_CHUNK))
    for _ in range(CHUNKS):
        seqs, conversations = connection.execute(
            _SEQS, {"chunk": chunk, "offset": offset}
        ).fetchone()
        ranges = _runs(sorted(map(int, seqs.split(",")))) if seqs else []
        parameters = {**query.parameters(), "limit": limit - len(found)}
        parameters.update(chunk=chunk, offset=offset)
        for n, (low, high) in enumerate(ranges):
            parameters[f"low{n}"], parameters[f"high{n}"] = low, high
        matches = " UNION ALL ".join(query.messages(n) for n in range(len(ranges)))
        sql = _WALK.format(titles=query.titles(), matches=matches or "NULL")
        rows = [Found(*row) for row in connection.execute(sql, parameters)]
        found += [row for row in rows if row.id not in seen]
        seen.update(row.id for row in rows)
        offset += chunk
        if len(found) >= limit or conversations < chunk:
            return found[:limit]
        spanned += sum(high - low + 1 for low, high in ranges)
        if len(rows) * 8 < chunk:
            # Few of these conversations match, yet more than LISTED messages do: they
            # are further on (past 300 conversations in Chinese, "l" in none), or in
            # few conversations. The ranges read cost what matches in them, the list
            # all of it (100,000 messages for "l*"): read on while they hold little.
            if spanned * SPREAD >= _last_seq(connection):
                break
            chunk *= 2
        else:
            # Enough conversations for what is missing, at the rate they matched so far.
            chunk = chunk * 3 * (limit - len(found)) // (2 * len(rows))
    return found + _walk(connection, query, limit - len(found), offset=offset, seen=seen)


def _last_seq(connection: sqlite3.Connection) -> int:
    (last,) = connection.execute("SELECT coalesce(max(seq), 0) FROM messages").fetchone()
    return int(last)


def _runs(seqs: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted ``seqs`` as at most ``RANGES`` ranges, split where ``GAP`` or more apart
    (the widest gaps, when there are more)."""
    gaps = [(b - a, i) for i, (a, b) in enumerate(itertools.pairwise(seqs)) if b - a >= GAP]
    cuts = sorted(i + 1 for _, i in sorted(gaps, reverse=True)[: RANGES - 1])
    bounds = [0, *cuts, len(seqs)]
    return [(seqs[start], seqs[end - 1]) for start, end in itertools.pairwise(bounds)]

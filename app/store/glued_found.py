"""A search's glued matches (``app.store.glued``), found once for both of its queries.

While the last word is typed, a search asks for the conversations where every word
matches whole, then for those where the last word only starts one: two queries that
read the same CJK rows from the trigram index (or with ``LIKE``) and checked each with
the same regular expressions, one more for the last word, about 10 ms each on 3,000
CJK messages. Here the rows are read once, and each checked once for both queries: the
queries then read their glued matches from a list.

Not when the trigram index finds more than ``FOUND_AT_MOST`` rows, nor when the word
index finds the query's words in more than ``matches.LISTED`` messages: the queries
then walk the most recent conversations a chunk at a time, and check in SQLite only
the rows of the chunks they read, as before ("docker" glued in the newest chats, and
in 13,000 older ones: the first chunk is enough).
"""

# Statements are built from this module's constants only: data goes in parameters.
# ruff: noqa: S608

from __future__ import annotations

import dataclasses
import json
import sqlite3

from app.store import glued
from app.store.matches import LISTED, Query

FOUND_AT_MOST = LISTED
_TABLES = (("messages", "content"), ("conversations", "title"))
_WORDS = "SELECT rowid FROM messages_fts WHERE messages_fts MATCH :query"
_CJK = "SELECT rowid FROM messages_cjk_fts WHERE messages_cjk_fts MATCH :cjk"


def found_once(connection: sqlite3.Connection, whole: Query, typed: Query) -> tuple[Query, Query]:
    """``whole`` (its words finished) and ``typed`` (its last word a prefix), their glued
    matches listed (``Query.listed``) when they look for the same rows; else as given."""
    if whole.glued is None or typed.glued is None:
        return whole, typed
    if dataclasses.replace(whole.glued, pattern=None) != dataclasses.replace(
        typed.glued, pattern=None
    ):
        return whole, typed
    whole_pattern, typed_pattern = whole.glued.pattern, typed.glued.pattern
    if whole_pattern is None or typed_pattern is None:
        return whole, typed
    parameters = {**typed.glued.parameters(), "bound": FOUND_AT_MOST + 1}
    if _more_than(connection, _WORDS, {"query": whole.words}, LISTED):
        return whole, typed
    if typed.glued.cjk is not None and _more_than(connection, _CJK, parameters, FOUND_AT_MOST):
        return whole, typed
    lists: list[tuple[list[int], list[int]]] = []  # a table's whole matches, its prefix ones
    for table, column in _TABLES:
        rows = connection.execute(typed.glued.texts(table, column), parameters).fetchall()
        if len(rows) > FOUND_AT_MOST:
            return whole, typed
        whole_rows, typed_rows = glued.ranked(
            [text or "" for _, text in rows], whole_pattern, typed_pattern
        )
        seqs = [seq for seq, _ in rows]
        lists.append(([seqs[n] for n in sorted(whole_rows)], [seqs[n] for n in sorted(typed_rows)]))
    (whole_messages, typed_messages), (whole_titles, typed_titles) = lists
    return (
        dataclasses.replace(whole, glued=_listed(whole_messages, whole_titles)),
        dataclasses.replace(typed, glued=_listed(typed_messages, typed_titles)),
    )


def _listed(messages: list[int], titles: list[int]) -> Query:
    return Query(None, listed=(json.dumps(messages), json.dumps(titles)))


def _more_than(
    connection: sqlite3.Connection, select: str, parameters: dict[str, object], bound: int
) -> bool:
    """Whether ``select`` finds more than ``bound`` rows, counted from its index."""
    count = f"SELECT count(*) FROM ({select} LIMIT :more)"
    (found,) = connection.execute(count, {**parameters, "more": bound + 1}).fetchone()
    return bool(found > bound)

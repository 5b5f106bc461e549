"""The trigram index of Japanese and Chinese text (``schema.CJK_INDEX``), where the
SQLite library can have it.

The ``trigram`` tokenizer came with SQLite 3.34. A Python linked to an older library
(some long-term-support Linux distributions) cannot make the index, nor write to a
file that has it: its triggers would fail every message written. So the index is not
part of a migration: each opening for writing makes it when the library can and it is
missing (or half there), and removes its triggers when the library cannot, leaving
a history that every library writes. Search then finds CJK terms with ``LIKE`` on the
rows that hold them (``cjk_index_ready``), slower on a large Chinese history but
complete; the next opening with a newer library makes the index again, with what was
written meanwhile.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import sqlite3

from app.store.schema import CJK_INDEX, CJK_TABLES, CJK_TRIGGERS

log = logging.getLogger(__name__)

_PARTS = "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name IN ({})"
_NAMES = (*CJK_TABLES, *CJK_TRIGGERS)


@functools.cache
def trigram_available() -> bool:
    """Whether this process's SQLite library has FTS5's ``trigram`` tokenizer."""
    with contextlib.closing(sqlite3.connect(":memory:")) as probe:
        try:
            probe.execute("CREATE VIRTUAL TABLE probe USING fts5 (text, tokenize = 'trigram')")
        except sqlite3.Error:
            return False
    return True


def _parts(connection: sqlite3.Connection) -> set[str]:
    placeholders = ", ".join("?" * len(_NAMES))
    return {row[0] for row in connection.execute(_PARTS.format(placeholders), _NAMES)}


def cjk_index_ready(connection: sqlite3.Connection) -> bool:
    """Whether searches on ``connection`` can use the trigram index: the library has the
    tokenizer, and the file holds the whole index (an opening for writing makes it)."""
    return trigram_available() and _parts(connection) == set(_NAMES)


def ensure_cjk_index(connection: sqlite3.Connection) -> None:
    """Make the index if the library can and the file lacks it, or drop its triggers if
    the library cannot (see the module's docstring). ``connection`` is in autocommit
    mode, with no transaction open; the work is one transaction, checked again under
    the write lock so that two openings at once do it once."""
    making = trigram_available()
    if not _needed(connection, making):
        return  # every opening but the first: one look at the schema
    if making:
        statements = [
            *(f"DROP TRIGGER IF EXISTS {name}" for name in CJK_TRIGGERS),
            *(f"DROP TABLE IF EXISTS {name}" for name in CJK_TABLES),
            *CJK_INDEX,
        ]
    else:
        # The tables stay (dropping one needs its tokenizer): without their triggers
        # they are never written, nor read here; a newer library makes them again.
        statements = [f"DROP TRIGGER IF EXISTS {name}" for name in CJK_TRIGGERS]
    connection.execute("BEGIN IMMEDIATE")
    try:
        if _needed(connection, making):
            for statement in statements:
                connection.execute(statement)
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    if making:
        log.info("Made the search index of Japanese and Chinese text")
    else:
        log.warning(
            "SQLite %s has no trigram tokenizer: CJK search reads the text", sqlite3.sqlite_version
        )


def _needed(connection: sqlite3.Connection, making: bool) -> bool:
    parts = _parts(connection)
    return parts != set(_NAMES) if making else bool(parts & set(CJK_TRIGGERS))

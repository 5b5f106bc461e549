"""Indexing many new messages in one pass instead of one row at a time (an import).

The full-text indexes follow the messages through triggers: each inserted row runs
FTS5's insert for its text. For thousands of rows that costs about three times what
one ``INSERT ... SELECT`` over the same rows costs (20,000 messages of ~1 KB: ~7.5 s
row by row, ~2.5 s in one pass), so a bulk write drops the two insert triggers inside
its transaction, indexes the new rows itself at the end, and puts the triggers back as
they were. DDL is transactional in SQLite: a rolled-back import also brings the
triggers back, and no other connection ever sees the history without them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

# The insert triggers a bulk write replaces, and the statement that does the same work
# for every row inserted after ``seq``. Each statement repeats its trigger's condition:
# the plain index skips answers still streaming, and the CJK one reads its view, whose
# condition is the trigger's word for word.
_BULK_INDEXING = {
    "messages_fts_insert": (
        "INSERT INTO messages_fts (rowid, content) SELECT seq, content FROM messages"
        " WHERE seq > ? AND status != 'streaming' ORDER BY seq"
    ),
    "messages_cjk_fts_insert": (
        "INSERT INTO messages_cjk_fts (rowid, content) SELECT seq, content FROM messages_cjk"
        " WHERE seq > ? ORDER BY seq"
    ),
}


@contextmanager
def messages_indexed_at_end(db: sqlite3.Connection) -> Iterator[None]:
    """Inside an open write transaction: the messages inserted in the block are
    indexed once, when it ends (also when it fails: the caller's rollback undoes both,
    and a caller that commits anyway still has its triggers and a whole index; when
    SQLite rolled back by itself, there is nothing to do)."""
    triggers: dict[str, str] = dict(
        db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?)",
            tuple(_BULK_INDEXING),
        ).fetchall()
    )
    last_seq: int = db.execute("SELECT coalesce(max(seq), 0) FROM messages").fetchone()[0]
    for name in triggers:
        db.execute(f'DROP TRIGGER "{name}"')
    try:
        yield
    finally:
        # SQLite itself rolled the transaction back (a full disk, an I/O error): the
        # triggers are back with it, and writing now would hide the real error.
        for name, sql in triggers.items() if db.in_transaction else ():
            db.execute(_BULK_INDEXING[name], (last_seq,))
            db.execute(sql)

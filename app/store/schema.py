"""The history file's schema, as a list of migrations indexed by ``PRAGMA user_version``.

``MIGRATIONS[n]`` takes a file from version ``n`` to ``n + 1``; ``app.store.db`` runs each
one in a single transaction together with the version bump. Never edit a released
migration: append a new one.

Choices worth knowing:

* Both tables have an explicit ``seq INTEGER PRIMARY KEY`` and a ``UNIQUE`` text ``id``.
  ``seq`` is the rowid the full-text indexes point at; an implicit rowid could be
  renumbered by ``VACUUM``, which would silently detach the external-content indexes.
  It also breaks ties between messages created in the same millisecond.
* Full-text search uses the ``unicode61 remove_diacritics 2`` tokenizer: word search that
  folds case and accents ("resume" finds "résumé"), which suits prose in Mistral's
  languages, with prefix queries for search-as-you-type. ``trigram`` would find arbitrary
  substrings inside code, but it ignores words shorter than three characters, cannot
  fold accents before SQLite 3.45, and makes the index about three times larger than
  the text, a poor trade for a history made of long answers.
* A message is in the index only while its status is not ``streaming``: a long answer is
  rewritten about once a second while it streams, and re-tokenizing it each time would
  grow costlier with every token. It enters the index when it is finished (or marked
  interrupted). With external content, removing a row needs exactly the values it was
  indexed with, hence the ``old.status`` tests. Never run the FTS ``rebuild`` command:
  it would index streaming rows too.
* Deleting a conversation from the window only sets ``deleted_at`` (version 2): it goes
  to the trash, disappears from listings and search, and can be restored until
  ``ConversationStore.purge_trash`` really deletes it. The recency indexes are partial
  (``WHERE deleted_at IS NULL``), so the trash costs the sidebar's queries nothing; an
  index on ``(updated_at)`` ends with the rowid ``seq``, so it also serves the
  ``updated_at DESC, seq DESC`` order without a sort.
* Version 3 rebuilds both full-text indexes with ``prefix = '1 2 3'``: every one-, two-
  and three-character prefix of each word is indexed too, so search as you type finds
  "kubernetes d" in milliseconds rather than merging the lists of every word that starts
  with "d" (about a second in 200,000 messages). The message index grows about 2.5
  times (90 to 220 MiB for 290 MiB of text); longer prefixes are merged fast enough.
  FTS5 cannot add the option to an existing table: the migration drops the tables,
  creates them again under the same names and columns (version 1's triggers keep
  feeding them, unchanged) and copies every row back, streaming messages excepted, as
  the triggers would have (not ``rebuild``). That takes 8 to 10 seconds per 100 MiB of
  message text (about 25 s for 200,000 messages), once, while the file is opened.
* Version 4 adds ``conversations.kind``: ``'chat'``, or ``'quick'`` for an exchange
  from the quick prompt window, which the sidebar lists under its own heading. Adding a
  column with a constant default rewrites nothing, so the migration is instant. The
  partial index on ``(kind, pinned, updated_at)`` serves the sidebar's two paged
  listings (unpinned chats, unpinned quick exchanges) newest first without a sort, and
  their counts, however many quick exchanges pile up.
* Version 6 adds a second, small full-text index of the text written in Japanese or
  Chinese (``CJK_CHARACTERS``), messages and titles. Those languages put no space
  between words: ``unicode61`` makes a whole run of kana and ideographs one word, so
  "東京" was found in "東京 は" but not in "私は東京に住んでいます". The ``trigram``
  tokenizer finds any substring of three characters or more, which is what a word
  there is; its costs (about three times the text, no accent folding) fall on that
  text only. Its content is a view of the rows that hold such characters (streaming
  messages left out, as above), read through a partial index of them: terms of one or
  two characters, too short for trigrams, are looked for with ``LIKE`` in those rows
  alone, and FTS5's ``integrity-check`` compares the index with exactly the rows it
  should hold. Telling whether a text has such characters costs one pass over its
  bytes when it is ASCII, a slow ``GLOB`` otherwise: the migration took 0.4 s for
  200,000 English messages (290 MiB) and added 40 KiB to the file.
  The migration makes the views and their indexes; the trigram index itself
  (``CJK_INDEX``) is made by ``app.store.cjk_index`` when the SQLite library has
  the tokenizer (3.34 and later): a history stays usable with an older library.
"""

# Statements are built from this module's constants only, never from data.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Sequence

# "MstR": tells our file apart from another program's SQLite database.
APPLICATION_ID = 0x4D737452

_TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"

_V1: tuple[str, ...] = (
    """
    CREATE TABLE conversations (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL DEFAULT '',
        title_is_custom INTEGER NOT NULL DEFAULT 0 CHECK (title_is_custom IN (0, 1)),
        model TEXT,
        system_prompt TEXT,
        params TEXT NOT NULL DEFAULT '{}',
        pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        current_leaf_id TEXT
    )
    """,
    """
    CREATE TABLE messages (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        conversation_id TEXT NOT NULL
            REFERENCES conversations (id) ON DELETE CASCADE,
        parent_id TEXT
            REFERENCES messages (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
        content TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'complete'
            CHECK (status IN ('streaming', 'complete', 'interrupted', 'error')),
        model TEXT,
        error TEXT,
        prompt_tokens INTEGER,
        completion_tokens INTEGER,
        tool_calls TEXT,
        tool_call_id TEXT,
        name TEXT,
        finish_reason TEXT,
        writer TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )
    """,
    "CREATE INDEX messages_by_conversation ON messages (conversation_id, created_at)",
    "CREATE INDEX messages_by_parent ON messages (parent_id)",
    "CREATE INDEX messages_streaming ON messages (writer) WHERE status = 'streaming'",
    "CREATE INDEX conversations_by_recency ON conversations (pinned, updated_at)",
    f"""
    CREATE VIRTUAL TABLE messages_fts USING fts5 (
        content, content = 'messages', content_rowid = 'seq', {_TOKENIZE}
    )
    """,
    f"""
    CREATE VIRTUAL TABLE conversations_fts USING fts5 (
        title, content = 'conversations', content_rowid = 'seq', {_TOKENIZE}
    )
    """,
    """
    CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
    WHEN new.status != 'streaming' BEGIN
        INSERT INTO messages_fts (rowid, content) VALUES (new.seq, new.content);
    END
    """,
    """
    CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
    WHEN old.status != 'streaming' BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, content)
        VALUES ('delete', old.seq, old.content);
    END
    """,
    # One trigger, two ordered statements: the old entry must go before the new one
    # comes in, and SQLite does not promise an order between separate triggers.
    """
    CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, status ON messages
    WHEN old.status != 'streaming' OR new.status != 'streaming' BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, content)
        SELECT 'delete', old.seq, old.content WHERE old.status != 'streaming';
        INSERT INTO messages_fts (rowid, content)
        SELECT new.seq, new.content WHERE new.status != 'streaming';
    END
    """,
    """
    CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations BEGIN
        INSERT INTO conversations_fts (rowid, title) VALUES (new.seq, new.title);
    END
    """,
    """
    CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations BEGIN
        INSERT INTO conversations_fts (conversations_fts, rowid, title)
        VALUES ('delete', old.seq, old.title);
    END
    """,
    """
    CREATE TRIGGER conversations_fts_update AFTER UPDATE OF title ON conversations BEGIN
        INSERT INTO conversations_fts (conversations_fts, rowid, title)
        VALUES ('delete', old.seq, old.title);
        INSERT INTO conversations_fts (rowid, title) VALUES (new.seq, new.title);
    END
    """,
)

_V2: tuple[str, ...] = (
    "ALTER TABLE conversations ADD COLUMN deleted_at TEXT",
    "DROP INDEX conversations_by_recency",
    "CREATE INDEX conversations_live_by_recency ON conversations (updated_at)"
    " WHERE deleted_at IS NULL",
    "CREATE INDEX conversations_live_by_pin ON conversations (pinned, updated_at)"
    " WHERE deleted_at IS NULL",
    "CREATE INDEX conversations_trashed ON conversations (deleted_at) WHERE deleted_at IS NOT NULL",
)

_PREFIX = "prefix = '1 2 3'"

_V3: tuple[str, ...] = (
    "DROP TABLE messages_fts",
    "DROP TABLE conversations_fts",
    f"""
    CREATE VIRTUAL TABLE messages_fts USING fts5 (
        content, content = 'messages', content_rowid = 'seq', {_TOKENIZE}, {_PREFIX}
    )
    """,
    f"""
    CREATE VIRTUAL TABLE conversations_fts USING fts5 (
        title, content = 'conversations', content_rowid = 'seq', {_TOKENIZE}, {_PREFIX}
    )
    """,
    "INSERT INTO messages_fts (rowid, content)"
    " SELECT seq, content FROM messages WHERE status != 'streaming' ORDER BY seq",
    "INSERT INTO conversations_fts (rowid, title)"
    " SELECT seq, title FROM conversations ORDER BY seq",
)

_V4: tuple[str, ...] = (
    "ALTER TABLE conversations ADD COLUMN kind TEXT NOT NULL DEFAULT 'chat'"
    " CHECK (kind IN ('chat', 'quick'))",
    "CREATE INDEX conversations_live_by_kind ON conversations (kind, pinned, updated_at)"
    " WHERE deleted_at IS NULL",
)

_V5: tuple[str, ...] = (
    # Unsent text of the message field: a conversation's id, or '' for the chat not
    # started yet. A conversation's draft goes when the conversation is purged.
    """
    CREATE TABLE drafts (
        key TEXT PRIMARY KEY,
        text TEXT NOT NULL,
        updated_at TEXT NOT NULL
    ) WITHOUT ROWID
    """,
    """
    CREATE TRIGGER drafts_go_with_conversations AFTER DELETE ON conversations BEGIN
        DELETE FROM drafts WHERE key = old.id;
    END
    """,
)

# Kana, the CJK ideographs and their symbols (U+3005 to U+9FFF: the iteration mark
# "々" to the last unified ideograph, with bopomofo and extension A), compatibility
# ideographs, half-width katakana, and the ideographs of the supplementary planes: the
# scripts written without spaces between words. A GLOB class, and a regular
# expression's in ``app.store.search``. Version 6's index and views hold it: a change
# needs a migration of its own.
CJK_CHARACTERS = "[\u3005-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0002ffff]"


def _has_cjk(column: str) -> str:
    # Text with no byte above 127 has as many bytes as characters: the first test
    # costs a pass in C over the bytes (about 0.3 s for 200 MiB), the GLOB a slow
    # one (about 30 ns a character), which English text rarely reaches.
    return (
        f"length({column}) < length(CAST({column} AS BLOB)) AND {column} GLOB '*{CJK_CHARACTERS}*'"
    )


_MESSAGES_CJK = f"status != 'streaming' AND {_has_cjk('content')}"
_NEW_MESSAGE_CJK = f"new.status != 'streaming' AND {_has_cjk('new.content')}"
_OLD_MESSAGE_CJK = f"old.status != 'streaming' AND {_has_cjk('old.content')}"
_TRIGRAM = "tokenize = 'trigram'"

_V6: tuple[str, ...] = (
    # The rows with CJK text, found without reading the others: a search for a term of
    # one or two characters reads them with LIKE (trigrams need three). The views
    # repeat the indexes' conditions word for word, so that SQLite reads them through
    # the indexes.
    f"CREATE INDEX messages_with_cjk ON messages (seq) WHERE {_MESSAGES_CJK}",
    f"CREATE VIEW messages_cjk AS SELECT seq, content FROM messages WHERE {_MESSAGES_CJK}",
    f"CREATE INDEX conversations_with_cjk ON conversations (seq) WHERE {_has_cjk('title')}",
    f"CREATE VIEW conversations_cjk AS SELECT seq, title FROM conversations"
    f" WHERE {_has_cjk('title')}",
)

# The trigram index of version 6's views, made by ``app.store.cjk_index`` when the
# SQLite library has the ``trigram`` tokenizer (3.34 and later), at the first opening
# that finds it missing; not a migration, so that a history converted where the library
# lacked it gains it later, and one taken to such a library keeps working.
CJK_INDEX_FORMAT = 6  # the first format with the views it reads
CJK_TABLES = ("messages_cjk_fts", "conversations_cjk_fts")
CJK_TRIGGERS = (
    "messages_cjk_fts_insert",
    "messages_cjk_fts_delete",
    "messages_cjk_fts_update",
    "conversations_cjk_fts_insert",
    "conversations_cjk_fts_delete",
    "conversations_cjk_fts_update",
)
CJK_INDEX: tuple[str, ...] = (
    # Their content is the views: exactly the rows indexed, so FTS5's integrity-check
    # holds the index to them.
    f"""
    CREATE VIRTUAL TABLE messages_cjk_fts USING fts5 (
        content, content = 'messages_cjk', content_rowid = 'seq', {_TRIGRAM}
    )
    """,
    f"""
    CREATE VIRTUAL TABLE conversations_cjk_fts USING fts5 (
        title, content = 'conversations_cjk', content_rowid = 'seq', {_TRIGRAM}
    )
    """,
    "INSERT INTO messages_cjk_fts (rowid, content)"
    " SELECT seq, content FROM messages_cjk ORDER BY seq",
    "INSERT INTO conversations_cjk_fts (rowid, title)"
    " SELECT seq, title FROM conversations_cjk ORDER BY seq",
    f"""
    CREATE TRIGGER messages_cjk_fts_insert AFTER INSERT ON messages
    WHEN {_NEW_MESSAGE_CJK} BEGIN
        INSERT INTO messages_cjk_fts (rowid, content) VALUES (new.seq, new.content);
    END
    """,
    f"""
    CREATE TRIGGER messages_cjk_fts_delete AFTER DELETE ON messages
    WHEN {_OLD_MESSAGE_CJK} BEGIN
        INSERT INTO messages_cjk_fts (messages_cjk_fts, rowid, content)
        VALUES ('delete', old.seq, old.content);
    END
    """,
    # The WHEN clause tests the status alone: a streaming answer rewritten each second
    # skips the trigger without reading its text.
    f"""
    CREATE TRIGGER messages_cjk_fts_update AFTER UPDATE OF content, status ON messages
    WHEN old.status != 'streaming' OR new.status != 'streaming' BEGIN
        INSERT INTO messages_cjk_fts (messages_cjk_fts, rowid, content)
        SELECT 'delete', old.seq, old.content WHERE {_OLD_MESSAGE_CJK};
        INSERT INTO messages_cjk_fts (rowid, content)
        SELECT new.seq, new.content WHERE {_NEW_MESSAGE_CJK};
    END
    """,
    f"""
    CREATE TRIGGER conversations_cjk_fts_insert AFTER INSERT ON conversations
    WHEN {_has_cjk("new.title")} BEGIN
        INSERT INTO conversations_cjk_fts (rowid, title) VALUES (new.seq, new.title);
    END
    """,
    f"""
    CREATE TRIGGER conversations_cjk_fts_delete AFTER DELETE ON conversations
    WHEN {_has_cjk("old.title")} BEGIN
        INSERT INTO conversations_cjk_fts (conversations_cjk_fts, rowid, title)
        VALUES ('delete', old.seq, old.title);
    END
    """,
    f"""
    CREATE TRIGGER conversations_cjk_fts_update AFTER UPDATE OF title ON conversations BEGIN
        INSERT INTO conversations_cjk_fts (conversations_cjk_fts, rowid, title)
        SELECT 'delete', old.seq, old.title WHERE {_has_cjk("old.title")};
        INSERT INTO conversations_cjk_fts (rowid, title)
        SELECT new.seq, new.title WHERE {_has_cjk("new.title")};
    END
    """,
)

MIGRATIONS: Sequence[Sequence[str]] = (_V1, _V2, _V3, _V4, _V5, _V6)
SCHEMA_VERSION = len(MIGRATIONS)

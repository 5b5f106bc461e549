"""Full-text search over message text and conversation titles (SQLite FTS5).

FTS5 finds and ranks the hits; message snippets are cut in Python, because FTS5's
``snippet()`` and ``highlight()`` take time quadratic in the number of matches in a
document: about a minute for a common word in a 100,000-token answer.

Snippets mark each match between ``MATCH_START`` (``\\x02``) and ``MATCH_END``
(``\\x03``): control characters never met in chat text, unlike ``[``/``]`` or ``*``
that fill code and markdown, so the GUI can turn them into bold and the command line
into terminal attributes without ever misreading the message itself.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from app.domain.messages import Role, from_iso

MATCH_START = "\x02"
MATCH_END = "\x03"
ELLIPSIS = "…"
SNIPPET_BEFORE = 60  # characters of context before the first match
SNIPPET_LENGTH = 200  # characters in a snippet, about

# A word as the unicode61 tokenizer sees it: letters and digits; "_" separates.
_WORD = re.compile(r"[^\W_]+")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One match: a message (``message_id`` set) or a conversation title (``None``).

    ``created_at`` is the message's creation time, or the conversation's for a title.
    """

    conversation_id: str
    conversation_title: str
    message_id: str | None
    snippet: str
    role: Role | None
    created_at: datetime


def _pieces(text: str) -> list[str]:
    """The whitespace-separated pieces of ``text`` that hold a letter or digit."""
    return [piece for piece in text.split() if any(char.isalnum() for char in piece)]


def _prefix_last(text: str) -> bool:
    return bool(text) and not text[-1].isspace()


def match_query(text: str) -> str | None:
    """An FTS5 query for what a person typed, or ``None`` when it holds no word.

    Each whitespace-separated piece becomes a quoted phrase, so FTS syntax in the text
    (quotes, ``-``, ``*``, ``AND``, ``NEAR(``, parentheses) is searched for literally
    and never raises; all pieces must match. The last piece matches as a prefix for
    search-as-you-type, unless the text ends with a space (the word is finished).
    A piece without letters or digits is dropped: it would tokenize to nothing.
    """
    pieces = _pieces(text)
    if not pieces:
        return None
    phrases = ['"' + piece.replace('"', '""') + '"' for piece in pieces]
    if _prefix_last(text):
        phrases[-1] += "*"
    return " ".join(phrases)


def _fold(word: str) -> str:
    """Case and accents folded, close to ``unicode61 remove_diacritics 2``."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@dataclass(frozen=True, slots=True)
class _Terms:
    words: frozenset[str]
    prefix: str | None

    @staticmethod
    def of(text: str) -> _Terms:
        words = [_fold(word) for piece in _pieces(text) for word in _WORD.findall(piece)]
        if words and _prefix_last(text):
            return _Terms(frozenset(words[:-1]), words[-1])
        return _Terms(frozenset(words), None)

    def match(self, word: str) -> bool:
        folded = _fold(word)
        return folded in self.words or (self.prefix is not None and folded.startswith(self.prefix))


def snippet(text: str, query: str) -> str:
    """About ``SNIPPET_LENGTH`` characters of ``text`` on one line, around the first
    word that matches ``query``, with every matching word marked. Linear in the length
    of ``text``."""
    return _snippet(text, _Terms.of(query))


def _snippet(text: str, terms: _Terms) -> str:
    first = next((m.start() for m in _WORD.finditer(text) if terms.match(m.group())), 0)
    start = max(0, first - SNIPPET_BEFORE)
    if start:  # begin after a space, not inside a word
        gap = _SPACE.search(text, start, first)
        start = gap.end() if gap else start
    end = min(len(text), start + SNIPPET_LENGTH)
    if end < len(text):  # end at a space after the match, not inside a word
        cut = max(text.rfind(" ", first, end), text.rfind("\n", first, end))
        end = cut if cut > first else end
    window = _SPACE.sub(" ", text[start:end]).strip()
    marked = _WORD.sub(
        lambda m: f"{MATCH_START}{m.group()}{MATCH_END}" if terms.match(m.group()) else m.group(),
        window,
    )
    return (ELLIPSIS if start else "") + marked + (ELLIPSIS if end < len(text) else "")


def search(connection: sqlite3.Connection, text: str, *, limit: int = 50) -> list[SearchHit]:
    """Title matches first (best first), then message matches (best first), ``limit`` in all.

    Conversations in the trash are left out.
    """
    query = match_query(text)
    if query is None or limit <= 0:
        return []
    terms = _Terms.of(text)
    hits = [
        SearchHit(
            conversation_id=row[0],
            conversation_title=row[1],
            message_id=None,
            snippet=row[2],
            role=None,
            created_at=from_iso(row[3]),
        )
        for row in connection.execute(
            "SELECT c.id, c.title, highlight(conversations_fts, 0, ?, ?), c.created_at"
            " FROM conversations_fts JOIN conversations AS c"
            " ON c.seq = conversations_fts.rowid"
            " WHERE conversations_fts MATCH ? AND c.deleted_at IS NULL"
            " ORDER BY rank LIMIT ?",
            (MATCH_START, MATCH_END, query, limit),
        )
    ]
    hits.extend(
        SearchHit(
            conversation_id=row[0],
            conversation_title=row[1],
            message_id=row[2],
            snippet=_snippet(row[3], terms),
            role=Role(row[4]),
            created_at=from_iso(row[5]),
        )
        for row in connection.execute(
            "SELECT m.conversation_id, c.title, m.id, m.content, m.role, m.created_at"
            " FROM messages_fts JOIN messages AS m ON m.seq = messages_fts.rowid"
            " JOIN conversations AS c ON c.id = m.conversation_id"
            " WHERE messages_fts MATCH ? AND c.deleted_at IS NULL"
            " ORDER BY rank LIMIT ?",
            (query, limit - len(hits)),
        )
    )
    return hits

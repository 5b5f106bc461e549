"""Full-text search over message text and conversation titles (SQLite FTS5).

One hit a conversation, in the order a chat app lists them: conversations where every
word matches whole first, then those where the last word, still being typed, only
starts a word; each the most recently active first (``app.store.matches`` finds them
fast). Relevance ranking (``bm25``) is not used: it has to score every match first,
100,000 of them for "how d" in 200,000 messages. The index also holds every one-, two-
and three-character prefix of each word (``prefix = '1 2 3'``, schema version 3), so a
short last word such as the "d" of "kubernetes d" reads one list instead of merging the
lists of every word that starts with it.

Japanese and Chinese words are found anywhere, inside a run of characters too: a query
word with CJK characters is looked for in the trigram index of schema version 6 (three
characters or more) or with ``LIKE`` in the text that index holds (shorter), and must
be in the same message (or title) as the query's other words, found as above. A query
word of three characters or more is also found glued to CJK text ("Python" in
"我用Python写代码", one word to the word index), in the rows that hold some
(``app.store.glued``): whole when no letter of its script touches it, else as above.

FTS5 finds the hits; titles are marked and message snippets cut in Python, because
FTS5's ``snippet()`` and ``highlight()`` take time quadratic in the number of matches in
a document: about a minute for a common word in a 100,000-token answer. Finding the
first match in a message is a regular expression over its folded text, in C.

Snippets mark each match between ``MATCH_START`` (``\\x02``) and ``MATCH_END``
(``\\x03``): control characters never met in chat text, unlike ``[``/``]`` or ``*``
that fill code and markdown, so the GUI can turn them into bold and the command line
into terminal attributes without ever misreading the message itself.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from app.domain.full_width import wide
from app.domain.messages import Role, from_iso
from app.store import glued
from app.store.cjk_index import cjk_index_ready
from app.store.glued_found import found_once
from app.store.matches import Found, Query, conversations_matching, ordered, titles_matching
from app.store.schema import CJK_CHARACTERS
from app.store.snippet_marks import ELLIPSIS, MATCH_END, MATCH_START

SNIPPET_BEFORE = 60  # characters of context before the first match
SNIPPET_LENGTH = 200  # characters in a snippet, about

# A word as the unicode61 tokenizer sees it: letters and digits; "_" separates.
_WORD = re.compile(r"[^\W_]+")
# Characters of the scripts written without spaces: the word index holds a run of
# them as one word, the trigram index (schema version 6) finds text inside it.
_CJK = re.compile(CJK_CHARACTERS)
_TRIGRAM = 3  # characters in a term the trigram index can find
_SPACE = re.compile(r"\s+")
# Marks that begin a line in markdown: a quote's ">", a heading's "#"s, a table's
# alignment row. On one line they read as noise ("…a time > quoted…"); inside a line
# they are text ("x > 0", "C# records"), and only here are lines still known.
_LINE_MARKS = re.compile(
    r"^[ \t]*(?:>[ \t>]*|#{1,6}(?:[ \t]+|$)"
    r"|\|?(?:[ \t]*:?-+:?[ \t]*\|)+(?:[ \t]*:?-+:?[ \t]*)?$)",
    re.MULTILINE,
)

# One statement for every hit's message: one each cost about 20 µs apiece.
_MESSAGES = (
    "SELECT seq, id, content, role, created_at FROM messages"
    " WHERE seq IN (SELECT value FROM json_each(?))"
)
_Message = tuple[int, str, str, str, str]  # a row of _MESSAGES


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One matching conversation: its newest matching message (``message_id`` set), or
    its title when no message matches (``None``).

    ``snippet`` is the text around the message's first match, or the marked title;
    ``title_snippet`` is always the title with its matching words marked. ``created_at``
    is the message's creation time, or the conversation's for a title.
    """

    conversation_id: str
    conversation_title: str
    message_id: str | None
    snippet: str
    role: Role | None
    created_at: datetime
    title_snippet: str = ""


def _pieces(text: str) -> list[str]:
    """The whitespace-separated pieces of ``text`` that hold a letter or digit."""
    return [piece for piece in text.split() if any(char.isalnum() for char in piece)]


def _prefix_last(text: str) -> bool:
    # Only while a word is being typed: a space ends it, and so does a symbol after it
    # ("C++", "C++ ("): "c" as a prefix matched every word starting with c.
    return bool(text) and text[-1].isalnum()


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def match_query(text: str) -> str | None:
    """An FTS5 query on the word index for what a person typed, or ``None`` when it
    holds no word but CJK terms (``cjk_terms``).

    Each whitespace-separated piece becomes a quoted phrase, so FTS syntax in the text
    (quotes, ``-``, ``*``, ``AND``, ``NEAR(``, parentheses) is searched for literally
    and never raises; all pieces must match. The last piece matches as a prefix for
    search-as-you-type, unless the text ends with a space or a symbol (the word is
    finished).
    A piece without letters or digits is dropped: it would tokenize to nothing. A
    piece with CJK characters leaves only its words without them.
    """
    pieces = _pieces(text)
    phrases = []
    for piece in pieces:
        if _CJK.search(piece):
            phrases += [_phrase(word) for word in _WORD.findall(piece) if not _CJK.search(word)]
        else:
            phrases.append(_phrase(piece))
    if not phrases:
        return None
    if _prefix_last(text) and not _CJK.search(pieces[-1]):
        phrases[-1] += "*"
    return " ".join(phrases)


def cjk_terms(text: str) -> list[str]:
    """The words of ``text`` with CJK characters, which match anywhere in a message:
    Japanese and Chinese put no space between words, "東京" is inside "私は東京に"."""
    words = (word for piece in _pieces(text) for word in _WORD.findall(piece))
    return list(dict.fromkeys(word for word in words if _CJK.search(word)))


# A word with symbols the word index drops ("C++", "C#", "F#", "g++"): it holds them as
# the bare word, which "Column C" or "vitamin c" matched as well.
_SYMBOLIC = re.compile(r"(?<![\w+#])\w+[+#]+(?![\w+#])")


def symbolic_terms(text: str) -> list[str]:
    """The words of ``text`` that end with "+" or "#", looked for as written."""
    terms = (m.group() for piece in _pieces(text) for m in _SYMBOLIC.finditer(piece))
    return list(dict.fromkeys(term for term in terms if not _CJK.search(term)))


def _literal(term: str) -> str:
    """A LIKE pattern (``ESCAPE '\\'``) finding ``term`` anywhere, ASCII case folded."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _query(text: str, *, trigrams: bool, glued: bool = True) -> Query | None:
    """The query ``text`` makes; with ``glued``, its words are looked for glued to CJK
    text too (``_glued``): pointless in a history without any."""
    terms = cjk_terms(text)
    words = match_query(text)
    if words is None and not terms:
        return None
    # Without the trigram index (cjk_index), every term is looked for with LIKE.
    indexed = [term for term in terms if trigrams and len(term) >= _TRIGRAM]
    likes = tuple(_literal(term) for term in terms if term not in indexed)
    literals = tuple(_literal(term) for term in symbolic_terms(text)) if words else ()
    cjk = " ".join(_phrase(term) for term in indexed) or None
    inside = _glued(text, terms, literals, trigrams=trigrams) if words and glued else None
    return Query(words, cjk, likes, literals, glued=inside)


# The symbols at the ends of a piece ("(python)", "C++"): the word index drops them.
_ENDS = re.compile(r"^[\W_]+|[\W_]+$")


def _glued(
    text: str, terms: list[str], literals: tuple[str, ...], *, trigrams: bool
) -> Query | None:
    """The query again, its words of three characters or more found inside runs of CJK
    characters too (``app.store.glued``), in the rows that hold some; shorter words
    where the word index finds them (a prefix "c" inside text would match everywhere)."""
    pieces = _pieces(text)
    words: list[str] = []  # the pieces match_query makes phrases of
    for piece in pieces:
        if _CJK.search(piece):
            words += [word for word in _WORD.findall(piece) if not _CJK.search(word)]
        else:
            words.append(piece)
    checked = [(bare, len(bare) >= _TRIGRAM) for bare in (_ENDS.sub("", word) for word in words)]
    inside = list(dict.fromkeys(bare for bare, glued in checked if glued))
    if not inside:
        return None
    indexed = [term for term in [*terms, *inside] if trigrams and len(term) >= _TRIGRAM]
    likes = tuple(_literal(term) for term in [*terms, *inside] if term not in indexed)
    typing = _prefix_last(text) and not _CJK.search(pieces[-1])
    return Query(
        None,
        " ".join(_phrase(term) for term in indexed) or None,
        likes,
        literals,
        pattern=glued.pattern(checked, prefix_last=typing),
    )


def _fold(word: str) -> str:
    """Case and accents folded, close to ``unicode61 remove_diacritics 2``; CJK
    characters are kept as they are, as both indexes keep them ("ガ" is not "カ")."""
    if word.isascii():
        return word.lower()
    if _CJK.search(word):
        return "".join(char if _CJK.match(char) else _fold(char) for char in word)
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str | None:
    """``char`` folded, if that is one character that is a word character just when
    ``char`` is one; else ``None``."""
    folded = _fold(char)
    if len(folded) != 1 or bool(_WORD.match(folded)) != bool(_WORD.match(char)):
        return None
    return folded


def _fold_text(text: str) -> str | None:
    """``text`` with every character folded as ``_fold`` folds words, at the same
    indexes, or ``None`` when some character folds to more or fewer than one (German
    "ß", Korean syllables, a lone accent)."""
    if text.isascii():
        return text.lower()
    table: dict[int, str] = {}
    for char in set(text):
        folded = _fold_char(char)
        if folded is None:
            return None
        if folded != char:
            table[ord(char)] = folded
    return text.translate(table)


# A word, and the "+" and "#" after it ("C++"), for matching word by word.
_WORD_SYMBOLS = re.compile(r"[^\W_]+[+#]*")
# A letter or digit that goes on a word: not "_", which _WORD cuts at, nor a CJK
# character, so that a word glued to a run of them is found there (app.store.glued).
_W = glued.LETTER
# Up to this many words, one literal-first search each beats a single search for any
# of them (which tries every position); beyond, a pasted paragraph would scan too often.
_SEPARATE_SEARCHES = 4
_PIECE = 4096


def _pieces_of(text: str) -> Iterator[tuple[int, str]]:
    """``text`` in pieces of about ``_PIECE`` characters, each with its offset, cut
    before whitespace: no word spans two pieces, and a piece's end is a word's end."""
    start = 0
    while start < len(text):
        space = _SPACE.search(text, start + _PIECE)
        end = space.start() if space else len(text)
        yield start, text[start:end]
        start = end


@dataclass(frozen=True, slots=True)
class _Terms:
    """What a query matches, word by word: its finished words, and its last word as a
    prefix while it is being typed; its CJK terms anywhere, inside words too. The
    patterns work on folded text (``_fold_text``)."""

    words: frozenset[str]
    symbolic: frozenset[str]
    """The words with symbols ("c#", "c++"), folded: matched as written, never their
    bare word ("c"), which the search does not count as a match."""
    prefix: str | None
    inside: tuple[str, ...]
    """The CJK terms, folded."""
    starts: tuple[re.Pattern[str], ...]
    """One a word: finds it whole (the prefix: a word it starts), literal first, so the
    regular expression engine scans for that literal at C speed."""
    every: re.Pattern[str]
    """Every matching word, whole, and every place of a CJK term."""

    @staticmethod
    def of(text: str) -> _Terms:
        pieces = _pieces(text)
        symbolic = sorted({_fold(term) for term in symbolic_terms(text)}, key=len)[::-1]
        # Their bare words are not words of the query ("c" of "C#" is in "C++").
        words = [
            _fold(word) for piece in pieces for word in _WORD.findall(_SYMBOLIC.sub(" ", piece))
        ]
        inside = tuple(sorted({word for word in words if _CJK.search(word)}, key=len)[::-1])
        words = [word for word in words if not _CJK.search(word)]
        typing = _prefix_last(text) and not _CJK.search(pieces[-1])
        prefix = words.pop() if words and typing else None
        whole = [re.escape(word) for word in sorted(set(words) - {""})]
        # A word is whole when no word character comes before or after it.
        starts = [f"{word}(?!{_W})(?<!{_W}{word})" for word in whole]
        every = [f"{word}(?!{_W})" for word in whole]
        if prefix is not None:
            starts.append(f"{re.escape(prefix)}(?<!{_W}{re.escape(prefix)})")
            every.append(f"{re.escape(prefix)}{_W}*")
        for term in map(re.escape, symbolic):  # as written, no other symbol after it
            starts.append(f"{term}(?![+#])(?<!{_W}{term})")
            every.append(f"{term}(?![+#])")
        anywhere = [re.escape(term) for term in inside]  # the longest first
        starts += anywhere
        alternatives = [f"(?<!{_W})(?:{'|'.join(every)})"] if every else []
        return _Terms(
            frozenset(words),
            frozenset(symbolic),
            prefix,
            inside,
            tuple(re.compile(start) for start in starts),
            re.compile("|".join(alternatives + anywhere) or "(?!)"),
        )

    def match(self, word: str) -> bool:
        """Whether ``word`` (with the symbols after it, if any) matches whole."""
        folded = _fold(word)
        if folded in self.symbolic:
            return True
        if folded != (bare := folded.rstrip("+#")):
            return bare != "" and self.match(bare)
        return (
            folded in self.words
            or (self.prefix is not None and folded.startswith(self.prefix))
            or any(term in folded for term in self.inside)
        )

    def place(self, text: str) -> int:
        """Where the snippet of ``text`` shows (0 when nothing matches): of the query's
        words, the first place of the one that comes last. A word found everywhere
        ("row" in "row 17", searched in a table) came first, and the snippet showed
        "row 0", never "17"; every word is in the message, the later one is the one
        that tells it apart."""
        if not 1 < len(self.starts) <= _SEPARATE_SEARCHES:
            return self.find(text)
        firsts: dict[int, int] = {}
        for offset, piece in _pieces_of(text):
            folded = _fold_text(piece)
            if folded is None:  # folding moves indexes: word by word, the first one
                return self.find(text)
            for index, start in enumerate(self.starts):
                if index not in firsts and (found := start.search(folded)) is not None:
                    firsts[index] = offset + found.start()
            if len(firsts) == len(self.starts):
                break
        return max(firsts.values(), default=0)

    def find(self, text: str) -> int:
        """Where the first matching word of ``text`` starts (0 when none matches).

        Piece by piece, so a match early in a long text costs folding only the first
        piece: folding anything but ASCII costs about 70 ns a character."""
        for offset, piece in _pieces_of(text):
            found = self._find_in(piece)
            if found is not None:
                return offset + found
        return 0

    def _find_in(self, text: str) -> int | None:
        """Regular expressions over the folded text when folding keeps the indexes, else
        word by word: several times slower, linear all the same."""
        folded = _fold_text(text)
        if folded is None:
            for word in _WORD_SYMBOLS.finditer(text):
                inside = self._find_in_word(word.group())
                if inside is not None:
                    return word.start() + inside
            return None
        if len(self.starts) > _SEPARATE_SEARCHES:  # one pass, however long the query
            first = self.every.search(folded)
            return first.start() if first else None
        found = [m.start() for m in (start.search(folded) for start in self.starts) if m]
        return min(found, default=None)

    def _find_in_word(self, word: str) -> int | None:
        """Where ``word`` matches: at 0 when it matches whole, or where a CJK term
        is inside it."""
        folded = _fold_text(word) if self.inside or _CJK.search(word) else None
        if folded is None:
            return 0 if self.match(word) else None
        found = self.every.search(folded)
        return found.start() if found else None

    def _word_spans(self, word: str) -> list[tuple[int, int]]:
        folded = _fold_text(word) if self.inside or _CJK.search(word) else None
        if folded is not None:
            return [found.span() for found in self.every.finditer(folded)]
        bare = word.rstrip("+#")
        if bare != word and _fold(word) in self.symbolic:  # "C#", not its bare word
            return [(0, len(word))]
        return [(0, len(bare))] if bare and self.match(bare) else []

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where ``text`` matches, in order: every matching word, and every CJK term
        inside a word, as (start, end) indexes."""
        folded = _fold_text(text)
        if folded is not None:
            return [found.span() for found in self.every.finditer(folded)]
        # Word by word: those that fold keep their indexes.
        return [
            (word.start() + start, word.start() + end)
            for word in _WORD_SYMBOLS.finditer(text)
            for start, end in self._word_spans(word.group())
        ]

    def mark(self, text: str) -> str:
        """``text`` with every match (``spans``) between ``MATCH_START`` and
        ``MATCH_END``."""
        pieces: list[str] = []
        done = 0
        for start, end in self.spans(text):
            pieces += (text[done:start], MATCH_START, text[start:end], MATCH_END)
            done = end
        pieces.append(text[done:])
        return "".join(pieces)


def match_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where ``text`` holds what the search counts as matches of ``query`` (whole words,
    the last word as a prefix while it is typed, CJK terms anywhere, "C#" as written)
    and marks in its snippets: (start, end) indexes, in order. ``query`` is read as
    given: the search's other forms of it (``search``) are the caller's to ask."""
    return _Terms.of(query).spans(text)


def snippet(text: str, query: str) -> str:
    """About ``SNIPPET_LENGTH`` characters of ``text`` on one line, around the first
    word that matches ``query``, with every matching word marked. Linear in the length
    of ``text``."""
    return _snippet(text, _Terms.of(compatible(query)))


def compatible(query: str) -> str:
    """``query`` in Unicode's compatibility form (NFKC): a Japanese keyboard's
    full-width letters and digits as ASCII ("Ｐｙｔｈｏｎ" as "Python"), half-width
    katakana as full-width ("ﾃﾞｰﾀ" as "データ"), the forms chat text holds; the word
    index keeps "Ｐｙｔｈｏｎ" as another word, so nothing was found."""
    return unicodedata.normalize("NFKC", query)


def _line_marks_out(text: str, start: int, end: int) -> str:
    """``text[start:end]`` without the marks that begin its lines; a first line cut
    short is no line's beginning ("x # y" cut at the "#")."""
    excerpt = text[start:end]
    if text[text.rfind("\n", 0, start) + 1 : start].strip(" \t"):
        head, newline, rest = excerpt.partition("\n")
        return head + newline + _LINE_MARKS.sub("", rest)
    return _LINE_MARKS.sub("", excerpt)


def _snippet(text: str, terms: _Terms) -> str:
    first = terms.place(text)
    start = max(0, first - SNIPPET_BEFORE)
    if start:  # begin after a space, not inside a word
        gap = _SPACE.search(text, start, first)
        start = gap.end() if gap else start
    end = min(len(text), start + SNIPPET_LENGTH)
    if end < len(text):  # end at a space after the match, not inside a word
        cut = max(text.rfind(" ", first, end), text.rfind("\n", first, end))
        end = cut if cut > first else end
    excerpt = _line_marks_out(text, start, end)
    # str.split() cuts at the whitespace that \s matches, several times faster.
    marked = terms.mark(" ".join(excerpt.split()))
    return (ELLIPSIS if start else "") + marked + (ELLIPSIS if end < len(text) else "")


def search(connection: sqlite3.Connection, text: str, *, limit: int = 50) -> list[SearchHit]:
    """The first ``limit`` conversations whose title or messages match ``text``, one hit
    each: those where every word matches whole first (while the last word is typed,
    "altbranch10" finds "altbranch10" before "altbranch100"), then those where the last
    word only starts a word; each the most recently active conversation first.

    Conversations in the trash are left out. ``text`` is read in its compatibility form
    (``compatible``), and, when that changed it, as typed too: the word index holds the
    full-width letters of a message written with them as other words. In a history
    with Chinese or Japanese text, where such letters are written, it is read in
    full-width form too (``wide``): "Python" finds "Ｐｙｔｈｏｎ".
    """
    # No title or message in Chinese or Japanese: no word to find glued to one, and
    # the count that glued search starts with cost an English history 1-2 ms a query.
    cjk = _holds_cjk(connection)
    folded = compatible(text)
    forms = dict.fromkeys((folded, text, wide(folded) if cjk else folded))
    found: list[SearchHit] = []
    for form in forms:
        if len(found) >= limit:
            break
        seen = {hit.conversation_id for hit in found}
        found += [
            hit for hit in _search(connection, form, limit, cjk) if hit.conversation_id not in seen
        ]
    return found[:limit]


def _search(connection: sqlite3.Connection, text: str, limit: int, cjk: bool) -> list[SearchHit]:
    query = _query(text, trigrams=False, glued=cjk)
    if query is None or limit <= 0:
        return []
    trigrams = (bool(query.likes) or query.glued is not None) and cjk_index_ready(connection)
    if trigrams:
        query = _query(text, trigrams=True, glued=cjk) or query
    if query.glued is not None:
        glued.register(connection)
    whole = _query(text.rstrip() + " ", trigrams=trigrams, glued=cjk)
    phrases = _phrase_queries(text, whole, query)
    if whole is not None and query != whole:
        whole, query = found_once(connection, whole, query)
        whole, query = ordered(connection, whole), ordered(connection, query)
    elif whole is not None:
        whole = query = ordered(connection, query)
    found = conversations_matching(connection, whole, limit) if whole else []
    if query != whole and len(found) < limit:
        # Every whole-word match is a prefix match too: ask for them again, drop them.
        first = {conversation.id for conversation in found}
        more = conversations_matching(connection, query, limit + len(found))
        found += [conversation for conversation in more if conversation.id not in first]
    found = _titles_first(connection, [*phrases, whole, query], found, limit)
    seqs = json.dumps(
        [conversation.newest for conversation in found if conversation.newest is not None]
    )
    messages: dict[int, _Message] = {row[0]: row for row in connection.execute(_MESSAGES, (seqs,))}
    terms = _Terms.of(text)
    return [_hit(conversation, messages, terms) for conversation in found]


def _phrase_queries(text: str, whole: Query | None, typed: Query) -> list[Query]:
    """The queries that find the titles holding the query's words as one phrase
    ("Kanepelru layout" in "Kanepelru layout, v2"), each word finished, then while the
    last is typed with it as a prefix; none for a single word (that is the whole
    query). Its CJK terms and symbols still apply; glued matches are left to the
    query itself."""
    words = [
        word
        for piece in _pieces(text)
        for word in (_WORD.findall(piece) if _CJK.search(piece) else [piece])
        if not _CJK.search(word)
    ]
    if len(words) < 2 or whole is None or whole.words is None:
        return []
    phrase = _phrase(" ".join(words))
    queries = [dataclasses.replace(whole, words=phrase, glued=None, listed=None)]
    if typed != whole and typed.words is not None and typed.words.endswith("*"):
        queries.append(dataclasses.replace(typed, words=phrase + "*", glued=None, listed=None))
    return queries


def _titles_first(
    connection: sqlite3.Connection,
    groups: list[Query | None],
    found: list[Found],
    limit: int,
) -> list[Found]:
    """``found`` (messages or titles, the newest first) with the conversations whose
    title matches first, as chat apps list them: the title that holds the query as a
    phrase, then the one that holds its words, each whole first, then as a prefix; the
    most recently active first within each. An old chat searched for by its exact
    title was listed last, after every newer message that held its words. A title
    match keeps its newest matching message when ``found`` has it."""
    newest = {conversation.id: conversation.newest for conversation in found}
    titled: dict[str, Found] = {}
    for group in dict.fromkeys(group for group in groups if group is not None):
        if len(titled) >= limit:
            break
        for conversation in titles_matching(connection, group, limit):
            if conversation.id not in titled:
                titled[conversation.id] = dataclasses.replace(
                    conversation, newest=newest.get(conversation.id)
                )
    rest = [conversation for conversation in found if conversation.id not in titled]
    return [*titled.values(), *rest][:limit]


def _holds_cjk(connection: sqlite3.Connection) -> bool:
    """Whether any message or title holds CJK text (their partial indexes answer)."""
    (found,) = connection.execute(
        "SELECT EXISTS (SELECT 1 FROM messages_cjk) OR EXISTS (SELECT 1 FROM conversations_cjk)"
    ).fetchone()
    return bool(found)


def _hit(conversation: Found, messages: dict[int, _Message], terms: _Terms) -> SearchHit:
    title = terms.mark(conversation.title)
    message = messages.get(conversation.newest) if conversation.newest is not None else None
    if message is None:
        return SearchHit(
            conversation_id=conversation.id,
            conversation_title=conversation.title,
            message_id=None,
            snippet=title,
            role=None,
            created_at=from_iso(conversation.created_at),
            title_snippet=title,
        )
    return SearchHit(
        conversation_id=conversation.id,
        conversation_title=conversation.title,
        message_id=message[1],
        snippet=_snippet(message[2], terms),
        role=Role(message[3]),
        created_at=from_iso(message[4]),
        title_snippet=title,
    )

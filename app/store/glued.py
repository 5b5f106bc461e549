"""Latin words glued to Japanese and Chinese text: "Python" in "我用Python写代码".

The word index (unicode61) holds such a run as one word, "我用python写代码", so a
search for "python" misses it there. In the rows with CJK characters, the trigram
index (or ``LIKE``) finds where a term's letters are, anywhere, "ate" in "create" too;
a regular expression then keeps the text where the term stands as a word would, were
the run cut where its script changes: no letter or digit of a script written with
spaces just before it, nor after it unless the term is still being typed. It checks a
query's shorter words too, where the word index would find them: in these few rows
that costs less than reading the index for them ("5*" lists most messages). It runs
in SQLite as ``GLUED_FUNCTION(text, pattern)``, on the rows the index found only.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import sqlite3
from collections.abc import Sequence

from app.store.schema import CJK_CHARACTERS

GLUED_FUNCTION = "maestrale_glued"

# A letter or digit of a script written with spaces: not a CJK character, nor "_".
LETTER = f"[^\\W_{CJK_CHARACTERS[1:-1]}]"
# A character of a word as the word index cuts them: CJK characters too.
_WORD_CHARACTER = r"[^\W_]"


def word_pattern(term: str, *, prefix: bool = False, glued: bool = True) -> str:
    """A regular expression finding ``term`` where a word starts (a symbol before it,
    or if ``glued`` a CJK character), and ends, unless ``prefix``. The term comes
    first: the engine then scans for it at C speed, where a lookbehind first was
    tried at every character (about 10 µs a message)."""
    letter = LETTER if glued else _WORD_CHARACTER
    escaped = re.escape(term)
    return escaped + ("" if prefix else f"(?!{letter})") + f"(?<!{letter}{escaped})"


# Between the expressions of ``pattern``: never in one, as no term holds whitespace.
_SEPARATOR = "\n"


def pattern(terms: Sequence[tuple[str, bool]], *, prefix_last: bool) -> str:
    """Regular expressions, one a line, that text matches when it holds every one of
    ``terms`` as a word (``word_pattern``, each with whether it may be ``glued``), the
    last as a prefix if ``prefix_last``. One search each: a single expression of
    lookaheads (``.*?`` before each term) was three times slower."""
    last = len(terms) - 1
    return _SEPARATOR.join(
        word_pattern(term, prefix=prefix_last and n == last, glued=glued)
        for n, (term, glued) in enumerate(terms)
    )


@functools.lru_cache(maxsize=64)
def _compiled(expression: str) -> tuple[re.Pattern[str], ...]:
    return tuple(
        re.compile(line, re.IGNORECASE | re.DOTALL) for line in expression.split(_SEPARATOR)
    )


def _glued(text: str | None, expression: str) -> bool:
    return text is not None and all(word.search(text) for word in _compiled(expression))


def ranked(texts: Sequence[str], whole: str, prefix: str) -> tuple[set[int], set[int]]:
    """Which of ``texts`` match ``whole`` (a ``pattern`` whose words are finished), and
    which ``prefix`` (the same words, the last one still typed; the whole matches
    among them), by index.

    One search a row and expression, through the texts joined by ``_SEPARATOR``: it
    ends a word as a text's end does, and no match spans it. Calling the expressions
    on each text costs about 5 µs a row, over the few that the search itself takes."""
    joined = _SEPARATOR.join(texts)
    starts = [0, *itertools.accumulate(len(text) + len(_SEPARATOR) for text in texts)]
    typed = _compiled(prefix)
    matching = set(range(len(texts)))
    for word in typed:
        matching &= _rows(word, joined, starts)
    finished = matching
    for word in _compiled(whole):
        if word not in typed:
            finished = finished & _rows(word, joined, starts)
    return finished, matching


def _rows(word: re.Pattern[str], joined: str, starts: list[int]) -> set[int]:
    """The texts ``word`` is found in, as indexes: ``starts`` are where they begin in
    ``joined``, and where one past the last would."""
    rows: set[int] = set()
    found = word.search(joined)
    while found is not None:
        row = bisect.bisect_right(starts, found.start()) - 1
        rows.add(row)
        found = word.search(joined, starts[row + 1])
    return rows


def register(connection: sqlite3.Connection) -> None:
    """Make ``GLUED_FUNCTION`` known to ``connection`` (again: it costs a microsecond)."""
    connection.create_function(GLUED_FUNCTION, 2, _glued, deterministic=True)

"""Marks on one message's text: where Ctrl+F's phrase, or a search's words, stand.

Imported when text is first looked for: the window opens without these text classes.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit

# Background and text of a mark. The text colour is set too: over a quote's grey text
# or the dark theme's light text, the background alone left it hard to read.
MARKS = {
    False: (QColor(255, 213, 79), QColor(31, 35, 40)),
    True: (QColor(158, 106, 3), QColor(255, 255, 255)),
}


# The occurrence Ctrl+F stands on: stronger than the others, in each theme, its text
# still readable.
CURRENT = {
    False: (QColor(255, 128, 0), QColor(0, 0, 0)),
    True: (QColor(255, 153, 51), QColor(0, 0, 0)),
}


def mark_found(
    text: QTextEdit, starts: Sequence[int], length: int, current: int, *, dark: bool = False
) -> QTextCursor | None:
    """Mark the occurrences of a phrase found at document positions ``starts`` (each
    ``length`` characters long), the one at ``starts[current]`` in the colour of the
    current one. Returns that one (None: no occurrence)."""
    document = text.document()
    selections = []
    chosen: QTextCursor | None = None
    for index, start in enumerate(starts):
        cursor = QTextCursor(document)
        cursor.setPosition(start)
        cursor.setPosition(start + length, QTextCursor.MoveMode.KeepAnchor)
        selections.append(_selection(cursor, (CURRENT if index == current else MARKS)[dark]))
        if index == current:
            chosen = cursor
    text.setExtraSelections(selections)
    return chosen


def _selection(cursor: QTextCursor, colours: tuple[QColor, QColor]) -> QTextEdit.ExtraSelection:
    """A mark over ``cursor``'s selection in (background, text) ``colours``."""
    look = QTextCharFormat()
    look.setBackground(colours[0])
    look.setForeground(colours[1])
    selection = QTextEdit.ExtraSelection()
    selection.cursor = cursor
    selection.format = look
    return selection


def mark(text: QTextEdit, query: str, *, dark: bool = False) -> tuple[int, QTextCursor | None]:
    """Mark what the search counted as matches of ``query`` in ``text`` (a search hit):
    whole words, the last word as a prefix while it is typed, Chinese and Japanese
    terms anywhere (``app.store.search.match_spans``); not the query's letters inside
    other words ("pel" in "kaquipelvo"), which the search does not count. Returns how
    many marks, and the place to show: the first that holds all of the query, else
    the first mark (None: nothing found)."""
    from app.store.search import compatible, match_spans  # with the first search hit

    document = text.document()
    plain = document.toPlainText()  # a character for each position, blocks' ends too
    # As the search read it: "Ｐｙｔｈｏｎ" found "Python", and marks that; and as
    # typed. Matching folds the text, full-width letters to ASCII: "python" marks
    # "Ｐｙｔｈｏｎ" in a message written so, as the search's full-width form found it
    # ("＃" of that form is no "#": "C#" marked every C).
    folded = compatible(query)
    forms = dict.fromkeys((folded, query))
    spans = sorted({span for form in forms for span in match_spans(plain, form)})
    selections = []
    first: QTextCursor | None = None
    done = 0
    for start, end in spans:
        if start < done:  # inside a mark already (another form found it too)
            continue
        cursor = QTextCursor(document)
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        selections.append(_selection(cursor, MARKS[dark]))
        first = first or QTextCursor(cursor)
        done = end
    text.setExtraSelections(selections)
    several = len(folded.split()) > 1
    starts = {cursor.selectionStart() for cursor in (s.cursor for s in selections)}
    for phrase in dict.fromkeys((folded.strip(), query.strip())) if several else ():
        whole = document.find(phrase)
        while not whole.isNull() and whole.selectionStart() not in starts:
            whole = document.find(phrase, whole)  # inside a word: not a match
        if not whole.isNull():
            return len(selections), whole
    return len(selections), first

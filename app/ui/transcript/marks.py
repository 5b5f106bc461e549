"""Marks on one message's text: where Ctrl+F's phrase, or a search's words, stand.

Imported when text is first looked for: the window opens without these text classes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit

from app.domain.full_width import wide

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
    """Mark each word of ``query`` in ``text`` (a search hit). Returns how many marks,
    and the place to show: the first that holds all of the query, else the first mark
    (None: nothing found)."""
    document = text.document()
    # As the search read it: "Ｐｙｔｈｏｎ" found "Python", and marks that; as typed,
    # and in full-width form, which the search looks for too (a message written in
    # full-width letters).
    folded = unicodedata.normalize("NFKC", query)
    terms = list(dict.fromkeys([*folded.split(), *query.split(), *wide(folded).split()]))
    selections = []
    first: QTextCursor | None = None
    for term in terms:
        cursor = QTextCursor(document)
        while True:
            cursor = document.find(term, cursor)
            if cursor.isNull():
                break
            selections.append(_selection(cursor, MARKS[dark]))
            if first is None or cursor.position() < first.position():
                first = QTextCursor(cursor)
    text.setExtraSelections(selections)
    for phrase in dict.fromkeys((folded.strip(), query.strip())) if len(terms) > 1 else ():
        whole = document.find(phrase)
        if not whole.isNull():
            return len(selections), whole
    return len(selections), first

"""Marks on one message's text: where Ctrl+F's phrase, or a search's words, stand.

Imported when text is first looked for: the window opens without these text classes.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit

# Background and text of a mark. The text colour is set too: over a quote's grey text
# or the dark theme's light text, the background alone left it hard to read.
MARKS = {
    False: (QColor(255, 213, 79), QColor(31, 35, 40)),
    True: (QColor(158, 106, 3), QColor(255, 255, 255)),
}


def mark(
    text: QTextEdit, query: str, *, phrase: bool, dark: bool = False
) -> tuple[int, QTextCursor | None]:
    """Mark ``query`` in ``text``: each of its words (a search), or with ``phrase`` the
    whole of it (Ctrl+F). Returns how many marks, and the place to show: the first that
    holds all of the query, else the first mark (None: nothing found)."""
    document = text.document()
    found = QTextCharFormat()
    background, foreground = MARKS[dark]
    found.setBackground(background)
    found.setForeground(foreground)
    terms = [query.strip()] if phrase else [w for w in query.split() if w]
    selections = []
    first: QTextCursor | None = None
    for term in terms:
        cursor = QTextCursor(document)
        while True:
            cursor = document.find(term, cursor)
            if cursor.isNull():
                break
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            selection.format = found
            selections.append(selection)
            if first is None or cursor.position() < first.position():
                first = QTextCursor(cursor)
    text.setExtraSelections(selections)
    whole = document.find(query.strip()) if len(terms) > 1 else None
    return len(selections), whole if whole is not None and not whole.isNull() else first

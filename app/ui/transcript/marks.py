"""Marks on one message's text: where Ctrl+F's phrase, or a search's words, stand.

Imported when text is first looked for: the window opens without these text classes.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit

MARK_COLOR = QColor(255, 213, 79, 170)


def mark(text: QTextEdit, query: str, *, phrase: bool) -> tuple[int, QTextCursor | None]:
    """Mark ``query`` in ``text``: each of its words (a search), or with ``phrase`` the
    whole of it (Ctrl+F). Returns how many marks, and the place to show: the first that
    holds all of the query, else the first mark (None: nothing found)."""
    document = text.document()
    found = QTextCharFormat()
    found.setBackground(MARK_COLOR)
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

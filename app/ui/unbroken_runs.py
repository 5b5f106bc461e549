"""Wrapping that stays fast around a very long run of text without a space.

A pasted base64 blob, a minified file or a long hash dump is one "word" of tens of
thousands of characters. Qt's usual wrapping (at word boundaries, else anywhere) looks
for a word boundary from each line's start to the end of that word, so laying it out
grows with the square of its length: measured on 200,000 characters, a message took
1.6 s to lay out, a plain text field 2.9 s to take the paste and then 1.4 s for each
key typed after it. Wrapping anywhere is linear (70 ms for the same text). A text holding
such a run is wrapped anywhere while it does (its other words may then break at the line
end too: a small price in a message that is mostly a blob), and as usual again once the
run is gone.
"""

from __future__ import annotations

import re

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtGui import QTextDocument, QTextOption
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

# Characters without a space: at word boundaries such a run takes a few milliseconds to
# lay out; five times longer it takes 30 (measured, QTextDocument at 700 px).
LONG_RUN = 5_000
_RUN = re.compile(rf"\S{{{LONG_RUN},}}")
_ANYWHERE = QTextOption.WrapMode.WrapAnywhere


def has_long_run(text: str) -> bool:
    """Whether ``text`` holds a run of LONG_RUN or more characters without a space."""
    return len(text) >= LONG_RUN and _RUN.search(text) is not None


class UnbrokenRunWrapping(QObject):
    """Wraps ``edit`` anywhere while its text holds a long run without a space.

    Told by the document's changes, which come before Qt lays the new text out: the
    switch costs one linear layout, never the slow one. Only the paragraphs changed are
    read (a long run lies in one paragraph), so typing costs next to nothing. A field
    given another document calls ``follow_document``.
    """

    def __init__(self, edit: QPlainTextEdit | QTextEdit) -> None:
        super().__init__(edit)
        self._edit = edit
        self._usual = edit.wordWrapMode()
        self._document: QTextDocument | None = None
        self.follow_document()

    def follow_document(self) -> None:
        old = self._document
        if old is not None and shiboken6.isValid(old):  # else deleted with its connections
            old.contentsChange.disconnect(self._on_change)
        self._document = self._edit.document()
        self._document.contentsChange.connect(self._on_change)
        self._check_all()

    @property
    def anywhere(self) -> bool:
        """Whether the text is wrapped anywhere now (it holds a long run)."""
        return self._usual != _ANYWHERE and self._edit.wordWrapMode() == _ANYWHERE

    def _on_change(self, position: int, removed: int, added: int) -> None:
        if self._usual == _ANYWHERE:
            return
        if self.anywhere:
            if removed:  # the run may have gone
                self._check_all()
            return
        assert self._document is not None
        block = self._document.findBlock(position)
        end = position + added
        while block.isValid() and block.position() <= end:
            if block.length() > LONG_RUN and has_long_run(block.text()):
                self._edit.setWordWrapMode(_ANYWHERE)
                return
            block = block.next()

    def _check_all(self) -> None:
        if self._usual == _ANYWHERE:
            return
        assert self._document is not None
        block = self._document.begin()
        while block.isValid():
            if block.length() > LONG_RUN and has_long_run(block.text()):
                if not self.anywhere:
                    self._edit.setWordWrapMode(_ANYWHERE)
                return
            block = block.next()
        if self.anywhere:
            self._edit.setWordWrapMode(self._usual)

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
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QTextCursor, QTextDocument, QTextOption
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

# Characters without a space: at word boundaries such a run takes a few milliseconds to
# lay out; five times longer it takes 30 (measured, QTextDocument at 700 px).
LONG_RUN = 5_000
# Back to the usual wrapping only once no run is this long: typing at the limit would
# otherwise lay the whole text out again at each key.
SHORT_AGAIN = 4_000
_ANYWHERE = QTextOption.WrapMode.WrapAnywhere
_SPACE = re.compile(r"\s")


def _run_of(length: int) -> re.Pattern[str]:
    # Matched only where a run starts: "\S{n,}" alone tried every place inside a long
    # run and read on to its end each time (2 s on 200,000 characters of 4,999-long
    # words, none long enough).
    return re.compile(rf"(?<!\S)\S{{{length}}}")


_LONG = _run_of(LONG_RUN)
_STILL_LONG = _run_of(SHORT_AGAIN)


def has_long_run(text: str) -> bool:
    """Whether ``text`` holds a run of LONG_RUN or more characters without a space."""
    return len(text) >= LONG_RUN and _LONG.search(text) is not None


class UnbrokenRunWrapping(QObject):
    """Wraps ``edit`` anywhere while its text holds a long run without a space.

    Told by the document's changes, which come before Qt lays the new text out: the
    switch costs one linear layout, never the slow one. Only the text around a change is
    read (a new long run goes through it), so typing costs next to nothing. Whether the
    runs are gone is looked at once the changes of the moment are over: a streamed code
    block is taken out and put back at each frame, and switching back and forth between
    the two laid the whole answer out twice a frame. A field given another document
    calls ``follow_document``.
    """

    def __init__(self, edit: QPlainTextEdit | QTextEdit) -> None:
        super().__init__(edit)
        self._edit = edit
        self._usual = edit.wordWrapMode()
        self._document: QTextDocument | None = None
        self._held = False  # wrapped anywhere whatever the text (see hold_anywhere)
        self._recheck = QTimer(self)
        self._recheck.setSingleShot(True)
        self._recheck.setInterval(0)
        self._recheck.timeout.connect(self._check_all)
        self.follow_document()

    def follow_document(self) -> None:
        old = self._document
        if old is not None and shiboken6.isValid(old):  # else deleted with its connections
            old.contentsChange.disconnect(self._on_change)
        self._document = self._edit.document()
        self._document.contentsChange.connect(self._on_change)
        self._check_all()

    def hold_anywhere(self, held: bool) -> None:
        """Wrap anywhere whatever the text while ``held``: a part of a text holding a
        long run (a folded question's first lines) wraps as the whole text does."""
        if held != self._held:
            self._held = held
            self._check_all()

    @property
    def anywhere(self) -> bool:
        """Whether the text is wrapped anywhere now (it holds a long run)."""
        return self._usual != _ANYWHERE and self._edit.wordWrapMode() == _ANYWHERE

    def _on_change(self, position: int, removed: int, added: int) -> None:
        if self._usual == _ANYWHERE or self._held:
            return
        assert self._document is not None
        if self.anywhere:
            # A run goes with text taken out, or is cut in two by a space put in.
            if removed or self._adds_space(position, added):
                self._recheck.start()
            return
        end = position + added
        block = self._document.findBlock(position)
        while block.isValid() and block.position() <= end:
            if block.length() > LONG_RUN:
                # A new long run goes through the change: LONG_RUN on each side of it
                # holds enough of it.
                offset = block.position()
                text = block.text()
                around = text[max(0, position - offset - LONG_RUN) : end - offset + LONG_RUN]
                if _LONG.search(around) is not None:
                    self._edit.setWordWrapMode(_ANYWHERE)
                    return
            block = block.next()

    def _adds_space(self, position: int, added: int) -> bool:
        if not added or self._document is None:
            return False
        # Qt counts the document's last paragraph end in a change, not a place to go to.
        last = self._document.characterCount() - 1
        cursor = QTextCursor(self._document)
        cursor.setPosition(min(position, last))
        cursor.setPosition(min(position + added, last), QTextCursor.MoveMode.KeepAnchor)
        # Paragraph ends come as U+2029, a space to \s too.
        return _SPACE.search(cursor.selectedText()) is not None

    def _check_all(self) -> None:
        if self._usual == _ANYWHERE or self._document is None:
            return
        anywhere = self.anywhere
        if self._held:
            if not anywhere:
                self._edit.setWordWrapMode(_ANYWHERE)
            return
        length, run = (SHORT_AGAIN, _STILL_LONG) if anywhere else (LONG_RUN, _LONG)
        block = self._document.begin()
        while block.isValid():
            if block.length() > length and run.search(block.text()) is not None:
                if not anywhere:
                    self._edit.setWordWrapMode(_ANYWHERE)
                return
            block = block.next()
        if anywhere:
            self._edit.setWordWrapMode(self._usual)

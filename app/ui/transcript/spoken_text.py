"""What a screen reader is given of a rendered answer, besides Qt's own text.

Qt's accessible text of a message is its document's raw text: the frame markers
U+FDD0 and U+FDD1 around each code block and table, the code block's header words
("python", "Copy") and U+FFFC for each formula. Qt's interface for it cannot be
replaced from Python, so the clean text (what a copy of the whole answer gives, see
plain_copy: formulas as their TeX, code without its header, a table's rows as lines)
is the text's accessible description, which screen readers read with it. An answer
of prose alone has none: Qt's text is clean, and would be read twice.

It is worked out only while an assistive technology is active (a long answer takes
a noticeable moment), once the answer's text settles: not at each streamed piece.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAccessible, QTextCursor
from PySide6.QtWidgets import QTextEdit

SETTLE_MS = 300  # after a change: the text is read again once it stopped changing
# In Qt's text: a code block's or table's frame begins and ends; a formula's picture.
_MARKS = frozenset("\ufdd0\ufdd1\ufffc")


class SpokenText(QObject):
    """Keeps ``text``'s accessible description the clean text of its document.

    Args:
        text: a rendered answer's text.
        busy: whether the answer is still being written (read again when it ends).
    """

    def __init__(self, text: QTextEdit, busy: Callable[[], bool]) -> None:
        super().__init__(text)
        self._text = text
        self._busy = busy
        self._stale = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_MS)
        self._timer.timeout.connect(self._settled)
        text.document().contentsChanged.connect(self._changed)
        text.installEventFilter(self)

    def _changed(self) -> None:
        self._stale = True
        if QAccessible.isActive() and not self._timer.isActive():
            self._timer.start()

    def _settled(self) -> None:
        if self._busy():
            self._timer.start()  # read once it is written: its end may change nothing
        else:
            self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # Changed before a screen reader came: up to date when the keyboard comes in.
        if event.type() == QEvent.Type.FocusIn and self._stale:
            self.refresh()
        return False

    def refresh(self) -> None:
        """Give the description the text as it is now (if a screen reader may ask)."""
        if not QAccessible.isActive():
            return
        self._stale = False
        document = self._text.document()
        if _MARKS.isdisjoint(document.toRawText()):
            # Qt's text is clean already (prose, lists, links): not said twice.
            self._text.setAccessibleDescription("")
            return
        from app.ui.transcript.plain_copy import selected_text  # with a screen reader

        cursor = QTextCursor(document)
        cursor.select(QTextCursor.SelectionType.Document)
        self._text.setAccessibleDescription(selected_text(cursor))

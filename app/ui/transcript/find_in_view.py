"""Finding and marking text in the transcript: Ctrl+F's occurrences, a search hit's
words, and their marks kept through a message's renderings.

Part of TranscriptView, as a mixin: it works on the view's entries, rendering and
scrolling (declared below for the type checker; the view defines them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QScrollArea, QTextEdit, QWidget

from app.domain.messages import Role
from app.ui.transcript.entries import IDLE_BUDGET_S, Entry
from app.ui.transcript.finding import (
    BACKWARD,
    FORWARD,
    STAY,
    VisibleTexts,
    fold,
    hidden_by_fold,
    next_place,
    occurrences,
    shown_places,
)
from app.ui.transcript.frames import StreamFrames

if TYPE_CHECKING:
    from app.ui.transcript.item import MessageItem

    _View = QScrollArea
else:
    _View = object

# Messages a long text of folds to its first lines (see MessageItem and folding.py).
_FOLDING = (Role.TOOL, Role.USER)


class FindingInView(_View):
    # The view's, or set by _init_finding; declared for the type checker.
    _entries: list[Entry]
    _by_id: dict[str, Entry]
    _canvas: QWidget
    _dark: bool
    _found: tuple[str, int] | None  # Ctrl+F's current: its message, where it starts
    _find_texts: VisibleTexts
    _highlighted: dict[str, tuple[str, bool]]  # marked messages: query, by Ctrl+F?
    _find_reading: QTimer
    _find_query: str | None  # Ctrl+F's text while its occurrences are marked
    _unfolded_by_find: set[str]  # long texts Ctrl+F showed whole, to fold again
    _frames: StreamFrames
    _follow: bool
    _clock: Callable[[], float]

    if TYPE_CHECKING:

        def _update_height(self, entry: Entry, *, follow: bool = True) -> bool: ...
        def _materialise(self, entry: Entry) -> None: ...
        def _relayout(self, start: int) -> None: ...
        def _set_follow(self, follow: bool) -> None: ...
        def scroll_to_end(self) -> None: ...
        def _ensure_loaded(self, entries: Sequence[Entry]) -> None: ...

    def _init_finding(self) -> None:
        """The view's finding state (its __init__ calls this)."""
        # Ctrl+F's current occurrence: its message, and where it starts in its text.
        self._found = None
        self._find_texts = VisibleTexts()
        self._find_query = None
        # Long questions and tool results Ctrl+F showed whole (not the person, nor a
        # search hit): folded again when its query no longer needs them, or it closes.
        self._unfolded_by_find = set()
        # Messages with marks of Ctrl+F or a search: what was marked, and by Ctrl+F?
        self._highlighted = {}
        self._find_reading = QTimer(self)
        self._find_reading.setSingleShot(True)
        self._find_reading.setInterval(0)
        self._find_reading.timeout.connect(self._read_some_for_find)

    def _reveal(self, message_id: str, highlight: str | None) -> None:
        # The place to scroll to may be in text skipped behind a flood.
        for filled in self._frames.fill_all_gaps():
            self._update_height(self._by_id[filled], follow=False)
        entry = self._by_id[message_id]
        index = self._entries.index(entry)
        for near in self._entries[max(0, index - 1) : index + 3]:
            self._materialise(near)
        self._relayout(0)
        self.verticalScrollBar().setValue(max(0, entry.y - 24))
        self._set_follow(False)
        if highlight and entry.item is not None:
            self.highlight(entry.item, highlight)

    def highlight(self, item: MessageItem, query: str) -> int:
        """A search hit: mark each word of ``query`` in one message and scroll to the
        first place that holds all of it, else to the first mark. Returns how many
        marks. (Ctrl+F marks its occurrences with _mark_found.)"""
        from app.ui.transcript.marks import mark  # the text classes: on first use

        self.clear_highlights()  # one message's marks at a time
        item.document.fill_gaps()
        self._unfolded_by_find.discard(item.message.id)  # gone to on purpose: kept whole
        if (
            item.message.role in _FOLDING
            and hidden_by_fold(item.message.content, item.text.toPlainText(), query)
            and item.show_whole()
        ):  # the words found are in the part a long text folds away: shown whole
            self._update_height(self._by_id[item.message.id], follow=False)
        count, target = mark(item.text, query, dark=self._dark)
        self._highlighted[item.message.id] = (query, False)
        if target is not None:
            self._scroll_to_text(item, target)
        return count

    def _mark_again(self, item: MessageItem) -> None:
        """Marks go with the text they were on: a message rendered anew (its formulas
        drawn, another theme or size) gets them back, the view staying where it is."""
        marked = self._highlighted.get(item.message.id)
        if marked is None:
            return
        query, by_find = marked
        if by_find:  # Ctrl+F's occurrences, with the current one if it is in this message
            found = self._found
            current = found[1] if found is not None and found[0] == item.message.id else -1
            self._mark_found(self._by_id[item.message.id], fold(query), current)
            return
        from app.ui.transcript.marks import mark

        mark(item.text, query, dark=self._dark)

    def _scroll_to_text(self, item: MessageItem, cursor: QTextCursor) -> None:
        """Bring the place of ``cursor`` in ``item`` into view, a third from the top, if
        it is not in view already (a match deep in a long answer), and across: in the
        middle of the answer's width, if the answer scrolls sideways (a wide table) and
        it is out of sight there."""
        _scroll_across(item.text, cursor)
        rect = item.text.cursorRect(cursor)
        y = item.text.viewport().mapTo(self._canvas, rect.topLeft()).y()
        bar = self.verticalScrollBar()
        visible = self.viewport().height()
        if not bar.value() <= y <= bar.value() + visible - 2 * rect.height():
            bar.setValue(max(0, y - visible // 3))

    def clear_highlights(self) -> None:
        """Remove the marks of Ctrl+F or of a search (the find bar closed, the search
        field emptied)."""
        for message_id in self._highlighted:
            entry = self._by_id.get(message_id)
            if entry is not None and entry.item is not None:
                entry.item.text.setExtraSelections([])
        self._highlighted.clear()
        self._find_query = None

    def clear_search_marks(self) -> None:
        """Remove the marks of a search hit, not Ctrl+F's: the search's words changed,
        and the marks of the words before misled."""
        for message_id, (_, by_find) in list(self._highlighted.items()):
            if by_find:
                continue
            entry = self._by_id.get(message_id)
            if entry is not None and entry.item is not None:
                entry.item.text.setExtraSelections([])
            del self._highlighted[message_id]

    def find_text(
        self, query: str, *, backward: bool = False, stay: bool = False
    ) -> tuple[int, int]:
        """Ctrl+F: stand on the next (or previous) occurrence of ``query`` in the visible
        text of the conversation, marking those of its message, the current one in a
        stronger colour, and scrolling to it; with ``stay`` (the query is being typed)
        keep to the current one while it still reads ``query``. Returns which occurrence
        it is of how many, in the order of the conversation: (3, 80), (0, 0)."""
        needle = fold(query)
        if not needle or not self._entries:
            self._found = None
            self._fold_back(needle)
            self.clear_highlights()
            return 0, 0
        # The text skipped behind a flood is text of the conversation too.
        for filled in self._frames.fill_all_gaps():
            self._update_height(self._by_id[filled], follow=False)
        self._ensure_loaded(self._entries)  # finding reads every text, once
        counts = [self._visible(entry).count(needle) for entry in self._entries]
        if not any(counts):
            self._found = None
            self._fold_back(needle)
            self.clear_highlights()
            return 0, 0
        self._fold_back(needle)  # before the places of this query are read
        current: tuple[int, int] | None = None
        starts: list[int] = []
        found = self._by_id.get(self._found[0]) if self._found is not None else None
        if found is not None and self._found is not None:
            current = (self._entries.index(found), self._found[1])
            starts = occurrences(self._visible(found), needle)
        direction = BACKWARD if backward else STAY if stay else FORWARD
        index, occurrence = next_place(counts, current, starts, direction, self._top_index())
        entry = self._entries[index]
        if entry.item is None:
            for near in self._entries[max(0, index - 1) : index + 3]:
                self._materialise(near)
            self._relayout(0)
        # Now read from its document, which may show a little more or less than its
        # markdown read alone (where a piece of markup was not closed, say).
        starts = occurrences(self._visible(entry), needle)
        counts[index] = len(starts)
        if not starts:  # read alone, the markdown had it; rendered, it has not
            self._found = None
            self.clear_highlights()
            return 0, sum(counts)
        occurrence = max(
            0, min(len(starts) - 1, occurrence if occurrence >= 0 else len(starts) - 1)
        )
        self._found = (entry.id, starts[occurrence])
        self._show_hidden(entry, needle, starts[occurrence])
        self._mark_found(entry, needle, starts[occurrence], query=query, scroll=True)
        self._find_query = query
        self.mark_in_view()
        return sum(counts[:index]) + occurrence + 1, sum(counts)

    def mark_in_view(self) -> None:
        """Ctrl+F: the occurrences in the other messages on screen are marked too, in
        the plain colour, as a browser marks them (only the current message's were:
        the others read as missed). Called again as the view scrolls."""
        query = self._find_query
        if not query:
            return
        needle = fold(query)
        top = self.verticalScrollBar().value()
        bottom = top + self.viewport().height()
        for entry in self._entries:
            if entry.y > bottom:
                break
            if entry.item is None or entry.y + entry.height < top or entry.id in self._highlighted:
                continue
            self._highlighted[entry.id] = (query, True)  # looked at: not again
            self._mark_found(entry, needle, -1)  # none of them the current one

    def _find_follows(self, message_ids: Iterable[str]) -> tuple[int, int] | None:
        """Text came into these messages (an answer written, or carried on by
        Continue) while Ctrl+F's occurrences are marked: their marks again, as its
        rendering drops them, new ones included, and which occurrence is the current
        one of how many now (None: nothing is being found)."""
        query = self._find_query
        if not query:
            return None
        for message_id in message_ids:
            entry = self._by_id.get(message_id)
            if entry is not None and entry.item is not None and message_id in self._highlighted:
                self._mark_again(entry.item)
        self.mark_in_view()  # a new answer on screen, as the others there
        self._ensure_loaded(self._entries)
        needle = fold(query)
        counts = [self._visible(entry).count(needle) for entry in self._entries]
        found = self._found
        entry = self._by_id.get(found[0]) if found is not None else None
        starts = occurrences(self._visible(entry), needle) if entry is not None else []
        if found is None or entry is None or found[1] not in starts:
            return 0, sum(counts)
        before = sum(counts[: self._entries.index(entry)])
        return before + starts.index(found[1]) + 1, sum(counts)

    def prepare_find(self) -> None:
        """Ctrl+F opened: read the visible text of every message on idle time, a slice
        at a time, so that the first letter typed does not wait for all of them."""
        if self._entries:
            self._ensure_loaded(self._entries)
            self._find_reading.start()

    def _read_some_for_find(self) -> None:
        started = self._clock()
        for entry in self._entries:
            if not self._find_texts.known(entry.id):
                self._visible(entry)
                if self._clock() - started > IDLE_BUDGET_S:
                    self._find_reading.start()
                    return

    def _show_hidden(self, entry: Entry, needle: str, start: int) -> None:
        """The occurrence at ``start`` is in the folded part of a long tool result or
        question: it is shown whole, as a browser opens a collapsed section to show what
        it found (its "Show less" folds it again)."""
        item = entry.item
        if item is None or entry.role not in _FOLDING:
            return
        place = shown_places(self._visible(entry), self._shown(entry), [start], len(needle))
        if place[0] is None and item.show_whole():
            self._unfolded_by_find.add(entry.id)
            self._update_height(entry, follow=False)

    def _fold_back(self, needle: str) -> None:
        """Fold again each long text Ctrl+F showed whole for an earlier query (typed a
        letter at a time, "b" was in its folded part, "batch 7" is not) whose folded
        part does not hold ``needle`` ("": the bar closed, fold them all)."""
        for message_id in list(self._unfolded_by_find):
            entry = self._by_id.get(message_id)
            rendered = entry is not None and entry.item is not None
            if needle and rendered and self._in_folded_part(self._by_id[message_id], needle):
                continue
            self._unfolded_by_find.discard(message_id)
            if entry is not None and entry.item is not None and entry.item.fold_again():
                self._update_height(entry, follow=False)

    def _in_folded_part(self, entry: Entry, needle: str) -> bool:
        """Whether ``needle`` occurs in the part of a long text its fold hides."""
        assert entry.item is not None
        start = entry.item.folded_preview()
        if start is None:
            return False
        shown = fold(start if entry.role is Role.USER else _result_text(start))
        whole = self._visible(entry)
        return None in shown_places(whole, shown, occurrences(whole, needle), len(needle))

    def end_find(self) -> None:
        """The find bar closed: the long texts it showed whole (and the person did not
        unfold by hand) fold again, the view kept on what it showed, the current
        occurrence's message if it is in view, and the marks go."""
        if self._unfolded_by_find:
            anchor = self._find_anchor()
            folded = set(self._unfolded_by_find)
            self._fold_back("")
            if anchor is not None:
                self._keep_place(anchor, folded)
            elif self._follow:
                self.scroll_to_end()
        self.clear_highlights()

    def _find_anchor(self) -> tuple[str, int] | None:
        """The message to keep in place as the texts Ctrl+F unfolded fold again, and
        where it is in the view: the current occurrence's if it is on screen, else the
        first one the view's top shows (None: the view follows the end)."""
        if self._follow or not self._entries:
            return None
        top = self.verticalScrollBar().value()
        bottom = top + self.viewport().height()
        found = self._by_id.get(self._found[0]) if self._found is not None else None
        on_screen = found is not None and found.y < bottom and found.y + found.height > top
        if found is not None and on_screen and found.id not in self._unfolded_by_find:
            return found.id, found.y - top
        entry = self._entries[self._top_index()]
        return entry.id, entry.y - top

    def _keep_place(self, anchor: tuple[str, int], folded: set[str]) -> None:
        """Put the message of ``anchor`` back where it was in the view; one folded
        again that the view was inside keeps its end (and its button) in sight."""
        message_id, offset = anchor
        entry = self._by_id.get(message_id)
        if entry is None:
            return
        if message_id in folded:  # offset < 0: the view's top was inside it
            offset = max(offset, min(0, self.viewport().height() // 2 - entry.height))
        self.verticalScrollBar().setValue(max(0, entry.y - offset))

    def _visible(self, entry: Entry) -> str:
        """The text of a message as shown, folded (see finding.VisibleTexts).

        A tool's result or a question is read whole, from what it holds, folded or not:
        words in the part a long one keeps out of sight are found too (where they are
        marked: see _mark_found). Its places are those of the text shown whole.
        """
        message = entry.message if entry.item is None else entry.item.message
        if entry.item is not None and entry.role not in _FOLDING:
            document = entry.item.text.document()
            key: object = (id(document), document.revision(), document.characterCount())
            return self._find_texts.text(entry.id, key, document.toPlainText)
        assert message is not None
        if message.role is Role.TOOL:
            content = message.content
            return self._find_texts.text(
                entry.id, ("result", content), lambda: _result_text(content)
            )
        if message.role is Role.USER:
            return self._find_texts.text(
                entry.id, ("text", message.content), lambda: message.content
            )
        from app.rendering.visible import visible_text

        return self._find_texts.text(
            entry.id, ("markdown", message.content), lambda: visible_text(message.content)
        )

    def _mark_found(
        self,
        entry: Entry,
        needle: str,
        current: int,
        *,
        query: str | None = None,
        scroll: bool = False,
    ) -> None:
        """Mark the occurrences of ``needle`` in a rendered message, the one at
        ``current`` (a position in its text; -1: none) as the current one."""
        from app.ui.transcript.marks import mark_found  # the text classes: on first use

        item = entry.item
        if item is None:
            return
        if query is not None:
            self.clear_highlights()  # one message's marks at a time
            self._highlighted[entry.id] = (query, True)
        whole = self._visible(entry)
        starts = occurrences(whole, needle)
        places: list[int | None] = list(starts)
        if entry.role in _FOLDING:  # read whole, maybe shown folded: where each one shows
            places = shown_places(whole, self._shown(entry), starts, len(needle))
        at = places[starts.index(current)] if current in starts else None
        shown = [place for place in places if place is not None]
        index = shown.index(at) if at is not None else -1
        cursor = mark_found(item.text, shown, len(needle), index, dark=self._dark)
        if scroll and cursor is not None:
            self._set_follow(False)
            self._scroll_to_text(item, cursor)

    def _shown(self, entry: Entry) -> str:
        """The text a rendered message's document shows, folded: a tool's result or a
        question may show only its first lines (see _visible)."""
        assert entry.item is not None
        document = entry.item.text.document()
        key = (id(document), document.revision(), document.characterCount())
        return self._find_texts.text(f"{entry.id} shown", key, document.toPlainText)

    def _top_index(self) -> int:
        """The first message in view."""
        top = self.verticalScrollBar().value()
        for index, entry in enumerate(self._entries):
            if entry.y + entry.height > top:
                return index
        return 0


def _result_text(content: str) -> str:
    """A tool's result as its message shows it whole (see MessageItem._markdown)."""
    if not content:
        return ""
    from app.rendering.visible import visible_text
    from app.ui.transcript.folding import code_block

    return visible_text(code_block(content))


def _scroll_across(text: QTextEdit, cursor: QTextCursor) -> None:
    """Scroll ``text`` sideways so that the selection of ``cursor`` (an occurrence in a
    table's column off to the right, or to the left) is in sight, in the middle, as a
    browser shows what it found: "1 of 1" with nothing to see read as a miss."""
    bar = text.horizontalScrollBar()
    if bar.maximum() <= 0:
        return
    ends = []
    for position in (cursor.selectionStart(), cursor.selectionEnd()):
        end = QTextCursor(cursor)
        end.setPosition(position)
        ends.append(text.cursorRect(end))
    left = min(rect.left() for rect in ends)
    right = max(rect.right() for rect in ends)
    width = text.viewport().width()
    if left >= 0 and right < width:
        return
    bar.setValue(bar.value() + (left + right - width) // 2)

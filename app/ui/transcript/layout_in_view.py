"""The transcript's layout: the text column, each message's height and place in it,
heights measured again when messages change size, and the reader's place kept through
a relayout.

Part of TranscriptView, as a mixin: it works on the view's entries and the widgets
below them (declared below for the type checker; the view defines them).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QTimer
from PySide6.QtWidgets import QLabel, QScrollArea, QWidget

from app.ui.new_chat_page import COLUMN_WIDTH
from app.ui.text_scale import REFERENCE_POINT_SIZE
from app.ui.transcript.entries import Entry
from app.ui.transcript.text_place import TextPlace, place_at, y_of

if TYPE_CHECKING:
    from app.ui.transcript.item import MessageItem
    from app.ui.transcript.pending import PendingLine
    from app.ui.transcript.unanswered import UnansweredBar

    _View = QScrollArea
else:
    _View = object

SIDE_MARGIN = 24
GAP = 8


def estimate_height(length: int, width: int, scale: float = 1.0) -> int:
    """A cheap guess of a message's height before it is rendered, from the text's length
    alone (and the text's size, ``scale`` times the reference size: larger text has
    fewer characters on a line and taller lines)."""
    return estimate_heights([length], width, scale)[0]


def estimate_heights(lengths: Sequence[int], width: int, scale: float = 1.0) -> list[int]:
    """``estimate_height`` of each length: a conversation's every message, when it opens
    (in one go: a call per message cost 0.4 ms of a 300-message conversation's opening)."""
    per_line = max(20, int(width / (8 * scale)))
    # Wrapped lines, and paragraph breaks.
    return [
        round((64 + (1 + length // per_line + length // 400) * 21) * scale) for length in lengths
    ]


class LayoutInView(_View):
    # The view's, or set by _init_layout; declared for the type checker.
    _entries: list[Entry]
    _by_id: dict[str, Entry]
    _canvas: QWidget
    _follow: bool
    _pending: PendingLine | None
    _unanswered: UnansweredBar | None
    empty_label: QLabel
    _height_dirty: set[str]  # messages whose height signal waits to be answered
    _heights: QTimer
    _bottom_room: int  # kept free under the last message: see keep_room_below

    if TYPE_CHECKING:

        def scroll_to_end(self) -> None: ...
        def _set_follow(self, follow: bool) -> None: ...
        def _pin_code_header(self) -> None: ...

    def _init_layout(self) -> None:
        """The view's layout state (its __init__ calls this)."""
        self._height_dirty = set()
        self._heights = QTimer(self)
        self._heights.setSingleShot(True)
        self._heights.setInterval(0)
        self._heights.timeout.connect(self._apply_heights)
        self._bottom_room = 0

    def keep_room_below(self, height: int) -> None:
        """Keep ``height`` pixels free under the last message (0: none): a notice over
        the conversation's bottom covered the last answer's buttons (Copy, Retry),
        and at the end the view scrolls on to show them above it."""
        height = max(0, height)
        if height != self._bottom_room:
            self._bottom_room = height
            self._relayout(len(self._entries))

    def _text_scale(self) -> float:
        """How large the text is, against the reference size the estimates were made for."""
        size = self.font().pointSizeF()
        return size / REFERENCE_POINT_SIZE if size > 0 else 1.0

    def _column_width(self) -> int:
        available = self.viewport().width() - 2 * SIDE_MARGIN
        return max(200, min(COLUMN_WIDTH, available))

    def _column_x(self) -> int:
        # Centred in the whole view, its scroll bar's room included: centred in the
        # viewport, the column jumped sideways by half the bar's width when a streaming
        # answer first overflowed, and stood off the message field's centre after.
        width = self._column_width()
        whole = self.width() - 2 * self.frameWidth()
        return max(
            SIDE_MARGIN, min((whole - width) // 2, self.viewport().width() - width - SIDE_MARGIN)
        )

    # -- heights ------------------------------------------------------------------------

    def frame_rendered(self, message_ids: Iterable[str]) -> None:
        """StreamFrames rendered a frame of these messages: they are measured again."""
        for message_id in message_ids:
            entry = self._by_id.get(message_id)
            if entry is not None:
                self._update_height(entry, follow=False)
                # Measured now: the height signals the rendering sent are answered.
                self._height_dirty.discard(message_id)
        if not self._height_dirty:
            self._heights.stop()
        if self._follow:
            self.scroll_to_end()

    def _on_item_height(self, message_id: str) -> None:
        # Coalesced and applied after the event: measuring inside the signal would
        # resize the text again and re-enter here.
        self._height_dirty.add(message_id)
        if not self._heights.isActive():
            self._heights.start()

    def _apply_heights(self) -> None:
        dirty, self._height_dirty = self._height_dirty, set()
        for message_id in dirty:
            entry = self._by_id.get(message_id)
            if entry is not None:
                self._update_height(entry)

    def _update_height(self, entry: Entry, *, follow: bool = True) -> bool:
        if entry.item is None:
            return False
        height = entry.item.height_for_width(self._column_width())
        if height == entry.height:
            return False
        anchor = self._anchor()
        entry.height = height
        self._relayout(self._entries.index(entry))
        if self._follow:
            if follow:
                self.scroll_to_end()
        else:
            self._restore(anchor)  # keep what the reader looks at in place
        return True

    def _keep_fold_in_view(self, message_id: str) -> None:
        """A long tool result or question was shown whole or folded again: laid out now,
        its button kept in view (folded from far down, the view would be left past it)."""
        entry = self._by_id.get(message_id)
        if entry is None or entry.item is None:
            return
        self._height_dirty.discard(message_id)
        self._update_height(entry, follow=False)
        button = entry.item.fold_button
        layout = entry.item.layout()
        if button is not None and layout is not None:
            layout.activate()  # the button's place in the item's new height
            self.ensureWidgetVisible(button, 0, 48)

    def reveal_editor(self, message_id: str) -> None:
        """A question's editor just opened: laid out now and brought into view (opened
        by Up under a long answer, it was off-screen above and took the typing unseen)."""
        entry = self._by_id.get(message_id)
        if entry is None or entry.item is None or entry.item.editor is None:
            return
        self._height_dirty.discard(message_id)
        self._update_height(entry, follow=False)
        layout = entry.item.layout()
        if layout is not None:
            layout.activate()  # the editor's place in the item's new height
        self._set_follow(False)
        self.ensureWidgetVisible(entry.item.editor, 0, 48)

    def _fit_to_width(self) -> None:
        """The column's width changed: every message is measured (or estimated) anew,
        and the reader stays at the same place."""
        anchor = self._anchor()
        before = self._anchor_height(anchor)
        width, scale = self._column_width(), self._text_scale()
        for entry in self._entries:
            entry.height = (
                entry.item.height_for_width(width)
                if entry.item is not None
                else estimate_height(entry.length, width, scale)
            )
        self._relayout(0)
        self._restore(self._rescaled(anchor, before))

    def _anchor_height(self, anchor: tuple[int, int] | None) -> int:
        return self._entries[anchor[0]].height if anchor is not None else 0

    def _rescaled(self, anchor: tuple[int, int] | None, before: int) -> tuple[int, int] | None:
        """The anchor after its whole message was laid out anew (a new width, a zoom):
        a view whose top was inside it stays at the same share of it. The same pixels
        into a message whose text grew by a third were a screen higher in the text."""
        if anchor is None or anchor[1] <= 0 or before <= 0:
            return anchor
        index, offset = anchor
        return index, round(offset * self._entries[index].height / before)

    # -- places -------------------------------------------------------------------------

    def _relayout(self, start: int) -> None:
        """Recompute positions from entry ``start`` on and resize the canvas."""
        x, width = self._column_x(), self._column_width()
        pending = self._pending if self._pending is not None and self._pending.isVisible() else None
        continued = self._continued()
        if continued is not None:
            # Continue waits for its first words: its waiting line goes where the text
            # goes on, in room the answer keeps under its text.
            entry, item = continued
            if item.set_waiting_room(pending.height_for(width) if pending is not None else 0):
                entry.height = item.height_for_width(width)
                start = min(start, len(self._entries) - 1)
        y = (
            GAP
            if start == 0
            else self._entries[start - 1].y + self._entries[start - 1].height + GAP
        )
        for entry in self._entries[start:]:
            entry.y = y
            if entry.item is not None:
                entry.item.setGeometry(x, y, width, entry.height)
            y += entry.height + GAP
        if pending is not None:
            height = pending.height_for(width)
            room_top = continued[1].waiting_room_top() if continued is not None else None
            if continued is not None and room_top is not None:
                pending.setGeometry(x, continued[0].y + room_top, width, height)
                pending.raise_()  # over the answer whose room it is in
            else:
                pending.setGeometry(x, y, width, height)
                y += height + GAP
        if self._unanswered is not None and self._unanswered.isVisible():
            height = self._unanswered.heightForWidth(width)
            self._unanswered.setGeometry(x, y, width, height)
            y += height + GAP
        self._canvas.resize(self.viewport().width(), y + 2 * GAP + self._bottom_room)
        # An empty chat shows a welcome line instead of an empty page.
        empty = not self._entries and pending is None
        self.empty_label.setVisible(empty)
        if empty:
            self.empty_label.setGeometry(self.viewport().rect())
        self._pin_code_header()  # the code block at the top may have moved

    def _continued(self) -> tuple[Entry, MessageItem] | None:
        """The last message and its widget, when it is an answer that Continue asked
        more of and nothing came yet."""
        last = self._entries[-1] if self._entries else None
        if last is None or last.item is None or not last.item.awaiting:
            return None
        return last, last.item

    def _anchor(self) -> tuple[int, int] | None:
        """The message the view is kept on through a relayout, and how far the view's
        top is from its top (negative: the message starts lower in the view).

        The first message rendered whose top is in view, else the one at the top. A
        message the view's top is in may still be only estimated, or get its formulas:
        it grows by hundreds of pixels above what the reader looks at (a search hit,
        a switched version), and a view kept on its top went down with it.
        """
        if self._follow or not self._entries:
            return None
        top = self.verticalScrollBar().value()
        bottom = top + self.viewport().height()
        first = self._first_below(top)
        if first == len(self._entries):
            return None
        for index in range(first, len(self._entries)):
            entry = self._entries[index]
            if entry.y >= bottom:
                break
            if entry.item is not None and entry.y >= top:
                return index, top - entry.y
        return first, top - self._entries[first].y

    def _first_below(self, top: int) -> int:
        """The first message that ends below ``top`` (positions are in order)."""
        return bisect.bisect_right(self._entries, top, key=lambda entry: entry.y + entry.height)

    def text_place(self) -> TextPlace | None:
        """The text at the view's top, to keep there while a frame renders text above it
        in the same message (see app.ui.transcript.text_place); None while the view
        follows the end, or when its top is not in a message's text."""
        if self._follow or not self._entries:
            return None
        top = self.verticalScrollBar().value()
        index = self._first_below(top)
        if index == len(self._entries):
            return None
        entry = self._entries[index]
        if entry.item is None or entry.y > top:
            return None
        text = entry.item.text
        y = top - text.mapTo(self._canvas, QPoint(0, 0)).y()
        if not 0 <= y < text.height():
            return None
        return place_at(entry.id, text.document(), y)

    def keep_text_place(self, place: TextPlace) -> None:
        """Scroll back to the text at the view's top (see ``text_place``)."""
        entry = self._by_id.get(place.message_id)
        if self._follow or entry is None or entry.item is None:
            return
        text = entry.item.text
        y = y_of(place, text.document())
        if y is not None:
            self.verticalScrollBar().setValue(text.mapTo(self._canvas, QPoint(0, 0)).y() + y)

    def reading_place(self) -> tuple[str, int] | None:
        """A message in view and how far the view's top is from its top (see _anchor),
        or ``None`` while the view follows the end."""
        anchor = self._anchor()
        return None if anchor is None else (self._entries[anchor[0]].id, anchor[1])

    def return_to(self, place: tuple[str, int]) -> bool:
        """Scroll back to a ``reading_place``; ``False`` when that message is not shown."""
        entry = self._by_id.get(place[0])
        if entry is None:
            return False
        self._set_follow(False)
        self.verticalScrollBar().setValue(entry.y + place[1])
        return True

    def _restore(self, anchor: tuple[int, int] | None) -> None:
        if anchor is None:
            if self._follow:
                self.scroll_to_end()
            return
        index, offset = anchor
        self.verticalScrollBar().setValue(self._entries[index].y + offset)

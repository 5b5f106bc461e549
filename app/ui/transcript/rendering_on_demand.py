"""Which of the transcript's messages are rendered, and when: the last screen as a
conversation opens, those in view after a restyle, the rest near the reader and then
bottom up on idle time; each message's text read from the history only when it is
about to be rendered (a long conversation opens from outlines). For another look
(theme, text size), the messages out of sight let their widgets go first, and a long
answer the reader is in renders anew from where they are.

Part of TranscriptView, as a mixin: it works on the view's entries; making a message's
item (``_materialise``) and the layout are the view's (declared below for the type
checker).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QTimer

from app.domain.messages import Message
from app.ui.transcript.entries import IDLE_BUDGET_S, RERENDER_LIMIT, Entry
from app.ui.transcript.layout_in_view import estimate_height
from app.ui.transcript.text_place import (
    ReadingSpot,
    TextPlace,
    place_again,
    source_offset,
    spot_of,
)

if TYPE_CHECKING:
    from PySide6.QtWidgets import QScrollArea

    from app.ui.transcript.frames import StreamFrames
    from app.ui.transcript.item import MessageItem
    from app.ui.transcript.spares import SpareItems

    _View = QScrollArea
else:
    _View = object

Loader = Callable[[Sequence[str]], Mapping[str, Message]]


class RenderingOnDemand(_View):
    # The view's, or set by _init_rendering; declared for the type checker.
    _entries: list[Entry]
    _clock: Callable[[], float]
    _load: Loader | None  # reads the texts of messages shown as outlines
    _idle: QTimer  # renders some of the rest at each turn of the event loop
    # Where the reader was in a long answer let go for another look (see
    # before_restyle), until _render_in_view renders it from there.
    _spot: ReadingSpot | None
    _dark: bool
    _follow: bool  # the view follows the end
    _spares: SpareItems
    _frames: StreamFrames

    if TYPE_CHECKING:

        def _materialise(
            self, entry: Entry, *, in_pieces: bool = False, reading_at: int | None = None
        ) -> None: ...
        def _relayout(self, start: int) -> None: ...
        def _anchor(self) -> tuple[int, int] | None: ...
        def _restore(self, anchor: tuple[int, int] | None) -> None: ...
        def _first_below(self, top: int) -> int: ...
        def keep_text_place(self, place: TextPlace) -> None: ...
        def text_place(self) -> TextPlace | None: ...
        def _set_follow(self, follow: bool) -> None: ...
        def _mark_again(self, item: MessageItem) -> None: ...
        def _anchor_height(self, anchor: tuple[int, int] | None) -> int: ...
        def _rescaled(
            self, anchor: tuple[int, int] | None, before: int
        ) -> tuple[int, int] | None: ...
        def _column_width(self) -> int: ...
        def _text_scale(self) -> float: ...

    def _init_rendering(self) -> None:
        """The view's rendering state (its __init__ calls this)."""
        self._load = None
        self._spot = None
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(0)
        self._idle.timeout.connect(self._render_some)

    @property
    def dark(self) -> bool:
        return self._dark

    def set_dark(self, dark: bool) -> None:
        self._dark = dark
        self._spares.discard()
        for entry in self._entries:
            if entry.item is not None:
                entry.item.set_dark(dark)
                self._mark_again(entry.item)
        self._relayout(0)
        self._render_in_view()  # those let go before the restyle (see before_restyle)

    def before_restyle(self) -> None:
        """The application's look is about to be set anew (another text size or theme),
        which styles every widget again: the messages out of sight let their widgets go
        first, and are rendered again as they come into view or on idle time. Restyling
        then costs the messages on screen, not every one rendered so far (seconds, in a
        long conversation, with the window half drawn meanwhile).

        A long message on screen goes too, and is rendered anew once the look is set
        (see text_size_changed, set_dark): restyled in place its text was laid out again
        for the font, the list indent and the tab stops, then rendered again (a
        200,000-character line took seconds each time)."""
        self._spares.discard()
        top = self.verticalScrollBar().value()
        bottom = top + self.viewport().height()
        place, self._spot = self.text_place(), None
        for entry in self._entries:
            item = entry.item
            in_view = entry.y < bottom and entry.y + entry.height > top
            if item is None or (in_view and entry.length < RERENDER_LIMIT):
                continue
            if self._frames.tracks(entry.id) or not item.disposable:
                continue  # being written or edited, or the keyboard in it
            if place is not None and place.message_id == entry.id:
                # Rendered anew from there (_render_in_view).
                whole = not item.document.has_gaps and not item.finishing
                self._spot = spot_of(place, whole=whole)
            entry.item = None  # its height stays, the best guess until it is rendered
            shiboken6.delete(item)  # now: one deleted later would be restyled first
        if any(entry.item is None for entry in self._entries):
            self._idle.start()

    def text_size_changed(self) -> None:
        """The text got larger or smaller: the messages on screen are rendered again
        and measured now, the others' heights guessed anew (they are rendered later, see
        before_restyle), and the reader stays on the same place."""
        self._spares.discard()
        anchor = self._anchor()
        before = self._anchor_height(anchor)
        width, scale = self._column_width(), self._text_scale()
        for entry in self._entries:
            if entry.item is not None:
                entry.item.rerender()
                self._mark_again(entry.item)
                entry.height = entry.item.height_for_width(width)
            else:
                entry.height = estimate_height(entry.length, width, scale)
        self._relayout(0)
        self._restore(self._rescaled(anchor, before))
        self._render_in_view()
        if any(entry.item is None for entry in self._entries):
            self._idle.start()

    def _ensure_loaded(self, entries: Sequence[Entry]) -> None:
        missing = [entry.id for entry in entries if entry.message is None]
        if not missing:
            return
        if self._load is None:
            raise RuntimeError("outlines shown without a loader")
        found = self._load(missing)
        for entry in entries:
            if entry.message is None:
                entry.message = found[entry.id]

    def _render_visible_from_end(self) -> None:
        """Render the messages of the last screen (real heights), no more: the rest
        comes on idle time, after the first paint."""
        budget = self.viewport().height()
        covered = 0
        for entry in reversed(self._entries):
            # A long answer shows its end (in sight) first, an older one too: a
            # 100,000-token answer followed by a short exchange held the opening 0.8 s.
            self._materialise(entry, in_pieces=True)
            covered += entry.height
            if covered > budget:
                break
        self._relayout(0)

    def _render_some(self) -> None:
        """Render not-yet-rendered messages: those near the view first, then bottom up."""
        started = self._clock()
        anchor = self._anchor()
        todo = self._near_view_unrendered() or [
            e for e in reversed(self._entries) if e.item is None
        ]
        first_changed: int | None = None
        for entry in todo:
            # A long answer in pieces, its end (nearest the reader below) first:
            # rendered whole, 100,000 tokens held the window 0.6 s.
            self._materialise(entry, in_pieces=True)
            index = self._entries.index(entry)
            first_changed = index if first_changed is None else min(first_changed, index)
            if self._clock() - started > IDLE_BUDGET_S:
                break
        if first_changed is not None:
            self._relayout(first_changed)
            self._restore(anchor)
        if any(entry.item is None for entry in self._entries):
            self._idle.start()

    def _render_in_view(self) -> None:
        """Render the messages in view not rendered yet, the reader kept in place: each
        one rendered may leave room in view for the next. A long answer the reader was
        in renders from there, the rest over the next frames, and the view goes back to
        the text they read; one whose start is in view renders from its start, or from
        its end while the view follows the end (rendered whole, 100,000 tokens held the
        window 0.6 s)."""
        spot, self._spot = self._spot, None
        anchor = self._anchor()
        for _ in range(len(self._entries)):
            top = self.verticalScrollBar().value()
            bottom = top + self.viewport().height()
            missing = None
            for entry in self._entries[self._first_below(top) :]:
                if entry.y >= bottom:
                    break
                if entry.item is None:
                    missing = entry
                    break
            if missing is None:
                return
            if spot is not None and spot.message_id == missing.id:
                place = self._render_at(missing, spot)
                spot = None
                if place is not None:
                    # Rendered in part, the message was shorter than the view's place in
                    # it: the view stood at the end, which made it follow the end.
                    self._set_follow(False)
                    self.keep_text_place(place)
                    anchor = self._anchor()
                    continue
            elif self._follow:
                self._materialise(missing, in_pieces=True)  # a long answer: its end first
                self._relayout(self._entries.index(missing))
            else:
                # Its start in view: from there (a long answer: in pieces), else whole.
                self._materialise(missing, reading_at=0 if missing.y >= top else None)
                self._relayout(self._entries.index(missing))
            self._restore(anchor)
            if anchor is not None:
                self._set_follow(False)  # a message rendered in part: the view at the end

    def _render_at(self, entry: Entry, spot: ReadingSpot) -> TextPlace | None:
        """Render the entry's message from the spot on; the spot's place in it."""
        self._ensure_loaded([entry])
        assert entry.message is not None
        self._materialise(entry, reading_at=source_offset(entry.message.content, spot))
        self._relayout(self._entries.index(entry))
        item = entry.item
        assert item is not None
        return place_again(spot, item.text.document(), after=item.document.first_gap_position)

    def _near_view_unrendered(self) -> list[Entry]:
        top = self.verticalScrollBar().value() - self.viewport().height()
        bottom = top + 3 * self.viewport().height()
        return [
            e for e in self._entries if e.item is None and e.y + e.height > top and e.y < bottom
        ]

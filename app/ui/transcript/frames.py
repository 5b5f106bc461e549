"""Streamed text rendered into the transcript a frame at a time.

An answer's text arrives in pieces; its message renders what came since the last
frame, in slices short enough that the window never stalls. A stream faster than
rendering is taken up by the next frames, which then come at once, with repaints held
back to a few a second meanwhile. Far behind a flood, a reader who follows the end is
shown the newest text, and the skipped blocks are rendered into their gap afterwards
(see MarkdownDocument), or at once when the reader stops following.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QTimer

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from app.domain.messages import Message
    from app.ui.transcript.item import MessageItem
    from app.ui.transcript.text_place import TextPlace

FRAME_MS = 16  # at most one repaint of a streaming answer per frame
BUSY_FRAME_MS = 40  # when text arrives far faster than reading speed
FLOOD_FRAME_MS = 100  # when it arrives faster than rendering: text is being skipped
SLOW_FRAME_S = 0.004
# Rendering time per frame at most: the measuring of the rendered text (up to ~5 ms)
# and the paint come after it, and at 10 ms frames of 15-18 ms held the window.
FRAME_SLICE_S = 0.008
FRAME_BUDGET_CHARS = 3000  # markdown rendered per piece at most (a few milliseconds)
FLOOD_PAINT_S = 0.050  # far behind a flood of text: repaint at most this often


class FrameHost(Protocol):
    """What the frames need of the transcript."""

    @property
    def following(self) -> bool: ...
    def item(self, message_id: str) -> MessageItem | None: ...
    def viewport(self) -> QWidget: ...
    def frame_rendered(self, message_ids: Iterable[str]) -> None:
        """Text of these messages changed: measure them again (and follow the end)."""

    def text_place(self) -> TextPlace | None:
        """The text at the view's top (None while it follows the end)."""

    def keep_text_place(self, place: TextPlace) -> None:
        """Scroll back to that text, where text came above it in its message."""


class StreamFrames(QObject):
    """The answers being streamed into one transcript, and the frames that render them."""

    def __init__(
        self,
        host: FrameHost,
        *,
        clock: Callable[[], float] = time.perf_counter,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._host = host
        self._clock = clock
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self._on_frame)
        self._streaming: set[str] = set()
        self._behind: set[str] = set()  # streamed text not all rendered yet
        self._finishing: set[str] = set()  # finished answers whose text is still rendering
        # Answers with text skipped behind a flood, filled in once the reader no longer
        # follows the newest text as it arrives.
        self._gapped: set[str] = set()
        self._skipped = False  # the last frame skipped text: a flood
        self._painted_at = 0.0  # when a frame last let the transcript repaint

    @property
    def rendering(self) -> bool:
        """Streamed text is still waiting to be shown (a stream faster than rendering)."""
        return bool(self._streaming or self._behind or self._finishing)

    @property
    def filling_gaps(self) -> bool:
        """Text skipped behind a flood is still being rendered."""
        return bool(self._gapped)

    def tracks(self, message_id: str) -> bool:
        """Whether the message is being streamed or rendered, or has gaps to fill."""
        return any(
            message_id in kept
            for kept in (self._streaming, self._behind, self._finishing, self._gapped)
        )

    def clear(self) -> None:
        self.timer.stop()
        self._streaming.clear()
        self._behind.clear()
        self._finishing.clear()
        self._gapped.clear()
        self._host.viewport().setUpdatesEnabled(True)  # a flood's frames may have held repaints

    def track(self, message_id: str) -> None:
        """A streaming answer is shown: its text will come."""
        self._streaming.add(message_id)

    def appended(self, message_id: str) -> None:
        """More text for a streaming answer: it shows at the next frame."""
        self._streaming.add(message_id)
        if not self.timer.isActive():
            self.timer.start()

    def finish(self, message: Message, item: MessageItem | None) -> bool:
        """The answer ended; True when its text is all rendered (gaps aside) now."""
        self._streaming.discard(message.id)
        self._behind.discard(message.id)
        if item is None:
            return True
        done = item.finish(message, budget=FRAME_BUDGET_CHARS, skip_ahead=self._host.following)
        if not done:
            # The server was faster than rendering: finish over the next frames, the
            # first at once (a flood's frames come only ten times a second).
            self._finishing.add(message.id)
            self.timer.setInterval(0)
            self.timer.start()
        if item.document.has_gaps:
            self._gapped.add(message.id)
            self.timer.start()
        return done

    def render_later(self, message_id: str, item: MessageItem) -> None:
        """A finished answer shown in part (a long one, opened: see MessageItem.bind):
        the rest of its text renders over the next frames, the first at once."""
        if item.finishing:
            self._finishing.add(message_id)
        if item.document.has_gaps:
            self._gapped.add(message_id)
        self.timer.setInterval(0)
        self.timer.start()

    def reader_left_end(self) -> None:
        """The reader scrolled away from the end: skipped text may be what they look at."""
        if self._gapped and not self.timer.isActive():
            self.timer.start()

    def fill_all_gaps(self) -> list[str]:
        """Render every skipped block now, and the rest of every finished answer still
        rendering (before searching the text); returns whose."""
        filled = []
        for message_id in self._finishing:
            item = self._host.item(message_id)
            if item is not None:
                item.flush_final()
                filled.append(message_id)
        self._finishing.clear()
        for message_id in self._gapped:
            item = self._host.item(message_id)
            if item is not None:
                item.document.fill_gaps()
                filled.append(message_id)
        self._gapped.clear()
        return filled

    def _on_frame(self) -> None:
        """Render what streamed in since the last frame, within a time slice.

        Rendering goes in pieces of at most FRAME_BUDGET_CHARS while another piece still
        fits in FRAME_SLICE_S; text left over is taken up by the next frame.
        """
        started = self._clock()
        changed = False
        behind = True
        self._skipped = False
        # A reader who scrolled up keeps the text they look at where it is, also when
        # a gap above it in the same message fills (see app.ui.transcript.text_place).
        place = self._host.text_place()
        # Measured again after the frame, those done in it too (its last gap filled, its
        # rest rendered): left to their height signals, the view met their new height
        # only later, and a place kept meanwhile was past the end of the list.
        were = self._streaming | self._behind | self._finishing | self._gapped
        piece = 0.0  # how long the last piece took: the next one likely takes as long
        while behind and self._clock() - started + piece < FRAME_SLICE_S:
            before = self._clock()
            pieces_changed, behind = self._render_pieces()
            piece = self._clock() - before
            changed = changed or pieces_changed
        if changed:
            self._host.frame_rendered(
                were | self._streaming | self._behind | self._finishing | self._gapped
            )
            if place is not None:
                self._host.keep_text_place(place)
        # Behind a flood (a server far faster than rendering), a repaint after every
        # slice would cost a third of the time: the text is painted a few times a
        # second meanwhile, and at once when rendering has caught up.
        now = self._clock()
        paint = not behind or now - self._painted_at >= FLOOD_PAINT_S
        if paint:
            self._painted_at = now
        viewport = self._host.viewport()
        if viewport.updatesEnabled() != paint:
            viewport.setUpdatesEnabled(paint)
        # Behind: come back as soon as events (input, painting) have run. Otherwise a
        # frame that took long means text arrives faster than anyone reads: repaint
        # less often then; ordinary streams keep 60 frames a second.
        if behind:
            self.timer.setInterval(0)
            self.timer.start()
        elif self._skipped:
            self.timer.setInterval(FLOOD_FRAME_MS)
        elif self._clock() - started > SLOW_FRAME_S:
            self.timer.setInterval(BUSY_FRAME_MS)
        else:
            self.timer.setInterval(FRAME_MS)

    def _render_pieces(self) -> tuple[bool, bool]:
        """One piece of each message waiting to render; (anything changed, still behind)."""
        changed = behind = False
        following = self._host.following
        for message_id in list(self._streaming | self._behind):
            item = self._host.item(message_id)
            if item is None:
                continue
            if item.document.dirty or message_id in self._behind:
                changed = True
                gaps = item.document.gaps_made
                if item.flush(budget=FRAME_BUDGET_CHARS, skip_ahead=following):
                    self._behind.discard(message_id)
                else:
                    self._behind.add(message_id)
                    behind = True
                if item.document.gaps_made > gaps:
                    self._gapped.add(message_id)
                    self._skipped = True
        for message_id in list(self._finishing):
            item = self._host.item(message_id)
            changed = True
            if item is None or item.flush_final(FRAME_BUDGET_CHARS, skip_ahead=following):
                self._finishing.discard(message_id)
            else:
                behind = True
            if item is not None and item.document.has_gaps:
                self._gapped.add(message_id)
        if not behind:
            changed = self._fill_a_gap() or changed
            behind = bool(self._gaps_due())
        return changed, behind

    def _gaps_due(self) -> list[str]:
        """Answers whose skipped text should render now: all of them but one still
        streaming while the reader follows it (its newest text comes first)."""
        following = self._host.following
        return [
            message_id
            for message_id in self._gapped
            if not (following and message_id in self._streaming)
        ]

    def _fill_a_gap(self) -> bool:
        for message_id in self._gaps_due():
            item = self._host.item(message_id)
            if item is None:
                self._gapped.discard(message_id)
                continue
            if item.document.fill_gaps(FRAME_BUDGET_CHARS):
                self._gapped.discard(message_id)
            return True
        return False

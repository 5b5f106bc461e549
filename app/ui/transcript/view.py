"""The transcript: a conversation's current branch, streamed answers, and quick opening.

Messages are laid out by hand in one tall widget inside a scroll area. A long
conversation opens at its end: only the messages on the last screen are rendered
before the first paint; the others keep an estimated height and are rendered on idle
time (bottom up, a few milliseconds at a time) or as soon as they scroll into view.
The view stays pinned to the end while an answer streams, unless the user scrolled up.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPoint, QRect, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QScrollArea, QWidget

from app.domain.messages import Message, MessageOutline, MessageStatus, Role, utc_now
from app.ui.new_chat_page import WELCOME
from app.ui.transcript.entries import RERENDER_LIMIT, Entry, last_caller, results_after
from app.ui.transcript.find_in_view import FindingInView
from app.ui.transcript.frames import StreamFrames
from app.ui.transcript.jump_button import JumpToLatest
from app.ui.transcript.kept_edits import KeptEdits
from app.ui.transcript.layout_in_view import LayoutInView, estimate_heights
from app.ui.transcript.math_images import MathImages
from app.ui.transcript.own_background import OwnBackground
from app.ui.transcript.pending import PendingLine
from app.ui.transcript.rendering_on_demand import Loader, RenderingOnDemand
from app.ui.transcript.scroll_keys import Goal, scroll_goal
from app.ui.transcript.spares import SpareItems

if TYPE_CHECKING:
    from app.chat.tool_calls import CallActivity
    from app.ui.transcript.item import MessageItem
    from app.ui.transcript.retry_offer import RetryWith
    from app.ui.transcript.sticky_code import PinnedCodeHeader
    from app.ui.transcript.tool_activity import ToolActivity
    from app.ui.transcript.unanswered import UnansweredBar

# Seconds of an answer's silence before it is said (the client gives up after 90: see
# app.api.client); the longest pauses between a healthy stream's pieces are a few.
SILENCE_NOTICE_MS = 15_000
FOLLOW_SLACK = 48  # pixels from the end that still count as "at the end"


__all__ = ["Loader", "TranscriptView"]


class TranscriptView(FindingInView, RenderingOnDemand, LayoutInView, QScrollArea):
    """Signals: regenerate/retry/continue_requested(str), edit_submitted(str, str),
    edit_closed(), branch_requested(str, int), link_activated(QUrl, str),
    following_changed(bool), answer_requested(str) for a question left without an
    answer, found_changed(tuple) Ctrl+F's (current, count) as an answer's text comes."""

    regenerate_requested = Signal(str)
    retry_requested = Signal(str)
    continue_requested = Signal(str)
    edit_submitted = Signal(str, str)
    edit_closed = Signal()
    branch_requested = Signal(str, int)
    link_activated = Signal(QUrl, str)  # the link and its words
    following_changed = Signal(bool)
    answer_requested = Signal(str)
    found_changed = Signal(tuple)
    # Set once the viewport is (Qt sends the view events before: see event).
    _own_background: OwnBackground | None = None

    def __init__(
        self,
        math: MathImages,
        *,
        dark: bool = False,
        clock: Callable[[], float] = time.perf_counter,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._math = math
        self._dark = dark
        self._clock = clock
        self._entries: list[Entry] = []
        self._by_id: dict[str, Entry] = {}
        self._follow = True
        self._pending: PendingLine | None = None
        # An answer whose text stopped coming says so after a while (see PendingLine).
        self._silence = QTimer(self)
        self._silence.setSingleShot(True)
        self._silence.setInterval(SILENCE_NOTICE_MS)
        self._silence.timeout.connect(self._note_silence)
        self._unanswered: UnansweredBar | None = None
        self._init_finding()
        self._locked = False  # an answer is being written: see set_locked
        self._kept_edits = KeptEdits()  # questions being edited when their chat was left
        self._retry_offer: RetryWith | None = None
        self._code_header: PinnedCodeHeader | None = None  # built with the first code
        # A conversation being put in (show_messages): the code header is pinned once,
        # when it is in, not at each step of its layout and scrolling.
        self._opening = False
        self._tool_activity: ToolActivity | None = None  # built with the first tool call
        # A viewport of our own making: Qt's default one is an object PySide has not
        # seen, and the first of those costs ~10 ms at start-up (PySide looks for its
        # type among every class of QtWidgets, creating each class's enums).
        self.setViewport(QWidget())
        self._own_background = OwnBackground(self)
        self.setObjectName("transcript")
        self.setAccessibleName("Conversation")
        self.setWidgetResizable(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self._canvas = QWidget()
        self._canvas.setObjectName("transcriptCanvas")
        self.setWidget(self._canvas)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.verticalScrollBar().rangeChanged.connect(self._on_range_changed)

        self._frames = StreamFrames(self, clock=clock, parent=self)
        self._init_layout()

        self._init_rendering()

        self.empty_label = QLabel(WELCOME, self.viewport())
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)  # large text in a narrow pane: not cut off
        self.empty_label.hide()

        self._jump = JumpToLatest(self)
        self._jump.clicked.connect(self.scroll_to_end)
        self._jump.hide()
        self._math.ready.connect(self._on_math_ready)
        self._spares = SpareItems(self._build_spare, lambda: self.rendering, self)

    # -- what is shown ------------------------------------------------------------------

    @property
    def message_ids(self) -> list[str]:
        return [entry.id for entry in self._entries]

    def shows(self, message_id: str) -> bool:
        """Whether the message is on the branch shown (rendered yet or not)."""
        return message_id in self._by_id

    def item(self, message_id: str) -> MessageItem | None:
        entry = self._by_id.get(message_id)
        return entry.item if entry else None

    def rendered_count(self) -> int:
        return sum(1 for entry in self._entries if entry.item is not None)

    def clear(self) -> None:
        for timer in (self._heights, self._idle, self._find_reading):
            timer.stop()
        self._load = None
        for entry in self._entries:
            if entry.item is not None:
                self._kept_edits.keep(entry.item)
                entry.item.deleteLater()
        self._entries.clear()
        self._by_id.clear()
        self._frames.clear()
        self._hide_pending()
        self._follow = True
        self._found = None
        self._unfolded_by_find.clear()
        self._find_texts.clear()
        self._highlighted.clear()
        self._spot = None
        self._jump.hide()
        if self._code_header is not None:
            self._code_header.forget()
        if self._tool_activity is not None:
            self._tool_activity.clear()
        self._relayout(0)

    def show_messages(
        self,
        messages: Sequence[Message | MessageOutline],
        branches: dict[str, tuple[int, int]],
        *,
        load: Loader | None = None,
        focus: str | None = None,
        highlight: str | None = None,
    ) -> None:
        """Show a branch; render its last screen now and the rest later.

        ``messages`` may be outlines (no text): ``load`` then reads the texts of the
        messages about to be rendered, so a long conversation opens without reading
        all of it first.
        """
        self._opening = True
        try:
            self.clear()
            self._load = load
            lengths = [
                m.length if isinstance(m, MessageOutline) else len(m.content) for m in messages
            ]
            heights = estimate_heights(lengths, self._column_width(), self._text_scale())
            alone = (0, 1)  # the only version of its message (most are)
            # Locals: the view's attributes are looked up through PySide, slowly.
            entries, by_id, streaming = self._entries, self._by_id, MessageStatus.STREAMING
            for message, length, height in zip(messages, lengths, heights, strict=True):
                full = message if isinstance(message, Message) else None
                entry = Entry(
                    message.id,
                    length,
                    branches.get(message.id, alone),
                    height,
                    full,
                    role=message.role,
                )
                entries.append(entry)
                by_id[message.id] = entry
                if message.status is streaming:
                    self._frames.track(message.id)
            if focus is not None and focus in self._by_id:
                self._relayout(0)
                self._follow = False
                self._reveal(focus, highlight)
            else:
                self._render_visible_from_end()  # laid out once its messages are in
                self.scroll_to_end()
        finally:
            self._opening = False
        self._pin_code_header()
        self._idle.start()

    def add_message(self, message: Message, branch: tuple[int, int] = (0, 1)) -> None:
        self._hide_pending()
        if message.id in self._by_id:
            if message.status is MessageStatus.STREAMING:
                self._carry_on(message)
            else:
                self.finish_message(message)
            return
        entry = Entry(message.id, len(message.content), branch, 0, message, role=message.role)
        caller = last_caller(self._entries) if message.role is Role.TOOL else None
        if caller is not None and (calling := self._entries[caller].item) is not None:
            calling.set_call_results(results_after(self._entries, caller) + 1)  # one more came
        self._entries.append(entry)
        self._by_id[message.id] = entry
        if message.status is MessageStatus.STREAMING:
            self._frames.track(message.id)
            self._silence.start()
        self._materialise(entry)
        self._relayout(len(self._entries) - 1)
        if self._follow:
            self.scroll_to_end()

    def _carry_on(self, message: Message) -> None:
        """An answer shown is written again (Continue carries it on in place): what
        arrives now joins its text."""
        entry = self._by_id[message.id]
        entry.message = message
        self._frames.track(message.id)
        self._silence.start()
        if entry.item is not None:
            entry.item.carry_on(message)
            self._update_height(entry)
            self._find_follow([message.id])

    def frame_rendered(self, message_ids: Iterable[str]) -> None:
        ids = list(message_ids)
        super().frame_rendered(ids)
        self._find_follow(ids)

    def _find_follow(self, message_ids: Iterable[str]) -> None:
        found = self._find_follows(message_ids)
        if found is not None:
            self.found_changed.emit(found)

    def await_more(self, message_id: str) -> None:
        """Continue asked for more of a shown answer, nothing came yet: the answer
        reads as being written, the waiting line right under its text, where the text
        goes on (not as a new answer under its actions and status)."""
        entry = self._by_id.get(message_id)
        if entry is not None and entry.item is not None:
            entry.item.await_more()
            self._update_height(entry)
        self.show_pending()

    def show_pending(self, waiting: tuple[float, str] | None = None) -> None:
        """The line where the answer will be (see PendingLine), while the request is out
        and nothing has arrived yet; with ``waiting`` (seconds, why), that it will be
        asked again and when."""
        if self._unanswered is not None:
            self._unanswered.hide()
        if self._pending is None:
            self._pending = PendingLine(self._canvas)
        self._pending.start(waiting)
        self._pending.show()
        self._relayout(len(self._entries))
        if self._follow:
            self.scroll_to_end()

    def show_thought(self, piece: str) -> None:
        """More of a reasoning model's thinking, before its answer."""
        self._silence.stop()  # something is coming
        if self._pending is None or not self._pending.isVisible():
            self.show_pending()
        assert self._pending is not None
        self._pending.add_thought(piece)
        self._relayout(len(self._entries))
        if self._follow:
            self.scroll_to_end()

    def _note_silence(self) -> None:
        last = self._entries[-1].message if self._entries else None
        if last is None or last.status is not MessageStatus.STREAMING:
            return
        self.show_pending()
        assert self._pending is not None
        self._pending.silent_since(time.monotonic() - self._silence.interval() / 1000)

    def _hide_pending(self) -> None:
        self._silence.stop()
        if self._pending is not None:
            self._pending.stop()
        if self._unanswered is not None:
            self._unanswered.hide()

    def show_unanswered(self, question_id: str) -> None:
        """The last question has no answer, and none is coming (see UnansweredBar)."""
        if self._unanswered is None:
            from app.ui.transcript.unanswered import UnansweredBar  # rarely needed

            self._unanswered = UnansweredBar(self._canvas)
            self._unanswered.answer_requested.connect(self.answer_requested)
        self._unanswered.question_id = question_id
        self._unanswered.show()
        self._relayout(len(self._entries))
        if self._follow:
            self.scroll_to_end()

    def append_delta(self, message_id: str, text: str) -> None:
        entry = self._by_id.get(message_id)
        if entry is None or entry.item is None:
            return
        entry.item.append(text)
        self._frames.appended(message_id)
        if self._pending is not None and self._pending.isVisible():  # the silence is over
            self._hide_pending()
            self._relayout(len(self._entries))
        self._silence.start()

    def finish_message(self, message: Message) -> None:
        self._hide_pending()
        entry = self._by_id.get(message.id)
        if entry is None:
            self.add_message(message)
            return
        entry.message = message
        if self._frames.finish(message, entry.item):
            self._complete_math(entry)
        if entry.item is not None:
            self._update_height(entry)
            self._find_follow([message.id])
        if self._follow:
            self.scroll_to_end()

    def show_tool_activity(self, activity: CallActivity | None) -> None:
        """A tool call of an answer shown waits for the person or runs (said on the
        call, its seconds counted); None or no call: none is under way any more."""
        if self._tool_activity is None:
            if activity is None or not activity.call_id:
                return
            from app.ui.transcript.tool_activity import ToolActivity  # with the first call

            self._tool_activity = ToolActivity(self.item, parent=self)
        self._tool_activity.show(activity)

    def set_branches(self, branches: dict[str, tuple[int, int]]) -> None:
        for message_id, branch in branches.items():
            entry = self._by_id.get(message_id)
            if entry is not None:
                entry.branch = branch
                if entry.item is not None:
                    entry.item.set_branch(branch)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._spares.schedule()

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if self._own_background is not None:
            self._own_background.handled(event)  # after Qt's style sheet style (see it)
        return handled

    def set_locked(self, locked: bool) -> None:
        """While an answer is written: no switching versions, no asking again."""
        self._locked = locked
        for entry in self._entries:
            if entry.item is not None:
                entry.item.set_locked(locked)

    def set_retry_offer(self, offer: RetryWith | None) -> None:
        """Ask ``offer`` which model a failed answer's Retry uses instead of its own,
        and whether its error still holds (asked again for the answers on screen at
        each call)."""
        self._retry_offer = offer
        for entry in self._entries:
            if entry.item is not None:
                entry.item.set_retry_offer(offer)

    # -- message widgets ----------------------------------------------------------------

    def _materialise(
        self, entry: Entry, *, in_pieces: bool = False, reading_at: int | None = None
    ) -> None:
        """Show the entry's message in an item (``in_pieces``: a long answer's end first,
        the rest over the next frames; ``reading_at``: from that offset of its markdown
        first; see MessageItem.bind)."""
        if entry.item is not None:
            return
        self._ensure_loaded([entry])
        assert entry.message is not None
        width = self._column_width()
        item = self._spares.take(
            entry.message, entry.branch, width, in_pieces=in_pieces, reading_at=reading_at
        ) or self._new_item(
            entry.message, entry.branch, width, in_pieces=in_pieces, reading_at=reading_at
        )
        message_id = entry.id
        item.set_retry_offer(self._retry_offer)
        item.regenerate_requested.connect(self.regenerate_requested)
        item.retry_requested.connect(self.retry_requested)
        item.continue_requested.connect(self.continue_requested)
        item.edit_submitted.connect(self.edit_submitted)
        item.edit_closed.connect(self.edit_closed)
        item.branch_requested.connect(self.branch_requested)
        item.link_activated.connect(self.link_activated)
        item.height_changed.connect(lambda: self._on_item_height(message_id))
        item.text.keyboard_moved.connect(lambda: self._follow_keyboard(message_id))
        item.fold_toggled.connect(lambda: self._on_fold_toggled(message_id))
        item.set_locked(self._locked)
        self._kept_edits.reopen(item)
        index = self._entries.index(entry)
        item.set_call_results(results_after(self._entries, index))
        if self._tool_activity is not None:
            self._tool_activity.apply(item)
        entry.item = item
        entry.height = item.height_for_width(width)
        item.setGeometry(self._column_x(), entry.y, width, entry.height)
        self._stack_in_order(index, item)
        item.show()
        if entry.id in self._highlighted:  # rendered before, with marks, and let go
            self._mark_again(item)
        if item.finishing or item.document.has_gaps:
            self._frames.render_later(entry.id, item)

    def _stack_in_order(self, index: int, item: MessageItem) -> None:
        """Put the item among the canvas's children in the conversation's order: a
        screen reader reads them in that order, and messages are rendered bottom up (or
        as they scroll into view), which made the newest come first. The Tab order is
        the focus chain, which this leaves as it is."""
        for later in range(index + 1, len(self._entries)):
            next_item = self._entries[later].item
            if next_item is not None:
                item.stackUnder(next_item)
                return
        item.raise_()
        for under in (self._pending, self._unanswered):  # they come after the messages
            if under is not None:
                under.raise_()

    def _on_fold_toggled(self, message_id: str) -> None:
        """A long tool result shown whole or folded again by its button: the button kept
        in view, and the marks of Ctrl+F or a search back on the text it shows now.
        The person's choice: closing the find bar leaves it as it is."""
        self._unfolded_by_find.discard(message_id)
        self._keep_fold_in_view(message_id)
        item = self.item(message_id)
        if item is not None:
            self._mark_again(item)

    def _new_item(
        self,
        message: Message,
        branch: tuple[int, int],
        width: int,
        *,
        in_pieces: bool = False,
        reading_at: int | None = None,
    ) -> MessageItem:
        # Imported with the first message, not at start-up: the window opens on an
        # empty chat, and the message widgets pull in the markdown renderer.
        from app.ui.transcript.item import MessageItem

        return MessageItem(
            message,
            branch,
            math=self._math,
            dark=self._dark,
            on_math_pending=self._math.request,
            width=width,
            in_pieces=in_pieces,
            reading_at=reading_at,
            parent=self._canvas,
        )

    def _build_spare(self, role: Role) -> MessageItem:
        width = self._column_width()
        blank = Message(
            id="", conversation_id="", parent_id=None, role=role, content="", created_at=utc_now()
        )
        item = self._new_item(blank, (0, 1), width)
        # Hidden by hand: a child not explicitly hidden is shown with its parent, and a
        # spare built while the chat page was hidden (behind the first-run panel) came up
        # with the page as an empty bubble under the title.
        item.hide()
        item.height_for_width(width)  # styled and laid out now, not on the click
        return item

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self._fit_to_width()
        self._place_jump()
        self._pin_code_header()

    def _complete_math(self, entry: Entry) -> None:
        """Formulas that became ready while the answer streamed: show them now."""
        # A very long answer is not rendered again in one go (a stall); its formulas
        # show the next time it is opened.
        if (
            entry.item is not None
            and entry.item.document.has_pending_math
            and entry.length < RERENDER_LIMIT
        ):
            entry.item.rerender()

    def _on_math_ready(self) -> None:
        for entry in self._entries:
            if entry.item is not None and entry.item.document.has_pending_math:
                entry.item.rerender()
                self._mark_again(entry.item)
                self._update_height(entry)

    # -- scrolling ----------------------------------------------------------------------

    def scroll_to_end(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())
        self._set_follow(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Home and End (Ctrl or not): to the top, and to the end, following from there
        (see scroll_keys); the rest as Qt's scroll area (arrows, Page Up/Down)."""
        goal = scroll_goal(event)
        if goal is Goal.END:
            self.scroll_to_end()
        elif goal is Goal.TOP:
            bar = self.verticalScrollBar()
            bar.setValue(bar.minimum())
        else:
            super().keyPressEvent(event)

    def _on_range_changed(self, _minimum: int, maximum: int) -> None:
        if self._follow:
            self.verticalScrollBar().setValue(maximum)
        else:
            self._show_jump()

    def _on_scrolled(self, value: int) -> None:
        bar = self.verticalScrollBar()
        at_end = value >= bar.maximum() - FOLLOW_SLACK
        self._set_follow(at_end)
        # Opening: its rendering on idle time starts once it is in.
        if not self._opening and self._near_view_unrendered() and not self._idle.isActive():
            self._idle.start()
        if self._find_query:
            self.mark_in_view()
        self._pin_code_header()

    def _pin_code_header(self) -> None:
        """Keep the header of a code block whose top is scrolled away at the view's top
        (see PinnedCodeHeader): a lookup among the message's code blocks, at each step."""
        if self._opening:
            return  # once the conversation is in
        top = self.verticalScrollBar().value()
        index = self._first_below(top)
        entry = self._entries[index] if index < len(self._entries) else None
        item = entry.item if entry is not None and entry.y <= top else None
        if item is None or not item.text.markdown:
            if self._code_header is not None:
                self._code_header.follow(top, None, self._canvas, self._canvas.y())
            return
        if self._code_header is None:
            from app.ui.transcript.sticky_code import PinnedCodeHeader  # with the first code

            self._code_header = PinnedCodeHeader(self.viewport())
        assert entry is not None
        self._code_header.follow(top, (entry.id, item), self._canvas, self._canvas.y())

    def _set_follow(self, follow: bool) -> None:
        if follow != self._follow:
            self._follow = follow
            self.following_changed.emit(follow)
            if not follow:
                self._frames.reader_left_end()
        self._show_jump()

    def _show_jump(self) -> None:
        """Show "Jump to latest" while the end is out of sight: not for a conversation
        that fits in the view, even when it was opened at a found message."""
        bar = self.verticalScrollBar()
        away = bar.value() < bar.maximum() - FOLLOW_SLACK
        self._jump.setVisible(not self._follow and bool(self._entries) and away)
        self._place_jump()

    @property
    def rendering(self) -> bool:
        """Streamed text is still waiting to be shown (a stream faster than rendering)."""
        return self._frames.rendering

    @property
    def filling_gaps(self) -> bool:
        """Text skipped behind a flood is still being rendered (see MarkdownDocument)."""
        return self._frames.filling_gaps

    @property
    def following(self) -> bool:
        return self._follow

    def _place_jump(self) -> None:
        self._jump.place(*self._jump_frame())

    def _jump_frame(self) -> tuple[QRect, QRect]:
        """The text column's and the viewport's rectangles, in the view's coordinates
        (the button's parent)."""
        viewport = self.viewport().geometry()
        column = QRect(viewport.x() + self._column_x(), viewport.y(), self._column_width(), 1)
        return column, viewport

    def _follow_keyboard(self, message_id: str) -> None:
        """Tab through a message's links (or keys moving its selection): the place is
        brought into view. The message's own view cannot scroll, the transcript must;
        the keyboard went to links far off screen."""
        entry = self._by_id.get(message_id)
        item = entry.item if entry is not None else None
        if item is None or not item.text.hasFocus():
            return
        rect = item.text.cursorRect()
        at = item.text.viewport().mapTo(self._canvas, rect.center())
        self.ensureVisible(at.x(), at.y(), 0, max(48, rect.height() * 2))

    def editing(self) -> bool:
        """Whether a question is open for editing."""
        return any(entry.item is not None and entry.item.editing for entry in self._entries)

    @property
    def canvas(self) -> QWidget:
        """The widget the messages are laid out on (scrolled by this view)."""
        return self._canvas

    def canvas_position(self, message_id: str) -> QPoint | None:
        entry = self._by_id.get(message_id)
        return QPoint(self._column_x(), entry.y) if entry else None

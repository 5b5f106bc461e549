"""One message in the transcript: its header, its text as it is rendered and streamed
in, its tool calls, the room Continue waits in, and its height.

Its action row, its status panel, its version switcher and its question editor are
parts of their own, as mixins: item_actions, item_status, item_versions, item_editing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt, QUrl, Signal
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from app.domain.messages import Message, MessageStatus, Role
from app.ui.transcript.frames import FRAME_BUDGET_CHARS
from app.ui.transcript.item_actions import COPIED_MS, ItemActions
from app.ui.transcript.item_editing import ItemEditing
from app.ui.transcript.item_status import ItemStatus
from app.ui.transcript.item_versions import ItemVersions
from app.ui.transcript.markdown_document import MarkdownDocument
from app.ui.transcript.retry_offer import RetryWith
from app.ui.transcript.spoken_text import SpokenText
from app.ui.transcript.text_view import MessageText
from app.ui.unbroken_runs import has_long_run

if TYPE_CHECKING:
    from app.rendering.markdown import MathSource
    from app.ui.transcript.folding import FoldButton, FoldedText
    from app.ui.transcript.question_editor import QuestionEditor
    from app.ui.transcript.tool_calls import ToolCallsPanel

USER_BUBBLE_SHARE = 0.78  # a question's bubble takes at most this share of the width
# Characters of a line enough to fill the widest bubble (780 px) at ~2 px each at least.
NATURAL_WIDTH_CHARS = 1000
# A finished answer longer than this (characters) opens in pieces, its end first (see
# MessageItem._show_in_pieces): whole, it took more than a frame to render.
PIECES_FROM = 4 * FRAME_BUDGET_CHARS
PIECES_AT_ONCE = 3  # pieces rendered as it opens: its first block and its end, mostly


_ACCESSIBLE_NAMES = {Role.USER: "Your message", Role.TOOL: "Tool result"}


class MessageItem(ItemActions, ItemStatus, ItemVersions, ItemEditing, QFrame):
    """A question or an answer.

    Signals (each carries the message id first):
        regenerate_requested(str), retry_requested(str), continue_requested(str),
        edit_submitted(str, str), branch_requested(str, int), link_activated(QUrl, str),
        height_changed(), edit_closed() (the editor closed while it had the keyboard:
        the pane gives it to the composer), fold_toggled() (a long tool result or
        question shown whole, or folded again: the transcript keeps its button in view).
    """

    regenerate_requested = Signal(str)
    retry_requested = Signal(str)
    continue_requested = Signal(str)
    edit_submitted = Signal(str, str)
    branch_requested = Signal(str, int)
    link_activated = Signal(QUrl, str)  # the link and its words
    height_changed = Signal()
    edit_closed = Signal()
    fold_toggled = Signal()

    def __init__(
        self,
        message: Message,
        branch: tuple[int, int],
        *,
        math: MathSource | None,
        dark: bool,
        on_math_pending: object = None,
        width: int | None = None,
        in_pieces: bool = False,
        reading_at: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.message = message
        self._branch = branch
        self._locked = False  # an answer is being written in the conversation
        # For a failed answer: what its panel offers (see set_retry_offer); None retries
        # with the conversation's model.
        self._retry_offer: RetryWith | None = None
        self._dark = dark
        self._math = math
        self.setObjectName("userMessage" if message.role is Role.USER else "assistantMessage")
        self.setAccessibleName(_ACCESSIBLE_NAMES.get(message.role, "Answer"))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

        self.text = MessageText(math, self)
        self.text.setAccessibleName(self.accessibleName() + " text")
        self.text.markdown = message.role is not Role.USER
        self.text.link_activated.connect(self.link_activated)
        self.text.copy_code.connect(self.copy_code)
        self.text.height_changed.connect(self.height_changed)
        pending = on_math_pending if callable(on_math_pending) else None
        self.document = MarkdownDocument(
            self.text.document(), math=math, dark=dark, on_math_pending=pending
        )
        if message.role is not Role.USER:  # a question's own text is already clean
            SpokenText(self.text, lambda: self.streaming)  # kept by the text, its parent

        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 6, 0, 6)
        self._layout.setSpacing(4)
        self._status: QFrame | None = None
        self._switcher: QWidget | None = None
        self._header: QLabel | None = None
        self._tool_calls: ToolCallsPanel | None = None
        self._call_results = 0  # of its calls, how many got results (see set_call_results)
        self._calls_busy = False  # a call waits for the person or runs
        # A tool's result or a question: folded when long (built for the first long one).
        self._folding: FoldedText | None = None
        self._build_body()
        self._build_footer()
        self._editor: QuestionEditor | None = None
        self._finishing = False  # finished, but its text is still being rendered
        self._awaiting = False  # Continue asked for more of it, and none came yet
        # Room under the text for the transcript's waiting line meanwhile (see
        # set_waiting_room): built for the answers that are continued.
        self._room: QWidget | None = None
        self.bind(message, branch, width, in_pieces=in_pieces, reading_at=reading_at)

    @property
    def dark(self) -> bool:
        return self._dark

    def bind(
        self,
        message: Message,
        branch: tuple[int, int],
        width: int | None = None,
        *,
        in_pieces: bool = False,
        reading_at: int | None = None,
    ) -> None:
        """Show ``message`` (of this item's role): at construction, or in a spare item
        built ahead of need with an empty message (see TranscriptView). ``in_pieces``:
        a long answer shows its end first (see _show_in_pieces); ``reading_at``: the
        text from that offset of its markdown first (see _show_in_pieces)."""
        if message.role is not self.message.role:
            raise ValueError(f"a {self.message.role} item cannot show a {message.role} message")
        self.message = message
        self._awaiting = False
        if self._folding is not None:
            self._folding.fold()
        if width is not None:
            # Lay the text out once, at its final width, before it is filled.
            self.text.set_text_width(self._text_width(width))
        self._show_header()
        self.set_branch(branch)
        self._show_content(in_pieces=in_pieces, reading_at=reading_at)
        self.show_tool_activity("")
        self._show_tool_calls()
        self._update_status()
        # A spare was laid out empty: the size its layout item remembers must go too.
        self._bubble.updateGeometry()

    def _build_body(self) -> None:
        user = self.message.role is Role.USER
        self._body = QHBoxLayout()
        self._body.setContentsMargins(0, 0, 0, 0)
        self._bubble = QFrame()
        self._bubble.setObjectName("bubble" if user else "answerBody")
        self._bubble_layout = QVBoxLayout(self._bubble)
        if user:
            self._bubble_layout.setContentsMargins(14, 8, 14, 8)
            self._body.addStretch(1)
        else:
            self._bubble_layout.setContentsMargins(0, 0, 0, 0)
            self._header = QLabel()
            self._header.setObjectName("messageHeader")
            self._layout.addWidget(self._header)
        self._bubble_layout.addWidget(self.text)
        self._body.addWidget(self._bubble, 0 if user else 1)
        self._layout.addLayout(self._body)

    # -- content ------------------------------------------------------------------------

    def _show_header(self) -> None:
        if self._header is None:
            return
        self._header.setText(self._header_text())
        usage = self.message.usage
        # What the answer cost, as the server counted it: the conversation it read
        # (which grows with each question) and what it wrote.
        self._header.setToolTip(
            f"{usage.prompt_tokens:,} tokens read (the conversation so far), "
            f"{usage.completion_tokens:,} written"
            if usage is not None and usage.total_tokens > 0
            else ""
        )

    def _header_text(self) -> str:
        # The model's and the tool's names come from servers: text, never markup.
        if self.message.role is Role.TOOL:
            name = (self.message.name or "").replace("&", "&amp;").replace("<", "&lt;")
            heading = f"<b>Tool result</b>&nbsp;&nbsp;<span style='opacity:0.6'>{name}</span>"
            if self.message.error:  # declined, or failed: not to be read as a result
                error = self.message.error.replace("&", "&amp;").replace("<", "&lt;")
                heading += f"&nbsp;&nbsp;·&nbsp;&nbsp;<i>{error}</i>"
            return heading
        model = (self.message.model or "").replace("&", "&amp;").replace("<", "&lt;")
        return f"<b>Mistral</b>&nbsp;&nbsp;<span style='opacity:0.6'>{model}</span>"

    def _markdown(self) -> str:
        """The text to render: a tool's result is data, shown as it came (a code block),
        folded to its first lines when it is long."""
        if self.message.role is Role.TOOL:
            shown = self._folded_text("the tool result")
            if not shown:
                return ""
            from app.ui.transcript.folding import code_block

            return code_block(shown)
        return self.message.content

    def _question_text(self) -> str:
        """A question's text to show (plain text, not markdown): folded to its first
        lines when it is long (a pasted document)."""
        return self._folded_text("the question")

    def _folded_text(self, what: str) -> str:
        if self._folding is None:
            if not self.message.content:  # a spare, empty: nothing to fold yet
                return ""
            from app.ui.transcript.folding import (
                PREVIEW_LINES,
                QUESTION_PREVIEW_LINES,
                FoldedText,
            )

            user = self.message.role is Role.USER
            lines = QUESTION_PREVIEW_LINES if user else PREVIEW_LINES
            self._folding = FoldedText(self._place_fold, self._fold_toggled, what=what, lines=lines)
        return self._folding.shown(self.message.content)

    def _place_fold(self, fold: QWidget) -> None:
        self._bubble_layout.insertWidget(
            self._bubble_layout.indexOf(self.text) + 1, fold, 0, Qt.AlignmentFlag.AlignLeft
        )
        if self.editing:
            self._hide_fold(True)

    @property
    def fold_button(self) -> FoldButton | None:
        """ "Show all" / "Show less" under a long tool result or question (None: none
        shown)."""
        return None if self._folding is None else self._folding.button

    def _hide_fold(self, hidden: bool) -> None:
        """The question is being edited (``hidden``), or no longer: its button with it."""
        if self._folding is not None:
            self._folding.hide(hidden)

    def _render_folding(self) -> None:
        if self.message.role is Role.USER:
            self._show_question()
        else:
            self.document.set_markdown(self._markdown())
        self.height_changed.emit()

    def _fold_toggled(self) -> None:
        self._render_folding()
        self.fold_toggled.emit()

    def show_whole(self) -> bool:
        """A long tool result or question folded shown whole, as its "Show all" does
        (Ctrl+F goes to words in its folded part; the transcript places and marks them).
        False when nothing is folded here."""
        if self._folding is None or not self._folding.unfold():
            return False
        self._render_folding()
        return True

    def fold_again(self) -> bool:
        """A long tool result or question shown whole by Ctrl+F folded again, as its
        "Show less" does; False when it is not shown whole."""
        if self._folding is None or not self._folding.refold():
            return False
        self._render_folding()
        return True

    def folded_preview(self) -> str | None:
        """The first lines a long tool result or question shows folded (its text, not
        yet a code block); None when it is not long enough to fold."""
        if self._folding is None:
            return None
        return self._folding.folded(self.message.content)

    def _show_question(self) -> None:
        shown = self._question_text()
        # A blob's first lines, folded, wrap as the whole blob does (anywhere): at Qt's
        # breaks they were cut at each "/" of the base64, leaving lines of a few signs.
        content = self.message.content
        self.text.hold_wrap_anywhere(shown != content and has_long_run(content))
        self.text.setPlainText(shown)

    def _show_content(self, *, in_pieces: bool = False, reading_at: int | None = None) -> None:
        self._finishing = False
        if self.message.role is Role.USER:
            self._show_question()
        elif self.message.status is MessageStatus.STREAMING and self.message.content:
            # Still being written and already begun (a continuation starts from the
            # partial text): the text so far is streamed text, so what arrives next
            # carries on its last paragraph instead of starting a new one.
            self.document.set_markdown("")
            self.document.append(self.message.content)
            self.document.flush()
        elif (
            (in_pieces or reading_at is not None)
            and self.message.role is Role.ASSISTANT
            and len(self.message.content) > PIECES_FROM
        ):
            self._show_in_pieces(self.message.content, reading_at)
        else:
            self.document.set_markdown(self._markdown())

    def _show_in_pieces(self, text: str, reading_at: int | None = None) -> None:
        """A long finished answer, its end first (where its conversation opens), or with
        ``reading_at`` the text from that offset of its markdown first (where its reader
        is, as it is rendered anew for another look: what follows, then what comes
        before). The rest comes over the next frames, as for an answer that streamed
        faster than it rendered: the transcript's frames go on with it (``finishing``,
        and the document's gaps). Rendered whole, 20,000 tokens held the window 140 ms,
        100,000 some 0.6 s."""
        self.document.set_markdown("")
        self.document.append(text)
        if reading_at is not None:
            # Nothing skipped (the offset in its first block): from the start, in pieces.
            self.document.skip_to(reading_at, FRAME_BUDGET_CHARS)
        done = False
        for _ in range(PIECES_AT_ONCE):  # its very end, most often
            done = self.document.flush(
                final=True, budget=FRAME_BUDGET_CHARS, skip_ahead=reading_at is None
            )
            if done:
                break
        self._finishing = not done

    @property
    def finishing(self) -> bool:
        """Finished, its text still being rendered (see StreamFrames)."""
        return self._finishing

    def _show_tool_calls(self) -> None:
        """The answer's tool calls under its text (an answer of calls alone showed as
        an empty bubble). Built only for the answers that have some."""
        calls = self.message.tool_calls
        if not calls:
            if self._tool_calls is not None:
                self._tool_calls.setVisible(False)
            return
        if self._tool_calls is None:
            from app.ui.transcript.tool_calls import ToolCallsPanel  # rarely needed

            self._tool_calls = ToolCallsPanel()
            # Whatever it shows anew (a note, a call's state) changes the answer's height.
            self._tool_calls.changed.connect(self.height_changed)
            self._bubble_layout.addWidget(self._tool_calls)
        self._tool_calls.show_calls(calls)
        self._show_calls_note()
        self._tool_calls.setVisible(True)

    def set_call_results(self, count: int) -> None:
        """How many of the answer's tool calls got their results (shown after it): the
        first ``count`` of them, as they run in order."""
        self._call_results = count
        self._show_calls_note()

    def show_tool_activity(self, call_id: str, state: str = "", seconds: int = 0) -> None:
        """Call ``call_id`` of this answer waits for the person or runs, for ``seconds``
        so far (see ToolCallsPanel.show_activity); no ``call_id``: none is under way."""
        self._calls_busy = bool(call_id)
        if self._tool_calls is not None:
            self._tool_calls.show_activity(call_id, state, seconds)
            self._show_calls_note()

    def _show_calls_note(self) -> None:
        # While its calls wait for the person or run: no note yet that none got a
        # result. Once they are over, why those without one got none (all of them, or
        # the last ones: stopped after the first got its result), as the answer keeps it.
        if self._tool_calls is not None:
            message = self.message
            why = message.error if message.status is MessageStatus.COMPLETE else None
            unanswered = max(0, len(message.tool_calls) - self._call_results)
            last = unanswered if self._call_results else 0
            self._tool_calls.set_note(unanswered > 0 and not self._calls_busy, why, last=last)

    def set_dark(self, dark: bool) -> None:
        if dark != self._dark:
            self._dark = dark
            self.document.set_dark(dark)
            if self.message.role is not Role.USER and not self.streaming:
                self.document.set_markdown(self._markdown())

    def rerender(self) -> None:
        """Render again (formula images became available)."""
        if self.message.role is not Role.USER and not self.streaming:
            self.document.set_markdown(self._markdown())

    @property
    def disposable(self) -> bool:
        """Whether the item holds nothing its message would not show again: it is not
        being written nor edited, and has not the keyboard (the transcript may then let
        it go, and build it anew later)."""
        focused = QApplication.focusWidget()
        return not (
            self.streaming or self.editing or (focused is not None and self.isAncestorOf(focused))
        )

    @property
    def streaming(self) -> bool:
        return self.message.status is MessageStatus.STREAMING or self._finishing or self._awaiting

    def append(self, piece: str) -> None:
        self.document.append(piece)

    def flush(self, budget: int | None = None, *, skip_ahead: bool = False) -> bool:
        """Render what streamed in; False when more is left for the next frame."""
        if self.document.dirty or budget is not None:
            return self.document.flush(budget=budget, skip_ahead=skip_ahead)
        return True

    def finish(
        self, message: Message, budget: int | None = None, *, skip_ahead: bool = False
    ) -> bool:
        """The answer ended: show its status and render the rest of its text.

        With a ``budget`` only that much is rendered now (see ``flush_final``); returns
        True when the text is rendered (but for gaps skipped, see MarkdownDocument).
        """
        # Asked to go on but nothing came: its text is as it was rendered.
        was_streaming = self.message.status is MessageStatus.STREAMING or self._finishing
        self._awaiting = False
        self.message = message
        self._show_header()  # its token counts came at its end
        self._show_tool_calls()
        self._update_status()
        if was_streaming and self.document.text == message.content:
            self._finishing = not self.document.flush(
                final=True, budget=budget, skip_ahead=skip_ahead
            )
        else:
            self._show_content()  # rendered whole: nothing left to finish
        self.height_changed.emit()
        return not self._finishing

    def await_more(self) -> None:
        """Continue asked for more of this answer: it reads as being written from now,
        while the request is out (no status, its actions waiting), not as ended."""
        self._awaiting = True
        self._update_status()
        self.height_changed.emit()

    @property
    def awaiting(self) -> bool:
        """Continue asked for more of this answer and nothing came yet."""
        return self._awaiting

    def set_waiting_room(self, height: int) -> bool:
        """Keep ``height`` pixels free under the text while Continue waits for the
        first words (0: none): the transcript puts its waiting line there, where the
        text goes on, rather than under the answer's actions. The room goes when the
        waiting ends. True when the item's height changes."""
        if self._room is None:
            if height <= 0:
                return False
            self._room = QWidget()
            self._room.setObjectName("waitingRoom")
            # Right under the text: after the body, before the status and the footer.
            self._layout.insertWidget(self._layout.indexOf(self._body) + 1, self._room)
        before = self._room_taken()
        self._room.setFixedHeight(max(0, height))
        self._show_room()
        return self._room_taken() != before

    def waiting_room_top(self) -> int | None:
        """Where the room for the waiting line begins, from the item's top; None when
        there is none."""
        if self._room is None or not self._room.isVisibleTo(self):
            return None
        self._layout.activate()  # its place after a change of height, not at the next event
        return self._room.y()

    def _show_room(self) -> None:
        if self._room is not None:
            self._room.setVisible(self._awaiting and self._room.height() > 0)

    def _room_taken(self) -> int:
        room = self._room
        return room.height() if room is not None and room.isVisibleTo(self) else 0

    def carry_on(self, message: Message) -> None:
        """The answer is being written again from its text (Continue): no status while
        it is, and what arrives carries on its last paragraph."""
        self.message = message
        self._finishing = False
        self._awaiting = False
        self._show_header()
        self._update_status()
        self._show_content()
        self.height_changed.emit()

    def flush_final(self, budget: int | None = None, *, skip_ahead: bool = False) -> bool:
        """Continue rendering a finished answer that streamed faster than it rendered."""
        self._finishing = not self.document.flush(final=True, budget=budget, skip_ahead=skip_ahead)
        return not self._finishing

    def set_locked(self, locked: bool) -> None:
        """While an answer is written in the conversation, versions cannot be switched
        nor answers asked again: the buttons say so, rather than ignore clicks."""
        if not locked and self._awaiting:
            # The answer ended without a word of more, and without its end shown (it
            # could not be stored): shown as it was.
            self._awaiting = False
            self._update_status()
            self.height_changed.emit()  # its status back, its waiting room gone
        if locked != self._locked:
            self._locked = locked
            self.set_branch(self._branch)
            self._update_status()

    def _update_status(self) -> None:
        self._show_room()
        message = self.message
        status = message.status
        # Being written (or carried on): a finished answer whose text is still being
        # rendered is not, and shows its actions (copied whole, as stored).
        busy = status is MessageStatus.STREAMING or self._awaiting
        # Continue asked for more of it: it is going on, not stopped, until it ends again.
        problem = status in (MessageStatus.ERROR, MessageStatus.INTERRUPTED) and not self._awaiting
        # Being written (carried on by Continue), it has not ended, at the limit or not.
        cut = not busy and message.finish_reason in ("length", "model_length")
        self._show_why(message.role is not Role.USER and (problem or cut))
        self._show_actions(problem, busy)
        if message.role is not Role.USER:
            # An answer that failed before any text has nothing to show: no empty line
            # between its header and why it failed.
            self.text.setVisible(bool(message.content) or busy)

    # -- code blocks -------------------------------------------------------------------

    def copy_code(self, index: int) -> None:
        """Copy code block ``index`` as written (its Copy link, or its pinned header's);
        a tool's result whole, folded or not."""
        blocks = self.document.code_blocks
        if 0 <= index < len(blocks):
            whole = self.message.role is Role.TOOL
            QGuiApplication.clipboard().setText(
                self.message.content if whole else blocks[index].source
            )
            # The Copy link is text in the answer: the word "Copied" shows where it was.
            QToolTip.showText(QCursor.pos(), "Copied", self.text, QRect(), COPIED_MS)

    # -- size ---------------------------------------------------------------------------

    def _text_width(self, width: int) -> int:
        if self.message.role is Role.USER:
            return int(width * USER_BUBBLE_SHARE) - 28
        return width

    def height_for_width(self, width: int) -> int:
        if self.message.role is Role.USER:
            limit = int(width * USER_BUBBLE_SHARE)
            metrics = self.text.fontMetrics()
            lines = self.message.content.split("\n")[:200]
            # A line's first characters tell whether it fills the bubble: measured whole,
            # a pasted 200,000-character line took 40 ms each time.
            natural = max(
                (metrics.horizontalAdvance(line[:NATURAL_WIDTH_CHARS]) for line in lines),
                default=0,
            )
            bubble = max(80, min(limit, natural + 28 + 12))
            fold = self.fold_button  # "Show all" of a long question of short lines
            if fold is not None:
                bubble = max(bubble, min(limit, fold.sizeHint().width() + 28))
            if self._editor is not None:
                bubble = limit  # room to edit, as wide as a question may be
            # A fixed width: the layout would otherwise give the bubble its size hint.
            self._bubble.setFixedWidth(bubble)
            self.text.set_text_width(bubble - 28)
        else:
            self.text.set_text_width(width)
        self.text.setFixedHeight(self.text.text_height())
        # Layouts cache their heights and learn of a child's new height only when their
        # events run; measuring now must not read a stale cache (it clipped answers). The
        # footer too: hiding its buttons tells only the item's outer layout, and a failed
        # answer kept the height of the icons it no longer shows above its status panel.
        for nested in (self._bubble_layout, self._body, self._footer, self._layout):
            nested.invalidate()
        calls = self._tool_calls.layout() if self._tool_calls is not None else None
        if calls is not None:
            calls.invalidate()  # a note or a call's state came or went
        # The bubble's own minimum height follows its text now: left to its pending
        # layout request, answers kept the height they had before a formula's image
        # came, their last lines cut off until the window was resized.
        self._bubble_layout.activate()
        layout = self._layout
        if layout.hasHeightForWidth():
            return layout.totalHeightForWidth(width)
        return layout.totalSizeHint().height()

"""The right side of the window: the conversation's header, transcript and composer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from app.chat.catalog import ModelCatalog
from app.chat.controller import ChatController, NewChat
from app.domain.messages import ChatParams, Message, MessageStatus, Role
from app.domain.tree import MessageTree
from app.store.conversations import ConversationStore
from app.store.errors import StoreError
from app.ui.branch_switching import BranchSwitching, branches_of
from app.ui.chat_header import ChatHeader
from app.ui.composer import Composer
from app.ui.context_gauge import ContextGauge
from app.ui.continued_place import ContinuedPlace
from app.ui.conversation_find import ConversationFind
from app.ui.find_bar import NEXT, PREVIOUS, REFINE, FindBar
from app.ui.kept_per_conversation import KeptPerConversation
from app.ui.last_message_actions import (
    copy_last_answer,
    edit_last_question,
    press_last_continue,
    regenerate_last,
)
from app.ui.new_chat_page import COLUMN_WIDTH
from app.ui.pane_model import ModelInPane
from app.ui.pane_outside_changes import OutsideChangesInPane
from app.ui.picker_keyboard import PickerKeyboard
from app.ui.transcript.binding import TranscriptBinding
from app.ui.transcript.keys_on_controls import KeysOnControls
from app.ui.transcript.math_images import MathImages
from app.ui.transcript.send_keys import set_enter_sends
from app.ui.transcript.view import TranscriptView

if TYPE_CHECKING:
    from app.domain.messages import ToolCall
    from app.rendering.links import LinkCheck
    from app.tools.registry import Tool
    from app.ui.tool_approval import ToolApprovalBar, ToolApprovals

# Esc in the editor cancels the edit: the Stop button is named instead.
EDIT_WAITS = "Not sent yet: an answer is being written. Press Stop, then send your edit."


class ChatPane(ModelInPane, OutsideChangesInPane, QWidget):
    """Signals: title_changed(str) (for the window title), needs_key(str),
    conversation_adopted(str) (a new chat became this stored conversation),
    sidebar_requested() (the button shown while the sidebar is hidden)."""

    title_changed = Signal(str)
    sidebar_requested = Signal()
    conversation_adopted = Signal(str)
    busy_changed = Signal(bool)  # the open conversation's answer started or ended
    always_run_tool = Signal(object)  # the person chose "Always run" for this Tool
    # A tool call of this conversation began (True) or ended waiting for the person: the
    # sidebar marks it, since the bar shows only while its conversation is open.
    approval_waiting = Signal(str, bool)

    def __init__(
        self,
        store: ConversationStore,
        controller: ChatController,
        catalog: ModelCatalog,
        math: MathImages,
        *,
        new_chat: Callable[[], NewChat],
        first_run: Callable[[], QWidget],
        open_params: Callable[[str | None], None] | None = None,
        confirm_link: Callable[[LinkCheck], bool] | None = None,
        dark: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._controller = controller
        self._catalog = catalog
        self._new_chat_defaults = new_chat
        self._confirm_link = confirm_link
        self._open_params = open_params
        self._conversation_id: str | None = None
        self._openings = 0  # see openings
        self._title_shown: tuple[str | None, str] | None = None  # (conversation, title)
        self._binding: TranscriptBinding | None = None
        self._sending = False
        self._draft_model: str | None = None
        # Another program changed the open conversation while a question was edited.
        self.outside_change_waiting = False
        # System prompt and parameters chosen for the new chat only (Parameters dialog).
        self._draft_setup: tuple[str | None, ChatParams] | None = None
        self._approvals: ToolApprovals | None = None  # built at the first tool call
        self.setObjectName("chatPane")

        header = self._build_header(catalog)
        self._build_conversation(math, dark, header)
        # Built when first needed: most starts have a key, and the panel is costly.
        self._make_first_run = first_run
        self._first_run: QWidget | None = None
        self._pages = QStackedLayout(self)
        self._pages.addWidget(self._conversation_page)

        self._connect(controller)
        self.new_chat()

    def _build_header(self, catalog: ModelCatalog) -> QVBoxLayout:
        self.header = ChatHeader(catalog, self)
        # The pane's own names for the header's widgets: the window and the model
        # (ModelInPane) work on them.
        self.title = self.header.title
        self.picker = self.header.picker
        self.params_button = self.header.params_button
        self.sidebar_button = self.header.sidebar_button
        self.picker.model_chosen.connect(self._on_model_chosen)
        catalog.changed.connect(self._on_catalog_changed)
        self.params_button.clicked.connect(self._on_params)
        self.sidebar_button.clicked.connect(self.sidebar_requested)
        return self.header.layout

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.header.fit(event.size().width())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            # The header's room is measured in the text's size: back at 9 pt from 24,
            # it stayed compact ("Switch", no "Parameters") until the window was resized.
            self.header.fit(self.width())
            # Again once every widget has its new font: the title and the picker may
            # get theirs after this one (the row stayed single at 20 pt, now and then).
            QTimer.singleShot(0, self, lambda: self.header.fit(self.width()))

    def _build_conversation(self, math: MathImages, dark: bool, header: QVBoxLayout) -> None:
        controller = self._controller
        self.transcript = TranscriptView(math, dark=dark)
        self._continued = ContinuedPlace(self.transcript, controller)
        self._branches = BranchSwitching(
            self.transcript, self._store, controller, self._continued, self.open_conversation
        )
        self.transcript.regenerate_requested.connect(controller.regenerate)
        self.transcript.retry_requested.connect(self._retry)
        self.transcript.set_retry_offer(self._retry_offer)
        self.transcript.continue_requested.connect(self._continue)
        self.transcript.answer_requested.connect(self._on_answer_requested)
        self.transcript.edit_submitted.connect(self._on_edit_submitted)
        self.transcript.edit_closed.connect(self._focus_composer)
        self.transcript.branch_requested.connect(self._branches.switch)
        self.transcript.link_activated.connect(self._on_link)
        self.composer = Composer()
        self.composer.send.connect(self._on_send)
        self.composer.stop.connect(self.stop)
        self.composer.edit_last.connect(self.edit_last_question)
        self.composer.paste_refused.connect(self._on_refused)
        self._kept = KeptPerConversation(self._store, self.composer, self.transcript, self)
        self._picker_keys = PickerKeyboard(self.picker, self.composer.edit, self)
        self.composer.setMaximumWidth(COLUMN_WIDTH)  # as wide as the messages above it
        # Typed on a message's buttons or links: into the message field.
        KeysOnControls(self.transcript, self.composer.edit)
        self.context_gauge = ContextGauge(
            self._store,
            context_length=self._context_length,
            model=lambda: self.picker.model,
            new_chat_system=lambda: self.draft_chat().system_prompt,
            draft=self.composer.edit.toPlainText,
        )
        self.context_gauge.setMaximumWidth(COLUMN_WIDTH)
        self.composer.edit.textChanged.connect(self.context_gauge.draft_changed)

        self._conversation_page = QWidget()
        page = QVBoxLayout(self._conversation_page)
        page.setContentsMargins(0, 0, 0, 0)
        page.setSpacing(0)
        page.addLayout(header)
        self._page = page
        self._find = ConversationFind(self.transcript, page, self._focus_composer)
        # The transcript stays shown: an empty chat is the transcript's own welcome
        # line (switching widgets would cost a relayout at every opening).
        page.addWidget(self.transcript, 1)
        gauge_row = QHBoxLayout()  # hidden, it takes no room
        gauge_row.setContentsMargins(28, 0, 28, 0)
        gauge_row.addStretch(1)
        gauge_row.addWidget(self.context_gauge, 20)
        gauge_row.addStretch(1)
        page.addLayout(gauge_row)
        composer_row = QHBoxLayout()
        composer_row.setContentsMargins(24, 4, 24, 16)
        composer_row.addStretch(1)
        composer_row.addWidget(self.composer, 20)
        composer_row.addStretch(1)
        page.addLayout(composer_row)
        self._composer_row = composer_row

    def _connect(self, controller: ChatController) -> None:
        controller.conversation_created.connect(self._on_created)
        controller.needs_key.connect(self.show_first_run)
        controller.refused.connect(self._on_refused)
        controller.continue_failed.connect(self._on_continue_failed)
        controller.context_counted.connect(self.context_gauge.counted)
        self._binding = TranscriptBinding(self.transcript, self._store, controller)
        self._binding.conversation_id = self._conversation_id
        self._binding.busy_changed.connect(self._set_busy)
        self._binding.title_changed.connect(self._set_title)
        self._binding.reload_requested.connect(self._branches.reload)

    @property
    def conversation_id(self) -> str | None:
        """The conversation shown, or None for a new chat not yet sent."""
        return self._conversation_id

    @conversation_id.setter
    def conversation_id(self, value: str | None) -> None:
        if value != self._conversation_id:
            self._continued.forget()
        self._conversation_id = value
        self.context_gauge.track(value)
        if self._approvals is not None:
            self._approvals.show_for(value)
        if self._binding is not None:
            self._binding.conversation_id = value

    @property
    def shows_first_run(self) -> bool:
        """Whether the first-run panel (no key yet) is what shows."""
        return self._first_run is not None and self._pages.currentWidget() is self._first_run

    def _focus_composer(self) -> None:
        self._keyboard_target().setFocus()

    def _keyboard_target(self) -> QWidget:
        """Where the keyboard goes in the conversation: the message field, or the Run
        button of a tool call waiting for the person's word (typing could not be sent)."""
        if self._approvals is not None and self._approvals.bar.isVisibleTo(self):
            return self._approvals.bar.run_button
        return self.composer.edit

    def focus_composer(self) -> None:
        """The keyboard to the message field (Ctrl+L, and as the window opens); while
        the first-run panel shows, to its key field: the panel stays, a message could
        not be sent without a key anyway."""
        if self._first_run is not None and self.shows_first_run:
            self._first_run.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.show_conversation_page()

    def choose_model(self) -> None:
        """Ctrl+Shift+M: the model picker's list, open, with the keyboard on it."""
        if self._pages.currentWidget() is not self._conversation_page:
            return  # the first-run panel: no model to choose before a key
        self._picker_keys.open_list()

    def open_params(self) -> None:
        """Ctrl+Shift+P, as the header's Parameters button."""
        if self._pages.currentWidget() is self._conversation_page:
            self._on_params()

    def set_enter_sends(self, enter_sends: bool) -> None:
        """Which keys send, in the message field and in a question edited in place."""
        self.composer.set_enter_sends(enter_sends)
        set_enter_sends(self.transcript, enter_sends)

    # -- pages --------------------------------------------------------------------------

    def show_first_run(self, reason: str = "") -> None:
        if self._first_run is None:
            self._first_run = self._make_first_run()
            self._pages.addWidget(self._first_run)
        setter = getattr(self._first_run, "set_reason", None)
        if callable(setter) and reason:
            setter(reason)
        self._pages.setCurrentWidget(self._first_run)

    def show_conversation_page(self) -> None:
        self._pages.setCurrentWidget(self._conversation_page)
        self._keyboard_target().setFocus()

    # -- opening ------------------------------------------------------------------------

    @property
    def openings(self) -> int:
        """How many times a conversation or a new chat was opened here: unchanged, the
        pane still shows what it showed then."""
        return self._openings

    def new_chat(self, *, focus: bool = True) -> None:
        self._openings += 1
        self._find.close()
        if self._conversation_id is not None:
            self._kept.remember_place(self._conversation_id)
        self._kept.switch_draft(None)
        self.conversation_id = None
        self.transcript.clear()
        # The model and setup chosen for the new chat stay with it, as its draft does,
        # until it is sent: back from another conversation, it was on the default model,
        # its question still there, and Send asked the wrong one.
        self.picker.set_model(self._draft_model or self._new_chat_defaults().model)
        self._set_title("New chat")
        self._set_busy(False)
        if focus:
            self.composer.edit.setFocus()

    def open_conversation(
        self,
        conversation_id: str,
        *,
        focus: str | None = None,
        highlight: str | None = None,
        keep_find: bool = False,
    ) -> None:
        conversation = self._store.get_conversation(conversation_id)
        self._openings += 1
        if not keep_find:
            self._find.close()
        left = self.conversation_id
        if left is not None:
            self._kept.remember_place(left)
        if conversation_id != left:  # the same: its draft stays as it is
            self._kept.switch_draft(conversation_id)
        self.conversation_id = conversation_id
        # Outlines (no texts): the transcript reads only the texts it renders first.
        tree = MessageTree(self._store.outline(conversation_id))
        path = tree.path_to(self._shown_leaf(conversation_id, conversation.current_leaf_id))
        if not path and tree.by_id:
            path = tree.path_to(tree.latest_leaf())
        if focus is not None and focus not in {m.id for m in path} and focus in tree.by_id:
            # A search hit on another branch: show that branch.
            path = tree.path_to(tree.deepest_leaf(focus))
        place = self._kept.take_place(conversation_id) if focus is None else None
        if place is not None and place[0] in {m.id for m in path}:
            focus = place[0]  # rendered first, so the place within it is exact
        else:
            place = None  # that message is on another branch now: the end, as new
        self.transcript.show_messages(
            path,
            branches_of(tree, path),
            load=self._messages_by_id,
            focus=focus,
            highlight=highlight,
        )
        self.picker.set_model(self._controller.model_for(conversation))
        self._set_title(conversation.title)
        streaming = self._controller.is_streaming(conversation_id)
        self._set_busy(streaming)
        # A call of its answer may wait for the person or run (left and opened again).
        self.transcript.show_tool_activity(self._controller.tool_activity_in(conversation_id))
        if path and path[-1].role is Role.USER and not streaming:
            self.transcript.show_unanswered(path[-1].id)
        elif streaming and self._binding is not None:
            self._binding.show_waiting()
        self.show_conversation_page()
        if place is not None:
            self.transcript.return_to(place)

    def _messages_by_id(self, message_ids: Sequence[str]) -> dict[str, Message]:
        """Messages to render, an answer being written with all its text so far."""
        messages = self._store.messages_by_id(message_ids)
        for message_id, message in messages.items():
            if message.status is MessageStatus.STREAMING:
                live = self._controller.live_text(message_id)
                if live is not None:
                    messages[message_id] = replace(message, content=live)
        return messages

    def switch_version(self, step: int) -> None:
        """Alt+Left / Alt+Right: the previous or next version of the message that has the
        keyboard, or else of the last message shown that has versions (a regenerated
        answer, an edited question), as its "‹ 2/3 ›" arrows do."""
        self._branches.switch_version(step)

    def keep_drafts_before_closing(self) -> None:
        """Save the drafts, the one still being typed too, before the history closes."""
        self._kept.keep_drafts_before_closing()

    def refresh_title(self, conversation_id: str) -> None:
        """The conversation was renamed elsewhere (the list): show its new title if open."""
        if conversation_id == self.conversation_id:
            self._set_title(self._store.get_conversation(conversation_id).title)

    def _set_title(self, title: str) -> None:
        shown = (self.conversation_id, title)
        if shown == self._title_shown:
            # Told again (every change of the conversation says its title): the header
            # was fitted anew for nothing, twice per question sent.
            return
        self._title_shown = shown
        self.title.set_title(title)
        self.header.fit(self.width())  # the title's least width is its own
        self.title_changed.emit(title)

    # -- actions ------------------------------------------------------------------------

    def _on_send(self, text: str) -> None:
        if self.context_gauge.refuses_send():  # it says why; the question stays
            return
        # Wherever the reader was, the question sent shows and its answer is followed.
        self.transcript.scroll_to_end()
        self._sending = True
        new_chat = self.conversation_id is None
        try:
            conversation_id = self._controller.send(self.conversation_id, text, self.draft_chat())
        except StoreError as error:
            # The history cannot be written (another program holds it, the disk is
            # full): nothing was asked; the question stays to be sent again.
            if self.composer.edit.toPlainText() != text:
                self.composer.set_text(text)
            from app.ui.toast import Toast

            Toast.show_message(self.window(), f"Not sent: {error}", timeout_ms=12000)
            return
        finally:
            self._sending = False
        if conversation_id is not None:
            self.composer.clear_sent()
            if new_chat:  # the next new chat starts from the defaults again
                self._draft_model, self._draft_setup = None, None

    def _on_refused(self, why: str) -> None:
        from app.ui.toast import Toast

        Toast.show_message(self.window(), why, timeout_ms=12000)

    def _on_continue_failed(self, conversation_id: str, why: str) -> None:
        if conversation_id == self.conversation_id:
            from app.ui.toast import Toast
            from app.ui.wording import continue_failed

            Toast.show_message(self.window(), continue_failed(why), timeout_ms=12000)

    def _shown_leaf(self, conversation_id: str, stored: str | None) -> str | None:
        """Where the branch shown ends: the stored current leaf, unless a Continue's new
        version, not stored yet, is awaited under its question."""
        return self._controller.shown_leaf(conversation_id) or stored

    def _on_edit_submitted(self, message_id: str, text: str) -> None:
        if self._controller.edit_and_resend(message_id, text):
            return
        if self.conversation_id and self._controller.is_streaming(self.conversation_id):
            self._on_refused(EDIT_WAITS)  # said, as the other reasons are
        # Not asked (another Maestrale still answers here, say): the edited text stays
        # in the question's editor to be sent again, not lost with the closed editor.
        item = self.transcript.item(message_id)
        if item is not None and text.strip():
            item.edit_again(text)

    def _on_created(self, conversation_id: str) -> None:
        if self._sending and self.conversation_id is None:
            # Our new chat became a conversation: adopt it before its question arrives.
            self.composer.clear_sent()
            self.conversation_id = conversation_id
            self.composer.switch_draft(conversation_id)
            self.transcript.clear()
            self._set_title(self._store.get_conversation(conversation_id).title)
            self.conversation_adopted.emit(conversation_id)

    def stop(self, conversation_id: str | None = None) -> None:
        """Stop the answer being written in ``conversation_id`` (default: the one shown);
        what arrived is kept, as interrupted."""
        conversation_id = conversation_id or self.conversation_id
        if conversation_id is not None:
            self._controller.stop(conversation_id)

    def edit_last_question(self) -> None:
        edit_last_question(self.transcript)

    def copy_last_answer(self) -> None:
        copy_last_answer(self.transcript)

    def _on_answer_requested(self, question_id: str) -> None:
        self._controller.answer(question_id)
        self.focus_composer()  # the button is gone: the focus would go astray

    def _continue(self, message_id: str) -> None:
        self._continued.continue_answer(self.conversation_id, message_id)
        # The button is disabled and then hidden: the keyboard would go on to New chat.
        self._focus_composer()

    def continue_last_answer(self) -> None:
        """Ctrl+Shift+Enter: the last answer's Continue, pressed, when it shows one (the
        answer was cut at the token limit, stopped or broke off); nothing otherwise, nor
        while an answer is being written (the button is disabled then)."""
        if self._pages.currentWidget() is self._conversation_page:
            press_last_continue(self.transcript)

    def regenerate_last(self) -> None:
        regenerate_last(self.transcript, self._controller)

    async def approve_tool(self, conversation_id: str, tool: Tool, call: ToolCall) -> bool:
        """Ask the person whether the model's call may run (the controller's approver)."""
        if self._approvals is None:
            from app.ui.tool_approval import ToolApprovals

            self._approvals = ToolApprovals(
                self._place_approval_bar, focus_after=self._focus_composer
            )
            self._approvals.always_run.connect(self.always_run_tool)
            self._approvals.waiting_changed.connect(self.approval_waiting)
            self._approvals.show_for(self.conversation_id)
        return await self._approvals.ask(conversation_id, tool, call)

    def _place_approval_bar(self, bar: ToolApprovalBar) -> None:
        # Above the composer, as wide as it: where the eyes are when the answer stops.
        row = QHBoxLayout()
        row.setContentsMargins(24, 4, 24, 0)
        row.addStretch(1)
        row.addWidget(bar, 20)
        row.addStretch(1)
        bar.setMaximumWidth(COLUMN_WIDTH)
        self._page.insertLayout(self._page.indexOf(self._composer_row), row)

    @property
    def find_bar(self) -> FindBar:
        """Ctrl+F's bar, between the header and the transcript; built when first used."""
        return self._find.bar

    def open_find(self, step: int = REFINE) -> None:
        self._find.open(step)

    def find_next(self) -> None:
        """F3 or Ctrl+G: the next match; the bar opened if it was closed."""
        self._find.step(NEXT)

    def find_previous(self) -> None:
        """Shift+F3 or Ctrl+Shift+G: the previous match, the bar opened if it was closed."""
        self._find.step(PREVIOUS)

    def _on_params(self) -> None:
        if self._open_params is not None:
            self._open_params(self.conversation_id)

    def _on_link(self, url: QUrl, text: str = "") -> None:
        from app.ui.link_dialog import ask_before_opening, open_link

        confirm = self._confirm_link or ask_before_opening(self)
        open_link(url, confirm, text=text, tell=self._on_refused)  # said as a refusal is

    # -- controller signals ---------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        if not busy:
            self._continued.forget()  # its Continue ended (shown again first, if need be)
        self.context_gauge.track(self.conversation_id)  # a question or an answer more
        self.composer.set_busy(busy)
        self.transcript.set_locked(busy)
        self.busy_changed.emit(busy)

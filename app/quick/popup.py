"""The quick prompt window: summoned by a shortcut over any application, asked, answered.

Frameless, on top, on the screen with the mouse, its field focused. Enter asks; the
answer streams in with the transcript's renderer; Esc stops a running answer and a
second Esc hides; Ctrl+Shift+C copies the answer; Ctrl+Enter ("Continue in Maestrale")
opens the exchange in the main window. Every exchange is a conversation of kind
"quick" in the history, so nothing typed here is lost. It hides when it loses the focus
unless pinned, and remembers its size and place. Called up again, it starts a new
exchange, unless it was left with text typed but not sent: that comes back as it was.
A template, run by its shortcut or chosen with "/", always asks in an exchange of its
own, with its model and temperature.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QShortcut,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSizeGrip,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.chat.controller import ChatController, NewChat
from app.domain.messages import Role
from app.domain.tree import MessageTree
from app.quick.place_and_size import WIDTH, PlaceAndSize
from app.quick.quick_input import QuickInput
from app.quick.template_choice import TemplateChoice, clipboard_text, selection_text
from app.state import UiState
from app.store.conversations import ConversationStore
from app.ui.icons import icon
from app.ui.transcript.binding import TranscriptBinding
from app.ui.transcript.math_images import MathImages
from app.ui.transcript.view import TranscriptView

if TYPE_CHECKING:
    from app.quick.templates import Template
    from app.rendering.links import LinkCheck

TITLE = "Quick prompt — Maestrale"
ANSWER_HEIGHT = 440
# Short enough for the row beside the buttons (their tooltips give their keys).
HINT = "Enter ask · Esc stop, then hide"
SAID_MS = 2500  # how long the footer says "Answer copied." before its hint is back
# How long a loss of the focus must last before the window hides (see changeEvent).
FOCUS_LOST_MS = 150


DEPRECATED_ADVICE = "Choose another default model in Settings → Model, or a template's own."


class QuickWindow(TemplateChoice, PlaceAndSize, QWidget):
    """Signals: continue_in_main(str, str) (open this conversation in the main window,
    with this text to go on typing)."""

    continue_in_main = Signal(str, str)

    def __init__(
        self,
        store: ConversationStore,
        controller: ChatController,
        math: MathImages,
        *,
        new_chat: Callable[[], NewChat],
        templates: Callable[[], Sequence[Template]],
        state: UiState,
        read_clipboard: Callable[[], str | None] | None = None,
        read_selection: Callable[[], str | None] | None = None,
        confirm_link: Callable[[LinkCheck], bool] | None = None,
        open_key_settings: Callable[[], None] | None = None,
        model_note: Callable[[str], str | None] | None = None,
        dark: bool = False,
    ) -> None:
        super().__init__(None)
        self._model_note = model_note
        self._confirm_link = confirm_link
        self._open_key_settings = open_key_settings
        self._store = store
        self._controller = controller
        self._new_chat = new_chat
        self._templates = templates
        self._state = state
        self._read_clipboard = read_clipboard or clipboard_text
        self._read_selection = read_selection or selection_text
        self._template: Template | None = None
        self._conversation_id: str | None = None
        self._sending = False
        # An answer asked from here is under way: its end, unseen, shows at the next
        # summon (one asked in the main window, in the same conversation, does not).
        self._asked_here = False
        self._set_aside = ""  # text typed, put aside when a template ran (see summon)
        self._busy = False
        self._unseen = False  # the exchange's answer finished while the window was hidden
        self._list_room = None  # see PlaceAndSize
        self.setObjectName("quickWindow")
        self.setWindowTitle(TITLE)
        self.setWindowIcon(icon("app"))
        self.setWindowFlags(
            Qt.WindowType.Window
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.Tool
        )
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._build(math, dark)
        self._hide_unfocused = QTimer(self)
        self._hide_unfocused.setSingleShot(True)
        self._hide_unfocused.setInterval(FOCUS_LOST_MS)
        self._hide_unfocused.timeout.connect(self._hide_if_left)
        self._binding = TranscriptBinding(self.transcript, store, controller)
        self._binding.busy_changed.connect(self._set_busy)
        self._binding.reload_requested.connect(self._reload)
        controller.conversation_created.connect(self._on_created)
        controller.needs_key.connect(self._on_needs_key)
        controller.refused.connect(self._on_refused)
        controller.continue_failed.connect(self._on_continue_failed)
        self._shortcuts()
        self.resize(WIDTH, self.minimumSizeHint().height())

    # -- building -----------------------------------------------------------------------

    def _build(self, math: MathImages, dark: bool) -> None:
        self.card = QFrame(self)
        self.card.setObjectName("quickCard")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(1, 1, 1, 1)
        outer.addWidget(self.card)
        layout = QVBoxLayout(self.card)
        layout.setContentsMargins(14, 12, 14, 8)
        layout.setSpacing(8)

        layout.addLayout(self._build_input())
        self._build_middle(layout, math, dark)

    def _build_input(self) -> QHBoxLayout:
        top = QHBoxLayout()
        self.chip = QPushButton()
        self.chip.setObjectName("templateChip")
        self.chip.setAccessibleName("Template in use; press to remove it")
        self.chip.setToolTip("Remove the template")
        self.chip.clicked.connect(self.clear_template)
        clipboard = QGuiApplication.clipboard()
        clipboard.dataChanged.connect(self._on_clipboard_changed)
        clipboard.selectionChanged.connect(self._on_clipboard_changed)
        self.chip.hide()
        self.input = QuickInput()
        self.input.submitted.connect(self._on_submit)
        self.input.stop_or_hide.connect(self._on_escape)
        self.input.continue_requested.connect(self.open_in_main)
        self.input.moved.connect(self._move_completion)
        self.input.textChanged.connect(self._on_text_changed)
        self.input.backspace_when_empty.connect(self.clear_template)
        top.addWidget(self.chip, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.input, 1)
        return top

    def _build_middle(self, layout: QVBoxLayout, math: MathImages, dark: bool) -> None:
        self.completions = QListWidget()
        self.completions.setObjectName("templateList")
        self.completions.setAccessibleName("Templates")
        self.completions.setMaximumHeight(180)
        self.completions.itemClicked.connect(self._choose_item)
        self.completions.hide()
        layout.addWidget(self.completions)

        self.notice = QLabel()
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setObjectName("quickNotice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.settings_button = QPushButton("Open Settings")
        self.settings_button.setToolTip("Add the API key, or fix the endpoint, in Settings")
        self.settings_button.clicked.connect(self._on_open_settings)
        self.settings_button.hide()
        notice_row = QHBoxLayout()
        notice_row.addWidget(self.notice, 1)
        notice_row.addWidget(self.settings_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(notice_row)

        self.transcript = TranscriptView(math, dark=dark)
        self.transcript.setMinimumHeight(ANSWER_HEIGHT)
        self.transcript.continue_requested.connect(self._controller.continue_answer)
        self.transcript.retry_requested.connect(self._controller.retry)
        self.transcript.regenerate_requested.connect(self._controller.regenerate)
        self.transcript.branch_requested.connect(self._controller.switch_branch)
        self.transcript.edit_submitted.connect(self._controller.edit_and_resend)
        self.transcript.link_activated.connect(self._on_link)
        self.transcript.hide()
        layout.addWidget(self.transcript, 1)

        layout.addLayout(self._build_footer())

    def _build_footer(self) -> QHBoxLayout:
        bottom = QHBoxLayout()
        self.hint = QLabel(HINT)
        self.hint.setToolTip(
            "Enter asks · Esc stops the answer, then hides the window · "
            "Ctrl+Enter opens the exchange in Maestrale · Ctrl+Shift+C copies the answer"
        )
        self.hint.setObjectName("quickHint")
        # The hint may be cut short: it must not set the window's minimum width.
        self.hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._hint_back = QTimer(self)
        self._hint_back.setSingleShot(True)
        self._hint_back.setInterval(SAID_MS)
        self._hint_back.timeout.connect(self._said)
        self.pin = QToolButton()
        self.pin.setObjectName("quickPin")
        self.pin.setCheckable(True)
        self.pin.setIcon(icon("pin"))
        self.pin.setToolTip("Keep the window open when it loses the focus")
        self.pin.setAccessibleName("Pin the quick window")
        self.copy_button = QPushButton("Copy answer")
        self.copy_button.setIcon(icon("copy"))
        self.copy_button.setToolTip("Copy the answer (Ctrl+Shift+C)")
        self.copy_button.clicked.connect(self.copy_answer)
        self.copy_button.setEnabled(False)
        self.continue_button = QPushButton("Continue in Maestrale")
        self.continue_button.setToolTip("Open this exchange in the main window (Ctrl+Enter)")
        self.continue_button.clicked.connect(self.open_in_main)
        self.continue_button.setEnabled(False)
        bottom.addWidget(self.hint, 1)
        bottom.addWidget(self.pin)
        bottom.addWidget(self.copy_button)
        bottom.addWidget(self.continue_button)
        bottom.addWidget(QSizeGrip(self), 0, Qt.AlignmentFlag.AlignBottom)
        return bottom

    def _shortcuts(self) -> None:
        copy = QShortcut(QKeySequence("Ctrl+Shift+C"), self)
        copy.activated.connect(self.copy_answer)

    # -- showing ------------------------------------------------------------------------

    def summon(self, template_name: str | None = None, *, run: bool = False) -> None:
        """Show the quick prompt (a template chosen, and run at once when ``run``).

        Without a template, an answer that finished while the window was hidden shows
        first: a fresh prompt in its place looked as if the answer was lost. The next
        summon starts afresh.
        """
        if template_name is None and self._unseen:
            self.reveal()
            return
        template = self._template_named(template_name) if template_name else None
        if template is None:
            self._reset()
            if template_name:
                self._show_notice(f"There is no template named “{template_name}”.")
        else:
            # A template called up by name (its shortcut, the tray, `maestrale quick
            # --template`) is an exchange of its own, whatever the window was doing: an
            # answer still coming goes on in its conversation (the main window shows it).
            # Text typed here and not sent is its input if it waits for some; otherwise
            # it is put aside for the next summon (left in the field, Enter sent it as a
            # follow-up to the template's answer, with the template's model).
            from app.quick.templates import waits_for_input

            typed = self.input.toPlainText()
            keep = waits_for_input(template)
            if typed.strip() and not keep:
                self._set_aside = typed
            self._start_exchange(keep_typed=keep)
            self._set_template(template)
        self._place()
        self.show()
        self._fit_height()
        self.raise_()
        self.activateWindow()
        self.input.setFocus()
        if run and template is not None:
            from app.quick.templates import waits_for_input

            if not waits_for_input(template):
                self._run_template()

    def reveal(self) -> None:
        """Show the window as it is: the exchange in it, its answer, the text typed."""
        self._unseen = False
        self.show()
        self.raise_()
        self.activateWindow()
        self.input.setFocus()

    def _reset(self) -> None:
        self._unseen = False
        if self._busy or self.input.toPlainText().strip() not in ("", "/"):
            # As it was left: an answer still coming, or a question (or follow-up) typed
            # but not sent, whether the window hid itself on losing the focus or by Esc.
            # A notice was about the last try: a key may have been added since, or the
            # clipboard filled. (The window fits its height once shown.)
            self._hide_notice()
            return
        # A new exchange each time the window is called up; the last one stays in the
        # history (its conversation) and can be reopened from the sidebar.
        self._start_exchange()
        if self._set_aside:  # typed before a template ran: a question of its own
            self.input.setPlainText(self._set_aside)
            self.input.moveCursor(QTextCursor.MoveOperation.End)
            self._set_aside = ""

    def _start_exchange(self, *, keep_typed: bool = False) -> None:
        """An empty, compact window for a new exchange; the one shown stays in the history."""
        self._unseen = False
        self._show_conversation(None)
        self.transcript.hide()
        if not keep_typed:
            self.input.clear()
        self.clear_template()
        self._hide_notice()
        self._list_room = None
        self.continue_button.setEnabled(False)
        self._shrink_to_prompt()

    def _show_conversation(self, conversation_id: str | None) -> None:
        """Follow ``conversation_id`` (None: none) in the transcript, from empty."""
        self._conversation_id = conversation_id
        self._binding.conversation_id = conversation_id
        self.transcript.clear()
        # The busy state was the conversation left's: an answer it has still coming
        # is no concern of this one.
        self._set_busy(
            conversation_id is not None and self._controller.is_streaming(conversation_id)
        )

    def hideEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self._hide_unfocused.stop()
        self._remember_place()
        super().hideEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.FontChange and self.isVisible():
            # Once grown for the new size (its layout answers later).
            QTimer.singleShot(0, self, self._keep_on_screen)
        if event.type() == QEvent.Type.ActivationChange:
            if self.isActiveWindow():
                self._hide_unfocused.stop()
            elif self.isVisible():
                # Not at once: summoned by a global shortcut, the window gets the focus
                # while the shortcut's key grab ends, and X11 then tells Qt that no window
                # is active for a moment, before the window is active again. Hidden on
                # that moment, the window was gone, and what was typed next went to the
                # main window (the question asked there, as a chat).
                self._hide_unfocused.start()
        super().changeEvent(event)

    def _hide_if_left(self) -> None:
        if (
            self.isVisible()
            and not self.isActiveWindow()
            and not self.pin.isChecked()
            and not self._focus_stays_here()
        ):
            self.hide()

    def _focus_stays_here(self) -> bool:
        """The focus went to a window of the quick prompt's own (a dialog it opened)."""
        focus = QGuiApplication.focusWindow()
        return focus is not None and focus.transientParent() is self.windowHandle()

    # -- asking -------------------------------------------------------------------------

    def _on_submit(self) -> None:
        if self.input.completing and self.completions.currentItem() is not None:
            self._choose_item(self.completions.currentItem())
            return
        typed = self.input.toPlainText()
        if self._template is not None:
            # Its own exchange, as when called up by its shortcut: a template's model and
            # temperature are a conversation's, which Retry and follow-ups use again; and
            # it asks about the clipboard, selection or typed text, not the answer above.
            conversation_id = None
        elif self._busy:
            return
        else:
            conversation_id = self._conversation_id
        prompt = self._prompt(typed)
        if prompt is not None and self._send(conversation_id, prompt):
            self.input.clear()
            self.clear_template()

    def _run_template(self) -> None:
        """Ask the chosen template at once, without what the field holds."""
        prompt = self._prompt(None)
        if prompt is not None and self._send(None, prompt):
            self.clear_template()

    def _send(self, conversation_id: str | None, prompt: str) -> bool:
        """Ask ``prompt`` (in a new exchange when ``conversation_id`` is None)."""
        self._hide_notice()
        chat = self._chat_for_template()
        self._sending = True
        try:
            sent = self._controller.send(conversation_id, prompt, chat)
        finally:
            self._sending = False
        self._asked_here = sent is not None
        if sent is not None and conversation_id is None:
            self._note_model(chat.model)
        return sent is not None

    def _note_model(self, model: str | None) -> None:
        """A new exchange asked of a deprecated model is told so: the main window's
        picker marks it, but nothing here named the model at all (QA)."""
        note = self._model_note(model) if model and self._model_note is not None else None
        if note:
            self._show_notice(f"{model}: {note}. {DEPRECATED_ADVICE}")

    def _show_notice(self, text: str, *, settings: bool = False) -> None:
        """Say ``text`` above the answer; with ``settings``, offer to open them."""
        self.notice.setText(text)
        self.notice.show()
        self.settings_button.setVisible(settings and self._open_key_settings is not None)
        self._fit_height()

    def _hide_notice(self) -> None:
        self.notice.hide()
        self.settings_button.hide()

    def _on_needs_key(self, reason: str) -> None:
        # Said here: the main window's welcome panel may be hidden, with the window.
        if self._sending:
            from app.ui.wording import in_window

            self._show_notice(in_window(reason), settings=True)

    def _on_refused(self, why: str) -> None:
        # Another Maestrale still answers in this exchange: said where it was asked.
        if self._sending or self.isActiveWindow():
            self._show_notice(why)

    def _on_continue_failed(self, conversation_id: str, why: str) -> None:
        if conversation_id == self._conversation_id and self.isVisible():
            from app.ui.wording import continue_failed

            self._show_notice(continue_failed(why))

    def _on_open_settings(self) -> None:
        if self._open_key_settings is not None:
            # Out of the settings' way (it stays on top); the question typed is kept.
            self.hide()
            self._open_key_settings()

    def _on_created(self, conversation_id: str) -> None:
        if self._sending:  # a new exchange asked from here
            self._show_conversation(conversation_id)
            self.transcript.show()
            self.resize(self.width(), max(self.height(), self.sizeHint().height()))
            self.continue_button.setEnabled(True)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        if not busy and self._asked_here:
            self._asked_here = False
            if self._conversation_id is not None and not self.isVisible():
                self._unseen = True
        self._update_copy()

    def _update_copy(self) -> None:
        # A failed answer has no text: the button would copy nothing.
        self.copy_button.setEnabled(not self._busy and bool(self.answer_text()))

    def _reload(self, conversation_id: str) -> None:
        tree = MessageTree(self._store.outline(conversation_id))
        # A Continue's new version awaited (not stored yet): shown under its question.
        leaf = self._controller.shown_leaf(conversation_id)
        path = tree.path_to(leaf or self._store.get_conversation(conversation_id).current_leaf_id)
        from app.ui.branch_switching import branches_of

        self.transcript.show_messages(
            path, branches_of(tree, path), load=self._store.messages_by_id
        )
        self._update_copy()  # another branch, maybe another answer (or none)

    def _on_link(self, url: QUrl, text: str = "") -> None:
        from app.ui.link_dialog import ask_before_opening, open_link

        confirm = self._confirm_link or ask_before_opening(self)
        open_link(url, confirm, text=text, tell=self._show_notice)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        # Esc from anywhere in the window (the answer's text, a button), not only the
        # question field; a question being edited takes its own Esc (cancel) first.
        if event.key() == Qt.Key.Key_Escape:
            self._on_escape()
            return
        super().keyPressEvent(event)

    def _on_escape(self) -> None:
        if self._busy and self._conversation_id is not None:
            self._controller.stop(self._conversation_id)
        elif self.completions.isVisible():
            self._close_completions()
        else:
            self.hide()

    # -- results ------------------------------------------------------------------------

    @property
    def conversation_id(self) -> str | None:
        return self._conversation_id

    def answer_text(self) -> str:
        if self._conversation_id is None:
            return ""
        path = self._store.current_path(self._conversation_id)
        answers = [m for m in path if m.role is Role.ASSISTANT]
        return answers[-1].content if answers else ""

    def copy_answer(self) -> None:
        text = self.answer_text()
        if text:
            QGuiApplication.clipboard().setText(text)
            # In the footer's own line: a notice would grow the window, in warning colours;
            # and on the button, which large text never squeezes out as it does the line.
            self._say_in_footer("Answer copied.", "success")
            self.copy_button.setText("Copied")
            self._hint_back.start()

    def _said(self) -> None:
        self._say_in_footer(HINT, "")
        self.copy_button.setText("Copy answer")

    def _say_in_footer(self, text: str, tone: str) -> None:
        self.hint.setText(text)
        self.hint.setProperty("tone", tone)
        self.hint.style().unpolish(self.hint)
        self.hint.style().polish(self.hint)

    def open_in_main(self) -> None:
        if self._conversation_id is not None:
            # Handed over with what was typed: the quick window follows it no more (it
            # came back at the next summon, with the main window's later exchanges).
            conversation_id, typed = self._conversation_id, self.input.toPlainText()
            self._start_exchange()
            self.continue_in_main.emit(conversation_id, typed)
            self.hide()

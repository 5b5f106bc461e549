"""The line above the message field that tells how full the model's context is.

Hidden while the conversation fills less than half of it. The counts come from the
history (see ``app.domain.context``): read when the conversation, its model or its
answers change, and only just after, so an opening paints first; the draft is
weighed as it is typed, a moment after typing pauses.

When the server refuses a conversation as too long and says how long it is, that count
is shown instead of the estimate, as long as the refused answer ends the branch shown
and the model and the system prompt are the same (a new question, an edit, another
branch, model or system prompt: estimated again).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

from app.domain.context import (
    ContextNote,
    ContextUse,
    Sized,
    context_use,
    describe,
    too_long_to_send,
)
from app.domain.messages import MessageStatus, Usage
from app.domain.tree import MessageTree
from app.store.conversations import ConversationStore
from app.store.errors import StoreError

DRAFT_PAUSE_MS = 300

_TONES = {"info": "info", "nearly_full": "warning", "over": "error"}


class ContextGauge(QLabel):
    """Args:
    store: the history.
    context_length: a model's context in tokens, or None when unknown (nothing shows).
    model: the model the next question goes to.
    new_chat_system: the system prompt a new chat would start with.
    draft: the message field's text.
    """

    def __init__(
        self,
        store: ConversationStore,
        *,
        context_length: Callable[[str], int | None],
        model: Callable[[], str],
        new_chat_system: Callable[[], str | None],
        draft: Callable[[], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("contextGauge")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.hide()
        self._store = store
        self._context_length = context_length
        self._model = model
        self._new_chat_system = new_chat_system
        self._draft = draft
        self._conversation_id: str | None = None
        self._system_size = 0
        self._branch: Sequence[Sized] = []
        self._usage: dict[str, Usage] = {}
        # By conversation: (refused answer id, model, tokens) the server counted, and the
        # system prompt that request had.
        self._stated: dict[str, tuple[str, str, int, str]] = {}
        self._stated_now: tuple[str, int] | None = None  # (model, tokens) of the branch
        self.note: ContextNote | None = None
        self._reading = QTimer(self)
        self._reading.setSingleShot(True)
        self._reading.timeout.connect(self._read)
        self._weighing = QTimer(self)
        self._weighing.setSingleShot(True)
        self._weighing.setInterval(DRAFT_PAUSE_MS)
        self._weighing.timeout.connect(self._show)

    def track(self, conversation_id: str | None) -> None:
        """The conversation shown (None: a new chat), its model, its system prompt or
        its answers changed: counted again just after (not before the next paint)."""
        self._conversation_id = conversation_id
        self._reading.start(0)

    def counted(self, conversation_id: str, answer_id: str, model: str, tokens: int) -> None:
        """The server refused the branch ending at ``answer_id`` as longer than
        ``model``'s context, and said it has ``tokens``: shown while that stays so."""
        try:
            system = self._store.get_conversation(conversation_id).system_prompt or ""
        except StoreError:  # deleted meanwhile, or the history is busy: estimated
            return
        self._stated[conversation_id] = (answer_id, model, tokens, system)
        if conversation_id == self._conversation_id:
            self._reading.start(0)

    def draft_changed(self) -> None:
        """The message field's text changed: weighed once typing pauses."""
        self._weighing.start()

    def _read(self) -> None:
        conversation_id = self._conversation_id
        self._branch, self._usage, self._stated_now = [], {}, None
        self._system_size = len((self._new_chat_system() or "").encode())
        if conversation_id is not None:
            try:
                conversation = self._store.get_conversation(conversation_id)
                tree = MessageTree(self._store.outline(conversation_id))
                branch = tree.path_to(conversation.current_leaf_id) or tree.path_to(
                    tree.latest_leaf()
                )
                self._branch = branch
                stated = self._stated.get(conversation_id)
                leaf = branch[-1] if branch else None
                system = conversation.system_prompt or ""
                # Still the refused answer at the end of the branch, not answered since,
                # and the same system prompt (Parameters change it, and the request's length).
                if (
                    stated
                    and leaf
                    and leaf.id == stated[0]
                    and leaf.status is MessageStatus.ERROR
                    and system == stated[3]
                ):
                    self._stated_now = stated[1], stated[2]
                self._usage = self._store.usage_by_message(conversation_id)
                self._system_size = len(system.encode())
            except StoreError:  # deleted meanwhile, or the history is busy: no gauge
                self._branch, self._usage, self._stated_now = [], {}, None
        self._show()

    def refuses_send(self) -> bool:
        """Whether the question in the message field is clearly too long for the model
        (see ``too_long_to_send``): then this line says so and what to do, and it is
        not sent. Weighed now, not after the pause in typing."""
        self._weighing.stop()
        if self._reading.isActive():  # the conversation shown changed just now
            self._reading.stop()
            self._read()
        else:
            self._show()
        model = self._model()
        note = too_long_to_send(self._use(model), model)
        if note is not None:
            self._present(note)
        return note is not None

    def _use(self, model: str) -> ContextUse | None:
        stated = self._stated_now
        return context_use(
            self._branch,
            self._usage,
            limit=self._context_length(model) if model else None,
            system_size=self._system_size,
            draft_size=len(self._draft().encode()),
            stated=stated[1] if stated and stated[0] == model else None,
        )

    def _show(self) -> None:
        model = self._model()
        note = describe(self._use(model), model)
        self.note = note
        if note is None:
            self.hide()
            return
        self._present(note)

    def _present(self, note: ContextNote) -> None:
        self.note = note
        self.setText(note.text)
        self.setToolTip(note.detail)
        self.setAccessibleName(note.text)
        self.setAccessibleDescription(note.detail)
        # One short line sits at the right, under the end of the text; a warning of
        # several lines reads from the left, as any paragraph.
        self.setAlignment(
            (Qt.AlignmentFlag.AlignRight if note.level == "info" else Qt.AlignmentFlag.AlignLeft)
            | Qt.AlignmentFlag.AlignVCenter
        )
        if self.property("tone") != _TONES[note.level]:
            self.setProperty("tone", _TONES[note.level])
            self.style().unpolish(self)
            self.style().polish(self)
        self.show()

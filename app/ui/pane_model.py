"""The chat pane's model: the one the next question goes to (the picker, a new
chat's draft model, the catalog changing under it), what a new chat starts with (the
model, system prompt and parameters chosen for it), the model a failed answer's Retry
offers, and the context length the gauge measures against.

Part of ChatPane, as a mixin: it works on the pane's store, catalog, controller and
widgets (declared below for the type checker; the pane defines them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from app.api.errors import model_now_chosen
from app.chat.catalog import ModelCatalog
from app.chat.controller import ChatController, NewChat
from app.domain.messages import ChatParams, Message, MessageStatus
from app.store.conversations import ConversationStore
from app.store.errors import StoreError
from app.ui.context_gauge import ContextGauge
from app.ui.model_picker import ModelPicker
from app.ui.transcript.retry_offer import RetryOffer
from app.ui.transcript.view import TranscriptView

if TYPE_CHECKING:
    _Pane = QWidget
else:
    _Pane = object


class ModelInPane(_Pane):
    # The pane's; declared for the type checker.
    _store: ConversationStore
    _catalog: ModelCatalog
    _controller: ChatController
    _draft_model: str | None
    _draft_setup: tuple[str | None, ChatParams] | None
    _new_chat_defaults: Callable[[], NewChat]
    picker: ModelPicker
    transcript: TranscriptView
    context_gauge: ContextGauge

    if TYPE_CHECKING:

        @property
        def conversation_id(self) -> str | None: ...

    def _retry_model(self, answer: Message) -> str | None:
        """The model a failed answer is retried with when the endpoint refused its own
        as retired, and the conversation still names that one (otherwise Retry already
        asks the conversation's model)."""
        model = answer.model
        if answer.status is not MessageStatus.ERROR or not model:
            return None
        if answer.conversation_id != self.conversation_id or self.picker.model != model:
            return None
        return self._catalog.replacement_for(model)

    def _retry_offer(self, answer: Message) -> RetryOffer:
        """A failed answer's panel: whether Retry asks another model, whether the
        advice to choose another model is done (the conversation went on with one), and
        until when the server asked not to be asked again."""
        note = None
        model, chosen = answer.model, self.picker.model
        if answer.error and model and answer.conversation_id == self.conversation_id:
            note = model_now_chosen(answer.error, model, chosen) if chosen != model else None
        ready_at = self._controller.retry_ready_at(answer.id)
        return RetryOffer(self._retry_model(answer), note, ready_at)

    def _retry(self, message_id: str) -> None:
        """Retry: with the retired model's replacement, chosen for the conversation as
        its header's Switch would, when the answer's button offers one."""
        try:
            answer = self._store.get_message(message_id)
        except StoreError:
            return
        replacement = self._retry_model(answer)
        if replacement is not None:
            self.picker.set_model(replacement)
            self._on_model_chosen(replacement)
        self._controller.retry(message_id)

    def _on_catalog_changed(self) -> None:
        # A model refused: a failed answer's Retry may offer its replacement.
        self.transcript.set_retry_offer(self._retry_offer)
        # Another endpoint, its list refreshed, or a model it refused: what the next
        # question goes to may change. An open conversation keeps its own model (the
        # picker marks it).
        if self.conversation_id is None:
            if self._draft_model and not self._catalog.serves(self._draft_model):
                self._draft_model = None  # the default then: one this endpoint serves
            if self._draft_model is None:  # the default may be another one now
                self.picker.set_model(self._new_chat_defaults().model)
            return
        try:
            conversation = self._store.get_conversation(self.conversation_id)
        except StoreError:  # deleted meanwhile: the list opens another
            return
        if not conversation.model:  # follows the default until its first question
            self.picker.set_model(self._controller.model_for(conversation))

    def _on_model_chosen(self, model: str) -> None:
        self.context_gauge.track(self.conversation_id)  # another context length
        if self.conversation_id is None:
            self._draft_model = model
        else:
            self._store.update_conversation(self.conversation_id, model=model)
            # Retry now asks this model: no offer of another.
            self.transcript.set_retry_offer(self._retry_offer)

    def _context_length(self, model: str) -> int | None:
        card = self._catalog.card(model)
        return card.max_context_length if card is not None else None

    def draft_chat(self) -> NewChat:
        """What the new chat will start with: the defaults, with what was chosen for it."""
        defaults = self._new_chat_defaults()
        system, params = self._draft_setup or (defaults.system_prompt, defaults.params)
        return NewChat(self._draft_model or defaults.model, system, params)

    def set_draft_setup(self, system_prompt: str | None, params: ChatParams) -> None:
        """System prompt and parameters for the new chat only, not the ones after it."""
        self._draft_setup = (system_prompt, params)
        self.context_gauge.track(self.conversation_id)

    def set_draft_model(self, model: str) -> None:
        """The model the next new chat starts with (from the parameters dialog)."""
        self._draft_model = model
        self.picker.set_model(model)
        self.context_gauge.track(self.conversation_id)

"""Keeps a transcript in step with the chat controller for the conversation it shows."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Signal

from app.chat.controller import ChatController
from app.chat.tool_calls import CallActivity
from app.domain.messages import Message, Role
from app.domain.tree import MessageTree
from app.store.conversations import ConversationStore
from app.ui.transcript.view import TranscriptView


class _Awaited:
    """A request of a conversation that has had no words back yet. (A plain class: a
    dataclass costs most of a millisecond of every start-up to make.)"""

    __slots__ = ("resumed", "retry")

    def __init__(self, resumed: str | None = None) -> None:
        self.resumed = resumed  # the answer a Continue carries on in place, if one
        self.retry: tuple[float, str] | None = None  # asked again at (monotonic), why


class TranscriptBinding(QObject):
    """Routes the controller's signals for ``conversation_id`` to one transcript.

    Both the main window and the quick window show conversations; each owns a binding.

    Signals:
        busy_changed(bool): an answer started or ended in the bound conversation.
        title_changed(str): the bound conversation's title changed.
        reload_requested(str): its current branch moved; the owner shows it again.
    """

    busy_changed = Signal(bool)
    title_changed = Signal(str)
    reload_requested = Signal(str)

    def __init__(
        self, transcript: TranscriptView, store: ConversationStore, controller: ChatController
    ) -> None:
        super().__init__(transcript)
        self._transcript = transcript
        self._store = store
        self.conversation_id: str | None = None
        # Of every conversation, shown or not: opened again while its request waits,
        # it shows the waiting line again (it showed the question alone, as if the
        # answer had been forgotten).
        self._awaited: dict[str, _Awaited] = {}
        controller.message_stored.connect(self._on_message_stored)
        controller.answer_pending.connect(self._on_pending)
        controller.answer_resuming.connect(self._on_resuming)
        controller.answer_waiting.connect(self._on_waiting)
        controller.answer_thinking.connect(self._on_thinking)
        controller.answer_delta.connect(transcript.append_delta)
        controller.answer_finished.connect(self._on_finished)
        controller.answer_saved_later.connect(self._on_saved_later)
        controller.streaming_changed.connect(self._on_streaming)
        controller.branch_changed.connect(self._on_branch_changed)
        controller.conversation_changed.connect(self._on_conversation_changed)
        controller.tool_activity.connect(self._on_tool_activity)

    def _mine(self, conversation_id: str) -> bool:
        return conversation_id == self.conversation_id

    def show_waiting(self) -> None:
        """The bound conversation was shown anew: the line where its answer will be, if
        its request has had no words back yet."""
        awaited = self._awaited.get(self.conversation_id or "")
        if awaited is None:
            return
        if awaited.resumed is not None:
            if not self._transcript.shows(awaited.resumed):
                return
            self._transcript.await_more(awaited.resumed)  # the line under its text
        retry = awaited.retry
        if retry is not None:
            self._transcript.show_pending(waiting=(max(0.0, retry[0] - time.monotonic()), retry[1]))
        elif awaited.resumed is None:
            self._transcript.show_pending()

    def _on_message_stored(self, message: Message) -> None:
        if message.role is Role.ASSISTANT:  # its first words (or why none will come)
            self._awaited.pop(message.conversation_id, None)
        if self._mine(message.conversation_id):
            self._transcript.add_message(message, self._branch_of(message))

    def _branch_of(self, message: Message) -> tuple[int, int]:
        """The message's place among its alternatives and their count, as stored.

        A message not stored (an answer whose end the history could not take yet) is
        shown alone, as the one version there is so far.
        """
        return self._store.version_of(message.id) or (0, 1)

    def _on_pending(self, conversation_id: str, _parent_id: str) -> None:
        self._awaited[conversation_id] = _Awaited()
        if self._mine(conversation_id):
            self._transcript.show_pending()

    def _on_resuming(self, conversation_id: str, message_id: str) -> None:
        self._awaited[conversation_id] = _Awaited(resumed=message_id)
        if self._mine(conversation_id):
            self._transcript.await_more(message_id)

    def _on_waiting(self, conversation_id: str, seconds: float, why: str) -> None:
        awaited = self._awaited.setdefault(conversation_id, _Awaited())
        awaited.retry = (time.monotonic() + seconds, why)
        if self._mine(conversation_id):
            self._transcript.show_pending(waiting=(seconds, why))

    def _on_thinking(self, conversation_id: str, piece: str) -> None:
        if self._mine(conversation_id):
            self._transcript.show_thought(piece)

    def _on_finished(self, message: Message) -> None:
        self._awaited.pop(message.conversation_id, None)
        if not self._mine(message.conversation_id):
            return
        if self._transcript.shows(message.id):
            self._transcript.finish_message(message)
        else:
            # Nothing of it came (a refused request): its row was stored only now, maybe
            # beside older versions, and its switcher must say so at once (else the
            # exchanges under those versions seemed lost until the chat was reopened).
            self._transcript.add_message(message, self._branch_of(message))

    def _on_saved_later(self, message: Message) -> None:
        """An answer said not saved is stored now. Shown, it says so; asked again since
        (Retry), the new version stays shown and its switcher counts the saved one.
        (Taken for a new answer, it came back in place of the one being written, and
        the line waiting for that one went.)"""
        if not self._mine(message.conversation_id):
            return
        if self._transcript.shows(message.id):
            self._transcript.finish_message(message)
            return
        tree = MessageTree(self._store.outline(message.conversation_id))
        if message.id not in tree.by_id:
            return
        siblings = tree.siblings(message.id)
        self._transcript.set_branches(
            {sibling.id: (index, len(siblings)) for index, sibling in enumerate(siblings)}
        )

    def _on_streaming(self, conversation_id: str, busy: bool) -> None:
        if not busy:
            self._awaited.pop(conversation_id, None)
        if self._mine(conversation_id):
            self.busy_changed.emit(busy)

    def _on_tool_activity(self, activity: CallActivity) -> None:
        if self._mine(activity.conversation_id):
            self._transcript.show_tool_activity(activity)

    def _on_branch_changed(self, conversation_id: str) -> None:
        # Before a request (which says when it is out) or after one that added nothing:
        # shown again now, it waits for no words.
        self._awaited.pop(conversation_id, None)
        if self._mine(conversation_id):
            self.reload_requested.emit(conversation_id)

    def _on_conversation_changed(self, conversation_id: str) -> None:
        if self._mine(conversation_id):
            self.title_changed.emit(self._store.get_conversation(conversation_id).title)

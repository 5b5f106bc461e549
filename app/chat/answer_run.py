"""Running one answer: its request streamed into the store, its text handed to the
windows as it comes, and its end told (finished, failed, stopped, or not saved).

Part of ChatController, as a mixin: it works on the controller's store, clients,
bookkeeping and signals (declared below for the type checker).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal

from app.api.errors import AuthenticationError, ContextTooLong, ModelUnavailable
from app.chat.continues import Continues, told_of
from app.chat.unsaved import UnsavedAnswers, not_saved_report, shown_unsaved
from app.domain.messages import Message, Role
from app.store.errors import StoreError

if TYPE_CHECKING:
    from PySide6.QtCore import QObject

    from app.answering.recorder import AnswerOutcome
    from app.api.types import ChatRequest, StreamEvent
    from app.chat.catalog import ModelCatalog
    from app.chat.clients import ClientSource
    from app.chat.controller import _SaidBusy
    from app.chat.retry_waits import RetryWaits
    from app.store.conversations import ConversationStore

    _Controller = QObject
else:
    _Controller = object

log = logging.getLogger(__name__)


class AnswerRunning(_Controller):
    # The controller's, declared for the type checker.
    _store: ConversationStore
    _clients: ClientSource
    _catalog: ModelCatalog
    _live: dict[str, list[str]]
    _stopped_as_ended: set[str]
    _unsaved: UnsavedAnswers
    _continues: Continues
    _waits: RetryWaits

    if TYPE_CHECKING:
        message_stored = Signal(object)
        answer_delta = Signal(str, str)
        answer_waiting = Signal(str, float, str)
        answer_thinking = Signal(str, str)
        answer_finished = Signal(object)
        answer_saved_later = Signal(object)
        streaming_changed = Signal(str, bool)
        branch_changed = Signal(str)
        conversation_changed = Signal(str)
        continue_failed = Signal(str, str)
        context_counted = Signal(str, str, str, int)

        def live_text(self, message_id: str) -> str | None: ...
        def _say_busy(self, conversation_id: str, said: _SaidBusy | None) -> None: ...

    async def _answer_once(
        self,
        conversation_id: str,
        parent_id: str,
        request: ChatRequest,
        continue_from: Message | None,
        *,
        in_place: bool,
        replacing: str | None,
        said_busy: _SaidBusy | None = None,
    ) -> AnswerOutcome | None:
        """One streamed answer; its outcome, or None when it could not be saved.

        ``said_busy``: streaming_changed said the conversation busy already.
        """
        import asyncio  # not at start-up: see app.tasks

        # httpx: not at start-up
        from app.answering.recorder import AnswerNotSaved, AnswerRecorder
        from app.api.types import ContentDelta, ThinkingDelta

        client = self._clients.client()
        started: list[Message] = []
        # Text is handed to the window once per batch of events read together, not
        # per token: a Qt signal per token would cost more than the token itself.
        pending: list[str] = []
        thoughts: list[str] = []  # a reasoning model's, before its answer
        loop = asyncio.get_running_loop()

        def flush() -> None:
            if pending and started:
                text = "".join(pending)
                self._live[started[0].id].append(text)
                self.answer_delta.emit(started[0].id, text)
            pending.clear()
            if thoughts:
                self.answer_thinking.emit(conversation_id, "".join(thoughts))
            thoughts.clear()

        def on_started(message: Message) -> None:
            started.append(message)
            self._continues.version_stored(conversation_id)
            self._live[message.id] = [message.content]
            self.message_stored.emit(message)

        def on_event(event: StreamEvent) -> None:
            if isinstance(event, ContentDelta) and started:
                if not pending:
                    loop.call_soon(flush)
                pending.append(event.text)
            elif isinstance(event, ThinkingDelta) and not started:
                if not thoughts:
                    loop.call_soon(flush)
                thoughts.append(event.text)

        self._say_busy(conversation_id, said_busy)
        unsaved: StoreError | None = None
        unchanged: list[bool] = []  # a Continue that stored nothing (see the recorder)
        try:
            outcome = await AnswerRecorder(self._store, client).run(
                conversation_id=conversation_id,
                parent_id=parent_id,
                request=request,
                on_event=on_event,
                on_started=on_started,
                continue_from=continue_from,
                in_place=in_place,
                replacing=replacing,
                on_wait=lambda seconds, why: self.answer_waiting.emit(
                    conversation_id, seconds, why
                ),
                on_unchanged=lambda: unchanged.append(True),
                on_save_trouble=self._unsaved.teller(
                    conversation_id,
                    lambda: (self.live_text(started[0].id) or "") if started else "",
                ),
            )
            await self._before_showing(outcome)
        except StoreError as error:
            if not started and not isinstance(error, AnswerNotSaved):
                raise  # nothing on screen to keep: the task's error says why
            unsaved = error
        finally:
            flush()
            self._end_answer(conversation_id, started, unsaved, unchanged=bool(unchanged))
        if isinstance(unsaved, AnswerNotSaved) and not started and unsaved.unstored is None:
            # Nothing of it is on screen to carry the error: the task's error shows it.
            raise not_saved_report(unsaved) from unsaved
        if unsaved is not None:
            return None
        self._learn_from(outcome, request.model, started=bool(started))
        return outcome

    def _learn_from(self, outcome: AnswerOutcome, model: str, *, started: bool) -> None:
        """What an answer's outcome tells about the model and the key, and to the person
        of a Continue that added nothing."""
        told = told_of(outcome)
        if told is not None:
            # Nothing of it is stored on the answer (which may say why it ended before,
            # and that stays): told once, as ChatGPT and Claude do.
            self.continue_failed.emit(outcome.message.conversation_id, told)
        if outcome.error is not None:
            # The log holds what went wrong, for a user who reports it (never the key:
            # the messages do not hold it, and the log redacts keys it has seen).
            log.warning(
                "An answer in %s failed: %s", outcome.message.conversation_id, outcome.error
            )
        if isinstance(outcome.error, ContextTooLong) and not outcome.added_nothing:
            counted, answer = outcome.error.prompt_tokens, outcome.message
            if counted:  # the gauge shows the server's count, not its estimate
                self.context_counted.emit(answer.conversation_id, answer.id, model, counted)
        if isinstance(outcome.error, ModelUnavailable):
            # New chats then get another model (a retired one's replacement).
            self._catalog.note_refused(outcome.error.model)
        elif outcome.error is None or started:
            self._catalog.note_answered(model)
        if isinstance(outcome.error, AuthenticationError):
            # The key may have been replaced meanwhile (`maestrale key set`, as the error
            # itself suggests): Retry reads it from the keychain again.
            self._clients.invalidate()

    async def _before_showing(self, outcome: AnswerOutcome) -> None:
        """What comes between the history storing an answer's end and the window showing
        it (answer_finished): the outcome noted for later retries, and a turn of the event
        loop (the two in one stretch held the window for 15-25 ms after a long answer)."""
        self._waits.note(outcome)
        if await _turn_for_the_window():
            self._stopped_as_ended.add(outcome.message.conversation_id)

    def _end_answer(
        self,
        conversation_id: str,
        started: list[Message],
        unsaved: StoreError | None,
        *,
        unchanged: bool = False,
    ) -> None:
        from app.answering.recorder import AnswerNotSaved

        live = "".join(self._live.pop(started[0].id, [])) if started else ""
        if unsaved is None:
            self._unsaved.saved(conversation_id)  # its end is stored after all: no notice
        if self._continues.ended(conversation_id) and unchanged:
            # A new version of which nothing came: none is stored, and the window shows
            # the conversation as stored again (the later exchange under the answer, at
            # most marked complete); reloaded while still busy, it is unlocked just after.
            self.branch_changed.emit(conversation_id)
            self.streaming_changed.emit(conversation_id, False)
            self.conversation_changed.emit(conversation_id)
            return
        self.streaming_changed.emit(conversation_id, False)
        final: Message | None = None
        if isinstance(unsaved, AnswerNotSaved):
            self._unsaved.save_later(conversation_id, unsaved)  # said at once
            if not started and unsaved.unstored is None:
                # The window still waits for the answer's first word: it shows the
                # question again as stored, unanswered.
                self.branch_changed.emit(conversation_id)
                self.conversation_changed.emit(conversation_id)
                return
            # Nothing of it arrived, and its error card shows now, under the id it is
            # stored with later (then shown again, with its Retry).
            final = unsaved.unstored
        if final is None:
            final = self._final_message(started, conversation_id)
        if final is not None and unsaved is not None:
            # The history could not take its end: the window keeps the whole
            # text, and says it is not saved.
            final = shown_unsaved(final, unsaved, live=live, started=bool(started))
        if final is not None:
            self.answer_finished.emit(final)
        self.conversation_changed.emit(conversation_id)

    def _saved_later(self, conversation_id: str, answer: Message) -> None:
        """The end of an answer is saved now, after the history refused it (its notice
        is gone)."""
        self.answer_saved_later.emit(answer)
        self.conversation_changed.emit(conversation_id)

    def _final_message(self, started: list[Message], conversation_id: str) -> Message | None:
        if started:
            try:
                return self._store.get_message(started[0].id)
            except StoreError:
                return started[0]
        leaf = self._store.get_conversation(conversation_id).current_leaf_id
        if leaf is None:
            return None
        message = self._store.get_message(leaf)
        return message if message.role is Role.ASSISTANT else None


async def _turn_for_the_window() -> bool:
    """Let the event loop run once (see AnswerRunning._before_showing); True when the
    answer was stopped meanwhile."""
    import asyncio  # loaded by then (not at start: see app.window_start)

    try:
        await asyncio.sleep(0)
    except asyncio.CancelledError:
        # Stopped just as it ended: it is stored whole, and shown so; what it asked for
        # next (its tool calls) is not done.
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
        return True
    return False

"""Streams one answer into the history as it arrives, so a crash or kill loses < 1 s of it.

The answer's row is created at its first token and its text saved at least once a
second (a background flush every half second, and inline when a second has passed),
then once more at the end with its final status.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from app.answering.continuation import Continuation
from app.api.client import ChatStream, MistralClient
from app.api.errors import ApiError
from app.api.types import ChatRequest, ContentDelta, StreamEvent, ToolCallDelta
from app.domain.messages import Message, MessageStatus, Role, utc_now
from app.store.conversations import ConversationStore
from app.store.errors import DatabaseBusy, StoreError
from app.store.ids import new_id

log = logging.getLogger(__name__)

STOPPED_BY_USER = "Stopped before the end; the text so far is kept."
STOPPED_BEFORE_TEXT = "Stopped before the answer began."
# While the history cannot be written (another process holds it, the disk is full), the
# answer goes on in memory and saving is tried again this often.
RETRY_SAVE_AFTER = 3.0
# How long each of those saves waits for the other process's lock: they run on the
# window's thread, which the usual five seconds froze at each try. While an answer
# streams, the saves tried again after one met the lock do not wait at all: another
# comes a few seconds later, and 200 ms every few seconds made the text stutter for as
# long as an import held the history.
SAVE_WAIT_MS = 200
# How long an answer's final save is tried while another program holds the history,
# before the answer ends unsaved (said so) and app.chat.unsaved tries on in the background
# (a minute of it kept the window in Stop, the whole answer already shown, for nothing).
FINAL_SAVE_PATIENCE = 3.0


class AnswerNotSaved(StoreError):
    """The end of an answer could not be stored within the final save's patience.

    ``error`` is why the answer itself failed, if it did; ``text`` all that arrived;
    ``unstored`` the answer as it will be stored, when nothing of it is stored yet (its
    row would only be added at the end: nothing arrived). ``save_again`` tries the
    final save once more (raising the store's error again); ``give_up`` marks the
    stored answer, if any, as cut short by the failed save.
    """

    def __init__(
        self,
        trouble: StoreError,
        error: ApiError | None,
        text: str,
        save_again: Callable[[], Message],
        give_up: Callable[[], None],
        *,
        unstored: Message | None = None,
    ) -> None:
        super().__init__(str(trouble))
        self.trouble = trouble
        self.error = error
        self.text = text
        self.save_again = save_again
        self.give_up = give_up
        self.unstored = unstored


@dataclass(frozen=True, slots=True)
class AnswerOutcome:
    """The stored answer and, when it did not complete, why; ``added_nothing``: a
    continuation that brought no new text (failed before any, or the model had nothing
    to add), whose ``message`` is the answer it carried on, its text as it was."""

    message: Message
    error: ApiError | None = None
    added_nothing: bool = False


class AnswerRecorder:
    """Runs one chat stream and keeps the store in step with it.

    Args:
        store: where the answer is written.
        client: the API client to stream from.
        flush_interval: seconds between background saves of the growing text.
        retry_save_after: seconds before a failed save is tried again.
        final_save_patience: seconds the final save is tried before giving up.
    """

    def __init__(
        self,
        store: ConversationStore,
        client: MistralClient,
        *,
        flush_interval: float = 0.5,
        retry_save_after: float | None = None,
        final_save_patience: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._client = client
        self._flush_interval = flush_interval
        self._retry_save_after = RETRY_SAVE_AFTER if retry_save_after is None else retry_save_after
        self._final_save_patience = (
            FINAL_SAVE_PATIENCE if final_save_patience is None else final_save_patience
        )
        self._clock = clock

    async def run(
        self,
        *,
        conversation_id: str,
        parent_id: str,
        request: ChatRequest,
        on_event: Callable[[StreamEvent], None] | None = None,
        on_started: Callable[[Message], None] | None = None,
        continue_from: Message | None = None,
        in_place: bool = False,
        on_wait: Callable[[float, str], None] | None = None,
        replacing: str | None = None,
        on_unchanged: Callable[[], None] | None = None,
        on_save_trouble: Callable[[StoreError | None], None] | None = None,
    ) -> AnswerOutcome:
        """Stream the answer to ``request`` as a child of ``parent_id``.

        With ``continue_from`` the request asks the model to carry on from that partial
        answer: the stored answer then starts with its text, and the events carry only
        the new text. ``in_place`` writes it into that answer (the same message, its
        text only growing; a continuation that fails keeps what came and says why),
        else a new answer beside it is stored. ``replacing`` names a failed answer with
        no text that this one is asked instead of: it is deleted once this one is stored
        (the same transaction). API errors are stored and returned, not raised.
        Cancellation stores the text so far as ``interrupted`` and then propagates, as
        asyncio requires.

        A continuation stopped or failed before any new text (nothing yet, or only the
        server's echo of the prefix) stores nothing at all: the answer it carries on
        stays exactly as it was (text, status, why it ended), no version is added, and
        ``on_unchanged`` is told; a failure's outcome then holds that answer as it was.
        Its row is written only from the first new words on, so a crash or kill before
        them leaves the history as it was too. One that ends with nothing new (the
        model had nothing to add) adds no version and no text either, and tells
        ``on_unchanged``; if the model said it had finished, the answer is marked
        complete where it is (its status only, see ``ConversationStore.mark_finished``).

        ``on_save_trouble`` is told the store's error when saving the answer first
        fails (it goes on in memory), and ``None`` once it is saved again.
        """
        run = _Run(
            self,
            conversation_id=conversation_id,
            parent_id=parent_id,
            model=request.model,
            on_started=on_started,
            continue_from=continue_from,
            in_place=in_place,
            replacing=replacing,
            on_save_trouble=on_save_trouble,
        )
        stream = self._client.stream(request)
        stream.on_wait = on_wait  # before the first token: a retry after a 429, say
        try:
            async with stream:
                async for event in stream:
                    shown = run.on_event(event, stream)
                    if on_event is not None and shown is not None:
                        on_event(shown)
        except asyncio.CancelledError:
            await run.stop_flushing()
            if continue_from is not None and run.nothing_new(stream):
                if on_unchanged is not None:
                    on_unchanged()
                raise
            why = STOPPED_BY_USER if run.text(stream) else STOPPED_BEFORE_TEXT
            await run.finish(stream, MessageStatus.INTERRUPTED, why, None)
            raise
        except ApiError as error:  # StreamInterrupted included: its partial text is kept
            await run.stop_flushing()
            if continue_from is not None and run.nothing_new(stream):
                if on_unchanged is not None:
                    on_unchanged()
                return AnswerOutcome(continue_from, error, added_nothing=True)
            message = await run.finish(stream, MessageStatus.ERROR, error.message, error)
            return AnswerOutcome(message, error)
        finally:
            await run.stop_flushing()
        if continue_from is not None and run.nothing_new(stream):
            # Ended at once, or after only the echo of the text: stored as a version,
            # it was a copy of the answer ("2 / 2" of the same text).
            if on_unchanged is not None:
                on_unchanged()
            return AnswerOutcome(finished_as_it_is(self._store, continue_from, stream), None, True)
        return AnswerOutcome(await run.finish(stream, MessageStatus.COMPLETE, None, None))


class _Run:
    """The state of one recording: the stored row and what is not yet saved."""

    def __init__(
        self,
        recorder: AnswerRecorder,
        *,
        conversation_id: str,
        parent_id: str,
        model: str,
        on_started: Callable[[Message], None] | None,
        continue_from: Message | None = None,
        in_place: bool = False,
        replacing: str | None = None,
        on_save_trouble: Callable[[StoreError | None], None] | None = None,
    ) -> None:
        self._recorder = recorder
        self._on_save_trouble = on_save_trouble
        self._replacing = replacing
        self._continuation = (
            Continuation(continue_from.content) if continue_from is not None else None
        )
        # The answer carried on in place, when it is (its own row is written again).
        self._extending = continue_from if in_place else None
        self._store = recorder._store
        self._conversation_id = conversation_id
        self._parent_id = parent_id
        self._model = model
        self._on_started = on_started
        self._message: Message | None = None
        self._stream: ChatStream | None = None
        self._dirty = False
        self._last_save = 0.0
        self._flusher: asyncio.Task[None] | None = None
        self._finished: Message | None = None
        # The id an attempt that never started is stored with: shown before it can be
        # stored (the history locked), it is the same message once it is.
        self._attempt_id = new_id()
        self._trouble: StoreError | None = None  # why the last write failed, if it did
        self._retry_at = 0.0

    def text(self, stream: ChatStream) -> str:
        if self._continuation is not None:
            return self._continuation.text
        return stream.answer.text

    def nothing_new(self, stream: ChatStream) -> bool:
        """A continuation of which nothing new came yet (no text past the prefix, no
        tool call): no row of it is written, and the answer it carries on is as it was."""
        continuation = self._continuation
        return (
            continuation is not None
            and self._message is None
            and continuation.text == continuation.prefix
            and not stream.answer.tool_calls
        )

    def on_event(self, event: StreamEvent, stream: ChatStream) -> StreamEvent | None:
        """Keep the store in step; returns the event as the reader should see it."""
        self._stream = stream
        if isinstance(event, ContentDelta | ToolCallDelta):
            if isinstance(event, ContentDelta) and self._continuation is not None:
                event = ContentDelta(self._continuation.feed(event.text))
                if self.nothing_new(stream):
                    # The prefix echoed back, so far: stopped or failed now, the answer
                    # must stay as it was, with no copy of it as a new version.
                    return None
            self._dirty = True
            if self._message is None:
                if self._flusher is None:
                    self._flusher = asyncio.get_running_loop().create_task(
                        self._flush_periodically()
                    )
                late = self._trouble is not None
                if not self._begin(stream):
                    return None  # kept in memory, shown once it is stored
                if late:
                    return None  # the stored answer already holds all the text so far
                self._dirty = True  # this event's text is not saved yet
            if isinstance(event, ContentDelta) and not event.text:
                return None
            if self._recorder._clock() - self._last_save >= 1.0:
                self.save()
        return event

    def _begin(self, stream: ChatStream) -> bool:
        """Store the answer's row; False while the history cannot be written."""
        if not self._can_write():
            return False
        # Begun late (the history was busy), it starts with all the text so far.
        late = self._trouble is not None
        start = self.text(stream) if late else None
        if start is None and self._continuation is not None:
            start = self._continuation.prefix
        try:
            with self._store.waiting_at_most(self._streaming_wait_ms()):
                if self._extending is not None:
                    message = self._store.resume_answer(self._extending.id)
                else:
                    message = self._store.begin_answer(
                        self._conversation_id,
                        parent_id=self._parent_id,
                        model=stream.answer.model or self._model,
                        replacing=self._replacing,
                    )
                if start and start != message.content:
                    self._store.save_partial(message.id, start)
        except StoreError as error:
            self._failed(error)
            return False
        self._message = replace(message, content=start) if start else message
        self._recovered()
        if self._on_started is not None:
            self._on_started(self._message)
        return True

    def _streaming_wait_ms(self) -> int:
        """How long a save while streaming waits for a lock: not at all when the last
        one met it (see ``SAVE_WAIT_MS``)."""
        return 0 if self._trouble is not None else SAVE_WAIT_MS

    def _can_write(self) -> bool:
        return self._trouble is None or self._recorder._clock() >= self._retry_at

    def _failed(self, error: StoreError) -> None:
        first = self._trouble is None
        if first:
            log.warning("Saving the answer failed; it goes on in memory: %s", error)
        self._trouble = error
        self._retry_at = self._recorder._clock() + self._recorder._retry_save_after
        if first and self._on_save_trouble is not None:
            self._on_save_trouble(error)  # the window says so at once, not only the log

    def _recovered(self) -> None:
        troubled = self._trouble is not None
        if troubled:
            log.info("The answer is saved again")
        self._trouble = None
        if troubled and self._on_save_trouble is not None:
            self._on_save_trouble(None)
        self._dirty = False
        self._last_save = self._recorder._clock()

    def save(self) -> None:
        """Save the text so far (a failure is kept for later, never raised: the answer
        must go on while another process holds the history or the disk is full)."""
        if self._stream is None or not self._dirty or not self._can_write():
            return
        if self._message is None:
            self._begin(self._stream)
            return
        try:
            with self._store.waiting_at_most(self._streaming_wait_ms()):
                self._store.save_partial(self._message.id, self.text(self._stream))
        except StoreError as error:
            self._failed(error)
            return
        self._recovered()

    async def _flush_periodically(self) -> None:
        while True:
            await asyncio.sleep(self._recorder._flush_interval)
            try:
                self.save()
            except Exception:
                # A failed save must not kill the answer; the final save reports it.
                log.exception("Saving the partial answer failed")

    async def stop_flushing(self) -> None:
        if self._flusher is not None:
            self._flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flusher
            self._flusher = None

    async def finish(
        self,
        stream: ChatStream,
        status: MessageStatus,
        error: str | None,
        api_error: ApiError | None,
    ) -> Message:
        """Store the answer's end, trying again for a while if the history cannot be
        written; then ``AnswerNotSaved`` is raised, which can try again later."""
        deadline = self._recorder._clock() + self._recorder._final_save_patience

        def save_again() -> Message:
            with self._store.waiting_at_most(SAVE_WAIT_MS):
                return self._finish_now(stream, status, error)

        while True:
            try:
                return save_again()
            except StoreError as trouble:
                self._failed(trouble)
                # Another program's lock often ends in a moment (a write of its own): a
                # few seconds are worth waiting, the answer still shown as being written;
                # past them (an import, a backup), the answer ends, said not saved, and is
                # saved once the file is free (app.chat.unsaved). A full disk (or an
                # unwritable one) does not free itself meanwhile: the answer ends at once,
                # Send back rather than Stop and "Nothing new: the server may be busy".
                if self._recorder._clock() >= deadline or not isinstance(trouble, DatabaseBusy):
                    text = self.text(stream)
                    raise AnswerNotSaved(
                        trouble,
                        api_error,
                        text,
                        save_again,
                        functools.partial(self._give_up, trouble),
                        unstored=self._unstored(stream, status, error),
                    ) from trouble
            try:
                await asyncio.sleep(self._recorder._retry_save_after)
            except asyncio.CancelledError:
                # Stopped, or the window closed, while the end is being saved: the
                # text has come, and giving up now lost what was not saved yet (the
                # closing app waits for this task).
                task = asyncio.current_task()
                if task is not None:
                    task.uncancel()

    def _give_up(self, trouble: StoreError) -> None:
        """Mark the stored answer as cut short by the failed save, not by a crash (the
        end of its text is lost: a shorter write may fit where the whole did not)."""
        if self._message is None or self._finished is not None:
            return
        reason = getattr(trouble, "reason", None) or "the history was locked"
        try:
            with self._store.waiting_at_most(SAVE_WAIT_MS):
                self._store.mark_unsaved(
                    self._message.id,
                    f"Saving the answer failed ({reason}): only its beginning was kept. "
                    "Ask again (Retry) for the whole answer.",
                )
        except StoreError as error:
            log.warning("The answer stays marked unfinished: %s", error)

    def _unstored(
        self, stream: ChatStream, status: MessageStatus, error: str | None
    ) -> Message | None:
        """The attempt as ``_finish_now`` would add it, when no row of it is stored."""
        if self._message is not None:
            return None
        if self._extending is not None:
            return replace(self._extending, content=self.text(stream), status=status, error=error)
        answer = stream.answer
        return Message(
            id=self._attempt_id,
            conversation_id=self._conversation_id,
            parent_id=self._parent_id,
            role=Role.ASSISTANT,
            content=self.text(stream),
            created_at=utc_now(),
            status=status,
            model=answer.model or self._model,
            error=error,
            usage=answer.usage,
            tool_calls=tuple(answer.tool_calls),
            finish_reason=answer.finish_reason,
        )

    def _finish_now(self, stream: ChatStream, status: MessageStatus, error: str | None) -> Message:
        if self._finished is not None:
            return self._finished
        answer = stream.answer
        text = self.text(stream)
        if self._message is None and self._extending is not None:
            # Its row never taken up again: the history was locked from the first new
            # words on (they are all in ``text``). The server's counts, if it sent any,
            # are the newer: its prompt held the text.
            self._finished = self._store.finish_answer(
                self._extending.id,
                content=text,
                status=status,
                error=error,
                usage=answer.usage or self._extending.usage,
                tool_calls=self._extending.tool_calls,
                finish_reason=answer.finish_reason or self._extending.finish_reason,
            )
            return self._finished
        if self._message is None:
            # Nothing arrived: still record the attempt, so the history shows what failed.
            self._finished = self._store.add_message(
                self._conversation_id,
                message_id=self._attempt_id,
                role=Role.ASSISTANT,
                content=text,
                parent_id=self._parent_id,
                status=status,
                model=answer.model or self._model,
                error=error,
                usage=answer.usage,
                tool_calls=answer.tool_calls,
                finish_reason=answer.finish_reason,
                replacing=self._replacing,
            )
            return self._finished
        self._finished = self._store.finish_answer(
            self._message.id,
            content=text,
            status=status,
            error=error,
            usage=answer.usage,
            tool_calls=answer.tool_calls,
            finish_reason=answer.finish_reason,
        )
        return self._finished


def finished_as_it_is(store: ConversationStore, answer: Message, stream: ChatStream) -> Message:
    """The answer a continuation added nothing to, marked complete if the model said it
    had finished ("stop", or no reason at all at a proper end); else as it was.

    One short try: the history busy (another program writing), the answer keeps its
    status, and its Continue with it, rather than the window waiting for the history.
    """
    reason = stream.answer.finish_reason
    finished = reason in (None, "stop") and not answer.tool_calls
    if not finished or (answer.status, answer.finish_reason) == (MessageStatus.COMPLETE, reason):
        return answer
    try:
        with store.waiting_at_most(SAVE_WAIT_MS):
            return store.mark_finished(answer.id, reason)
    except StoreError as error:
        log.warning("The answer could not be marked complete: %s", error)
        return answer

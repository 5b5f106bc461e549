"""Streams one answer into the history as it arrives, so a crash or kill loses < 1 s of it.

The answer's row is created at its first token and its text saved at least once a
second (a background flush every half second, and inline when a second has passed),
then once more at the end with its final status.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from app.answering.continuation import Continuation
from app.api.client import ChatStream, MistralClient
from app.api.errors import ApiError, StreamInterrupted
from app.api.types import ChatRequest, ContentDelta, StreamEvent, ToolCallDelta
from app.domain.messages import Message, MessageStatus, Role
from app.store.conversations import ConversationStore

log = logging.getLogger(__name__)

STOPPED_BY_USER = "Stopped before the end; the text so far is kept."
STOPPED_BEFORE_TEXT = "Stopped before the answer began."


@dataclass(frozen=True, slots=True)
class AnswerOutcome:
    """The stored answer and, when it did not complete, why."""

    message: Message
    error: ApiError | None = None


class AnswerRecorder:
    """Runs one chat stream and keeps the store in step with it.

    Args:
        store: where the answer is written.
        client: the API client to stream from.
        flush_interval: seconds between background saves of the growing text.
    """

    def __init__(
        self,
        store: ConversationStore,
        client: MistralClient,
        *,
        flush_interval: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._client = client
        self._flush_interval = flush_interval
        self._clock = clock

    async def run(
        self,
        *,
        conversation_id: str,
        parent_id: str,
        request: ChatRequest,
        on_event: Callable[[StreamEvent], None] | None = None,
        on_started: Callable[[Message], None] | None = None,
        continue_from: str | None = None,
        on_wait: Callable[[float, str], None] | None = None,
    ) -> AnswerOutcome:
        """Stream the answer to ``request`` as a child of ``parent_id``.

        With ``continue_from`` the request asks the model to carry on from that partial
        answer: the stored answer then starts with it, and the events carry only the
        new text. API errors are stored and returned, not raised. Cancellation stores
        the text so far as ``interrupted`` and then propagates, as asyncio requires.
        """
        run = _Run(
            self,
            conversation_id=conversation_id,
            parent_id=parent_id,
            model=request.model,
            on_started=on_started,
            continue_from=continue_from,
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
            why = STOPPED_BY_USER if run.text(stream) else STOPPED_BEFORE_TEXT
            run.finish(stream, MessageStatus.INTERRUPTED, why)
            raise
        except StreamInterrupted as error:
            return AnswerOutcome(run.finish(stream, MessageStatus.ERROR, error.message), error)
        except ApiError as error:
            return AnswerOutcome(run.finish(stream, MessageStatus.ERROR, error.message), error)
        finally:
            await run.stop_flushing()
        return AnswerOutcome(run.finish(stream, MessageStatus.COMPLETE, None))


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
        continue_from: str | None = None,
    ) -> None:
        self._recorder = recorder
        self._continuation = Continuation(continue_from) if continue_from is not None else None
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

    def text(self, stream: ChatStream) -> str:
        if self._continuation is not None:
            return self._continuation.text
        return stream.answer.text

    def on_event(self, event: StreamEvent, stream: ChatStream) -> StreamEvent | None:
        """Keep the store in step; returns the event as the reader should see it."""
        self._stream = stream
        if isinstance(event, ContentDelta | ToolCallDelta):
            if self._message is None:
                self._begin(stream)
            if isinstance(event, ContentDelta) and self._continuation is not None:
                visible = self._continuation.feed(event.text)
                event = ContentDelta(visible)
                if not visible:
                    return None
            self._dirty = True
            if self._recorder._clock() - self._last_save >= 1.0:
                self.save()
        return event

    def _begin(self, stream: ChatStream) -> None:
        self._message = self._store.begin_answer(
            self._conversation_id,
            parent_id=self._parent_id,
            model=stream.answer.model or self._model,
        )
        if self._continuation is not None:
            self._store.save_partial(self._message.id, self._continuation.prefix)
            self._message = replace(self._message, content=self._continuation.prefix)
        self._last_save = self._recorder._clock()
        self._flusher = asyncio.get_running_loop().create_task(self._flush_periodically())
        if self._on_started is not None:
            self._on_started(self._message)

    def save(self) -> None:
        if self._message is None or self._stream is None or not self._dirty:
            return
        self._store.save_partial(self._message.id, self.text(self._stream))
        self._dirty = False
        self._last_save = self._recorder._clock()

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

    def finish(self, stream: ChatStream, status: MessageStatus, error: str | None) -> Message:
        if self._finished is not None:
            return self._finished
        if self._flusher is not None:
            self._flusher.cancel()
        answer = stream.answer
        text = self.text(stream)
        if self._message is None:
            # Nothing arrived: still record the attempt, so the history shows what failed.
            self._finished = self._store.add_message(
                self._conversation_id,
                role=Role.ASSISTANT,
                content=text,
                parent_id=self._parent_id,
                status=status,
                model=answer.model or self._model,
                error=error,
                usage=answer.usage,
                tool_calls=answer.tool_calls,
                finish_reason=answer.finish_reason,
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

"""Why an answer's tool calls got no result, written to the history, or kept until the
history takes it.

A round marks its answer "closed before the tool answered" as it starts, so that a crash
or a kill leaves that reason; the round's outcome replaces it when the round ends. With
the history locked by another program or read-only by then, the mark stayed, and told
after a restart that Maestrale had closed, of a call the person had stopped. The outcome
now waits here and is written as soon as the history can be written again, and tried
once more as Maestrale closes; the person is told it waits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

from app.store.errors import MessageNotFound, StoreError

if TYPE_CHECKING:
    from app.domain.messages import Message
    from app.store.conversations import ConversationStore
    from app.tasks import TaskRunner

log = logging.getLogger(__name__)

RETRY_AFTER = 3.0  # seconds between tries, as for an answer's end (read at each wait)
# How long each write waits for another process's lock: on the window's thread, the
# usual five seconds froze it (as the answer's saves wait: app.answering.recorder).
WAIT_MS = 200
RETRY_TASK = "tool-call-reasons"
NOT_SAVED = (
    "Not saved yet: how the tool calls ended. {trouble} Maestrale saves it as soon as the "
    "history can be written again."
)


class _Unwritten(NamedTuple):  # not a dataclass: made at every start-up, for less
    store: ConversationStore
    answer_id: str
    why: str | None
    on_stored: Callable[[Message], None] | None


class CallReasons:
    """Writes why the calls of answers got no result (``None``: they got theirs).

    Args:
        runner: runs the tries again while a reason waits.
        tell: says to the person that a reason waits for the history (a toast).
    """

    def __init__(self, runner: TaskRunner, tell: Callable[[str], None]) -> None:
        self._runner = runner
        self._tell = tell
        self._stored: dict[str, str | None] = {}  # by answer: its mark, while it stands
        self._unwritten: dict[str, _Unwritten] = {}  # by answer
        self._closed = False

    def mark(self, store: ConversationStore, answer: Message, why: str) -> bool:
        """Write ``why`` now, for a crash to leave (not kept if the history refuses it:
        the round's outcome is what must be written then). Whether it was written."""
        try:
            self._write(store, answer.id, why)
        except StoreError as error:
            log.info("The calls of %s are not marked %r: %s", answer.id, why, error)
            return False
        self._stored[answer.id] = why
        return True

    def keep(
        self,
        store: ConversationStore,
        answer: Message,
        why: str | None,
        on_stored: Callable[[Message], None] | None = None,
        *,
        tell: bool = True,
    ) -> Message | None:
        """Write ``why`` on ``answer``, or keep it to write once the history can be
        written (then given to ``on_stored``; the person is told it waits, unless not
        ``tell``: the error is said otherwise).

        Returns the answer as stored, or as it will be stored; None when it is gone
        (its conversation deleted).
        """
        marked = self._stored.pop(answer.id, _NONE)
        self._unwritten.pop(answer.id, None)
        try:
            return self._write(store, answer.id, why)
        except MessageNotFound:
            return None
        except StoreError as error:
            if marked == why:  # the history says it already
                return replace(answer, error=why)
            if self._closed:  # its last try was this one
                log.warning("Why the calls of %s got no result is lost: %s", answer.id, error)
                return replace(answer, error=why)
            log.warning("Why the calls of %s got no result waits: %s", answer.id, error)
            self._unwritten[answer.id] = _Unwritten(store, answer.id, why, on_stored)
            if not self._runner.running(RETRY_TASK):
                self._runner.start(self._retry(), name=RETRY_TASK)
            if tell:
                self._tell(NOT_SAVED.format(trouble=error))
            return replace(answer, error=why)

    def close(self) -> None:
        """Maestrale is closing: a last try at what waits (what still fails is lost:
        the history keeps what it said before)."""
        self._closed = True
        self._runner.cancel(RETRY_TASK)
        self._write_waiting()
        for unwritten in self._unwritten.values():
            log.warning("Why the calls of %s got no result is lost", unwritten.answer_id)
        self._unwritten.clear()

    async def _retry(self) -> None:
        import asyncio  # running in a task: imported already

        while self._unwritten:
            await asyncio.sleep(RETRY_AFTER)
            self._write_waiting()

    def _write_waiting(self) -> None:
        for unwritten in list(self._unwritten.values()):
            try:
                message = self._write(unwritten.store, unwritten.answer_id, unwritten.why)
            except MessageNotFound:
                message = None
            except StoreError:
                continue
            if self._unwritten.get(unwritten.answer_id) is unwritten:
                del self._unwritten[unwritten.answer_id]
            if message is None:  # deleted meanwhile: nothing left to say it of
                continue
            log.info("Why the calls of %s got no result is saved now", unwritten.answer_id)
            if unwritten.on_stored is not None:
                unwritten.on_stored(message)

    @staticmethod
    def _write(store: ConversationStore, answer_id: str, why: str | None) -> Message:
        with store.waiting_at_most(WAIT_MS):
            return store.note_calls_unrun(answer_id, why)


_NONE = object()  # no mark stands

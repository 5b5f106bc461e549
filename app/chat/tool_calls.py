"""Running the tool calls of an answer: asking the person first where the tool says so,
storing each result as a tool message under the answer, so the next request carries them.

What a call is doing meanwhile (waiting for the person, running) is told as it changes;
calls that got no result keep why on their answer, said under them after a restart too
(written once the history can be, see app.chat.call_reasons).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.chat.call_reasons import CallReasons
from app.domain.messages import Message, Role, ToolCall
from app.store.errors import StoreError
from app.tasks import TaskRunner
from app.tools.registry import CLOSED_BEFORE_ANSWER, Tool, ToolOutput, ToolRegistry

if TYPE_CHECKING:
    from app.api.types import ToolSpec
    from app.store.conversations import ConversationStore

log = logging.getLogger(__name__)

# Rounds of calls one question may lead to before the model must answer in words: a
# model that keeps calling would otherwise never stop (nor stop costing).
MAX_ROUNDS = 10
DECLINED = "The person declined to run this tool call. Do not call it again unless they ask."
TOO_MANY = f"Not run: this question already led to {MAX_ROUNDS} rounds of tool calls."

# Why an answer's calls got no result, kept on the answer (as its ``error``; it stays
# complete) for the window to say under them. The model reads no reason: a call without
# its result is told as such (see app.answering.request).
STOPPED = "You stopped it before the tool answered."
STOPPED_ASKING = "You stopped it before it ran."  # it waited for the person's word
CLOSED = CLOSED_BEFORE_ANSWER
TOOLS_OFF = "Tools were off, so it did not run."
RESULT_NOT_SAVED = "The tool answered, but the history could not take its result."
ROUNDS_USED = f"Not run: the question already led to {MAX_ROUNDS} rounds of tool calls."

ASKING = "asking"  # the call waits for the person's word
RUNNING = "running"

# Asks the person whether a call may run: (conversation id, tool, call) -> yes or no.
Approver = Callable[[str, Tool, ToolCall], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class CallActivity:
    """What the calls of an answer are doing: call ``call_id`` is ASKING or RUNNING
    since ``since`` (seconds of ChatTools' clock); no ``call_id``: none, the round is
    over (its results stored, or it was stopped)."""

    conversation_id: str
    answer_id: str
    call_id: str = ""
    state: str = ""
    since: float = 0.0


@dataclass(frozen=True, slots=True)
class Round:
    """What a round of calls left: the last stored result, to answer after."""

    last_id: str
    stored: tuple[Message, ...]


class ChatTools:
    """The tools offered with each request, and the runner of the calls that come back.

    ``enabled`` is read at each request (the setting can change at any time);
    ``allowed`` says whether a tool runs without asking (the person chose "Always");
    ``clock`` gives the seconds a CallActivity starts at (time.monotonic); ``runner``
    tries again to write why calls got no result, while the history refuses it, and
    ``tell`` says so to the person.
    """

    def __init__(
        self,
        registry: ToolRegistry,
        *,
        enabled: Callable[[], bool],
        allowed: Callable[[Tool], bool] = lambda _tool: False,
        clock: Callable[[], float] = time.monotonic,
        runner: TaskRunner | None = None,
        tell: Callable[[str], None] = lambda _text: None,
    ) -> None:
        self.registry = registry
        self._enabled = enabled
        self._allowed = allowed
        self._clock = clock
        self._reasons = CallReasons(runner or TaskRunner(), tell)
        self._approver: Approver | None = None
        self._activity: dict[str, CallActivity] = {}  # by conversation, while busy
        self._closing = False

    def set_approver(self, approver: Approver) -> None:
        """Who asks the person (the window, built after the controller)."""
        self._approver = approver

    def specs(self) -> tuple[ToolSpec, ...]:
        return self.registry.specs() if self._enabled() else ()

    def close(self) -> None:
        """Maestrale is closing: the calls stopped from now on were cut by it; why the
        calls of earlier rounds got no result, if the history refused it, is tried once
        more."""
        self._closing = True
        self._reasons.close()

    def activity(self, conversation_id: str) -> CallActivity | None:
        """What a call of the conversation is doing now (None: no call is under way)."""
        return self._activity.get(conversation_id)

    async def run_round(
        self,
        store: ConversationStore,
        answer: Message,
        *,
        too_many: bool,
        on_stored: Callable[[Message], None],
        on_activity: Callable[[CallActivity], None] = lambda _activity: None,
    ) -> Round:
        """Run every call of ``answer`` in order and store each result under it.

        With ``too_many`` nothing runs: each call gets a result saying why, so the
        request that follows stays valid and the model answers in words. Stopped (the
        task cancelled), the answer keeps why its calls got no result, and is given
        to ``on_stored`` again.
        """
        import asyncio  # running in a task: imported already

        parent = answer.id
        stored: list[Message] = []
        # Until the round ends, a crash or a kill would leave the calls without results:
        # said so after a restart.
        marked = not too_many and self._reasons.mark(store, answer, CLOSED)
        try:
            for call in answer.tool_calls:
                output = (
                    ToolOutput(TOO_MANY, is_error=True)
                    if too_many
                    else await self._run(answer, call, on_activity)
                )
                message = store.add_message(
                    answer.conversation_id,
                    role=Role.TOOL,
                    content=output.text,
                    parent_id=parent,
                    tool_call_id=call.id,
                    name=call.name,
                    error=_shown_error(output) if output.is_error else None,
                )
                parent = message.id
                stored.append(message)
                on_stored(message)
        except asyncio.CancelledError:
            under_way = self._activity.get(answer.conversation_id)
            asking = under_way is not None and under_way.state == ASKING
            why = CLOSED if self._closing else STOPPED_ASKING if asking else STOPPED
            noted = self._reasons.keep(store, answer, why, on_stored)
            if noted is not None:
                on_stored(noted)
            raise
        except StoreError:
            # A result the history did not take (locked, read-only): the round ends,
            # and its error is told as the answer's task fails.
            noted = self._reasons.keep(store, answer, RESULT_NOT_SAVED, on_stored, tell=False)
            if noted is not None:
                on_stored(noted)
            raise
        finally:
            if self._activity.pop(answer.conversation_id, None) is not None:
                on_activity(CallActivity(answer.conversation_id, answer.id))
        if marked:
            self._reasons.keep(store, answer, None, on_stored)
        return Round(parent, tuple(stored))

    def note_not_run(
        self,
        store: ConversationStore,
        answer: Message,
        *,
        rounds_used: bool = False,
        stopped: bool = False,
    ) -> Message | None:
        """The answer's calls are shown, not run: keep why, when it is known (stopped
        as the answer ended, tools off, or the question's rounds used up). The answer as
        stored then, or None."""
        if stopped:
            return self._reasons.keep(store, answer, STOPPED_ASKING)
        if rounds_used:
            return self._reasons.keep(store, answer, ROUNDS_USED)
        return None if self._enabled() else self._reasons.keep(store, answer, TOOLS_OFF)

    async def _run(
        self, answer: Message, call: ToolCall, on_activity: Callable[[CallActivity], None]
    ) -> ToolOutput:
        tool = self.registry.find(call.name)
        if tool is not None and tool.ask_first and not self._allowed(tool):
            self._tell(answer, call, ASKING, on_activity)
            approver = self._approver
            if approver is None or not await approver(answer.conversation_id, tool, call):
                log.info("Tool call %s declined", tool.key)
                return ToolOutput(DECLINED, is_error=True)
        self._tell(answer, call, RUNNING, on_activity)
        log.info("Running tool %s", call.name)  # never its arguments: they may be private
        return await self.registry.call(call)

    def _tell(
        self,
        answer: Message,
        call: ToolCall,
        state: str,
        on_activity: Callable[[CallActivity], None],
    ) -> None:
        activity = CallActivity(answer.conversation_id, answer.id, call.id, state, self._clock())
        self._activity[answer.conversation_id] = activity
        on_activity(activity)


def _shown_error(output: ToolOutput) -> str:
    """What the person reads of a call that gave no result (the model reads the text)."""
    if output.text == DECLINED:
        return "Not run: you chose Don't run."
    if output.text == TOO_MANY:
        return ROUNDS_USED
    return "Failed: the result says why."

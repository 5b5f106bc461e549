"""Running the tool calls of an answer: asking the person first where the tool says so,
storing each result as a tool message under the answer, so the next request carries them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.messages import Message, Role, ToolCall
from app.tools.registry import Tool, ToolOutput, ToolRegistry

if TYPE_CHECKING:
    from app.api.types import ToolSpec
    from app.store.conversations import ConversationStore

log = logging.getLogger(__name__)

# Rounds of calls one question may lead to before the model must answer in words: a
# model that keeps calling would otherwise never stop (nor stop costing).
MAX_ROUNDS = 10
DECLINED = "The person declined to run this tool call. Do not call it again unless they ask."
TOO_MANY = f"Not run: this question already led to {MAX_ROUNDS} rounds of tool calls."

# Asks the person whether a call may run: (conversation id, tool, call) -> yes or no.
Approver = Callable[[str, Tool, ToolCall], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class Round:
    """What a round of calls left: the last stored result, to answer after."""

    last_id: str
    stored: tuple[Message, ...]


class ChatTools:
    """The tools offered with each request, and the runner of the calls that come back.

    ``enabled`` is read at each request (the setting can change at any time);
    ``allowed`` says whether a tool runs without asking (the person chose "Always").
    """

    def __init__(
        self,
        registry: ToolRegistry,
        *,
        enabled: Callable[[], bool],
        allowed: Callable[[Tool], bool] = lambda _tool: False,
    ) -> None:
        self.registry = registry
        self._enabled = enabled
        self._allowed = allowed
        self._approver: Approver | None = None

    def set_approver(self, approver: Approver) -> None:
        """Who asks the person (the window, built after the controller)."""
        self._approver = approver

    def specs(self) -> tuple[ToolSpec, ...]:
        return self.registry.specs() if self._enabled() else ()

    async def run_round(
        self,
        store: ConversationStore,
        answer: Message,
        *,
        too_many: bool,
        on_stored: Callable[[Message], None],
    ) -> Round:
        """Run every call of ``answer`` in order and store each result under it.

        With ``too_many`` nothing runs: each call gets a result saying why, so the
        request that follows stays valid and the model answers in words.
        """
        parent = answer.id
        stored: list[Message] = []
        for call in answer.tool_calls:
            output = (
                ToolOutput(TOO_MANY, is_error=True) if too_many else await self._run(answer, call)
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
        return Round(parent, tuple(stored))

    async def _run(self, answer: Message, call: ToolCall) -> ToolOutput:
        tool = self.registry.find(call.name)
        if tool is not None and tool.ask_first and not self._allowed(tool):
            approver = self._approver
            if approver is None or not await approver(answer.conversation_id, tool, call):
                log.info("Tool call %s declined", tool.key)
                return ToolOutput(DECLINED, is_error=True)
        log.info("Running tool %s", call.name)  # never its arguments: they may be private
        return await self.registry.call(call)


def _shown_error(output: ToolOutput) -> str:
    """What the person reads of a call that gave no result (the model reads the text)."""
    if output.text == DECLINED:
        return "Not run: you chose Don't run."
    if output.text == TOO_MANY:
        return f"Not run: the question already led to {MAX_ROUNDS} rounds of tool calls."
    return "Failed: the result says why."

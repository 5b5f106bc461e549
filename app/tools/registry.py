"""What a tool is, and running a call the model made: whatever goes wrong becomes a
result the model can read, never an exception in the chat."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from app.api.types import ToolSpec
    from app.domain.messages import ToolCall

log = logging.getLogger(__name__)

# Mistral's rule for function names; other names are refused with a 422.
_VALID_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
CALL_TIMEOUT = 120.0  # seconds: a tool that hangs must not hold the answer for ever
MAX_OUTPUT_CHARS = 100_000  # about 25k tokens: more would crowd out the conversation
# Why a call gave no result: said to the model by the MCP host, and kept under the call.
CLOSED_BEFORE_ANSWER = "Maestrale closed before the tool answered."


@dataclass(frozen=True, slots=True)
class ToolOutput:
    """What a call gave back: text for the model, and whether it is an error."""

    text: str
    is_error: bool = False


ToolFunction = Callable[[dict[str, Any]], Awaitable[ToolOutput]]


@dataclass(frozen=True, slots=True)
class Tool:
    """A function the model may call.

    ``source`` says where it comes from ("Built-in", or the MCP server's name) and
    ``ask_first`` whether the person approves each call before it runs (anything that
    reads or changes the person's files or the world must ask).
    """

    spec: ToolSpec
    source: str
    run: ToolFunction
    ask_first: bool = True

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def key(self) -> str:
        """A stable name for settings ("always allow"): source and tool."""
        return f"{self.source}/{self.spec.name}"


class ToolProvider(Protocol):
    """A source of tools; ``tools()`` is asked at each request (servers come and go)."""

    def tools(self) -> Sequence[Tool]: ...


class ToolRegistry:
    """The tools of every provider, under names the API accepts and that do not clash."""

    def __init__(self, providers: Sequence[ToolProvider]) -> None:
        self._providers = list(providers)

    def tools(self) -> list[Tool]:
        found: list[Tool] = []
        taken: set[str] = set()
        for provider in self._providers:
            for tool in provider.tools():
                name = _api_name(tool, taken)
                if name is None:
                    log.warning("Tool %s left out: no valid name for the API", tool.key)
                    continue
                taken.add(name)
                renamed = replace(tool.spec, name=name)
                found.append(tool if name == tool.spec.name else replace(tool, spec=renamed))
        return found

    def specs(self) -> tuple[ToolSpec, ...]:
        return tuple(tool.spec for tool in self.tools())

    def find(self, name: str) -> Tool | None:
        return next((tool for tool in self.tools() if tool.name == name), None)

    async def call(self, call: ToolCall, *, seconds: float = CALL_TIMEOUT) -> ToolOutput:
        """Run one call; its failure (unknown tool, broken arguments, an exception, no
        answer in time) is told to the model as an error result it can act on."""
        tool = self.find(call.name)
        if tool is None:
            return ToolOutput(f"There is no tool named {call.name!r} now.", is_error=True)
        try:
            arguments = call.parsed_arguments()
        except ValueError as error:
            return ToolOutput(f"The arguments are not valid JSON: {error}", is_error=True)
        if not isinstance(arguments, dict):
            return ToolOutput("The arguments must be a JSON object.", is_error=True)
        import asyncio  # not at start-up: the window builds its tools before it shows

        try:
            async with asyncio.timeout(seconds):
                output = await tool.run(arguments)
        except TimeoutError:
            return ToolOutput(f"{call.name} gave no result within {seconds:.0f} s.", True)
        except Exception as error:  # the model is told, the chat goes on
            log.warning("Tool %s failed", tool.key, exc_info=True)
            return ToolOutput(f"{call.name} failed: {error}", is_error=True)
        return _bounded(output)


def _api_name(tool: Tool, taken: set[str]) -> str | None:
    """The tool's own name, else one prefixed with its source, else None."""
    candidates = [tool.spec.name, f"{tool.source}_{tool.spec.name}"]
    for candidate in candidates:
        cleaned = re.sub(r"[^a-zA-Z0-9_-]", "_", candidate)[:64]
        if _VALID_NAME.match(cleaned) and cleaned not in taken:
            return cleaned
    return None


def _bounded(output: ToolOutput) -> ToolOutput:
    if len(output.text) <= MAX_OUTPUT_CHARS:
        return output
    cut = len(output.text) - MAX_OUTPUT_CHARS
    note = f"\n\n[{cut:,} more characters left out: the result was too long.]"
    return replace(output, text=output.text[:MAX_OUTPUT_CHARS] + note)


def arguments_json(arguments: dict[str, Any]) -> str:
    """Arguments as compact JSON, as logged and shown."""
    return json.dumps(arguments, ensure_ascii=False, separators=(",", ":"))

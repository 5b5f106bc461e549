"""Values the API layer takes and gives: requests, stream events (and, from
``app.api.models``, model cards and dialects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.api.models import Dialect, ModelCard
from app.domain.messages import ChatParams, Role, ToolCall, Usage

__all__ = [
    "ChatMessage",
    "ChatRequest",
    "Completion",
    "ContentDelta",
    "Dialect",
    "Finished",
    "ModelCard",
    "StreamEvent",
    "ThinkingDelta",
    "ToolCallDelta",
    "ToolSpec",
    "UsageReport",
]


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: Role
    content: str | None
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    name: str | None = None
    # Mistral's assistant ``prefix``: the model continues this text instead of answering anew.
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A function the model may call; ``parameters`` is a JSON Schema object."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ChatRequest:
    model: str
    messages: tuple[ChatMessage, ...]
    params: ChatParams = field(default_factory=ChatParams)
    tools: tuple[ToolSpec, ...] = ()
    tool_choice: str | None = None  # auto | none | any; None lets the server decide
    stop: tuple[str, ...] = ()


# Stream events, in the order they can arrive.


@dataclass(frozen=True, slots=True)
class ContentDelta:
    text: str


@dataclass(frozen=True, slots=True)
class ThinkingDelta:
    """Reasoning text of models that think aloud; not part of the answer."""

    text: str


@dataclass(frozen=True, slots=True)
class ToolCallDelta:
    """A piece of a tool call; ``call`` is everything known of that call so far."""

    index: int
    call: ToolCall
    arguments_delta: str


@dataclass(frozen=True, slots=True)
class UsageReport:
    usage: Usage


@dataclass(frozen=True, slots=True)
class Finished:
    """The answer ended normally (``[DONE]``); ``reason`` is the server's finish_reason."""

    reason: str | None
    tool_calls: tuple[ToolCall, ...]


StreamEvent = ContentDelta | ThinkingDelta | ToolCallDelta | UsageReport | Finished


@dataclass(frozen=True, slots=True)
class Completion:
    """A whole, non-streamed answer."""

    text: str
    model: str | None
    finish_reason: str | None
    tool_calls: tuple[ToolCall, ...] = ()
    usage: Usage | None = None

"""Values the API layer takes and gives: requests, stream events, model cards."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from app.domain.messages import ChatParams, Role, ToolCall, Usage


class Dialect(StrEnum):
    """Which flavour of ``/v1/chat/completions`` the endpoint speaks."""

    MISTRAL = "mistral"
    OPENAI = "openai"


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


@dataclass(frozen=True, slots=True)
class ModelCard:
    id: str
    name: str | None = None
    description: str | None = None
    max_context_length: int | None = None
    aliases: tuple[str, ...] = ()
    deprecation: datetime | None = None
    replacement: str | None = None
    default_temperature: float | None = None
    chat: bool = True
    function_calling: bool = False
    vision: bool = False
    owned_by: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The card in Mistral's own shape (``dialects.model_card`` reads it back)."""
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "max_context_length": self.max_context_length,
            "aliases": list(self.aliases),
            "deprecation": self.deprecation.isoformat() if self.deprecation else None,
            "deprecation_replacement_model": self.replacement,
            "default_model_temperature": self.default_temperature,
            "capabilities": {
                "completion_chat": self.chat,
                "function_calling": self.function_calling,
                "vision": self.vision,
            },
            "owned_by": self.owned_by,
        }

    def answers_to(self, model: str) -> bool:
        return model == self.id or model in self.aliases

    def is_retired(self, now: datetime) -> bool:
        """True once the deprecation date has passed (Mistral then stops serving it)."""
        return self.deprecation is not None and self.deprecation <= now

"""Messages and conversations as plain, immutable values shared by every layer."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, NamedTuple


class Role(StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"
    TOOL = "tool"


class MessageStatus(StrEnum):
    """Lifecycle of a stored message (the export contract names the last three)."""

    STREAMING = "streaming"
    COMPLETE = "complete"
    INTERRUPTED = "interrupted"
    ERROR = "error"


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_iso(moment: datetime) -> str:
    """ISO-8601 in UTC with millisecond precision, e.g. ``2026-11-29T10:00:00.123Z``."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def from_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def to_json(self) -> dict[str, int]:
        return {"prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens}


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A function call the model asked for; ``arguments`` is the JSON text as received."""

    id: str
    name: str
    arguments: str
    index: int = 0

    def parsed_arguments(self) -> Any:
        """The arguments decoded, or raises ``ValueError`` when the model sent broken JSON."""
        return json.loads(self.arguments) if self.arguments.strip() else {}

    def readable_arguments(self) -> str:
        """The arguments as indented JSON for a reader; as received when they are broken."""
        try:
            return json.dumps(self.parsed_arguments(), indent=2, ensure_ascii=False)
        except ValueError:
            return self.arguments

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": "function",
            "function": {"name": self.name, "arguments": self.arguments},
        }

    @staticmethod
    def from_json(data: dict[str, Any], index: int = 0) -> ToolCall:
        function = data.get("function") or {}
        arguments = function.get("arguments", "")
        if not isinstance(arguments, str):
            arguments = json.dumps(arguments, ensure_ascii=False)
        return ToolCall(
            id=str(data.get("id") or ""),
            name=str(function.get("name") or ""),
            arguments=arguments,
            index=int(data.get("index", index)),
        )


@dataclass(frozen=True, slots=True)
class ChatParams:
    """Sampling parameters of a conversation; ``None`` means "the model's default"."""

    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    random_seed: int | None = None
    safe_prompt: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "temperature": self.temperature,
            "top_p": self.top_p,
            "max_tokens": self.max_tokens,
            "random_seed": self.random_seed,
            "safe_prompt": self.safe_prompt,
        }

    @staticmethod
    def from_json(data: dict[str, Any] | None) -> ChatParams:
        data = data or {}

        def number(name: str) -> float | None:
            value = data.get(name)
            return float(value) if isinstance(value, int | float) else None

        def integer(name: str) -> int | None:
            value = data.get(name)
            return value if isinstance(value, int) and not isinstance(value, bool) else None

        return ChatParams(
            temperature=number("temperature"),
            top_p=number("top_p"),
            max_tokens=integer("max_tokens"),
            random_seed=integer("random_seed"),
            safe_prompt=bool(data.get("safe_prompt", False)),
        )


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    conversation_id: str
    parent_id: str | None
    role: Role
    content: str
    created_at: datetime
    status: MessageStatus = MessageStatus.COMPLETE
    model: str | None = None
    error: str | None = None
    usage: Usage | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    name: str | None = None
    finish_reason: str | None = None


class MessageOutline(NamedTuple):
    """A message without its text: enough to build the tree and lay a transcript out.

    A named tuple: opening a conversation makes one per message, and a frozen dataclass
    took four times as long to make (0.5 ms of a 300-message conversation's opening).
    """

    id: str
    conversation_id: str
    parent_id: str | None
    role: Role
    created_at: datetime
    status: MessageStatus
    length: int  # size of its text in UTF-8 bytes (cheap to read), for layout estimates


@dataclass(frozen=True, slots=True)
class Conversation:
    id: str
    title: str
    created_at: datetime
    updated_at: datetime
    model: str | None = None
    system_prompt: str | None = None
    params: ChatParams = field(default_factory=ChatParams)
    pinned: bool = False
    current_leaf_id: str | None = None
    title_is_custom: bool = False
    deleted_at: datetime | None = None
    """When it was moved to the trash; ``None`` for a conversation in use."""
    kind: str = "chat"
    """``"chat"``, or ``"quick"`` for an exchange from the quick prompt window."""

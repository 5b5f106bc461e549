"""Mistral's chat API (and OpenAI-compatible servers), spoken asynchronously. No Qt."""

from app.api.client import ChatStream, MistralClient
from app.api.endpoint import MISTRAL_BASE_URL, Endpoint
from app.api.errors import (
    ApiError,
    AuthenticationError,
    EndpointRefused,
    InvalidRequest,
    ModelUnavailable,
    NetworkError,
    PermissionDenied,
    RateLimited,
    ServerError,
    StreamInterrupted,
)
from app.api.retry import RetryPolicy
from app.api.types import (
    ChatMessage,
    ChatRequest,
    Completion,
    ContentDelta,
    Dialect,
    Finished,
    ModelCard,
    StreamEvent,
    ThinkingDelta,
    ToolCallDelta,
    ToolSpec,
    UsageReport,
)

__all__ = [
    "MISTRAL_BASE_URL",
    "ApiError",
    "AuthenticationError",
    "ChatMessage",
    "ChatRequest",
    "ChatStream",
    "Completion",
    "ContentDelta",
    "Dialect",
    "Endpoint",
    "EndpointRefused",
    "Finished",
    "InvalidRequest",
    "MistralClient",
    "ModelCard",
    "ModelUnavailable",
    "NetworkError",
    "PermissionDenied",
    "RateLimited",
    "RetryPolicy",
    "ServerError",
    "StreamEvent",
    "StreamInterrupted",
    "ThinkingDelta",
    "ToolCallDelta",
    "ToolSpec",
    "UsageReport",
]

"""Mistral's chat API (and OpenAI-compatible servers), spoken asynchronously. No Qt.

The names below are loaded on first use (PEP 562): importing ``app.api.endpoint`` or
``app.api.errors`` must not pull in httpx, whose import costs the window's start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.lazy import lazy_exports

_HOMES = {
    "ChatStream": "client",
    "MistralClient": "client",
    "MISTRAL_BASE_URL": "endpoint",
    "Endpoint": "endpoint",
    "ApiError": "errors",
    "AuthenticationError": "errors",
    "EndpointRefused": "errors",
    "InvalidRequest": "errors",
    "ModelUnavailable": "errors",
    "NetworkError": "errors",
    "PermissionDenied": "errors",
    "RateLimited": "errors",
    "ServerError": "errors",
    "StreamInterrupted": "errors",
    "RetryPolicy": "retry",
    "ChatMessage": "types",
    "ChatRequest": "types",
    "Completion": "types",
    "ContentDelta": "types",
    "Dialect": "models",
    "Finished": "types",
    "ModelCard": "models",
    "StreamEvent": "types",
    "ThinkingDelta": "types",
    "ToolCallDelta": "types",
    "ToolSpec": "types",
    "UsageReport": "types",
}

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


__getattr__ = lazy_exports(__name__, _HOMES)


if TYPE_CHECKING:
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

"""What each dialect puts in a request body and how it describes its models.

Mistral rejects any field outside its schema (HTTP 422 ``extra_forbidden``), so the
Mistral dialect builds bodies from an explicit list of the official fields only.
"""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from app.api.models import Dialect, ModelCard
from app.domain.messages import Role, ToolCall

if TYPE_CHECKING:
    from app.api.types import ChatMessage, ChatRequest, ToolSpec

_MISTRAL_TOOL_ID = re.compile(r"^[A-Za-z0-9]{9}$")
_ALPHABET = string.ascii_letters + string.digits


def mistral_tool_call_id(original: str) -> str:
    """Mistral accepts only 9 alphanumeric characters; map other ids stably onto that.

    Ids from OpenAI-compatible servers or imported chats (``call_abc…``) would be
    refused. Hashing keeps a call and its tool reply pointing at the same new id.
    """
    if _MISTRAL_TOOL_ID.match(original):
        return original
    import hashlib  # here: loading OpenSSL's hashes is not worth it at start-up

    digest = hashlib.sha256(original.encode("utf-8")).digest()
    return "".join(_ALPHABET[byte % len(_ALPHABET)] for byte in digest[:9])


def _tool_call_json(call: ToolCall, dialect: Dialect) -> dict[str, Any]:
    call_id = mistral_tool_call_id(call.id) if dialect is Dialect.MISTRAL else call.id
    return {
        "id": call_id,
        "type": "function",
        "function": {"name": call.name, "arguments": call.arguments or "{}"},
    }


def _message_json(message: ChatMessage, dialect: Dialect) -> dict[str, Any]:
    body: dict[str, Any] = {"role": message.role.value, "content": message.content}
    if message.role is Role.ASSISTANT:
        if message.tool_calls:
            body["tool_calls"] = [_tool_call_json(c, dialect) for c in message.tool_calls]
        if message.prefix and dialect is Dialect.MISTRAL:
            body["prefix"] = True
    elif message.role is Role.TOOL:
        call_id = message.tool_call_id or ""
        body["tool_call_id"] = (
            mistral_tool_call_id(call_id) if dialect is Dialect.MISTRAL else call_id
        )
        if message.name:
            body["name"] = message.name
    if body["content"] is None and message.role in (Role.SYSTEM, Role.USER):
        body["content"] = ""
    return body


def _tool_json(tool: ToolSpec) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": tool.name,
            "description": tool.description,
            "parameters": tool.parameters,
        },
    }


def chat_body(request: ChatRequest, dialect: Dialect, *, stream: bool) -> dict[str, Any]:
    """The JSON body for ``POST /v1/chat/completions`` in the endpoint's dialect."""
    params = request.params
    body: dict[str, Any] = {
        "model": request.model,
        "messages": [_message_json(m, dialect) for m in request.messages],
        "stream": stream,
    }
    if params.temperature is not None:
        body["temperature"] = params.temperature
    if params.top_p is not None:
        body["top_p"] = params.top_p
    if params.max_tokens is not None:
        body["max_tokens"] = params.max_tokens
    if request.stop:
        body["stop"] = list(request.stop)
    if request.tools:
        body["tools"] = [_tool_json(t) for t in request.tools]
    body.update(_dialect_fields(request, dialect, stream=stream))
    return body


def _dialect_fields(request: ChatRequest, dialect: Dialect, *, stream: bool) -> dict[str, Any]:
    params = request.params
    fields: dict[str, Any] = {}
    if dialect is Dialect.MISTRAL:
        if params.random_seed is not None:
            fields["random_seed"] = params.random_seed
        if params.safe_prompt:
            fields["safe_prompt"] = True
        if request.tool_choice is not None and request.tools:
            fields["tool_choice"] = request.tool_choice
        return fields
    if params.random_seed is not None:
        fields["seed"] = params.random_seed
    if request.tool_choice is not None and request.tools:
        # OpenAI spells Mistral's "any" as "required".
        fields["tool_choice"] = "required" if request.tool_choice == "any" else request.tool_choice
    if stream:
        fields["stream_options"] = {"include_usage": True}
    if request.messages and request.messages[-1].prefix:
        # OpenAI's API has no ``prefix``: without vLLM's two extra parameters the chat
        # template closes the partial answer and starts a new turn, and the model's
        # fresh answer was glued onto the cut text. Other servers may ignore them.
        fields["continue_final_message"] = True
        fields["add_generation_prompt"] = False
    return fields


def _date(value: Any) -> datetime | None:
    if isinstance(value, str) and value:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def model_card(data: dict[str, Any]) -> ModelCard | None:
    """One card of ``GET /v1/models``, Mistral's or an OpenAI-compatible server's."""
    model_id = data.get("id")
    if not isinstance(model_id, str) or not model_id:
        return None
    capabilities = data.get("capabilities")
    if isinstance(capabilities, dict):
        chat = bool(capabilities.get("completion_chat", False))
        function_calling = bool(capabilities.get("function_calling", False))
        vision = bool(capabilities.get("vision", False))
    else:
        # OpenAI-compatible servers say nothing: assume a chat model that may call tools.
        chat, function_calling, vision = True, True, False
    aliases = data.get("aliases")
    temperature = data.get("default_model_temperature")
    replacement = data.get("deprecation_replacement_model")
    return ModelCard(
        id=model_id,
        name=data.get("name") if isinstance(data.get("name"), str) else None,
        description=(data.get("description") if isinstance(data.get("description"), str) else None),
        max_context_length=_int(data.get("max_context_length")) or _int(data.get("max_model_len")),
        aliases=tuple(a for a in aliases if isinstance(a, str))
        if isinstance(aliases, list)
        else (),
        deprecation=_date(data.get("deprecation")),
        replacement=replacement if isinstance(replacement, str) and replacement else None,
        default_temperature=float(temperature) if isinstance(temperature, int | float) else None,
        chat=chat,
        function_calling=function_calling,
        vision=vision,
        owned_by=data.get("owned_by") if isinstance(data.get("owned_by"), str) else None,
    )


def model_cards(payload: Any) -> list[ModelCard]:
    """All cards of a models listing; tolerates the bare-array form of the spec's example."""
    items = payload.get("data") if isinstance(payload, dict) else payload
    if not isinstance(items, list):
        return []
    cards = [model_card(item) for item in items if isinstance(item, dict)]
    return [card for card in cards if card is not None]

"""Error bodies, shaped like the ones the real API (or a proxy in front of it) sends.

Owns every non-200 body the fake can produce: the canonical Mistral envelope
``{"object":"error","message":...,"type":...,"param":null,"code":...}``, the
alternative ``detail``-only shapes, vLLM's envelope for the openai dialect and the
HTML pages a gateway sends when the API behind it is down.
"""

from __future__ import annotations

import uuid
from typing import Any

# Shapes that come straight from NOTES.md (observed on the real API): 400, 401, 422, 429.
# The wording of the other statuses is plausible filler; only their envelope matters to
# clients, which must cope with any message.
_ENVELOPES: dict[int, tuple[str, str, str | None]] = {
    402: ("Payment required: add a payment method to your workspace", "payment_required", None),
    403: ("Forbidden: this API key cannot use this resource", "forbidden", None),
    429: ("Rate limit exceeded", "rate_limited", "1300"),
    500: ("Internal server error", "internal_server_error", None),
    503: ("Service unavailable: please retry later", "service_unavailable", None),
}

# 502 and 504 come from the gateway in front of the API, not from the API itself, so
# their bodies are HTML rather than JSON.
_GATEWAY_PAGES: dict[int, str] = {
    502: "Bad Gateway",
    504: "Gateway Timeout",
}


def request_id() -> str:
    """A fresh hex id, like the ``request_id`` and ``mistral-correlation-id`` values."""
    return uuid.uuid4().hex


def envelope(
    message: str | dict[str, Any], error_type: str, code: str | None = None
) -> dict[str, Any]:
    """Mistral's usual error envelope."""
    return {"object": "error", "message": message, "type": error_type, "param": None, "code": code}


def unauthorized(*, detail_only: bool = False) -> dict[str, Any]:
    """Both 401 shapes seen from the real API."""
    if detail_only:
        return {"detail": "Unauthorized"}
    return {"message": "Unauthorized", "request_id": request_id()}


def invalid_model(model: object) -> dict[str, Any]:
    """The 400 for a model id that is unknown or retired."""
    return envelope(f"Invalid model: {model}", "invalid_model", "1500")


def validation_error(detail: list[dict[str, Any]], *, detail_only: bool = False) -> dict[str, Any]:
    """The 422 body: the pydantic ``detail`` list, wrapped in the envelope or bare."""
    if detail_only:
        return {"detail": detail}
    return envelope({"detail": detail}, "invalid_request_error")


def invalid_tool_call_id(tool_call_id: object) -> dict[str, Any]:
    """The body mistral-common's validator produces for a malformed tool call id."""
    return envelope(
        f"Tool call id was {tool_call_id} but must be a-z, A-Z, 0-9, with a length of 9.",
        "invalid_function_call",
        "3280",
    )


def tools_refused(dialect: str) -> dict[str, Any]:
    """A 400 for a request offering tools to a server or model that takes none.

    openai: vLLM started without ``--enable-auto-tool-choice --tool-call-parser``, word
    for word. mistral: a model without function calling; the real wording is not in
    NOTES.md, so this one is plausible filler.
    """
    if dialect == "openai":
        message = (
            '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set'
        )
        return openai_error(message, "BadRequestError", 400)
    return envelope(
        "Function calling is not enabled for this model", "invalid_request_error", "3051"
    )


def gateway_page(status: int, reason: str) -> str:
    """An nginx/Cloudflare-like HTML error page."""
    return (
        f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
        f"<center><h1>{status} {reason}</h1></center>\r\n<hr><center>cloudflare</center>\r\n"
        "</body>\r\n</html>\r\n"
    )


def default_body(
    status: int, *, model: object = None, detail_only: bool = False
) -> dict[str, Any] | str:
    """The realistic body for a scripted error ``status`` (see ``Reply.error_body``)."""
    if status == 400:
        return invalid_model(model)
    if status == 401:
        return unauthorized(detail_only=detail_only)
    if status == 404:
        return {"detail": "Not Found"}
    if status == 422:
        detail = [
            {
                "type": "missing",
                "loc": ["body", "messages"],
                "msg": "Field required",
                "input": {"model": model},
            }
        ]
        return validation_error(detail, detail_only=detail_only)
    if status in _GATEWAY_PAGES:
        return gateway_page(status, _GATEWAY_PAGES[status])
    message, error_type, code = _ENVELOPES.get(status, ("Error", "api_error", None))
    if detail_only:
        return {"detail": message}
    return envelope(message, error_type, code)


def openai_error(message: str, error_type: str, code: int) -> dict[str, Any]:
    """vLLM's error envelope (the openai dialect)."""
    return {"object": "error", "message": message, "type": error_type, "param": None, "code": code}


def context_too_long(
    card: dict[str, Any], prompt_tokens: int, dialect: str
) -> dict[str, Any] | None:
    """The refusal of a prompt longer than the model's context, as each server words it
    (the fake counts a word a token); None when it fits."""
    limit = card.get("max_context_length") or card.get("max_model_len")
    if not isinstance(limit, int) or prompt_tokens <= limit:
        return None
    if dialect == "openai":  # vLLM's wording
        return openai_error(
            f"This model's maximum context length is {limit} tokens. However, you requested "
            f"{prompt_tokens} tokens ({prompt_tokens} in the messages, 0 in the completion). "
            "Please reduce the length of the messages or completion.",
            "BadRequestError",
            400,
        )
    return envelope(
        f"Prompt contains {prompt_tokens} tokens and 0 draft tokens, too large for model "
        f"with {limit} maximum context length",
        "invalid_request_message_error",
        "3051",
    )

"""Every failure the API layer can raise, and how server replies map onto them.

    ApiError                      base: ``message`` is one sentence a person can act on
    ├── EndpointRefused           the configured base URL is unusable or insecure
    ├── AuthenticationError       401, or no key for an endpoint that needs one
    ├── PermissionDenied          402 payment required, 403 forbidden
    ├── InvalidRequest            400, 404, 422: ``details`` holds the server's own words
    │   ├── ModelUnavailable      unknown or retired model; ``replacement`` when known
    │   ├── ContextTooLong        the conversation is longer than the model reads at once
    │   └── ToolsRefused          the server or model takes no tools (function calling)
    ├── RateLimited               429; ``retry_after`` in seconds when the server said
    ├── ServerError               5xx, or a reply that is not the API at all
    ├── NetworkError              no connection, TLS failure, no reply in time
    └── StreamInterrupted         the answer started and then stopped; ``partial_text``

Only ``StreamInterrupted`` is raised after the first token; everything else means
no answer text was received.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.domain.messages import ToolCall

# Where to fix a problem, as the command line says it; the windows word these
# differently (``app.ui.wording.in_window``), so messages use the constants.
REPLACE_KEY_HINT = "Check or replace it: maestrale key set, or Settings → API key."
ADD_KEY_HINT = "(maestrale key set, or Settings → API key)"
RUN_KEY_SET_HINT = "run `maestrale key set` (or use Settings)"
MODELS_HINT = " (maestrale models)"
ENDPOINT_HINT = " (--base-url, or Settings → Endpoint)"
KEPT_TEXT_HINT = "The text so far is kept; continue or retry it in Maestrale's window."


class ApiError(Exception):
    """Base of the tree; ``status`` is the HTTP status when there was one."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        request_id: str | None = None,
        headline: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.request_id = request_id
        self._headline = headline

    @property
    def reason(self) -> str:
        """What went wrong, without the advice: said while the request is asked again
        ("Rate limit reached (429)"), where "try again later" would contradict it."""
        return self._headline or self.message.rstrip(".")

    def __str__(self) -> str:
        return self.message


def asking_again(seconds: float) -> str:
    """Said while a request waits to be asked again: "Asking again in 6 s…"."""
    # Rounded: a countdown shown each second reads 2 s, 1 s (not 2 s, then 0.99 s).
    return f"Asking again in {max(1, round(seconds))} s…" if seconds >= 0.5 else "Asking again…"


def wait_length(seconds: float) -> str:
    """A wait as a person reads it: "28 s", "4 min 10 s", "1 h 5 min"; whole seconds,
    rounded up, so that a countdown never says "0 s" while it still waits."""
    left = max(1, math.ceil(seconds))
    if left < 60:
        return f"{left} s"
    if left < 3600:
        minutes, rest = divmod(left, 60)
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, minutes = divmod(math.ceil(left / 60), 60)  # up, as the seconds are
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


class EndpointRefused(ApiError):
    pass


class AuthenticationError(ApiError):
    pass


class PermissionDenied(ApiError):
    pass


class InvalidRequest(ApiError):
    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        request_id: str | None = None,
        details: list[str] | None = None,
    ) -> None:
        super().__init__(message, status=status, request_id=request_id)
        self.details = details or []


class ModelUnavailable(InvalidRequest):
    def __init__(
        self,
        model: str,
        *,
        replacement: str | None = None,
        status: int | None = None,
        server_message: str | None = None,
    ) -> None:
        self.model = model
        self.replacement = replacement
        super().__init__(
            _model_message(model, replacement),
            status=status,
            details=[server_message] if server_message else [],
        )

    def with_replacement(self, replacement: str | None) -> ModelUnavailable:
        return ModelUnavailable(
            self.model,
            replacement=replacement,
            status=self.status,
            server_message=self.details[0] if self.details else None,
        )


class ContextTooLong(InvalidRequest):
    """The request is longer than the model's context: asking again cannot help until
    the conversation, or the model, changes."""

    @property
    def prompt_tokens(self) -> int | None:
        """The request's length in tokens, as the server counted it, when it said."""
        for text in self.details:
            match = _PROMPT_TOKENS.search(text)
            if match:
                return int(next(group for group in match.groups() if group))
        return None


# How servers say it: Mistral ("Prompt contains N tokens ... too large for model with
# M maximum context length"), vLLM and OpenAI's ("This model's maximum context length
# is M tokens. However, you requested N tokens ..." or "... your request has N input
# tokens ..."), llama.cpp ("the request exceeds
# the available context size"), others ("context window", "prompt is too long").
_CONTEXT_WORDS = re.compile(
    r"context (?:length|window|size)|too large for model|too many tokens|prompt is too long",
    re.IGNORECASE,
)


# The prompt's own count in those words: Mistral's "Prompt contains N tokens", vLLM's
# "(N in the messages, …)" (its "requested N tokens (…)" adds the completion's), newer
# vLLM's "you requested N tokens in the messages" and "your request has N input tokens",
# OpenAI's "your messages resulted in N tokens".
_PROMPT_TOKENS = re.compile(
    r"prompt contains (\d+) tokens|\((\d+) in the messages|messages resulted in (\d+) tokens"
    r"|requested (\d+) tokens in the messages|request has (\d+) input tokens",
    re.IGNORECASE,
)


class ToolsRefused(InvalidRequest):
    """A request offering tools, refused for them: vLLM started without its tool flags,
    or a model without function calling. Only the window offers tools, so the advice
    names its settings."""

    def __init__(
        self, server_message: str, *, status: int | None = None, request_id: str | None = None
    ) -> None:
        super().__init__(
            _tools_message(server_message),
            status=status,
            request_id=request_id,
            details=[server_message],
        )
        self._headline = f"The endpoint does not accept tools ({status})"


_TOOLS_OFF = "turn tools off in Settings → Tools"


def _tools_message(server_message: str) -> str:
    said = f" The server said: {sentence(server_message)}"
    if _VLLM_TOOL_FLAGS.search(server_message):
        return (
            "This server was not started to accept tools (function calling): "
            f"{_TOOLS_OFF}, or start vLLM with --enable-auto-tool-choice "
            f"--tool-call-parser mistral; then Retry.{said}"
        )
    return (
        "This model does not accept tools (function calling): "
        f"{_TOOLS_OFF}, or pick a model that supports function calling; then Retry.{said}"
    )


# vLLM's refusal names the flags it lacks; other servers say the model cannot
# ("Function calling is not enabled for this model", Ollama's "… does not support tools").
_VLLM_TOOL_FLAGS = re.compile(r"--enable-auto-tool-choice|--tool-call-parser")
_NO_TOOLS = re.compile(
    r"(function.?calling|\btools\b|tool.?choice).*\b(not (supported|enabled|available)"
    r"|unsupported)|(does not|doesn't|cannot) support (tools|function.?calling)",
    re.IGNORECASE,
)


def _context_message(model: str | None, server_message: str) -> str:
    return (
        f"Too long for {model or 'the model'} to read at once (the whole conversation is "
        "sent with each question): shorten the message, start a new chat, or choose a "
        f"model with a longer context{MODELS_HINT}. The server said: {sentence(server_message)}"
    )


def _is_tools_problem(status: int, message: str | None, details: list[str]) -> bool:
    if status not in (400, 422):
        return False
    return any(
        _NO_TOOLS.search(text) or _VLLM_TOOL_FLAGS.search(text)
        for text in (message, *details)
        if text
    )


_RETIRED = "The model {} is retired or not served by this endpoint"
_UNKNOWN = "The model {} is unknown to this endpoint or retired"


def _model_message(model: str, replacement: str | None) -> str:
    if replacement:
        return f"{_RETIRED.format(model)}; its replacement is {replacement}: choose it instead."
    return f"{_UNKNOWN.format(model)}; pick one of the models it lists{MODELS_HINT}."


def model_now_chosen(error: str, model: str, chosen: str) -> str | None:
    """What a failed answer's ``ModelUnavailable`` message of ``model`` says once its
    conversation has gone on with ``chosen``: its advice to choose another is done.
    None for any other ``error``."""
    for head in (_RETIRED.format(model), _UNKNOWN.format(model)):
        if error.startswith(f"{head}; "):
            return f"{head}; this conversation now uses {chosen}."
    return None


class RateLimited(ApiError):
    def __init__(
        self,
        message: str,
        *,
        status: int | None = 429,
        request_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(
            message, status=status, request_id=request_id, headline=f"Rate limit reached ({status})"
        )
        self.retry_after = retry_after


class ServerError(ApiError):
    pass


class NetworkError(ApiError):
    pass


class StreamInterrupted(ApiError):
    """The answer began, then stopped before its end; what arrived is kept."""

    def __init__(
        self,
        message: str,
        *,
        partial_text: str = "",
        tool_calls: tuple[ToolCall, ...] = (),
        cancelled: bool = False,
    ) -> None:
        super().__init__(message)
        self.partial_text = partial_text
        self.tool_calls = tool_calls
        self.cancelled = cancelled


# Statuses worth another attempt before the first token (Mistral's own guidance).
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


def _server_words(body: bytes) -> tuple[str | None, list[str], str | None, str | None]:
    """Pull (message, details, type, request_id) out of any error body shape we know.

    Shapes seen: ``{"message": str}``, ``{"message": {"detail": [...]}}``,
    ``{"detail": str}``, ``{"detail": [{loc, msg, type}]}``,
    ``{"error": {"message": ...}}`` (OpenAI-compatible servers), and non-JSON text.
    """
    try:
        data: Any = json.loads(body.decode("utf-8", errors="replace"))
    except ValueError:
        text = body.decode("utf-8", errors="replace").strip()
        if text.startswith("<"):
            return _web_page(text), [], None, None
        return (_first_line(text) if text else None), [], None, None
    if not isinstance(data, dict):
        return None, [], None, None
    if isinstance(data.get("error"), dict):
        data = {**data, **data["error"]}
    request_id = data.get("request_id") if isinstance(data.get("request_id"), str) else None
    kind = data.get("type") if isinstance(data.get("type"), str) else None
    message: str | None = None
    details: list[str] = []
    for candidate in (data.get("message"), data.get("detail")):
        if isinstance(candidate, str) and message is None:
            message = candidate
        elif isinstance(candidate, dict):
            details.extend(_validation_details(candidate.get("detail")))
            if isinstance(candidate.get("message"), str) and message is None:
                message = candidate["message"]
        elif isinstance(candidate, list):
            details.extend(_validation_details(candidate))
    return message, details, kind, request_id


def _web_page(text: str) -> str:
    """What an HTML error page (a proxy's, a web server's) says: its title, not its
    first line of markup ("The server said: <html>.")."""
    import html  # here: only an error page needs it, never the window's start-up

    match = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL) or re.search(
        r"<h1[^>]*>(.*?)</h1>", text, re.IGNORECASE | re.DOTALL
    )
    # Without a title or heading, its text without the markup.
    words = match.group(1) if match else re.sub(r"<[^>]*>", " ", text)
    title = " ".join(html.unescape(words).split())
    page = "a web page, not the API's answer: is the base URL right?"
    return f"{_first_line(title)} ({page})" if title else page[0].upper() + page[1:]


def _validation_details(items: Any) -> list[str]:
    if isinstance(items, str):
        return [items]
    if not isinstance(items, list):
        return []
    details = []
    for item in items:
        if isinstance(item, dict):
            location = ".".join(str(part) for part in item.get("loc", []) if part != "body")
            text = str(item.get("msg", item.get("type", "invalid")))
            details.append(f"{location}: {text}" if location else text)
        else:
            details.append(str(item))
    return details


def sentence(text: str) -> str:
    """``text`` ending with a full stop (or its own ! ? …), so another sentence can follow."""
    text = text.rstrip()
    return text if not text or text.endswith((".", "!", "?", "…")) else text + "."


def _first_line(text: str, limit: int = 200) -> str:
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def error_from_response(
    status: int,
    body: bytes,
    headers: Mapping[str, str],
    *,
    model: str | None = None,
    retry_after: float | None = None,
    tools: bool = False,
) -> ApiError:
    """Turn an unsuccessful HTTP reply into the matching exception of the tree;
    ``tools`` when the request offered tools (a refusal may be of them)."""
    message, details, kind, request_id = _server_words(body)
    request_id = request_id or headers.get("mistral-correlation-id") or headers.get("x-request-id")
    said = f" The server said: {sentence(message)}" if message else ""
    if status == 401:
        return AuthenticationError(
            f"The endpoint refused the API key (401). {REPLACE_KEY_HINT}{said}",
            status=status,
            request_id=request_id,
        )
    if status == 402:
        return PermissionDenied(
            "The endpoint asks for payment (402): check your plan and billing on "
            "console.mistral.ai." + said,
            status=status,
            request_id=request_id,
        )
    if status == 403:
        return PermissionDenied(
            "This key is not allowed to do that (403): check the key's workspace "
            "and permissions." + said,
            status=status,
            request_id=request_id,
        )
    if status == 429:
        return RateLimited(
            "Rate limit reached (429): wait a moment and try again"
            + (f" (the server asks for {retry_after:.0f} s)." if retry_after else ".")
            + said,
            request_id=request_id,
            retry_after=retry_after,
        )
    if status in (400, 413, 422) and message and _CONTEXT_WORDS.search(message):
        return ContextTooLong(
            _context_message(model, message),
            status=status,
            request_id=request_id,
            details=[message],
        )
    if tools and _is_tools_problem(status, message, details):
        words = message or "; ".join(details)
        return ToolsRefused(words, status=status, request_id=request_id)
    if model and _is_model_problem(status, message, kind):
        return ModelUnavailable(model, status=status, server_message=message)
    if status in (400, 404, 422):
        shown = "; ".join(details[:3]) if details else (message or "no details given")
        return InvalidRequest(
            f"The endpoint rejected the request ({status}): {shown}",
            status=status,
            request_id=request_id,
            details=details or ([message] if message else []),
        )
    if status >= 500:
        return ServerError(
            f"The server failed ({status}); this is usually temporary, try again shortly." + said,
            status=status,
            request_id=request_id,
            headline=f"The server failed ({status})",
        )
    return ApiError(
        f"Unexpected reply from the endpoint ({status})." + said,
        status=status,
        request_id=request_id,
    )


def _is_model_problem(status: int, message: str | None, kind: str | None) -> bool:
    if kind == "invalid_model":
        return True
    text = (message or "").lower()
    return (
        status in (400, 404)
        and "model" in text
        and ("invalid" in text or "not exist" in text or "not found" in text or "unknown" in text)
    )

"""Every error body shape of NOTES.md maps to the right exception with the server's words."""

from __future__ import annotations

import json

import pytest

from app.api.errors import (
    ApiError,
    AuthenticationError,
    InvalidRequest,
    ModelUnavailable,
    PermissionDenied,
    RateLimited,
    ServerError,
    ToolsRefused,
    error_from_response,
    model_now_chosen,
)


def body(data: object) -> bytes:
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    "payload",
    [
        {"message": "Unauthorized", "request_id": "abc123"},
        {"detail": "Unauthorized"},
    ],
)
def test_401_in_both_shapes_is_an_authentication_error(payload: dict[str, str]) -> None:
    error = error_from_response(401, body(payload), {})
    assert isinstance(error, AuthenticationError)
    assert "Unauthorized" in error.message
    assert "maestrale key set" in error.message
    assert error.status == 401


def test_401_keeps_the_request_id() -> None:
    error = error_from_response(401, body({"message": "Unauthorized", "request_id": "r-1"}), {})
    assert error.request_id == "r-1"


@pytest.mark.parametrize("status", [402, 403])
def test_payment_and_permission(status: int) -> None:
    error = error_from_response(status, body({"message": "nope"}), {})
    assert isinstance(error, PermissionDenied)
    assert str(status) in error.message


def test_invalid_model_with_a_model_becomes_model_unavailable() -> None:
    payload = {
        "object": "error",
        "message": "Invalid model: mistral-large-2411",
        "type": "invalid_model",
        "param": None,
        "code": "1500",
    }
    error = error_from_response(400, body(payload), {}, model="mistral-large-2411")
    assert isinstance(error, ModelUnavailable)
    assert error.model == "mistral-large-2411"
    assert error.replacement is None
    assert error.with_replacement("mistral-large-2512").message.count("mistral-large-2512") == 1


def test_a_model_unavailable_message_once_another_model_is_chosen() -> None:
    retired = ModelUnavailable("old", replacement="new").message
    assert model_now_chosen(retired, "old", "new") == (
        "The model old is retired or not served by this endpoint; this conversation now uses new."
    )
    unknown = ModelUnavailable("old").message
    assert model_now_chosen(unknown, "old", "other") == (
        "The model old is unknown to this endpoint or retired; this conversation now uses other."
    )
    # Another failure, or another model's, keeps its own words.
    assert model_now_chosen(ServerError("Server error (500).").message, "old", "new") is None
    assert model_now_chosen(retired, "older", "new") is None


def test_openai_style_404_model_not_found_is_model_unavailable() -> None:
    payload = {"object": "error", "message": "The model `x` does not exist.", "code": 404}
    error = error_from_response(404, body(payload), {}, model="x")
    assert isinstance(error, ModelUnavailable)


def test_wrapped_422_lists_the_validation_details() -> None:
    payload = {
        "object": "error",
        "message": {
            "detail": [
                {
                    "type": "extra_forbidden",
                    "loc": ["body", "stream_options"],
                    "msg": "Extra inputs are not permitted",
                }
            ]
        },
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }
    error = error_from_response(422, body(payload), {})
    assert isinstance(error, InvalidRequest)
    assert error.details == ["stream_options: Extra inputs are not permitted"]
    assert "stream_options" in error.message


def test_bare_422_detail_list() -> None:
    payload = {"detail": [{"loc": ["body", "temperature"], "msg": "too big", "type": "x"}]}
    error = error_from_response(422, body(payload), {})
    assert isinstance(error, InvalidRequest)
    assert error.details == ["temperature: too big"]


def test_429_carries_retry_after() -> None:
    payload = {"object": "error", "message": "Rate limit exceeded", "type": "rate_limited"}
    error = error_from_response(429, body(payload), {}, retry_after=12.0)
    assert isinstance(error, RateLimited)
    assert error.retry_after == 12.0
    assert "12 s" in error.message


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors(status: int) -> None:
    assert isinstance(error_from_response(status, b"{}", {}), ServerError)


def test_non_json_proxy_page_is_summarised_in_one_line() -> None:
    page = b"<html>\n<h1>502 Bad Gateway</h1>\n</html>"
    error = error_from_response(502, page, {"mistral-correlation-id": "c-9"})
    assert isinstance(error, ServerError)
    # Its heading, not its markup ("The server said: <html>.").
    assert "The server said: 502 Bad Gateway (a web page, not the API's answer" in error.message
    assert "<" not in error.message
    assert "\n" not in error.message
    assert error.request_id == "c-9"
    titled = b"<!DOCTYPE html><html><head><title>Sign in &amp; go</title></head></html>"
    assert (
        "The server said: Sign in & go (a web page" in error_from_response(403, titled, {}).message
    )


def test_openai_error_object_shape() -> None:
    payload = {"error": {"message": "bad things", "type": "invalid_request_error"}}
    error = error_from_response(400, body(payload), {})
    assert isinstance(error, InvalidRequest)
    assert "bad things" in error.message


def test_unknown_status_is_still_an_api_error() -> None:
    error = error_from_response(418, b"teapot", {})
    assert type(error) is ApiError
    assert "418" in error.message


@pytest.mark.parametrize(
    ("status", "payload"),
    [
        (  # Mistral
            400,
            {
                "object": "error",
                "message": "Prompt contains 140000 tokens and 0 draft tokens, too large for "
                "model with 131072 maximum context length",
                "type": "invalid_request_message_error",
                "param": None,
                "code": "3051",
            },
        ),
        (  # vLLM, with a word ("model") the retired-model check also looks at
            400,
            {
                "object": "error",
                "message": "This model's maximum context length is 131072 tokens. However, "
                "you requested 140000 tokens (140000 in the messages, 0 in the completion).",
                "type": "BadRequestError",
                "param": None,
                "code": 400,
            },
        ),
        (413, {"error": {"message": "the request exceeds the available context size"}}),
    ],
)
def test_a_conversation_longer_than_the_context_is_said_so_with_what_to_do(
    status: int, payload: dict[str, object]
) -> None:
    from app.api.errors import ContextTooLong

    error = error_from_response(status, body(payload), {}, model="mistral-large-2411")
    assert isinstance(error, ContextTooLong)
    assert error.message.startswith("Too long for mistral-large-2411 to read at once")
    assert "shorten the message, start a new chat" in error.message
    assert "longer context (maestrale models)" in error.message
    assert "The server said:" in error.message


@pytest.mark.parametrize(
    ("said", "tokens"),
    [
        (
            "Prompt contains 134211 tokens and 0 draft tokens, too large for model with "
            "131072 maximum context length",
            134211,
        ),
        (  # vLLM: the messages' own count, not the one with the completion's
            "This model's maximum context length is 131072 tokens. However, you requested "
            "140500 tokens (140000 in the messages, 500 in the completion).",
            140000,
        ),
        (
            "This model's maximum context length is 8192 tokens. However, your messages "
            "resulted in 9000 tokens. Please reduce the length of the messages.",
            9000,
        ),
        (  # vLLM 0.6 and later, without max_tokens
            "This model's maximum context length is 32768 tokens. However, you requested "
            "33000 tokens in the messages, Please reduce the length of the messages.",
            33000,
        ),
        (  # vLLM 0.10 and later
            "This model's maximum context length is 32768 tokens. However, your request has "
            "34000 input tokens. Please reduce the length of the input messages.",
            34000,
        ),
        ("the request exceeds the available context size", None),
    ],
)
def test_a_refusal_for_length_keeps_the_servers_count_when_it_gave_one(
    said: str, tokens: int | None
) -> None:
    from app.api.errors import ContextTooLong

    error = error_from_response(400, body({"message": said}), {}, model="m")
    assert isinstance(error, ContextTooLong)
    assert error.prompt_tokens == tokens


def test_other_refusals_are_not_taken_for_a_long_conversation() -> None:
    from app.api.errors import ContextTooLong

    payload = {"object": "error", "message": "max_tokens must be at least 1", "type": "x"}
    error = error_from_response(400, body(payload), {}, model="m")
    assert isinstance(error, InvalidRequest)
    assert not isinstance(error, ContextTooLong)


VLLM_NO_TOOLS = {
    "object": "error",
    "message": '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser '
    "to be set",
    "type": "BadRequestError",
    "param": None,
    "code": 400,
}


def test_vllm_without_its_tool_flags_says_how_to_start_it_or_turn_tools_off() -> None:
    error = error_from_response(400, body(VLLM_NO_TOOLS), {}, model="m", tools=True)
    assert isinstance(error, ToolsRefused)
    assert isinstance(error, InvalidRequest)  # the command line's handling still fits
    assert error.message.startswith("This server was not started to accept tools")
    assert "turn tools off in Settings → Tools" in error.message
    assert "--enable-auto-tool-choice --tool-call-parser mistral" in error.message
    assert error.message.endswith(f"The server said: {VLLM_NO_TOOLS['message']}.")
    assert error.reason == "The endpoint does not accept tools (400)"


@pytest.mark.parametrize(
    "payload",
    [
        {"object": "error", "message": "Function calling is not enabled for this model"},
        {"error": {"message": "registry.ollama.ai/library/gemma:2b does not support tools"}},
        {"detail": "Tool choice is not supported by this model"},
    ],
)
def test_a_model_without_function_calling_says_to_pick_another_or_turn_tools_off(
    payload: dict[str, object],
) -> None:
    error = error_from_response(400, body(payload), {}, model="m", tools=True)
    assert isinstance(error, ToolsRefused)
    assert error.message.startswith("This model does not accept tools (function calling)")
    assert "pick a model that supports function calling" in error.message


def test_a_refusal_of_a_request_without_tools_is_not_said_to_be_of_tools() -> None:
    error = error_from_response(400, body(VLLM_NO_TOOLS), {}, model="m")
    assert not isinstance(error, ToolsRefused)
    # Nor is any other refusal of a request with tools: a bad tool call id, say.
    other = {"message": "Tool call id was x but must be a-z, A-Z, 0-9", "type": "x"}
    assert not isinstance(error_from_response(400, body(other), {}, tools=True), ToolsRefused)

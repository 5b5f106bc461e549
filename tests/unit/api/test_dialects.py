from __future__ import annotations

from datetime import UTC, datetime

from app.api.dialects import chat_body, mistral_tool_call_id, model_cards
from app.api.types import ChatMessage, ChatRequest, Dialect, ToolSpec
from app.domain.messages import ChatParams, Role, ToolCall

CALL = ToolCall(id="call_0123456789abcdef", name="weather", arguments='{"city": "Lyon"}')


def request(**overrides: object) -> ChatRequest:
    values: dict[str, object] = {
        "model": "mistral-large-2411",
        "messages": (
            ChatMessage(Role.SYSTEM, "Be brief."),
            ChatMessage(Role.USER, "Weather in Lyon?"),
            ChatMessage(Role.ASSISTANT, "", tool_calls=(CALL,)),
            ChatMessage(Role.TOOL, "12°C", tool_call_id=CALL.id, name="weather"),
        ),
        "params": ChatParams(
            temperature=0.3, top_p=0.9, max_tokens=100, random_seed=7, safe_prompt=True
        ),
        "tools": (ToolSpec("weather", "Weather now", {"type": "object", "properties": {}}),),
        "tool_choice": "any",
    }
    values.update(overrides)
    return ChatRequest(**values)  # type: ignore[arg-type]


def test_mistral_body_uses_only_mistral_fields() -> None:
    body = chat_body(request(), Dialect.MISTRAL, stream=True)
    assert set(body) == {
        "model",
        "messages",
        "stream",
        "temperature",
        "top_p",
        "max_tokens",
        "random_seed",
        "safe_prompt",
        "tools",
        "tool_choice",
    }
    assert body["tool_choice"] == "any"


def test_mistral_tool_ids_are_nine_alphanumerics_and_stay_paired() -> None:
    body = chat_body(request(), Dialect.MISTRAL, stream=False)
    call_id = body["messages"][2]["tool_calls"][0]["id"]
    assert len(call_id) == 9
    assert call_id.isalnum()
    assert body["messages"][3]["tool_call_id"] == call_id


def test_valid_mistral_tool_id_is_kept() -> None:
    assert mistral_tool_call_id("Ab3dE6gH9") == "Ab3dE6gH9"


def test_openai_body_asks_for_usage_and_renames_fields() -> None:
    body = chat_body(request(), Dialect.OPENAI, stream=True)
    assert body["stream_options"] == {"include_usage": True}
    assert body["seed"] == 7
    assert body["tool_choice"] == "required"
    assert "random_seed" not in body
    assert "safe_prompt" not in body
    assert body["messages"][2]["tool_calls"][0]["id"] == CALL.id


def test_openai_non_streaming_body_has_no_stream_options() -> None:
    assert "stream_options" not in chat_body(request(), Dialect.OPENAI, stream=False)


def test_unset_parameters_are_not_sent() -> None:
    body = chat_body(
        request(params=ChatParams(), tools=(), tool_choice="auto"), Dialect.MISTRAL, stream=True
    )
    assert set(body) == {"model", "messages", "stream"}


def test_prefix_only_on_mistral() -> None:
    messages = (ChatMessage(Role.USER, "Hi"), ChatMessage(Role.ASSISTANT, "Hel", prefix=True))
    mistral = chat_body(request(messages=messages), Dialect.MISTRAL, stream=True)
    openai = chat_body(request(messages=messages), Dialect.OPENAI, stream=True)
    assert mistral["messages"][1]["prefix"] is True
    assert "prefix" not in openai["messages"][1]


def test_openai_continuation_asks_vllm_to_continue_the_final_message() -> None:
    messages = (ChatMessage(Role.USER, "Hi"), ChatMessage(Role.ASSISTANT, "Hel", prefix=True))
    openai = chat_body(request(messages=messages), Dialect.OPENAI, stream=True)
    assert openai["continue_final_message"] is True
    assert openai["add_generation_prompt"] is False
    # Not in a normal request, nor ever to Mistral (it refuses unknown fields).
    normal = chat_body(request(), Dialect.OPENAI, stream=True)
    assert "continue_final_message" not in normal
    assert "add_generation_prompt" not in normal
    mistral = chat_body(request(messages=messages), Dialect.MISTRAL, stream=True)
    assert "continue_final_message" not in mistral
    assert "add_generation_prompt" not in mistral


def test_mistral_cards_are_read_fully() -> None:
    payload = {
        "object": "list",
        "data": [
            {
                "id": "mistral-large-2411",
                "name": "Mistral Large 2.1",
                "max_context_length": 131072,
                "aliases": [],
                "deprecation": "2026-02-27T00:00:00Z",
                "deprecation_replacement_model": "mistral-large-2512",
                "default_model_temperature": 0.7,
                "capabilities": {"completion_chat": True, "function_calling": True},
            },
            {"id": "mistral-embed", "capabilities": {"completion_chat": False}},
            {"name": "no id: ignored"},
        ],
    }
    large, embed = model_cards(payload)
    assert large.max_context_length == 131072
    assert large.replacement == "mistral-large-2512"
    assert large.deprecation == datetime(2026, 2, 27, tzinfo=UTC)
    assert large.is_retired(datetime(2026, 11, 29, tzinfo=UTC))
    assert large.function_calling
    assert large.chat
    assert large.default_temperature == 0.7
    assert not embed.chat


def test_openai_compatible_cards_and_bare_arrays() -> None:
    vllm = {
        "object": "list",
        "data": [
            {
                "id": "mistralai/Mistral-Large-Instruct-2411",
                "object": "model",
                "owned_by": "vllm",
                "max_model_len": 32768,
            }
        ],
    }
    (card,) = model_cards(vllm)
    assert card.chat
    assert card.max_context_length == 32768
    assert card.owned_by == "vllm"
    assert [c.id for c in model_cards([{"id": "a"}, {"id": "b"}])] == ["a", "b"]
    assert model_cards("nonsense") == []

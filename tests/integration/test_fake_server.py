"""Tests of the fake Mistral server itself: every behaviour and fault it offers.

These talk to it with plain httpx, so they also pin what the app will see on the wire.
The ``fake_mistral`` and ``fake_openai`` fixtures come from tests/conftest.py.
"""

from __future__ import annotations

import json
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fake_mistral import FakeMistral, Reply, mistral_card

pytest_plugins = ["pytester"]

MODEL = "mistral-large-2411"
VLLM_MODEL = "mistralai/Mistral-Large-Instruct-2411"
AUTH = {"Authorization": "Bearer test-key"}
REPO = Path(__file__).resolve().parents[2]

# Building an SSL context is most of the cost of an httpx.Client; these tests make many.
_TLS = ssl.create_default_context()


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    """A client for absolute URLs, with no credentials."""
    with httpx.Client(timeout=5, verify=_TLS) as plain:
        yield plain


@pytest.fixture
def client(fake_mistral: FakeMistral) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=fake_mistral.base_url, headers=AUTH, timeout=5, verify=_TLS) as api:
        yield api


@pytest.fixture
def oclient(fake_openai: FakeMistral) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=fake_openai.base_url, timeout=5, verify=_TLS) as api:
        yield api


def chat(text: str = "Hello there", *, stream: bool = False, **extra: Any) -> dict[str, Any]:
    return {
        "model": MODEL,
        "messages": [{"role": "user", "content": text}],
        "stream": stream,
        **extra,
    }


def data_lines(raw: bytes) -> list[str]:
    """The payloads of the ``data:`` lines of an SSE body, in order."""
    return [
        line.removeprefix("data: ")
        for line in raw.decode().split("\n")
        if line.startswith("data: ")
    ]


def chunks(raw: bytes) -> list[dict[str, Any]]:
    return [json.loads(p) for p in data_lines(raw) if p != "[DONE]" and p.startswith('{"')]


def content_of(parsed: list[dict[str, Any]]) -> str:
    return "".join(c["choices"][0]["delta"].get("content") or "" for c in parsed if c["choices"])


def read_until_error(response: httpx.Response) -> list[tuple[float, bytes]]:
    """Raw reads with their arrival times, until the stream fails (it must)."""
    start, reads = time.monotonic(), []

    def drain() -> None:
        for piece in response.iter_raw():
            reads.append((time.monotonic() - start, piece))

    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        drain()
    return reads


# -- models ------------------------------------------------------------------------


def test_models_lists_mistral_cards(client: httpx.Client) -> None:
    response = client.get("/v1/models")
    assert response.status_code == 200
    listing = response.json()
    assert listing["object"] == "list"
    cards = {card["id"]: card for card in listing["data"]}
    assert set(cards) >= {
        "mistral-large-2411",
        "mistral-large-2512",
        "mistral-small-2506",
        "ministral-8b-2410",
        "codestral-2508",
        "mistral-embed",
        "open-mistral-nemo",
    }
    large = cards["mistral-large-2411"]
    assert list(large)[:4] == ["id", "object", "created", "owned_by"]
    assert large["max_context_length"] == 131072
    assert large["deprecation"] == "2026-02-27T00:00:00Z"
    assert large["deprecation_replacement_model"] == "mistral-large-2512"
    assert large["type"] == "base"
    assert large["capabilities"]["function_calling"] is True
    assert {"completion_chat", "completion_fim", "vision", "fine_tuning", "classification"} <= set(
        large["capabilities"]
    )
    assert cards["mistral-large-2512"]["aliases"] == ["mistral-large-latest"]
    assert cards["mistral-large-2512"]["max_context_length"] == 262144
    assert cards["mistral-embed"]["capabilities"]["completion_chat"] is False
    assert response.headers["mistral-correlation-id"]


def test_models_need_the_key(fake_mistral: FakeMistral, http: httpx.Client) -> None:
    response = http.get(f"{fake_mistral.base_url}/v1/models")
    assert response.status_code == 401
    body = response.json()
    assert body["message"] == "Unauthorized"
    int(body["request_id"], 16)  # hex
    wrong = http.get(f"{fake_mistral.base_url}/v1/models", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    fake_mistral.unauthorized_detail_only = True
    other = http.get(f"{fake_mistral.base_url}/v1/models")
    assert other.json() == {"detail": "Unauthorized"}


def test_catalog_is_settable_and_aliases_resolve(
    fake_mistral: FakeMistral, client: httpx.Client
) -> None:
    assert client.post("/v1/chat/completions", json=chat(model="mistral-large-latest")).is_success
    fake_mistral.catalog = [mistral_card("tiny-1", max_context_length=4096, completion_chat=True)]
    assert [c["id"] for c in client.get("/v1/models").json()["data"]] == ["tiny-1"]
    assert client.post("/v1/chat/completions", json=chat(model="tiny-1")).is_success
    assert client.post("/v1/chat/completions", json=chat()).status_code == 400


def test_openai_dialect_models_need_no_key(oclient: httpx.Client) -> None:
    response = oclient.get("/v1/models")
    assert response.status_code == 200
    [card] = response.json()["data"]
    assert card == {
        "id": VLLM_MODEL,
        "object": "model",
        "created": card["created"],
        "owned_by": "vllm",
        "max_model_len": 131072,
    }


# -- plain chat ------------------------------------------------------------------------


def test_default_reply_echoes_and_requests_are_recorded(
    fake_mistral: FakeMistral, client: httpx.Client
) -> None:
    response = client.post(
        "/v1/chat/completions",
        json=chat("What is up"),
        headers={"User-Agent": "Maestrale/9.9"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "chat.completion"
    assert body["model"] == MODEL
    choice = body["choices"][0]
    assert choice["message"]["role"] == "assistant"
    assert choice["message"]["content"] == "Echo: What is up"
    assert choice["finish_reason"] == "stop"
    assert body["usage"]["prompt_tokens"] == 3
    assert (
        body["usage"]["total_tokens"]
        == body["usage"]["prompt_tokens"] + body["usage"]["completion_tokens"]
    )
    assert fake_mistral.request_count == 1
    record = fake_mistral.last_request
    assert (record.method, record.path) == ("POST", "/v1/chat/completions")
    assert record.headers["user-agent"] == "Maestrale/9.9"
    assert record.headers["authorization"] == "Bearer test-key"
    assert record.body == chat("What is up")


def test_stream_has_the_real_shape(fake_mistral: FakeMistral, client: httpx.Client) -> None:
    fake_mistral.enqueue(Reply(text="Bonjour le monde !"))
    with client.stream("POST", "/v1/chat/completions", json=chat(stream=True)) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["connection"] == "close"
        assert "content-length" not in response.headers
        raw = response.read()
    lines = data_lines(raw)
    assert lines[-1] == "[DONE]"
    assert raw.endswith(b"data: [DONE]\n\n")
    parsed = chunks(raw)
    assert all(c["object"] == "chat.completion.chunk" for c in parsed)
    assert len({c["id"] for c in parsed}) == 1
    assert parsed[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    pieces = [c["choices"][0]["delta"]["content"] for c in parsed[1:]]
    assert pieces == ["Bonjour", " le", " monde", " !"]
    assert all(c["choices"][0]["finish_reason"] is None for c in parsed[:-1])
    assert all("usage" not in c for c in parsed[:-1])
    last = parsed[-1]
    assert last["choices"][0]["finish_reason"] == "stop"
    assert last["usage"]["completion_tokens"] == 4
    assert all("p" in c for c in parsed)  # the real API's random padding field


def test_stream_options_exactly(fake_mistral: FakeMistral, client: httpx.Client) -> None:
    fake_mistral.enqueue(Reply(chunks=["a", "b"], separate_final=True, extra_fields=False))
    with client.stream("POST", "/v1/chat/completions", json=chat(stream=True)) as response:
        parsed = chunks(response.read())
    assert [c["choices"][0]["delta"] for c in parsed] == [
        {"role": "assistant", "content": ""},
        {"content": "a"},
        {"content": "b"},
        {"content": ""},
    ]
    assert parsed[-1]["choices"][0]["finish_reason"] == "stop"
    assert "usage" in parsed[-1]
    assert not any("p" in c for c in parsed)


def test_content_as_list(fake_mistral: FakeMistral, client: httpx.Client) -> None:
    fake_mistral.enqueue(Reply(text="two words", content_as_list=True))
    with client.stream("POST", "/v1/chat/completions", json=chat(stream=True)) as response:
        parsed = chunks(response.read())
    assert [c["choices"][0]["delta"]["content"] for c in parsed[1:]] == [
        [{"type": "text", "text": "two"}],
        [{"type": "text", "text": " words"}],
    ]


def test_thinking_comes_first_as_chunks(fake_mistral: FakeMistral, client: httpx.Client) -> None:
    fake_mistral.enqueue(Reply(thinking="Let me see", text="Yes"))
    with client.stream("POST", "/v1/chat/completions", json=chat(stream=True)) as response:
        parsed = chunks(response.read())
    contents = [c["choices"][0]["delta"]["content"] for c in parsed[1:]]
    assert contents == [
        [{"type": "thinking", "thinking": [{"type": "text", "text": "Let"}]}],
        [{"type": "thinking", "thinking": [{"type": "text", "text": " me"}]}],
        [{"type": "thinking", "thinking": [{"type": "text", "text": " see"}]}],
        "Yes",
    ]
    fake_mistral.enqueue(Reply(thinking="Hmm", text="Yes"))
    message = client.post("/v1/chat/completions", json=chat()).json()["choices"][0]["message"]
    assert message["content"] == [
        {"type": "thinking", "thinking": [{"type": "text", "text": "Hmm"}]},
        {"type": "text", "text": "Yes"},
    ]


def test_batched_stream_carries_the_same_events(
    fake_mistral: FakeMistral, client: httpx.Client
) -> None:
    text = " ".join(f"w{i}" for i in range(500))
    fake_mistral.enqueue(Reply(text=text, batch=64))
    with client.stream("POST", "/v1/chat/completions", json=chat(stream=True)) as response:
        raw = response.read()
    assert content_of(chunks(raw)) == text
    assert data_lines(raw)[-1] == "[DONE]"


# -- tool calls ------------------------------------------------------------------------


def test_tool_calls_whole(fake_mistral: FakeMistral, client: httpx.Client) -> None:
    fake_mistral.enqueue(
        Reply(
            tool_calls=[
                {"id": "abcDEF123", "name": "weather", "arguments": {"city": "Paris"}},
                {"id": "xyzXYZ789", "name": "time", "arguments": "{}"},
            ]
        )
    )
    with client.stream("POST", "/v1/chat/completions", json=chat(stream=True)) as response:
        parsed = chunks(response.read())
    assert len(parsed) == 2
    choice = parsed[1]["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    calls = choice["delta"]["tool_calls"]
    assert [(c["index"], c["id"], c["function"]["name"]) for c in calls] == [
        (0, "abcDEF123", "weather"),
        (1, "xyzXYZ789", "time"),
    ]
    assert calls[0]["function"]["arguments"] == {"city": "Paris"}  # an object, not a string
    assert calls[1]["function"]["arguments"] == "{}"


def test_tool_calls_fragmented(fake_mistral: FakeMistral, client: httpx.Client) -> None:
    arguments = '{"city": "Paris", "unit": "C"}'
    fake_mistral.enqueue(
        Reply(
            text="Let me check.",
            tool_calls=[{"name": "weather", "arguments": arguments}],
            tool_call_mode="fragmented",
        )
    )
    with client.stream("POST", "/v1/chat/completions", json=chat(stream=True)) as response:
        parsed = chunks(response.read())
    deltas = [c["choices"][0]["delta"] for c in parsed]
    assert content_of(parsed) == "Let me check."
    tool_deltas = [d["tool_calls"][0] for d in deltas if "tool_calls" in d]
    opening = tool_deltas[0]
    assert opening["function"] == {"name": "weather", "arguments": ""}
    assert len(opening["id"]) == 9
    assert opening["id"].isalnum()
    fragments = [d["function"]["arguments"] for d in tool_deltas[1:]]
    assert all(0 < len(f) <= 4 for f in fragments)
    assert "".join(fragments) == arguments
    assert all(d["index"] == 0 for d in tool_deltas)
    assert parsed[-1]["choices"][0]["finish_reason"] == "tool_calls"


def test_non_streaming_tool_calls(fake_mistral: FakeMistral, client: httpx.Client) -> None:
    fake_mistral.enqueue(Reply(tool_calls=[{"id": "abcDEF123", "name": "f", "arguments": "{}"}]))
    message = client.post("/v1/chat/completions", json=chat()).json()["choices"][0]["message"]
    assert message["tool_calls"][0]["id"] == "abcDEF123"
    assert message["tool_calls"][0]["function"] == {"name": "f", "arguments": "{}"}


# -- request validation ------------------------------------------------------------


def test_stream_options_is_rejected_like_the_real_api(
    fake_mistral: FakeMistral, client: httpx.Client
) -> None:
    fake_mistral.expect_violations = True
    body = chat(stream=True, stream_options={"include_usage": True})
    response = client.post("/v1/chat/completions", json=body)
    assert response.status_code == 422
    assert response.json() == {
        "object": "error",
        "message": {
            "detail": [
                {
                    "type": "extra_forbidden",
                    "loc": ["body", "stream_options"],
                    "msg": "Extra inputs are not permitted",
                    "input": {"include_usage": True},
                }
            ]
        },
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }
    assert fake_mistral.schema_violations == [
        "body.stream_options: Extra inputs are not permitted (extra_forbidden)"
    ]
    assert fake_mistral.pending_replies == 0  # rejected requests take no scripted reply


@pytest.mark.parametrize(
    ("change", "error_type", "loc"),
    [
        ({"temperature": 2}, "less_than_equal", ["body", "temperature"]),
        ({"top_p": 0}, "greater_than", ["body", "top_p"]),
        ({"max_tokens": "many"}, "int_type", ["body", "max_tokens"]),
        ({"model": None}, "string_type", ["body", "model"]),
        ({"tool_choice": "sometimes"}, "enum", ["body", "tool_choice"]),
        (
            {"messages": [{"role": "user", "content": "x", "name": "me"}]},
            "extra_forbidden",
            ["body", "messages", 0, "name"],
        ),
        (
            {"messages": [{"role": "robot", "content": "x"}]},
            "union_tag_invalid",
            ["body", "messages", 0],
        ),
        ({"max_completion_tokens": 5}, "extra_forbidden", ["body", "max_completion_tokens"]),
    ],
)
def test_schema_violations_give_pydantic_details(
    fake_mistral: FakeMistral,
    client: httpx.Client,
    change: dict[str, Any],
    error_type: str,
    loc: list[Any],
) -> None:
    fake_mistral.expect_violations = True
    response = client.post("/v1/chat/completions", json={**chat(), **change})
    assert response.status_code == 422
    [entry] = response.json()["message"]["detail"]
    assert (entry["type"], entry["loc"]) == (error_type, loc)
    assert len(fake_mistral.schema_violations) == 1


def test_missing_model_and_bad_json(fake_mistral: FakeMistral, client: httpx.Client) -> None:
    fake_mistral.expect_violations = True
    missing = client.post("/v1/chat/completions", json={"messages": []})
    assert missing.status_code == 422
    [entry] = missing.json()["message"]["detail"]
    assert (entry["type"], entry["loc"], entry["msg"]) == (
        "missing",
        ["body", "model"],
        "Field required",
    )
    broken = client.post(
        "/v1/chat/completions", content=b'{"model": ', headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 422
    assert broken.json()["message"]["detail"][0]["type"] == "json_invalid"
    assert len(fake_mistral.schema_violations) == 2


def test_every_documented_field_passes(client: httpx.Client) -> None:
    body = chat(
        temperature=0.3,
        top_p=0.9,
        max_tokens=100,
        stop=["\n\n"],
        random_seed=7,
        response_format={"type": "text"},
        tools=[
            {
                "type": "function",
                "function": {
                    "name": "weather",
                    "description": "Weather for a city",
                    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
                },
            }
        ],
        tool_choice="auto",
        presence_penalty=0.1,
        frequency_penalty=0.1,
        n=1,
        parallel_tool_calls=True,
        safe_prompt=False,
    )
    body["messages"] = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": [{"type": "text", "text": "Weather?"}]},
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {
                    "id": "abcDEF123",
                    "type": "function",
                    "function": {"name": "weather", "arguments": '{"city": "Nice"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "abcDEF123", "name": "weather", "content": "Sunny"},
    ]
    response = client.post("/v1/chat/completions", json=body)
    assert response.status_code == 200, response.text


def test_unknown_and_retired_models_are_invalid(
    fake_mistral: FakeMistral, client: httpx.Client
) -> None:
    unknown = client.post("/v1/chat/completions", json=chat(model="mistral-huge"))
    assert unknown.status_code == 400
    assert unknown.json() == {
        "object": "error",
        "message": "Invalid model: mistral-huge",
        "type": "invalid_model",
        "param": None,
        "code": "1500",
    }
    fake_mistral.retired_models = {MODEL}
    retired = client.post("/v1/chat/completions", json=chat())
    assert retired.status_code == 400
    assert retired.json()["message"] == f"Invalid model: {MODEL}"
    assert fake_mistral.schema_violations == []  # a config problem, not a client bug


@pytest.mark.parametrize("where", ["assistant", "tool"])
def test_tool_call_ids_must_be_nine_alphanumerics(
    fake_mistral: FakeMistral, client: httpx.Client, where: str
) -> None:
    fake_mistral.expect_violations = True
    good, bad = "abcDEF123", "call_0fypS1hVX"
    call_id = bad if where == "assistant" else good
    body = chat()
    body["messages"] += [
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [{"id": call_id, "function": {"name": "f", "arguments": "{}"}}],
        },
        {"role": "tool", "tool_call_id": bad if where == "tool" else good, "content": "ok"},
    ]
    response = client.post("/v1/chat/completions", json=body)
    assert response.status_code == 400
    assert response.json() == {
        "object": "error",
        "message": f"Tool call id was {bad} but must be a-z, A-Z, 0-9, with a length of 9.",
        "type": "invalid_function_call",
        "param": None,
        "code": "3280",
    }
    assert fake_mistral.schema_violations == [f"bad tool call id {bad!r}"]


# -- scripted errors -----------------------------------------------------------------


def test_429_then_success_with_retry_after(fake_mistral: FakeMistral, client: httpx.Client) -> None:
    fake_mistral.enqueue(Reply(status=429, retry_after="1"), Reply(text="fine"))
    first = client.post("/v1/chat/completions", json=chat())
    assert first.status_code == 429
    assert first.headers["retry-after"] == "1"
    assert first.headers["x-ratelimit-remaining-req-minute"] == "0"
    assert first.json() == {
        "object": "error",
        "message": "Rate limit exceeded",
        "type": "rate_limited",
        "param": None,
        "code": "1300",
    }
    second = client.post("/v1/chat/completions", json=chat())
    assert second.json()["choices"][0]["message"]["content"] == "fine"
    assert "x-ratelimit-limit-tokens-minute" in second.headers
    assert fake_mistral.request_count == 2


@pytest.mark.parametrize(
    ("reply", "content_type", "check"),
    [
        (Reply(status=400), "application/json", lambda b: b["type"] == "invalid_model"),
        (Reply(status=401), "application/json", lambda b: b["message"] == "Unauthorized"),
        (
            Reply(status=401, detail_only=True),
            "application/json",
            lambda b: b == {"detail": "Unauthorized"},
        ),
        (Reply(status=402), "application/json", lambda b: b["object"] == "error"),
        (Reply(status=403), "application/json", lambda b: b["object"] == "error"),
        (Reply(status=404), "application/json", lambda b: b == {"detail": "Not Found"}),
        (Reply(status=422), "application/json", lambda b: isinstance(b["message"]["detail"], list)),
        (
            Reply(status=422, detail_only=True),
            "application/json",
            lambda b: list(b) == ["detail"] and isinstance(b["detail"], list),
        ),
        (Reply(status=500), "application/json", lambda b: b["object"] == "error"),
        (Reply(status=502), "text/html", lambda b: "502 Bad Gateway" in b),
        (Reply(status=503), "application/json", lambda b: b["object"] == "error"),
        (Reply(status=504), "text/html", lambda b: "504 Gateway Timeout" in b),
        (
            Reply(status=503, error_body="upstream connect error"),
            "text/plain",
            lambda b: b == "upstream connect error",
        ),
        (
            Reply(status=500, error_body={"custom": 1}),
            "application/json",
            lambda b: b == {"custom": 1},
        ),
    ],
)
def test_scripted_error_bodies(
    fake_mistral: FakeMistral,
    client: httpx.Client,
    reply: Reply,
    content_type: str,
    check: Any,
) -> None:
    fake_mistral.enqueue(reply)
    response = client.post("/v1/chat/completions", json=chat(stream=True))
    assert response.status_code == reply.status
    assert response.headers["content-type"].startswith(content_type)
    body = response.json() if content_type == "application/json" else response.text
    assert check(body)


def test_extra_headers_are_sent(fake_mistral: FakeMistral, client: httpx.Client) -> None:
    date = "Wed, 21 Oct 2026 07:28:00 GMT"
    fake_mistral.enqueue(Reply(status=503, retry_after=date, headers={"x-extra": "yes"}))
    response = client.post("/v1/chat/completions", json=chat())
    assert response.headers["retry-after"] == date
    assert response.headers["x-extra"] == "yes"


# -- faults --------------------------------------------------------------------------


def test_cut_stream_resets_without_done(fake_mistral: FakeMistral, client: httpx.Client) -> None:
    fake_mistral.enqueue(Reply(text="one two three four", cut_after=2))
    with client.stream("POST", "/v1/chat/completions", json=chat(stream=True)) as response:
        reads = read_until_error(response)
    raw = b"".join(piece for _, piece in reads)
    assert b"[DONE]" not in raw
    parsed = chunks(raw)
    assert content_of(parsed) == "one two"  # what arrived before the cut is intact
    assert all(c["choices"][0]["finish_reason"] is None for c in parsed)


def test_cut_non_streaming_body(fake_mistral: FakeMistral, client: httpx.Client) -> None:
    fake_mistral.enqueue(Reply(text="one two", cut_after=0))
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        client.post("/v1/chat/completions", json=chat())


def test_malformed_line_then_the_stream_goes_on(
    fake_mistral: FakeMistral, client: httpx.Client
) -> None:
    fake_mistral.enqueue(Reply(text="a b c", malformed_after=1))
    with client.stream("POST", "/v1/chat/completions", json=chat(stream=True)) as response:
        lines = data_lines(response.read())
    assert lines[2] == "{not json"  # role chunk, one content chunk, then garbage
    assert lines[-1] == "[DONE]"
    valid = [json.loads(line) for line in lines if line not in ("{not json", "[DONE]")]
    assert content_of(valid) == "a b c"


def test_split_utf8_really_splits_characters(
    fake_mistral: FakeMistral, client: httpx.Client
) -> None:
    text = "Café € 😀"
    fake_mistral.enqueue(Reply(text=text, split_utf8=True, split_pause=0.02))
    reads: list[bytes] = []
    with client.stream("POST", "/v1/chat/completions", json=chat(stream=True)) as response:
        reads.extend(response.iter_raw())
    # Some reads end inside a character: their last byte is a UTF-8 lead byte.
    torn = [r for r in reads if r[-1] >= 0xC0]
    assert torn
    for piece in torn:
        with pytest.raises(UnicodeDecodeError):
            piece.decode()
    raw = b"".join(reads)
    assert content_of(chunks(raw)) == text
    assert data_lines(raw)[-1] == "[DONE]"


def test_stall_really_stalls_then_cuts(fake_mistral: FakeMistral, client: httpx.Client) -> None:
    fake_mistral.enqueue(Reply(text="one two three", stall_after=1, stall_seconds=0.4))
    start = time.monotonic()
    with client.stream("POST", "/v1/chat/completions", json=chat(stream=True)) as response:
        reads = read_until_error(response)
    assert time.monotonic() - start >= 0.4
    raw = b"".join(piece for _, piece in reads)
    assert content_of(chunks(raw)) == "one"
    assert b"[DONE]" not in raw
    assert reads[-1][0] < 0.35  # everything that came, came before the silence ended


def test_delay_drips(fake_mistral: FakeMistral, client: httpx.Client) -> None:
    fake_mistral.enqueue(Reply(chunks=["a", "b", "c", "d"], delay=0.05))
    with client.stream("POST", "/v1/chat/completions", json=chat(stream=True)) as response:
        start = time.monotonic()
        arrivals = [time.monotonic() - start for _ in response.iter_raw()]
    assert len(arrivals) >= 4  # separate writes arrive separately
    assert arrivals[-1] >= 0.18


def test_stop_cuts_a_stalled_stream() -> None:
    with (
        FakeMistral() as server,
        httpx.Client(base_url=server.base_url, headers=AUTH, verify=_TLS) as api,
    ):
        server.enqueue(Reply(text="x y", stall_after=1, stall_seconds=30))
        with api.stream("POST", "/v1/chat/completions", json=chat(stream=True)) as response:
            stream = response.iter_raw()
            next(stream)
            start = time.monotonic()
            server.stop()
            with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
                list(stream)
    # Cut, not ended by the 30 s stall. The bound leaves room for a busy machine (the
    # server's shutdown polls every 0.5 s and joins its handlers): 3 s failed under load.
    assert time.monotonic() - start < 10


# -- openai dialect ------------------------------------------------------------------


def test_openai_stream_usage_only_on_request(
    fake_openai: FakeMistral, oclient: httpx.Client
) -> None:
    body = chat("hi", stream=True, model=VLLM_MODEL)
    with oclient.stream("POST", "/v1/chat/completions", json=body) as response:
        plain = chunks(response.read())
    assert not any("usage" in c for c in plain)
    assert plain[-1]["choices"][0] == {
        "index": 0,
        "delta": {},
        "finish_reason": "stop",
    }
    body["stream_options"] = {"include_usage": True}
    fake_openai.enqueue(Reply(text="ok then"))
    with oclient.stream("POST", "/v1/chat/completions", json=body) as response:
        raw = response.read()
    with_usage = chunks(raw)
    assert data_lines(raw)[-1] == "[DONE]"
    assert with_usage[-1]["choices"] == []
    assert with_usage[-1]["usage"]["completion_tokens"] == 2
    assert fake_openai.last_request.body["stream_options"] == {"include_usage": True}
    assert fake_openai.schema_violations == []


def test_openai_continuations_follow_vllms_rules(
    fake_openai: FakeMistral, oclient: httpx.Client
) -> None:
    partial = [{"role": "user", "content": "Count"}, {"role": "assistant", "content": "1, 2,"}]
    asked = chat(model=VLLM_MODEL, continue_final_message=True, add_generation_prompt=False)
    asked["messages"] = partial
    assert oclient.post("/v1/chat/completions", json=asked).status_code == 200
    assert fake_openai.last_request.body["continue_final_message"] is True
    assert fake_openai.schema_violations == []
    # vLLM refuses a generation prompt after a message it is to continue.
    both = asked | {"add_generation_prompt": True}
    refused = oclient.post("/v1/chat/completions", json=both)
    assert refused.status_code == 400
    assert refused.json()["type"] == "BadRequestError"
    # Without the parameter the template starts a new turn: answered, but noted.
    plain = chat(model=VLLM_MODEL) | {"messages": partial}
    assert oclient.post("/v1/chat/completions", json=plain).status_code == 200
    assert fake_openai.schema_violations[-1].startswith("assistant message last without")


def test_openai_tool_call_arguments_are_strings(
    fake_openai: FakeMistral, oclient: httpx.Client
) -> None:
    fake_openai.enqueue(Reply(tool_calls=[{"name": "f", "arguments": {"a": 1}}]))
    body = chat("hi", stream=True, model=VLLM_MODEL)
    with oclient.stream("POST", "/v1/chat/completions", json=body) as response:
        parsed = chunks(response.read())
    call = parsed[1]["choices"][0]["delta"]["tool_calls"][0]
    assert call["type"] == "function"
    assert json.loads(call["function"]["arguments"]) == {"a": 1}


def test_openai_unknown_model_and_optional_key(oclient: httpx.Client, http: httpx.Client) -> None:
    response = oclient.post("/v1/chat/completions", json=chat())
    assert response.status_code == 404
    assert response.json()["type"] == "NotFoundError"
    with FakeMistral("openai", api_key="k") as keyed:
        assert http.get(f"{keyed.base_url}/v1/models").status_code == 401


WEATHER_TOOL = {
    "type": "function",
    "function": {"name": "weather", "description": "Weather", "parameters": {"type": "object"}},
}


def test_refuse_tools_answers_as_vllm_without_its_tool_flags(
    fake_openai: FakeMistral, oclient: httpx.Client, http: httpx.Client
) -> None:
    http.post(f"{fake_openai.base_url}/_fake/config", json={"refuse_tools": True})
    model = {"model": "mistralai/Mistral-Large-Instruct-2411"}
    refused = oclient.post("/v1/chat/completions", json=chat(**model, tools=[WEATHER_TOOL]))
    assert refused.status_code == 400
    assert refused.json()["message"] == (
        '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set'
    )
    assert refused.json()["type"] == "BadRequestError"
    # A forced choice needs no parser; a request without tools is answered as ever.
    forced = chat(**model, tools=[WEATHER_TOOL], tool_choice="required")
    assert oclient.post("/v1/chat/completions", json=forced).status_code == 200
    assert oclient.post("/v1/chat/completions", json=chat(**model)).status_code == 200


def test_refuse_tools_in_the_mistral_dialect(
    fake_mistral: FakeMistral, client: httpx.Client
) -> None:
    fake_mistral.refuse_tools = True
    refused = client.post("/v1/chat/completions", json=chat(tools=[WEATHER_TOOL]))
    assert refused.status_code == 400
    assert "Function calling is not enabled" in refused.json()["message"]
    assert client.post("/v1/chat/completions", json=chat()).status_code == 200


# -- control endpoints, the subprocess, the fixture ---------------------------------


def test_control_endpoints(
    fake_mistral: FakeMistral, client: httpx.Client, http: httpx.Client
) -> None:
    base = fake_mistral.base_url
    queued = http.post(f"{base}/_fake/replies", json=[{"text": "scripted"}, {"status": 503}])
    assert queued.json() == {"queued": 2}
    assert (
        client.post("/v1/chat/completions", json=chat()).json()["choices"][0]["message"]["content"]
        == "scripted"
    )
    assert client.post("/v1/chat/completions", json=chat()).status_code == 503
    state = http.get(f"{base}/_fake/requests").json()
    assert state["request_count"] == 2
    assert state["requests"][0]["headers"]["authorization"] == "Bearer test-key"
    assert state["requests"][0]["body"]["model"] == MODEL
    assert http.post(f"{base}/_fake/replies", json=[{"bogus": 1}]).status_code == 400
    http.post(f"{base}/_fake/config", json={"retired_models": [MODEL]})
    assert client.post("/v1/chat/completions", json=chat()).status_code == 400
    http.post(f"{base}/_fake/reset")
    assert http.get(f"{base}/_fake/requests").json()["requests"] == []


def test_runs_as_a_subprocess(http: httpx.Client) -> None:
    command = [sys.executable, "-m", "tests.fake_mistral", "--port", "0"]
    with subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            assert line.startswith("PORT ")
            base = f"http://127.0.0.1:{int(line.split()[1])}"
            http.post(f"{base}/_fake/replies", json=[{"text": "from afar"}])
            response = http.post(f"{base}/v1/chat/completions", json=chat(), headers=AUTH)
            assert response.json()["choices"][0]["message"]["content"] == "from afar"
            assert http.get(f"{base}/_fake/requests").json()["request_count"] == 1
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=5) == 0
        assert process.stdout.read() == ""  # exactly one line on stdout


def test_fixture_fails_tests_that_send_invalid_requests(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('pytest_plugins = ["tests.fake_mistral.fixtures"]')
    pytester.makepyfile(
        """
        import httpx

        def send(server, **extra):
            body = {"model": "mistral-large-2411", "messages": [], **extra}
            headers = {"Authorization": "Bearer test-key"}
            httpx.post(server.base_url + "/v1/chat/completions", json=body, headers=headers)

        def test_bad(fake_mistral):
            send(fake_mistral, user="me")

        def test_bad_on_purpose(fake_mistral):
            fake_mistral.expect_violations = True
            send(fake_mistral, user="me")

        def test_good(fake_mistral):
            send(fake_mistral)
        """
    )
    # Only this plugin matters; others (qt, asyncio) want settings the scratch run lacks.
    result = pytester.runpytest_inprocess(
        "-p", "no:qt", "-p", "no:asyncio", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["*body.user: Extra inputs are not permitted*"])

"""The API client against the fake server: streaming, dialects, every fault of NOTES.md."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from app import __version__
from app.answering import build_request
from app.api import (
    ApiError,
    AuthenticationError,
    ChatMessage,
    ChatRequest,
    ContentDelta,
    Dialect,
    Endpoint,
    Finished,
    InvalidRequest,
    MistralClient,
    ModelUnavailable,
    NetworkError,
    PermissionDenied,
    RateLimited,
    RetryPolicy,
    ServerError,
    StreamEvent,
    StreamInterrupted,
    ToolCallDelta,
    ToolSpec,
    UsageReport,
)
from app.api.errors import ToolsRefused
from app.domain.messages import ChatParams, Message, MessageStatus, Role
from tests.fake_mistral import FakeMistral, Reply

VLLM_MODEL_ID = "mistralai/Mistral-Large-Instruct-2411"
QUESTION = ChatRequest(
    model="mistral-large-2411",
    messages=(ChatMessage(Role.SYSTEM, "Be brief."), ChatMessage(Role.USER, "Hello there")),
    params=ChatParams(temperature=0.3, max_tokens=200, random_seed=1),
)


class Sleeps:
    """Records back-off waits instead of sleeping through them."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def client_for(
    server: FakeMistral,
    *,
    key: str | None = "test-key",
    dialect: Dialect = Dialect.MISTRAL,
    sleeps: Sleeps | None = None,
    read_timeout: float = 5.0,
    attempts: int = 3,
) -> MistralClient:
    return MistralClient(
        Endpoint.parse(server.base_url),
        api_key=key,
        dialect=dialect,
        read_timeout=read_timeout,
        retry=RetryPolicy(attempts=attempts, base_delay=0.01, max_delay=0.05),
        sleep=sleeps or Sleeps(),
    )


async def collect(client: MistralClient, request: ChatRequest = QUESTION) -> list[StreamEvent]:
    async with client, client.stream(request) as stream:
        return [event async for event in stream]


async def test_a_normal_streamed_answer(fake_mistral: FakeMistral) -> None:
    # Paced as a real model writes: each piece arrives on its own.
    fake_mistral.enqueue(Reply(text="Bonjour, comment puis-je vous aider ?", delay=0.01))
    events = await collect(client_for(fake_mistral))
    text = "".join(e.text for e in events if isinstance(e, ContentDelta))
    assert text == "Bonjour, comment puis-je vous aider ?"
    assert sum(isinstance(e, ContentDelta) for e in events) > 3  # really streamed in pieces
    usage = [e for e in events if isinstance(e, UsageReport)]
    assert len(usage) == 1
    assert usage[0].usage.completion_tokens > 0
    assert events[-1] == Finished(reason="stop", tool_calls=())
    request = fake_mistral.last_request
    assert request.headers["user-agent"] == f"maestrale/{__version__}"
    assert request.headers["authorization"] == "Bearer test-key"
    assert request.body["stream"] is True
    assert "stream_options" not in request.body


async def test_non_streaming_completion(fake_mistral: FakeMistral) -> None:
    fake_mistral.enqueue(Reply(text="Short title"))
    async with client_for(fake_mistral) as client:
        completion = await client.complete(QUESTION)
    assert completion.text == "Short title"
    assert completion.finish_reason == "stop"
    assert completion.usage is not None
    assert fake_mistral.last_request.body["stream"] is False


async def test_no_key_for_mistral_sends_nothing(fake_mistral: FakeMistral) -> None:
    with pytest.raises(AuthenticationError, match="No API key") as caught:
        await collect(client_for(fake_mistral, key=None))
    assert fake_mistral.request_count == 0
    # A server of one's own speaking Mistral's dialect: its key, not a Mistral API key.
    assert "add this server's key" in caught.value.message
    assert "Mistral API key" not in caught.value.message
    async with MistralClient(Endpoint.parse("https://api.mistral.ai"), api_key=None) as client:
        with pytest.raises(AuthenticationError) as caught:
            await client.list_models()
    assert "add your Mistral API key" in caught.value.message


@pytest.mark.parametrize("detail_only", [False, True])
async def test_401_wrong_key(fake_mistral: FakeMistral, detail_only: bool) -> None:
    fake_mistral.unauthorized_detail_only = detail_only
    with pytest.raises(AuthenticationError) as caught:
        await collect(client_for(fake_mistral, key="wrong-key"))
    assert caught.value.status == 401
    assert "Unauthorized" in caught.value.message
    assert fake_mistral.request_count == 1  # never retried


@pytest.mark.parametrize("status", [402, 403])
async def test_payment_and_permission(fake_mistral: FakeMistral, status: int) -> None:
    fake_mistral.enqueue(Reply(status=status))
    with pytest.raises(PermissionDenied) as caught:
        await collect(client_for(fake_mistral))
    assert caught.value.status == status
    assert fake_mistral.request_count == 1


@pytest.mark.parametrize("detail_only", [False, True])
async def test_422_keeps_the_servers_details(fake_mistral: FakeMistral, detail_only: bool) -> None:
    fake_mistral.enqueue(Reply(status=422, detail_only=detail_only))
    with pytest.raises(InvalidRequest) as caught:
        await collect(client_for(fake_mistral))
    assert caught.value.status == 422
    assert caught.value.details
    assert fake_mistral.request_count == 1


async def test_the_server_validates_what_we_send(fake_mistral: FakeMistral) -> None:
    """A value outside the official schema is refused like the real API would."""
    fake_mistral.expect_violations = True
    bad = ChatRequest(
        model="mistral-large-2411", messages=QUESTION.messages, params=ChatParams(temperature=2.0)
    )
    with pytest.raises(InvalidRequest, match="temperature"):
        await collect(client_for(fake_mistral), bad)
    assert len(fake_mistral.schema_violations) == 1


async def test_429_with_retry_after_then_success(
    fake_mistral: FakeMistral, caplog: pytest.LogCaptureFixture
) -> None:
    fake_mistral.enqueue(Reply(status=429, retry_after="2"), Reply(text="Finally"))
    sleeps = Sleeps()
    events = await collect(client_for(fake_mistral, sleeps=sleeps))
    assert "".join(e.text for e in events if isinstance(e, ContentDelta)) == "Finally"
    assert sleeps.waits == [2.0]
    assert fake_mistral.request_count == 2
    # In the log, for a user who reports a wait (it held start-up lines only).
    assert "Rate limit reached (429); asking again in 2.0 s" in caplog.text


async def test_429_with_an_http_date(fake_mistral: FakeMistral) -> None:
    when = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 3))
    fake_mistral.enqueue(Reply(status=429, retry_after=when), Reply(text="ok"))
    sleeps = Sleeps()
    await collect(client_for(fake_mistral, sleeps=sleeps))
    assert len(sleeps.waits) == 1
    assert 1.0 <= sleeps.waits[0] <= 3.0


async def test_429_asking_for_too_long_a_wait_is_reported_at_once(
    fake_mistral: FakeMistral,
) -> None:
    fake_mistral.enqueue(Reply(status=429, retry_after="600"))
    with pytest.raises(RateLimited) as caught:
        await collect(client_for(fake_mistral))
    assert caught.value.retry_after == 600.0
    assert fake_mistral.request_count == 1


async def test_500_then_success(fake_mistral: FakeMistral) -> None:
    fake_mistral.enqueue(Reply(status=500), Reply(text="Recovered"))
    sleeps = Sleeps()
    events = await collect(client_for(fake_mistral, sleeps=sleeps))
    assert "".join(e.text for e in events if isinstance(e, ContentDelta)) == "Recovered"
    assert fake_mistral.request_count == 2
    assert len(sleeps.waits) == 1
    assert 0 < sleeps.waits[0] <= 0.05


async def test_503_until_retries_run_out(fake_mistral: FakeMistral) -> None:
    fake_mistral.enqueue(*[Reply(status=503) for _ in range(5)])
    sleeps = Sleeps()
    with pytest.raises(ServerError) as caught:
        await collect(client_for(fake_mistral, sleeps=sleeps, attempts=4))
    assert caught.value.status == 503
    assert fake_mistral.request_count == 4
    assert len(sleeps.waits) == 3
    assert sleeps.waits[0] <= sleeps.waits[2] * 2  # backing off, not hammering


async def test_non_json_error_body_from_a_proxy(fake_mistral: FakeMistral) -> None:
    fake_mistral.enqueue(*[Reply(status=502, error_body="<html>Bad gateway</html>")] * 3)
    with pytest.raises(ServerError, match="Bad gateway"):
        await collect(client_for(fake_mistral))


async def test_cut_mid_stream_keeps_partial_text_and_never_replays(
    fake_mistral: FakeMistral,
) -> None:
    fake_mistral.enqueue(Reply(text="one two three four five six", cut_after=3))
    seen: list[str] = []
    with pytest.raises(StreamInterrupted) as caught:
        async with client_for(fake_mistral) as client, client.stream(QUESTION) as stream:
            async for event in stream:
                if isinstance(event, ContentDelta):
                    seen.append(event.text)
    assert caught.value.partial_text == "".join(seen) == "one two three"
    assert "connection" in caught.value.message
    assert fake_mistral.request_count == 1


async def test_cut_before_the_first_token_is_retried(fake_mistral: FakeMistral) -> None:
    fake_mistral.enqueue(Reply(text="lost", cut_after=0), Reply(text="second try"))
    events = await collect(client_for(fake_mistral))
    assert "".join(e.text for e in events if isinstance(e, ContentDelta)) == "second try"
    assert fake_mistral.request_count == 2


async def test_malformed_line_interrupts_with_partial_text(fake_mistral: FakeMistral) -> None:
    fake_mistral.enqueue(Reply(text="alpha beta gamma delta", malformed_after=2))
    with pytest.raises(StreamInterrupted, match="malformed") as caught:
        await collect(client_for(fake_mistral))
    assert caught.value.partial_text == "alpha beta"


async def test_utf8_split_across_network_reads(fake_mistral: FakeMistral) -> None:
    text = "Très bien — 東京で会いましょう 🎉 naïve café"
    fake_mistral.enqueue(Reply(text=text, split_utf8=True))
    events = await collect(client_for(fake_mistral))
    assert "".join(e.text for e in events if isinstance(e, ContentDelta)) == text


async def test_stall_hits_the_read_timeout(fake_mistral: FakeMistral) -> None:
    fake_mistral.enqueue(Reply(text="a b c d e", stall_after=2, stall_seconds=5.0))
    started = time.monotonic()
    with pytest.raises(StreamInterrupted, match="stalled") as caught:
        await collect(client_for(fake_mistral, read_timeout=0.5))
    assert time.monotonic() - started < 3.0
    assert caught.value.partial_text == "a b"


async def test_slow_drip_is_not_a_stall(fake_mistral: FakeMistral) -> None:
    fake_mistral.enqueue(Reply(text="slow but steady wins", delay=0.2))
    events = await collect(client_for(fake_mistral, read_timeout=0.5))
    assert "".join(e.text for e in events if isinstance(e, ContentDelta)) == "slow but steady wins"


async def test_cancelling_closes_the_connection_and_keeps_the_text(
    fake_mistral: FakeMistral,
) -> None:
    fake_mistral.enqueue(Reply(text=" ".join(f"w{i}" for i in range(200)), delay=0.02))
    client = client_for(fake_mistral)
    stream = client.stream(QUESTION)
    got_some = asyncio.Event()

    async def consume() -> None:
        async with stream:
            async for event in stream:
                if isinstance(event, ContentDelta) and len(stream.answer.text) > 10:
                    got_some.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(got_some.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert stream.cancelled
    assert stream.answer.text.startswith("w0 w1")
    assert len(stream.answer.text) < len(" ".join(f"w{i}" for i in range(200)))
    await client.aclose()


async def test_whole_tool_calls(fake_mistral: FakeMistral) -> None:
    fake_mistral.enqueue(
        Reply(
            tool_calls=[
                {"id": "abcDEF123", "name": "weather", "arguments": {"city": "Lyon"}},
                {"id": "ghiJKL456", "name": "time", "arguments": '{"tz": "Europe/Paris"}'},
            ]
        )
    )
    request = ChatRequest(
        model="mistral-large-2411",
        messages=QUESTION.messages,
        tools=(
            ToolSpec("weather", "Weather", {"type": "object"}),
            ToolSpec("time", "Time", {"type": "object"}),
        ),
        tool_choice="auto",
    )
    events = await collect(client_for(fake_mistral), request)
    finished = events[-1]
    assert isinstance(finished, Finished)
    assert finished.reason == "tool_calls"
    assert [(c.id, c.name, c.parsed_arguments()) for c in finished.tool_calls] == [
        ("abcDEF123", "weather", {"city": "Lyon"}),
        ("ghiJKL456", "time", {"tz": "Europe/Paris"}),
    ]


async def test_fragmented_tool_calls(fake_mistral: FakeMistral) -> None:
    arguments = {"query": "restaurants à Lyon", "limit": 5}
    fake_mistral.enqueue(
        Reply(
            tool_calls=[{"id": "abcDEF123", "name": "search", "arguments": arguments}],
            tool_call_mode="fragmented",
        )
    )
    events = await collect(client_for(fake_mistral))
    deltas = [e for e in events if isinstance(e, ToolCallDelta)]
    assert len(deltas) > 3
    finished = events[-1]
    assert isinstance(finished, Finished)
    assert finished.tool_calls[0].parsed_arguments() == arguments


async def test_content_as_a_list_of_chunks(fake_mistral: FakeMistral) -> None:
    fake_mistral.enqueue(Reply(text="listed content", content_as_list=True))
    events = await collect(client_for(fake_mistral))
    assert "".join(e.text for e in events if isinstance(e, ContentDelta)) == "listed content"


async def test_unknown_model(fake_mistral: FakeMistral) -> None:
    request = ChatRequest(model="mistral-gigantic", messages=QUESTION.messages)
    with pytest.raises(ModelUnavailable) as caught:
        await collect(client_for(fake_mistral), request)
    assert caught.value.model == "mistral-gigantic"
    assert caught.value.replacement is None
    assert "maestrale models" in caught.value.message


async def test_retired_model_names_its_replacement(fake_mistral: FakeMistral) -> None:
    fake_mistral.retired_models = {"mistral-large-2411"}
    with pytest.raises(ModelUnavailable) as caught:
        await collect(client_for(fake_mistral))
    assert caught.value.replacement == "mistral-large-2512"
    assert "mistral-large-2512" in caught.value.message


async def test_models_listing(fake_mistral: FakeMistral) -> None:
    async with client_for(fake_mistral) as client:
        cards = {card.id: card for card in await client.list_models()}
    large = cards["mistral-large-2411"]
    assert large.max_context_length == 131072
    assert large.replacement == "mistral-large-2512"
    assert not cards["mistral-embed"].chat


async def test_openai_dialect_without_key(fake_openai: FakeMistral) -> None:
    fake_openai.enqueue(Reply(text="from vLLM"))
    model = "mistralai/Mistral-Large-Instruct-2411"
    request = ChatRequest(model=model, messages=QUESTION.messages, params=ChatParams(random_seed=3))
    events = await collect(client_for(fake_openai, key=None, dialect=Dialect.OPENAI), request)
    assert "".join(e.text for e in events if isinstance(e, ContentDelta)) == "from vLLM"
    assert any(isinstance(e, UsageReport) for e in events)  # thanks to stream_options
    body = fake_openai.last_request.body
    assert body["stream_options"] == {"include_usage": True}
    assert body["seed"] == 3
    assert "authorization" not in fake_openai.last_request.headers
    async with client_for(fake_openai, key=None, dialect=Dialect.OPENAI) as client:
        cards = await client.list_models()
    assert any(card.id == model and card.chat for card in cards)


@pytest.mark.parametrize("dialect", [Dialect.MISTRAL, Dialect.OPENAI])
async def test_a_server_that_takes_no_tools_refuses_them_and_says_so(
    fake_mistral: FakeMistral, fake_openai: FakeMistral, dialect: Dialect
) -> None:
    server = fake_mistral if dialect is Dialect.MISTRAL else fake_openai
    server.refuse_tools = True
    model = "mistral-large-2411" if dialect is Dialect.MISTRAL else VLLM_MODEL_ID
    plain = ChatRequest(model=model, messages=QUESTION.messages)
    offering = replace(plain, tools=(ToolSpec("weather", "Weather", {"type": "object"}),))
    with pytest.raises(ToolsRefused) as caught:
        await collect(client_for(server, dialect=dialect), offering)
    assert server.request_count == 1  # a refusal is not asked again
    words = "not started to accept tools" if dialect is Dialect.OPENAI else "model does not"
    assert words in caught.value.message
    events = await collect(client_for(server, dialect=dialect), plain)  # without tools: fine
    assert isinstance(events[-1], Finished)


async def test_connection_refused_is_a_network_error() -> None:
    server = FakeMistral()
    server.start()
    base_url = server.base_url
    server.stop()
    client = MistralClient(
        Endpoint.parse(base_url),
        api_key="k",
        retry=RetryPolicy(attempts=2, base_delay=0.01),
        sleep=Sleeps(),
    )
    with pytest.raises(NetworkError, match="Could not reach") as caught:
        await collect(client)
    # On this machine: no network to check, a server that may not be running.
    assert caught.value.message.endswith(
        "Is the server running? If it is, check its address (--base-url, or Settings → Endpoint)."
    )
    assert "network connection" not in caught.value.message


async def test_https_to_a_plain_http_server_says_so(fake_mistral: FakeMistral) -> None:
    # "the connection failed (ConnectError)" said nothing of the slip to undo.
    address = fake_mistral.base_url.replace("http://", "https://")
    client = MistralClient(
        Endpoint.parse(address),
        api_key="k",
        retry=RetryPolicy(attempts=1, base_delay=0.01),
        sleep=Sleeps(),
    )
    with pytest.raises(NetworkError, match=r"does not answer in https.*http://"):
        await collect(client)


async def test_redirects_are_not_followed_so_the_key_stays_home(fake_mistral: FakeMistral) -> None:
    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.send_response(307)
            self.send_header("Location", fake_mistral.base_url + "/v1/chat/completions")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Redirect)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = MistralClient(
            Endpoint.parse(f"http://127.0.0.1:{server.server_port}"),
            api_key="test-key",
            sleep=Sleeps(),
        )
        with pytest.raises(ApiError, match="307"):
            await collect(client)
    finally:
        server.shutdown()
        server.server_close()
    assert fake_mistral.request_count == 0


async def test_every_event_of_a_long_stream_arrives(fake_mistral: FakeMistral) -> None:
    words = [f"token{i} " for i in range(3000)]
    fake_mistral.enqueue(Reply(chunks=words, batch=50))
    events = await collect(client_for(fake_mistral))
    deltas = [e for e in events if isinstance(e, ContentDelta)]
    assert "".join(e.text for e in deltas) == "".join(words)
    # Pieces that arrive together are handed on together, not one event per token.
    assert len(deltas) < len(words) / 10
    assert isinstance(events[-1], Finished)


def test_client_repr_hides_the_key() -> None:
    client = MistralClient(Endpoint.parse("https://api.mistral.ai"), api_key="sk-secret-123")
    assert "sk-secret-123" not in repr(client)
    asyncio.run(client.aclose())


@pytest.mark.parametrize("dialect", [Dialect.MISTRAL, Dialect.OPENAI])
async def test_questions_after_a_failed_answer_reach_both_dialects_as_one(
    fake_mistral: FakeMistral, fake_openai: FakeMistral, dialect: Dialect
) -> None:
    # A chat template that wants user and assistant in turn (Mistral-Instruct on vLLM)
    # refused the question after a failed answer: two user messages came in a row.
    server = fake_mistral if dialect is Dialect.MISTRAL else fake_openai
    start = datetime(2026, 11, 29, tzinfo=UTC)
    path = [
        Message(
            f"m{n}",
            "c",
            f"m{n - 1}" if n else None,
            role,
            text,
            start + timedelta(seconds=n),
            status=status,
        )
        for n, (role, text, status) in enumerate(
            [
                (Role.USER, "unauth", MessageStatus.COMPLETE),
                (Role.ASSISTANT, "", MessageStatus.ERROR),
                (Role.USER, "on vllm", MessageStatus.COMPLETE),
            ]
        )
    ]
    model = server.catalog[0]["id"]
    request = build_request(path, model=model, system_prompt="Be brief.", params=ChatParams())
    server.enqueue(Reply(text="Both."))
    await collect(client_for(server, dialect=dialect), request)
    assert [(m["role"], m["content"]) for m in server.last_request.body["messages"]] == [
        ("system", "Be brief."),
        ("user", "unauth\n\non vllm"),
    ]
    assert server.schema_violations == []


async def test_a_request_after_a_pause_goes_on_the_same_connection(
    fake_mistral: FakeMistral, monkeypatch: pytest.MonkeyPatch
) -> None:
    # httpx drops an idle connection after 5 s: nearly every question, asked after
    # reading the last answer, paid a new connection's handshakes before its first word.
    # (The fake server closes each stream's connection: plain JSON replies show it.)
    from httpcore._async import http11

    for text in ("First.", "Second.", "Third."):
        fake_mistral.enqueue(Reply(text=text))
    async with client_for(fake_mistral) as client:
        await client.complete(QUESTION)
        first = fake_mistral.last_request.client_port
        assert first

        class Later:
            """The clock of httpcore's connections, 30 s on: the person read meanwhile."""

            @staticmethod
            def monotonic() -> float:
                return time.monotonic() + 30

        monkeypatch.setattr(http11, "time", Later)
        await client.complete(QUESTION)
        assert fake_mistral.last_request.client_port == first
        # One the server closed meanwhile is replaced, not used: no error.
        fake_mistral.drop_connections()
        await asyncio.sleep(0.05)
        completion = await client.complete(QUESTION)
    assert completion.text == "Third."
    assert fake_mistral.last_request.client_port != first

"""The asynchronous client for ``/v1/chat/completions`` and ``/v1/models``.

Retries happen only before the first token of an answer: once text has arrived a
request is never replayed, so the user is never billed twice nor shown two answers.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from contextlib import aclosing
from enum import Enum
from types import TracebackType
from typing import Any, NoReturn, Self

import httpx
from httpx_sse import SSEError

from app import __version__
from app.api.dialects import chat_body, model_cards
from app.api.endpoint import Endpoint
from app.api.errors import (
    ADD_KEY_HINT,
    ENDPOINT_HINT,
    KEPT_TEXT_HINT,
    RETRYABLE_STATUSES,
    ApiError,
    AuthenticationError,
    ModelUnavailable,
    NetworkError,
    ServerError,
    StreamInterrupted,
    error_from_response,
)
from app.api.handshakes import closing_cancelled_handshakes
from app.api.retry import RetryPolicy, parse_retry_after
from app.api.sse import EventReader
from app.api.streaming import AnswerSoFar, MalformedChunk, ServerReportedError
from app.api.types import (
    ChatRequest,
    Completion,
    Dialect,
    Finished,
    ModelCard,
    StreamEvent,
)
from app.domain.messages import ToolCall, Usage

log = logging.getLogger(__name__)

USER_AGENT = f"maestrale/{__version__}"
CHAT_PATH = "/v1/chat/completions"
MODELS_PATH = "/v1/models"
# Seconds an idle connection is kept for the next request: under the 60 s after which
# common load balancers close idle connections themselves (see MistralClient).
KEEPALIVE_S = 50.0

Sleep = Callable[[float], Awaitable[None]]


class _RetryBeforeFirstToken(Exception):
    """Internal: this attempt failed in a way worth repeating, and no answer had begun."""

    def __init__(self, error: ApiError, retry_after: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


class MistralClient:
    """One endpoint, one key, one connection pool. Close it with ``aclose()``."""

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        api_key: str | None,
        dialect: Dialect = Dialect.MISTRAL,
        connect_timeout: float = 10.0,
        read_timeout: float = 90.0,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.endpoint = endpoint
        self.dialect = dialect
        self.read_timeout = read_timeout
        self.retry = retry or RetryPolicy()
        self._api_key = api_key
        self._sleep = sleep
        # The last rate-limit figures the server sent (x-ratelimit-*), for display.
        self.rate_limits: dict[str, str] = {}
        self._http = httpx.AsyncClient(
            base_url=endpoint.base_url,
            # Never follow redirects: a redirect could carry the key to another host.
            follow_redirects=False,
            timeout=httpx.Timeout(
                connect=connect_timeout, read=read_timeout, write=read_timeout, pool=connect_timeout
            ),
            headers={"User-Agent": USER_AGENT},
            # A connection kept through the pause while the person reads and writes:
            # httpx's 5 s let nearly every question open a new one, its TCP and TLS
            # handshakes (a round trip or two) before the first word. One the server
            # closed meanwhile is seen as closed and replaced, not used.
            limits=httpx.Limits(keepalive_expiry=KEEPALIVE_S),
            transport=transport,
            trust_env=True,
        )

    def __repr__(self) -> str:
        # Deliberately without the key.
        return f"MistralClient({self.endpoint.base_url!r}, dialect={self.dialect.value})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- requests ---------------------------------------------------------------------

    def _headers(self, *, streaming: bool = False) -> dict[str, str]:
        headers = {"Accept": "text/event-stream" if streaming else "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        elif self.dialect is Dialect.MISTRAL:
            # Mistral's dialect spoken by a server of one's own: its key, not Mistral's.
            whose = "your Mistral API key" if self.endpoint.speaks_mistral else "this server's key"
            raise AuthenticationError(
                f"No API key is set: add {whose} {ADD_KEY_HINT}, or set "
                "MISTRAL_API_KEY for this session."
            )
        return headers

    def _note_rate_limits(self, response: httpx.Response) -> None:
        for name, value in response.headers.items():
            if name.startswith(("x-ratelimit-", "ratelimitbysize-")):
                self.rate_limits[name] = value

    def _failure(
        self, response: httpx.Response, body: bytes, model: str | None, *, tools: bool = False
    ) -> ApiError:
        return error_from_response(
            response.status_code,
            body,
            response.headers,
            model=model,
            retry_after=parse_retry_after(response.headers.get("retry-after")),
            tools=tools,
        )

    async def _explained(self, error: ApiError) -> ApiError:
        """Name the replacement of an unavailable model when the endpoint lists one."""
        if not isinstance(error, ModelUnavailable) or error.replacement:
            return error
        try:
            cards = await self.list_models()
        except ApiError:
            return error
        for card in cards:
            if card.answers_to(error.model) and card.replacement:
                return error.with_replacement(card.replacement)
        return error

    async def _with_retries(
        self, attempt: Callable[[], Awaitable[httpx.Response]]
    ) -> httpx.Response:
        retry_number = 0
        while True:
            try:
                return await attempt()
            except _RetryBeforeFirstToken as failure:
                retry_number += 1
                wait = self.retry.delay(retry_number, failure.retry_after)
                if wait is None:
                    raise failure.error from None
                await self._sleep(wait)

    async def _request_json(self, method: str, path: str, body: Any, model: str | None) -> Any:
        async def attempt() -> httpx.Response:
            try:
                response = await self._http.request(
                    method,
                    path,
                    json=body,
                    headers=self._headers(),
                    extensions=closing_cancelled_handshakes(),
                )
            except httpx.TimeoutException as error:
                if isinstance(error, httpx.ConnectTimeout | httpx.PoolTimeout):
                    raise _RetryBeforeFirstToken(_network_error(self.endpoint, error)) from error
                raise _network_error(self.endpoint, error) from error
            except httpx.TransportError as error:
                raise _RetryBeforeFirstToken(_network_error(self.endpoint, error)) from error
            self._note_rate_limits(response)
            if response.status_code >= 400:
                failure = self._failure(response, response.content, model)
                if response.status_code in RETRYABLE_STATUSES:
                    raise _RetryBeforeFirstToken(failure, getattr(failure, "retry_after", None))
                raise await self._explained(failure)
            return response

        response = await self._with_retries(attempt)
        try:
            return response.json()
        except ValueError as error:
            raise ServerError(
                f"The endpoint {self.endpoint.base_url} answered with something that is not "
                f"JSON; check the base URL{ENDPOINT_HINT}.",
                status=response.status_code,
            ) from error

    async def list_models(self) -> list[ModelCard]:
        """The endpoint's models (every kind; filter on ``ModelCard.chat`` for chat)."""
        return model_cards(await self._request_json("GET", MODELS_PATH, None, None))

    async def complete(self, request: ChatRequest) -> Completion:
        """One whole answer without streaming (short jobs such as titles)."""
        body = chat_body(request, self.dialect, stream=False)
        payload = await self._request_json("POST", CHAT_PATH, body, request.model)
        return _completion(payload)

    def stream(self, request: ChatRequest) -> ChatStream:
        """Stream one answer: ``async with client.stream(r) as s: async for e in s``."""
        return ChatStream(self, request)


class ChatStream:
    """One streamed answer: an async iterator of events that remembers what arrived.

    Cancelling the task that iterates closes the connection at once; ``answer`` then
    holds the text so far and ``cancelled`` is true.
    """

    def __init__(self, client: MistralClient, request: ChatRequest) -> None:
        self._client = client
        self._request = request
        self.answer = AnswerSoFar()
        self.cancelled = False
        self._iterator: AsyncIterator[StreamEvent] | None = None
        # Told (seconds, why) before waiting to ask again (rate limited, server busy):
        # the person sees why nothing comes yet.
        self.on_wait: Callable[[float, str], None] | None = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        iterator = self._iterator
        if isinstance(iterator, AsyncGenerator):
            await iterator.aclose()

    def __aiter__(self) -> AsyncIterator[StreamEvent]:
        if self._iterator is None:
            self._iterator = self._events()
        return self._iterator

    def interrupted(self, reason: str, *, cancelled: bool = False) -> StreamInterrupted:
        return StreamInterrupted(
            reason,
            partial_text=self.answer.text,
            tool_calls=self.answer.tool_calls,
            cancelled=cancelled,
        )

    async def _events(self) -> AsyncGenerator[StreamEvent, None]:
        retry_number = 0
        while True:
            try:
                # Nested async generators are closed explicitly (aclosing): left to the
                # garbage collector they would be finalised outside the event loop.
                async with aclosing(self._attempt()) as attempt:
                    async for event in attempt:
                        yield event
                return
            except _RetryBeforeFirstToken as failure:
                retry_number += 1
                wait = self._client.retry.delay(retry_number, failure.retry_after)
                if wait is None:
                    raise failure.error from None
                self.answer = AnswerSoFar()
                # In the log too: a user reporting "it hung" has the reason to attach.
                log.warning("%s; asking again in %.1f s", failure.error.reason, wait)
                if self.on_wait is not None:
                    self.on_wait(wait, failure.error.reason)
                await self._client._sleep(wait)
            except asyncio.CancelledError:
                self.cancelled = True
                raise

    async def _attempt(self) -> AsyncGenerator[StreamEvent, None]:
        client = self._client
        body = chat_body(self._request, client.dialect, stream=True)
        try:
            async with client._http.stream(
                "POST",
                CHAT_PATH,
                json=body,
                headers=client._headers(streaming=True),
                extensions=closing_cancelled_handshakes(),
            ) as response:
                client._note_rate_limits(response)
                if response.status_code != 200:
                    failure = client._failure(
                        response,
                        await response.aread(),
                        self._request.model,
                        tools=bool(self._request.tools),
                    )
                    if response.status_code in RETRYABLE_STATUSES:
                        raise _RetryBeforeFirstToken(failure, getattr(failure, "retry_after", None))
                    raise await client._explained(failure)
                content_type = response.headers.get("content-type", "")
                if "application/json" in content_type:
                    # A server that ignored "stream": give its whole answer as events.
                    async with aclosing(self._whole_answer(await response.aread())) as whole:
                        async for event in whole:
                            yield event
                    return
                async with aclosing(self._read_events(response)) as events:
                    async for event in events:
                        yield event
        except httpx.TimeoutException as error:
            if self.answer.started:
                raise self.interrupted(
                    f"The answer stalled: no data for {client.read_timeout:.0f} s, so it was "
                    f"stopped. {KEPT_TEXT_HINT}"
                ) from error
            if isinstance(error, httpx.ConnectTimeout | httpx.PoolTimeout):
                raise _RetryBeforeFirstToken(_network_error(client.endpoint, error)) from error
            raise _network_error(client.endpoint, error) from error
        except httpx.TransportError as error:
            if self.answer.started:
                raise self.interrupted(
                    f"The connection broke before the answer finished. {KEPT_TEXT_HINT}"
                ) from error
            raise _RetryBeforeFirstToken(_network_error(client.endpoint, error)) from error

    async def _read_events(self, response: httpx.Response) -> AsyncGenerator[StreamEvent, None]:
        channel = _Channel()
        # The network is read by a task of its own, and stopped by cancelling it: a
        # cancellation unwinds httpx's and httpcore's nested async generators through
        # their own frames. Leaving them suspended (break, an error here) would have
        # them finalised later by the garbage collector, outside the event loop.
        pump = asyncio.get_running_loop().create_task(_pump_events(response, channel))
        try:
            ending: _Ending | None = None
            while ending is None:
                events, ending = self._digest(await channel.take())
                for event in events:
                    yield event
        except (SSEError, MalformedChunk, ServerReportedError) as error:
            raise self._stream_failure(error) from error
        finally:
            if not pump.done():
                pump.cancel()
            await asyncio.gather(pump, return_exceptions=True)
        done = ending is _Ending.DONE
        if not done and self.answer.finish_reason is None:
            if not self.answer.started:
                raise _RetryBeforeFirstToken(
                    NetworkError("The endpoint closed the connection before answering.")
                )
            raise self.interrupted(
                f"The connection closed before the answer finished. {KEPT_TEXT_HINT}"
            )
        if self.answer.finish_reason == "error":
            raise self.interrupted("The model stopped with an error before finishing its answer.")
        yield Finished(reason=self.answer.finish_reason, tool_calls=self.answer.tool_calls)

    def _digest(
        self, batch: list[str | BaseException | None]
    ) -> tuple[list[StreamEvent], _Ending | None]:
        """The events of a batch of data lines, and how the stream ended if it did."""
        payloads: list[str] = []
        ending: _Ending | None = None
        for data in batch:
            if data is None:
                ending = _Ending.CLOSED
                break
            if isinstance(data, BaseException):
                # What arrived before the failure still counts (the partial answer).
                self.answer.feed_many(payloads)
                raise data
            if data == "[DONE]":
                ending = _Ending.DONE
                break
            if data.strip():
                payloads.append(data)
        return self.answer.feed_many(payloads), ending

    def _stream_failure(self, error: Exception) -> ApiError:
        if isinstance(error, SSEError):
            return ServerError(
                f"The endpoint did not answer with a stream ({error}); check the base URL."
            )
        if isinstance(error, MalformedChunk):
            return self.interrupted(
                f"The server sent a malformed event ({error}), so the answer was stopped. "
                f"{KEPT_TEXT_HINT}"
            )
        return self.interrupted(f"The server stopped the answer with an error: {error}")

    async def _whole_answer(self, body: bytes) -> AsyncGenerator[StreamEvent, None]:
        try:
            completion = _completion(json.loads(body))
        except ValueError as error:
            raise ServerError("The endpoint sent a reply that is not JSON.") from error
        chunk = {
            "choices": [
                {
                    "delta": {
                        "content": completion.text,
                        "tool_calls": [
                            c.to_json() | {"index": c.index} for c in completion.tool_calls
                        ],
                    },
                    "finish_reason": completion.finish_reason,
                }
            ],
            "usage": completion.usage.to_json() if completion.usage else None,
        }
        for event in self.answer.feed(json.dumps(chunk)):
            yield event
        yield Finished(reason=self.answer.finish_reason, tool_calls=self.answer.tool_calls)


class _Ending(Enum):
    DONE = "done"  # the server said [DONE]
    CLOSED = "closed"  # the body ended without it


class _Channel:
    """Events handed from the network task to the reader, taken in batches.

    Cheaper than an asyncio.Queue per event: one wake-up per network read, not per
    token (an answer may bring 100,000 of them).
    """

    def __init__(self) -> None:
        self._items: list[str | BaseException | None] = []
        self._waiter: asyncio.Future[None] | None = None

    def put(self, *items: str | BaseException | None) -> None:
        self._items.extend(items)
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def take(self) -> list[str | BaseException | None]:
        while not self._items:
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        items, self._items = self._items, []
        return items


async def _pump_events(response: httpx.Response, channel: _Channel) -> None:
    """Read the stream's event data into ``channel``; None at the end, or the failure."""
    try:
        media_type = response.headers.get("content-type", "").partition(";")[0]
        if "text/event-stream" not in media_type:
            raise SSEError(
                f"Expected response header Content-Type to contain 'text/event-stream', "
                f"got {media_type!r}"
            )
        reader = EventReader()
        async for text in response.aiter_text():
            # Everything one network read brought goes to the reader at once.
            if data := reader.feed(text):
                channel.put(*data)
        if data := reader.close():
            channel.put(*data)
    except asyncio.CancelledError:
        raise
    except Exception as error:  # noqa: BLE001 - handed to the reader, which maps it
        channel.put(error)
        return
    channel.put(None)


def _network_error(endpoint: Endpoint, error: httpx.HTTPError) -> NetworkError:
    tls = _tls_problem(error) if isinstance(error, httpx.ConnectError) else None
    if isinstance(error, httpx.ConnectTimeout):
        waited = _connect_timeout(error)
        why = f"no answer within {waited:g} s" if waited else "the connection timed out"
    elif isinstance(error, httpx.TimeoutException):
        why = "it sent no reply in time"
    elif isinstance(error, httpx.ConnectError):
        why = tls or "the connection failed"
    else:
        why = "the connection broke"
    connecting = isinstance(error, httpx.ConnectError | httpx.ConnectTimeout)
    if endpoint.is_local and connecting and tls is None:
        # On this machine no network is crossed: the server is down, or elsewhere.
        advice = f"Is the server running? If it is, check its address{ENDPOINT_HINT}."
        if isinstance(error, httpx.ConnectTimeout):
            # Something took the connection and said nothing: often a server still
            # starting, or one speaking plain http asked in https (or the reverse).
            advice = (
                "Is the server running and ready? If it is, check its address, http:// "
                f"or https:// included{ENDPOINT_HINT}."
            )
    else:
        advice = f"Check your network connection and the endpoint{ENDPOINT_HINT}."
    return NetworkError(
        f"Could not reach {endpoint.base_url}: {why} ({type(error).__name__}). {advice}",
        headline=f"Could not reach {endpoint.base_url}",
    )


def _connect_timeout(error: httpx.TimeoutException) -> float | None:
    """The connect timeout the failed request had, in seconds, when known."""
    try:
        timeouts = error.request.extensions.get("timeout", {})
    except RuntimeError:  # an error raised without its request
        return None
    waited = timeouts.get("connect") if isinstance(timeouts, dict) else None
    return float(waited) if isinstance(waited, int | float) else None


def _tls_problem(error: httpx.ConnectError) -> str | None:
    """What went wrong with https, in words: "the connection failed (ConnectError)"
    said nothing of the commonest slips (https:// to a plain-http local server)."""
    text = str(error)
    if "WRONG_VERSION_NUMBER" in text or "record layer failure" in text:
        return (
            "the server does not answer in https there (a server of your own often "
            "speaks plain http: try an address starting with http://)"
        )
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return (
            "its https certificate is not trusted (self-signed, expired or made for another name)"
        )
    return None


def _completion(payload: Any) -> Completion:
    if not isinstance(payload, dict) or not isinstance(payload.get("choices"), list):
        _not_a_completion()
    choices = payload["choices"]
    choice = choices[0] if choices and isinstance(choices[0], dict) else {}
    message = choice.get("message") or {}
    content = message.get("content")
    if isinstance(content, list):
        content = "".join(
            part.get("text", "")
            for part in content
            if isinstance(part, dict) and part.get("type") == "text"
        )
    calls = tuple(
        ToolCall.from_json(call, index)
        for index, call in enumerate(message.get("tool_calls") or [])
        if isinstance(call, dict)
    )
    usage = payload.get("usage")
    return Completion(
        text=content if isinstance(content, str) else "",
        model=payload.get("model") if isinstance(payload.get("model"), str) else None,
        finish_reason=choice.get("finish_reason"),
        tool_calls=calls,
        usage=(
            Usage(usage["prompt_tokens"], usage["completion_tokens"])
            if isinstance(usage, dict)
            and isinstance(usage.get("prompt_tokens"), int)
            and isinstance(usage.get("completion_tokens"), int)
            else None
        ),
    )


def _not_a_completion() -> NoReturn:
    raise ServerError("The endpoint's reply is not a chat completion; check the base URL.")

"""How the client frames server-sent events, whatever the network reads look like.

The client drives httpx-sse's line splitter and event decoder itself (a read at a
time); these cases pin that it frames events as the spec says, through httpx's own
mock transport so the bytes can be cut anywhere.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from app.api.client import MistralClient
from app.api.endpoint import Endpoint
from app.api.errors import ServerError, StreamInterrupted
from app.api.types import ChatMessage, ChatRequest, ContentDelta, Finished, Role

REQUEST = ChatRequest(model="m", messages=(ChatMessage(role=Role.USER, content="Hi"),))


def event(text: str, finish: str | None = None) -> str:
    chunk = {"id": "x", "model": "m", "choices": [{"index": 0, "delta": {"content": text}}]}
    chunk["choices"][0]["finish_reason"] = finish  # type: ignore[index]
    return "data: " + json.dumps(chunk)


def client_for(body: bytes, pieces: int, content_type: str = "text/event-stream") -> MistralClient:
    """A client whose server answers ``body`` cut into reads of ``pieces`` bytes."""

    reads = [body[start : start + pieces] for start in range(0, len(body), pieces)]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": content_type}, stream=_Reads(reads))

    return MistralClient(
        Endpoint.parse("https://api.example.test"),
        api_key="k",
        transport=httpx.MockTransport(handler),
    )


class _Reads(httpx.AsyncByteStream):
    """A body that arrives in the given network reads."""

    def __init__(self, reads: list[bytes]) -> None:
        self._reads = reads

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for read in self._reads:
            yield read


async def answer(client: MistralClient) -> tuple[str, str | None]:
    text, reason = "", None
    async with client, client.stream(REQUEST) as stream:
        async for item in stream:
            if isinstance(item, ContentDelta):
                text += item.text
            elif isinstance(item, Finished):
                reason = item.reason
    return text, reason


WIRE = (
    "\n\n".join(
        [
            event("Bon"),
            ": keep-alive comment",
            event("jour"),
            event(" à", None),
            event(" vous", "stop"),
        ]
    )
    + "\n\ndata: [DONE]\n\n"
)


@pytest.mark.parametrize("pieces", [1, 2, 7, 64, 100_000])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
async def test_events_framed_by_the_spec_whatever_the_reads(pieces: int, newline: str) -> None:
    body = WIRE.replace("\n", newline).encode()
    assert await answer(client_for(body, pieces)) == ("Bonjour à vous", "stop")


async def test_a_data_field_over_several_lines_is_one_payload() -> None:
    chunk = json.dumps(
        {"choices": [{"index": 0, "delta": {"content": "ok"}, "finish_reason": "stop"}]}
    )
    split = chunk.replace(', "finish_reason"', '\ndata: , "finish_reason"')
    body = f"data: {split}\n\ndata: [DONE]\n\n".encode()
    assert await answer(client_for(body, 5)) == ("ok", "stop")


async def test_an_event_left_unfinished_at_the_end_is_dropped() -> None:
    body = (event("kept") + "\n\n" + event(" lost", "stop")).encode()  # no blank line after
    with pytest.raises(StreamInterrupted) as caught:
        await answer(client_for(body, 16))
    assert caught.value.partial_text == "kept"


async def test_a_reply_that_is_not_a_stream_says_so() -> None:
    with pytest.raises(ServerError, match="did not answer with a stream"):
        await answer(client_for(b"<html>portal</html>", 8, content_type="text/html"))

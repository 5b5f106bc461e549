"""The client's event reader gives what httpx-sse's own event source gives, for any
stream and however the network cuts it (plain events take a shortcut: it must agree)."""

from __future__ import annotations

import json
import random

import httpx
import pytest
from httpx_sse import EventSource

from app.api.sse import EventReader


def reference(wire: str) -> list[str]:
    """httpx-sse's reading of the whole stream, event by event."""
    response = httpx.Response(
        200, headers={"Content-Type": "text/event-stream"}, content=wire.encode()
    )
    return [event.data for event in EventSource(response).iter_sse()]


def read(wire: str, cuts: list[int]) -> list[str]:
    return read_with(EventReader(), wire, cuts)


def chunk(text: str) -> str:
    return json.dumps({"choices": [{"index": 0, "delta": {"content": text}}]})


PIECES = [
    lambda r: f"data: {chunk(r.choice(['Bon', 'jour', ' à', ' vous', '']))}\n\n",
    lambda r: f"data: {chunk('x')}\n\n" * r.randint(2, 30),  # a run of plain events
    lambda r: ": keep-alive\n",
    lambda r: "event: ping\ndata: {}\n\n",
    lambda r: "data: first line\ndata: second line\n\n",
    lambda r: "data:no space\n\n",
    lambda r: "data:  two spaces\n\n",
    lambda r: "id: 7\n",
    lambda r: "retry: 1000\n",
    lambda r: "data: [DONE]\n\n",
    lambda r: "\n",  # a blank line with no event
    lambda r: "data\n\n",  # a field without colon
    lambda r: "datum: nope\n\n",
    lambda r: "data: ends without blank line\n",
]


@pytest.mark.parametrize("seed", range(300))
def test_the_reader_agrees_with_httpx_sse(seed: int) -> None:
    rng = random.Random(seed)
    wire = "".join(rng.choice(PIECES)(rng) for _ in range(rng.randint(1, 40)))
    newline = rng.choice(["\n", "\n", "\r\n", "\r"])
    wire = wire.replace("\n", newline)
    if rng.random() < 0.3:
        wire += rng.choice(["data: cut", "data: closed by lone CR\r\r", ""])
    cuts = sorted(rng.sample(range(1, len(wire)), min(len(wire) - 1, rng.randint(0, 12))))
    assert read(wire, cuts) == reference(wire)


def test_plain_events_in_one_read_take_the_shortcut_and_agree() -> None:
    wire = "".join(f"data: {chunk(str(n))}\n\n" for n in range(100))
    reader = EventReader()
    reader._events = None  # type: ignore[assignment]  # the decoder must not be needed
    assert reader.feed(wire) == reference(wire)


def test_plain_events_cut_anywhere_by_reads_mostly_take_the_shortcut() -> None:
    wire = "".join(f"data: {chunk(str(n))}\n\n" for n in range(2000))
    decoded: list[str] = []
    reader = EventReader()
    decode = reader._events.decode

    def counted(line: str) -> object:
        decoded.append(line)
        return decode(line)

    reader._events.decode = counted  # type: ignore[method-assign]
    cuts = list(range(997, len(wire), 997))  # reads that end mid-event, mid-line
    assert read_with(reader, wire, cuts) == reference(wire)
    # Only the pieces of events that reads cut went through the decoder.
    assert len(decoded) <= 2 * len(cuts) + 2


def read_with(reader: EventReader, wire: str, cuts: list[int]) -> list[str]:
    data: list[str] = []
    start = 0
    for end in [*cuts, len(wire)]:
        data.extend(reader.feed(wire[start:end]))
        start = end
    return data + reader.close()

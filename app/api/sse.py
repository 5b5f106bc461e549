"""Server-sent events to data payloads, a network read at a time, by httpx-sse's rules.

httpx-sse's line splitter and event decoder do the parsing. Its ``aiter_sse()`` is not
used: it resumes two async generators per line, which cost a fast stream more than
the rest of the client. And one shape is read without the decoder: chat servers send
each event as one ``data: `` line and a blank line. A read made only of such events,
starting where no event is half decoded, gives exactly what the decoder would give
(the field's value after its one space), at a seventh of the cost per event. Anything
else (comments, other fields, data over several lines, no space after the colon, the
part of an event that a read cut) goes through the decoder.
"""

from __future__ import annotations

# Pinned below 0.5 in pyproject.toml: these two classes are not re-exported by the
# package, though they are the whole of its parsing.
from httpx_sse._decoders import SSEDecoder, SSELineDecoder

_DATA = "data: "


class EventReader:
    """Feed it the decoded text of each network read; get the data of each event."""

    def __init__(self) -> None:
        self._lines = SSELineDecoder()
        self._events = SSEDecoder()
        self._between_events = True  # the decoder holds no part of an event

    def feed(self, text: str) -> list[str]:
        lines = self._lines.decode(text)
        data: list[str] = []
        start = 0
        if not self._between_events:
            # The event a previous read began: the decoder finishes it.
            start = next((i + 1 for i, line in enumerate(lines) if not line), len(lines))
            data = self._decoded(lines[:start])
            if start == len(lines):
                self._between_events = bool(lines) and not lines[-1]
                return data
        rest = lines[start:]
        whole = len(rest) - len(rest) % 2  # a read may end after an event's data line
        plain = _plain_events(rest[:whole])
        if plain is None:
            data += self._decoded(rest)
        else:
            data += plain
            data += self._decoded(rest[whole:])
        # A blank line ends an event: the decoder then holds nothing of one (but the
        # last event id, which plain events never set).
        self._between_events = not rest or not rest[-1]
        return data

    def close(self) -> list[str]:
        """What the end of the stream completes (a last event closed by a lone CR);
        any other unfinished event is dropped, as the spec says."""
        return self._decoded(self._lines.flush())

    def _decoded(self, lines: list[str]) -> list[str]:
        if not lines:
            return []
        decode = self._events.decode
        return [sse.data for line in lines if (sse := decode(line)) is not None]


def _plain_events(lines: list[str]) -> list[str] | None:
    """The data of ``lines`` when they are whole events of one ``data: `` line each."""
    if len(lines) % 2 or lines[1::2].count("") != len(lines) // 2:
        return None
    fields = lines[0::2]
    if not all(line.startswith(_DATA) for line in fields):
        return None
    return [line[len(_DATA) :] for line in fields]

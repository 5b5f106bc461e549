"""Turning ``chat.completion.chunk`` objects into typed events, keeping the answer so far."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from app.api.types import (
    ContentDelta,
    StreamEvent,
    ThinkingDelta,
    ToolCallDelta,
    UsageReport,
)
from app.domain.messages import ToolCall, Usage

# The inside of a JSON string with nothing to unescape: no quote, backslash or control
# character (which JSON requires escaped).
_PLAIN = r'[^"\\\x00-\x1f]*'
_PLAIN_STRING = re.compile(_PLAIN)
_CONTENT_KEY = re.compile(r'"content"\s*:\s*"')
# Members with plain string values closing a chunk: padding such as Mistral's random
# "p" field, different in every chunk.
_LAST_MEMBERS = re.compile(rf'(?:,"\w+":"{_PLAIN}")*\}}\Z')
# Top-level fields the full reading looks at: never part of the padding.
_READ_FIELDS = frozenset({"object", "error", "model", "choices", "usage"})


class MalformedChunk(ValueError):
    """A data line that is not a chunk; the caller decides what that means mid-answer."""


class ServerReportedError(ValueError):
    """The server put an error object in the stream instead of a chunk."""


@dataclass(frozen=True, slots=True)
class _Template:
    """A chunk as ``head`` followed by what ``rest`` matches (group 1: the text)."""

    head: str
    rest: re.Pattern[str]

    def text_of(self, data: str) -> str | None:
        if not data.startswith(self.head):
            return None
        match = self.rest.fullmatch(data, len(self.head))
        return match.group(1) if match else None


@dataclass(slots=True)
class _PartialCall:
    id: str = ""
    name: str = ""
    arguments: str = ""

    def freeze(self, index: int) -> ToolCall:
        return ToolCall(id=self.id, name=self.name, arguments=self.arguments, index=index)


@dataclass(slots=True)
class AnswerSoFar:
    """Everything a stream has delivered: the text, tool calls by index, usage, finish."""

    _text_parts: list[str] = field(default_factory=list)
    _calls: dict[int, _PartialCall] = field(default_factory=dict)
    usage: Usage | None = None
    finish_reason: str | None = None
    model: str | None = None
    # Whether any answer content (text or a tool call) arrived: before that, retrying
    # the request is safe; after it, never.
    started: bool = False
    # The text chunks of one stream differ only in their text (and padding): their
    # shape, learnt from the first one (see _template_of).
    _template: _Template | None = None

    @property
    def text(self) -> str:
        if len(self._text_parts) > 1:
            # Join once and keep the result so reading the text stays cheap mid-stream.
            self._text_parts[:] = ["".join(self._text_parts)]
        return self._text_parts[0] if self._text_parts else ""

    @property
    def tool_calls(self) -> tuple[ToolCall, ...]:
        return tuple(self._calls[i].freeze(i) for i in sorted(self._calls))

    def feed(self, data: str) -> list[StreamEvent]:
        """Digest one SSE data payload (not ``[DONE]``) and return its events."""
        return self.feed_many((data,))

    def feed_many(self, payloads: Iterable[str]) -> list[StreamEvent]:
        """Digest SSE data payloads (not ``[DONE]``) that arrived together.

        Adjacent text pieces come out as one ``ContentDelta``: a server faster than the
        reader leaves hundreds of tokens in one network read, and every layer above
        (recording, signals, the transcript) would otherwise pay a round per token for
        text shown in the same frame anyway.
        """
        events: list[StreamEvent] = []
        texts: list[str] = []
        try:
            for data in payloads:
                plain = self._templated_text(data)
                if plain is not None:
                    if plain:
                        texts.append(plain)
                    continue
                try:
                    # orjson: a chunk per token makes JSON decoding a hot path (3x faster).
                    chunk = orjson.loads(data)
                except orjson.JSONDecodeError as error:
                    raise MalformedChunk(f"not JSON: {data[:80]!r}") from error
                if not isinstance(chunk, dict):
                    raise MalformedChunk(f"not an object: {data[:80]!r}")
                text = self._plain_text(chunk)
                if text is not None:
                    if text:
                        texts.append(text)
                    if self._template is None:
                        self._template = self._template_of(data, chunk, text)
                    continue
                if texts:
                    events.append(self._text("".join(texts)))
                    texts.clear()
                events.extend(self._chunk_events(chunk))
        finally:
            # Also when a payload is bad: the text before it belongs to the answer.
            if texts:
                events.append(self._text("".join(texts)))
        return events

    def _templated_text(self, data: str) -> str | None:
        """The text of a chunk shaped like the template's, or None (decode it)."""
        # The chunk the template was learnt from, with this text and padding: decoding
        # it would give exactly this (see _template_of).
        return None if self._template is None else self._template.text_of(data)

    def _template_of(self, data: str, chunk: dict[str, Any], text: str) -> _Template | None:
        """The shape of the raw chunk ``data`` around its ``text``, so that the next
        chunks, the same but for their text and padding, are read without decoding JSON
        (most of the client's time on a fast stream).

        Sound because a text without quote, backslash or control character cannot end
        its string early nor change any other token: ``head + text' + core + padding'``
        decodes to this chunk with text' in its place and other padding values, which
        nothing reads. The raw key must occur once, and a probe decoded in full must
        show the text at the place of the answer's content and nothing else changed.
        """
        if not text or not _PLAIN_STRING.fullmatch(text) or data.count('"content"') != 1:
            return None
        key = _CONTENT_KEY.search(data)
        if key is None or not data.startswith(text + '"', key.end()):
            return None
        head, tail = data[: key.end()], data[key.end() + len(text) :]
        last = _LAST_MEMBERS.search(tail)
        if last is None:
            return None
        core, padding = tail[: last.start()], last.group()
        fields = re.findall(r',"(\w+)":', padding)
        try:
            probe = orjson.loads(head + "probe" + core + "}")
            padded = orjson.loads("{" + padding[1:]) if fields else {}
        except orjson.JSONDecodeError:
            return None
        if (
            not isinstance(probe, dict)
            or self._plain_text(probe) != "probe"
            or not _READ_FIELDS.isdisjoint(fields)
            or not probe.keys().isdisjoint(fields)
        ):
            return None
        probe["choices"][0]["delta"]["content"] = text
        if probe | padded != chunk:
            return None
        # The head names the stream (its id); the rest is the same in every stream, so
        # its pattern comes from re's cache.
        members = "".join(f',"{field}":"{_PLAIN}"' for field in fields)
        return _Template(head, re.compile(f"({_PLAIN}){re.escape(core)}{members}\\}}"))

    def _chunk_events(self, chunk: dict[str, Any]) -> list[StreamEvent]:
        if chunk.get("object") == "error" or isinstance(chunk.get("error"), dict | str):
            detail = chunk.get("error", chunk)
            message = detail.get("message") if isinstance(detail, dict) else detail
            raise ServerReportedError(str(message or "the server reported an error"))
        if isinstance(chunk.get("model"), str):
            self.model = chunk["model"]
        events: list[StreamEvent] = []
        choices = chunk.get("choices")
        if isinstance(choices, list) and choices:
            choice = choices[0]
            if not isinstance(choice, dict):
                raise MalformedChunk("a choice is not an object")
            delta = choice.get("delta") or {}
            if isinstance(delta, dict):
                events.extend(self._content(delta.get("content")))
                events.extend(self._tool_calls(delta.get("tool_calls")))
            if isinstance(choice.get("finish_reason"), str):
                self.finish_reason = choice["finish_reason"]
        usage = chunk.get("usage")
        if isinstance(usage, dict):
            prompt = usage.get("prompt_tokens")
            completion = usage.get("completion_tokens")
            if isinstance(prompt, int) and isinstance(completion, int):
                self.usage = Usage(prompt_tokens=prompt, completion_tokens=completion)
                events.append(UsageReport(self.usage))
        return events

    def _plain_text(self, chunk: dict[str, Any]) -> str | None:
        """The common chunk's text, read quickly: one choice whose delta is only text.

        Returns None for anything else (the full path then reads the chunk).
        """
        try:
            (choice,) = chunk["choices"]
            delta = choice["delta"]
            content = delta["content"]
        except (KeyError, TypeError, ValueError):
            return None
        if (
            type(content) is not str
            or type(delta) is not dict
            or len(delta) > 2
            or (len(delta) == 2 and "role" not in delta)
            or choice.get("finish_reason") is not None
            or chunk.get("usage")
            or chunk.get("object") == "error"
        ):
            return None
        model = chunk.get("model")
        if type(model) is str:
            self.model = model
        return content

    def _content(self, content: Any) -> list[StreamEvent]:
        if isinstance(content, str):
            return [self._text(content)] if content else []
        if not isinstance(content, list):
            return []
        events: list[StreamEvent] = []
        for part in content:
            if not isinstance(part, dict):
                continue
            if part.get("type") == "text" and isinstance(part.get("text"), str):
                if part["text"]:
                    events.append(self._text(part["text"]))
            elif part.get("type") == "thinking":
                thought = "".join(
                    piece.get("text", "")
                    for piece in part.get("thinking") or []
                    if isinstance(piece, dict) and isinstance(piece.get("text"), str)
                )
                if thought:
                    events.append(ThinkingDelta(thought))
        return events

    def _text(self, text: str) -> ContentDelta:
        self.started = True
        self._text_parts.append(text)
        return ContentDelta(text)

    def _tool_calls(self, deltas: Any) -> list[StreamEvent]:
        if not isinstance(deltas, list):
            return []
        events: list[StreamEvent] = []
        for position, delta in enumerate(deltas):
            if not isinstance(delta, dict):
                continue
            index = self._index_of(delta, position, len(deltas))
            call = self._calls.setdefault(index, _PartialCall())
            if isinstance(delta.get("id"), str) and delta["id"]:
                call.id = delta["id"]
            function = delta.get("function") or {}
            if isinstance(function.get("name"), str) and function["name"]:
                call.name = function["name"]
            arguments = function.get("arguments")
            piece = ""
            if isinstance(arguments, str):
                piece = arguments
                call.arguments += arguments
            elif isinstance(arguments, dict | list):
                # Some servers send the arguments already decoded: keep them as JSON text.
                piece = json.dumps(arguments, ensure_ascii=False)
                call.arguments = piece
            self.started = True
            events.append(
                ToolCallDelta(index=index, call=call.freeze(index), arguments_delta=piece)
            )
        return events

    def _index_of(self, delta: dict[str, Any], position: int, count: int) -> int:
        index = delta.get("index")
        if isinstance(index, int) and not isinstance(index, bool):
            return index
        # No index: several calls in one delta are distinct calls; a lone delta with a
        # new id starts a call; a lone delta without id continues the last one.
        if count > 1:
            return position
        new_id = delta.get("id")
        if isinstance(new_id, str) and new_id and all(c.id != new_id for c in self._calls.values()):
            return len(self._calls)
        return max(self._calls, default=0)

"""Scripted replies and how they are encoded on the wire.

Owns :class:`Reply` (what a test asks the fake to answer, faults included) and the
translation of a reply into a non-streaming ``chat.completion`` body or into the
pre-encoded server-sent events of a ``chat.completion.chunk`` stream. The socket
work (timing, faults) lives in ``server.py``; everything here is pure.
"""

from __future__ import annotations

import dataclasses
import json
import random
import re
import string
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

ToolCallMode = Literal["whole", "fragmented"]

_WORDS = re.compile(r"\s*\S+|\s+")
_ID_ALPHABET = string.ascii_letters + string.digits
# The real API pads chunks with a random field `p` (against length side channels). A
# small pool of pads picked in turn keeps encoding cheap while the lengths still vary.
_PADS = ["".join(random.choices(string.ascii_letters, k=k)) for k in (1, 7, 3, 12, 5, 9, 2, 16)]
_DONE = b"data: [DONE]\n\n"


@dataclass
class Reply:
    """One scripted answer to one chat completion request.

    Content: ``text`` is split into word-sized pieces (leading spaces kept, so the
    pieces join back to ``text``); ``chunks`` gives the exact pieces instead. With
    neither, the answer is ``"Echo: <last user message>"`` (or nothing when there
    are ``tool_calls``). ``tool_calls`` entries are ``{"id", "name", "arguments"}``;
    ``id`` defaults to a fresh valid 9-character id and ``arguments`` may be a
    string or a dict (a dict is sent as a JSON object in "whole" mode, as Mistral
    sometimes does, and as its JSON text when fragmented or in the openai dialect).

    Faults count the *chunks after the first* (the role chunk): content pieces,
    tool-call deltas and, when sent separately, the final and usage chunks.
    ``cut_after=0`` cuts right after the role chunk; a value at or beyond the number
    of chunks cuts just before ``data: [DONE]``.
    """

    text: str | None = None
    chunks: list[str] | None = None
    # Reasoning sent before the answer as `{"type": "thinking", ...}` content chunks
    # (as Magistral models do), split like `text`.
    thinking: str | None = None
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    tool_call_mode: ToolCallMode = "whole"
    # Size, in characters, of each argument piece when tool_call_mode is "fragmented".
    argument_piece_size: int = 4
    finish_reason: str | None = None  # None: "tool_calls" if there are tool calls, else "stop"
    usage: dict[str, int] | None = None  # None: estimated from the request and the pieces
    model: str | None = None  # None: echo the requested model name

    status: int = 200
    error_body: dict[str, Any] | str | None = None  # None: realistic body for `status`
    detail_only: bool = False  # 401/422 (and others): use the bare `{"detail": ...}` shape
    retry_after: str | None = None  # `Retry-After` value: seconds or an HTTP date
    headers: dict[str, str] = field(default_factory=dict)  # extra response headers

    cut_after: int | None = None  # reset the connection after N chunks
    malformed_after: int | None = None  # insert `data: {not json` after N chunks, then go on
    split_utf8: bool = False  # send each multibyte character's bytes in two writes
    split_pause: float = 0.01  # pause between the two halves of a split character
    stall_after: int | None = None  # go silent after N chunks for stall_seconds, then reset
    stall_seconds: float = 1.0
    delay: float = 0.0  # pause after each chunk: a slow drip
    extra_fields: bool = True  # add the random padding field `p` to chunks, like the real API
    content_as_list: bool = False  # send content as `[{"type": "text", "text": ...}]`
    separate_final: bool = False  # finish_reason+usage in their own chunk, not the last piece
    batch: int = 1  # events per socket write; used only when no fault or delay is set

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reply:
        """Build a reply from JSON (the ``/_fake/replies`` control endpoint)."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown Reply fields: {sorted(unknown)}")
        return cls(**data)

    @property
    def is_error(self) -> bool:
        return self.status >= 400

    @property
    def is_plain(self) -> bool:
        """No fault and no pacing: events may be batched into few socket writes."""
        return (
            self.cut_after is None
            and self.malformed_after is None
            and self.stall_after is None
            and not self.split_utf8
            and self.delay <= 0
        )


@dataclass(frozen=True)
class RequestInfo:
    """What encoding a reply needs to know about the request it answers."""

    model: str
    dialect: str
    include_usage: bool  # always true for Mistral; openai: stream_options.include_usage
    prompt_tokens: int
    last_user_text: str

    @classmethod
    def from_body(cls, body: dict[str, Any], dialect: str) -> RequestInfo:
        messages = [m for m in body.get("messages") or [] if isinstance(m, dict)]
        texts = [_text_of(m.get("content")) for m in messages]
        users = [_text_of(m.get("content")) for m in messages if m.get("role") == "user"]
        options = body.get("stream_options")
        include_usage = dialect == "mistral" or (
            isinstance(options, dict) and options.get("include_usage") is True
        )
        return cls(
            model=str(body.get("model", "")),
            dialect=dialect,
            include_usage=include_usage,
            prompt_tokens=sum(len(t.split()) for t in texts),
            last_user_text=users[-1] if users else "",
        )


@dataclass
class StreamPlan:
    """The events of one stream, encoded and ready to write.

    ``body`` is lazy so the first token leaves before a long answer is encoded;
    ``count`` is how many events it yields (faults are placed by that count).
    """

    first: bytes
    count: int
    body: Iterator[bytes]
    done: bytes = _DONE


@dataclass(frozen=True)
class _Call:
    index: int
    id: str
    name: str
    arguments: str | dict[str, Any]

    def arguments_text(self) -> str:
        if isinstance(self.arguments, str):
            return self.arguments
        return json.dumps(self.arguments, ensure_ascii=False)


def split_words(text: str) -> list[str]:
    """Word-sized pieces that join back to ``text`` (spaces lead, like real tokens)."""
    return _WORDS.findall(text)


def new_tool_call_id() -> str:
    """A fresh id in the only form Mistral accepts: 9 characters of ``[a-zA-Z0-9]``."""
    return "".join(random.choices(_ID_ALPHABET, k=9))


def completion_body(reply: Reply, info: RequestInfo) -> dict[str, Any]:
    """The non-streaming ``chat.completion`` object for ``reply``."""
    pieces = _pieces(reply, info)
    thoughts = split_words(reply.thinking or "")
    calls = _calls(reply)
    text = "".join(pieces)
    content: str | list[dict[str, Any]] = text
    if reply.content_as_list or thoughts:
        thinking = [_thinking_chunk(reply.thinking or "")] if thoughts else []
        content = [*thinking, {"type": "text", "text": text}]
    tool_calls = [
        {
            "id": call.id,
            "type": "function",
            "function": {
                "name": call.name,
                "arguments": call.arguments if info.dialect == "mistral" else call.arguments_text(),
            },
            "index": call.index,
        }
        for call in calls
    ]
    completion_tokens = len(thoughts) + len(pieces) + _tool_deltas_count(reply, calls)
    return {
        "id": uuid.uuid4().hex,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": reply.model or info.model,
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "tool_calls": tool_calls or None,
                    "content": content,
                },
                "finish_reason": _finish_reason(reply, calls),
            }
        ],
        "usage": _usage(reply, info, completion_tokens),
    }


def stream_plan(reply: Reply, info: RequestInfo) -> StreamPlan:
    """The ``chat.completion.chunk`` events for ``reply``, as the dialect sends them."""
    pieces = _pieces(reply, info)
    calls = _calls(reply)
    thoughts = split_words(reply.thinking or "")
    n_deltas = len(thoughts) + len(pieces) + _tool_deltas_count(reply, calls)
    usage = _dumps(_usage(reply, info, n_deltas)).encode()
    finish = _dumps(_finish_reason(reply, calls)).encode()
    envelope = (
        f'data: {{"id":"{uuid.uuid4().hex}","object":"chat.completion.chunk",'
        f'"created":{int(time.time())},"model":{_dumps(reply.model or info.model)},'
    ).encode()
    head = envelope + b'"choices":[{"index":0,"delta":'
    pads = [b',"p":"%s"' % pad.encode() for pad in _PADS] if reply.extra_fields else [b""]

    def event(delta: bytes, n: int, finish_reason: bytes = b"null", tail: bytes = b"") -> bytes:
        pad = pads[n % len(pads)]
        return b'%s%s,"finish_reason":%s}]%s%s}\n\n' % (head, delta, finish_reason, tail, pad)

    first = event(b'{"role":"assistant","content":""}', 0)
    deltas = _deltas(reply, info, thoughts, pieces, calls)

    if info.dialect == "openai":
        # OpenAI and vLLM close with an empty delta carrying finish_reason, then (only
        # when asked through stream_options) a usage chunk with no choices.
        def openai_body() -> Iterator[bytes]:
            for n, delta in enumerate(deltas, start=1):
                yield event(delta, n)
            yield event(b"{}", n_deltas + 1, finish)
            if info.include_usage:
                yield b'%s"choices":[],"usage":%s}\n\n' % (envelope, usage)

        return StreamPlan(first, n_deltas + 1 + int(info.include_usage), openai_body())

    tail = b',"usage":%s' % usage
    if n_deltas == 0 or reply.separate_final:
        # The final chunk stands alone, with an empty content delta.
        def separate_body() -> Iterator[bytes]:
            for n, delta in enumerate(deltas, start=1):
                yield event(delta, n)
            yield event(b'{"content":""}', n_deltas + 1, finish, tail)

        return StreamPlan(first, n_deltas + 1, separate_body())

    # As Mistral does: the last piece carries finish_reason and usage.
    def merged_body() -> Iterator[bytes]:
        for n, delta in enumerate(deltas, start=1):
            if n == n_deltas:
                yield event(delta, n, finish, tail)
            else:
                yield event(delta, n)

    return StreamPlan(first, n_deltas, merged_body())


def _deltas(
    reply: Reply, info: RequestInfo, thoughts: list[str], pieces: list[str], calls: list[_Call]
) -> Iterator[bytes]:
    """The encoded ``delta`` objects: thinking, then content pieces, then tool calls."""
    for thought in thoughts:
        yield b'{"content":[%s]}' % _dumps(_thinking_chunk(thought)).encode()
    if reply.content_as_list:
        for piece in pieces:
            yield b'{"content":[{"type":"text","text":%s}]}' % _dumps(piece).encode()
    else:
        for piece in pieces:
            yield b'{"content":%s}' % _dumps(piece).encode()
    if not calls:
        return
    typed = info.dialect == "openai"  # OpenAI always names the type; Mistral leaves it out
    if reply.tool_call_mode == "whole":
        # Mistral sends parallel calls together, each whole and with its own index.
        entries = []
        for call in calls:
            entry: dict[str, Any] = {"id": call.id}
            if typed:
                entry["type"] = "function"
            arguments = call.arguments_text() if typed else call.arguments
            entry["function"] = {"name": call.name, "arguments": arguments}
            entry["index"] = call.index
            entries.append(entry)
        yield _dumps({"content": "", "tool_calls": entries}).encode()
        return
    for call in calls:
        opening: dict[str, Any] = {"index": call.index, "id": call.id}
        if typed:
            opening["type"] = "function"
        opening["function"] = {"name": call.name, "arguments": ""}
        yield _dumps({"tool_calls": [opening]}).encode()
        for piece in _argument_pieces(reply, call):
            fragment = {"index": call.index, "function": {"arguments": piece}}
            yield _dumps({"tool_calls": [fragment]}).encode()


def _thinking_chunk(text: str) -> dict[str, Any]:
    return {"type": "thinking", "thinking": [{"type": "text", "text": text}]}


def _argument_pieces(reply: Reply, call: _Call) -> list[str]:
    text = call.arguments_text()
    size = max(1, reply.argument_piece_size)
    return [text[i : i + size] for i in range(0, len(text), size)]


def _tool_deltas_count(reply: Reply, calls: list[_Call]) -> int:
    if not calls:
        return 0
    if reply.tool_call_mode == "whole":
        return 1
    return sum(1 + len(_argument_pieces(reply, call)) for call in calls)


def _pieces(reply: Reply, info: RequestInfo) -> list[str]:
    if reply.chunks is not None:
        return list(reply.chunks)
    if reply.text is not None:
        return split_words(reply.text)
    if reply.tool_calls:
        return []
    return split_words(f"Echo: {info.last_user_text}")


def _calls(reply: Reply) -> list[_Call]:
    return [
        _Call(
            index=index,
            id=str(call.get("id") or new_tool_call_id()),
            name=str(call["name"]),
            arguments=call.get("arguments", {}),
        )
        for index, call in enumerate(reply.tool_calls)
    ]


def _finish_reason(reply: Reply, calls: list[_Call]) -> str:
    if reply.finish_reason is not None:
        return reply.finish_reason
    return "tool_calls" if calls else "stop"


def _usage(reply: Reply, info: RequestInfo, completion_tokens: int) -> dict[str, int]:
    if reply.usage is not None:
        return reply.usage
    return {
        "prompt_tokens": info.prompt_tokens,
        "total_tokens": info.prompt_tokens + completion_tokens,
        "completion_tokens": completion_tokens,
    }


def _text_of(content: object) -> str:
    """The text of a message ``content``: a string or a list of chunks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            str(chunk.get("text", ""))
            for chunk in content
            if isinstance(chunk, dict) and chunk.get("type") == "text"
        )
    return ""


def _dumps(value: object) -> str:
    # Raw UTF-8 on the wire, as the real API sends it (and so split_utf8 has bytes to split).
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

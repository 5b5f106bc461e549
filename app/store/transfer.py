"""Export conversations (JSON per the contract, or readable markdown) and import files.

Import reads a Maestrale JSON export or ChatGPT's ``conversations.json`` (also straight
from ChatGPT's zip archive), validates all of it, then writes it in one transaction:
a file that is wrong in any place changes nothing.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from app.domain.messages import (
    ChatParams,
    Conversation,
    Message,
    MessageStatus,
    Role,
    ToolCall,
    to_iso,
)
from app.domain.tree import MessageTree
from app.store.conversations import ConversationStore
from app.store.errors import ImportFailed
from app.store.imports import (
    EXPORT_FORMAT,
    EXPORT_VERSION,
    Counted,
    MalformedFile,
    ParsedImport,
    fenced,
    looks_like_chatgpt,
    parse_chatgpt,
    parse_maestrale,
)

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_NOT_OURS = "it is not a Maestrale export or ChatGPT conversations.json"


# Export --------------------------------------------------------------------------------


def _chosen(store: ConversationStore, conversation_ids: Sequence[str] | None) -> list[Conversation]:
    if conversation_ids is None:
        return sorted(store.list_conversations(), key=lambda c: (c.created_at, c.id))
    return [store.get_conversation(conversation_id) for conversation_id in conversation_ids]


def export_json(
    store: ConversationStore, conversation_ids: Sequence[str] | None = None
) -> dict[str, Any]:
    """The export document (``json.dump`` it) of the given conversations, or of all
    (those in the trash left out).

    Keys beyond the contract (``params``, ``pinned``, ``title_is_custom``,
    ``current_leaf_id``, ``kind``; ``name`` and ``finish_reason`` on messages) let a
    re-import restore everything; readers of the contract can ignore them.

    Raises:
        ConversationNotFound: one of ``conversation_ids`` does not exist.
    """
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "conversations": [
            _conversation_json(conversation, store.messages(conversation.id))
            for conversation in _chosen(store, conversation_ids)
        ],
    }


def _conversation_json(conversation: Conversation, messages: Sequence[Message]) -> dict[str, Any]:
    return {
        "id": conversation.id,
        "title": conversation.title,
        "created_at": to_iso(conversation.created_at),
        "updated_at": to_iso(conversation.updated_at),
        "model": conversation.model,
        "system_prompt": conversation.system_prompt,
        "messages": [_message_json(message) for message in messages],
        "params": conversation.params.to_json(),
        "pinned": conversation.pinned,
        "title_is_custom": conversation.title_is_custom,
        "current_leaf_id": conversation.current_leaf_id,
        "kind": conversation.kind,
    }


def _message_json(message: Message) -> dict[str, Any]:
    status = message.status
    if status is MessageStatus.STREAMING:  # still being written elsewhere: a snapshot
        status = MessageStatus.INTERRUPTED
    return {
        "id": message.id,
        "parent_id": message.parent_id,
        "role": str(message.role),
        "content": message.content,
        "created_at": to_iso(message.created_at),
        "model": message.model,
        "status": str(status),
        "error": message.error,
        "usage": message.usage.to_json() if message.usage else None,
        "tool_calls": [call.to_json() for call in message.tool_calls],
        "tool_call_id": message.tool_call_id,
        "name": message.name,
        "finish_reason": message.finish_reason,
    }


def export_markdown(store: ConversationStore, conversation_ids: Sequence[str] | None = None) -> str:
    """Readable markdown: each conversation's shown branch, then its other branches.

    Without ``conversation_ids``: every conversation not in the trash.
    """
    parts = [
        _conversation_markdown(conversation, store.tree(conversation.id))
        for conversation in _chosen(store, conversation_ids)
    ]
    return "\n\n---\n\n".join(parts) + "\n"


def _params_line(params: ChatParams) -> str:
    """The parameters set (not the model's defaults), as a reader would write them."""
    parts = [
        f"{name} {value}"
        for name, value in (
            ("temperature", params.temperature),
            ("top_p", params.top_p),
            ("max tokens", params.max_tokens),
            ("random seed", params.random_seed),
        )
        if value is not None
    ]
    if params.safe_prompt:
        parts.append("safe prompt on")
    return " · ".join(parts)


def _conversation_markdown(conversation: Conversation, tree: MessageTree[Message]) -> str:
    lines = [f"# {_literal(_one_line(conversation.title)) or 'Untitled conversation'}", ""]
    facts = [f"Model: {conversation.model}"] if conversation.model else []
    facts.append(f"Created {conversation.created_at:%Y-%m-%d %H:%M} UTC")
    facts.append(f"last active {conversation.updated_at:%Y-%m-%d %H:%M} UTC")
    lines += [" · ".join(facts), ""]
    settings = _params_line(conversation.params)
    if settings:  # what the answers were asked with, to ask again the same way
        lines += [f"Parameters: {settings}", ""]
    if conversation.system_prompt:
        lines += ["**System prompt**", ""]
        lines += [f"> {line}".rstrip() for line in conversation.system_prompt.splitlines()]
        lines.append("")
    leaf = conversation.current_leaf_id
    if leaf not in tree.by_id:
        leaf = tree.latest_leaf()
    main = tree.path_to(leaf)
    for message in main:
        lines += _message_markdown(message)
    written = {message.id for message in main}
    branches: list[list[str]] = []
    for message in tree.by_id.values():
        if message.id in written or tree.children(message.id):
            continue
        # Paths from the root share prefixes: only the part not written yet is new.
        segment = [m for m in tree.path_to(message.id) if m.id not in written]
        written.update(m.id for m in segment)
        branch = [f"### Branch {len(branches) + 2}", ""]
        parent = tree.by_id.get(segment[0].parent_id or "")
        if parent is None:
            branch += ["*A separate thread from the start.*", ""]
        else:
            quoted = _literal(_preview(parent.content))
            branch += [f"*Continues after {_label(parent)}: “{quoted}”*", ""]
        for item in segment:
            branch += _message_markdown(item)
        branches.append(branch)
    if branches:
        lines += ["## Other branches", ""]
        for branch in branches:
            lines += branch
    return "\n".join(lines).rstrip()


def _label(message: Message) -> str:
    if message.role is Role.USER:
        return "**You**"
    if message.role is Role.ASSISTANT:
        return "**Assistant**" + (f" ({message.model})" if message.model else "")
    if message.role is Role.TOOL:
        return "**Tool result**" + (f" ({message.name})" if message.name else "")
    return "**System**"


def _message_markdown(message: Message) -> list[str]:
    heading = _label(message)
    if message.status is not MessageStatus.COMPLETE:
        heading += f" — *{_STATES[message.status]}*"
    lines = [heading, ""]
    note = _note(message)
    tool = message.role is Role.TOOL
    if note and tool:  # "Not run: …", "Failed: the result says why.": read before it
        lines += [note, ""]
    if message.content.strip():
        if tool:
            body = fenced(message.content)
        else:
            # One kind of line end: a lone "\r" is a line end to the parser (its line
            # numbers would not be ours) and before "\n" it undoes a hard break.
            content = message.content.replace("\r\n", "\n").replace("\r", "\n").rstrip()
            body = _as_typed(content) if message.role is Role.USER else _nested(content)
        lines += [body, ""]
    for call in message.tool_calls:
        lines += [tool_call_markdown(call), ""]
    if note and not tool:  # why an answer ended: below what it kept, as the window shows
        lines += [note, ""]
    return lines


# How a message that did not end well is named beside its author (the JSON export keeps
# the stored status: these are for reading).
_STATES = {
    MessageStatus.STREAMING: "still being written",
    MessageStatus.INTERRUPTED: "interrupted",
    MessageStatus.ERROR: "failed",
}


def _note(message: Message) -> str | None:
    """What the window says under (or, for a tool's result, beside) a message: why it
    failed, stopped or was not run, in the stored words (each a sentence of its own:
    "Not run: you chose Don't run.", "Stopped before the end; the text so far is
    kept."), or that it reached the token limit; as an italic quote, set apart from a
    quote of the message's own."""
    if message.error and message.error.strip():
        text = message.error
        if message.tool_calls and message.status is MessageStatus.COMPLETE:
            # A complete answer's error says why its tool calls got no result.
            text = f"No result went back to the model. {text}"
    elif (
        message.role is Role.ASSISTANT
        and message.status is MessageStatus.COMPLETE
        and message.finish_reason in ("length", "model_length")
    ):
        text = "The answer reached the token limit."
    else:
        return None
    return f"> *{_literal(_one_line(text))}*"


def tool_call_markdown(call: ToolCall) -> str:
    """A tool call as Markdown: its name, then its arguments as a JSON block (the export
    and Copy as Markdown write it alike)."""
    return f"Tool call `{call.name}`:\n\n" + fenced(call.readable_arguments(), "json")


def _nested(markdown: str) -> str:
    """An answer's markdown as part of the export: its headings three levels down, so
    that they sit under the conversation's title and its branches in an outline."""
    lines = markdown.split("\n")
    tokens = _commonmark().parse(markdown)
    for token in tokens:
        if token.map is None or token.level != 0 or token.type != "heading_open":
            continue
        start, end = token.map
        level = min(6, int(token.tag[1:]) + 3)
        if token.markup.startswith("#"):
            text = lines[start].lstrip()[len(token.markup) :].strip().rstrip("#").strip()
        else:  # underlined ("Title" then "===="): one line, the underline gone
            text = " ".join(line.strip() for line in lines[start : end - 1])
            lines[end - 1] = "\0"
        lines[start] = "#" * level + " " + text
        for number in range(start + 1, end - 1):
            lines[number] = "\0"
    line_count = len(lines)
    return _fences_closed("\n".join(line for line in lines if line != "\0"), tokens, line_count)


def _fences_closed(text: str, tokens: list[Token], line_count: int) -> str:
    """``text`` with its last code fence closed if the message ends inside it (an answer
    cut off mid-block): left open, it made code of every message after it."""
    last = next((t for t in reversed(tokens) if t.type == "fence" and t.map), None)
    if last is None or last.map is None or last.level != 0:
        return text
    start, end = last.map
    if end < line_count:
        return text  # text follows it: it was closed
    closing = text.rsplit("\n", maxsplit=1)[-1].strip() if end > start + 1 else ""
    if closing and set(closing) == {last.markup[0]} and len(closing) >= len(last.markup):
        return text
    return f"{text}\n{last.markup}"


def _as_typed(text: str) -> str:
    """A question as the window shows it, as typed: its markup signs escaped ("# todo",
    "*args", "<div>" or a line "---" read as written, not as a heading, emphasis, HTML
    or a rule) and each line break kept; its code blocks, fenced or indented, stay code
    blocks (they read as code either way)."""
    lines = text.split("\n")
    tokens = _commonmark().parse(text)
    code: set[int] = set()
    apart: set[int] = set()  # code blocks right under a line: one the escaping unmakes
    for token in tokens:
        if token.map is not None and token.type in ("fence", "code_block"):
            start, end = token.map
            code.update(range(start, end))
            if token.type == "code_block" and start > 0 and lines[start - 1].strip():
                apart.add(start)
    for number, line in enumerate(lines):
        if number in code or not line.strip():
            continue
        escaped = _literal(line)
        body = escaped.lstrip()
        # Its indent as typed, in no-break spaces: four spaces after a blank line made
        # a code block of text that a list around it held.
        indent = escaped[: len(escaped) - len(body)].replace("\t", "    ").replace(" ", "\u00a0")
        if body[:1] in _BLOCK_SIGNS or _NUMBERED.match(body):
            # A list item, a rule, a setext underline or a quote at the start of a line.
            body = "\\" + body if body[:1] in _BLOCK_SIGNS else _NUMBERED.sub(r"\1\\\2", body, 1)
        ends_paragraph = number + 1 >= len(lines) or not lines[number + 1].strip()
        lines[number] = indent + body + ("" if ends_paragraph or number + 1 in code else "  ")
    for start in apart:
        lines[start] = "\n" + lines[start]
    return _fences_closed("\n".join(lines), tokens, len(text.split("\n")))


_BLOCK_SIGNS = frozenset("-+=>")
_NUMBERED = re.compile(r"^(\d{1,9})([.)])")


@functools.cache
def _commonmark() -> MarkdownIt:
    """One parser for a whole export: making one per message took 72% of the time of
    exporting 19,000 conversations (4 minutes). It keeps no state between parses."""
    from markdown_it import MarkdownIt  # only when exporting to markdown

    return MarkdownIt("commonmark")


def _literal(text: str) -> str:
    """``text`` as it reads, in markdown: a title "<b>tags</b>" or "__init__" is not
    markup (viewers would make it bold, or drop the tags)."""
    return "".join(f"\\{char}" if char in _MARKDOWN_SIGNS else char for char in text)


_MARKDOWN_SIGNS = frozenset("\\`*_[]<>#|~&")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _preview(text: str, length: int = 60) -> str:
    flat = _one_line(text)
    return flat if len(flat) <= length else flat[: length - 1] + "…"


# Import --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportReport:
    imported: int
    """New conversations added."""
    skipped: int
    """Conversations already in the history with all their messages."""
    updated: int = 0
    """Conversations already in the history that received messages they lacked."""
    messages: int = 0
    """Messages added."""
    updated_messages: int = 0
    """Of those, the ones added to conversations already in the history."""
    warnings: tuple[str, ...] = ()
    conversation_ids: tuple[str, ...] = ()
    """The conversations added or updated."""
    restored: int = 0
    """Conversations brought back from the trash (those with new messages also count as
    updated)."""


class ImportStage(StrEnum):
    """The steps of an import, in order."""

    READING = "reading"
    """The file is read (``total``: its size in bytes; nothing counts meanwhile)."""
    CHECKING = "checking"
    """Conversations are checked (``done`` of ``total``)."""
    WRITING = "writing"
    """Conversations are written (``done`` of ``total``)."""
    SAVING = "saving"
    """All is written; the transaction is being committed."""


@dataclass(frozen=True, slots=True)
class ImportProgress:
    stage: ImportStage
    done: int = 0
    total: int = 0


ProgressListener = Callable[[ImportProgress], None]


def import_file(
    store: ConversationStore, path: Path, progress: ProgressListener | None = None
) -> ImportReport:
    """Import a Maestrale export or ChatGPT's ``conversations.json`` (or its zip archive).

    Everything is read and validated before one transaction writes it. Conversations
    already present are skipped, apart from messages they lack, so importing the same
    file twice adds nothing. ``progress`` is told each step, and each conversation
    checked and written (a large file takes many seconds).

    Raises:
        ImportFailed: the file cannot be read or is not in a format we know; nothing
            was written.
    """
    path = Path(path)
    tell = progress or _unheard
    try:
        size = path.stat().st_size
    except OSError:
        size = 0  # _load says why it cannot be read
    tell(ImportProgress(ImportStage.READING, 0, size))
    try:
        parsed = _parse(
            _load(path), lambda done, total: tell(ImportProgress(ImportStage.CHECKING, done, total))
        )
    except MalformedFile as error:
        raise ImportFailed(path, str(error)) from None
    counts = store.import_conversations(_told(parsed.conversations, tell))
    warnings = list(parsed.warnings)
    titles = {conversation.id: conversation.title for conversation, _ in parsed.conversations}
    warnings += [
        f"Did not import “{titles[conversation_id]}” ({conversation_id}): one of its message "
        "ids already belongs to another conversation."
        for conversation_id in counts.conflicting
    ]
    return ImportReport(
        imported=len(counts.imported),
        skipped=len(counts.skipped),
        updated=len(counts.updated),
        messages=counts.messages,
        updated_messages=counts.updated_messages,
        warnings=tuple(warnings),
        conversation_ids=tuple(
            dict.fromkeys([*counts.imported, *counts.updated, *counts.restored])
        ),
        restored=len(counts.restored),
    )


def _unheard(progress: ImportProgress) -> None:
    pass


def _told(
    batch: Sequence[tuple[Conversation, list[Message]]], tell: ProgressListener
) -> Iterator[tuple[Conversation, list[Message]]]:
    """``batch``, telling how much of it was taken (written) as it is."""
    for done, item in enumerate(batch):
        tell(ImportProgress(ImportStage.WRITING, done, len(batch)))
        yield item
    tell(ImportProgress(ImportStage.SAVING, len(batch), len(batch)))


def _load(path: Path) -> object:
    import zipfile  # here, not at start-up: only imports read archives

    try:
        raw = _from_zip(path) if zipfile.is_zipfile(path) else path.read_bytes()
    except (OSError, zipfile.BadZipFile) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise MalformedFile(f"it cannot be read ({reason})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MalformedFile("it is not UTF-8 text, so not JSON") from None
    if not text.strip():
        raise MalformedFile("it is empty")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        # A string left open runs to the end: its error is placed where it starts.
        cut = error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string")
        hint = "; the file may be cut short" if cut else ""
        raise MalformedFile(f"not JSON: {_json_problem(error)}{hint}") from None
    except RecursionError:
        raise MalformedFile("it is nested too deeply to be an export") from None


def _json_problem(error: json.JSONDecodeError) -> str:
    """The parser's words with their place: some of its phrases end in "at" and mean the
    position ("Unterminated string starting at"), and read as cut off without it."""
    phrase = error.msg[:1].lower() + error.msg[1:]
    where = f"line {error.lineno}, column {error.colno}"
    return f"{phrase} {where}" if phrase.endswith(" at") else f"{phrase} at {where}"


def _from_zip(path: Path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        names = [
            name for name in archive.namelist() if PurePosixPath(name).name == "conversations.json"
        ]
        if not names:
            raise MalformedFile("the zip archive holds no conversations.json")
        return archive.read(min(names, key=len))


def _parse(data: object, on_each: Counted) -> ParsedImport:
    if isinstance(data, dict):
        if data.get("format") == EXPORT_FORMAT:
            return parse_maestrale(data, on_each)
        if "mapping" in data:  # a single ChatGPT conversation
            return parse_chatgpt([data], on_each)
        raise MalformedFile(_NOT_OURS)
    if isinstance(data, list):
        if not data:
            return ParsedImport(warnings=["The file holds no conversations."])
        if looks_like_chatgpt(data):
            return parse_chatgpt(data, on_each)
    raise MalformedFile(_NOT_OURS)

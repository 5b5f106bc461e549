"""Reading foreign and exported files into validated domain values, writing nothing.

``parse_maestrale`` reads our own export (format ``maestrale-export``), ``parse_chatgpt``
ChatGPT's ``conversations.json``. Both check everything before anything is written and
raise ``MalformedFile`` with a reason a person can act on ("conversation 2 has no
'messages' list").
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from app.domain.messages import (
    ChatParams,
    Conversation,
    Message,
    MessageStatus,
    Role,
    ToolCall,
    Usage,
    from_iso,
    utc_now,
)
from app.domain.tree import MessageTree
from app.store.kinds import CONVERSATION_KINDS, KIND_CHAT

EXPORT_FORMAT = "maestrale-export"
EXPORT_VERSION = 1
# Ids for ChatGPT conversations that have none: the same file gives the same ids, so
# importing it twice still adds nothing.
_CHATGPT_NAMESPACE = uuid.UUID("6f1c1a8e-4d55-4f0e-9a44-3c2f3b8f6a10")


class MalformedFile(ValueError):
    """The file is not what it claims to be; ``str(error)`` says where and why."""


# Told, after each conversation is checked, how many of how many are.
Counted = Callable[[int, int], None]


def _uncounted(done: int, total: int) -> None:
    pass


@dataclass
class ParsedImport:
    conversations: list[tuple[Conversation, list[Message]]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# Maestrale exports ---------------------------------------------------------------------


def parse_maestrale(data: Mapping[str, Any], on_each: Counted = _uncounted) -> ParsedImport:
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise MalformedFile("the export has no valid 'version' number")
    if version > EXPORT_VERSION:
        raise MalformedFile(
            f"it is a version {version} export from a newer Maestrale (this one reads "
            f"version {EXPORT_VERSION}), so update Maestrale to import it"
        )
    items = data.get("conversations")
    if not isinstance(items, list):
        raise MalformedFile("the export has no 'conversations' list")
    parsed = ParsedImport()
    seen: set[str] = set()
    for number, item in enumerate(items, 1):
        parsed.conversations.append(_maestrale_conversation(item, f"conversation {number}", seen))
        on_each(number, len(items))
    return parsed


def _maestrale_conversation(
    item: object, where: str, seen: set[str]
) -> tuple[Conversation, list[Message]]:
    if not isinstance(item, dict):
        raise MalformedFile(f"{where} is not an object")
    conversation_id = _text(item, "id", where)
    if not conversation_id:
        raise MalformedFile(f"{where} has an empty 'id'")
    title = _text(item, "title", where)
    raw_messages = item.get("messages")
    if not isinstance(raw_messages, list):
        raise MalformedFile(f"{where} has no 'messages' list")
    messages: list[Message] = []
    for number, raw in enumerate(raw_messages, 1):
        message = _maestrale_message(raw, conversation_id, f"{where}, message {number}")
        if message.id in seen:
            raise MalformedFile(f"{where}, message {number}: the id {message.id!r} is used twice")
        seen.add(message.id)
        messages.append(message)
    _check_links(messages, where)
    created_at = _date(item, "created_at", where)
    updated_at = (
        _date(item, "updated_at", where)
        if item.get("updated_at") is not None
        else max([created_at, *(message.created_at for message in messages)])
    )
    leaf = _optional_text(item, "current_leaf_id", where)
    if leaf not in {message.id for message in messages}:
        leaf = MessageTree(messages).latest_leaf()
    params = item.get("params")
    conversation = Conversation(
        id=conversation_id,
        title=title,
        created_at=created_at,
        updated_at=updated_at,
        model=_optional_text(item, "model", where),
        system_prompt=_optional_text(item, "system_prompt", where),
        params=ChatParams.from_json(params) if isinstance(params, dict) else ChatParams(),
        pinned=item.get("pinned") is True,
        current_leaf_id=leaf,
        title_is_custom=item.get("title_is_custom") is True,
        # Exports older than quick exchanges have no "kind": they hold chats.
        kind=kind if (kind := item.get("kind")) in CONVERSATION_KINDS else KIND_CHAT,
    )
    return conversation, messages


def _maestrale_message(raw: object, conversation_id: str, where: str) -> Message:
    if not isinstance(raw, dict):
        raise MalformedFile(f"{where} is not an object")
    message_id = _text(raw, "id", where)
    if not message_id:
        raise MalformedFile(f"{where} has an empty 'id'")
    role_text = _text(raw, "role", where)
    if role_text not in set(Role):
        raise MalformedFile(f"{where} has the unknown role {role_text!r}")
    status_text = raw.get("status", "complete")
    if status_text == "streaming":  # not in the contract, but its meaning is clear
        status_text = "interrupted"
    if status_text not in {"complete", "interrupted", "error"}:
        raise MalformedFile(f"{where} has the unknown status {status_text!r}")
    return Message(
        id=message_id,
        conversation_id=conversation_id,
        parent_id=_optional_text(raw, "parent_id", where),
        role=Role(role_text),
        content=_text(raw, "content", where),
        created_at=_date(raw, "created_at", where),
        status=MessageStatus(status_text),
        model=_optional_text(raw, "model", where),
        error=_optional_text(raw, "error", where),
        usage=_usage(raw.get("usage"), where),
        tool_calls=_tool_calls(raw.get("tool_calls"), where),
        tool_call_id=_optional_text(raw, "tool_call_id", where),
        name=_optional_text(raw, "name", where),
        finish_reason=_optional_text(raw, "finish_reason", where),
    )


def _check_links(messages: Sequence[Message], where: str) -> None:
    """Every parent is a message of the same conversation, and no parent chain loops."""
    by_id = {message.id: message for message in messages}
    for message in messages:
        if message.parent_id is not None and message.parent_id not in by_id:
            raise MalformedFile(
                f"{where}: the parent_id {message.parent_id!r} of message {message.id!r} is "
                "not a message of this conversation"
            )
    settled: set[str] = set()
    for message in messages:
        chain: set[str] = set()
        current: Message | None = message
        while current is not None and current.id not in settled:
            if current.id in chain:
                raise MalformedFile(f"{where}: the parent_id links of its messages form a loop")
            chain.add(current.id)
            current = by_id.get(current.parent_id) if current.parent_id else None
        settled |= chain


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        state = "no" if value is None else "a non-text"
        raise MalformedFile(f"{where} has {state} '{key}'")
    return value


def _optional_text(data: Mapping[str, Any], key: str, where: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise MalformedFile(f"{where} has a non-text '{key}'")
    return value


def _date(data: Mapping[str, Any], key: str, where: str) -> datetime:
    text = _text(data, key, where)
    try:
        return from_iso(text)
    except ValueError:
        raise MalformedFile(f"{where} has a '{key}' that is not an ISO-8601 date") from None


def _usage(value: object, where: str) -> Usage | None:
    if value is None:
        return None
    if isinstance(value, dict):
        prompt = value.get("prompt_tokens", 0)
        completion = value.get("completion_tokens", 0)
        if _is_count(prompt) and _is_count(completion):
            return Usage(prompt_tokens=prompt, completion_tokens=completion)
    raise MalformedFile(f"{where} has a 'usage' that is not null or token counts")


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _tool_calls(value: object, where: str) -> tuple[ToolCall, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise MalformedFile(f"{where} has a 'tool_calls' that is not a list")
    calls = []
    for index, call in enumerate(value):
        if not isinstance(call, dict) or not isinstance(call.get("function"), dict):
            raise MalformedFile(f"{where} has a tool call without a 'function' object")
        calls.append(ToolCall.from_json(call, index))
    return tuple(calls)


# ChatGPT's conversations.json ----------------------------------------------------------

_CHATGPT_ROLES = {"user", "assistant", "system", "tool"}
_INTERRUPTED = {"in_progress", "finished_partial_completion"}


def looks_like_chatgpt(data: object) -> bool:
    return (
        isinstance(data, list) and bool(data) and isinstance(data[0], dict) and "mapping" in data[0]
    )


def parse_chatgpt(items: Sequence[object], on_each: Counted = _uncounted) -> ParsedImport:
    parsed = ParsedImport()
    unsupported: Counter[str] = Counter()
    seen: set[str] = set()
    empty = 0
    for number, item in enumerate(items, 1):
        result = _chatgpt_conversation(item, f"conversation {number}", unsupported, seen)
        if result is None:
            empty += 1
        else:
            parsed.conversations.append(result)
        on_each(number, len(items))
    if unsupported:
        kinds = ", ".join(f"{kind} ({count})" for kind, count in unsupported.most_common())
        parsed.warnings.append(
            f"Skipped {sum(unsupported.values())} messages of kinds Maestrale does not "
            f"import: {kinds}."
        )
    if empty:
        noun = "conversation" if empty == 1 else "conversations"
        parsed.warnings.append(f"Skipped {empty} {noun} with no message that could be imported.")
    return parsed


@dataclass
class _Node:
    node_id: str
    parent: str | None
    children: list[str]
    message: Mapping[str, Any] | None


def _chatgpt_conversation(
    item: object, where: str, unsupported: Counter[str], seen: set[str]
) -> tuple[Conversation, list[Message]] | None:
    if not isinstance(item, dict):
        raise MalformedFile(f"{where} is not an object")
    mapping = item.get("mapping")
    if not isinstance(mapping, dict):
        raise MalformedFile(f"{where} has no 'mapping' object")
    title = item.get("title") if isinstance(item.get("title"), str) else None
    created = _epoch(item.get("create_time"), f"{where} 'create_time'")
    updated = _epoch(item.get("update_time"), f"{where} 'update_time'")
    raw_id = item.get("conversation_id") or item.get("id")
    if isinstance(raw_id, str) and raw_id:
        conversation_id = raw_id
    else:
        seed = f"{title}|{item.get('create_time')}|{sorted(mapping)[:1]}"
        conversation_id = uuid.uuid5(_CHATGPT_NAMESPACE, seed).hex
    nodes = _chatgpt_nodes(mapping, where)

    # Without dates of its own: its messages' earliest, else the day it was imported (a
    # 1970 date would sort it below every other chat).
    times = [_time_of(node) for node in nodes.values() if _time_of(node) > 0]
    start = created or updated or (_epoch(min(times), where) if times else None) or utc_now()
    kept: dict[str, Message] = {}
    kept_parent: dict[str, str | None] = {}
    messages: list[Message] = []
    for node in _depth_first(nodes):
        parent = None if node.parent is None else kept_parent.get(node.parent)
        parent_time = kept[parent].created_at if parent else start
        message = _chatgpt_message(node, conversation_id, parent, parent_time, unsupported)
        if message is None:
            kept_parent[node.node_id] = parent  # children hang on the nearest kept ancestor
            continue
        if message.id in seen:  # ids are unique in real exports; stay safe if not
            unique = uuid.uuid5(_CHATGPT_NAMESPACE, f"{conversation_id}/{node.node_id}").hex
            message = replace(message, id=unique)
        seen.add(message.id)
        kept[message.id] = message
        kept_parent[node.node_id] = message.id
        messages.append(message)
    if not messages:
        return None

    current = item.get("current_node")
    leaf = kept_parent.get(current) if isinstance(current, str) else None
    if leaf is None:
        leaf = MessageTree(messages).latest_leaf()
    path = MessageTree(messages).path_to(leaf)
    if not title:
        first_user = next((m.content for m in path if m.role is Role.USER), "")
        title = " ".join(first_user.split())[:60] or "Imported conversation"
    conversation = Conversation(
        id=conversation_id,
        title=title,
        created_at=start,
        updated_at=max([updated or start, *(message.created_at for message in messages)]),
        # None: ChatGPT's models are not served here, so continuing the chat goes to the
        # model a new chat would get. Each answer keeps the model that wrote it.
        model=None,
        current_leaf_id=leaf,
        title_is_custom=True,  # an automatic title must not replace it
    )
    return conversation, messages


def _chatgpt_nodes(mapping: Mapping[str, Any], where: str) -> dict[str, _Node]:
    nodes: dict[str, _Node] = {}
    for key, raw in mapping.items():
        node_where = f"{where}, node {key!r}"
        if not isinstance(raw, dict):
            raise MalformedFile(f"{node_where} is not an object")
        parent = raw.get("parent")
        children = raw.get("children", [])
        message = raw.get("message")
        if parent is not None and not isinstance(parent, str):
            raise MalformedFile(f"{node_where} has a 'parent' that is not an id")
        if not isinstance(children, list) or not all(isinstance(c, str) for c in children):
            raise MalformedFile(f"{node_where} has a 'children' that is not a list of ids")
        if message is not None:
            if not isinstance(message, dict):
                raise MalformedFile(f"{node_where} has a 'message' that is not an object")
            if not isinstance(message.get("author"), dict):
                raise MalformedFile(f"{node_where} has a message without an 'author' object")
            if not isinstance(message.get("content"), dict):
                raise MalformedFile(f"{node_where} has a message without a 'content' object")
        nodes[key] = _Node(key, parent if parent in mapping else None, children, message)
    return nodes


def _depth_first(nodes: Mapping[str, _Node]) -> list[_Node]:
    """Parents before children; siblings in the order of their parent's ``children``.

    The ``parent`` fields decide the shape; nodes caught in a parent loop are dropped.
    """
    children: dict[str | None, list[_Node]] = {}
    for node in nodes.values():
        children.setdefault(node.parent, []).append(node)
    for parent, group in children.items():
        order = nodes[parent].children if parent is not None else []
        rank = {child: index for index, child in enumerate(order)}
        group.sort(key=lambda node: (rank.get(node.node_id, len(rank)), _time_of(node)))
    ordered: list[_Node] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(children.get(node.node_id, [])))
    return ordered


def _time_of(node: _Node) -> float:
    value = node.message.get("create_time") if node.message else None
    return float(value) if isinstance(value, int | float) else 0.0


def _chatgpt_message(
    node: _Node,
    conversation_id: str,
    parent_id: str | None,
    parent_time: datetime,
    unsupported: Counter[str],
) -> Message | None:
    """The message of a node, or ``None`` for a node that is not imported."""
    raw = node.message
    if raw is None:
        return None
    metadata = raw.get("metadata")
    if not isinstance(metadata, dict):
        metadata = {}
    if metadata.get("is_visually_hidden_from_conversation"):
        return None
    role = raw["author"].get("role")
    if role not in _CHATGPT_ROLES:
        unsupported[f"{role} messages"] += 1
        return None
    content = _chatgpt_content(raw["content"])
    if content is None:
        unsupported[str(raw["content"].get("content_type"))] += 1
        return None
    if not content.strip():
        return None  # empty system prompts, placeholders before tool calls
    created = _epoch(raw.get("create_time"), f"message {node.node_id!r} 'create_time'")
    model = metadata.get("model_slug")
    name = raw["author"].get("name")
    return Message(
        id=str(raw.get("id") or node.node_id),
        conversation_id=conversation_id,
        parent_id=parent_id,
        role=Role(role),
        content=content,
        created_at=max(created, parent_time) if created else parent_time,
        status=MessageStatus.INTERRUPTED
        if raw.get("status") in _INTERRUPTED
        else MessageStatus.COMPLETE,
        model=model if role == "assistant" and isinstance(model, str) else None,
        name=name if role == "tool" and isinstance(name, str) else None,
    )


def _chatgpt_content(content: Mapping[str, Any]) -> str | None:
    """Text of a ChatGPT content object, or ``None`` for a kind we do not import."""
    kind = content.get("content_type")
    if kind in {"text", "multimodal_text"}:
        parts = content.get("parts")
        if not isinstance(parts, list):
            return None
        return "\n".join(_part_text(part) for part in parts if part != "")
    text = content.get("text")
    if kind in {"code", "execution_output"} and isinstance(text, str):
        language = content.get("language")
        tag = language if kind == "code" and language and language != "unknown" else ""
        return fenced(text, str(tag))
    return None


def _part_text(part: object) -> str:
    if isinstance(part, str):
        return part
    kind = part.get("content_type") if isinstance(part, dict) else None
    if isinstance(part, dict) and isinstance(part.get("text"), str):
        return str(part["text"])  # e.g. audio_transcription
    if kind == "image_asset_pointer":
        return "[image not imported]"
    if kind in {"audio_asset_pointer", "real_time_user_audio_video_asset_pointer"}:
        return "[audio not imported]"
    return "[attachment not imported]"


def fenced(text: str, language: str = "") -> str:
    """A markdown code block whose fence is longer than any backtick run in ``text``."""
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text.rstrip()}\n{fence}"


def _epoch(value: object, where: str) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MalformedFile(f"{where} is not a number of seconds")
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise MalformedFile(f"{where} is not a possible date") from None

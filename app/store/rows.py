"""Conversations and messages to and from table rows (the column order lives here)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
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
    to_iso,
)
from app.store.kinds import KIND_CHAT, check_kind

CONVERSATION_COLUMNS = (
    "id, title, created_at, updated_at, model, system_prompt, params, pinned,"
    " current_leaf_id, title_is_custom, deleted_at, kind"
)
MESSAGE_COLUMNS = (
    "id, conversation_id, parent_id, role, content, created_at, status, model, error,"
    " prompt_tokens, completion_tokens, tool_calls, tool_call_id, name, finish_reason"
)
# Queries are built only from these constants; values always go through parameters.
SELECT_CONVERSATIONS = f"SELECT {CONVERSATION_COLUMNS} FROM conversations"  # noqa: S608
SELECT_MESSAGES = f"SELECT {MESSAGE_COLUMNS} FROM messages"  # noqa: S608


def insert_conversation(db: sqlite3.Connection, conversation: Conversation) -> None:
    columns = (
        "id, title, title_is_custom, model, system_prompt, params, pinned, created_at,"
        " updated_at, current_leaf_id, deleted_at"
    )
    values: list[Any] = [
        conversation.id,
        conversation.title,
        int(conversation.title_is_custom),
        conversation.model,
        conversation.system_prompt,
        dumps(conversation.params.to_json()),
        int(conversation.pinned),
        to_iso(conversation.created_at),
        to_iso(conversation.updated_at),
        conversation.current_leaf_id,
        to_iso(conversation.deleted_at) if conversation.deleted_at else None,
    ]
    # A chat leaves ``kind`` to the column's default, so this still writes the files of
    # older formats that the migration tests and ``--format`` benchmarks build.
    if conversation.kind != KIND_CHAT:
        columns += ", kind"
        values.append(check_kind(conversation.kind))
    marks = ", ".join("?" * len(values))
    db.execute(f"INSERT INTO conversations ({columns}) VALUES ({marks})", values)  # noqa: S608


def insert_messages(
    db: sqlite3.Connection, messages: Iterable[Message], writer: str | None
) -> None:
    db.executemany(
        "INSERT INTO messages (id, conversation_id, parent_id, role, content, status, model,"
        " error, prompt_tokens, completion_tokens, tool_calls, tool_call_id, name,"
        " finish_reason, writer, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                m.id,
                m.conversation_id,
                m.parent_id,
                str(m.role),
                m.content,
                str(m.status),
                m.model,
                m.error,
                m.usage.prompt_tokens if m.usage else None,
                m.usage.completion_tokens if m.usage else None,
                tool_calls_json(m.tool_calls),
                m.tool_call_id,
                m.name,
                m.finish_reason,
                writer if m.status is MessageStatus.STREAMING else None,
                to_iso(m.created_at),
                to_iso(m.created_at),
            )
            for m in messages
        ),
    )


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def tool_calls_json(tool_calls: Sequence[ToolCall]) -> str | None:
    return dumps([call.to_json() for call in tool_calls]) if tool_calls else None


def conversation(row: sqlite3.Row | tuple[Any, ...]) -> Conversation:
    try:
        params = ChatParams.from_json(json.loads(row[6]))
    except (ValueError, TypeError, AttributeError):
        params = ChatParams()
    return Conversation(
        id=row[0],
        title=row[1],
        created_at=from_iso(row[2]),
        updated_at=from_iso(row[3]),
        model=row[4],
        system_prompt=row[5],
        params=params,
        pinned=bool(row[7]),
        current_leaf_id=row[8],
        title_is_custom=bool(row[9]),
        deleted_at=from_iso(row[10]) if row[10] else None,
        kind=row[11],
    )


def message(row: sqlite3.Row | tuple[Any, ...]) -> Message:
    usage = None
    if row[9] is not None or row[10] is not None:
        usage = Usage(prompt_tokens=row[9] or 0, completion_tokens=row[10] or 0)
    tool_calls: tuple[ToolCall, ...] = ()
    if row[11]:
        tool_calls = tuple(
            ToolCall.from_json(data, index) for index, data in enumerate(json.loads(row[11]))
        )
    return Message(
        id=row[0],
        conversation_id=row[1],
        parent_id=row[2],
        role=Role(row[3]),
        content=row[4],
        created_at=from_iso(row[5]),
        status=MessageStatus(row[6]),
        model=row[7],
        error=row[8],
        usage=usage,
        tool_calls=tool_calls,
        tool_call_id=row[12],
        name=row[13],
        finish_reason=row[14],
    )

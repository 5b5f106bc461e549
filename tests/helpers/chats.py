"""Conversations written straight into a store, for tests that read them back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from app.domain.messages import Conversation, Message, Role, ToolCall
from app.store import ConversationStore


def exchange(store: ConversationStore, title: str, *texts: str, model: str = "m") -> list[str]:
    """A conversation titled ``title`` of ``texts``, questions and answers in turn; its
    id, then the messages' ids."""
    conversation = store.create_conversation(title=title, model=model)
    parent = None
    ids = []
    for number, text in enumerate(texts):
        role = Role.USER if number % 2 == 0 else Role.ASSISTANT
        message = store.add_message(conversation.id, role=role, content=text, parent_id=parent)
        parent = message.id
        ids.append(message.id)
    return [conversation.id, *ids]


def tool_round(
    store: ConversationStore,
    title: str,
    texts: Sequence[str],
    *,
    call: ToolCall,
    result: str,
    answer: str,
) -> str:
    """A conversation of ``texts`` (questions and answers in turn, a question last),
    then an answer that made ``call``, the tool's ``result``, and the ``answer`` the
    model gave with it; its id."""
    conversation_id, *ids = exchange(store, title, *texts, model="mistral-large-2411")
    caller = store.add_message(
        conversation_id,
        role=Role.ASSISTANT,
        content="",
        parent_id=ids[-1],
        tool_calls=[call],
        finish_reason="tool_calls",
    )
    given = store.add_message(
        conversation_id,
        role=Role.TOOL,
        content=result,
        parent_id=caller.id,
        tool_call_id=call.id,
        name=call.name,
    )
    store.add_message(conversation_id, role=Role.ASSISTANT, content=answer, parent_id=given.id)
    return conversation_id


def imported(
    name: str, when: datetime, text: str, *, title: str | None = None
) -> tuple[Conversation, list[Message]]:
    """A conversation of one question as an import brings it, dated ``when``, titled
    ``title`` (``name`` by default; ``name`` makes its id)."""
    conversation_id = f"imported-{name.replace(' ', '-')}"
    conversation = Conversation(
        id=conversation_id,
        title=name if title is None else title,
        created_at=when,
        updated_at=when + timedelta(minutes=1),
    )
    message = Message(
        id=f"{conversation_id}-1",
        conversation_id=conversation_id,
        parent_id=None,
        role=Role.USER,
        content=text,
        created_at=when,
    )
    return conversation, [message]

"""Conversations written straight into a store, for tests that read them back."""

from __future__ import annotations

from app.domain.messages import Role
from app.store import ConversationStore


def exchange(store: ConversationStore, title: str, *texts: str) -> list[str]:
    """A conversation titled ``title`` of ``texts``, questions and answers in turn; its
    id, then the messages' ids."""
    conversation = store.create_conversation(title=title, model="m")
    parent = None
    ids = []
    for number, text in enumerate(texts):
        role = Role.USER if number % 2 == 0 else Role.ASSISTANT
        message = store.add_message(conversation.id, role=role, content=text, parent_id=parent)
        parent = message.id
        ids.append(message.id)
    return [conversation.id, *ids]

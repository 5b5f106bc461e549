"""Outlines: a conversation's tree without its texts, and texts read by id on demand."""

from __future__ import annotations

from pathlib import Path

from app.domain.messages import MessageStatus, Role
from app.domain.tree import MessageTree
from app.store.conversations import ConversationStore


def test_outline_matches_the_messages_without_their_text(tmp_path: Path) -> None:
    store = ConversationStore.open(tmp_path / "history.sqlite3")
    conversation = store.create_conversation(title="t", model="m")
    question = store.add_message(conversation.id, role=Role.USER, content="Héllo", parent_id=None)
    first = store.add_message(
        conversation.id, role=Role.ASSISTANT, content="One answer", parent_id=question.id
    )
    second = store.add_message(
        conversation.id,
        role=Role.ASSISTANT,
        content="Another",
        parent_id=question.id,
        status=MessageStatus.INTERRUPTED,
    )
    outline = store.outline(conversation.id)
    assert [o.id for o in outline] == [m.id for m in store.messages(conversation.id)]
    assert [o.length for o in outline] == [6, 10, 7]  # UTF-8 bytes: "é" counts 2
    assert outline[2].status is MessageStatus.INTERRUPTED
    tree = MessageTree(outline)
    assert [m.id for m in tree.siblings(first.id)] == [first.id, second.id]
    assert [m.id for m in tree.path_to(second.id)] == [question.id, second.id]

    found = store.messages_by_id([second.id, "missing", question.id])
    assert set(found) == {second.id, question.id}
    assert found[second.id].content == "Another"
    store.close()


def test_a_messages_version_is_its_place_among_its_parents_children(tmp_path: Path) -> None:
    store = ConversationStore.open(tmp_path / "history.sqlite3")
    conversation = store.create_conversation(title="t", model="m")
    add = store.add_message
    first = add(conversation.id, role=Role.USER, content="Q", parent_id=None)
    edited = add(conversation.id, role=Role.USER, content="Q, edited", parent_id=None)
    answers = [
        add(conversation.id, role=Role.ASSISTANT, content=f"A{i}", parent_id=first.id)
        for i in range(3)
    ]
    follow_up = add(conversation.id, role=Role.USER, content="More?", parent_id=answers[1].id)
    other = store.create_conversation(title="other", model="m")
    elsewhere = add(other.id, role=Role.USER, content="Q", parent_id=None)

    tree = MessageTree(store.outline(conversation.id))
    for message in (first, edited, *answers, follow_up):
        siblings = [m.id for m in tree.siblings(message.id)]
        assert store.version_of(message.id) == (siblings.index(message.id), len(siblings))
    assert store.version_of(edited.id) == (1, 2)  # the other conversation's root apart
    assert store.version_of(answers[2].id) == (2, 3)
    assert store.version_of(follow_up.id) == (0, 1)
    assert store.version_of(elsewhere.id) == (0, 1)
    assert store.version_of("missing") is None
    store.close()

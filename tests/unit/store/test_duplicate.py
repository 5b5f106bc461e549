"""Duplicating a conversation: settings, the whole tree with new ids, the shown branch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.messages import ChatParams, MessageStatus, Role, ToolCall, Usage, utc_now
from app.store import ConversationNotFound, ConversationStore

T0 = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)


def _branchy(store: ConversationStore) -> tuple[str, dict[str, str]]:
    """root -> (a1 -> a2, b1), current branch ends at b1."""
    conversation = store.create_conversation(
        title="Trip to Lyon",
        model="mistral-large-latest",
        system_prompt="Be brief.",
        params=ChatParams(temperature=0.2, max_tokens=300),
        created_at=T0,
        pinned=True,
    )
    cid = conversation.id
    root = store.add_message(cid, role=Role.USER, content="Where to eat?", parent_id=None)
    a1 = store.add_message(
        cid,
        role=Role.ASSISTANT,
        content="A bouchon.",
        parent_id=root.id,
        model="mistral-large-latest",
        usage=Usage(12, 4),
        tool_calls=[ToolCall(id="abc123XYZ", name="lookup", arguments='{"q": "x"}')],
        finish_reason="stop",
    )
    a2 = store.add_message(cid, role=Role.USER, content="Cheap?", parent_id=a1.id)
    b1 = store.add_message(cid, role=Role.ASSISTANT, content="Try Paul Bocuse.", parent_id=root.id)
    assert store.get_conversation(cid).current_leaf_id == b1.id
    return cid, {"root": root.id, "a1": a1.id, "a2": a2.id, "b1": b1.id}


def test_duplicate_copies_settings_and_the_whole_tree(store: ConversationStore) -> None:
    cid, ids = _branchy(store)
    original = store.get_conversation(cid)

    copy = store.duplicate_conversation(cid)

    assert copy.id != cid
    assert copy == store.get_conversation(copy.id)
    assert copy.title == "Trip to Lyon (copy)"
    assert copy.title_is_custom is True
    assert (copy.model, copy.system_prompt, copy.params) == (
        original.model,
        original.system_prompt,
        original.params,
    )
    assert copy.pinned is False
    assert copy.deleted_at is None
    assert copy.created_at >= utc_now() - timedelta(minutes=1)

    old = store.messages(cid)
    new = store.messages(copy.id)
    assert len(new) == len(old) == 4
    assert not {m.id for m in new} & {m.id for m in old}
    by_old_id = dict(zip([m.id for m in old], new, strict=True))
    for before in old:
        after = by_old_id[before.id]
        assert after.conversation_id == copy.id
        expected_parent = by_old_id[before.parent_id].id if before.parent_id else None
        assert after.parent_id == expected_parent
        assert (after.role, after.content, after.created_at, after.status) == (
            before.role,
            before.content,
            before.created_at,
            before.status,
        )
        assert (after.usage, after.tool_calls, after.model, after.finish_reason) == (
            before.usage,
            before.tool_calls,
            before.model,
            before.finish_reason,
        )
    assert copy.current_leaf_id == by_old_id[ids["b1"]].id
    assert [m.content for m in store.current_path(copy.id)] == ["Where to eat?", "Try Paul Bocuse."]
    # The original is untouched.
    assert store.get_conversation(cid) == original
    assert [m.id for m in store.messages(cid)] == [m.id for m in old]


def test_duplicate_is_listed_first_and_searchable(store: ConversationStore) -> None:
    cid, _ = _branchy(store)
    store.create_conversation(title="Other", model=None, created_at=T0 + timedelta(hours=1))
    copy = store.duplicate_conversation(cid, title="Lyon, again")
    assert copy.title == "Lyon, again"
    assert store.list_conversations()[0].id == copy.id
    hits = store.search("bocuse")
    assert {hit.conversation_id for hit in hits} == {cid, copy.id}
    assert [h.conversation_id for h in store.search("again")] == [copy.id]


def test_duplicate_of_an_empty_conversation(store: ConversationStore) -> None:
    empty = store.create_conversation(title="Empty", model=None)
    copy = store.duplicate_conversation(empty.id)
    assert store.messages(copy.id) == []
    assert copy.current_leaf_id is None
    assert copy.title == "Empty (copy)"


def test_a_streaming_answer_is_copied_as_interrupted(store: ConversationStore) -> None:
    conversation = store.create_conversation(title="Live", model="m")
    question = store.add_message(conversation.id, role=Role.USER, content="Hi", parent_id=None)
    answer = store.begin_answer(conversation.id, parent_id=question.id, model="m")
    store.save_partial(answer.id, "Hel")

    copy = store.duplicate_conversation(conversation.id)

    [_, copied] = store.messages(copy.id)
    assert (copied.status, copied.content) == (MessageStatus.INTERRUPTED, "Hel")
    assert store.get_message(answer.id).status is MessageStatus.STREAMING
    # The finished copy is in the search index; the streaming original is not yet.
    assert [h.message_id for h in store.search("hel")] == [copied.id]


def test_duplicate_of_unknown_conversation_raises_and_writes_nothing(
    store: ConversationStore,
) -> None:
    with pytest.raises(ConversationNotFound):
        store.duplicate_conversation("nope")
    assert store.count_conversations() == 0
    assert not store.connection.in_transaction

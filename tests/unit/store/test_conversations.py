"""ConversationStore: conversations, message trees, and streaming answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.domain.messages import ChatParams, MessageStatus, Role, ToolCall, Usage
from app.store import (
    AmbiguousConversation,
    ConversationNotFound,
    ConversationStore,
    MessageNotFound,
)

T0 = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)  # in the past: "now" must sort after it


def test_create_and_get_round_trip(store: ConversationStore) -> None:
    params = ChatParams(temperature=0.3, max_tokens=512, safe_prompt=True)
    created = store.create_conversation(
        title="Trip to Lyon",
        model="mistral-large-latest",
        system_prompt="Be brief.",
        params=params,
        created_at=T0,
    )
    assert len(created.id) == 32
    loaded = store.get_conversation(created.id)
    assert loaded == created
    assert loaded.params == params
    assert loaded.created_at == loaded.updated_at == T0
    assert loaded.pinned is False
    assert loaded.title_is_custom is False
    assert loaded.current_leaf_id is None


def test_given_id_is_used_and_unknown_ids_raise(store: ConversationStore) -> None:
    store.create_conversation(title="A", model=None, conversation_id="my-own-id")
    assert store.get_conversation("my-own-id").title == "A"
    with pytest.raises(ConversationNotFound, match="nope"):
        store.get_conversation("nope")
    with pytest.raises(MessageNotFound):
        store.get_message("nope")


def test_list_is_newest_first_with_paging_and_pins(store: ConversationStore) -> None:
    ids = [
        store.create_conversation(title=f"C{n}", model=None, created_at=T0 + timedelta(hours=n)).id
        for n in range(5)
    ]
    assert [c.id for c in store.list_conversations()] == ids[::-1]
    assert [c.id for c in store.list_conversations(limit=2, offset=1)] == [ids[3], ids[2]]
    store.set_pinned(ids[0], True)
    assert [c.id for c in store.list_conversations()][-1] == ids[0]
    assert store.list_conversations(pinned_first=True)[0].id == ids[0]
    assert store.get_conversation(ids[0]).pinned is True
    assert store.count_conversations() == 5
    store.touch(ids[1])
    assert store.list_conversations()[0].id == ids[1]


def test_new_message_moves_conversation_to_the_top(store: ConversationStore) -> None:
    old = store.create_conversation(title="Old", model=None, created_at=T0)
    store.create_conversation(title="New", model=None, created_at=T0 + timedelta(hours=1))
    store.add_message(old.id, role=Role.USER, content="back again", parent_id=None)
    assert store.list_conversations()[0].id == old.id


def test_rename_respects_custom_titles(store: ConversationStore) -> None:
    conversation = store.create_conversation(title="New conversation", model=None)
    assert store.rename(conversation.id, "Automatic title", custom=False) is True
    assert store.get_conversation(conversation.id).title == "Automatic title"
    assert store.rename(conversation.id, "My title") is True
    assert store.rename(conversation.id, "Another automatic title", custom=False) is False
    loaded = store.get_conversation(conversation.id)
    assert (loaded.title, loaded.title_is_custom) == ("My title", True)
    assert store.rename(conversation.id, "My title") is False  # nothing to change
    with pytest.raises(ConversationNotFound):
        store.rename("missing", "x")


def test_update_conversation_changes_only_what_is_given(store: ConversationStore) -> None:
    conversation = store.create_conversation(
        title="T", model="small", system_prompt="Be brief.", params=ChatParams(temperature=1.0)
    )
    updated = store.update_conversation(conversation.id, model="large")
    assert (updated.model, updated.system_prompt) == ("large", "Be brief.")
    assert updated.params.temperature == 1.0
    updated = store.update_conversation(
        conversation.id, system_prompt=None, params=ChatParams(top_p=0.5)
    )
    assert (updated.model, updated.system_prompt) == ("large", None)
    assert updated.params == ChatParams(top_p=0.5)
    assert store.get_conversation(conversation.id) == updated
    with pytest.raises(ConversationNotFound):
        store.update_conversation("missing", model="x")


def test_delete_removes_conversation_and_all_messages(store: ConversationStore) -> None:
    conversation = store.create_conversation(title="Doomed", model=None)
    keep = store.create_conversation(title="Kept", model=None)
    root = store.add_message(conversation.id, role=Role.USER, content="one", parent_id=None)
    store.add_message(conversation.id, role=Role.ASSISTANT, content="two", parent_id=root.id)
    kept_message = store.add_message(keep.id, role=Role.USER, content="three", parent_id=None)
    store.delete_conversation(conversation.id)
    with pytest.raises(ConversationNotFound):
        store.get_conversation(conversation.id)
    with pytest.raises(MessageNotFound):
        store.get_message(root.id)
    count = store.connection.execute("SELECT count(*) FROM messages").fetchone()[0]
    assert count == 1
    assert store.get_message(kept_message.id).content == "three"
    with pytest.raises(ConversationNotFound):
        store.delete_conversation(conversation.id)


def test_resolve_accepts_ids_and_unique_prefixes(store: ConversationStore) -> None:
    for conversation_id in ("abcd1111", "abcd2222", "beef0000"):
        store.create_conversation(
            title=conversation_id, model=None, conversation_id=conversation_id
        )
    assert store.resolve("beef0000").id == "beef0000"
    assert store.resolve("beef").id == "beef0000"
    assert store.resolve("ABCD1").id == "abcd1111"
    assert store.resolve(" abcd2 ").id == "abcd2222"
    with pytest.raises(AmbiguousConversation) as caught:
        store.resolve("abcd")
    assert set(caught.value.matches) == {"abcd1111", "abcd2222"}
    assert "more characters" in str(caught.value)
    with pytest.raises(ConversationNotFound):
        store.resolve("bee")  # too short to be a prefix
    with pytest.raises(ConversationNotFound):
        store.resolve("cafe")


def test_messages_round_trip_every_field(store: ConversationStore) -> None:
    conversation = store.create_conversation(title="Tools", model="m")
    question = store.add_message(
        conversation.id, role=Role.USER, content="Weather in Genoa?", parent_id=None
    )
    calls = (
        ToolCall(id="call_1", name="weather", arguments='{"city": "Genoa"}'),
        ToolCall(id="call_2", name="time", arguments="{}", index=1),
    )
    asking = store.add_message(
        conversation.id,
        role=Role.ASSISTANT,
        content="",
        parent_id=question.id,
        model="m",
        usage=Usage(prompt_tokens=12, completion_tokens=7),
        tool_calls=calls,
        finish_reason="tool_calls",
    )
    result = store.add_message(
        conversation.id,
        role=Role.TOOL,
        content='{"celsius": 14}',
        parent_id=asking.id,
        tool_call_id="call_1",
        name="weather",
    )
    loaded = store.messages(conversation.id)
    assert loaded == [question, asking, result]
    assert loaded[1].tool_calls == calls
    assert loaded[1].usage == Usage(12, 7)
    # What the context gauge counts from: only the answers the server counted.
    assert store.usage_by_message(conversation.id) == {asking.id: Usage(12, 7)}
    assert loaded[0].usage is None
    assert loaded[2].tool_call_id == "call_1"
    assert store.get_message(result.id) == result
    assert store.get_conversation(conversation.id).current_leaf_id == result.id


def test_add_message_checks_its_parent(store: ConversationStore) -> None:
    first = store.create_conversation(title="1", model=None)
    second = store.create_conversation(title="2", model=None)
    foreign = store.add_message(second.id, role=Role.USER, content="x", parent_id=None)
    with pytest.raises(ValueError, match="another conversation"):
        store.add_message(first.id, role=Role.USER, content="y", parent_id=foreign.id)
    with pytest.raises(MessageNotFound):
        store.add_message(first.id, role=Role.USER, content="y", parent_id="missing")
    with pytest.raises(ConversationNotFound):
        store.add_message("missing", role=Role.USER, content="y", parent_id=None)
    assert store.messages(first.id) == []


def test_messages_created_in_a_burst_keep_their_order(store: ConversationStore) -> None:
    conversation = store.create_conversation(title="Burst", model=None)
    parent = None
    created = []
    for number in range(20):
        message = store.add_message(
            conversation.id, role=Role.USER, content=str(number), parent_id=parent
        )
        created.append(message)
        parent = message.id
    times = [message.created_at for message in created]
    assert times == sorted(times)
    assert len(set(times)) == len(times)  # nudged apart, never equal
    assert [m.content for m in store.messages(conversation.id)] == [str(n) for n in range(20)]


def _branched(store: ConversationStore) -> dict[str, str]:
    """Q1 -> A1, Q1 edited as Q2 -> A2a and regenerated A2b. Returns ids by name."""
    conversation = store.create_conversation(title="Branches", model="m")
    c = conversation.id
    q1 = store.add_message(c, role=Role.USER, content="Q1", parent_id=None)
    a1 = store.add_message(c, role=Role.ASSISTANT, content="A1", parent_id=q1.id)
    q2 = store.add_message(c, role=Role.USER, content="Q2", parent_id=None)
    a2a = store.add_message(c, role=Role.ASSISTANT, content="A2a", parent_id=q2.id)
    a2b = store.add_message(c, role=Role.ASSISTANT, content="A2b", parent_id=q2.id)
    return {"c": c, "q1": q1.id, "a1": a1.id, "q2": q2.id, "a2a": a2a.id, "a2b": a2b.id}


def test_tree_keeps_every_branch_and_current_path_follows_the_leaf(
    store: ConversationStore,
) -> None:
    ids = _branched(store)
    tree = store.tree(ids["c"])
    assert len(tree) == 5
    assert [m.id for m in tree.children(None)] == [ids["q1"], ids["q2"]]
    assert [m.id for m in tree.siblings(ids["a2b"])] == [ids["a2a"], ids["a2b"]]
    assert [m.content for m in store.current_path(ids["c"])] == ["Q2", "A2b"]
    store.set_current_leaf(ids["c"], ids["a1"])
    assert [m.content for m in store.current_path(ids["c"])] == ["Q1", "A1"]
    store.set_current_leaf(ids["c"], ids["a2a"])
    assert [m.content for m in store.current_path(ids["c"])] == ["Q2", "A2a"]


def test_set_current_leaf_rejects_foreign_messages(store: ConversationStore) -> None:
    ids = _branched(store)
    other = store.create_conversation(title="Other", model=None)
    with pytest.raises(ValueError, match="another conversation"):
        store.set_current_leaf(other.id, ids["a1"])
    with pytest.raises(MessageNotFound):
        store.set_current_leaf(ids["c"], "missing")
    assert store.get_conversation(other.id).current_leaf_id is None


def test_add_message_without_make_current_keeps_the_leaf(store: ConversationStore) -> None:
    ids = _branched(store)
    store.add_message(
        ids["c"], role=Role.ASSISTANT, content="A1b", parent_id=ids["q1"], make_current=False
    )
    assert store.get_conversation(ids["c"]).current_leaf_id == ids["a2b"]


def test_current_path_without_a_leaf_uses_the_newest_branch(store: ConversationStore) -> None:
    ids = _branched(store)
    store.connection.execute("UPDATE conversations SET current_leaf_id = NULL")
    assert [m.content for m in store.current_path(ids["c"])] == ["Q2", "A2b"]
    empty = store.create_conversation(title="Empty", model=None)
    assert store.current_path(empty.id) == []
    with pytest.raises(ConversationNotFound):
        store.messages("missing")


def test_streaming_answer_lifecycle(store: ConversationStore) -> None:
    conversation = store.create_conversation(title="Stream", model="m", created_at=T0)
    question = store.add_message(conversation.id, role=Role.USER, content="Q", parent_id=None)
    answer = store.begin_answer(conversation.id, parent_id=question.id, model="m")
    assert (answer.status, answer.content, answer.role) == (
        MessageStatus.STREAMING,
        "",
        Role.ASSISTANT,
    )
    assert store.get_conversation(conversation.id).current_leaf_id == answer.id
    assert store.save_partial(answer.id, "Hel") is True
    assert store.save_partial(answer.id, "Hello wor") is True
    saved = store.get_message(answer.id)
    assert (saved.content, saved.status) == ("Hello wor", MessageStatus.STREAMING)
    finished = store.finish_answer(
        answer.id,
        content="Hello world",
        status=MessageStatus.COMPLETE,
        usage=Usage(5, 2),
        finish_reason="stop",
    )
    assert finished == store.get_message(answer.id)
    assert (finished.content, finished.status, finished.usage) == (
        "Hello world",
        MessageStatus.COMPLETE,
        Usage(5, 2),
    )
    assert finished.finish_reason == "stop"
    # A late partial save from a slow timer must not undo the final text.
    assert store.save_partial(answer.id, "Hello") is False
    assert store.get_message(answer.id).content == "Hello world"
    assert (
        store.connection.execute(
            "SELECT writer FROM messages WHERE id = ?", (answer.id,)
        ).fetchone()[0]
        is None
    )


def test_answer_ending_in_error_keeps_partial_text(store: ConversationStore) -> None:
    conversation = store.create_conversation(title="Err", model="m")
    question = store.add_message(conversation.id, role=Role.USER, content="Q", parent_id=None)
    answer = store.begin_answer(conversation.id, parent_id=question.id, model="m")
    store.save_partial(answer.id, "Partial")
    store.finish_answer(
        answer.id, content="Partial", status=MessageStatus.ERROR, error="Server error (502)"
    )
    message = store.get_message(answer.id)
    assert (message.content, message.status, message.error) == (
        "Partial",
        MessageStatus.ERROR,
        "Server error (502)",
    )


def test_finish_answer_rejects_streaming_and_unknown_ids(store: ConversationStore) -> None:
    with pytest.raises(ValueError, match="streaming"):
        store.finish_answer("x", content="", status=MessageStatus.STREAMING)
    with pytest.raises(MessageNotFound):
        store.finish_answer("x", content="", status=MessageStatus.COMPLETE)
    with pytest.raises(MessageNotFound):
        store.save_partial("x", "text")


def test_a_second_connection_sees_committed_writes(store: ConversationStore, db_path: Path) -> None:
    conversation = store.create_conversation(title="Shared", model=None)
    with ConversationStore.open(db_path) as other:
        assert other.get_conversation(conversation.id).title == "Shared"
        other.rename(conversation.id, "Renamed elsewhere")
    assert store.get_conversation(conversation.id).title == "Renamed elsewhere"


def test_writes_made_together_are_stored_all_or_none(store: ConversationStore) -> None:
    with pytest.raises(RuntimeError), store.together():
        conversation = store.create_conversation(title="Half", model="m")
        store.add_message(conversation.id, role=Role.USER, content="Q", parent_id=None)
        raise RuntimeError("the disk filled up")
    assert store.count_conversations() == 0
    with store.together():
        conversation = store.create_conversation(title="Whole", model="m")
        store.add_message(conversation.id, role=Role.USER, content="Q", parent_id=None)
    assert [m.content for m in store.messages(conversation.id)] == ["Q"]
    # Writes after the block are transactions of their own again.
    store.rename(conversation.id, "Renamed")
    assert not store.connection.in_transaction


def test_an_answer_replacing_an_empty_failure_deletes_it_unless_followed(
    store: ConversationStore,
) -> None:
    conversation = store.create_conversation(title="t", model="m")
    question = store.add_message(conversation.id, role=Role.USER, content="q", parent_id=None)

    def failure(content: str = "") -> str:
        return store.add_message(
            conversation.id,
            role=Role.ASSISTANT,
            content=content,
            parent_id=question.id,
            status=MessageStatus.ERROR,
            error="Server error (500).",
        ).id

    empty, cut, followed = failure(), failure("half an answer"), failure()
    store.add_message(conversation.id, role=Role.USER, content="q2", parent_id=followed)
    for kept in (cut, followed):
        store.begin_answer(conversation.id, parent_id=question.id, model="m", replacing=kept)
    new = store.begin_answer(conversation.id, parent_id=question.id, model="m", replacing=empty)
    ids = {m.id for m in store.messages(conversation.id)}
    assert empty not in ids
    assert {cut, followed, new.id} <= ids
    assert store.get_conversation(conversation.id).current_leaf_id == new.id

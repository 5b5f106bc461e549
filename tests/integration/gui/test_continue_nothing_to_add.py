"""Continue of an answer the model had already finished: the stream ends at once with
"stop" and nothing new (an empty completion, or only the echo of the text it carries
on). No version and no text are stored; the answer is marked complete where it is (its
status only), and the window says, once, that the model had nothing to add."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.domain.messages import Role
from app.ui.transcript.item import MessageItem
from tests.fake_mistral import Reply
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.continuing import (
    exported,
    history_rows,
    older_answer,
    stored_messages,
    toasts,
)

NOTHING_TO_ADD = "The model had nothing to add."
# What marking the answer complete may change of its row: nothing else, its text never.
STATUS_COLUMNS = {"status", "error", "finish_reason", "updated_at"}


def finished_at_once(came: str) -> Reply:
    """The model's reply to a Continue of an answer it sees as finished: "stop" with
    no text at all, or with only the text it was asked to carry on ("one two")."""
    return Reply(text="") if came == "nothing" else Reply(chunks=["one", " two"])


def shown(gui: Gui, message_id: str) -> MessageItem:
    item = gui.pane.transcript.item(message_id)
    assert item is not None
    return item


def assert_marked_complete(
    before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]], answer_id: str
) -> None:
    """No message added or removed, only the answer's status changed (complete)."""
    assert list(after) == list(before)
    for message_id, row in before.items():
        if message_id != answer_id:
            assert after[message_id] == row
    old, new = before[answer_id], after[answer_id]
    assert {k: v for k, v in new.items() if k not in STATUS_COLUMNS} == {
        k: v for k, v in old.items() if k not in STATUS_COLUMNS
    }
    assert (new["content"], new["status"], new["error"], new["finish_reason"]) == (
        "one two",
        "complete",
        None,
        "stop",
    )


def nothing_to_add_told(gui: Gui) -> None:
    """Said once, aside, and not as a failure."""
    assert toasts(gui) == [NOTHING_TO_ADD]


def assert_shown_complete(item: MessageItem) -> None:
    assert item.text.toPlainText() == "one two"
    assert item._status is None or not item._status.isVisible()  # no why, no Continue
    assert item._switcher is None or not item._switcher.isVisible()  # one version


@pytest.mark.parametrize("came", ["nothing", "the echo of its text"])
@in_loop
async def test_an_older_answer_the_model_had_finished_gets_no_copy_as_a_version(
    gui: Gui, tmp_path: Path, came: str
) -> None:
    older = await older_answer(gui)
    transcript = gui.pane.transcript
    ids = transcript.message_ids
    conversations = history_rows(gui)[0]
    before = stored_messages(gui)
    gui.server.enqueue(finished_at_once(came))
    older._continue.click()
    await gui.until(lambda: transcript.message_ids == ids and gui.answered())
    # Before: a copy of "one two" stored as version "2 / 2", marked complete, and the
    # later exchange a version away. Now nothing is added, no text rewritten, and the
    # conversation (its current branch, its place in the list) is as it was.
    assert history_rows(gui)[0] == conversations
    assert_marked_complete(before, stored_messages(gui), ids[1])
    export = exported(gui, tmp_path / "cli")
    (conversation,) = export["conversations"]
    assert [(m["id"], m["content"], m["status"], m["error"]) for m in conversation["messages"]] == [
        (ids[0], "Count", "complete", None),
        (ids[1], "one two", "complete", None),
        (ids[2], "Later question", "complete", None),
        (ids[3], "Later answer.", "complete", None),
    ]
    # On screen: the answer, whole now, and the exchange after it; told why nothing came.
    assert_shown_complete(shown(gui, ids[1]))
    assert shown(gui, ids[3]).text.toPlainText() == "Later answer."
    assert not transcript._pending.isVisible()
    assert gui.pane.composer.edit.isEnabled()
    nothing_to_add_told(gui)
    conversation_id = gui.pane.conversation_id
    gui.pane.new_chat()
    gui.pane.open_conversation(conversation_id)
    assert transcript.message_ids == ids
    assert_shown_complete(shown(gui, ids[1]))


@pytest.mark.parametrize("came", ["nothing", "the echo of its text"])
@in_loop
async def test_the_last_answer_the_model_had_finished_is_marked_complete_and_said_so(
    gui: Gui, tmp_path: Path, came: str
) -> None:
    gui.server.enqueue(Reply(text="one two three four", cut_after=2))
    await gui.ask("Count")
    await gui.until(gui.answered)
    ids = gui.pane.transcript.message_ids
    item = shown(gui, ids[-1])
    assert item.message.role is Role.ASSISTANT
    assert item._continue.isVisible()
    before = stored_messages(gui)
    gui.server.enqueue(finished_at_once(came))
    item._continue.click()
    await gui.until(lambda: gui.answered() and not item.streaming)
    assert gui.pane.transcript.message_ids == ids
    assert_marked_complete(before, stored_messages(gui), ids[-1])
    export = exported(gui, tmp_path / "cli")
    (conversation,) = export["conversations"]
    assert [(m["content"], m["status"]) for m in conversation["messages"]] == [
        ("Count", "complete"),
        ("one two", "complete"),
    ]
    assert_shown_complete(item)
    nothing_to_add_told(gui)

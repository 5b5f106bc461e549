"""Answers left streaming by a crash become interrupted, unless their writer still lives."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.domain.messages import MessageStatus, Role
from app.store import INTERRUPTED_ERROR, ConversationStore
from app.store.writers import writers_folder
from tests.helpers.history_lock import HistoryLock

ROOT = Path(__file__).resolve().parents[3]

# A second process that starts an answer, saves part of it, reports the ids, and then
# stays alive (streaming) until it is killed.
WRITER = """
import sys
from pathlib import Path
from app.domain.messages import Role
from app.store import ConversationStore

store = ConversationStore.open(Path(sys.argv[1]))
conversation = store.create_conversation(title="Elsewhere", model="m")
question = store.add_message(conversation.id, role=Role.USER, content="Hi", parent_id=None)
answer = store.begin_answer(conversation.id, parent_id=question.id, model="m")
store.save_partial(answer.id, "Half of the answer")
print(answer.id, flush=True)
sys.stdin.read()
"""


@pytest.fixture
def live_writer(db_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Another process streaming an answer into the history: (process, message id)."""
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    message_id = process.stdout.readline().strip()
    assert message_id, "the writer process did not start"
    yield process, message_id
    process.kill()
    process.wait(timeout=10)
    assert process.stdin is not None
    process.stdin.close()
    process.stdout.close()


def _streaming_answer(store: ConversationStore, text: str) -> str:
    conversation = store.create_conversation(title="Here", model="m")
    question = store.add_message(conversation.id, role=Role.USER, content="Q", parent_id=None)
    answer = store.begin_answer(conversation.id, parent_id=question.id, model="m")
    store.save_partial(answer.id, text)
    return answer.id


def test_answer_of_a_live_process_is_left_alone_until_it_dies(
    db_path: Path, live_writer: tuple[subprocess.Popen[str], str]
) -> None:
    process, message_id = live_writer
    with ConversationStore.open(db_path) as store:
        assert store.recovered_count == 0
        assert store.get_message(message_id).status is MessageStatus.STREAMING

    process.kill()  # like a crash or kill -9: no chance to clean up
    process.wait(timeout=10)

    with ConversationStore.open(db_path) as store:
        assert store.recovered_count == 1
        message = store.get_message(message_id)
        assert message.status is MessageStatus.INTERRUPTED
        assert message.content == "Half of the answer"
        assert message.error == INTERRUPTED_ERROR
        # Finished now, so searchable.
        assert [hit.message_id for hit in store.search("half answer")] == [message_id]
    assert os.listdir(writers_folder(db_path)) == []  # the dead writer's lock file is gone


def test_open_connection_in_the_same_process_is_also_respected(db_path: Path) -> None:
    first = ConversationStore.open(db_path)
    answer_id = _streaming_answer(first, "Partial")
    second = ConversationStore.open(db_path)
    try:
        assert second.recovered_count == 0
        assert second.get_message(answer_id).status is MessageStatus.STREAMING
        # The first connection can still finish its answer normally.
        first.save_partial(answer_id, "Partial, more")
        finished = first.finish_answer(
            answer_id, content="Partial, more, done", status=MessageStatus.COMPLETE
        )
        assert finished.status is MessageStatus.COMPLETE
        assert second.get_message(answer_id).content == "Partial, more, done"
    finally:
        first.close()
        second.close()


def test_closing_marks_its_own_unfinished_answers_interrupted(db_path: Path) -> None:
    first = ConversationStore.open(db_path)
    answer_id = _streaming_answer(first, "Cut short")
    other = ConversationStore.open(db_path)
    try:
        first.close()
        message = other.get_message(answer_id)
        assert message.status is MessageStatus.INTERRUPTED
        assert message.content == "Cut short"
        assert message.error == INTERRUPTED_ERROR
    finally:
        other.close()


def test_streaming_rows_without_a_live_writer_are_recovered_in_one_go(db_path: Path) -> None:
    with ConversationStore.open(db_path) as store:
        ids = [_streaming_answer(store, f"Text {n}") for n in range(3)]
        # As a crash leaves it: rows still streaming, one with no writer at all, one
        # with a writer whose lock file is gone, one with a lock file nobody holds.
        store.connection.execute(
            "UPDATE messages SET writer = CASE id WHEN ? THEN NULL WHEN ? THEN ? ELSE ? END"
            " WHERE status = 'streaming'",
            (ids[0], ids[1], "0" * 32, "1" * 32),
        )
        (writers_folder(db_path) / ("1" * 32 + ".lock")).write_text("pid 1\n")
        assert (
            store.connection.execute(
                "SELECT count(*) FROM messages WHERE status = 'streaming'"
            ).fetchone()[0]
            == 3
        )
    with ConversationStore.open(db_path) as store:
        assert store.recovered_count == 3
        statuses = {store.get_message(message_id).status for message_id in ids}
        assert statuses == {MessageStatus.INTERRUPTED}
    assert not (writers_folder(db_path) / ("1" * 32 + ".lock")).exists()


def test_finished_answers_are_not_touched_by_recovery(db_path: Path) -> None:
    with ConversationStore.open(db_path) as store:
        answer_id = _streaming_answer(store, "x")
        store.finish_answer(answer_id, content="Boom", status=MessageStatus.ERROR, error="HTTP 500")
    with ConversationStore.open(db_path) as store:
        assert store.recovered_count == 0
        message = store.get_message(answer_id)
        assert (message.status, message.error) == (MessageStatus.ERROR, "HTTP 500")


def test_a_history_held_by_another_process_opens_and_recovers_later(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The window crashed at start (DatabaseBusy out of the recovery) while an import held
    # the history and a killed process had left an answer streaming.
    with ConversationStore.open(db_path) as store:
        message_id = _streaming_answer(store, "Cut short")
        store.connection.execute("UPDATE messages SET writer = NULL WHERE id = ?", (message_id,))
    monkeypatch.setattr("app.store.db.BUSY_TIMEOUT_MS", 50)
    lock = HistoryLock(db_path).take()
    try:
        with ConversationStore.open(db_path) as store:
            assert store.recovered_count == 0
            assert store.get_message(message_id).status is MessageStatus.STREAMING
    finally:
        lock.release()
    with ConversationStore.open(db_path) as store:  # the next start marks it
        assert store.recovered_count == 1
        assert store.get_message(message_id).status is MessageStatus.INTERRUPTED


def test_an_answer_killed_while_continued_in_place_keeps_its_text(db_path: Path) -> None:
    # Continue writes into the cut answer itself (no new version): killed meanwhile, it
    # must come back interrupted with all the text saved, as a new answer would.
    with ConversationStore.open(db_path) as store:
        answer_id = _streaming_answer(store, "one two")
        store.finish_answer(answer_id, content="one two", status=MessageStatus.ERROR, error="cut")
        resumed = store.resume_answer(answer_id)
        assert (resumed.status, resumed.content, resumed.error) == (
            MessageStatus.STREAMING,
            "one two",
            None,
        )
        store.save_partial(answer_id, "one two three")
        store.connection.execute(  # as a kill leaves it: the writer's lock is gone
            "UPDATE messages SET writer = ? WHERE id = ?", ("0" * 32, answer_id)
        )
    with ConversationStore.open(db_path) as store:
        assert store.recovered_count == 1
        message = store.get_message(answer_id)
        assert (message.status, message.content, message.error) == (
            MessageStatus.INTERRUPTED,
            "one two three",
            INTERRUPTED_ERROR,
        )
        assert len(store.tree(message.conversation_id)) == 2  # the question, the answer
        assert [h.message_id for h in store.search("three")] == [answer_id]
        assert [h.message_id for h in store.search("two")] == [answer_id]  # indexed once

"""Continue killed mid-way (SIGKILL, a real second process writing a real history
file): the next start finds the answer that was carried on intact, and no more than
what had come of its continuation."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.domain.messages import Message, MessageStatus, Role
from app.store import INTERRUPTED_ERROR, ConversationStore
from tests.fake_mistral import FakeMistral, Reply

ROOT = Path(__file__).resolve().parents[2]

# Continues an answer as the window does (the recorder, against the server), says
# "echoed" once the server has repeated the answer's text and nothing more, and waits
# to be killed.
CONTINUER = """
import asyncio
import sys
from pathlib import Path

from app.answering import AnswerRecorder, build_request
from app.api import Endpoint, MistralClient
from app.domain.messages import ChatParams
from app.store import ConversationStore

path, base_url, answer_id, how = sys.argv[1:5]
store = ConversationStore.open(Path(path))
partial = store.get_message(answer_id)
tree = store.tree(partial.conversation_id)
request = build_request(
    tree.path_to(partial.id),
    model="mistral-large-2411",
    system_prompt=None,
    params=ChatParams(),
    continue_last=True,
)


async def main() -> None:
    async with MistralClient(Endpoint.parse(base_url), api_key="test-key") as client:
        opened = []
        stream = client.stream
        client.stream = lambda asked: opened.append(stream(asked)) or opened[-1]

        async def tell_echo() -> None:
            while not opened or opened[0].answer.text != partial.content:
                await asyncio.sleep(0.01)
            print("echoed", flush=True)

        teller = asyncio.create_task(tell_echo())
        await AnswerRecorder(store, client, flush_interval=0.1).run(
            conversation_id=partial.conversation_id,
            parent_id=partial.parent_id,
            request=request,
            continue_from=partial,
            in_place=how == "in place",
        )
        teller.cancel()


asyncio.run(main())
"""


def history(path: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every row, every column, as another process reads the file."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        conversations = db.execute("SELECT * FROM conversations ORDER BY id").fetchall()
        messages = db.execute("SELECT * FROM messages ORDER BY id").fetchall()
    return conversations, messages


def cut_answer(folder: Path, how: str) -> tuple[Path, Message]:
    """A history holding a conversation whose answer was cut at the token limit ("one
    two"), to be continued ``how`` ("in place": the last answer; else a later exchange
    follows it): the file and that answer."""
    path = folder / "history.sqlite3"
    with ConversationStore.open(path) as store:
        conversation = store.create_conversation(title="Count", model="mistral-large-2411")
        question = store.add_message(
            conversation.id, role=Role.USER, content="Count", parent_id=None
        )
        answer = store.add_message(
            conversation.id,
            role=Role.ASSISTANT,
            content="one two",
            parent_id=question.id,
            finish_reason="length",
        )
        if how != "in place":
            later = store.add_message(
                conversation.id, role=Role.USER, content="Later", parent_id=answer.id
            )
            store.add_message(
                conversation.id, role=Role.ASSISTANT, content="Later answer.", parent_id=later.id
            )
        return path, answer


@contextlib.contextmanager
def continuing(
    path: Path, server: FakeMistral, answer: Message, how: str
) -> Iterator[subprocess.Popen[str]]:
    """The second process continuing ``answer``; killed (SIGKILL) on leaving."""
    process = subprocess.Popen(
        [sys.executable, "-c", CONTINUER, str(path), server.base_url, answer.id, how],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield process
    finally:
        process.kill()
        process.wait(timeout=10)
        assert process.stdout is not None
        process.stdout.close()


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


@pytest.mark.parametrize("how", ["in place", "as a new version"])
def test_killed_after_only_the_echo_the_history_is_as_it_was(
    tmp_path: Path, fake_mistral: FakeMistral, how: str
) -> None:
    path, answer = cut_answer(tmp_path, how)
    before = history(path)
    fake_mistral.enqueue(Reply(chunks=["one", " two", " three"], stall_after=2, stall_seconds=30))
    with continuing(path, fake_mistral, answer, how) as process:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "echoed"
    # Before, the answer was marked as being written again at the echo (the next start
    # made it "interrupted", its token limit forgotten), or a copy of it was stored as
    # a new version.
    with ConversationStore.open(path) as store:  # the next start
        assert store.recovered_count == 0
    assert history(path) == before


@pytest.mark.parametrize("how", ["in place", "as a new version"])
def test_killed_after_new_words_they_are_kept_and_the_cut_text_with_them(
    tmp_path: Path, fake_mistral: FakeMistral, how: str
) -> None:
    path, answer = cut_answer(tmp_path, how)
    fake_mistral.enqueue(Reply(chunks=[" three", " four"], stall_after=1, stall_seconds=30))

    def saved() -> list[str]:
        with contextlib.closing(sqlite3.connect(path)) as db:
            return [row[0] for row in db.execute("SELECT content FROM messages")]

    with continuing(path, fake_mistral, answer, how):
        wait_for(lambda: "one two three" in saved())
    with ConversationStore.open(path) as store:  # the next start
        assert store.recovered_count == 1
        conversation_id = answer.conversation_id
        leaf = store.get_conversation(conversation_id).current_leaf_id
        assert leaf is not None
        continued = store.get_message(leaf)
        assert (continued.content, continued.status, continued.error) == (
            "one two three",
            MessageStatus.INTERRUPTED,
            INTERRUPTED_ERROR,
        )
        if how == "in place":
            assert continued.id == answer.id
        else:  # a version beside the cut answer, which keeps its text and its end
            assert continued.parent_id == answer.parent_id
            kept = store.get_message(answer.id)
            assert (kept.content, kept.status, kept.finish_reason) == (
                "one two",
                MessageStatus.COMPLETE,
                "length",
            )
            assert len(store.tree(conversation_id).children(answer.id)) == 1

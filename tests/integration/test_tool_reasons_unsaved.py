"""Why a round's calls got no result, when the history cannot be written as the round
ends (another program holds it): the round's start marked them "closed before the tool
answered", for a crash to leave; that mark is replaced by the outcome once the history
frees, or as Maestrale closes, and meanwhile the window shows the outcome and is told
the history waits. Against the fake server, with a real store and controller."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import pytest

from app.chat.tool_calls import CLOSED, RESULT_NOT_SAVED, STOPPED
from app.domain.messages import Message, Role
from tests.fake_mistral import Reply
from tests.helpers.history_lock import HistoryLock
from tests.integration.test_tool_loop import (  # noqa: F401 - fixture
    Chat,
    _answer,
    _calls,
    _with_slow,
    chat,
)


@pytest.fixture(autouse=True)
def quick(chat: Chat, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    # Writes wait 50 ms for the lock (not 5 s), the outcome is tried again every 0.05 s
    # (not 3 s), an answer's saves every 0.1 s: the same behaviour, sooner.
    monkeypatch.setattr("app.store.db.BUSY_TIMEOUT_MS", 50)
    chat.store.connection.execute("PRAGMA busy_timeout = 50")
    monkeypatch.setattr("app.chat.call_reasons.RETRY_AFTER", 0.05)
    monkeypatch.setattr("app.answering.recorder.RETRY_SAVE_AFTER", 0.1, raising=False)


def in_file(chat: Chat, answer_id: str) -> str | None:  # noqa: F811
    """Why the answer's calls got no result, as the file says (read by another
    connection, as the next start would)."""
    connection = sqlite3.connect(chat.store.path)
    try:
        row = connection.execute("SELECT error FROM messages WHERE id = ?", (answer_id,))
        value = row.fetchone()[0]
    finally:
        connection.close()
    return value if value is None else str(value)


def _stored(chat: Chat) -> list[Message]:  # noqa: F811
    stored: list[Message] = []
    chat.controller.message_stored.connect(stored.append)
    return stored


def _round_under_way(chat: Chat) -> tuple[str, Message, Callable[[], None]]:  # noqa: F811
    """A question whose answer's call runs until the returned function lets it end."""
    slow, _told = _with_slow(chat)
    chat.server.enqueue(_calls(("slow", {})))
    conversation = chat.ask("Take your time")
    chat.wait(lambda: slow.started)
    answer = _answer(chat, conversation)
    assert in_file(chat, answer.id) == CLOSED  # what a crash now would leave
    return conversation, answer, slow.release.set


def test_stopped_while_the_history_is_held_it_says_so_once_the_history_frees(
    chat: Chat,  # noqa: F811
) -> None:
    stored = _stored(chat)
    conversation, answer, _end = _round_under_way(chat)
    lock = HistoryLock(chat.store.path).take()  # `maestrale import`, a backup…
    try:
        assert chat.controller.stop(conversation)
        chat.wait(lambda: not chat.controller.is_streaming(conversation))
        # Shown at once as it is, and the person told that it is not saved yet.
        assert (stored[-1].id, stored[-1].error) == (answer.id, STOPPED)
        assert len(chat.told) == 1
        assert chat.told[0].startswith("Not saved yet: how the tool calls ended. ")
        assert "is locked by another program" in chat.told[0]
        assert in_file(chat, answer.id) == CLOSED
    finally:
        lock.release()
    chat.wait(lambda: in_file(chat, answer.id) == STOPPED)
    assert (stored[-1].id, stored[-1].error) == (answer.id, STOPPED)  # as stored now
    assert len(chat.told) == 1


def test_a_round_ended_while_the_history_is_held_clears_its_mark_once_it_frees(
    chat: Chat,  # noqa: F811
) -> None:
    locks: list[HistoryLock] = []

    def hold_once_the_result_is_stored(message: Message) -> None:
        if message.role is Role.TOOL and not locks:
            locks.append(HistoryLock(chat.store.path).take())

    chat.controller.message_stored.connect(hold_once_the_result_is_stored)
    chat.server.enqueue(_calls(("add", {"a": 2, "b": 40})), Reply(text="It makes 42."))
    conversation = chat.ask("What is 2 + 40?")
    try:
        chat.wait(lambda: bool(chat.told))
        answer = _answer(chat, conversation)
        assert in_file(chat, answer.id) == CLOSED  # though its call got its result
    finally:
        locks[0].release()
    chat.wait(lambda: not chat.controller.is_streaming(conversation))
    chat.wait(lambda: in_file(chat, answer.id) is None)
    assert chat.path(conversation)[-1].content == "It makes 42."


def test_a_result_the_history_cannot_take_says_so_once_it_frees(
    chat: Chat,  # noqa: F811
) -> None:
    stored = _stored(chat)
    conversation, answer, end = _round_under_way(chat)
    lock = HistoryLock(chat.store.path).take()
    try:
        end()  # the tool answers; its result cannot be stored
        chat.wait(lambda: not chat.controller.is_streaming(conversation))
        assert (stored[-1].id, stored[-1].error) == (answer.id, RESULT_NOT_SAVED)
        assert chat.told == []  # the answer's task fails with the store's error: said so
        assert in_file(chat, answer.id) == CLOSED
    finally:
        lock.release()
    chat.wait(lambda: in_file(chat, answer.id) == RESULT_NOT_SAVED)


def test_what_still_waits_is_written_as_maestrale_closes(
    chat: Chat,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("app.chat.call_reasons.RETRY_AFTER", 3600.0)  # not tried again
    conversation, answer, _end = _round_under_way(chat)
    lock = HistoryLock(chat.store.path).take()
    try:
        assert chat.controller.stop(conversation)
        chat.wait(lambda: not chat.controller.is_streaming(conversation))
        assert in_file(chat, answer.id) == CLOSED
    finally:
        lock.release()
    chat.loop.run_until_complete(chat.controller.shutdown())
    assert in_file(chat, answer.id) == STOPPED

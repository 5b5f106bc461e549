"""The window while another process holds the history or the disk is full: answers go on
and are saved once the history frees, and nothing typed or written is lost."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.domain.messages import MessageStatus, Role
from app.store.conversations import ConversationStore
from app.store.errors import DatabaseUnreadable
from app.ui.toast import Toast
from tests.fake_mistral import Reply
from tests.helpers.history_lock import HistoryLock
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.test_chat_window import answer_text, last_item

WORDS = [f"word{n} " for n in range(50)]


@pytest.fixture(autouse=True)
def quick_retries(gui: Gui, monkeypatch: pytest.MonkeyPatch) -> None:
    # A write waits 50 ms for the lock (not 5 s), and a failed save is tried again after
    # 0.1 s (not 3 s): the same behaviour, sooner.
    gui.store.connection.execute("PRAGMA busy_timeout = 50")
    monkeypatch.setattr("app.answering.recorder.RETRY_SAVE_AFTER", 0.1, raising=False)


def streamed_words(gui: Gui) -> int:
    return answer_text(gui).count("word")


@contextlib.asynccontextmanager
async def _asked_while_locked(
    gui: Gui, monkeypatch: pytest.MonkeyPatch, *replies: Reply
) -> AsyncIterator[str]:
    """Ask with these replies queued, another program holding the history until the
    answer has ended (its final save given 0.3 s); yields the conversation's id, the
    history still held, and lets it go after."""
    monkeypatch.setattr("app.answering.recorder.FINAL_SAVE_PATIENCE", 0.3, raising=False)
    gui.server.enqueue(*replies)
    await gui.ask("Hello?")
    conversation_id = gui.pane.conversation_id
    assert conversation_id is not None
    lock = HistoryLock(gui.store.path).take()
    try:
        await gui.until(lambda: not gui.application.controller.is_streaming(conversation_id))
        await gui.settle()
        yield conversation_id
    finally:
        lock.release()


@in_loop
async def test_an_answer_goes_on_and_is_saved_once_the_history_frees(gui: Gui) -> None:
    gui.server.enqueue(Reply(chunks=WORDS, delay=0.04))
    await gui.ask("Count")
    await gui.until(lambda: streamed_words(gui) >= 3)
    lock = HistoryLock(gui.store.path).take()  # `maestrale import` of a large export, say
    await gui.until(lambda: streamed_words(gui) >= 35)  # longer than a second of it
    lock.release()
    await gui.until(gui.answered)
    answer = gui.store.current_path(gui.pane.conversation_id)[-1]
    assert answer.status is MessageStatus.COMPLETE
    assert answer.content == "".join(WORDS)
    assert answer_text(gui).strip() == "".join(WORDS).strip()


@contextlib.asynccontextmanager
async def _answered_while_locked(gui: Gui, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    """An answer streamed, another program taking the history before it ends: inside,
    the answer has ended unsaved; the history is free again after."""
    monkeypatch.setattr("app.answering.recorder.FINAL_SAVE_PATIENCE", 0.3, raising=False)
    # Two seconds of streaming: the lock must be taken before the answer ends, and a
    # loaded machine shows the first words well after the server sent them.
    gui.server.enqueue(Reply(chunks=WORDS, delay=0.04))
    await gui.ask("Count")
    await gui.until(lambda: streamed_words(gui) >= 3)
    lock = HistoryLock(gui.store.path).take()
    try:
        await gui.until(
            lambda: not gui.application.controller.is_streaming(gui.pane.conversation_id)
        )
        yield
    finally:
        lock.release()


@in_loop
async def test_an_answer_that_cannot_be_saved_keeps_its_text_on_screen(
    gui: Gui, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before, the answer froze with no word of why, and without Copy or Retry.
    async with _answered_while_locked(gui, monkeypatch):
        item = last_item(gui, Role.ASSISTANT)
        assert answer_text(gui).strip() == "".join(WORDS).strip()  # all of it, still shown
        assert item._status.isVisible()
        assert "(another program is using the history file)" in item._status_label.text()
        assert "Maestrale tries again until you quit" in item._status_label.text()
        assert item._copy.isEnabled()
        # The copy it advises is a button there (it named none: only Retry and
        # Continue have words).
        assert f"copy button ({item._copy.toolTip()})" in item._status_label.text()
    gui.server.enqueue(Reply(text="Saved this time."))
    item._retry.click()
    await gui.until(lambda: "Saved this time." in answer_text(gui))


@in_loop
async def test_an_answer_saved_later_leaves_the_answer_asked_again_shown(
    gui: Gui, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The end of an answer the locked history refused is saved a few seconds later. Asked
    # again meanwhile (Retry), the saved one came back in place of the answer being
    # written: the new answer never showed.
    monkeypatch.setattr("app.answering.recorder.RETRY_SAVE_AFTER", 0.3, raising=False)
    async with _answered_while_locked(gui, monkeypatch):
        first = last_item(gui, Role.ASSISTANT).message.id
    gui.server.enqueue(Reply(chunks=["Saved ", "this ", "time."], delay=1.0))
    last_item(gui, Role.ASSISTANT)._retry.click()
    # Saved while the new answer is awaited: its first words come a second after asking.
    await gui.until(lambda: gui.store.get_message(first).status is MessageStatus.COMPLETE)
    assert not gui.pane.transcript.shows(first)
    await gui.until(lambda: "Saved this time." in answer_text(gui), timeout=15)
    assert last_item(gui, Role.ASSISTANT)._branch_label.text() == "2 / 2"


def pending_shown(gui: Gui) -> bool:
    pending = gui.pane.transcript._pending
    return pending is not None and pending.isVisible()


@in_loop
async def test_a_failed_answer_that_cannot_be_saved_ends_and_says_why(
    gui: Gui, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: "Rate limit reached (429). Asking again…" stayed for good, even after the
    # lock went; the 401 was never shown, and the task failed with the store's error.
    async with _asked_while_locked(
        gui, monkeypatch, Reply(status=429, retry_after="1"), Reply(status=401)
    ) as conversation_id:
        assert not pending_shown(gui)
        said = last_item(gui, Role.ASSISTANT)._status_label.text()
        assert "401" in said
        assert "could not be saved" in said
    await gui.until(lambda: gui.store.current_path(conversation_id)[-1].role is Role.ASSISTANT)
    answer = gui.store.current_path(conversation_id)[-1]
    assert answer.status is MessageStatus.ERROR
    await gui.until(lambda: last_item(gui, Role.ASSISTANT).message.id == answer.id)
    assert last_item(gui, Role.ASSISTANT)._status.isVisible()
    assert not pending_shown(gui)


@in_loop
async def test_a_question_the_history_cannot_take_stays_in_the_field(gui: Gui) -> None:
    # Before: a five-second freeze, then nothing; the reason went to stderr only.
    lock = HistoryLock(gui.store.path).take()
    try:
        await gui.ask("Is anyone there?")
        toasts = gui.window.findChildren(Toast)
        assert len(toasts) == 1
        assert "Not sent" in toasts[0].accessibleName()
        assert "locked by another program or Maestrale process" in toasts[0].accessibleName()
        assert gui.pane.composer.edit.toPlainText() == "Is anyone there?"
        statements: list[str] = []
        gui.store.connection.set_trace_callback(statements.append)
        try:
            gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_Return)
        finally:
            gui.store.connection.set_trace_callback(None)
        # Sending waited the usual five seconds for the lock, the window frozen.
        wait = lock_wait_of_first_write(statements)
        assert wait is not None
        assert wait <= 200
    finally:
        lock.release()
    gui.server.enqueue(Reply(text="Yes."))
    gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_Return)
    await gui.until(lambda: "Yes." in answer_text(gui))


def typed_while_held(gui: Gui, text: str) -> list[str]:
    """Type ``text`` and let typing pause; the statements that keeping the draft ran."""
    edit = gui.pane.composer.edit
    edit.setFocus()
    gui.qtbot.keyClicks(edit, text)
    statements: list[str] = []
    gui.store.connection.set_trace_callback(statements.append)
    try:
        gui.pane.composer.keep_draft()  # what a pause in typing does
    finally:
        gui.store.connection.set_trace_callback(None)
    return statements


def lock_wait_of_first_write(statements: list[str]) -> int | None:
    """The busy timeout (ms) set before the first write among ``statements``, if any."""
    wait = None
    for statement in statements:
        if statement.startswith("PRAGMA busy_timeout"):
            wait = int(statement.rpartition("=")[2])
        elif statement.startswith("BEGIN IMMEDIATE"):
            return wait
    raise AssertionError(f"no write was tried: {statements}")


@in_loop
async def test_a_draft_typed_while_the_history_is_held_waits_in_memory(
    gui: Gui, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Keeping the draft at each pause in typing waited five seconds for the lock on the
    # window's thread: the window froze while an import ran. It waits no longer than a
    # frame now, and the draft is saved once the history frees.
    monkeypatch.setattr("app.ui.draft_keeper.RETRY_AFTER_MS", 50)
    lock = HistoryLock(gui.store.path).take()
    try:
        statements = typed_while_held(gui, "a long question, typed meanwhile")
        wait = lock_wait_of_first_write(statements)
        assert wait is not None  # a wait of its own, not the usual five seconds
        assert wait <= 16  # a frame at 60 Hz
        assert gui.store.drafts() == {}  # not saved yet: the lock is held
        assert gui.pane.composer.edit.toPlainText() == "a long question, typed meanwhile"
        # A lock passes: not said (a full disk is, see test_draft_not_saved).
        assert not [t for t in gui.window.findChildren(Toast) if t.is_open]
    finally:
        lock.release()
    await gui.until(lambda: gui.store.drafts() == {"": "a long question, typed meanwhile"})


@in_loop
async def test_a_draft_still_waiting_is_saved_when_the_window_closes(
    gui: Gui, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.ui.draft_keeper.RETRY_AFTER_MS", 600_000)  # not before closing
    path = gui.store.path
    lock = HistoryLock(path).take()
    try:
        typed_while_held(gui, "half a question")
    finally:
        lock.release()
    gui.window.close()
    await gui.application.shutdown()
    with ConversationStore.open(path) as store:
        assert store.drafts() == {"": "half a question"}


class FullDisk:
    """The history's disk, full while ``full`` (SQLITE_FULL, as translated by the store)."""

    def __init__(self, store: ConversationStore, monkeypatch: pytest.MonkeyPatch) -> None:
        self.full = False
        for name in ("save_partial", "finish_answer"):
            monkeypatch.setattr(store, name, self._unless_full(store, getattr(store, name)))

    def _unless_full(self, store: ConversationStore, write: Any) -> Any:
        def checked(*args: Any, **kwargs: Any) -> Any:
            if self.full:
                raise DatabaseUnreadable(
                    store.path, "the disk is full", "free some disk space, then try again"
                )
            return write(*args, **kwargs)

        return checked


async def streamed_into_a_full_disk(gui: Gui, monkeypatch: pytest.MonkeyPatch) -> FullDisk:
    """An answer whose saves meet a full disk from its third word on (tried again every
    0.1 s)."""
    monkeypatch.setattr("app.answering.recorder.RETRY_SAVE_AFTER", 0.1, raising=False)
    disk = FullDisk(gui.store, monkeypatch)
    gui.server.enqueue(Reply(chunks=WORDS, delay=0.02))
    await gui.ask("Count")
    await gui.until(lambda: streamed_words(gui) >= 3)
    disk.full = True
    return disk


async def answer_cut_by_full_disk(gui: Gui, monkeypatch: pytest.MonkeyPatch) -> FullDisk:
    """An answer whose end meets a full disk; it is not saved again before quitting."""
    monkeypatch.setattr("app.answering.recorder.FINAL_SAVE_PATIENCE", 0.3, raising=False)
    disk = await streamed_into_a_full_disk(gui, monkeypatch)
    # The answer's own retries are set; the one after its end waits past quitting.
    monkeypatch.setattr("app.answering.recorder.RETRY_SAVE_AFTER", 600.0, raising=False)
    await gui.until(lambda: not gui.application.controller.is_streaming(gui.pane.conversation_id))
    assert (
        "Maestrale tries again until you quit"
        in last_item(gui, Role.ASSISTANT)._status_label.text()
    )
    return disk


@in_loop
async def test_an_answer_the_full_disk_cut_is_saved_whole_on_quitting(
    gui: Gui, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: after freeing space and quitting, the history held the first words only,
    # marked "The program stopped before the answer finished".
    disk = await answer_cut_by_full_disk(gui, monkeypatch)
    conversation_id, path = gui.pane.conversation_id, gui.store.path
    disk.full = False  # space was freed
    gui.window.close()
    await saved_whole_after_shutdown(gui, conversation_id, path)


async def saved_whole_after_shutdown(gui: Gui, conversation_id: str | None, path: Path) -> None:
    """The application shut down, the history holds the whole answer."""
    await gui.application.shutdown()
    with ConversationStore.open(path) as store:
        answer = store.current_path(conversation_id)[-1]
    assert answer.status is MessageStatus.COMPLETE
    assert answer.content == "".join(WORDS)


@in_loop
async def test_an_answer_the_full_disk_cut_says_so_when_it_stays_cut(
    gui: Gui, monkeypatch: pytest.MonkeyPatch
) -> None:
    await answer_cut_by_full_disk(gui, monkeypatch)
    conversation_id, path = gui.pane.conversation_id, gui.store.path
    gui.window.close()
    await gui.application.shutdown()  # the disk still full
    with ConversationStore.open(path) as store:
        answer = store.current_path(conversation_id)[-1]
    assert answer.status is MessageStatus.ERROR
    assert answer.error is not None
    assert "Saving the answer failed (the disk is full)" in answer.error


@in_loop
async def test_a_new_chat_whose_question_the_full_disk_refuses_leaves_no_conversation(
    gui: Gui, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The conversation was stored, its question not: an empty conversation stayed in
    # the history, its title in the header, missing from the list.
    store = gui.store
    add_message = store.add_message

    def disk_full_for_questions(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("role") == Role.USER:
            raise DatabaseUnreadable(store.path, "the disk is full", "free some disk space")
        return add_message(*args, **kwargs)

    monkeypatch.setattr(store, "add_message", disk_full_for_questions)
    await gui.ask("Is there room?")
    toasts = gui.window.findChildren(Toast)
    assert len(toasts) == 1
    assert "the disk is full" in toasts[0].accessibleName()
    assert gui.pane.composer.edit.toPlainText() == "Is there room?"
    assert store.count_conversations() == 0
    assert gui.pane.conversation_id is None
    monkeypatch.setattr(store, "add_message", add_message)  # space freed
    gui.server.enqueue(Reply(text="Yes."), Reply(text="Room"))
    gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_Return)
    await gui.until(lambda: "Yes." in answer_text(gui))
    assert store.count_conversations() == 1


@in_loop
async def test_a_failed_answer_that_cannot_be_saved_shows_its_error_at_once(
    gui: Gui, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only a toast said what failed: the transcript looked the unsaved answer up in the
    # history (KeyError) and showed the question unanswered until the save went through.
    async with _asked_while_locked(gui, monkeypatch, Reply(status=401)) as conversation_id:
        shown = last_item(gui, Role.ASSISTANT)
        assert shown.message.status is MessageStatus.ERROR
        assert shown._status.isVisible()
        assert "401" in shown._status_label.text()
        assert "could not be saved" in shown._status_label.text()
        assert not pending_shown(gui)
    await gui.until(lambda: gui.store.current_path(conversation_id)[-1].role is Role.ASSISTANT)
    answer = gui.store.current_path(conversation_id)[-1]
    await gui.until(
        lambda: "could not be saved" not in last_item(gui, Role.ASSISTANT)._status_label.text()
    )
    assert last_item(gui, Role.ASSISTANT).message.id == answer.id
    assert [i for i in gui.pane.transcript.message_ids] == [
        m.id for m in gui.store.current_path(conversation_id)
    ]


async def continued_on_a_full_disk(
    gui: Gui, monkeypatch: pytest.MonkeyPatch, reply: Reply
) -> tuple[FullDisk, str, str]:
    """An answer broken off after "one two", continued with ``reply`` while the disk is
    full, until the Continue ends: the disk, the answer's id and what its panel said
    before."""
    monkeypatch.setattr("app.answering.recorder.FINAL_SAVE_PATIENCE", 0.3, raising=False)
    disk = FullDisk(gui.store, monkeypatch)
    gui.server.enqueue(Reply(text="one two three four", cut_after=2))
    await gui.ask("Count")
    await gui.until(gui.answered)
    cut = last_item(gui, Role.ASSISTANT)
    said = cut._status_label.text()
    gui.server.enqueue(reply)
    disk.full = True
    cut._continue.click()
    await gui.until(lambda: not gui.application.controller.is_streaming(gui.pane.conversation_id))
    await gui.settle()
    assert last_item(gui, Role.ASSISTANT).message.id == cut.message.id
    return disk, cut.message.id, said


@in_loop
async def test_a_continue_refused_while_the_disk_is_full_leaves_the_answer_as_it_was(
    gui: Gui, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Refused before any new word, a Continue stores nothing: there is nothing to save,
    # so no "could not be saved" either, only why it failed.
    disk, _, said = await continued_on_a_full_disk(gui, monkeypatch, Reply(status=402))
    shown = last_item(gui, Role.ASSISTANT)
    assert shown._status_label.text() == said
    assert shown.text.toPlainText() == "one two"
    assert any("(402)" in toast.text for toast in gui.window.findChildren(Toast))
    disk.full = False


@in_loop
async def test_a_continue_whose_end_cannot_be_saved_keeps_all_its_text_on_screen(
    gui: Gui, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Continue writes into the cut answer itself: its end not saved, the answer showed
    # with no text at all (only what the continuation brought).
    disk, answer_id, _ = await continued_on_a_full_disk(
        gui, monkeypatch, Reply(text=" three four.")
    )
    shown = last_item(gui, Role.ASSISTANT)
    assert "could not be saved" in shown._status_label.text()
    assert shown.text.toPlainText() == "one two three four."
    disk.full = False
    await gui.until(lambda: gui.store.get_message(answer_id).content == "one two three four.")


@in_loop
async def test_a_tool_call_stopped_while_the_history_is_held_says_why_and_that_it_waits(
    gui: Gui, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The mark a crash would leave, "Maestrale closed before the tool answered", stayed
    # in the history: after a restart the call read as cut by closing, not stopped.
    from app.chat.tool_calls import CLOSED, STOPPED
    from tests.integration.gui.test_tool_call_states import _call, _note, _with_slow

    monkeypatch.setattr("app.chat.call_reasons.RETRY_AFTER", 0.1)
    slow = _with_slow(gui)
    gui.server.enqueue(_call("slow"))
    await gui.ask("Take your time")
    await gui.until(lambda: slow.started)
    caller = last_item(gui, Role.ASSISTANT)
    assert gui.store.get_message(caller.message.id).error == CLOSED
    lock = HistoryLock(gui.store.path).take()
    try:
        gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_Escape)
        await gui.until(lambda: gui.pane.composer.button.text() == "Send")
        await gui.settle(0.05)
        assert _note(caller).startswith("You stopped this call before the tool answered")
        toasts = [t for t in gui.window.findChildren(Toast) if t.isVisible()]
        assert len(toasts) == 1
        said = toasts[0].accessibleName()
        assert said.startswith("Not saved yet: how the tool calls ended. ")
        assert "is locked by another program" in said
        assert "saves it as soon as the history can be written again" in said
        assert gui.store.get_message(caller.message.id).error == CLOSED
    finally:
        lock.release()
    await gui.until(lambda: gui.store.get_message(caller.message.id).error == STOPPED)

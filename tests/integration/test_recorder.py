"""Answers streamed into a real history file: saved as they arrive, kept when cut short."""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from app.answering import AnswerRecorder, build_request
from app.answering.recorder import STOPPED_BEFORE_TEXT, AnswerOutcome
from app.api import Endpoint, MistralClient, RetryPolicy, StreamInterrupted
from app.api.types import ChatRequest, ContentDelta, Finished, StreamEvent
from app.domain.messages import ChatParams, Message, MessageStatus, Role, Usage
from app.store.conversations import ConversationStore
from tests.fake_mistral import FakeMistral, Reply
from tests.helpers.history_lock import HistoryLock


@pytest.fixture
def store(tmp_path: Path) -> ConversationStore:
    opened = ConversationStore.open(tmp_path / "history.sqlite3")
    yield opened
    opened.close()


def client_for(server: FakeMistral) -> MistralClient:
    async def no_wait(_: float) -> None:
        return None

    return MistralClient(
        Endpoint.parse(server.base_url),
        api_key="test-key",
        read_timeout=5,
        retry=RetryPolicy(attempts=2, base_delay=0.01),
        sleep=no_wait,
    )


def ask(store: ConversationStore, text: str) -> tuple[str, Message]:
    conversation = store.create_conversation(title=text, model="mistral-large-2411")
    question = store.add_message(conversation.id, role=Role.USER, content=text, parent_id=None)
    return conversation.id, question


def request_for(store: ConversationStore, conversation_id: str, *, continue_last: bool = False):
    return build_request(
        store.current_path(conversation_id),
        model="mistral-large-2411",
        system_prompt=None,
        params=ChatParams(),
        continue_last=continue_last,
    )


def stored_text(path: Path, message_id: str) -> tuple[str, str]:
    """Read the row through a separate connection, as another process would."""
    with sqlite3.connect(path) as connection:
        row = connection.execute(
            "SELECT content, status FROM messages WHERE id = ?", (message_id,)
        ).fetchone()
    return row[0], row[1]


async def test_a_complete_answer_is_stored(
    store: ConversationStore, fake_mistral: FakeMistral
) -> None:
    conversation_id, question = ask(store, "Hi")
    fake_mistral.enqueue(Reply(text="Hello! How can I help?"))
    started: list[Message] = []
    events: list[StreamEvent] = []
    async with client_for(fake_mistral) as client:
        outcome = await AnswerRecorder(store, client).run(
            conversation_id=conversation_id,
            parent_id=question.id,
            request=request_for(store, conversation_id),
            on_event=events.append,
            on_started=started.append,
        )
    assert outcome.error is None
    assert outcome.message.status is MessageStatus.COMPLETE
    assert outcome.message.content == "Hello! How can I help?"
    assert outcome.message.usage is not None
    assert started[0].id == outcome.message.id
    assert "".join(e.text for e in events if isinstance(e, ContentDelta)) == outcome.message.content
    assert store.get_conversation(conversation_id).current_leaf_id == outcome.message.id


async def test_text_is_saved_at_least_once_a_second_while_streaming(
    store: ConversationStore, fake_mistral: FakeMistral
) -> None:
    conversation_id, question = ask(store, "Long")
    fake_mistral.enqueue(Reply(chunks=[f"w{i} " for i in range(60)], delay=0.05))
    samples: list[tuple[int, str, str]] = []
    started: list[Message] = []
    received: list[str] = []

    def on_event(event: StreamEvent) -> None:
        if isinstance(event, ContentDelta):
            received.append(event.text)

    async def sample() -> None:
        while not started:
            await asyncio.sleep(0.01)
        while True:
            await asyncio.sleep(1.0)
            content, status = stored_text(store.path, started[0].id)
            samples.append((len("".join(received)), content, status))

    async with client_for(fake_mistral) as client:
        sampler = asyncio.create_task(sample())
        outcome = await AnswerRecorder(store, client, flush_interval=0.5).run(
            conversation_id=conversation_id,
            parent_id=question.id,
            request=request_for(store, conversation_id),
            on_event=on_event,
            on_started=started.append,
        )
        sampler.cancel()
    assert len(samples) >= 2
    for received_length, content, status in samples:
        assert status == "streaming"
        assert content  # something is saved from the first second on
        # At most the last second (20 pieces of ~4 characters) is missing.
        assert received_length - len(content) <= 20 * 5
    assert outcome.message.status is MessageStatus.COMPLETE


async def test_cancel_keeps_the_partial_text_as_interrupted(
    store: ConversationStore, fake_mistral: FakeMistral
) -> None:
    conversation_id, question = ask(store, "Go")
    fake_mistral.enqueue(Reply(chunks=[f"p{i} " for i in range(300)], delay=0.01))
    started: list[Message] = []
    async with client_for(fake_mistral) as client:
        task = asyncio.create_task(
            AnswerRecorder(store, client).run(
                conversation_id=conversation_id,
                parent_id=question.id,
                request=request_for(store, conversation_id),
                on_started=started.append,
            )
        )
        while not started:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    answer = store.get_message(started[0].id)
    assert answer.status is MessageStatus.INTERRUPTED
    assert answer.content.startswith("p0 p1 ")
    assert answer.error


async def test_cancel_before_any_text_says_no_text_was_kept(
    store: ConversationStore, fake_mistral: FakeMistral
) -> None:
    # "the text so far is kept" read wrong on an answer with no text at all.
    conversation_id, question = ask(store, "Go")
    fake_mistral.enqueue(Reply(chunks=["late"], stall_after=0, stall_seconds=5))
    async with client_for(fake_mistral) as client:
        task = asyncio.create_task(
            AnswerRecorder(store, client).run(
                conversation_id=conversation_id,
                parent_id=question.id,
                request=request_for(store, conversation_id),
            )
        )
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    [answer] = [m for m in store.messages(conversation_id) if m.role is Role.ASSISTANT]
    assert answer.status is MessageStatus.INTERRUPTED
    assert answer.content == ""
    assert answer.error == STOPPED_BEFORE_TEXT


async def test_an_error_before_any_text_is_stored_as_a_failed_answer(
    store: ConversationStore, fake_mistral: FakeMistral
) -> None:
    conversation_id, question = ask(store, "Hi")
    fake_mistral.enqueue(Reply(status=403))
    async with client_for(fake_mistral) as client:
        outcome = await AnswerRecorder(store, client).run(
            conversation_id=conversation_id,
            parent_id=question.id,
            request=request_for(store, conversation_id),
        )
    assert outcome.error is not None
    assert outcome.message.status is MessageStatus.ERROR
    assert "403" in (outcome.message.error or "")
    assert outcome.message.parent_id == question.id


async def test_a_cut_stream_is_stored_as_error_with_its_text(
    store: ConversationStore, fake_mistral: FakeMistral
) -> None:
    conversation_id, question = ask(store, "Hi")
    fake_mistral.enqueue(Reply(text="one two three four", cut_after=2))
    async with client_for(fake_mistral) as client:
        outcome = await AnswerRecorder(store, client).run(
            conversation_id=conversation_id,
            parent_id=question.id,
            request=request_for(store, conversation_id),
        )
    assert isinstance(outcome.error, StreamInterrupted)
    assert outcome.message.status is MessageStatus.ERROR
    assert outcome.message.content == "one two"


@pytest.mark.parametrize("server_repeats_prefix", [True, False])
async def test_continue_sends_the_prefix_and_stores_one_whole_answer(
    store: ConversationStore, fake_mistral: FakeMistral, server_repeats_prefix: bool
) -> None:
    conversation_id, question = ask(store, "Count to six")
    partial = store.add_message(
        conversation_id,
        role=Role.ASSISTANT,
        content="one, two, three,",
        parent_id=question.id,
        status=MessageStatus.INTERRUPTED,
    )
    more = " four, five, six."
    fake_mistral.enqueue(Reply(text=("one, two, three," if server_repeats_prefix else "") + more))
    request = request_for(store, conversation_id, continue_last=True)
    shown: list[str] = []
    async with client_for(fake_mistral) as client:
        outcome = await AnswerRecorder(store, client).run(
            conversation_id=conversation_id,
            parent_id=question.id,
            request=request,
            continue_from=partial,
            on_event=lambda e: shown.append(e.text) if isinstance(e, ContentDelta) else None,
        )
    sent = fake_mistral.last_request.body["messages"][-1]
    assert sent == {"role": "assistant", "content": "one, two, three,", "prefix": True}
    assert outcome.message.content == "one, two, three, four, five, six."
    assert "".join(shown) == more
    assert store.get_message(partial.id).content == "one, two, three,"  # nothing overwritten
    assert len(store.tree(conversation_id).siblings(outcome.message.id)) == 2


WORDS = [f"w{n} " for n in range(60)]


@pytest.fixture
def impatient_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ConversationStore:
    # Writes wait 50 ms for a lock, not 5 s: the same failure, sooner.
    monkeypatch.setattr("app.store.db.BUSY_TIMEOUT_MS", 50)
    opened = ConversationStore.open(tmp_path / "history.sqlite3")
    yield opened
    opened.close()


async def record_while_locked(
    store: ConversationStore,
    server: FakeMistral,
    *,
    lock_at: int,
    release_after: float,
    patience: float = 30.0,
) -> tuple[AnswerRecorder, str, list[Message], list[str], asyncio.Task]:
    """Stream WORDS slowly while another connection holds the history's write lock from
    the ``lock_at``-th event (0: before the first) for ``release_after`` seconds."""
    conversation_id, question = ask(store, "Count")
    server.enqueue(Reply(chunks=WORDS, delay=0.04))
    lock = HistoryLock(store.path)
    started: list[Message] = []
    shown: list[str] = []
    loop = asyncio.get_running_loop()

    def on_event(event: StreamEvent) -> None:
        if isinstance(event, ContentDelta):
            shown.append(event.text)
            if len(shown) == lock_at:
                lock.take()
                loop.call_later(release_after, lock.release)

    if lock_at == 0:
        lock.take()
        loop.call_later(release_after, lock.release)
    client = client_for(server)
    recorder = AnswerRecorder(
        store, client, flush_interval=0.05, retry_save_after=0.1, final_save_patience=patience
    )
    task = asyncio.ensure_future(
        recorder.run(
            conversation_id=conversation_id,
            parent_id=question.id,
            request=request_for(store, conversation_id),
            on_event=on_event,
            on_started=started.append,
        )
    )
    return recorder, conversation_id, started, shown, task


async def test_an_answer_goes_on_while_another_process_holds_the_history(
    impatient_store: ConversationStore, fake_mistral: FakeMistral
) -> None:
    # The import of a large export held the history for half a minute: the save that
    # failed ended the answer, frozen, its rest lost.
    # Held for longer than a second: a save made while streaming meets it.
    _, _, started, shown, task = await record_while_locked(
        impatient_store, fake_mistral, lock_at=5, release_after=1.3
    )
    outcome = await task
    assert outcome.error is None
    assert outcome.message.status is MessageStatus.COMPLETE
    assert stored_text(impatient_store.path, outcome.message.id) == ("".join(WORDS), "complete")
    assert started[0].content + "".join(shown) == "".join(WORDS)  # shown once, whole


async def test_an_answer_begun_while_the_history_is_held_is_stored_once_it_frees(
    impatient_store: ConversationStore, fake_mistral: FakeMistral
) -> None:
    _, _, started, shown, task = await record_while_locked(
        impatient_store, fake_mistral, lock_at=0, release_after=0.4
    )
    outcome = await task
    assert outcome.message.status is MessageStatus.COMPLETE
    assert stored_text(impatient_store.path, outcome.message.id) == ("".join(WORDS), "complete")
    # Stored late, it started with the text that came meanwhile; nothing twice.
    assert started[0].content
    assert started[0].content + "".join(shown) == "".join(WORDS)


async def test_the_final_save_gives_up_after_its_patience_and_says_why(
    impatient_store: ConversationStore, fake_mistral: FakeMistral
) -> None:
    from app.answering.recorder import AnswerNotSaved
    from app.store.errors import DatabaseBusy

    _, _, _, _, task = await record_while_locked(
        impatient_store, fake_mistral, lock_at=3, release_after=30, patience=0.3
    )
    with pytest.raises(AnswerNotSaved) as raised:
        await task
    assert isinstance(raised.value.trouble, DatabaseBusy)
    assert raised.value.text == "".join(WORDS)  # all of it, for the window to keep


async def test_stopping_while_the_end_is_being_saved_keeps_the_whole_answer(
    impatient_store: ConversationStore, fake_mistral: FakeMistral
) -> None:
    # Stop (or closing the window) during the final save's retries lost what was not
    # saved yet: the row kept an older part of the text, still "streaming".
    _, _, _, shown, task = await record_while_locked(
        impatient_store, fake_mistral, lock_at=len(WORDS), release_after=0.6
    )
    while len(shown) < len(WORDS):  # the history is held from the last word on
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.25)  # the final save is being tried again meanwhile
    task.cancel()
    outcome = await task
    assert stored_text(impatient_store.path, outcome.message.id) == ("".join(WORDS), "complete")


def waits_of_saves(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The lock wait (busy_timeout, ms) in force at each save of the text so far."""
    waits: list[int] = []
    original = ConversationStore.save_partial

    def save_partial(self: ConversationStore, message_id: str, text: str) -> None:
        waits.append(int(self.connection.execute("PRAGMA busy_timeout").fetchone()[0]))
        original(self, message_id, text)

    monkeypatch.setattr(ConversationStore, "save_partial", save_partial)
    return waits


async def test_the_saves_of_a_streamed_answer_wait_briefly_for_a_lock(
    store: ConversationStore, fake_mistral: FakeMistral, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.answering.recorder import SAVE_WAIT_MS

    waits = waits_of_saves(monkeypatch)
    conversation_id, question = ask(store, "Count")
    fake_mistral.enqueue(Reply(chunks=WORDS, delay=0.04))
    async with client_for(fake_mistral) as client:
        await AnswerRecorder(store, client, flush_interval=0.05).run(
            conversation_id=conversation_id,
            parent_id=question.id,
            request=request_for(store, conversation_id),
        )
    assert waits
    assert set(waits) == {SAVE_WAIT_MS}


async def test_saves_tried_again_while_the_history_stays_locked_do_not_wait(
    impatient_store: ConversationStore, fake_mistral: FakeMistral, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each try waited 200 ms on the window's thread: the text stuttered every few
    # seconds for as long as an import held the history.
    from app.answering.recorder import SAVE_WAIT_MS

    waits = waits_of_saves(monkeypatch)
    _, _, _, _, task = await record_while_locked(
        impatient_store, fake_mistral, lock_at=3, release_after=0.8
    )
    outcome = await task
    assert stored_text(impatient_store.path, outcome.message.id) == ("".join(WORDS), "complete")
    # Saves waited until one met the lock; those tried again while it was held did not
    # wait, the one that got through included; once saved, they wait as before.
    assert [wait for wait, _ in itertools.groupby(waits)] == [SAVE_WAIT_MS, 0, SAVE_WAIT_MS]


def cut_answer(store: ConversationStore, *, broken: bool = False) -> Message:
    """An answer "one two", the last of its conversation: cut at the token limit, or
    (``broken``) by a broken connection, with the counts of its request."""
    conversation_id, question = ask(store, "Count")
    return store.add_message(
        conversation_id,
        role=Role.ASSISTANT,
        content="one two",
        parent_id=question.id,
        status=MessageStatus.ERROR if broken else MessageStatus.COMPLETE,
        error="The connection broke before the answer finished." if broken else None,
        usage=Usage(prompt_tokens=5, completion_tokens=2) if broken else None,
        finish_reason=None if broken else "length",
    )


async def continue_with(
    store: ConversationStore, server: FakeMistral, partial: Message, *, in_place: bool
) -> tuple[AnswerOutcome, list[bool]]:
    told: list[bool] = []
    async with client_for(server) as client:
        outcome = await AnswerRecorder(store, client).run(
            conversation_id=partial.conversation_id,
            parent_id=partial.parent_id or "",
            request=request_for(store, partial.conversation_id, continue_last=True),
            continue_from=partial,
            in_place=in_place,
            on_unchanged=lambda: told.append(True),
        )
    return outcome, told


@pytest.mark.parametrize("in_place", [True, False])
async def test_a_continuation_that_breaks_after_only_the_echo_stores_nothing(
    store: ConversationStore, fake_mistral: FakeMistral, in_place: bool
) -> None:
    partial = cut_answer(store)
    before = store.messages(partial.conversation_id)
    # The server repeats the text it carries on, then the connection breaks.
    fake_mistral.enqueue(Reply(chunks=["one", " two", " three"], cut_after=2))
    outcome, told = await continue_with(store, fake_mistral, partial, in_place=in_place)
    assert isinstance(outcome.error, StreamInterrupted)
    assert outcome.message == partial  # as it was: no error stored on it, no copy of it
    assert told == [True]
    assert store.messages(partial.conversation_id) == before
    assert store.get_conversation(partial.conversation_id).current_leaf_id == partial.id


@pytest.mark.parametrize("in_place", [True, False])
@pytest.mark.parametrize("came", [[], ["one", " two"]], ids=["nothing", "the echo"])
async def test_a_continuation_the_model_ends_at_once_only_marks_the_answer_complete(
    store: ConversationStore, fake_mistral: FakeMistral, in_place: bool, came: list[str]
) -> None:
    # It stored a copy of the answer as a new version ("2 / 2", complete), or (in place)
    # rewrote the answer's counts with the continuation's.
    partial = cut_answer(store, broken=True)
    conversation = store.get_conversation(partial.conversation_id)
    before = store.messages(partial.conversation_id)
    fake_mistral.enqueue(Reply(chunks=came))  # then "stop"
    outcome, told = await continue_with(store, fake_mistral, partial, in_place=in_place)
    assert (outcome.error, outcome.added_nothing, told) == (None, True, [True])
    stored = store.get_message(partial.id)
    assert outcome.message == stored
    assert [m.id for m in store.messages(partial.conversation_id)] == [m.id for m in before]
    # Its status only: the text, counts and the conversation's time are as they were.
    assert stored == replace(
        partial,
        status=MessageStatus.COMPLETE,
        error=None,
        finish_reason="stop",
    )
    assert stored_text(store.path, partial.id) == ("one two", "complete")
    assert store.get_conversation(partial.conversation_id) == conversation


async def test_a_continuation_that_ends_at_its_limit_with_nothing_new_stores_nothing(
    store: ConversationStore, fake_mistral: FakeMistral
) -> None:
    # The model did not say it had finished: the answer keeps why it stopped.
    partial = cut_answer(store, broken=True)
    before = store.messages(partial.conversation_id)
    fake_mistral.enqueue(Reply(chunks=[], finish_reason="length"))
    outcome, told = await continue_with(store, fake_mistral, partial, in_place=True)
    assert (outcome.message, outcome.error, outcome.added_nothing) == (partial, None, True)
    assert told == [True]
    assert store.messages(partial.conversation_id) == before


def held_continuation(
    store: ConversationStore, fake_mistral: FakeMistral
) -> tuple[Message, ChatRequest, HistoryLock]:
    """A cut answer, the request that continues it (three more words coming), and the
    history held by another process from now on."""
    partial = cut_answer(store)
    fake_mistral.enqueue(Reply(chunks=[" three", " four", " five."], delay=0.05))
    request = request_for(store, partial.conversation_id, continue_last=True)
    return partial, request, HistoryLock(store.path).take()


async def test_a_continuation_stored_only_at_its_end_keeps_its_new_text(
    impatient_store: ConversationStore, fake_mistral: FakeMistral
) -> None:
    # Another process held the history from the first new words to the end of the
    # stream: the answer, carried on in place, was stored with its old text only.
    store = impatient_store
    partial, request, lock = held_continuation(store, fake_mistral)
    loop = asyncio.get_running_loop()

    def on_event(event: StreamEvent) -> None:
        if isinstance(event, Finished):  # released while the end is being saved
            loop.call_later(0.3, lock.release)

    async with client_for(fake_mistral) as client:
        outcome = await AnswerRecorder(store, client, retry_save_after=0.1).run(
            conversation_id=partial.conversation_id,
            parent_id=partial.parent_id or "",
            request=request,
            continue_from=partial,
            in_place=True,
            on_event=on_event,
        )
    assert outcome.error is None
    assert outcome.message.id == partial.id
    assert stored_text(store.path, partial.id) == ("one two three four five.", "complete")


async def test_a_continuation_not_stored_at_all_hands_all_its_text_to_the_window(
    impatient_store: ConversationStore, fake_mistral: FakeMistral
) -> None:
    # Held past the final save's patience: the answer the window shows meanwhile (and
    # saves later) had the old text only, the new words lost.
    from app.answering.recorder import AnswerNotSaved

    store = impatient_store
    partial, request, lock = held_continuation(store, fake_mistral)
    try:
        async with client_for(fake_mistral) as client:
            with pytest.raises(AnswerNotSaved) as raised:
                await AnswerRecorder(
                    store, client, retry_save_after=0.1, final_save_patience=0.3
                ).run(
                    conversation_id=partial.conversation_id,
                    parent_id=partial.parent_id or "",
                    request=request,
                    continue_from=partial,
                    in_place=True,
                )
    finally:
        lock.release()
    unstored = raised.value.unstored
    assert unstored is not None
    assert (unstored.id, unstored.content) == (partial.id, "one two three four five.")
    assert raised.value.save_again().content == "one two three four five."

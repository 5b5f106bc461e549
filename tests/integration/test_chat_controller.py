"""The controller's actions against the fake server: the model each question goes to,
and Continue carrying an answer on in place."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import qasync

from app.chat.catalog import ModelCatalog
from app.chat.clients import ClientSource
from app.chat.controller import ChatController, NewChat
from app.config import load_config
from app.domain.messages import Message, MessageStatus, Role
from app.secrets import ApiKeys
from app.settings import DEFAULT_MODEL
from app.store.conversations import ConversationStore
from app.tasks import TaskRunner
from tests.fake_mistral import FakeMistral, Reply


@dataclass
class Chat:
    controller: ChatController
    catalog: ModelCatalog
    store: ConversationStore
    server: FakeMistral
    loop: qasync.QEventLoop
    finished: list[Message]
    runner: TaskRunner

    def new_chat_model(self) -> str:
        return self.catalog.choose(DEFAULT_MODEL).model  # as main.py's new-chat defaults

    def answer(self, conversation_id: str | None, text: str) -> tuple[str, Message]:
        """Ask, wait for the stored answer; (conversation id, answer)."""
        count = len(self.finished)
        new_chat = NewChat(self.new_chat_model())
        sent = self.controller.send(conversation_id, text, new_chat)
        assert sent is not None
        return sent, self.wait_for_answer(sent, count)

    def continue_answer(self, answer: Message) -> Message:
        """Continue an answer, wait for the stored result."""
        count = len(self.finished)
        self.controller.continue_answer(answer.id)
        return self.wait_for_answer(answer.conversation_id, count)

    def wait_for_answer(self, conversation_id: str, count: int) -> Message:
        async def answered() -> None:
            while len(self.finished) == count or self.controller.is_streaming(conversation_id):
                await asyncio.sleep(0.01)
            # httpx's connection schedules its last callbacks as the answer ends: run
            # them in the loop. Left for Qt to run once the loop stopped, they failed
            # with "no running event loop".
            await asyncio.sleep(0.05)

        self.loop.run_until_complete(asyncio.wait_for(answered(), 10))
        return self.finished[-1]

    def wait_for_title(self, conversation_id: str) -> str:
        """The conversation's title once any title request for it has ended."""
        task = self.runner.get(f"title:{conversation_id}")
        if task is not None:
            self.loop.run_until_complete(asyncio.wait_for(asyncio.shield(task), 10))
        return self.store.get_conversation(conversation_id).title


@pytest.fixture
def chat(qloop: qasync.QEventLoop, fake_mistral: FakeMistral, tmp_path: Path) -> Iterator[Chat]:
    environ = {"MAESTRALE_BASE_URL": fake_mistral.base_url, "MISTRAL_API_KEY": "test-key"}
    config = load_config(environ, data_dir=str(tmp_path / "data"))
    store = ConversationStore.open(config.paths.database)
    clients = ClientSource(lambda: config, ApiKeys(environ))
    catalog = ModelCatalog(tmp_path / "models-cache.json", fake_mistral.base_url)
    qloop.run_until_complete(catalog.refresh(clients.client()))
    runner = TaskRunner()
    controller = ChatController(
        store,
        clients,
        runner,
        catalog,
        default_model=lambda: Chat.new_chat_model(chat),
        title_model=lambda: None,
    )
    finished: list[Message] = []
    controller.answer_finished.connect(finished.append)
    chat = Chat(controller, catalog, store, fake_mistral, qloop, finished, runner)
    try:
        yield chat
    finally:
        qloop.run_until_complete(controller.shutdown())
        qloop.run_until_complete(asyncio.sleep(0.05))  # the clients' last callbacks
        store.close()


def sent_model(server: FakeMistral) -> str:
    return server.chat_requests[-1].body["model"]


@pytest.mark.parametrize("model", [None, ""])
def test_a_conversation_without_a_model_continues_on_the_default(
    chat: Chat, model: str | None
) -> None:
    # As ChatGPT imports are: answers by "gpt-4o", the conversation names no model.
    conversation = chat.store.create_conversation(title="Imported", model=model)
    question = chat.store.add_message(conversation.id, role=Role.USER, content="Hi", parent_id=None)
    chat.store.add_message(
        conversation.id,
        role=Role.ASSISTANT,
        content="Hello",
        parent_id=question.id,
        model="gpt-4o",
    )
    assert chat.controller.model_for(conversation) == DEFAULT_MODEL
    chat.server.enqueue(Reply(text="Fine."))
    _, answer = chat.answer(conversation.id, "How are you?")
    assert answer.status is MessageStatus.COMPLETE
    assert sent_model(chat.server) == DEFAULT_MODEL
    # Kept from now on; the imported answer keeps the model that wrote it.
    assert chat.store.get_conversation(conversation.id).model == DEFAULT_MODEL
    assert chat.store.get_message(question.id).model is None
    assert [m.model for m in chat.store.current_path(conversation.id)][1] == "gpt-4o"


def test_a_conversation_keeps_its_own_model_even_when_not_served(chat: Chat) -> None:
    conversation = chat.store.create_conversation(title="Elsewhere", model="gpt-4o")
    _, answer = chat.answer(conversation.id, "Hi")
    assert sent_model(chat.server) == "gpt-4o"
    assert answer.status is MessageStatus.ERROR
    assert not chat.catalog.serves("gpt-4o")


def test_a_retired_default_gives_way_to_its_replacement_for_new_chats(chat: Chat) -> None:
    chat.server.retired_models = {DEFAULT_MODEL}
    assert chat.new_chat_model() == DEFAULT_MODEL  # still listed, not known yet
    first, answer = chat.answer(None, "Hi")
    assert sent_model(chat.server) == DEFAULT_MODEL
    assert answer.status is MessageStatus.ERROR
    assert "mistral-large-2512" in (answer.error or "")

    chat.server.enqueue(Reply(text="Hello."))
    _, answer = chat.answer(None, "Hi again")
    assert sent_model(chat.server) == "mistral-large-2512"
    assert answer.status is MessageStatus.COMPLETE
    # The failed conversation keeps its model: the picker marks it, with Switch.
    assert chat.store.get_conversation(first).model == DEFAULT_MODEL


def test_a_model_served_again_is_chosen_again(chat: Chat) -> None:
    chat.catalog.note_refused(DEFAULT_MODEL)
    conversation = chat.store.create_conversation(title="Old", model=DEFAULT_MODEL)
    chat.server.enqueue(Reply(text="Still here."))
    chat.answer(conversation.id, "Hi")
    assert chat.new_chat_model() == DEFAULT_MODEL


def test_other_failures_say_nothing_about_the_model(chat: Chat) -> None:
    chat.server.enqueue(Reply(status=422))
    _, answer = chat.answer(None, "Hi")
    assert answer.status is MessageStatus.ERROR
    assert chat.catalog.serves(DEFAULT_MODEL)


def test_continue_carries_the_answer_on_in_place(chat: Chat) -> None:
    chat.server.enqueue(Reply(text="one two three four", cut_after=2))
    conversation_id, cut = chat.answer(None, "Count")
    assert cut.content == "one two"
    chat.server.enqueue(
        Reply(text=" three four.", usage={"prompt_tokens": 9, "completion_tokens": 3})
    )
    answer = chat.continue_answer(cut)
    # The same message, longer: no second version beside the cut one.
    assert answer.id == cut.id
    assert (answer.content, answer.status, answer.error) == (
        "one two three four.",
        MessageStatus.COMPLETE,
        None,
    )
    # The continuation's counts and end: its prompt held the cut text already.
    assert (answer.usage.prompt_tokens, answer.usage.completion_tokens) == (9, 3)
    assert answer.finish_reason == "stop"
    tree = chat.store.tree(conversation_id)
    assert len(tree) == 2
    assert chat.store.current_path(conversation_id)[-1] == answer
    continued = [r.body for r in chat.server.chat_requests if r.body["messages"][-1].get("prefix")]
    assert [body["messages"][-1]["content"] for body in continued] == ["one two"]


def test_a_continue_cut_again_keeps_everything_that_came(chat: Chat) -> None:
    chat.server.enqueue(Reply(text="one two three four", cut_after=2))
    conversation_id, cut = chat.answer(None, "Count")
    chat.server.enqueue(Reply(text=" three four five six", cut_after=1))
    again = chat.continue_answer(cut)
    assert again.id == cut.id
    assert again.status is MessageStatus.ERROR
    assert again.content == "one two three"
    chat.server.enqueue(Reply(status=402))  # refused before a word: nothing comes
    refused = chat.continue_answer(again)
    assert (refused.id, refused.content) == (cut.id, "one two three")
    assert refused.status is MessageStatus.ERROR
    assert refused.error is not None
    assert len(chat.store.tree(conversation_id)) == 2


def test_a_continue_keeps_the_title_the_cut_answer_got(chat: Chat) -> None:
    chat.server.enqueue(Reply(text="one two", finish_reason="length"))
    chat.server.enqueue(Reply(text="Counting to four"))  # the title
    conversation_id, cut = chat.answer(None, "Count")
    assert (cut.status, cut.finish_reason) == (MessageStatus.COMPLETE, "length")
    assert chat.wait_for_title(conversation_id) == "Counting to four"
    asked = len(chat.server.chat_requests)
    chat.server.enqueue(Reply(text=" three four."))
    answer = chat.continue_answer(cut)
    assert answer.content == "one two three four."
    # Named when it first ended: no second title request, no new title.
    assert chat.wait_for_title(conversation_id) == "Counting to four"
    assert len(chat.server.chat_requests) == asked + 1


def test_a_continue_of_a_stopped_answer_keeps_a_generated_title(chat: Chat) -> None:
    chat.server.enqueue(Reply(text="one two", finish_reason="length"))
    chat.server.enqueue(Reply(text="Counting to four"))  # the title
    conversation_id, cut = chat.answer(None, "Count")
    assert chat.wait_for_title(conversation_id) == "Counting to four"
    chat.server.enqueue(Reply(text=" three four five six", cut_after=1))
    broken = chat.continue_answer(cut)
    assert broken.status is MessageStatus.ERROR
    chat.server.enqueue(Reply(text=" four."))
    answer = chat.continue_answer(broken)
    assert answer.status is MessageStatus.COMPLETE
    assert chat.wait_for_title(conversation_id) == "Counting to four"


def test_a_continued_answer_that_never_ended_whole_is_titled(chat: Chat) -> None:
    chat.server.enqueue(Reply(text="one two three four", cut_after=2))
    conversation_id, cut = chat.answer(None, "Count")
    assert cut.status is MessageStatus.ERROR
    chat.server.enqueue(Reply(text=" three four."))
    chat.server.enqueue(Reply(text="Counting to four"))  # the title, now
    chat.continue_answer(cut)
    assert chat.wait_for_title(conversation_id) == "Counting to four"


def _after_the_final_save(chat: Chat, then: Callable[[], None]) -> None:
    """Have ``then`` scheduled on the event loop as the history stores an answer's end."""
    finish_answer = chat.store.finish_answer

    def finishing(*args: Any, **kwargs: Any) -> Any:
        stored = finish_answer(*args, **kwargs)
        chat.loop.call_soon(then)
        return stored

    chat.store.finish_answer = finishing  # type: ignore[method-assign]


def test_the_window_is_told_of_an_answers_end_a_loop_turn_after_it_is_stored(
    chat: Chat,
) -> None:
    # Storing a long answer and showing its end in one stretch held the window 15-25 ms.
    order: list[str] = []
    _after_the_final_save(chat, lambda: order.append("the loop's turn"))
    chat.controller.answer_finished.connect(lambda _message: order.append("told"))
    chat.server.enqueue(Reply(text="A whole answer."))
    chat.answer(None, "Hello")
    assert order == ["the loop's turn", "told"]


def test_a_stop_as_the_answer_ends_keeps_it_ended_whole(chat: Chat) -> None:
    # Too late to cut it: stored whole, it is shown so and named as any answer is.
    conversation_ids: list[str] = []
    _after_the_final_save(chat, lambda: chat.controller.stop(conversation_ids[0]))
    chat.controller.conversation_created.connect(conversation_ids.append)
    chat.server.enqueue(Reply(text="Counting to four."))
    chat.server.enqueue(Reply(text="Counting"))  # the title
    conversation_id, answer = chat.answer(None, "Count")
    assert answer.status is MessageStatus.COMPLETE
    assert answer.content == "Counting to four."
    assert chat.wait_for_title(conversation_id) == "Counting"


def _busy_told(chat: Chat) -> list[tuple[str, bool]]:
    told: list[tuple[str, bool]] = []
    chat.controller.streaming_changed.connect(lambda c, busy: told.append((c, busy)))
    return told


def test_a_question_is_said_busy_before_its_request_goes_out(chat: Chat) -> None:
    # Stop shows in the same paint as the question, not in one of its own after it.
    told = _busy_told(chat)
    chat.server.enqueue(Reply(text="An answer."))
    conversation_id = chat.controller.send(None, "Hello", NewChat(chat.new_chat_model()))
    assert conversation_id is not None
    assert told == [(conversation_id, True)]
    assert chat.server.chat_requests == []  # said before the event loop ran the request
    chat.wait_for_answer(conversation_id, 0)
    assert told == [(conversation_id, True), (conversation_id, False)]  # once each


def test_a_stop_before_the_request_went_out_stops_it_as_any_stop(chat: Chat) -> None:
    # Stop shows with the question, before its task has run: pressed then, the answer
    # is stopped once under way, and says so as when its request was out.
    told = _busy_told(chat)
    chat.server.enqueue(Reply(text="Never seen."))
    conversation_id = chat.controller.send(None, "Hello", NewChat(chat.new_chat_model()))
    assert conversation_id is not None
    assert chat.controller.stop(conversation_id)
    answer = chat.wait_for_answer(conversation_id, 0)
    assert answer.status is MessageStatus.INTERRUPTED
    assert answer.content == ""
    assert told == [(conversation_id, True), (conversation_id, False)]
    stored = chat.store.messages(conversation_id)
    assert [(m.role, m.status) for m in stored] == [
        (Role.USER, MessageStatus.COMPLETE),
        (Role.ASSISTANT, MessageStatus.INTERRUPTED),
    ]


def test_an_answer_cancelled_before_it_ran_leaves_the_question_unanswered(chat: Chat) -> None:
    # As when the app closes just after a question: its task never runs.
    told = _busy_told(chat)
    branches: list[str] = []
    chat.controller.branch_changed.connect(branches.append)
    conversation_id = chat.controller.send(None, "Hello", NewChat(chat.new_chat_model()))
    assert conversation_id is not None
    task = chat.runner.get(f"answer:{conversation_id}")
    assert task is not None
    task.cancel()
    chat.loop.run_until_complete(asyncio.sleep(0.05))
    assert told == [(conversation_id, True), (conversation_id, False)]
    assert branches == [conversation_id]  # shown again as stored: the question alone
    assert not chat.controller.is_streaming(conversation_id)
    assert [m.role for m in chat.store.messages(conversation_id)] == [Role.USER]
    assert chat.server.chat_requests == []
    # Nothing holds the conversation: it is asked again at once.
    chat.server.enqueue(Reply(text="An answer."))
    _, answer = chat.answer(conversation_id, "Hello again")
    assert answer.content == "An answer."


def test_a_later_answers_end_reads_none_of_the_conversations_texts(
    chat: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Whether to name the conversation was decided on its every text, read at every
    # answer's end (a long conversation: milliseconds before the window showed it).
    chat.server.enqueue(Reply(text="First answer."))
    chat.server.enqueue(Reply(text="Named"))  # the title
    conversation_id, _ = chat.answer(None, "Hello")
    assert chat.wait_for_title(conversation_id) == "Named"
    ended: list[Message] = []
    chat.controller.answer_finished.connect(ended.append)
    read_after_the_end: list[str] = []
    messages = chat.store.messages

    def spied(conversation: str) -> list[Message]:
        if ended:
            read_after_the_end.append(conversation)
        return messages(conversation)

    monkeypatch.setattr(chat.store, "messages", spied)
    chat.server.enqueue(Reply(text="Second answer."))
    _, answer = chat.answer(conversation_id, "And then?")
    assert ended == [answer]
    assert read_after_the_end == []
    assert chat.wait_for_title(conversation_id) == "Named"  # not asked again

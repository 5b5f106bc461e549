"""The model calls tools: each call runs (after the person's word where the tool asks
for it), its result is stored under the answer and sent back, until the model answers
in words; what a call is doing is told as it goes, and calls that got no result keep
why (stopped, cut by closing or a crash, tools off, rounds used up). Against the fake
server, with a real store and controller."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import qasync

from app.api.types import ToolSpec
from app.chat.catalog import ModelCatalog
from app.chat.clients import ClientSource
from app.chat.controller import ChatController, NewChat
from app.chat.tool_calls import (
    ASKING,
    CLOSED,
    DECLINED,
    MAX_ROUNDS,
    ROUNDS_USED,
    RUNNING,
    STOPPED,
    STOPPED_ASKING,
    TOOLS_OFF,
    CallActivity,
    ChatTools,
)
from app.config import load_config
from app.domain.messages import Message, MessageStatus, Role, ToolCall
from app.secrets import ApiKeys
from app.store.conversations import ConversationStore
from app.tasks import TaskRunner
from app.tools.registry import Tool, ToolOutput, ToolRegistry
from tests.fake_mistral import FakeMistral, Reply

ADD = ToolSpec(
    "add",
    "Adds two numbers.",
    {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}},
)
ERASE = ToolSpec("erase", "Erases a file.", {"type": "object", "properties": {}})


@dataclass
class Tools:
    """A provider of two tools: ``add`` runs freely, ``erase`` asks first."""

    enabled: bool = True
    erased: list[dict[str, Any]] = field(default_factory=list)

    def tools(self) -> list[Tool]:
        return [
            Tool(ADD, "Test", self._add, ask_first=False),
            Tool(ERASE, "Test", self._erase, ask_first=True),
        ]

    async def _add(self, arguments: dict[str, Any]) -> ToolOutput:
        return ToolOutput(str(arguments["a"] + arguments["b"]))

    async def _erase(self, arguments: dict[str, Any]) -> ToolOutput:
        self.erased.append(arguments)
        return ToolOutput("erased")


@dataclass
class Chat:
    controller: ChatController
    store: ConversationStore
    server: FakeMistral
    loop: qasync.QEventLoop
    tools: Tools
    chat_tools: ChatTools
    asked: list[tuple[str, ToolCall]] = field(default_factory=list)
    answers: list[bool] = field(default_factory=list)  # the person's next words, in order
    told: list[str] = field(default_factory=list)  # what the window would show in toasts

    def ask(self, text: str, kind: str = "chat") -> str:
        sent = self.controller.send(None, text, NewChat("mistral-large-2411", kind=kind))
        assert sent is not None
        return sent

    def wait(self, condition: Any, seconds: float = 10) -> None:
        async def until() -> None:
            while not condition():
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.05)  # httpx's last callbacks, in the loop

        self.loop.run_until_complete(asyncio.wait_for(until(), seconds))

    def path(self, conversation_id: str) -> list[Message]:
        return self.store.current_path(conversation_id)

    def sent(self) -> list[dict[str, Any]]:
        return [r.body for r in self.server.chat_requests if r.body.get("stream")]


@pytest.fixture
def chat(qloop: qasync.QEventLoop, fake_mistral: FakeMistral, tmp_path: Path) -> Iterator[Chat]:
    environ = {"MAESTRALE_BASE_URL": fake_mistral.base_url, "MISTRAL_API_KEY": "test-key"}
    config = load_config(environ, data_dir=str(tmp_path / "data"))
    store = ConversationStore.open(config.paths.database)
    clients = ClientSource(lambda: config, ApiKeys(environ))
    catalog = ModelCatalog(tmp_path / "models-cache.json", fake_mistral.base_url)
    tools = Tools()
    told: list[str] = []
    chat_tools = ChatTools(ToolRegistry([tools]), enabled=lambda: tools.enabled, tell=told.append)
    controller = ChatController(
        store,
        clients,
        TaskRunner(),
        catalog,
        default_model=lambda: "mistral-large-2411",
        title_model=lambda: None,
        tools=chat_tools,
    )
    chat = Chat(controller, store, fake_mistral, qloop, tools, chat_tools, told=told)

    async def approve(conversation_id: str, tool: Tool, call: ToolCall) -> bool:
        chat.asked.append((tool.name, call))
        while not chat.answers:
            await asyncio.sleep(0.01)
        return chat.answers.pop(0)

    chat_tools.set_approver(approve)
    try:
        yield chat
    finally:
        qloop.run_until_complete(controller.shutdown())
        qloop.run_until_complete(asyncio.sleep(0.05))


def _calls(*calls: tuple[str, dict[str, Any]]) -> Reply:
    return Reply(tool_calls=[{"name": name, "arguments": args} for name, args in calls])


def test_a_call_runs_its_result_goes_back_and_the_model_answers_in_words(chat: Chat) -> None:
    chat.server.enqueue(_calls(("add", {"a": 2, "b": 40})))
    chat.server.enqueue(Reply(text="It makes 42."))
    conversation = chat.ask("What is 2 + 40?")
    chat.wait(lambda: not chat.controller.is_streaming(conversation))
    path = chat.path(conversation)
    assert [m.role for m in path] == [Role.USER, Role.ASSISTANT, Role.TOOL, Role.ASSISTANT]
    call, result, final = path[1].tool_calls[0], path[2], path[3]
    assert (result.content, result.name, result.tool_call_id) == ("42", "add", call.id)
    assert final.content == "It makes 42."
    assert final.status is MessageStatus.COMPLETE
    first, second = chat.sent()
    assert [t["function"]["name"] for t in first["tools"]] == ["add", "erase"]
    # The second request carries the call and its result, paired by the call's id.
    roles = [m["role"] for m in second["messages"]]
    assert roles == ["user", "assistant", "tool"]
    assert second["messages"][1]["tool_calls"][0]["id"] == second["messages"][2]["tool_call_id"]
    assert second["messages"][2]["content"] == "42"
    assert chat.asked == []  # add asks nobody


def test_a_tool_that_asks_first_runs_only_once_allowed(chat: Chat) -> None:
    chat.server.enqueue(_calls(("erase", {"path": "notes.txt"})))
    chat.server.enqueue(Reply(text="Done."))
    conversation = chat.ask("Erase my notes")
    chat.wait(lambda: len(chat.asked) == 1)
    assert chat.tools.erased == []  # nothing ran before the person's word
    assert chat.controller.is_streaming(conversation)  # Stop stays possible
    chat.answers.append(True)
    chat.wait(lambda: not chat.controller.is_streaming(conversation))
    assert chat.tools.erased == [{"path": "notes.txt"}]
    assert chat.path(conversation)[-1].content == "Done."


def test_a_declined_call_does_not_run_and_the_model_is_told(chat: Chat) -> None:
    chat.server.enqueue(_calls(("erase", {"path": "notes.txt"})))
    chat.server.enqueue(Reply(text="As you wish."))
    chat.answers.append(False)
    conversation = chat.ask("Erase my notes")
    chat.wait(lambda: not chat.controller.is_streaming(conversation))
    assert chat.tools.erased == []
    result = chat.path(conversation)[2]
    assert (result.role, result.content) == (Role.TOOL, DECLINED)
    assert chat.sent()[-1]["messages"][-1]["content"] == DECLINED


def test_stop_while_a_call_waits_ends_the_answer_and_runs_nothing(chat: Chat) -> None:
    chat.server.enqueue(_calls(("erase", {"path": "notes.txt"})))
    conversation = chat.ask("Erase my notes")
    chat.wait(lambda: len(chat.asked) == 1)
    assert chat.controller.stop(conversation)
    chat.wait(lambda: not chat.controller.is_streaming(conversation))
    assert chat.tools.erased == []
    path = chat.path(conversation)
    assert [m.role for m in path] == [Role.USER, Role.ASSISTANT]
    assert path[1].error == STOPPED_ASKING  # said under the call, not told the model
    # The next question is still a valid conversation: the unrun call told in words.
    chat.server.enqueue(Reply(text="Fine."))
    chat.controller.send(conversation, "Never mind", NewChat("mistral-large-2411"))
    chat.wait(lambda: not chat.controller.is_streaming(conversation))
    sent = chat.sent()[-1]["messages"]
    assert [m["role"] for m in sent] == ["user", "assistant", "user"]
    assert "erase" in sent[1]["content"]


def test_stop_as_the_calling_answer_ends_runs_nothing(chat: Chat) -> None:
    # The window gets a turn of the event loop between the answer's final save and its
    # showing: a Stop made then comes too late to cut the answer, not to stop its calls.
    conversation_ids: list[str] = []
    chat.controller.conversation_created.connect(conversation_ids.append)
    finish_answer = chat.store.finish_answer

    def finishing(*args: Any, **kwargs: Any) -> Any:
        stored = finish_answer(*args, **kwargs)
        chat.loop.call_soon(chat.controller.stop, conversation_ids[0])
        return stored

    chat.store.finish_answer = finishing  # type: ignore[method-assign]
    chat.server.enqueue(_calls(("add", {"a": 2, "b": 40})))
    chat.server.enqueue(Reply(text="It makes 42."))
    conversation = chat.ask("What is 2 + 40?")
    chat.wait(lambda: not chat.controller.is_streaming(conversation))
    path = chat.path(conversation)
    assert [m.role for m in path] == [Role.USER, Role.ASSISTANT]
    assert path[1].status is MessageStatus.COMPLETE
    assert path[1].error == STOPPED_ASKING  # said under the call
    assert len(chat.sent()) == 1  # no second request


def test_a_model_that_keeps_calling_is_made_to_answer_in_words(chat: Chat) -> None:
    for _ in range(MAX_ROUNDS + 1):
        chat.server.enqueue(_calls(("add", {"a": 1, "b": 1})))
    chat.server.enqueue(Reply(text="Two, I promise."))
    conversation = chat.ask("1 + 1, many times")
    chat.wait(lambda: not chat.controller.is_streaming(conversation), seconds=30)
    sent = chat.sent()
    assert len(sent) == MAX_ROUNDS + 2
    assert all(body.get("tool_choice") != "none" for body in sent[:-1])
    assert sent[-1]["tool_choice"] == "none"
    results = [m for m in chat.path(conversation) if m.role is Role.TOOL]
    assert [r.content for r in results[:MAX_ROUNDS]] == ["2"] * MAX_ROUNDS
    assert results[-1].content.startswith("Not run")
    assert chat.path(conversation)[-1].content == "Two, I promise."


def test_no_tools_are_offered_while_they_are_off_nor_in_quick_exchanges(chat: Chat) -> None:
    chat.tools.enabled = False
    first = chat.ask("Hello")
    chat.wait(lambda: not chat.controller.is_streaming(first))
    chat.tools.enabled = True
    quick = chat.ask("Hello from the quick window", kind="quick")
    chat.wait(lambda: not chat.controller.is_streaming(quick))
    assert [("tools" in body) for body in chat.sent()] == [False, False]


def test_a_tool_error_is_the_result_the_model_reads(chat: Chat) -> None:
    chat.server.enqueue(Reply(tool_calls=[{"name": "add", "arguments": "{not json"}]))
    chat.server.enqueue(_calls(("nowhere", {})))
    chat.server.enqueue(Reply(text="Sorry."))
    conversation = chat.ask("Break it")
    chat.wait(lambda: not chat.controller.is_streaming(conversation))
    results = [m.content for m in chat.path(conversation) if m.role is Role.TOOL]
    assert results[0].startswith("The arguments are not valid JSON")
    assert results[1] == "There is no tool named 'nowhere' now."
    assert json.dumps(chat.sent()[-1])  # every request was sent and accepted
    assert chat.path(conversation)[-1].content == "Sorry."


def test_calls_to_tools_not_offered_are_shown_not_run(chat: Chat) -> None:
    """Tools off: a server with tools of its own may still answer with calls."""
    chat.tools.enabled = False
    chat.server.enqueue(_calls(("erase", {"path": "notes.txt"})))
    conversation = chat.ask("Erase my notes")
    chat.wait(lambda: not chat.controller.is_streaming(conversation))
    assert [m.role for m in chat.path(conversation)] == [Role.USER, Role.ASSISTANT]
    assert chat.asked == []
    assert chat.tools.erased == []
    assert len(chat.sent()) == 1


def test_a_server_that_ignores_answer_in_words_is_asked_no_more(chat: Chat) -> None:
    for _ in range(MAX_ROUNDS + 15):  # calls, whatever tool_choice says
        chat.server.enqueue(_calls(("add", {"a": 1, "b": 1})))
    conversation = chat.ask("1 + 1, for ever")
    chat.wait(lambda: not chat.controller.is_streaming(conversation), seconds=30)
    assert len(chat.sent()) == MAX_ROUNDS + 2  # the last one said tool_choice "none"
    last = chat.path(conversation)[-1]
    assert (last.role, len(last.tool_calls)) == (Role.ASSISTANT, 1)  # shown, not run


# What a round tells while it goes, and what it keeps when its calls got no result.

SLOW = ToolSpec("slow", "Waits, then answers.", {"type": "object", "properties": {}})


class Slow:
    """A tool that runs until the test lets it answer (or fail, with ``fails``)."""

    def __init__(self) -> None:
        self.started = False
        self.release = asyncio.Event()
        self.fails = False

    def tools(self) -> list[Tool]:
        return [Tool(SLOW, "Test", self._run, ask_first=False)]

    async def _run(self, _arguments: dict[str, Any]) -> ToolOutput:
        self.started = True
        await self.release.wait()
        if self.fails:
            raise RuntimeError("it broke")
        return ToolOutput("awake")


def _with_slow(chat: Chat) -> tuple[Slow, list[CallActivity]]:
    slow = Slow()
    chat.chat_tools.registry = ToolRegistry([chat.tools, slow])
    told: list[CallActivity] = []
    chat.controller.tool_activity.connect(told.append)
    return slow, told


def _answer(chat: Chat, conversation: str) -> Message:
    return next(m for m in chat.path(conversation) if m.tool_calls)


def test_a_running_call_is_told_and_its_end_too(chat: Chat) -> None:
    slow, told = _with_slow(chat)
    chat.server.enqueue(_calls(("slow", {})), Reply(text="Done."))
    conversation = chat.ask("Take your time")
    chat.wait(lambda: slow.started)
    answer = _answer(chat, conversation)
    running = chat.controller.tool_activity_in(conversation)
    assert running is not None
    assert (running.answer_id, running.call_id, running.state) == (
        answer.id,
        answer.tool_calls[0].id,
        RUNNING,
    )
    assert told == [running]
    # Meanwhile the answer says the calls were cut, should the app be killed now: read
    # from the file by another connection, as the next start would.
    other = ConversationStore.open(chat.store.path)
    try:
        assert other.get_message(answer.id).error == CLOSED
    finally:
        other.close()
    slow.release.set()
    chat.wait(lambda: not chat.controller.is_streaming(conversation))
    assert told[-1] == CallActivity(conversation, answer.id)  # over: no call under way
    assert chat.controller.tool_activity_in(conversation) is None
    assert chat.store.get_message(answer.id).error is None  # its calls got their results


def test_a_call_that_fails_is_over_too(chat: Chat) -> None:
    slow, told = _with_slow(chat)
    slow.fails = True
    chat.server.enqueue(_calls(("slow", {})), Reply(text="It broke."))
    conversation = chat.ask("Take your time")
    chat.wait(lambda: slow.started)
    slow.release.set()
    chat.wait(lambda: not chat.controller.is_streaming(conversation))
    assert [a.state for a in told] == [RUNNING, ""]
    result = chat.path(conversation)[2]
    assert (result.role, result.content) == (Role.TOOL, "slow failed: it broke")
    assert _answer(chat, conversation).error is None  # it got a result: an error


def test_a_call_waiting_for_the_person_is_told_then_running(chat: Chat) -> None:
    _slow, told = _with_slow(chat)
    chat.server.enqueue(_calls(("erase", {"path": "a"})), Reply(text="Gone."))
    conversation = chat.ask("Erase a")
    chat.wait(lambda: len(chat.asked) == 1)
    assert [a.state for a in told] == [ASKING]
    chat.answers.append(True)
    chat.wait(lambda: not chat.controller.is_streaming(conversation))
    assert [a.state for a in told] == [ASKING, RUNNING, ""]


def test_stop_while_a_call_runs_keeps_that_you_stopped_it(chat: Chat) -> None:
    slow, told = _with_slow(chat)
    stored: list[Message] = []
    chat.controller.message_stored.connect(stored.append)
    chat.server.enqueue(_calls(("slow", {})))
    conversation = chat.ask("Take your time")
    chat.wait(lambda: slow.started)
    assert chat.controller.stop(conversation)
    chat.wait(lambda: not chat.controller.is_streaming(conversation))
    answer = _answer(chat, conversation)
    assert answer.error == STOPPED
    assert stored[-1].id == answer.id  # the window learns it at once
    assert stored[-1].error == STOPPED
    assert told[-1].call_id == ""
    # In the file, for the next start.
    reopened = ConversationStore.open(chat.store.path)
    try:
        assert reopened.get_message(answer.id).error == STOPPED
    finally:
        reopened.close()


def test_closing_while_a_call_runs_keeps_that_maestrale_closed(chat: Chat) -> None:
    slow, _told = _with_slow(chat)
    chat.server.enqueue(_calls(("slow", {})))
    conversation = chat.ask("Take your time")
    chat.wait(lambda: slow.started)
    chat.loop.run_until_complete(chat.controller.shutdown())
    assert _answer(chat, conversation).error == CLOSED


def test_calls_made_while_tools_are_off_keep_that_they_were(chat: Chat) -> None:
    chat.tools.enabled = False
    chat.server.enqueue(_calls(("erase", {"path": "notes.txt"})))
    conversation = chat.ask("Erase my notes")
    chat.wait(lambda: not chat.controller.is_streaming(conversation))
    assert _answer(chat, conversation).error == TOOLS_OFF
    # Not a reason the model reads: the request after it tells the call in words.
    chat.tools.enabled = True
    chat.server.enqueue(Reply(text="Fine."))
    chat.controller.send(conversation, "Never mind", NewChat("mistral-large-2411"))
    chat.wait(lambda: not chat.controller.is_streaming(conversation))
    sent = chat.sent()[-1]["messages"]
    assert TOOLS_OFF not in str(sent)
    assert "erase" in sent[1]["content"]


def test_calls_past_the_last_round_keep_that_the_rounds_were_used(chat: Chat) -> None:
    for _ in range(MAX_ROUNDS + 15):  # calls, whatever tool_choice says
        chat.server.enqueue(_calls(("add", {"a": 1, "b": 1})))
    conversation = chat.ask("1 + 1, for ever")
    chat.wait(lambda: not chat.controller.is_streaming(conversation), seconds=30)
    last = chat.path(conversation)[-1]
    assert (last.role, last.error) == (Role.ASSISTANT, ROUNDS_USED)
    ran = [m for m in chat.path(conversation) if m.role is Role.ASSISTANT][:-1]
    assert all(m.error is None for m in ran)  # those got their results

"""The model calls tools: each call runs (after the person's word where the tool asks
for it), its result is stored under the answer and sent back, until the model answers
in words. Against the fake server, with a real store and controller."""

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
from app.chat.tool_calls import DECLINED, MAX_ROUNDS, ChatTools
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
    chat_tools = ChatTools(ToolRegistry([tools]), enabled=lambda: tools.enabled)
    controller = ChatController(
        store,
        clients,
        TaskRunner(),
        catalog,
        default_model=lambda: "mistral-large-2411",
        title_model=lambda: None,
        tools=chat_tools,
    )
    chat = Chat(controller, store, fake_mistral, qloop, tools, chat_tools)

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
    # The next question is still a valid conversation: the unrun call told in words.
    chat.server.enqueue(Reply(text="Fine."))
    chat.controller.send(conversation, "Never mind", NewChat("mistral-large-2411"))
    chat.wait(lambda: not chat.controller.is_streaming(conversation))
    sent = chat.sent()[-1]["messages"]
    assert [m["role"] for m in sent] == ["user", "assistant", "user"]
    assert "erase" in sent[1]["content"]


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

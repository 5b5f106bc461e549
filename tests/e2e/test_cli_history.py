"""``maestrale export`` and ``import`` as a user runs them, on a real history file."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from app.answering.recorder import STOPPED_BY_USER
from app.api.types import ToolSpec
from app.chat.tool_calls import ChatTools
from app.domain.messages import MessageStatus, Role, ToolCall
from app.store.conversations import ConversationStore
from app.store.transfer import export_json
from app.tools.registry import Tool, ToolOutput, ToolRegistry
from tests.fake_mistral import FakeMistral, Reply
from tests.helpers.cli import Cli, make_cli
from tests.helpers.terminal import Terminal, screen

pytestmark = pytest.mark.e2e


@pytest.fixture
def cli(tmp_path: Path, fake_mistral: FakeMistral) -> Cli:
    return make_cli(tmp_path, fake_mistral.base_url)


class _Tools:
    """``erase`` asks first (and is declined below); ``lookup`` fails."""

    def tools(self) -> list[Tool]:
        empty = {"type": "object", "properties": {}}
        return [
            Tool(ToolSpec("erase", "Erases a file.", empty), "Test", self._never, ask_first=True),
            Tool(ToolSpec("lookup", "Looks up.", empty), "Test", self._broken, ask_first=False),
        ]

    async def _never(self, arguments: dict[str, Any]) -> ToolOutput:
        raise AssertionError("a declined call ran")

    async def _broken(self, arguments: dict[str, Any]) -> ToolOutput:
        raise OSError("no network")


async def _decline(conversation_id: str, tool: Tool, call: ToolCall) -> bool:
    return False


def _add_tool_results(database: Path) -> None:
    """Beside the failed answer, one that called two tools: one call the person declined,
    one that failed, stored as the window stores them; then an answer stopped with Esc."""
    store = ConversationStore.open(database)
    try:
        [question] = [
            m for m in store.messages(store.list_conversations()[0].id) if m.parent_id is None
        ]
        calls = [
            ToolCall(id=f"call0000{n}", name=name, arguments="{}")
            for n, name in ((1, "erase"), (2, "lookup"))
        ]
        asking = store.add_message(
            question.conversation_id,
            role=Role.ASSISTANT,
            content="",
            parent_id=question.id,
            tool_calls=calls,
        )
        tools = ChatTools(ToolRegistry([_Tools()]), enabled=lambda: True)
        tools.set_approver(_decline)
        done = asyncio.run(
            tools.run_round(store, asking, too_many=False, on_stored=lambda _m: None)
        )
        stopped = {"status": MessageStatus.INTERRUPTED, "error": STOPPED_BY_USER}
        store.add_message(
            question.conversation_id,
            role=Role.ASSISTANT,
            content="Partial answer",
            parent_id=done.last_id,
            **stopped,
        )
    finally:
        store.close()


def test_markdown_export_says_what_became_of_each_message(
    cli: Cli, fake_mistral: FakeMistral
) -> None:
    # It read "> **Complete:** Not run: you chose Don't run." under a tool's result.
    fake_mistral.enqueue(Reply(status=429, retry_after="3600"))
    assert cli.run("ask", "Erase my notes").returncode == 4  # a failed answer, stored
    _add_tool_results(cli.data_dir / "history.sqlite3")

    result = cli.run("export", "--format", "md")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "Complete" not in text
    assert "**Tool result** (erase)\n\n> *Not run: you chose Don't run.*\n\n```\n" in text
    assert (
        "**Tool result** (lookup)\n\n> *Failed: the result says why.*\n\n"
        "```\nlookup failed: no network\n```"
    ) in text
    assert (
        "**Assistant** — *interrupted*\n\nPartial answer\n\n"
        "> *Stopped before the end; the text so far is kept.*"
    ) in text
    assert "**Assistant** (mistral-large-2411) — *failed*\n\n> *Rate limit reached (429)" in text

    # The JSON export, a contract, keeps the stored status and words.
    exported = json.loads(cli.run("export", "--format", "json").stdout)
    by_role: dict[str, list[dict[str, Any]]] = {}
    for message in exported["conversations"][0]["messages"]:
        by_role.setdefault(message["role"], []).append(message)
    assert [(m["status"], m["error"]) for m in by_role["tool"]] == [
        ("complete", "Not run: you chose Don't run."),
        ("complete", "Failed: the result says why."),
    ]
    assert [m["status"] for m in by_role["assistant"]] == ["error", "complete", "interrupted"]


def _export_of(count: int, path: Path) -> Path:
    """A Maestrale export of ``count`` conversations of one question each."""
    store = ConversationStore.open(path.parent / "elsewhere" / "history.sqlite3")
    try:
        for number in range(count):
            made = store.create_conversation(title=f"Question {number}", model=None)
            store.add_message(made.id, role=Role.USER, content=f"{number}?", parent_id=None)
        path.write_text(json.dumps(export_json(store)), encoding="utf-8")
    finally:
        store.close()
    return path


def test_import_on_a_terminal_says_how_far_it_is_then_leaves_the_summary_alone(
    cli: Cli,
) -> None:
    # A 160 MB file imported for 19 s without a word.
    export = _export_of(1200, cli.home / "backup.json")
    terminal = Terminal(cli, "import", str(export))
    assert terminal.finish() == 0
    # Each step is shown as it begins, over the line before.
    assert "\rReading backup.json (" in terminal.output
    assert "\rChecking conversations: 1 of 1,200…" in terminal.output
    assert "\rImporting conversations: 0 of 1,200…" in terminal.output
    assert "\rSaving to the history…" in terminal.output
    # Then the line is wiped: the summary is all that stays.
    assert screen(terminal.output) == ["Imported 1200 conversations.", ""]


def test_import_into_a_pipe_prints_what_it_always_did(cli: Cli) -> None:
    # A script reading the output gets the summary, and nothing of the progress.
    result = cli.run("import", str(_export_of(1200, cli.home / "backup.json")))
    assert result.returncode == 0
    assert result.stdout == "Imported 1200 conversations.\n"
    assert result.stderr == ""


def test_import_help_says_what_it_does_and_what_file_it_takes(cli: Cli) -> None:
    # It showed "positional arguments: FILE" and nothing more.
    shown = " ".join(cli.run("import", "--help").stdout.split())
    assert "Import a Maestrale JSON export, or ChatGPT's conversations.json" in shown
    assert "FILE the file: an export (.json), ChatGPT's conversations.json or its .zip" in shown

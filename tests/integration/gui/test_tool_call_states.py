"""A tool call's states in the transcript: waiting for the person, running (its
seconds counted), stopped or cut by closing (each said as such, when the conversation
is read again from the history too), the call's bubble laid out anew at each change,
in both themes; long results folded to their first lines."""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from app.api.types import ToolSpec
from app.chat.tool_calls import CLOSED, RESULT_NOT_SAVED, STOPPED, STOPPED_ASKING, TOOLS_OFF
from app.domain.messages import Role, ToolCall
from app.tools.registry import MAX_OUTPUT_CHARS, Tool, ToolOutput, ToolRegistry
from app.ui.transcript.folding import PREVIEW_LINES
from tests.fake_mistral import Reply
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.folded import tab_to
from tests.integration.gui.test_chat_window import last_item
from tests.integration.gui.test_tool_calls_window import (
    _bar,
    _erase_call,
    _servers_on,
    _with_tools,
)
from tests.integration.tools.test_mcp import SERVER

SLOW = ToolSpec("slow", "Waits, then answers.", {"type": "object", "properties": {}})
HUGE = ToolSpec("huge", "Gives a lot back.", {"type": "object", "properties": {}})
HUGE_TEXT = ("0123456789abcdef\n" * 120_000)[:2_000_000]


class Slow:
    """``slow`` runs until the test lets it answer; ``huge`` gives 2,000,000 characters."""

    def __init__(self) -> None:
        self.started = False
        self.release = asyncio.Event()

    def tools(self) -> list[Tool]:
        return [
            Tool(SLOW, "Test", self._slow, ask_first=False),
            Tool(HUGE, "Test", self._huge, ask_first=False),
        ]

    async def _slow(self, _arguments: dict[str, Any]) -> ToolOutput:
        self.started = True
        await self.release.wait()
        return ToolOutput("awake")

    async def _huge(self, _arguments: dict[str, Any]) -> ToolOutput:
        return ToolOutput(HUGE_TEXT)


def _with_slow(gui: Gui) -> Slow:
    tools = _with_tools(gui)
    slow = Slow()
    gui.application.chat_tools.registry = ToolRegistry([tools, slow])
    return slow


def _call(name: str, arguments: dict[str, Any] | None = None) -> Reply:
    return Reply(tool_calls=[{"name": name, "arguments": arguments or {}}])


def assert_laid_out_whole(gui: Gui, item: Any) -> None:
    """The item has the height its contents need, and the call's lines do not overlap
    nor go past its bottom (the note was drawn over the arguments, both cut)."""
    transcript = gui.pane.transcript
    entry = transcript._by_id[item.message.id]
    assert entry.height == item.height_for_width(transcript._column_width())
    assert item.height() == entry.height
    panel = item._tool_calls
    shown = [
        label
        for label in panel.findChildren(QLabel)
        if label.isVisibleTo(panel) and label.parent() is panel
    ]
    shown.sort(key=lambda label: label.y())
    for above, below in itertools.pairwise(shown):
        assert above.geometry().bottom() < below.geometry().top(), (above.text(), below.text())
    for label in shown:
        assert label.height() >= label.heightForWidth(label.width()), label.text()
    assert panel.mapTo(item, panel.rect().bottomLeft()).y() < item.height()


def _note(item: Any) -> str:
    note = item._tool_calls._note
    return str(note.text()) if note.isVisibleTo(item) else ""


async def _open_again(gui: Gui) -> Any:
    """The conversation read again from the history, as at the next start."""
    conversation = gui.pane.conversation_id
    gui.window.new_chat()
    gui.window.open_conversation(conversation)
    await gui.settle(0.05)
    return last_item(gui, Role.ASSISTANT)


@pytest.mark.parametrize("theme", ["light", "dark"])
@in_loop
async def test_stop_while_a_call_waits_lays_the_call_out_anew_and_says_why(
    gui: Gui, theme: str
) -> None:
    gui.application.theme.apply(theme, gui.application.theme.font_size)
    _with_tools(gui)
    gui.server.enqueue(_erase_call())
    await gui.ask("Erase my notes")
    await gui.until(lambda: _bar(gui) is not None and _bar(gui).isVisible())
    caller = last_item(gui, Role.ASSISTANT)
    panel = caller._tool_calls
    assert panel.activity.startswith("Waiting for your approval")
    assert panel.accessibleName() == "Tool calls: erase waits for your approval"
    assert _note(caller) == ""
    await gui.settle(0.05)
    gui.pane.stop()  # Esc
    await gui.until(lambda: gui.pane.composer.button.text() == "Send")
    await gui.settle(0.05)
    assert panel.activity == ""
    said = _note(caller)
    assert said.startswith("You stopped this call before it ran, so no result went back")
    assert "regenerate this answer" in said
    assert_laid_out_whole(gui, caller)
    again = await _open_again(gui)  # read from the history, as after a restart
    assert _note(again) == said
    assert_laid_out_whole(gui, again)


@in_loop
async def test_a_running_call_says_so_and_counts_its_seconds(gui: Gui) -> None:
    slow = _with_slow(gui)
    gui.server.enqueue(_call("slow"), Reply(text="It woke up."))
    await gui.ask("Take your time")
    await gui.until(lambda: slow.started)
    conversation = gui.pane.conversation_id
    caller = last_item(gui, Role.ASSISTANT)
    panel = caller._tool_calls
    await gui.until(lambda: panel.activity.startswith("Running…"))
    assert panel.accessibleName() == "Tool calls: slow is running"
    assert _note(caller) == ""  # not "no result went back" while it runs
    transcript = gui.pane.transcript
    counter = transcript._tool_activity
    assert counter.counting  # one timer, the transcript's
    running = gui.application.controller.tool_activity_in(conversation)
    counter.clock = lambda: running.since + 12
    counter.tick()
    assert panel.activity == "Running… 12 s (up to 120 s; Esc stops it)"
    await gui.settle(0.05)
    assert_laid_out_whole(gui, caller)

    # Left and opened again: its new widget says it too.
    again = await _open_again(gui)
    assert again is not caller
    assert again._tool_calls.activity == "Running… 12 s (up to 120 s; Esc stops it)"

    slow.release.set()
    await gui.until(gui.answered)
    await gui.settle(0.05)
    assert again._tool_calls.activity == ""
    assert again._tool_calls.accessibleName() == "Tool calls"
    assert not counter.counting
    assert _note(again) == ""  # its result came
    assert_laid_out_whole(gui, again)


@in_loop
async def test_esc_while_a_real_mcp_tool_runs(gui: Gui) -> None:
    """The MCP echo server's ``slow``: approved, it runs; Esc stops it and says so."""
    _servers_on(gui, {"echo": {"command": sys.executable, "args": [str(SERVER)]}})
    toolbox = gui.application.toolbox
    await gui.until(lambda: toolbox.server_lines()[0].state == "ready", timeout=30)
    gui.server.enqueue(_call("slow", {"seconds": 60}))
    await gui.ask("Sleep a minute")
    await gui.until(lambda: _bar(gui) is not None and _bar(gui).isVisible())
    _bar(gui).run_button.click()
    caller = last_item(gui, Role.ASSISTANT)
    await gui.until(lambda: caller._tool_calls.activity.startswith("Running…"))
    gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_Escape)
    await gui.until(lambda: gui.pane.composer.button.text() == "Send")
    await gui.settle(0.05)
    assert caller._tool_calls.activity == ""
    assert _note(caller).startswith("You stopped this call before the tool answered")
    assert_laid_out_whole(gui, caller)
    stored = gui.store.get_message(caller.message.id)
    assert stored.error == STOPPED


def _unrun_chat(gui: Gui, why: str | None, *, answered: bool = False) -> str:
    """A conversation whose answer called a tool that gave no result, for ``why``;
    ``answered``: after another call that got its result."""
    store = gui.store
    conversation = store.create_conversation(title="Unrun", model="mistral-large-2411")
    question = store.add_message(conversation.id, role=Role.USER, content="Sleep", parent_id=None)
    first = [ToolCall("call-0", "add", '{"a": 2, "b": 40}')] if answered else []
    answer = store.add_message(
        conversation.id,
        role=Role.ASSISTANT,
        content="",
        parent_id=question.id,
        tool_calls=[*first, ToolCall("call-1", "slow", '{"seconds": 60}')],
        finish_reason="tool_calls",
    )
    store.note_calls_unrun(answer.id, why)
    for call in first:
        store.add_message(
            conversation.id,
            role=Role.TOOL,
            content="42",
            parent_id=answer.id,
            tool_call_id=call.id,
            name=call.name,
        )
    return conversation.id


@pytest.mark.parametrize(
    ("why", "said"),
    [
        (CLOSED, "Maestrale closed before the tool answered, so no result went back"),
        (STOPPED, "You stopped this call before the tool answered, so no result went back"),
        (STOPPED_ASKING, "You stopped this call before it ran, so no result went back"),
        (TOOLS_OFF, "Tools were off, so this call did not run and no result went back"),
        (RESULT_NOT_SAVED, "The tool answered, but the history could not take its result, so"),
        (None, "No result went back to the model: this call did not run here."),
    ],
)
@in_loop
async def test_a_call_without_result_says_why_as_kept(gui: Gui, why: str | None, said: str) -> None:
    gui.window.open_conversation(_unrun_chat(gui, why))
    await gui.settle(0.05)
    answer = last_item(gui, Role.ASSISTANT)
    assert _note(answer).startswith(said)
    assert_laid_out_whole(gui, answer)


def _calls(*calls: tuple[str, dict[str, Any]]) -> Reply:
    return Reply(tool_calls=[{"name": name, "arguments": arguments} for name, arguments in calls])


@pytest.mark.parametrize(
    ("first", "second", "said", "why"),
    [
        # The first call ran and got its result; the second, running, was stopped.
        (
            ("add", {"a": 2, "b": 40}),
            "slow",
            "You stopped the last call before the tool answered, so no result went back",
            STOPPED,
        ),
        # The first was refused (Don't run: that is its result); the second stopped.
        (
            ("erase", {"path": "a"}),
            "slow",
            "You stopped the last call before the tool answered, so no result went back",
            STOPPED,
        ),
        # The first ran; the second waited for the person's word and was stopped.
        (
            ("add", {"a": 2, "b": 40}),
            "erase",
            "You stopped the last call before it ran, so no result went back",
            STOPPED_ASKING,
        ),
    ],
)
@in_loop
async def test_a_round_stopped_after_one_of_its_calls_got_its_result_says_why_of_the_other(
    gui: Gui, first: tuple[str, dict[str, Any]], second: str, said: str, why: str
) -> None:
    # The transcript said nothing under such a round: a result had come, so it read as
    # answered; only the history and the export kept that the other call got none.
    slow = _with_slow(gui)
    gui.server.enqueue(_calls(first, (second, {"path": "b"})))
    await gui.ask("Two things, please")
    await gui.until(lambda: gui.application.controller.tool_activity_in(gui.pane.conversation_id))
    caller = last_item(gui, Role.ASSISTANT)
    assert len(caller.message.tool_calls) == 2
    if first[0] == "erase":
        await gui.until(lambda: _bar(gui) is not None and _bar(gui).isVisible())
        _bar(gui).decline_button.click()
    if second == "erase":
        await gui.until(lambda: _bar(gui) is not None and _bar(gui).isVisible())
        assert '"b"' in _bar(gui).arguments.toPlainText()  # the second call
    else:
        await gui.until(lambda: slow.started)
    assert _note(caller) == ""  # under way: nothing said yet
    gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_Escape)
    await gui.until(lambda: gui.pane.composer.button.text() == "Send")
    await gui.settle(0.05)
    path = gui.store.current_path(gui.pane.conversation_id)
    assert [m.role for m in path] == [Role.USER, Role.ASSISTANT, Role.TOOL]  # one result
    assert path[1].error == why
    assert _note(caller).startswith(said)
    assert "regenerate this answer" in _note(caller)
    assert_laid_out_whole(gui, caller)
    again = await _open_again(gui)
    assert again.message.id == caller.message.id
    assert _note(again).startswith(said)
    assert_laid_out_whole(gui, again)


@in_loop
async def test_a_round_cut_by_a_crash_after_one_result_says_so_of_the_other_call(
    gui: Gui,
) -> None:
    # Killed while the second call ran: the first one's result is stored.
    gui.window.open_conversation(_unrun_chat(gui, CLOSED, answered=True))
    await gui.settle(0.05)
    caller = last_item(gui, Role.ASSISTANT)
    assert len(caller.message.tool_calls) == 2
    assert _note(caller).startswith(
        "The last call got no result. Maestrale closed before the tool answered"
    )
    assert_laid_out_whole(gui, caller)


@in_loop
async def test_a_huge_result_shows_folded_and_unfolds_by_keyboard(gui: Gui) -> None:
    _with_slow(gui)
    gui.server.enqueue(_call("huge"), Reply(text="Lots of data."))
    await gui.ask("Give me everything")
    await gui.until(gui.answered)
    result = last_item(gui, Role.TOOL)
    content = result.message.content
    assert len(content) > MAX_OUTPUT_CHARS  # what the model got, with its "left out"
    lines = content.rstrip().count("\n") + 1
    shown = [line for line in result.text.toPlainText().splitlines() if "0123" in line]
    assert len(shown) == PREVIEW_LINES  # the first lines, not thousands
    fold = result.fold_button
    assert fold is not None
    assert fold.text() == f"Show all ({lines:,} lines)"
    assert fold.accessibleName() == f"Show all of the tool result ({lines:,} lines)"
    assert fold.focusPolicy() & Qt.FocusPolicy.TabFocus
    folded = result.height()
    # Copy gives all of it, folded or not.
    result.copy_code(0)
    assert QApplication.clipboard().text() == content

    # Tab reaches it from the answer above (its actions, then the result's Copy link).
    last_item(gui, Role.ASSISTANT)  # rendered
    caller = next(
        gui.pane.transcript.item(i)
        for i in gui.pane.transcript.message_ids
        if gui.pane.transcript.item(i).message.tool_calls
    )
    assert tab_to(gui, fold, caller._action)
    gui.qtbot.keyClick(fold, Qt.Key.Key_Return)
    await gui.settle(0.05)
    assert fold.text() == "Show less"
    assert "more characters left out" in result.text.toPlainText()
    assert result.height() > 20 * folded
    transcript = gui.pane.transcript
    assert transcript._by_id[result.message.id].height == result.height()

    transcript.verticalScrollBar().setValue(transcript.verticalScrollBar().maximum())
    gui.qtbot.keyClick(fold, Qt.Key.Key_Space)  # folded again, from its far end
    await gui.settle(0.05)
    assert fold.text().startswith("Show all")
    assert result.height() == folded
    top = fold.mapTo(transcript.viewport(), fold.rect().topLeft()).y()
    assert 0 <= top < transcript.viewport().height() - fold.height()  # still in view


@in_loop
async def test_a_short_result_shows_whole(gui: Gui) -> None:
    _with_tools(gui)
    gui.server.enqueue(_call("add", {"a": 2, "b": 40}), Reply(text="42."))
    await gui.ask("2 + 40?")
    await gui.until(gui.answered)
    result = last_item(gui, Role.TOOL)
    assert result.fold_button is None
    assert result.text.toPlainText().splitlines()[-1] == "42"
    assert json.dumps(result.message.content) == '"42"'

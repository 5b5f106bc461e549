"""Tool calls in the window: the bar that asks before a tool runs, its result shown
under the answer, "Always run" remembered in the settings file, Stop and leaving the
conversation while a call waits."""

from __future__ import annotations

import itertools
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QLabel

from app.domain.messages import Role
from app.settings import load_settings
from app.tools.registry import ToolRegistry
from app.ui.sidebar import ConversationRole
from app.ui.toast import Toast
from tests.fake_mistral import FakeMistral, Reply
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.test_chat_window import answer_text, last_item
from tests.integration.test_tool_loop import Tools
from tests.integration.tools.test_mcp import SERVER


def _with_tools(gui: Gui) -> Tools:
    """Tools on, with the test's two tools (``erase`` asks first)."""
    application = gui.application
    application.config = replace(
        application.config, settings=application.config.settings.with_values(tools=True)
    )
    tools = Tools()
    application.chat_tools.registry = ToolRegistry([tools])
    return tools


def _erase_call(path: str = "notes.txt") -> Reply:
    return Reply(tool_calls=[{"name": "erase", "arguments": {"path": path}}])


def _bar(gui: Gui) -> Any:
    approvals = gui.pane._approvals
    return None if approvals is None else approvals.bar


@in_loop
async def test_the_bar_shows_the_call_and_run_runs_it(gui: Gui) -> None:
    tools = _with_tools(gui)
    gui.server.enqueue(_erase_call(), Reply(text="Your notes are gone."))
    await gui.ask("Erase my notes")
    await gui.until(lambda: _bar(gui) is not None and _bar(gui).isVisible())
    bar = _bar(gui)
    assert "“erase” from Test" in bar.question.text()
    assert bar.arguments.toPlainText() == '{\n  "path": "notes.txt"\n}'
    assert bar.run_button.hasFocus()  # Enter or Space runs it
    assert tools.erased == []
    assert gui.pane.composer.button.text() == "Stop"  # the answer is still under way
    waiting = last_item(gui, Role.ASSISTANT)
    assert not waiting._tool_calls._note.isVisible()  # not "no result went back" yet
    gui.qtbot.keyClick(bar.run_button, Qt.Key.Key_Return)  # as in a dialog
    await gui.until(gui.answered)
    assert tools.erased == [{"path": "notes.txt"}]
    assert not bar.isVisible()
    assert gui.pane.composer.edit.hasFocus()  # back to typing
    result = next(
        gui.pane.transcript.item(i)
        for i in gui.pane.transcript.message_ids
        if gui.pane.transcript.item(i).message.role is Role.TOOL
    )
    assert "Tool result" in result._header.text()
    assert "erase" in result._header.text()
    assert result.text.toPlainText().splitlines()[-1] == "erased"  # in a code block
    assert not result._action.isVisible()  # no "regenerate" for a tool's result
    assert not result._copy.isVisible()  # its code block's Copy is the one
    assert "·" not in result._header.text()  # a result, not an error
    caller = next(
        gui.pane.transcript.item(i)
        for i in gui.pane.transcript.message_ids
        if gui.pane.transcript.item(i).message.tool_calls
    )
    assert not caller._tool_calls._note.isVisible()  # no "no result went back"
    assert result.accessibleName() == "Tool result"


@in_loop
async def test_dont_run_declines_and_always_run_is_saved_and_not_asked_again(gui: Gui) -> None:
    tools = _with_tools(gui)
    gui.server.enqueue(_erase_call("a.txt"), Reply(text="Kept."))
    await gui.ask("Erase a")
    await gui.until(lambda: _bar(gui) is not None and _bar(gui).isVisible())
    _bar(gui).decline_button.click()
    await gui.until(gui.answered)
    assert tools.erased == []
    declined = last_item(gui, Role.TOOL)
    assert "Not run: you chose Don't run." in declined._header.text()
    await gui.until_titled()  # its request goes first: the replies below are not its
    gui.server.enqueue(_erase_call("b.txt"), Reply(text="Gone."))
    await gui.ask("Erase b, and never ask again")
    await gui.until(lambda: _bar(gui).isVisible())
    _bar(gui).always_button.click()
    await gui.until(gui.answered)
    assert tools.erased == [{"path": "b.txt"}]
    saved = load_settings(gui.application.config.paths.settings_file).settings
    assert saved.always_run_tools == {"Test/erase"}
    gui.server.enqueue(_erase_call("c.txt"), Reply(text="Gone too."))
    await gui.ask("Erase c")
    await gui.until(lambda: len(tools.erased) == 2)
    await gui.until(gui.answered)
    assert not _bar(gui).isVisible()  # it was not asked


@in_loop
async def test_stop_or_leaving_the_conversation_while_a_call_waits(gui: Gui) -> None:
    tools = _with_tools(gui)
    gui.server.enqueue(_erase_call())
    await gui.ask("Erase my notes")
    await gui.until(lambda: _bar(gui) is not None and _bar(gui).isVisible())
    waiting = gui.pane.conversation_id
    # Another conversation: the bar is this conversation's, and waits for it.
    gui.window.new_chat()
    assert not _bar(gui).isVisible()
    gui.window.open_conversation(waiting)
    assert _bar(gui).isVisible()
    bar = _bar(gui)
    await gui.until(bar.run_button.hasFocus)  # Enter runs it, as when it came
    gui.qtbot.keyClick(bar.run_button, Qt.Key.Key_Tab)
    assert bar.always_button.hasFocus()  # Tab stays in the bar, in order
    gui.qtbot.keyClick(bar.always_button, Qt.Key.Key_Tab)
    assert bar.decline_button.hasFocus()
    bar.run_button.setFocus()
    gui.qtbot.keyClick(_bar(gui).run_button, Qt.Key.Key_Escape)  # Stop
    await gui.until(lambda: not gui.application.controller.is_streaming(waiting))
    assert not _bar(gui).isVisible()
    assert tools.erased == []
    assert QApplication.focusWidget() is not None
    await gui.until(lambda: gui.pane.composer.button.text() == "Send")  # not left on Stop


@in_loop
async def test_tab_goes_round_the_bar_in_order_below_a_long_answer(gui: Gui) -> None:
    # A long answer above, read in its middle: the transcript's pinned code header
    # follows the keyboard from then on, and it took their Tab stop from the widgets the
    # keyboard went to (Tab from the arguments went into the transcript, scrolled away).
    _with_tools(gui)
    long_answer = "\n\n".join(f"Paragraph {i} of a long answer." for i in range(150))
    gui.server.enqueue(Reply(text=long_answer), Reply(text="Long"))
    await gui.ask("Something long")
    await gui.until(gui.answered)
    await gui.until_titled()  # its request goes first: the replies below are not its
    scroll = gui.pane.transcript.verticalScrollBar()
    scroll.setValue(scroll.maximum() // 2)
    assert gui.pane.transcript._code_header is not None
    gui.server.enqueue(_erase_call(), Reply(text="Kept."))
    await gui.ask("Erase my notes")
    await gui.until(lambda: _bar(gui) is not None and _bar(gui).isVisible())
    bar = _bar(gui)
    await gui.until(bar.run_button.hasFocus)
    gui.qtbot.keyClick(bar.run_button, Qt.Key.Key_Backtab)
    assert bar.arguments.hasFocus()
    place = scroll.value()
    order = [
        bar.arguments,
        bar.run_button,
        bar.always_button,
        bar.decline_button,
        gui.pane.composer.edit,
    ]
    for here, following in itertools.pairwise(order):
        gui.qtbot.keyClick(here, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is following
    backwards = order[::-1]
    for here, following in itertools.pairwise(backwards):
        gui.qtbot.keyClick(here, Qt.Key.Key_Backtab)
        assert QApplication.focusWidget() is following
    assert scroll.value() == place  # the conversation stayed where it was
    bar.decline_button.click()
    await gui.until(gui.answered)


def _marked_waiting(gui: Gui, conversation_id: str) -> bool:
    """Whether the sidebar's row of the conversation says a call waits for approval."""
    index = gui.window.sidebar.model.index_of(conversation_id)
    assert index.isValid()
    said = str(index.data(Qt.ItemDataRole.AccessibleTextRole))
    marked = bool(index.data(ConversationRole.WAITING))
    assert marked == said.endswith(", a tool call waits for your approval")
    return marked


@in_loop
async def test_the_sidebar_marks_a_conversation_whose_call_waits(gui: Gui) -> None:
    _with_tools(gui)
    gui.server.enqueue(_erase_call(), Reply(text="Kept."))
    await gui.ask("Erase my notes")
    await gui.until(lambda: _bar(gui) is not None and _bar(gui).isVisible())
    waiting = gui.pane.conversation_id
    assert _marked_waiting(gui, waiting)
    gui.window.new_chat()  # the bar goes with its conversation, the mark stays
    assert _marked_waiting(gui, waiting)
    gui.window.open_conversation(waiting)
    _bar(gui).decline_button.click()
    await gui.until(gui.answered)
    assert not _marked_waiting(gui, waiting)
    await gui.until_titled()  # its request goes first: the reply below is not its

    # Deleted while its call waits: the wait ends, and Undo brings it back unmarked.
    gui.server.enqueue(_erase_call())
    await gui.ask("Erase them again")
    await gui.until(lambda: _bar(gui).isVisible())
    assert _marked_waiting(gui, waiting)
    gui.window.sidebar.delete_conversation(waiting)
    await gui.until(lambda: not gui.application.controller.is_streaming(waiting))
    assert gui.window.sidebar.undo_delete(waiting) == waiting
    assert not _marked_waiting(gui, waiting)


@in_loop
async def test_a_real_mcp_servers_tool_runs_once_approved(gui: Gui, tmp_path: Path) -> None:
    """mcp.json beside the settings, tools turned on in Settings: the server starts,
    its state shows on the Tools page, and the model's call to it runs once approved."""
    application = gui.application
    config_file = application.toolbox.mcp_config_path
    config_file.parent.mkdir(parents=True, exist_ok=True)
    config_file.write_text(
        json.dumps({"mcpServers": {"echo": {"command": sys.executable, "args": [str(SERVER)]}}}),
        encoding="utf-8",
    )
    application.open_settings("tools")
    page = application._settings_dialog.tools_page
    assert page.servers.texts() == ["echo: off while tools are off"]
    page.enabled.setChecked(True)  # saved after a moment, then applied: servers start
    await gui.until(lambda: page.servers.texts()[0].startswith("echo: ready, "), timeout=30)
    assert load_settings(application.config.paths.settings_file).settings.tools
    application._settings_dialog.close()
    gui.server.enqueue(
        Reply(tool_calls=[{"name": "echo", "arguments": {"text": "from the server"}}]),
        Reply(text="It said: from the server."),
    )
    await gui.ask("Ask the echo server")
    await gui.until(lambda: _bar(gui) is not None and _bar(gui).isVisible())
    assert "“echo” from echo" in _bar(gui).question.text()
    offered = [t["function"]["name"] for t in gui.server.chat_requests[-1].body["tools"]]
    assert {"echo", "add", "current_time", "calculate"} <= set(offered)
    _bar(gui).run_button.click()
    await gui.until(gui.answered, timeout=20)
    path = gui.store.current_path(gui.pane.conversation_id)
    assert [m.role for m in path] == [Role.USER, Role.ASSISTANT, Role.TOOL, Role.ASSISTANT]
    assert path[2].content == "from the server"
    assert path[3].content == "It said: from the server."


@in_loop
async def test_regenerating_the_answer_after_a_tools_result_keeps_the_title(gui: Gui) -> None:
    _with_tools(gui)
    gui.server.enqueue(
        Reply(tool_calls=[{"name": "add", "arguments": {"a": 2, "b": 2}}]),
        Reply(text="Four."),
        Reply(text="Sums"),  # the title
    )
    await gui.ask("2 + 2?")
    await gui.until(gui.answered)
    await gui.until_titled()
    titles = [r for r in gui.server.chat_requests if r.body.get("stream") is False]
    assert len(titles) == 1
    conversation = gui.pane.conversation_id
    await gui.until(lambda: gui.store.get_conversation(conversation).title == "Sums")
    gui.server.enqueue(Reply(text="Four, again."))
    gui.pane.regenerate_last()
    await gui.until(lambda: gui.store.current_path(conversation)[-1].content == "Four, again.")
    await gui.until(gui.answered)
    await gui.settle(0.2)
    assert [r for r in gui.server.chat_requests if r.body.get("stream") is False] == titles
    assert gui.store.get_conversation(conversation).title == "Sums"


@in_loop
async def test_a_calls_huge_arguments_are_shown_cut_and_copied_whole(gui: Gui) -> None:
    text = "word " * 4000
    gui.server.enqueue(Reply(tool_calls=[{"name": "echo", "arguments": {"text": text}}]))
    await gui.ask("Echo a lot")
    await gui.until(gui.answered)
    answer = last_item(gui, Role.ASSISTANT)
    shown = answer._tool_calls.texts()[1]
    assert len(shown) < 4200
    assert shown.endswith("more characters (Copy gives them all)")
    answer._copy.click()
    assert text.strip() in QApplication.clipboard().text()


def _servers_on(gui: Gui, servers: dict[str, Any]) -> None:
    """``servers`` in mcp.json, tools on, and the servers started as the app does."""
    application = gui.application
    config_file = application.toolbox.mcp_config_path
    config_file.parent.mkdir(parents=True, exist_ok=True)
    config_file.write_text(json.dumps({"mcpServers": servers}), encoding="utf-8")
    application.config = replace(
        application.config, settings=application.config.settings.with_values(tools=True)
    )
    application.toolbox.start()


def _notices(gui: Gui) -> list[str]:
    return [t.accessibleName() for t in gui.window.findChildren(Toast) if t.isVisible()]


@in_loop
async def test_a_server_still_starting_is_told_once_when_a_question_goes_without_it(
    gui: Gui,
) -> None:
    # A server that never answers stays "starting" (as npx downloading), until told to
    # end: closing the app while a server starts is not this test's business.
    end = gui.application.toolbox.mcp_config_path.parent / "end"
    mute = (
        "import pathlib, sys, time\nwhile not pathlib.Path(sys.argv[1]).exists(): time.sleep(0.05)"
    )
    _servers_on(gui, {"slow": {"command": sys.executable, "args": ["-c", mute, str(end)]}})
    await gui.ask("What time is it?")
    told = "The MCP server “slow” is still starting: its tools come with a later question."
    await gui.until(lambda: told in _notices(gui))
    await gui.until(gui.answered)
    # The answer's request, not the title's that may follow it at once.
    asked = [r for r in gui.server.chat_requests if r.body.get("stream")][-1]
    offered = [t["function"]["name"] for t in asked.body["tools"]]
    assert "current_time" in offered  # the built-in ones went
    for toast in gui.window.findChildren(Toast):
        toast.close()
    await gui.until_titled()
    await gui.ask("And the date?")
    await gui.until(gui.answered)
    assert _notices(gui) == []  # once is enough
    assert gui.application.toolbox.news() == []
    end.touch()
    await gui.until(lambda: gui.application.toolbox.server_lines()[0].state == "failed")


@in_loop
async def test_a_server_that_stops_after_being_ready_is_told_once(gui: Gui) -> None:
    toolbox = gui.application.toolbox
    _servers_on(gui, {"echo": {"command": sys.executable, "args": [str(SERVER)]}})
    await gui.until(lambda: toolbox.server_lines()[0].state == "ready", timeout=30)
    crash = toolbox.registry.find("crash")
    assert crash is not None
    await crash.run({})  # its process ends; the window took in "ready" meanwhile
    await gui.until(lambda: toolbox.server_lines()[0].state == "failed", timeout=20)
    await gui.until(lambda: any("stopped" in notice for notice in _notices(gui)))
    (notice,) = _notices(gui)
    # Said once ("stopped: It stopped unexpectedly" before), with what to do.
    assert notice == (
        "The MCP server “echo” stopped unexpectedly, saying “echo server: crashing on "
        "purpose”. To use its tools again, choose Settings → Tools → Restart servers."
    )
    assert toolbox.news() == []  # told once
    # Over the conversation, not across the sidebar.
    (toast,) = [t for t in gui.window.findChildren(Toast) if t.isVisible()]
    assert gui.window.sidebar.isVisible()
    assert _over_the_message_field(gui, toast)
    gui.window.resize(700, 600)  # the sidebar goes: the field moves to the left
    await gui.until(lambda: gui.window.sidebar.isHidden() and _laid_out(gui))
    assert _over_the_message_field(gui, toast)


def _laid_out(gui: Gui) -> bool:
    """Whether the conversation has the window's whole width, the message field its
    middle (the sidebar hidden, and the layouts done with it)."""
    pane, field = gui.pane, gui.pane.composer
    middle = field.mapTo(pane, QPoint(field.width() // 2, 0)).x()
    return pane.width() == gui.window.width() and abs(middle - pane.width() // 2) <= 1


def _over_the_message_field(gui: Gui, toast: Toast) -> bool:
    """Whether the notice is within the message field's width, centred over it."""
    field = gui.pane.composer
    span = QRect(field.mapTo(gui.window, QPoint(0, 0)), field.size())
    shown = toast.geometry()
    return (
        span.left() <= shown.left()
        and shown.right() <= span.right()
        and abs(shown.center().x() - span.center().x()) <= 1
    )


@in_loop
async def test_vllm_without_tools_says_so_and_retry_works_once_they_are_off(
    gui: Gui, fake_openai: FakeMistral
) -> None:
    application = gui.application
    settings = application.config.settings.with_values(
        base_url=fake_openai.base_url, dialect="openai", tools=True
    )
    application.apply_settings(settings)
    await gui.until(lambda: gui.pane.picker.model == "mistralai/Mistral-Large-Instruct-2411")
    fake_openai.refuse_tools = True  # started without --enable-auto-tool-choice
    await gui.ask("What time is it?")
    await gui.until(gui.answered)
    failed = last_item(gui, Role.ASSISTANT)
    said = failed._status_label.text()
    assert said.startswith("This server was not started to accept tools (function calling)")
    assert "turn tools off in Settings → Tools" in said
    assert "--enable-auto-tool-choice --tool-call-parser mistral" in said
    application.apply_settings(settings.with_values(tools=False))
    fake_openai.enqueue(Reply(text="Noon, I think."))
    failed._retry.click()
    await gui.until(lambda: "Noon, I think." in answer_text(gui))
    await gui.until(gui.answered)
    asked = [r.body for r in fake_openai.chat_requests if r.body.get("stream")]
    assert "tools" in asked[0]
    assert "tools" not in asked[-1]


@in_loop
async def test_a_text_size_changed_while_a_call_waits_reaches_the_calls_arguments(
    gui: Gui,
) -> None:
    # At 20 pt the arguments, in the transcript and in the bar, stayed at the size they
    # were made at (and back at 10 pt, at 20): only a restart gave them the new size.
    _with_tools(gui)
    gui.server.enqueue(_erase_call(), Reply(text="Gone."))
    await gui.ask("Erase my notes")
    await gui.until(lambda: _bar(gui) is not None and _bar(gui).isVisible())
    bar = _bar(gui)
    caller = last_item(gui, Role.ASSISTANT)
    panel = caller._tool_calls
    [shown] = [
        label for label in panel.findChildren(QLabel) if label.objectName() == "toolCallArguments"
    ]
    theme = gui.application.theme
    normal = theme.font_size
    try:
        for size in (20, 10):
            theme.apply("light", size)
            await gui.settle(0.05)
            assert bar.arguments.font().pointSizeF() == size
            assert shown.font().pointSizeF() == size
            line = bar.arguments.fontMetrics().lineSpacing()
            assert bar.arguments.viewport().height() >= 3 * line  # no row cut in half
    finally:
        theme.apply("light", normal)
    bar.decline_button.click()
    await gui.until(gui.answered)

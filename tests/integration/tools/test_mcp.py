"""McpHost with a real MCP server over stdio (tests/fixtures/mcp_echo_server.py): its
tools are offered and called from another event loop, failures become statuses and
error results, and closing leaves no process behind."""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.domain.messages import ToolCall
from app.tools.mcp import McpHost, McpServerConfig, ServerStatus
from app.tools.registry import ToolOutput, ToolRegistry

SERVER = Path(__file__).resolve().parents[2] / "fixtures" / "mcp_echo_server.py"
WAIT = 60.0  # a guard against a hang only: a server is ready in about two seconds


def echo_server(name: str = "echo", **options: object) -> McpServerConfig:
    return McpServerConfig(name, sys.executable, (str(SERVER),), **options)  # type: ignore[arg-type]


class Watched:
    """A host whose status changes wake the test up (on_change comes from its thread)."""

    def __init__(self, servers: list[McpServerConfig], log_dir: Path) -> None:
        self.changed = threading.Condition()
        self.changes = 0
        self.host = McpHost(servers, log_dir=log_dir, on_change=self._on_change)
        self.registry = ToolRegistry([self.host])

    def _on_change(self) -> None:
        assert threading.current_thread() is not threading.main_thread()
        with self.changed:
            self.changes += 1
            self.changed.notify_all()

    def state(self, name: str) -> ServerStatus:
        return next(status for status in self.host.status() if status.name == name)

    def wait_for(self, name: str, state: str) -> ServerStatus:
        def reached() -> bool:
            return self.state(name).state == state

        with self.changed:
            assert self.changed.wait_for(reached, WAIT), self.host.status()
        return self.state(name)

    def call(self, name: str, arguments: str = "{}") -> ToolOutput:
        """From an event loop of the test's own, as the GUI's is not the host's."""
        return asyncio.run(self.registry.call(ToolCall("call-1", name, arguments)))

    def text(self, name: str) -> str:
        return self.call(name).text


@pytest.fixture(scope="module")
def watched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Watched]:
    """One host for the module: a working server, a missing command, one turned off."""
    servers = [
        echo_server(env={"FROM_MCP_JSON": "42"}),
        McpServerConfig("missing", "maestrale-no-such-command"),
        McpServerConfig("quits", sys.executable, ("-c", "raise SystemExit('no folder given')")),
        echo_server("nowhere", cwd="/maestrale/no/such/folder"),
        echo_server("off", disabled=True),
    ]
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("MISTRAL_API_KEY", "sk-not-for-servers")
        environment.setenv("MAESTRALE_BASE_URL", "http://127.0.0.1:1")
        watched = Watched(servers, tmp_path_factory.mktemp("mcp-logs"))
        watched.host.start()
        watched.wait_for("echo", "ready")
    yield watched
    watched.host.close()


def test_a_started_server_is_ready_with_its_tools(watched: Watched) -> None:
    status = watched.wait_for("echo", "ready")

    assert "add" in status.tools
    assert status.detail == f"{len(status.tools)} tools"
    tools = {tool.name: tool for tool in watched.host.tools()}
    assert set(tools) == set(status.tools)
    add = tools["add"]
    assert add.source == "echo"
    assert add.key == "echo/add"
    assert add.ask_first
    assert add.spec.description == "Add two whole numbers."
    assert add.spec.parameters["properties"].keys() == {"a", "b"}
    assert add.spec.parameters["required"] == ["a", "b"]


def test_a_call_from_another_event_loop_gets_the_result(watched: Watched) -> None:
    assert watched.call("add", '{"a": 2, "b": 40}') == ToolOutput("42")
    assert watched.call("echo", '{"text": "ciao"}') == ToolOutput("ciao")


def test_a_tool_error_is_an_error_result_with_its_reason(watched: Watched) -> None:
    output = watched.call("fail", '{"reason": "no network"}')

    assert output.is_error
    assert "no network" in output.text


def test_a_call_the_server_refuses_is_an_error_result(watched: Watched) -> None:
    output = watched.call("add", '{"a": "two"}')

    assert output.is_error
    assert watched.state("echo").state == "ready"


def test_a_missing_command_fails_with_what_to_do(watched: Watched) -> None:
    status = watched.wait_for("missing", "failed")

    assert status.detail == (
        'The command "maestrale-no-such-command" was not found. Install it, or give its '
        "full path in mcp.json."
    )
    assert all(tool.source != "missing" for tool in watched.host.tools())


def test_a_server_that_quits_at_once_fails_with_its_last_message(watched: Watched) -> None:
    status = watched.wait_for("quits", "failed")

    assert status.detail == (
        "It stopped while starting (Connection closed). Its last message: no folder given"
    )


def test_a_missing_working_folder_is_named(watched: Watched) -> None:
    status = watched.wait_for("nowhere", "failed")

    assert status.detail == (
        'The folder "/maestrale/no/such/folder" ("cwd" in mcp.json) does not exist.'
    )


def test_a_server_turned_off_is_not_started(watched: Watched) -> None:
    assert watched.state("off") == ServerStatus(
        "off", "stopped", "Turned off in mcp.json", log_file=watched.state("off").log_file
    )
    assert all(tool.source != "off" for tool in watched.host.tools())


def test_our_key_and_settings_do_not_reach_the_server_but_its_env_does(
    watched: Watched,
) -> None:
    assert watched.call("environment", '{"name": "MISTRAL_API_KEY"}').text == "<unset>"
    assert watched.call("environment", '{"name": "MAESTRALE_BASE_URL"}').text == "<unset>"
    assert watched.call("environment", '{"name": "FROM_MCP_JSON"}').text == "42"
    assert watched.call("environment", '{"name": "PATH"}').text != "<unset>"


def test_the_server_writes_its_messages_to_its_own_log(
    watched: Watched, capfd: pytest.CaptureFixture[str]
) -> None:
    log_file = watched.state("echo").log_file
    assert log_file is not None
    watched.call("fail")

    assert "echo server starting" in log_file.read_text()
    assert "starting" not in capfd.readouterr().out


def test_cancelling_the_caller_cancels_the_call_in_the_server(watched: Watched) -> None:
    tool = next(tool for tool in watched.host.tools() if tool.name == "slow")

    async def cancel_while_running() -> None:
        task = asyncio.create_task(tool.run({"seconds": 600}))
        await until(lambda: "slow started" in watched.text("happenings"))
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(cancel_while_running())

    asyncio.run(until(lambda: "slow cancelled" in watched.text("happenings")))
    assert watched.call("add", '{"a": 1, "b": 1}') == ToolOutput("2")


async def until(condition: Callable[[], bool]) -> None:
    """Polls ``condition`` (a question to the server, in a thread) until it holds."""
    for _ in range(600):
        if await asyncio.to_thread(condition):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the condition never held")


def test_a_crash_fails_the_server_and_its_calls_reload_restarts_it(tmp_path: Path) -> None:
    watched = Watched([echo_server()], tmp_path)
    watched.host.start()
    try:
        watched.wait_for("echo", "ready")
        old_tools = watched.host.tools()

        output = watched.call("crash")

        assert output == ToolOutput('The MCP server "echo" stopped before answering.', True)
        status = watched.wait_for("echo", "failed")
        assert status.detail == (
            "It stopped unexpectedly. Its last message: echo server: crashing on purpose"
        )
        assert watched.host.tools() == []
        add = next(tool for tool in old_tools if tool.name == "add")
        late = asyncio.run(add.run({"a": 1, "b": 2}))
        assert late.is_error
        assert 'The MCP server "echo" is not running (It stopped unexpectedly.' in late.text

        watched.host.reload([echo_server()])

        watched.wait_for("echo", "ready")
        assert watched.call("add", '{"a": 1, "b": 2}') == ToolOutput("3")
    finally:
        watched.host.close()


def test_reload_keeps_unchanged_servers_and_restarts_changed_ones(tmp_path: Path) -> None:
    first, second = echo_server("first"), echo_server("second")
    watched = Watched([first, second], tmp_path)
    watched.host.start()
    try:
        watched.wait_for("first", "ready")
        watched.wait_for("second", "ready")
        pids = {tool.source: pid_of(tool.source, watched) for tool in watched.host.tools()}

        changed = echo_server("second", env={"FROM_MCP_JSON": "changed"})
        watched.host.reload([first, changed])
        watched.wait_for("second", "ready")

        assert pid_of("first", watched) == pids["first"]
        assert pid_of("second", watched) != pids["second"]
        assert not running(pids["second"])

        watched.host.reload([changed])
        assert [status.name for status in watched.host.status()] == ["second"]
        assert all(tool.source == "second" for tool in watched.host.tools())
    finally:
        watched.host.close()
    assert not running(pids["first"])


def pid_of(source: str, watched: Watched) -> int:
    tool = next(t for t in watched.host.tools() if t.source == source and t.spec.name == "pid")
    return int(asyncio.run(tool.run({})).text)


def test_close_stops_every_process_and_ends_calls_still_running(tmp_path: Path) -> None:
    threads_before = set(threading.enumerate())
    watched = Watched([echo_server("one"), echo_server("two")], tmp_path)
    watched.host.start()
    watched.wait_for("one", "ready")
    watched.wait_for("two", "ready")
    pids = [pid_of("one", watched), pid_of("two", watched)]
    slow = next(t for t in watched.host.tools() if t.source == "one" and t.name == "slow")

    async def close_during_a_call() -> ToolOutput:
        task = asyncio.create_task(slow.run({"seconds": 600}))
        await until(lambda: "slow started" in watched.text("happenings"))
        await asyncio.to_thread(watched.host.close)
        return await task

    output = asyncio.run(close_during_a_call())

    assert output.is_error
    assert [status.state for status in watched.host.status()] == ["stopped", "stopped"]
    assert watched.host.tools() == []
    assert not any(running(pid) for pid in pids)
    assert set(threading.enumerate()) <= threads_before
    after = asyncio.run(slow.run({"seconds": 1}))
    assert after == ToolOutput("The MCP servers are stopped; Maestrale is closing.", True)


def running(pid: int) -> bool:
    """Whether the process exists at all: a zombie (not reaped) counts as running."""
    return Path(f"/proc/{pid}").exists()

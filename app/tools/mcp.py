"""The tools of MCP servers: local programs spoken to over their stdin and stdout.

The servers live in a thread of their own with its own asyncio loop: the GUI's loop
(qasync) handles subprocesses unreliably, and importing ``mcp`` takes about a second,
which must not delay the window's first paint. Calls come from the GUI's loop and are
bridged to this one; cancelling the caller cancels the call.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

from app.tools.mcp_config import (
    EXAMPLE,
    McpConfig,
    McpServerConfig,
    load_mcp_config,
    write_example,
)
from app.tools.mcp_output import describe_failure, last_log_line, tool_output, tool_spec
from app.tools.registry import CLOSED_BEFORE_ANSWER, Tool, ToolFunction, ToolOutput

if TYPE_CHECKING:
    import anyio
    import mcp
    from mcp import ClientSession
    from mcp import types as mcp_types

__all__ = [
    "EXAMPLE",
    "McpConfig",
    "McpHost",
    "McpServerConfig",
    "ServerStatus",
    "load_mcp_config",
    "server_environment",
    "write_example",
]

log = logging.getLogger(__name__)

START_TIMEOUT = 60.0  # seconds; npx or uvx may first download the server
CLOSE_TIMEOUT = 10.0  # the SDK gives each server 2 s to exit, then 2 s after SIGTERM
_MAX_LISTED_TOOLS = 1_000  # a server paging for ever must not hold the start-up

State = Literal["starting", "ready", "failed", "stopped"]


@dataclass(frozen=True, slots=True)
class ServerStatus:
    """How one server is doing, for the settings page and the tools menu."""

    name: str
    state: State
    detail: str = ""  # "3 tools", the error, …
    tools: tuple[str, ...] = ()
    log_file: Path | None = None  # where the server's own messages (stderr) go
    last_message: str = ""  # failed: its last line there (in ``detail`` too), if any


def server_environment(
    extra: Mapping[str, str], inherited: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment a server starts with: ours, less our secrets, plus its own."""
    base = os.environ if inherited is None else inherited
    # Servers are third-party programs: the person's Mistral key (and Maestrale's own
    # MAESTRALE_* settings) are not theirs to read. A server that needs a key gets it
    # from its "env" in mcp.json, which is applied last and so can still pass one on.
    kept = {
        name: value
        for name, value in base.items()
        if name != "MISTRAL_API_KEY" and not name.startswith("MAESTRALE_")
    }
    return kept | dict(extra)


class _Server:
    """One configured server as the host thread sees it; its status is read under the
    host's lock from other threads."""

    def __init__(self, config: McpServerConfig, log_file: Path) -> None:
        self.config = config
        self.log_file = log_file
        self.status = ServerStatus(config.name, "starting", "Starting…", log_file=log_file)
        if config.disabled:
            self.status = replace(self.status, state="stopped", detail="Turned off in mcp.json")
        self.tools: tuple[Tool, ...] = ()
        self.session: ClientSession | None = None
        self.scope: anyio.CancelScope | None = None
        self.stop_requested = False

    def stop(self) -> None:
        """In the host loop: end the connection; the SDK then stops the process."""
        self.stop_requested = True
        if self.scope is not None:
            self.scope.cancel()


class McpHost:
    """Runs the MCP servers of mcp.json and offers their tools (a ``ToolProvider``).

    ``on_change`` is called from the host thread whenever a server's status changes.
    """

    def __init__(
        self,
        servers: Sequence[McpServerConfig],
        *,
        log_dir: Path,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self._configs = tuple(servers)
        self._log_dir = log_dir
        self._on_change = on_change
        self._lock = threading.Lock()
        self._servers: dict[str, _Server] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._closing = False
        self._tasks: set[asyncio.Task[None]] = set()  # host loop only
        self._calls: set[concurrent.futures.Future[ToolOutput]] = set()

    # The public side, called from any thread.

    def start(self) -> None:
        """Start the host thread and every enabled server; returns at once."""
        with self._lock:
            if self._thread is not None or self._closing:
                return
            self._loop = _new_loop()
            self._thread = threading.Thread(
                target=self._run_loop, args=(self._loop,), name="mcp-host", daemon=True
            )
            self._thread.start()
        self.reload(self._configs)

    def reload(self, servers: Sequence[McpServerConfig]) -> None:
        """Apply a new configuration: changed, removed and failed servers are stopped,
        new and changed ones (re)started; the others keep running."""
        with self._lock:
            self._configs = tuple(servers)
            loop = self._loop
            if loop is None or self._closing:
                return
            old, new = self._servers, {}
            to_start: list[_Server] = []
            for config in self._configs:
                current = old.pop(config.name, None)
                if current and current.config == config and _running(current):
                    new[config.name] = current
                    continue
                if current:
                    old[config.name] = current  # stopped below, replaced here
                server = _Server(config, self._log_file(config.name))
                new[config.name] = server
                if not config.disabled:
                    to_start.append(server)
            self._servers = new
            to_stop = list(old.values())
        loop.call_soon_threadsafe(self._launch, to_stop, to_start)

    def status(self) -> list[ServerStatus]:
        with self._lock:
            if self._thread is None:
                return [_not_started(config) for config in self._configs]
            return [server.status for server in self._servers.values()]

    def tools(self) -> list[Tool]:
        with self._lock:
            return [tool for server in self._servers.values() for tool in server.tools]

    def close(self, timeout: float = CLOSE_TIMEOUT) -> None:
        """Stop every server and the thread, waiting at most about ``timeout`` seconds.

        Calls still running end with an error result.
        """
        with self._lock:
            loop, thread = self._loop, self._thread
            if self._closing:
                return
            self._closing = True
        if loop is None or thread is None:
            return
        deadline = time.monotonic() + timeout
        try:
            asyncio.run_coroutine_threadsafe(self._stop_all(), loop).result(timeout)
        except (TimeoutError, concurrent.futures.TimeoutError):
            log.warning("MCP servers still stopping after %.0f s; not waiting", timeout)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(max(0.1, deadline - time.monotonic()))
        if thread.is_alive():
            log.warning("The MCP host thread did not end")
        with self._lock:
            calls = list(self._calls)
        for call in calls:  # never ran: the loop stopped first
            _settle(call, ToolOutput(CLOSED_BEFORE_ANSWER, True))

    # The host thread.

    def _run_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            leftover = asyncio.all_tasks(loop)
            for task in leftover:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*leftover, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    def _launch(self, to_stop: list[_Server], to_start: list[_Server]) -> None:
        for server in to_stop:
            server.stop()
        if to_start:
            self._log_dir.mkdir(parents=True, exist_ok=True)
        loop = asyncio.get_running_loop()
        for server in to_start:
            task = loop.create_task(self._serve(server), name=f"mcp {server.config.name}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        self._changed()

    async def _stop_all(self) -> None:
        with self._lock:
            servers = list(self._servers.values())
        for server in servers:
            server.stop()
        if self._tasks:
            await asyncio.wait(list(self._tasks))

    async def _serve(self, server: _Server) -> None:
        """Connect, offer the tools, and follow the server until it or we stop."""
        import anyio

        with anyio.CancelScope() as scope:
            server.scope = scope
            if server.stop_requested:
                scope.cancel()
            try:
                await self._connect(server)
            except Exception as error:  # told to the person in the server's status
                detail = describe_failure(error, server.config, START_TIMEOUT)
                log.warning("MCP server %s failed: %s", server.config.name, detail)
                log.debug("MCP server %s failed", server.config.name, exc_info=True)
                self._fail(server, detail)
            else:
                if not server.stop_requested:
                    log.warning("MCP server %s stopped by itself", server.config.name)
                    self._fail(server, "It stopped unexpectedly.")
        if server.stop_requested:
            self._set(server, "stopped", "Stopped")

    async def _connect(self, server: _Server) -> None:
        """Returns when the server's output ends (it exited); raises if it cannot start."""
        import anyio
        import mcp
        from mcp.client.stdio import stdio_client
        from mcp.shared.message import SessionMessage

        from app import __version__

        parameters = _parameters(server.config)
        with _open_log(server.log_file, server.config) as errors:
            async with stdio_client(parameters, errlog=errors) as (read, write):
                # The session does not say when the server's output ends; a relay does.
                relay, received = anyio.create_memory_object_stream[SessionMessage | Exception]()
                ended = anyio.Event()

                async def forward() -> None:
                    try:
                        async with relay:
                            async for message in read:
                                await relay.send(message)
                    except (anyio.BrokenResourceError, anyio.ClosedResourceError):
                        pass  # the session closed first: we are stopping
                    finally:
                        ended.set()

                info = mcp.Implementation(name="Maestrale", version=__version__)
                async with anyio.create_task_group() as group:
                    group.start_soon(forward)
                    async with mcp.ClientSession(received, write, client_info=info) as session:
                        with anyio.fail_after(START_TIMEOUT):
                            await session.initialize()
                            listed = await _list_tools(session)
                        self._ready(server, session, listed)
                        await ended.wait()
                    group.cancel_scope.cancel()

    def _ready(self, server: _Server, session: ClientSession, listed: list[mcp_types.Tool]) -> None:
        name = server.config.name
        tools = tuple(
            Tool(tool_spec(item), name, self._runner(server, item.name), ask_first=True)
            for item in listed
        )
        count = f"{len(tools)} tool" + ("" if len(tools) == 1 else "s")
        with self._lock:
            server.session = session
            server.tools = tools
            server.status = replace(
                server.status, state="ready", detail=count, tools=tuple(t.name for t in tools)
            )
        log.info("MCP server %s ready: %s", name, count)
        self._changed()

    def _fail(self, server: _Server, detail: str) -> None:
        """The server failed, for the reason ``detail`` says, followed by its last
        message on stderr (most often its own word of what went wrong)."""
        line = last_log_line(server.log_file)
        detail = f"{detail} Its last message: {line}" if line else detail
        self._set(server, "failed", detail, last_message=line)

    def _set(self, server: _Server, state: State, detail: str, last_message: str = "") -> None:
        with self._lock:
            server.session = None
            server.tools = ()
            server.status = replace(
                server.status, state=state, detail=detail, tools=(), last_message=last_message
            )
            current = self._servers.get(server.config.name) is server
        if current:
            self._changed()

    def _changed(self) -> None:
        if self._on_change is None:
            return
        try:
            self._on_change()
        except Exception:  # the host must outlive a broken listener
            log.exception("MCP status listener failed")

    # Calls: from the caller's loop to the host loop and back.

    def _runner(self, server: _Server, tool_name: str) -> ToolFunction:
        async def run(arguments: dict[str, Any]) -> ToolOutput:
            return await self._bridge(server, tool_name, arguments)

        return run

    async def _bridge(
        self, server: _Server, tool_name: str, arguments: dict[str, Any]
    ) -> ToolOutput:
        with self._lock:
            loop = self._loop
            if loop is None or self._closing:
                return ToolOutput("The MCP servers are stopped; Maestrale is closing.", True)
            future = asyncio.run_coroutine_threadsafe(
                self._call(server, tool_name, arguments), loop
            )
            self._calls.add(future)
        future.add_done_callback(self._forget)
        # Cancelling the awaiting task cancels ``future``, which cancels the host's task.
        return await asyncio.wrap_future(future)

    def _forget(self, future: concurrent.futures.Future[ToolOutput]) -> None:
        with self._lock:
            self._calls.discard(future)

    async def _call(self, server: _Server, tool_name: str, arguments: dict[str, Any]) -> ToolOutput:
        from mcp import MCPError
        from mcp.types import CONNECTION_CLOSED

        name = server.config.name
        with self._lock:
            session, status = server.session, server.status
        if session is None or status.state != "ready":
            why = f" ({status.detail})" if status.detail else ""
            return ToolOutput(f'The MCP server "{name}" is not running{why}.', True)
        try:
            result = await session.call_tool(tool_name, arguments)
        except MCPError as error:
            if error.code == CONNECTION_CLOSED:
                return ToolOutput(f'The MCP server "{name}" stopped before answering.', True)
            return ToolOutput(f'The MCP server "{name}" refused the call: {error}', True)
        except asyncio.CancelledError:
            if self._closing:
                return ToolOutput(CLOSED_BEFORE_ANSWER, True)
            raise
        return tool_output(result)

    def _log_file(self, name: str) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
        return self._log_dir / f"mcp-{safe}.log"


async def _list_tools(session: ClientSession) -> list[mcp_types.Tool]:
    from mcp import types

    listed: list[types.Tool] = []
    cursor: str | None = None
    while True:
        params = types.PaginatedRequestParams(cursor=cursor) if cursor else None
        page = await session.list_tools(params=params)
        listed.extend(page.tools)
        cursor = page.next_cursor
        if not cursor or len(listed) >= _MAX_LISTED_TOOLS:
            return listed


def _new_loop() -> asyncio.AbstractEventLoop:
    # Not asyncio.new_event_loop(): under an event loop policy of the GUI's it could
    # make a loop of the GUI's kind. Windows needs the proactor for subprocesses.
    if sys.platform == "win32":
        return asyncio.ProactorEventLoop()
    return asyncio.SelectorEventLoop()


def _parameters(config: McpServerConfig) -> mcp.StdioServerParameters:
    import mcp

    return mcp.StdioServerParameters(
        command=os.path.expanduser(config.command),
        args=list(config.args),
        env=server_environment(config.env),
        cwd=os.path.expanduser(config.cwd) if config.cwd else None,
    )


def _open_log(path: Path, config: McpServerConfig) -> TextIO:
    """The server's stderr, appended to its own log (never to our stdout); opened in a
    plain function since the host loop may block briefly on its own file."""
    from datetime import datetime

    errors = path.open("a", encoding="utf-8", errors="replace")
    command = " ".join([config.command, *config.args])
    errors.write(f"\n--- {datetime.now():%Y-%m-%d %H:%M:%S} starting: {command}\n")
    errors.flush()
    return errors


def _running(server: _Server) -> bool:
    return server.status.state in ("starting", "ready")


def _not_started(config: McpServerConfig) -> ServerStatus:
    detail = "Turned off in mcp.json" if config.disabled else "Not started"
    return ServerStatus(config.name, "stopped", detail)


def _settle(future: concurrent.futures.Future[ToolOutput], output: ToolOutput) -> None:
    if not future.done():
        with contextlib.suppress(concurrent.futures.InvalidStateError):  # settled meanwhile
            future.set_result(output)

"""The app's tools behind one registry: the built-in ones, and those of the MCP servers
listed in ``mcp.json`` (started only while tools are on)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.tools.registry import Tool, ToolRegistry

if TYPE_CHECKING:
    from app.tools.builtin import BuiltinTools
    from app.tools.mcp import McpHost, ServerStatus
    from app.tools.mcp_config import McpConfig

log = logging.getLogger(__name__)

MCP_CONFIG_NAME = "mcp.json"


@dataclass(frozen=True, slots=True)
class ServerLine:
    """One server as the Settings page shows it."""

    name: str
    state: str  # "ready", "starting", "failed", "stopped", or "off" while tools are off
    summary: str  # the state in words: "ready", "starting…", …
    detail: str = ""  # "3 tools", why it failed, …
    log_file: Path | None = None  # the server's own messages, once it has written some


class Toolbox:
    """Built-in tools and MCP servers; ``registry`` offers whichever are ready.

    ``enabled`` is the "tools" setting, read each time. ``on_change`` is called when a
    server's state changes: from the servers' own thread (the window relays it).
    """

    def __init__(
        self,
        config_dir: Path,
        log_dir: Path,
        *,
        enabled: Callable[[], bool],
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.mcp_config_path = config_dir / MCP_CONFIG_NAME
        self._log_dir = log_dir
        self._enabled = enabled
        self._on_change = on_change
        self._builtin: BuiltinTools | None = None
        self._host: McpHost | None = None
        self._problems: tuple[str, ...] = ()
        self._news: list[str] = []  # for the window, taken by news()
        self._states: dict[str, str] = {}  # each server's, when news() last looked
        self._told_starting: set[str] = set()  # since the servers' start
        self.registry = ToolRegistry([_Lazy(self._builtin_tools), _Lazy(self._server_tools)])

    # -- as the registry's providers ------------------------------------------------------

    def _builtin_tools(self) -> Sequence[Tool]:
        if not self._enabled():
            return ()
        if self._builtin is None:
            from app.tools.builtin import BuiltinTools  # with the first request

            self._builtin = BuiltinTools(self._enabled)
        return self._builtin.tools()

    def _server_tools(self) -> Sequence[Tool]:
        if not self._enabled() or self._host is None:
            return ()
        # Asked as a request is built: a server still starting is left out of it, which
        # the person is told once (npx or uvx may take a minute, in silence).
        starting = [
            status.name
            for status in self._host.status()
            if status.state == "starting" and status.name not in self._told_starting
        ]
        if starting:
            self._told_starting.update(starting)
            self._news.append(_still_starting(starting))
            self._notify()
        return self._host.tools()

    # -- servers --------------------------------------------------------------------------

    def start(self) -> None:
        """Start the listed servers if tools are on and they are not running yet."""
        if not self._enabled() or self._host is not None:
            return
        from app.tools.mcp import McpHost
        from app.tools.mcp_config import load_mcp_config

        config = load_mcp_config(self.mcp_config_path)
        self._problems = config.problems
        for problem in config.problems:
            log.warning("%s", problem)
        if not config.enabled:
            self._notify()
            return
        self._told_starting.clear()
        self._host = McpHost(config.enabled, log_dir=self._log_dir, on_change=self._notify)
        self._host.start()
        self._notify()

    def reload_servers(self) -> None:
        """Read ``mcp.json`` again and restart every server (the person edited it)."""
        self.close()
        self.start()

    def close(self) -> None:
        """Stop every server (their processes end with them)."""
        host, self._host = self._host, None
        if host is not None:
            host.close()
        self._notify()

    def _notify(self) -> None:
        if self._on_change is not None:
            self._on_change()

    def news(self) -> list[str]:
        """What the window should tell since it last asked (in its thread, on each
        change): servers still starting that a request went without, and servers that
        failed after being ready, whose tools vanished from later requests."""
        statuses = self._host.status() if self._host is not None else []
        news, self._news = self._news, []
        for status in statuses:
            if status.state == "failed" and self._states.get(status.name) == "ready":
                news.append(_stopped(status))
        self._states = {status.name: status.state for status in statuses}
        return news

    # -- what the Settings page shows ----------------------------------------------------------

    def builtin_lines(self) -> Sequence[str]:
        # For the person, not the model (the specs' descriptions are the model's).
        return [
            "current_time: today's date, the time and the time zone",
            "calculate: arithmetic and common math functions, to 15 significant digits",
        ]

    def server_lines(self) -> Sequence[ServerLine]:
        if self._host is None:
            if not self._enabled():
                return [
                    ServerLine(server.name, "off", "off while tools are off")
                    for server in self._listed().servers
                ]
            return []
        return [_line(status) for status in self._host.status()]

    def _listed(self) -> McpConfig:
        from app.tools.mcp_config import load_mcp_config

        return load_mcp_config(self.mcp_config_path)

    def config_problems(self) -> Sequence[str]:
        """What is wrong in ``mcp.json``: as read at the servers' start, or, while tools
        are off, as it is now (nothing starts, yet the page says what would)."""
        if self._host is None and not self._enabled():
            return self._listed().problems
        return self._problems

    def ensure_config_file(self) -> Path:
        """``mcp.json``, written with an example first if there is none yet."""
        from app.tools.mcp_config import write_example

        write_example(self.mcp_config_path)
        return self.mcp_config_path


def _line(status: ServerStatus) -> ServerLine:
    detail = status.detail
    if status.state == "starting":
        # npx or uvx may take a minute; meanwhile requests go without its tools.
        detail = "Its tools come with the questions asked once it is ready."
    elif status.state == "stopped" and detail == "Stopped":
        detail = ""
    log_file = status.log_file if status.log_file and status.log_file.exists() else None
    summary = "starting…" if status.state == "starting" else status.state
    return ServerLine(status.name, status.state, summary, detail, log_file)


def _still_starting(names: Sequence[str]) -> str:
    quoted = " and ".join(f"“{name}”" for name in names)
    if len(names) == 1:
        return f"The MCP server {quoted} is still starting: its tools come with a later question."
    return f"The MCP servers {quoted} are still starting: their tools come with a later question."


def _stopped(status: ServerStatus) -> str:
    """A server that was ready failed: said once, with its last word and what to do
    (Settings → Tools shows the whole story)."""
    said = f", saying “{status.last_message}”" if status.last_message else ""
    return (
        f"The MCP server “{status.name}” stopped unexpectedly{said}. To use its tools "
        "again, choose Settings → Tools → Restart servers."
    )


class _Lazy:
    """A provider whose tools come from a function (built at first use)."""

    def __init__(self, tools: Callable[[], Sequence[Tool]]) -> None:
        self._tools = tools

    def tools(self) -> Sequence[Tool]:
        return self._tools()

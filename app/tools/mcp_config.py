"""mcp.json: which MCP servers to start, in the format of Claude Desktop and Cursor.

A mistake in one entry is reported and leaves the other servers working.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EXAMPLE = """\
{
  "mcpServers": {
    "filesystem": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-filesystem", "/path/to/a/folder"],
      "env": {},
      "disabled": true
    }
  }
}
"""

# The button the Settings page offers, named as it is there.
RESTART = "then Restart servers in Settings → Tools"


@dataclass(frozen=True, slots=True)
class McpServerConfig:
    """One server: the command that starts it, speaking MCP on its stdin and stdout."""

    name: str
    command: str
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    cwd: str | None = None
    disabled: bool = False


@dataclass(frozen=True, slots=True)
class McpConfig:
    servers: tuple[McpServerConfig, ...] = ()
    problems: tuple[str, ...] = ()  # each says the file, the server, what is wrong, what to do

    @property
    def enabled(self) -> tuple[McpServerConfig, ...]:
        return tuple(server for server in self.servers if not server.disabled)


class _EntryProblem(Exception):
    pass


def load_mcp_config(path: Path) -> McpConfig:
    """The servers of ``path``; a missing file means none."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return McpConfig()
    except (OSError, UnicodeDecodeError) as error:
        return McpConfig(problems=(f"{path} could not be read ({error}). No MCP server started.",))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return McpConfig(
            problems=(
                f"{path} is not valid JSON (line {error.lineno}, column {error.colno}: "
                f"{error.msg}). No MCP server started: correct the file, {RESTART}.",
            )
        )
    entries = data.get("mcpServers") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        return McpConfig(
            problems=(
                f'{path} has no "mcpServers" object. It should look like: {_one_line(EXAMPLE)}',
            )
        )
    servers: list[McpServerConfig] = []
    problems: list[str] = []
    for name, entry in entries.items():
        try:
            servers.append(_server(name, entry))
        except _EntryProblem as problem:
            problems.append(
                f'{path}, server "{name}": {problem} This server is not started; '
                f"correct its entry, {RESTART}."
            )
    return McpConfig(tuple(servers), tuple(problems))


def write_example(path: Path) -> bool:
    """Create ``path`` with ``EXAMPLE`` (one server, turned off) unless it exists."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(EXAMPLE, encoding="utf-8")
    return True


def _server(name: str, entry: Any) -> McpServerConfig:
    if not name.strip():
        raise _EntryProblem("the server needs a name.")
    if not isinstance(entry, dict):
        raise _EntryProblem('the entry must be an object such as {"command": "...", "args": []}.')
    command = entry.get("command")
    if command is None and ("url" in entry or "serverUrl" in entry):
        raise _EntryProblem(
            "it is a remote server (a URL); Maestrale starts only local servers, "
            'given by "command".'
        )
    if not isinstance(command, str) or not command.strip():
        raise _EntryProblem('"command" must be the program to run, such as "npx" or "uvx".')
    args = entry.get("args", [])
    if not isinstance(args, list) or not all(isinstance(arg, str) for arg in args):
        raise _EntryProblem('"args" must be a list of texts, such as ["-y", "some-package"].')
    env = entry.get("env", {})
    if env is None:
        env = {}
    if not isinstance(env, dict) or not all(isinstance(value, str) for value in env.values()):
        raise _EntryProblem('"env" must be an object of texts, such as {"API_KEY": "..."}.')
    cwd = entry.get("cwd")
    if cwd is not None and (not isinstance(cwd, str) or not cwd.strip()):
        raise _EntryProblem('"cwd" must be the path of a folder.')
    disabled = entry.get("disabled", False)
    if not isinstance(disabled, bool):
        raise _EntryProblem('"disabled" must be true or false.')
    return McpServerConfig(
        name=name,
        command=command.strip(),
        args=tuple(args),
        env=dict(env),
        cwd=cwd,
        disabled=disabled,
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())

"""What MCP servers say, as Maestrale shows it: tool results for the model, start-up
failures for the person. ``mcp`` is imported by the callers, in the host thread."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from app.api.types import ToolSpec
from app.tools.mcp_config import McpServerConfig
from app.tools.registry import ToolOutput

if TYPE_CHECKING:
    from mcp import types

_LOG_TAIL_BYTES = 4_096
_MAX_LOG_LINE = 300


def tool_spec(tool: types.Tool) -> ToolSpec:
    schema = tool.input_schema or {"type": "object", "properties": {}}
    return ToolSpec(
        name=tool.name, description=tool.description or tool.title or "", parameters=schema
    )


def tool_output(result: types.CallToolResult) -> ToolOutput:
    """The result's text for the model; what it cannot read is described in a line."""
    from mcp import types

    parts: list[str] = []
    for block in result.content:
        if isinstance(block, types.TextContent):
            parts.append(block.text)
        elif isinstance(block, types.ImageContent | types.AudioContent):
            kind = "an image" if isinstance(block, types.ImageContent) else "a sound"
            parts.append(f"[{kind} ({block.mime_type}, {_size(block.data)}), not shown here]")
        elif isinstance(block, types.ResourceLink):
            parts.append(f"[a resource: {block.name} at {block.uri}]")
        elif isinstance(block.resource, types.TextResourceContents):
            parts.append(block.resource.text)
        else:
            mime = block.resource.mime_type or "binary"
            parts.append(f"[a resource: {block.resource.uri} ({mime}), not shown here]")
    if not parts and result.structured_content is not None:
        parts.append(json.dumps(result.structured_content, ensure_ascii=False))
    text = "\n".join(parts) if parts else "(The tool gave no output.)"
    return ToolOutput(text, is_error=result.is_error)


def describe_failure(error: BaseException, config: McpServerConfig, seconds: float) -> str:
    """Why a server could not start or went away, and what to do, in a sentence or two."""
    from mcp import MCPError

    error = _first(error)
    if isinstance(error, FileNotFoundError):
        if config.cwd and error.filename and Path(str(error.filename)) == Path(config.cwd):
            return f'The folder "{config.cwd}" ("cwd" in mcp.json) does not exist.'
        return (
            f'The command "{config.command}" was not found. Install it, or give its full '
            "path in mcp.json."
        )
    if isinstance(error, PermissionError):
        return f'"{config.command}" could not be run: {error.strerror or error}.'
    if isinstance(error, TimeoutError):
        return f"It did not answer within {seconds:.0f} s. It may be waiting for something."
    if isinstance(error, MCPError):
        return f"It stopped while starting ({error})."
    return f"It could not be started: {error or type(error).__name__}."


def last_log_line(path: Path) -> str:
    """The server's last message on stderr, usually the reason it failed; "" if none."""
    try:
        with path.open("rb") as file:
            file.seek(0, 2)
            size = file.tell()
            file.seek(max(0, size - _LOG_TAIL_BYTES))
            tail = file.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    lines = [line.strip() for line in tail.splitlines() if line.strip()]
    if not lines or lines[-1].startswith("--- "):  # only our own "starting" line
        return ""
    line = lines[-1]
    return line if len(line) <= _MAX_LOG_LINE else line[: _MAX_LOG_LINE - 1] + "…"


def _first(error: BaseException) -> BaseException:
    """The error itself, not the groups anyio's task groups wrap it in."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return error


def _size(data: str) -> str:
    size = len(data) * 3 // 4  # base64
    return f"{size / 1024:.0f} KB" if size >= 1024 else f"{size} bytes"

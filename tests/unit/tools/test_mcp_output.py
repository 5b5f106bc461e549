"""What MCP servers get from us (their environment) and what we make of their answers."""

from __future__ import annotations

import base64
from pathlib import Path

from mcp import types

from app.tools.mcp import server_environment
from app.tools.mcp_output import last_log_line, tool_output, tool_spec
from app.tools.registry import ToolOutput


def test_servers_do_not_get_our_key_or_settings_but_get_their_own_env() -> None:
    ours = {
        "PATH": "/usr/bin",
        "HOME": "/home/someone",
        "MISTRAL_API_KEY": "secret",
        "MAESTRALE_DATA_DIR": "/data",
        "OTHER_API_KEY": "theirs",
    }

    env = server_environment({"GITHUB_TOKEN": "t", "PATH": "/opt/bin"}, ours)

    assert env == {
        "PATH": "/opt/bin",
        "HOME": "/home/someone",
        "OTHER_API_KEY": "theirs",
        "GITHUB_TOKEN": "t",
    }


def test_a_key_given_to_a_server_in_its_env_is_passed_on() -> None:
    env = server_environment({"MISTRAL_API_KEY": "for-this-server"}, {"MISTRAL_API_KEY": "x"})

    assert env == {"MISTRAL_API_KEY": "for-this-server"}


def test_text_is_joined_and_what_the_model_cannot_read_is_described() -> None:
    picture = base64.b64encode(b"\x89PNG" + bytes(4092)).decode()
    result = types.CallToolResult(
        content=[
            types.TextContent(text="First."),
            types.ImageContent(data=picture, mime_type="image/png"),
            types.AudioContent(data="AAAA", mime_type="audio/wav"),
            types.ResourceLink(name="report", uri="file:///tmp/report.pdf"),
            types.EmbeddedResource(
                resource=types.TextResourceContents(uri="file:///a.txt", text="Inside a.")
            ),
            types.EmbeddedResource(
                resource=types.BlobResourceContents(uri="file:///b.bin", blob="AAAA")
            ),
        ]
    )

    assert tool_output(result).text.splitlines() == [
        "First.",
        "[an image (image/png, 4 KB), not shown here]",
        "[a sound (audio/wav, 3 bytes), not shown here]",
        "[a resource: report at file:///tmp/report.pdf]",
        "Inside a.",
        "[a resource: file:///b.bin (binary), not shown here]",
    ]


def test_an_error_result_stays_an_error() -> None:
    result = types.CallToolResult(content=[types.TextContent(text="No such file")], is_error=True)

    assert tool_output(result) == ToolOutput("No such file", is_error=True)


def test_structured_content_alone_is_given_as_json_and_nothing_says_so() -> None:
    structured = types.CallToolResult(content=[], structured_content={"temperature": 21.5})
    empty = types.CallToolResult(content=[])

    assert tool_output(structured) == ToolOutput('{"temperature": 21.5}')
    assert tool_output(empty) == ToolOutput("(The tool gave no output.)")


def test_a_tool_without_a_description_is_described_by_its_title() -> None:
    tool = types.Tool(name="grep", title="Search in files", input_schema={"type": "object"})

    spec = tool_spec(tool)

    assert (spec.name, spec.description, spec.parameters) == (
        "grep",
        "Search in files",
        {"type": "object"},
    )


def test_the_last_log_line_is_the_servers_not_ours(tmp_path: Path) -> None:
    log = tmp_path / "mcp-x.log"
    assert last_log_line(log) == ""  # no log yet

    log.write_text("--- 2024-05-14 10:00:00 starting: x\n")
    assert last_log_line(log) == ""

    log.write_text(log.read_text() + "Loading…\n" + "E" * 400 + "\n\n")
    line = last_log_line(log)
    assert line.startswith("EEE")
    assert len(line) == 300
    assert line.endswith("…")

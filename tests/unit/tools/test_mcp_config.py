"""mcp.json as Claude Desktop and Cursor write it; a mistake in one entry is reported and
leaves the other servers working."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.tools.mcp_config import (
    EXAMPLE,
    McpConfig,
    McpServerConfig,
    load_mcp_config,
    write_example,
)


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_missing_file_means_no_servers(tmp_path: Path) -> None:
    assert load_mcp_config(tmp_path / "mcp.json") == McpConfig()


def test_the_claude_desktop_format(tmp_path: Path) -> None:
    path = write(
        tmp_path / "mcp.json",
        {
            "mcpServers": {
                "files": {
                    "command": "npx",
                    "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"],
                    "env": {"LOG_LEVEL": "debug"},
                    "cwd": "~/work",
                },
                "weather": {"command": "uvx", "args": ["weather-mcp"], "disabled": True},
                "bare": {"command": "my-server", "type": "stdio", "autoApprove": []},
            }
        },
    )

    config = load_mcp_config(path)

    assert config.problems == ()
    assert config.servers == (
        McpServerConfig(
            "files",
            "npx",
            ("-y", "@modelcontextprotocol/server-filesystem", "/tmp"),
            {"LOG_LEVEL": "debug"},
            "~/work",
        ),
        McpServerConfig("weather", "uvx", ("weather-mcp",), disabled=True),
        McpServerConfig("bare", "my-server"),
    )
    assert [server.name for server in config.enabled] == ["files", "bare"]


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        ("npx", "must be an object"),
        ({}, '"command" must be the program to run'),
        ({"command": "  "}, '"command" must be the program to run'),
        ({"url": "https://example.com/mcp"}, "remote server"),
        ({"command": "npx", "args": "-y pkg"}, '"args" must be a list of texts'),
        ({"command": "npx", "args": ["-y", 3]}, '"args" must be a list of texts'),
        ({"command": "npx", "env": {"PORT": 8080}}, '"env" must be an object of texts'),
        ({"command": "npx", "cwd": 3}, '"cwd" must be the path of a folder'),
        ({"command": "npx", "disabled": "yes"}, '"disabled" must be true or false'),
    ],
)
def test_a_bad_entry_is_reported_and_the_others_still_load(
    tmp_path: Path, entry: object, said: str
) -> None:
    path = write(
        tmp_path / "mcp.json",
        {"mcpServers": {"good": {"command": "good-server"}, "bad": entry}},
    )

    config = load_mcp_config(path)

    assert [server.name for server in config.servers] == ["good"]
    (problem,) = config.problems
    assert problem.startswith(f'{path}, server "bad": ')
    assert said in problem
    assert problem.endswith("correct its entry, then Restart servers in Settings → Tools.")


def test_broken_json_says_where(tmp_path: Path) -> None:
    path = tmp_path / "mcp.json"
    path.write_text('{\n  "mcpServers": {\n    "a": {"command": "x",}\n  }\n}\n')

    config = load_mcp_config(path)

    assert config.servers == ()
    (problem,) = config.problems
    assert f"{path} is not valid JSON (line 3, column" in problem
    # Named as the Settings page names its button (it said "then reload").
    assert problem.endswith("correct the file, then Restart servers in Settings → Tools.")


@pytest.mark.parametrize("data", [[], {"servers": {}}, {"mcpServers": []}])
def test_a_file_without_an_mcp_servers_object_shows_the_expected_shape(
    tmp_path: Path, data: object
) -> None:
    path = write(tmp_path / "mcp.json", data)

    (problem,) = load_mcp_config(path).problems

    assert '"mcpServers"' in problem
    assert '"command": "npx"' in problem  # the example, on one line


def test_an_unreadable_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "mcp.json").mkdir()

    (problem,) = load_mcp_config(tmp_path / "mcp.json").problems

    assert "could not be read" in problem


def test_the_example_is_written_once_and_loads_with_its_server_off(tmp_path: Path) -> None:
    path = tmp_path / "config" / "mcp.json"

    assert write_example(path)
    path.write_text(path.read_text().replace("/path/to/a/folder", "/data"))
    assert not write_example(path)  # the person's file is kept

    config = load_mcp_config(path)
    assert config.problems == ()
    assert config.enabled == ()
    assert config.servers[0].args[-1] == "/data"
    assert json.loads(EXAMPLE)["mcpServers"]["filesystem"]["disabled"] is True

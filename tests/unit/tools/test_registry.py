"""ToolRegistry: whatever goes wrong in a call becomes a result the model reads, and the
names sent to the API are valid and distinct."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from app.api.types import ToolSpec
from app.domain.messages import ToolCall
from app.tools.registry import MAX_OUTPUT_CHARS, Tool, ToolOutput, ToolRegistry


class Provider:
    def __init__(self, tools: Sequence[Tool]) -> None:
        self.offered = list(tools)

    def tools(self) -> list[Tool]:
        return self.offered


def make_tool(name: str, source: str = "Built-in", answer: str = "done") -> Tool:
    async def run(arguments: dict[str, Any]) -> ToolOutput:
        return ToolOutput(f"{answer} {arguments}")

    spec = ToolSpec(name=name, description="A tool.", parameters={"type": "object"})
    return Tool(spec, source, run)


def call(name: str, arguments: str = "{}") -> ToolCall:
    return ToolCall(id="call-1", name=name, arguments=arguments)


async def test_a_call_runs_the_tool_with_its_arguments() -> None:
    registry = ToolRegistry([Provider([make_tool("lookup")])])

    output = await registry.call(call("lookup", '{"word": "vento"}'))

    assert output == ToolOutput("done {'word': 'vento'}")


async def test_empty_arguments_are_an_empty_object() -> None:
    registry = ToolRegistry([Provider([make_tool("lookup")])])

    assert await registry.call(call("lookup", "  ")) == ToolOutput("done {}")


async def test_an_unknown_tool_is_an_error_result() -> None:
    output = await ToolRegistry([Provider([make_tool("lookup")])]).call(call("search"))

    assert output.is_error
    assert "'search'" in output.text


async def test_broken_or_non_object_arguments_are_error_results() -> None:
    registry = ToolRegistry([Provider([make_tool("lookup")])])

    broken = await registry.call(call("lookup", '{"word": '))
    listed = await registry.call(call("lookup", "[1, 2]"))

    assert broken.is_error
    assert "not valid JSON" in broken.text
    assert listed.is_error
    assert "JSON object" in listed.text


async def test_an_exception_in_the_tool_is_an_error_result() -> None:
    async def explode(arguments: dict[str, Any]) -> ToolOutput:
        raise OSError("disk unplugged")

    spec = ToolSpec("save", "Saves.", {"type": "object"})
    registry = ToolRegistry([Provider([Tool(spec, "files", explode)])])

    output = await registry.call(call("save"))

    assert output == ToolOutput("save failed: disk unplugged", is_error=True)


async def test_a_tool_that_never_answers_is_an_error_result() -> None:
    async def hang(arguments: dict[str, Any]) -> ToolOutput:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    spec = ToolSpec("wait", "Waits.", {"type": "object"})
    registry = ToolRegistry([Provider([Tool(spec, "slow", hang)])])

    output = await registry.call(call("wait"), seconds=0.01)

    assert output.is_error
    assert "gave no result" in output.text


async def test_a_long_result_is_cut_and_says_so() -> None:
    async def flood(arguments: dict[str, Any]) -> ToolOutput:
        return ToolOutput("x" * (MAX_OUTPUT_CHARS + 500))

    spec = ToolSpec("dump", "Dumps.", {"type": "object"})
    output = await ToolRegistry([Provider([Tool(spec, "big", flood)])]).call(call("dump"))

    assert output.text.startswith("x" * MAX_OUTPUT_CHARS)
    assert "500 more characters left out" in output.text
    assert len(output.text) < MAX_OUTPUT_CHARS + 100
    assert not output.is_error


def test_the_same_name_from_two_sources_is_told_apart_by_the_source() -> None:
    first = make_tool("search", source="web")
    second = make_tool("search", source="notes")
    registry = ToolRegistry([Provider([first]), Provider([second])])

    tools = registry.tools()

    assert [tool.name for tool in tools] == ["search", "notes_search"]
    assert [tool.key for tool in tools] == ["web/search", "notes/notes_search"]
    assert [spec.name for spec in registry.specs()] == ["search", "notes_search"]


async def test_a_renamed_tool_is_called_by_its_new_name() -> None:
    first = make_tool("search", source="web", answer="web")
    second = make_tool("search", source="notes", answer="notes")
    registry = ToolRegistry([Provider([first, second])])

    assert (await registry.call(call("notes_search"))).text == "notes {}"
    assert (await registry.call(call("search"))).text == "web {}"


def test_names_the_api_refuses_are_cleaned_or_left_out() -> None:
    dotted = make_tool("read.file", source="my files")
    clash = make_tool("read_file", source="")
    too_long = make_tool("x" * 70)
    registry = ToolRegistry([Provider([dotted, clash, too_long])])

    names = [tool.name for tool in registry.tools()]

    assert names[0] == "read_file"
    assert names[1] == "_read_file"  # "read_file" taken: prefixed with its (empty) source
    assert names[2] == "x" * 64
    assert all(len(name) <= 64 for name in names)


def test_a_tool_with_no_free_name_is_left_out() -> None:
    tools = [make_tool("search", source="web"), make_tool("web_search")]
    tools.append(make_tool("search", source="web"))  # both its names are taken now
    assert [tool.name for tool in ToolRegistry([Provider(tools)]).tools()] == [
        "search",
        "web_search",
    ]


def test_providers_are_asked_at_each_request() -> None:
    provider = Provider([])
    registry = ToolRegistry([provider])
    assert registry.find("later") is None

    provider.offered.append(make_tool("later"))

    found = registry.find("later")
    assert found is not None
    assert found.name == "later"

"""The built-in tools: the current time, and a calculator that cannot be made to run code
or freeze the app."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.domain.messages import ToolCall
from app.tools.builtin import BuiltinTools, current_time
from app.tools.calculator import CalculationError, calculate
from app.tools.registry import ToolOutput, ToolRegistry

# A Tuesday, 14:30:05 UTC
MOMENT = datetime(2024, 5, 14, 14, 30, 5, tzinfo=UTC)


def test_the_tools_are_offered_only_while_enabled() -> None:
    enabled = [False]
    tools = BuiltinTools(lambda: enabled[0], now=lambda: MOMENT)
    assert tools.tools() == []

    enabled[0] = True

    offered = tools.tools()
    assert [tool.name for tool in offered] == ["current_time", "calculate"]
    assert {tool.source for tool in offered} == {"Built-in"}
    assert not any(tool.ask_first for tool in offered)
    for tool in offered:
        assert tool.spec.parameters["type"] == "object"
        assert tool.spec.description


async def test_the_time_in_a_named_zone() -> None:
    registry = ToolRegistry([BuiltinTools(lambda: True, now=lambda: MOMENT)])

    output = await registry.call(ToolCall("1", "current_time", '{"timezone": "Europe/Rome"}'))

    assert output == ToolOutput(
        "Tuesday, 14 May 2024, 16:30:05\n"
        "Time zone: Europe/Rome (CEST, UTC+02:00)\n"
        "ISO 8601: 2024-05-14T16:30:05+02:00"
    )


def test_the_local_time_names_the_local_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    local = MOMENT.astimezone(timezone(timedelta(hours=-4), "EDT"))

    output = current_time(local)

    assert output.text.splitlines() == [
        "Tuesday, 14 May 2024, 10:30:05",
        "Time zone: America/New_York (EDT, UTC-04:00)",
        "ISO 8601: 2024-05-14T10:30:05-04:00",
    ]


def test_a_local_zone_without_a_name_still_gives_its_offset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", "CET-1CEST")  # a POSIX rule, not an IANA name
    local = MOMENT.astimezone(timezone(timedelta(hours=2), "CEST"))

    assert current_time(local).text.splitlines()[1] == "Time zone: CEST, UTC+02:00"


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "Europe", "../etc/passwd", ""])
async def test_an_unknown_zone_is_an_error_naming_it(zone: str) -> None:
    registry = ToolRegistry([BuiltinTools(lambda: True, now=lambda: MOMENT)])
    arguments = f'{{"timezone": "{zone}"}}'

    output = await registry.call(ToolCall("1", "current_time", arguments))

    if zone:
        assert output.is_error
        assert repr(zone) in output.text
        assert "IANA" in output.text
    else:  # an empty name is the local time
        assert not output.is_error


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("2 + 2", "4"),
        ("(3.5 + 2) * 4**2", "88"),
        ("7 / 2", "3.5"),
        ("7 // 2", "3"),
        ("-7 % 3", "2"),
        ("-(2 ** 3)", "-8"),
        ("+5", "5"),
        ("0.1 + 0.2", "0.3"),
        ("2 ** 100", "1267650600228229401496703205376"),
        ("2 ** -2", "0.25"),
        ("sqrt(16)", "4"),
        ("sqrt(2)", "1.4142135623731"),
        ("sin(pi / 2) + cos(0)", "2"),
        ("tan(0)", "0"),
        ("log(e)", "1"),
        ("log(8, 2)", "3"),
        ("log10(1000)", "3"),
        ("exp(0)", "1"),
        ("abs(-3)", "3"),
        ("round(2.675, 2)", "2.67"),
        ("round(7.5)", "8"),
        ("floor(-2.5) + ceil(2.1)", "0"),
        ("1e3", "1000"),
        ("1e20", "1e+20"),
    ],
)
def test_calculations(expression: str, value: str) -> None:
    assert calculate(expression) == value


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("1 / 0", "division by zero"),
        ("5 // 0", "division by zero"),
        ("5 % 0", "division by zero"),
        ("0 ** -1", "division by zero"),
        ("10 ** 10 ** 10", "more than 1000 digits"),
        ("9 ** 9 ** 9", "more than 1000 digits"),
        ("(10 ** 600) * (10 ** 600)", "more than 1000 digits"),
        ("2.0 ** 5000", "too large"),
        ("exp(1000)", "too large"),
        ("10 ** 400 / 3", "too large"),
        ("1e308 * 10", "not a finite number"),
        ("round(5, -10 ** 9)", "whole number of digits"),
        ("round(5, 0.5)", "whole number of digits"),
        ("sqrt(-1)", "outside what a function accepts"),
        ("log(0)", "outside what a function accepts"),
        ("(-8) ** (1 / 3)", "not a real number"),
        ("2 ^ 3", "write a**b"),
        ("2 << 3", "only + - * / // % and **"),
        ("__import__('os')", "not a known function"),
        ("().__class__", "attribute access"),
        ("math.pi", "attribute access"),
        ("x + 1", "unknown name 'x'"),
        ("'a' * 3", "not a number"),
        ("True + 1", "not a number"),
        ("1j", "not a number"),
        ("sqrt(x=4)", "by position only"),
        ("sqrt(1, 2)", "takes 1 argument"),
        ("log(1, 2, 3)", "takes 1 or 2 argument"),
        ("1,000", "thousands separator"),
        ("[1, 2]", "not allowed"),
        ("lambda: 1", "not allowed"),
        ("2 +", "not a valid expression"),
        ("1 if 1 else 2", "not allowed"),
        ("-" * 990 + "1", "nested too deeply"),
        ("1+" * 600 + "1", "longer than 1000 characters"),
    ],
)
def test_refused_expressions_say_why(expression: str, reason: str) -> None:
    with pytest.raises(CalculationError, match=re.escape(reason)):
        calculate(expression)


async def test_a_refused_expression_is_an_error_result_for_the_model() -> None:
    registry = ToolRegistry([BuiltinTools(lambda: True)])

    output = await registry.call(ToolCall("1", "calculate", '{"expression": "1/0"}'))
    missing = await registry.call(ToolCall("1", "calculate", "{}"))

    assert output == ToolOutput("Cannot calculate '1/0': division by zero.", is_error=True)
    assert missing.is_error
    assert "expression" in missing.text

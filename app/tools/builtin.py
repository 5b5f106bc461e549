"""Tools that come with Maestrale: the current time and a calculator.

Both only read the clock or compute, so they run without asking the person first.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from app.api.types import ToolSpec
from app.domain.calendar_names import MONTHS, WEEKDAYS  # not strftime's: the locale
from app.tools.calculator import EXPRESSION_HELP, CalculationError, calculate
from app.tools.registry import Tool, ToolOutput

SOURCE = "Built-in"

CURRENT_TIME = ToolSpec(
    name="current_time",
    description=(
        "Get the current date, time, weekday and time zone. Use it whenever the answer "
        "depends on today's date or the time of day (you do not know them otherwise). "
        "Without arguments it gives the person's local time."
    ),
    parameters={
        "type": "object",
        "properties": {
            "timezone": {
                "type": "string",
                "description": (
                    "An IANA time zone name such as 'Europe/Paris', 'America/New_York' "
                    "or 'UTC', to get the time there instead of the local time."
                ),
            }
        },
        "additionalProperties": False,
    },
)

CALCULATE = ToolSpec(
    name="calculate",
    description=(
        "Evaluate an arithmetic expression and get the number (to 15 significant "
        "digits). Use it for any arithmetic that is not trivial instead of working it "
        "out yourself."
    ),
    parameters={
        "type": "object",
        "properties": {"expression": {"type": "string", "description": EXPRESSION_HELP}},
        "required": ["expression"],
        "additionalProperties": False,
    },
)


class BuiltinTools:
    """The built-in tools, offered while ``enabled()`` says so (a setting)."""

    def __init__(
        self, enabled: Callable[[], bool], now: Callable[[], datetime] | None = None
    ) -> None:
        self._enabled = enabled
        self._now = now or datetime.now
        self._tools = (
            Tool(CURRENT_TIME, SOURCE, self._current_time, ask_first=False),
            Tool(CALCULATE, SOURCE, self._calculate, ask_first=False),
        )

    def tools(self) -> list[Tool]:
        return list(self._tools) if self._enabled() else []

    async def _current_time(self, arguments: dict[str, Any]) -> ToolOutput:
        zone_name = arguments.get("timezone")
        if zone_name is not None and not isinstance(zone_name, str):
            return ToolOutput("'timezone' must be a text such as 'Europe/Paris'.", True)
        return current_time(self._now(), zone_name or None)

    async def _calculate(self, arguments: dict[str, Any]) -> ToolOutput:
        expression = arguments.get("expression")
        if not isinstance(expression, str) or not expression.strip():
            return ToolOutput("Give the expression to calculate as 'expression'.", True)
        try:
            return ToolOutput(calculate(expression))
        except CalculationError as error:
            return ToolOutput(f"Cannot calculate {expression!r}: {error}", is_error=True)


def current_time(now: datetime, zone_name: str | None = None) -> ToolOutput:
    """``now`` described in the local time zone, or in the IANA zone ``zone_name``."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if zone_name is None:
        moment = now if now.tzinfo else now.astimezone()  # naive: the local time
        zone_label = _local_zone_name()
    else:
        try:
            zone = ZoneInfo(zone_name.strip())
        except (ZoneInfoNotFoundError, ValueError, OSError):
            return ToolOutput(
                f"Unknown time zone {zone_name!r}. Give an IANA name such as "
                "'Europe/Paris', 'America/New_York' or 'UTC', or leave it out for the "
                "local time.",
                is_error=True,
            )
        moment = now.astimezone(zone)
        zone_label = zone.key
    offset = moment.strftime("%z")
    utc_offset = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    abbreviation = moment.tzname() or ""
    zone_parts = [part for part in (abbreviation, utc_offset) if part and part != zone_label]
    zone_text = f"{zone_label} ({', '.join(zone_parts)})" if zone_label else ", ".join(zone_parts)
    date = (
        f"{WEEKDAYS[moment.weekday()]}, {moment.day} {MONTHS[moment.month - 1]} "
        f"{moment.year}, {moment:%H:%M:%S}"
    )
    iso = moment.isoformat(timespec="seconds")
    return ToolOutput(f"{date}\nTime zone: {zone_text}\nISO 8601: {iso}")


def _local_zone_name() -> str | None:
    """The IANA name of the local zone when the system tells it (TZ, /etc/localtime)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    variable = os.environ.get("TZ", "").removeprefix(":")
    if variable:
        try:
            return ZoneInfo(variable).key
        except (
            ZoneInfoNotFoundError,
            ValueError,
            OSError,
        ):  # a POSIX rule such as "CET-1CEST", not a name
            return None
    try:
        parts = Path("/etc/localtime").resolve(strict=True).parts
    except OSError:
        return None
    if "zoneinfo" not in parts:
        return None
    name = "/".join(parts[parts.index("zoneinfo") + 1 :])
    return name.removeprefix("posix/").removeprefix("right/") or None

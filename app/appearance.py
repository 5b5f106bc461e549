"""The two settings the window's first paint needs: its theme and its text size.

The window shows its frame before anything else loads (see app.ui.start_frame). Reading
the whole settings file through app.settings would import the settings table, the API's
endpoint and error modules and their helpers first: some 15 ms before the frame, for two
values. ``read_appearance`` reads those two from the same file, and decides each as
app.settings does (tests/unit/test_appearance.py holds both to the same answers); the
whole settings are read once the frame has painted, and win.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, NamedTuple

THEMES = ("system", "light", "dark")
MIN_FONT_SIZE = 6
MAX_FONT_SIZE = 32
SYSTEM_FONT_SIZE = 0  # the font size setting that keeps the system's size


class Appearance(NamedTuple):
    theme: str = "system"
    font_size: int = SYSTEM_FONT_SIZE


def read_appearance(settings_file: Path) -> Appearance:
    """The theme and font size ``settings_file`` sets, each its default when the file
    or the value is missing or not valid (as app.settings.load_settings decides)."""
    try:
        with settings_file.open("rb") as stream:
            data = tomllib.load(stream)
    except (OSError, tomllib.TOMLDecodeError):
        return Appearance()
    return Appearance(_theme(data.get("theme")), _font_size(data.get("font_size")))


def _theme(value: Any) -> str:
    return value if isinstance(value, str) and value in THEMES else Appearance().theme


def _font_size(value: Any) -> int:
    whole = isinstance(value, int) and not isinstance(value, bool)
    if whole and (value == SYSTEM_FONT_SIZE or MIN_FONT_SIZE <= value <= MAX_FONT_SIZE):
        return int(value)
    return SYSTEM_FONT_SIZE

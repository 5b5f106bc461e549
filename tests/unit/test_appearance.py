"""The frame's theme and text size, read ahead of the settings, are the settings' own."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.appearance import Appearance, read_appearance
from app.settings import load_settings

FILES = [
    "",
    'theme = "dark"\nfont_size = 14\n',
    'theme = "light"\n',
    "font_size = 0\n",
    "font_size = 32\nmodel = 'x'\n",
    'theme = "sepia"\nfont_size = 5\n',  # neither valid: the defaults
    'theme = "Dark"\nfont_size = 33\n',
    "theme = 1\nfont_size = 14.5\n",
    'font_size = true\ntheme = "dark"\n',
    'font_size = "14"\n',
    "theme = [\n",  # not TOML at all
    'unknown = 1\ntheme = "dark"\nbase_url = "http://example.com"\n',  # others refused
]


@pytest.mark.parametrize("text", FILES)
def test_read_ahead_as_the_settings_read_them(tmp_path: Path, text: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    settings = load_settings(path).settings
    assert read_appearance(path) == Appearance(settings.theme, settings.font_size)


def test_no_file_or_an_unreadable_one_gives_the_defaults(tmp_path: Path) -> None:
    assert read_appearance(tmp_path / "missing.toml") == Appearance("system", 0)
    assert read_appearance(tmp_path) == Appearance("system", 0)  # a folder
    assert load_settings(tmp_path / "missing.toml").settings.theme == "system"

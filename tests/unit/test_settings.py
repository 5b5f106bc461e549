from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from app.config import load_config
from app.settings import (
    DEFAULT_MODEL,
    OPTIONS,
    OPTIONS_BY_NAME,
    LoadedSettings,
    Settings,
    load_settings,
    render_settings,
    save_settings,
    settings_notice,
)


def test_every_option_has_help_and_a_valid_default() -> None:
    assert {o.name for o in OPTIONS} >= {
        "base_url",
        "dialect",
        "model",
        "temperature",
        "top_p",
        "max_tokens",
        "random_seed",
        "safe_prompt",
        "connect_timeout",
        "read_timeout",
    }
    for option in OPTIONS:
        assert option.help.endswith((".", ")"))
        assert option.check(option.default) == option.default


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    loaded = load_settings(tmp_path / "settings.toml")
    assert loaded.settings == Settings()
    assert loaded.settings.model == DEFAULT_MODEL == "mistral-large-2411"
    assert loaded.problems == ()


def test_round_trip_through_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.toml"
    chosen = Settings(
        temperature=0.2,
        max_tokens=512,
        system_prompt='Say "hi"\nthen stop.',
        dialect="openai",
        base_url="http://localhost:8000",
    )
    save_settings(path, LoadedSettings(Settings()), chosen)
    assert load_settings(path).settings == chosen
    text = path.read_text()
    assert "# Sampling temperature" in text  # the help is written as a comment
    assert "# random_seed =" in text  # unset options shown commented out


def test_bad_values_are_reported_by_name_and_replaced_by_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(
        'temperature = 3.0\ndialect = "klingon"\nmax_tokens = "lots"\n'
        'safe_prompt = 1\ntop_p = 0\nmodel = "mistral-small-latest"\n'
    )
    loaded = load_settings(path)
    assert loaded.settings.temperature is None
    assert loaded.settings.dialect == "mistral"
    assert loaded.settings.max_tokens is None
    assert loaded.settings.safe_prompt is False
    assert loaded.settings.top_p is None
    assert loaded.settings.model == "mistral-small-latest"  # good values survive
    joined = "\n".join(loaded.problems)
    for name in ("temperature", "dialect", "max_tokens", "safe_prompt", "top_p"):
        assert f"{name} = " in joined
    assert "at most 1.5" in joined


def test_unknown_options_are_kept_when_saving(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('future_option = "keep me"\nnested = { a = 1, b = [true, "x"] }\n')
    loaded = load_settings(path)
    assert any("future_option" in p for p in loaded.problems)
    save_settings(path, loaded, loaded.settings.with_values(temperature=0.5))
    data = tomllib.loads(path.read_text())
    assert data["future_option"] == "keep me"
    assert data["nested"] == {"a": 1, "b": [True, "x"]}
    assert data["temperature"] == 0.5


def test_unreadable_file_is_kept_aside_before_saving(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("temperature = = broken\n")
    loaded = load_settings(path)
    assert loaded.unreadable
    assert "not valid TOML" in loaded.problems[0]
    save_settings(path, loaded, Settings(temperature=0.1))
    kept = list(tmp_path.glob("settings.toml.unreadable-*"))
    assert len(kept) == 1
    assert kept[0].read_text() == "temperature = = broken\n"
    assert load_settings(path).settings.temperature == 0.1


def test_rendered_defaults_parse_back_to_defaults() -> None:
    assert tomllib.loads(render_settings(Settings())) == {}


def test_appearance_and_composer_options_default_to_the_system_and_enter_sends() -> None:
    settings = Settings()
    assert settings.theme == "system"
    assert settings.font_size == 0
    assert settings.enter_sends is True


def test_appearance_and_composer_options_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    chosen = Settings(theme="dark", font_size=14, enter_sends=False)
    save_settings(path, LoadedSettings(Settings()), chosen)
    assert load_settings(path).settings == chosen
    data = tomllib.loads(path.read_text())
    assert data == {"theme": "dark", "font_size": 14, "enter_sends": False}


def test_bad_appearance_values_are_reported_and_replaced(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('theme = "sepia"\nfont_size = 3\nenter_sends = "yes"\n')
    loaded = load_settings(path)
    assert loaded.settings.theme == "system"
    assert loaded.settings.font_size == 0
    assert loaded.settings.enter_sends is True
    joined = "\n".join(loaded.problems)
    assert "theme = \"sepia\" must be one of 'system', 'light', 'dark'" in joined
    assert "font_size = 3 must be at least 6 (or 0)" in joined
    assert 'enter_sends = "yes" must be true or false' in joined


def test_font_size_zero_means_the_system_size_and_limits_hold() -> None:
    option = OPTIONS_BY_NAME["font_size"]
    assert option.check(0) == 0
    assert option.check(6) == 6
    assert option.check(32) == 32
    for bad in (1, 5, 33, -1, 12.5, True):
        with pytest.raises(ValueError, match="must be"):
            option.check(bad)


def test_quick_prompt_options_have_their_defaults() -> None:
    settings = Settings()
    assert settings.quick_shortcut == "Ctrl+Alt+Space"
    assert settings.close_to_tray is False
    assert settings.notify_when_hidden is True
    assert OPTIONS_BY_NAME["close_to_tray"].help.startswith(
        "Closing the window keeps Maestrale in the tray so shortcuts keep working"
    )
    assert "quick prompt window" in OPTIONS_BY_NAME["quick_shortcut"].help


def test_quick_prompt_options_round_trip_and_an_empty_shortcut_means_none(
    tmp_path: Path,
) -> None:
    path = tmp_path / "settings.toml"
    chosen = Settings(quick_shortcut="", close_to_tray=True, notify_when_hidden=False)
    save_settings(path, LoadedSettings(Settings()), chosen)
    assert load_settings(path).settings == chosen
    assert tomllib.loads(path.read_text()) == {
        "quick_shortcut": "",
        "close_to_tray": True,
        "notify_when_hidden": False,
    }
    text = path.read_text()
    assert "# Closing the window keeps Maestrale in the tray" in text


def test_bad_quick_prompt_values_are_reported_and_replaced(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('quick_shortcut = 5\nclose_to_tray = "yes"\nnotify_when_hidden = 0\n')
    loaded = load_settings(path)
    assert loaded.settings.quick_shortcut == "Ctrl+Alt+Space"
    assert loaded.settings.close_to_tray is False
    assert loaded.settings.notify_when_hidden is True
    joined = "\n".join(loaded.problems)
    assert 'quick_shortcut = 5 must be text; using the default ("Ctrl+Alt+Space").' in joined
    assert 'close_to_tray = "yes" must be true or false' in joined
    assert "notify_when_hidden = 0 must be true or false" in joined


def test_a_run_s_base_url_says_what_set_it(tmp_path: Path) -> None:
    environ = {"MAESTRALE_DATA_DIR": str(tmp_path), "MAESTRALE_BASE_URL": "http://127.0.0.1:1"}
    assert load_config({}).base_url_from is None
    from_environment = load_config(environ)
    assert from_environment.base_url_from == "MAESTRALE_BASE_URL"
    assert from_environment.settings.base_url == "http://127.0.0.1:1"
    assert from_environment.loaded.settings.base_url == "https://api.mistral.ai"
    from_flag = load_config(environ, base_url="http://127.0.0.1:2")
    assert (from_flag.base_url_from, from_flag.settings.base_url) == (
        "--base-url",
        "http://127.0.0.1:2",
    )


def test_the_start_notice_reads_as_plain_sentences(tmp_path: Path) -> None:
    # It read "…using the default (0). (and 1 more) The file is …", and an unreadable
    # file's said "until it is fixed" twice and gave its path twice.
    path = tmp_path / "settings.toml"
    path.write_text('font_size = "big"\ntheme = "solarized"\nmodel = 7\n', encoding="utf-8")
    assert settings_notice(path, load_settings(path)) == (
        f'Part of your settings file {path} could not be used: font_size = "big" must be '
        "a whole number; using the default (0). There are 2 more problems; Settings shows "
        "them all."
    )
    path.write_text('theme = "dark\n', encoding="utf-8")
    notice = settings_notice(path, load_settings(path))
    assert notice is not None
    assert notice.startswith(f"Your settings file {path} could not be read: not valid TOML (")
    assert notice.count("until") == 1
    assert notice.count(str(path)) == 1

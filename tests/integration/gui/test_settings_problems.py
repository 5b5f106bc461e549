"""Problems with settings.toml are shown in the window at start, not only in the log."""

from __future__ import annotations

import logging
import tomllib

import pytest
from PySide6.QtCore import Qt

from app.api.endpoint import MISTRAL_BASE_URL
from app.config import load_config
from app.presets import presets_path
from app.ui.toast import Toast
from tests.integration.gui.conftest import Gui, in_loop

BROKEN = 'model = "mistral-small-latest"\nsystem_prompt = "Be brief\n'


@pytest.fixture
def broken_settings(gui_environ: dict[str, str]) -> None:
    path = load_config(gui_environ).paths.settings_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(BROKEN, encoding="utf-8")


@pytest.mark.usefixtures("broken_settings")
@in_loop
async def test_an_unreadable_settings_file_is_announced_at_start(gui: Gui) -> None:
    # The model and system prompt silently fell back to their defaults; only the log
    # and the Settings window's banner said why.
    path = gui.application.config.paths.settings_file
    toasts = [t for t in gui.window.findChildren(Toast) if t.is_open]
    assert len(toasts) == 1
    text = toasts[0].text
    assert text.startswith(f"Your settings file {path} could not be read: not valid TOML (")
    assert text.endswith(
        "Every setting (model, system prompt and the rest) has its default until the "
        "file is fixed; Settings shows the problem."
    )
    button = toasts[0].action_button
    assert button is not None
    assert button.text() == "Open Settings"
    button.click()
    dialog = gui.application._settings_dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert "not valid TOML" in dialog.problems.message()
    assert path.read_text(encoding="utf-8") == BROKEN


@pytest.fixture
def wrong_types(gui_environ: dict[str, str]) -> None:
    path = load_config(gui_environ).paths.settings_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('model = 7\ntemperature = "warm"\n', encoding="utf-8")


@pytest.mark.usefixtures("wrong_types")
@in_loop
async def test_wrong_values_in_the_settings_file_are_announced_at_start(gui: Gui) -> None:
    toasts = [t for t in gui.window.findChildren(Toast) if t.is_open]
    assert len(toasts) == 1
    path = gui.application.config.paths.settings_file
    assert toasts[0].text == (
        f"Part of your settings file {path} could not be used: model = 7 must be text; "
        'using the default ("mistral-large-2411"). There is 1 more problem; Settings '
        "shows them all."
    )


BAD_PRESETS = '[[preset]]\nname = "Pirate"\ntemperature = "hot"\nsystem_prompt = 42\n'


@pytest.fixture
def bad_presets(gui_environ: dict[str, str]) -> None:
    path = presets_path(load_config(gui_environ).paths.config_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(BAD_PRESETS, encoding="utf-8")


@pytest.mark.usefixtures("bad_presets")
@in_loop
async def test_parameters_say_why_no_preset_can_be_chosen(
    gui: Gui, caplog: pytest.LogCaptureFixture
) -> None:
    # The Preset menu was only greyed out, and the problems were not even logged.
    from app.ui.params_dialog import ParamsDialog

    path = presets_path(gui.application.config.paths.config_dir)
    edit = gui.pane.composer.edit
    edit.setFocus()
    control_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    with caplog.at_level(logging.WARNING):
        gui.qtbot.keyClick(edit, Qt.Key.Key_P, control_shift)
    dialog = next(d for d in gui.window.findChildren(ParamsDialog) if d.isVisible())
    assert not dialog.preset.isEnabled()
    problem = "presets.toml: preset 1 ('Pirate'): system_prompt must be text; skipped."
    expected = f"No preset can be used:\n{problem}\nThe file is {path}."
    assert dialog.presets_status.message() == expected
    assert dialog.preset.toolTip() == expected
    assert problem in caplog.text
    dialog.reject()
    gui.application.open_settings("presets")
    settings = gui.application._settings_dialog
    assert settings is not None
    assert settings.presets_page.problems.message() == expected


REMOTE = "http://192.168.1.5:8000/v1"


@pytest.fixture
def remote_http(gui_environ: dict[str, str]) -> None:
    path = load_config(gui_environ).paths.settings_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'base_url = "{REMOTE}"\n', encoding="utf-8")
    del gui_environ["MAESTRALE_BASE_URL"]


@pytest.mark.usefixtures("remote_http", "no_key_environ")
@in_loop
async def test_a_plain_http_base_url_to_another_machine_is_refused_at_start(gui: Gui) -> None:
    # It was taken: the first-run panel asked for "An API key for 192.168.1.5:8000",
    # and refused the address only once the key was typed and tested.
    assert gui.application.config.settings.base_url == MISTRAL_BASE_URL
    panel = gui.application.first_run
    assert panel is not None
    assert panel.heading.text() == "Maestrale needs a Mistral API key"  # for its API
    toasts = [t for t in gui.window.findChildren(Toast) if t.is_open]
    assert len(toasts) == 1
    text = toasts[0].text
    path = gui.application.config.paths.settings_file
    assert text.startswith(
        f"Part of your settings file {path} could not be used: base_url: "
        f"Refusing the plain http:// endpoint '{REMOTE}'"
    )
    assert "Use https://, or a loopback address" in text
    assert "an SSH tunnel" in text
    assert f"The default endpoint ({MISTRAL_BASE_URL}) is used" in text
    button = toasts[0].action_button
    assert button is not None
    button.click()
    dialog = gui.application._settings_dialog
    assert dialog is not None
    assert dialog.current_page() == "endpoint"
    dialog.appearance_page.theme_buttons["light"].click()
    assert dialog.flush()
    assert tomllib.loads(path.read_text(encoding="utf-8"))["base_url"] == REMOTE  # kept
    assert list(path.parent.glob("settings.toml.*-*")) == []


@pytest.fixture
def remote_override(gui_environ: dict[str, str]) -> None:
    gui_environ["MAESTRALE_BASE_URL"] = REMOTE


@pytest.mark.usefixtures("remote_override", "no_key_environ")
@in_loop
async def test_a_plain_http_base_url_given_for_the_run_is_refused_at_start(gui: Gui) -> None:
    assert gui.application.config.settings.base_url == MISTRAL_BASE_URL
    assert gui.application.config.base_url_from is None
    panel = gui.application.first_run
    assert panel is not None
    assert panel.heading.text() == "Maestrale needs a Mistral API key"  # for its API
    toasts = [t for t in gui.window.findChildren(Toast) if t.is_open]
    assert len(toasts) == 1
    assert toasts[0].text.startswith(
        f"MAESTRALE_BASE_URL: Refusing the plain http:// endpoint '{REMOTE}'"
    )
    assert toasts[0].text.endswith("The saved endpoint is used for this window.")

"""Settings → Endpoint: the address of one of Mistral's own APIs decides "Speaks"."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
import qasync
from pytestqt.qtbot import QtBot

from app.secrets import ApiKeys
from app.settings import LoadedSettings, Settings
from app.tasks import TaskRunner
from app.ui.settings_dialog import SettingsDialog

from .conftest import MODELS, FakeEndpoint, finish


@pytest.fixture
def dialog(
    qtbot: QtBot, qloop: qasync.QEventLoop, tmp_path: Path, keys: ApiKeys, runner: TaskRunner
) -> Callable[[Settings], SettingsDialog]:
    def make(settings: Settings) -> SettingsDialog:
        made = SettingsDialog(
            settings_path=tmp_path / "config" / "settings.toml",
            loaded=LoadedSettings(settings),
            settings=settings,
            keys=keys,
            runner=runner,
            test_connection=FakeEndpoint(MODELS),
            presets_path=tmp_path / "config" / "presets.toml",
            models=(),
        )
        qtbot.addWidget(made)
        finish(qloop, runner)
        made.show_page("endpoint")
        return made

    return make


def saved(tmp_path: Path) -> dict[str, object]:
    return tomllib.loads((tmp_path / "config" / "settings.toml").read_text(encoding="utf-8"))


def test_codestral_s_address_speaks_mistral_and_another_gives_the_choice_back(
    qtbot: QtBot, tmp_path: Path, dialog: Callable[[Settings], SettingsDialog]
) -> None:
    made = dialog(Settings(base_url="http://localhost:8000", dialect="openai"))
    page = made.endpoint_page
    assert page.dialect.currentData() == "openai"
    assert page.dialect.isEnabled()
    page.url.selectAll()
    qtbot.keyClicks(page.url, "https://codestral.mistral.ai/v1")
    # Typed: "Speaks" follows at once, and cannot be changed to what it cannot speak.
    assert page.dialect.currentData() == "mistral"
    assert not page.dialect.isEnabled()
    assert "only Mistral" in page.dialect.toolTip()
    with qtbot.waitSignal(made.settings_changed, timeout=2000) as blocker:
        page.finish_editing()
    assert blocker.args[0].base_url == "https://codestral.mistral.ai"
    assert blocker.args[0].dialect == "mistral"
    written = saved(tmp_path)
    assert written["base_url"] == "https://codestral.mistral.ai"
    assert written.get("dialect", "mistral") == "mistral"  # the default is not written

    page.url.selectAll()
    qtbot.keyClicks(page.url, "http://localhost:9000")
    assert page.dialect.currentData() == "openai"  # the choice made before
    assert page.dialect.isEnabled()
    assert page.dialect.toolTip() == ""
    with qtbot.waitSignal(made.settings_changed, timeout=2000):
        page.finish_editing()
    assert saved(tmp_path) == {"base_url": "http://localhost:9000", "dialect": "openai"}


def test_a_saved_mistral_address_that_said_openai_opens_speaking_mistral(
    dialog: Callable[[Settings], SettingsDialog],
) -> None:
    # Saved before "Speaks" followed the address: the form shows what is sent.
    page = dialog(Settings(base_url="https://codestral.mistral.ai", dialect="openai")).endpoint_page
    assert page.custom.isChecked()
    assert page.dialect.currentData() == "mistral"
    assert not page.dialect.isEnabled()


def test_la_plateforme_chosen_leaves_the_own_server_s_dialect_alone(
    qtbot: QtBot, dialog: Callable[[Settings], SettingsDialog]
) -> None:
    page = dialog(Settings(base_url="http://localhost:8000", dialect="openai")).endpoint_page
    page.mistral.click()
    assert page.dialect_value() == "mistral"
    page.custom.click()
    assert page.dialect.currentData() == "openai"
    assert page.dialect.isEnabled()

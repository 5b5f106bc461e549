"""Settings → Presets and Quick prompts: "Deleted 'X'." is said once, not through the
edits that follow (it stayed, as if they had deleted something too)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.api.models import ModelCard
from app.presets import Preset, save_presets
from app.ui.settings.presets_page import PresetsPage
from app.ui.settings.templates_page import TemplatesPage

MODELS = [ModelCard("mistral-large-latest")]


def test_a_preset_s_deletion_is_said_until_the_next_edit(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "presets.toml"
    save_presets(path, [Preset("Pirate captain", "Arr."), Preset("Terse", "Be terse.")])
    page = PresetsPage(path, MODELS)
    qtbot.addWidget(page)
    page.list.setCurrentRow(0)
    page.on_delete_clicked()
    box = page.confirmation
    assert box is not None
    delete = next(b for b in box.buttons() if b.text() == "Delete")
    delete.click()
    assert page.saved.message() == "Deleted 'Pirate captain'."
    page.system_prompt.setPlainText("Be terse, and kind.")  # another change
    assert page.saved.message() == ""
    assert page.flush()


def test_a_template_s_deletion_is_said_until_the_next_edit(qtbot: QtBot, tmp_path: Path) -> None:
    page = TemplatesPage(tmp_path / "templates.toml", MODELS)
    qtbot.addWidget(page)
    page.add_button.click()
    page.add_button.click()
    page.list.setCurrentRow(0)
    deleted = page.list.currentItem().text()
    page.delete_button.click()
    assert page.status.message() == f"Deleted {deleted!r}."
    page.prompt.setPlainText("Translate {input}")
    assert page.status.message() == ""

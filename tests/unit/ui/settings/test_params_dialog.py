"""The per-conversation dialog: presets fill the fields; the result is what was chosen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.api.models import Dialect, ModelCard
from app.domain.messages import ChatParams
from app.presets import Preset
from app.settings import Settings
from app.ui.params_dialog import ParamsDialog
from app.ui.settings.model_page import ModelPage
from app.ui.settings.params import ParamsEditor
from app.ui.theme import apply_theme

PRESETS = [
    Preset("Concise", "Be brief.", ChatParams(temperature=0.3)),
    Preset("Coder", "Review code.", ChatParams(top_p=0.8, max_tokens=900), "codestral-latest"),
]


def make(qtbot: QtBot, **overrides: object) -> ParamsDialog:
    values: dict[str, object] = {
        "system_prompt": None,
        "params": ChatParams(),
        "model": None,
        "presets": PRESETS,
        "models": [ModelCard("mistral-large-latest"), ModelCard("mistral-small-latest")],
    }
    values.update(overrides)
    dialog = ParamsDialog(**values)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    return dialog


def test_shows_the_conversation_values(qtbot: QtBot) -> None:
    dialog = make(
        qtbot,
        system_prompt="Speak like a sailor.",
        params=ChatParams(temperature=0.9, random_seed=5, safe_prompt=True),
        model="mistral-small-latest",
    )
    assert dialog.result_values() == (
        "Speak like a sailor.",
        ChatParams(temperature=0.9, random_seed=5, safe_prompt=True),
        "mistral-small-latest",
    )


def test_applying_a_preset_fills_the_fields(qtbot: QtBot) -> None:
    dialog = make(qtbot, model="mistral-small-latest")
    assert [dialog.preset.itemText(i) for i in range(dialog.preset.count())] == [
        "Apply a preset…",
        "Concise",
        "Coder",
    ]
    dialog.preset.setCurrentIndex(1)
    dialog.on_preset_chosen(1)
    assert dialog.result_values() == (
        "Be brief.",
        ChatParams(temperature=0.3),
        "mistral-small-latest",  # a preset without a model keeps the chosen one
    )
    assert dialog.preset.currentIndex() == 0  # ready to apply another
    dialog.on_preset_chosen(2)
    assert dialog.result_values() == (
        "Review code.",
        ChatParams(top_p=0.8, max_tokens=900),
        "codestral-latest",
    )


def test_empty_fields_mean_no_prompt_and_the_default_model(qtbot: QtBot) -> None:
    dialog = make(qtbot, system_prompt="x", model="mistral-large-latest")
    dialog.system_prompt.setPlainText("   \n")
    dialog.model.setEditText("")
    assert dialog.result_values() == (None, ChatParams(), None)


def test_apply_emits_the_values_and_cancel_does_not(qtbot: QtBot) -> None:
    dialog = make(qtbot)
    dialog.params.temperature.spin.setValue(1.0)
    with qtbot.waitSignal(dialog.applied) as blocker:
        dialog.apply_button.click()
    assert blocker.args == [None, ChatParams(temperature=1.0), None]
    assert dialog.result() == ParamsDialog.DialogCode.Accepted
    other = make(qtbot)
    emitted: list[object] = []
    other.applied.connect(lambda *args: emitted.append(args))
    other.cancel_button.click()
    assert emitted == []
    assert other.result() == ParamsDialog.DialogCode.Rejected


def test_without_presets_the_chooser_is_disabled(qtbot: QtBot) -> None:
    dialog = make(qtbot, presets=[])
    assert not dialog.preset.isEnabled()


@pytest.mark.parametrize(("typed", "expected"), [("2.5", 1.5), ("0.7", 0.7), ("9", 1.5)])
def test_a_temperature_typed_beyond_the_range_becomes_its_end(
    qtbot: QtBot, typed: str, expected: float
) -> None:
    # Each key taking the text out of range was dropped: "2.5" became 0.50.
    editor = ParamsEditor()
    qtbot.addWidget(editor)
    editor.show()
    spin = editor.temperature.spin
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, typed)
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert editor.temperature.value() == expected


def test_an_unset_value_is_drawn_apart_from_a_value_at_the_left_end(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    # "Default" put the handle at the left end, as a temperature of 0 is drawn.
    sheet, palette = qapp.styleSheet(), QPalette(qapp.palette())
    apply_theme(qapp, "light", 0, assets_dir=tmp_path / "theme")
    try:
        editor = ParamsEditor()
        qtbot.addWidget(editor)
        editor.show()
        qtbot.waitExposed(editor)
        temperature = editor.temperature
        temperature.set_value(None)
        unset = temperature.slider.grab().toImage()
        temperature.set_value(0.0)
        zero = temperature.slider.grab().toImage()
        assert temperature.slider.value() == 0  # the same place…
        assert unset != zero  # …drawn apart
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setPalette(palette)


def test_safe_prompt_is_offered_only_on_mistrals_api(qtbot: QtBot) -> None:
    # OpenAI-compatible servers have no such field: it was offered, and never sent.
    on_mistral = make(qtbot, params=ChatParams(safe_prompt=True))
    assert on_mistral.params.safe_prompt.isEnabled()
    elsewhere = make(qtbot, params=ChatParams(safe_prompt=True), dialect=Dialect.OPENAI)
    box = elsewhere.params.safe_prompt
    assert not box.isEnabled()
    assert "Mistral's API only" in box.text()
    assert "Mistral's API only" in box.toolTip()
    # The choice is kept, for a conversation that goes back to Mistral.
    assert elsewhere.result_values()[1].safe_prompt is True


def right_edges(window: QWidget, fields: list[QWidget]) -> dict[str, int]:
    return {
        field.accessibleName() or field.parentWidget().accessibleName(): field.mapTo(
            window, field.rect().topRight()
        ).x()
        for field in fields
    }


def number_fields(editor: ParamsEditor) -> list[QWidget]:
    return [editor.temperature.spin, editor.top_p.spin, editor.max_tokens, editor.seed]


@pytest.mark.parametrize("size", [10, 20])
def test_the_dialog_s_fields_end_at_one_right_edge(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, size: int
) -> None:
    # The drop-downs reached the form's edge, the spin boxes stopped short of it (room
    # kept for the hidden reset button after them), Max tokens and Seed shorter still.
    apply_theme(qapp, "light", size, assets_dir=tmp_path / "theme")
    dialog = make(qtbot, params=ChatParams(temperature=0.4))  # one reset shown, one not
    dialog.show()
    qtbot.waitExposed(dialog)
    fields = [dialog.preset, dialog.model, dialog.system_prompt, *number_fields(dialog.params)]
    edges = right_edges(dialog, fields)
    assert max(edges.values()) - min(edges.values()) <= 1, edges


@pytest.mark.parametrize("size", [10, 20])
def test_the_model_page_s_fields_end_at_one_right_edge(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, size: int
) -> None:
    apply_theme(qapp, "light", size, assets_dir=tmp_path / "theme")
    page = ModelPage(Settings(top_p=0.9), [ModelCard("mistral-large-latest")])
    qtbot.addWidget(page)
    page.resize(900, 700)
    page.show()
    qtbot.waitExposed(page)
    fields = [page.model, page.system_prompt, *number_fields(page.params)]
    edges = right_edges(page, fields)
    assert max(edges.values()) - min(edges.values()) <= 1, edges


def test_at_a_large_text_size_the_fields_scroll_and_the_buttons_stay_on_screen(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    # At 24 pt the dialog was taller than the screen: Max tokens, Seed, Safe prompt,
    # Cancel and Apply below its edge, out of reach.
    sheet, palette, font = qapp.styleSheet(), QPalette(qapp.palette()), qapp.font()
    apply_theme(qapp, "light", 40, assets_dir=tmp_path / "theme")
    try:
        dialog = make(qtbot)
        dialog.show()
        qtbot.waitExposed(dialog)
        room = qapp.primaryScreen().availableGeometry()
        assert room.contains(dialog.frameGeometry()), (dialog.frameGeometry(), room)
        for button in (dialog.cancel_button, dialog.apply_button):
            place = button.mapTo(dialog, button.rect().bottomRight())
            assert dialog.rect().contains(place)
        assert dialog.page.verticalScrollBar().maximum() > 0  # the fields scroll
        dialog.page.ensureWidgetVisible(dialog.params.safe_prompt)
        assert dialog.page.verticalScrollBar().value() > 0
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setPalette(palette)
        qapp.setFont(font)

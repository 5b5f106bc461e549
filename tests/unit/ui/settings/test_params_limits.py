"""Values the parameters cannot take are said so, not changed or refused in silence: a
max tokens beyond what the model reads (QA: 999999999999999999 was sent, and the server
refused every question), a temperature beyond its range, a deprecated model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.api.models import ModelCard
from app.domain.messages import ChatParams
from app.secrets import ApiKeys
from app.settings import LoadedSettings, Settings, load_settings
from app.tasks import TaskRunner
from app.ui.params_dialog import ParamsDialog
from app.ui.settings.key_page import READ_TASK
from app.ui.settings.params import ParamsEditor
from app.ui.settings_dialog import SettingsDialog

from .conftest import MODELS, FakeEndpoint, finish

RETIRED_ON = datetime.now(UTC) - timedelta(days=3)
CARDS = [
    ModelCard(
        "mistral-large-2411",
        max_context_length=131_072,
        deprecation=RETIRED_ON,
        replacement="mistral-large-2512",
    ),
    ModelCard("mistral-large-2512", max_context_length=262_144),
    ModelCard("my-own-model"),  # its context unknown
]
TOO_MANY = (
    "mistral-large-2411 reads at most 131,072 tokens, question included: "
    "choose a smaller number or leave it empty."
)


def make(qtbot: QtBot, model: str | None, **params: object) -> ParamsDialog:
    dialog = ParamsDialog(
        None,
        ChatParams(**params),  # type: ignore[arg-type]
        model,
        [],
        CARDS,
        default_model="mistral-large-2411",
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def applied(dialog: ParamsDialog) -> list[tuple[object, ...]]:
    emitted: list[tuple[object, ...]] = []
    dialog.applied.connect(lambda *values: emitted.append(values))
    dialog.apply_button.click()
    return emitted


def type_into(qtbot: QtBot, field: object, text: str) -> None:
    field.setFocus()  # type: ignore[attr-defined]
    field.selectAll()  # type: ignore[attr-defined]
    qtbot.keyClicks(field, text)


def settings_window(
    qtbot: QtBot,
    qloop: qasync.QEventLoop,
    *,
    tmp_path: Path,
    keys: ApiKeys,
    runner: TaskRunner,
    saved: Settings,
) -> SettingsDialog:
    """The Settings window over ``saved``, writing to tmp_path/config/settings.toml."""
    dialog = SettingsDialog(
        settings_path=tmp_path / "config" / "settings.toml",
        loaded=LoadedSettings(saved),
        settings=saved,
        keys=keys,
        runner=runner,
        test_connection=FakeEndpoint(MODELS),
        presets_path=tmp_path / "config" / "presets.toml",
        models=CARDS,
    )
    qtbot.addWidget(dialog)
    finish(qloop, runner, READ_TASK, "key-page-check")
    return dialog


def test_a_max_tokens_beyond_the_model_s_context_is_shown_and_not_applied(
    qtbot: QtBot,
) -> None:
    dialog = make(qtbot, "mistral-large-2411")
    note = dialog.params.notes["Max tokens"]
    type_into(qtbot, dialog.params.max_tokens, "999999999999999999")
    assert note.message() == TOO_MANY
    assert note.tone == "error"
    assert not dialog.apply_button.isEnabled()
    assert applied(dialog) == []
    assert dialog.isVisible()
    assert dialog.params.max_tokens.text() == "999999999999999999"  # kept as typed
    type_into(qtbot, dialog.params.max_tokens, "131072")  # its whole context: still too many
    assert note.message() == TOO_MANY
    type_into(qtbot, dialog.params.max_tokens, "200000")
    # Another model re-checks: this one reads more.
    dialog.model.setEditText("mistral-large-2512")
    assert note.message() == ""
    assert dialog.apply_button.isEnabled()
    assert applied(dialog) == [(None, ChatParams(max_tokens=200000), "mistral-large-2512")]


def test_the_default_model_s_context_counts_and_an_unknown_one_is_not_checked(
    qtbot: QtBot,
) -> None:
    dialog = make(qtbot, "my-own-model", max_tokens=500000)
    note = dialog.params.notes["Max tokens"]
    assert note.message() == ""  # its context is unknown
    assert dialog.apply_button.isEnabled()
    dialog.model.setEditText("")  # the default model, mistral-large-2411
    assert note.message() == TOO_MANY
    assert not dialog.apply_button.isEnabled()
    type_into(qtbot, dialog.params.max_tokens, "4096")
    assert note.message() == ""
    assert applied(dialog) == [(None, ChatParams(max_tokens=4096), None)]


def test_the_chosen_model_s_deprecation_is_shown_under_its_field(qtbot: QtBot) -> None:
    # The header's picker marked it; this dialog's list did not.
    dialog = make(qtbot, "mistral-large-2411")
    status = dialog.model_status
    assert status.tone == "warning"
    assert status.message() == (
        f"mistral-large-2411: Deprecated since {RETIRED_ON.date().isoformat()}; "
        "replacement: mistral-large-2512."
    )
    dialog.model.setEditText("mistral-large-2512")
    assert status.message() == ""
    dialog.model.setEditText("")  # the default model is the deprecated one
    assert status.message().startswith("mistral-large-2411: Deprecated since")


@pytest.mark.parametrize(
    ("name", "typed", "message", "value"),
    [
        ("Temperature", "3", "Temperature goes from 0 to 1.5: 3 was changed to 1.5.", 1.5),
        ("Temperature", "-1", "Temperature goes from 0 to 1.5: -1 was changed to 0.", 0.0),
        ("Top P", "0", "Top P goes from 0.01 to 1: 0 was changed to 0.01.", 0.01),
    ],
)
def test_a_number_typed_beyond_its_range_is_changed_and_said_so(
    qtbot: QtBot, name: str, typed: str, message: str, value: float
) -> None:
    editor = ParamsEditor()
    qtbot.addWidget(editor)
    editor.show()
    number = editor.temperature if name == "Temperature" else editor.top_p
    spin = number.spin
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, typed)
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert number.value() == value
    assert editor.notes[name].message() == message
    number.set_value(0.5)  # changed again: the line goes
    assert editor.notes[name].message() == ""


def test_a_zero_max_tokens_is_refused_and_said_so(qtbot: QtBot) -> None:
    editor = ParamsEditor()
    qtbot.addWidget(editor)
    editor.show()
    qtbot.keyClicks(editor.max_tokens, "0")
    assert editor.max_tokens.text() == ""
    assert editor.notes["Max tokens"].message() == (
        "Max tokens starts at 1 (empty lets the model decide): 0 was not taken."
    )
    qtbot.keyClicks(editor.max_tokens, "2048")
    assert editor.notes["Max tokens"].message() == ""
    assert editor.params().max_tokens == 2048


def test_the_settings_model_page_does_not_save_a_max_tokens_beyond_the_model_s_context(
    qtbot: QtBot, qloop: qasync.QEventLoop, tmp_path: Path, keys: ApiKeys, runner: TaskRunner
) -> None:
    path = tmp_path / "config" / "settings.toml"
    saved = Settings(model="mistral-large-2411", max_tokens=1000)
    dialog = settings_window(qtbot, qloop, tmp_path=tmp_path, keys=keys, runner=runner, saved=saved)
    page = dialog.model_page
    note = page.params.notes["Max tokens"]
    page.params.max_tokens.setText("999999999999999999")
    assert (
        note.message() == f"{TOO_MANY} Until then the saved model and max tokens stay as they were."
    )
    page.params.temperature.set_value(0.4)  # the other changes are saved
    dialog.flush()
    assert load_settings(path).settings.max_tokens == 1000
    assert load_settings(path).settings.temperature == 0.4
    assert page.params.max_tokens.text() == "999999999999999999"
    page.model.setEditText("mistral-large-2512")  # re-checked: still beyond its 262,144
    assert note.message().startswith("mistral-large-2512 reads at most 262,144 tokens")
    page.params.max_tokens.setText("200000")
    assert note.message() == ""
    dialog.flush()
    assert load_settings(path).settings.max_tokens == 200000


def test_choosing_a_model_that_reads_less_than_the_saved_max_tokens_keeps_the_saved_pair(
    qtbot: QtBot, qloop: qasync.QEventLoop, tmp_path: Path, keys: ApiKeys, runner: TaskRunner
) -> None:
    """Review: the new model alone was saved, beside a max tokens it cannot take, while
    the line said nothing was saved; every new chat was then refused."""
    path = tmp_path / "config" / "settings.toml"
    saved = Settings(model="mistral-large-2512", max_tokens=200000)
    dialog = settings_window(qtbot, qloop, tmp_path=tmp_path, keys=keys, runner=runner, saved=saved)
    page = dialog.model_page
    page.model.setEditText("mistral-large-2411")  # reads 131,072
    assert page.params.notes["Max tokens"].message().startswith(TOO_MANY)
    page.params.temperature.set_value(0.4)
    dialog.flush()
    stored = load_settings(path).settings
    assert (stored.model, stored.max_tokens, stored.temperature) == (
        "mistral-large-2512",
        200000,
        0.4,
    )
    page.params.max_tokens.setText("")  # the model decides: the new model is saved
    dialog.flush()
    stored = load_settings(path).settings
    assert (stored.model, stored.max_tokens) == ("mistral-large-2411", None)


def test_a_number_pasted_with_spaces_is_taken_and_a_leading_zero_said_so(qtbot: QtBot) -> None:
    """Review: " 4096" pasted was refused as "Max tokens starts at 1"."""
    from PySide6.QtGui import QGuiApplication

    editor = ParamsEditor()
    qtbot.addWidget(editor)
    editor.show()
    clipboard = QGuiApplication.clipboard()
    clipboard.setText(" 4096\n")
    editor.max_tokens.paste()
    assert editor.params().max_tokens == 4096
    assert editor.notes["Max tokens"].message() == ""
    editor.max_tokens.clear()
    clipboard.setText("05")
    editor.max_tokens.paste()
    assert editor.max_tokens.text() == ""
    assert editor.notes["Max tokens"].message() == (
        "Max tokens is written without a leading zero: 05 was not taken."
    )

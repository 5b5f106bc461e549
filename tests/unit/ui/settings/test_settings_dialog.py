"""The settings window: what it writes, what it emits, and what it refuses."""

from __future__ import annotations

import asyncio
import math
import threading
import tomllib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring.backends.fail
import pytest
import qasync
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QMessageBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app import secrets
from app.api.errors import AuthenticationError, NetworkError, error_from_response
from app.api.types import ModelCard
from app.domain.messages import ChatParams
from app.presets import Preset, load_presets, save_presets
from app.secrets import ApiKeys
from app.settings import LoadedSettings, Settings, load_settings
from app.tasks import TaskRunner
from app.ui.keychain import CHECKING
from app.ui.settings.endpoint_page import TEST_TASK
from app.ui.settings.form import Page
from app.ui.settings.key_page import READ_TASK, REMOVE_TASK, SAVE_TASK, KeyPage
from app.ui.settings.model_page import ROLE_MARK
from app.ui.settings.tools_page import ToolSources
from app.ui.settings_dialog import NAV_LEAST, NAV_SHARE, PAGES, SettingsDialog
from app.ui.theme import SCREEN_SHARE, apply_theme

from .conftest import MISTRAL, MODELS, BlockingKeyring, FakeEndpoint, MemoryKeyring, finish

REFUSED = (
    "Refusing the plain http:// endpoint 'http://192.168.1.5:8000': the API key would cross "
    "the network unencrypted. Use https://, or a loopback address for a server on this machine."
)


KEY_TASKS = (READ_TASK, SAVE_TASK, REMOVE_TASK, "key-page-check")


@pytest.fixture
def make_dialog(
    qtbot: QtBot, qloop: qasync.QEventLoop, tmp_path: Path, keys: ApiKeys, runner: TaskRunner
) -> Callable[..., SettingsDialog]:
    def make(
        *,
        loaded: LoadedSettings | None = None,
        settings: Settings | None = None,
        api_keys: ApiKeys | None = None,
        endpoint: FakeEndpoint | None = None,
        base_url_from: str | None = None,
        models: tuple[ModelCard, ...] = (
            ModelCard("mistral-large-latest"),
            ModelCard("mistral-small-latest"),
        ),
        tools: ToolSources | None = None,
    ) -> SettingsDialog:
        loaded = loaded or LoadedSettings(Settings())
        dialog = SettingsDialog(
            settings_path=tmp_path / "config" / "settings.toml",
            loaded=loaded,
            settings=settings or loaded.settings,
            keys=api_keys or keys,
            runner=runner,
            test_connection=endpoint or FakeEndpoint(MODELS),
            presets_path=tmp_path / "config" / "presets.toml",
            models=models,
            base_url_from=base_url_from,
            tools=tools,
        )
        qtbot.addWidget(dialog)
        finish(qloop, runner, *KEY_TASKS)  # no read left under way
        return dialog

    return make


def saved(tmp_path: Path) -> dict[str, object]:
    return tomllib.loads((tmp_path / "config" / "settings.toml").read_text(encoding="utf-8"))


# Saving


def test_changes_are_saved_to_the_file_and_emitted(
    qtbot: QtBot, tmp_path: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    dialog = make_dialog()
    page = dialog.model_page
    with qtbot.waitSignal(dialog.settings_changed, timeout=2000) as blocker:
        page.model.setEditText("mistral-small-latest")
        page.system_prompt.setPlainText("Answer in French.")
        page.params.temperature.spin.setValue(0.4)
        page.params.max_tokens.setText("512")
        page.params.safe_prompt.setChecked(True)
        dialog.appearance_page.theme_buttons["dark"].click()
        dialog.appearance_page.ctrl_enter_sends.setChecked(True)
    emitted = blocker.args[0]
    assert isinstance(emitted, Settings)
    assert emitted.model == "mistral-small-latest"
    assert emitted.system_prompt == "Answer in French."
    assert emitted.temperature == 0.4
    assert emitted.max_tokens == 512
    assert emitted.safe_prompt is True
    assert emitted.theme == "dark"
    assert emitted.enter_sends is False
    assert dialog.settings == emitted
    assert load_settings(tmp_path / "config" / "settings.toml").settings == emitted
    assert saved(tmp_path) == {
        "model": "mistral-small-latest",
        "system_prompt": "Answer in French.",
        "temperature": 0.4,
        "max_tokens": 512,
        "safe_prompt": True,
        "theme": "dark",
        "enter_sends": False,
    }


def test_closing_saves_at_once_and_unknown_keys_survive(
    qtbot: QtBot, tmp_path: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    loaded = LoadedSettings(Settings(top_p=0.9), unknown={"future_option": [1, 2]})
    dialog = make_dialog(loaded=loaded)
    emitted: list[Settings] = []
    dialog.settings_changed.connect(emitted.append)
    dialog.appearance_page.font_size.setCurrentIndex(dialog.appearance_page.font_size.findData(14))
    dialog.close()  # before the save timer fires
    assert [s.font_size for s in emitted] == [14]
    assert saved(tmp_path) == {"top_p": 0.9, "font_size": 14, "future_option": [1, 2]}


def test_nothing_is_written_when_nothing_changed(
    tmp_path: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    dialog = make_dialog(loaded=LoadedSettings(Settings(temperature=0.2)))
    assert dialog.flush() is True
    assert not (tmp_path / "config" / "settings.toml").exists()


def test_overrides_of_this_run_are_not_written(
    qtbot: QtBot, tmp_path: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    # --base-url pointed this run at a local server; the file still says Mistral.
    run_settings = Settings(base_url="http://localhost:8000", dialect="openai")
    file_settings = Settings(dialect="openai")
    dialog = make_dialog(
        loaded=LoadedSettings(file_settings), settings=run_settings, base_url_from="--base-url"
    )
    page = dialog.endpoint_page
    assert page.mistral.isChecked()  # the saved endpoint, and what this run uses instead:
    assert "sends requests to http://localhost:8000, speaking the OpenAI-compatible API, " in (
        page.override_note.message()
    )  # what it speaks too: the form below shows La Plateforme, "Mistral API"
    assert dialog.key_page.base_url == "http://localhost:8000"
    with qtbot.waitSignal(dialog.settings_changed, timeout=2000) as blocker:
        dialog.model_page.params.seed.setText("7")
    assert blocker.args[0].base_url == "http://localhost:8000"  # still in effect
    assert saved(tmp_path) == {"random_seed": 7}  # but not written

    # Chosen here, an endpoint is saved for later runs; this one keeps --base-url's.
    applied: list[Settings] = []
    dialog.settings_changed.connect(applied.append)
    page.custom.click()
    qtbot.keyClicks(page.url, "http://127.0.0.1:9000")
    qtbot.keyClick(page.url, Qt.Key.Key_Return)
    assert dialog.flush()
    assert saved(tmp_path) == {
        "random_seed": 7,
        "base_url": "http://127.0.0.1:9000",
        "dialect": "openai",
    }
    assert applied == []  # nothing changes for this run
    assert page.override_note.message().startswith("Your choice is saved for when")
    # The key page stays with the key this run needs.
    assert dialog.key_page.base_url == "http://localhost:8000"
    dialog.model_page.params.seed.setText("8")
    assert dialog.flush()
    assert applied[-1].base_url == "http://localhost:8000"


def test_the_override_note_says_the_session_speaks_mistral_over_a_saved_vllm(
    make_dialog: Callable[..., SettingsDialog],
) -> None:
    # The note named only the address while the form below said "Speaks: OpenAI-compatible".
    file_settings = Settings(base_url="http://localhost:8000", dialect="openai")
    run_settings = Settings(base_url=MISTRAL, dialect="mistral")
    dialog = make_dialog(
        loaded=LoadedSettings(file_settings), settings=run_settings, base_url_from="--base-url"
    )
    page = dialog.endpoint_page
    assert page.dialect.currentData() == "openai"  # the saved one's
    assert page.override_note.message() == (
        f"This session sends requests to {MISTRAL}, speaking Mistral's API, from --base-url; "
        "it is not saved. Below is the saved endpoint, used when Maestrale starts without "
        "--base-url."
    )
    page.dialect.setCurrentIndex(page.dialect.findData("mistral"))  # the same now: not said
    assert f"requests to {MISTRAL}, from --base-url." in page.override_note.message()


def test_a_file_that_could_not_be_parsed_is_kept_aside(
    qtbot: QtBot, tmp_path: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    path = tmp_path / "config" / "settings.toml"
    path.parent.mkdir()
    path.write_text("theme = = broken\n", encoding="utf-8")
    dialog = make_dialog(loaded=load_settings(path))
    assert "not valid TOML" in dialog.problems.message()
    dialog.appearance_page.theme_buttons["light"].click()
    assert dialog.flush()
    assert saved(tmp_path) == {"theme": "light"}
    kept = list(path.parent.glob("settings.toml.unreadable-*"))
    assert [p.read_text() for p in kept] == ["theme = = broken\n"]
    # The banner kept saying "not valid TOML … using defaults until it is fixed" over
    # the new file; now it is the notice saying where the old one went.
    assert dialog.problems.message() == ""
    assert str(kept[0]) in dialog.save_status.message()


def test_hand_edits_made_while_the_window_is_kept_survive_a_save(
    qtbot: QtBot, tmp_path: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    # The window is built once and kept: a change made in it rewrote the whole file from
    # what it had read, and the system prompt and temperature added by hand were gone.
    path = tmp_path / "config" / "settings.toml"
    path.parent.mkdir()
    path.write_text('model = "mistral-small-latest"\n', encoding="utf-8")
    dialog = make_dialog(loaded=load_settings(path))
    with path.open("a", encoding="utf-8") as stream:
        stream.write('system_prompt = "My hand-edited system prompt"\ntemperature = 0.33\n')
    dialog.appearance_page.theme_buttons["light"].click()
    assert dialog.flush()
    assert saved(tmp_path) == {
        "model": "mistral-small-latest",
        "system_prompt": "My hand-edited system prompt",
        "temperature": 0.33,
        "theme": "light",
    }
    assert list(path.parent.glob("settings.toml.*-*")) == []  # nothing lost: no copy
    assert dialog.save_status.message() == ""


def test_a_hand_edit_that_cannot_be_written_back_is_kept_in_a_copy(
    qtbot: QtBot, tmp_path: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    path = tmp_path / "config" / "settings.toml"
    dialog = make_dialog()
    dialog.appearance_page.theme_buttons["dark"].click()
    assert dialog.flush()
    hand_edited = path.read_text(encoding="utf-8") + 'temperature = "warm"  # my note\n'
    path.write_text(hand_edited, encoding="utf-8")
    dialog.appearance_page.theme_buttons["light"].click()
    assert dialog.flush()
    assert saved(tmp_path) == {"theme": "light"}
    kept = list(path.parent.glob("settings.toml.kept-*"))
    assert [p.read_text(encoding="utf-8") for p in kept] == [hand_edited]
    assert str(kept[0]) in dialog.save_status.message()


def test_a_folder_that_cannot_be_written_is_reported(
    tmp_path: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    (tmp_path / "config").write_text("a file where the folder should be", encoding="utf-8")
    dialog = make_dialog()
    emitted: list[Settings] = []
    dialog.settings_changed.connect(emitted.append)
    dialog.appearance_page.theme_buttons["dark"].click()
    assert dialog.flush() is False
    assert "Could not save" in dialog.save_status.message()
    assert emitted == []


@pytest.mark.parametrize(
    "page_name",
    ["endpoint", "key", "model", "presets", "quick", "templates", "appearance", "shortcuts"],
)
def test_tab_visits_only_controls_and_comes_back(
    qtbot: QtBot, make_dialog: Callable[..., SettingsDialog], page_name: str
) -> None:
    # The page's scroll area itself was a stop: Tab seemed to do nothing there.
    dialog = make_dialog()
    dialog.show_page(page_name)
    visited = _tab_stops(qtbot, dialog)
    assert QApplication.focusWidget() is dialog.nav  # a full round
    assert visited, "Tab found nothing to do on the page"
    for widget in visited:
        assert not isinstance(widget, Page), f"{page_name}: Tab stopped on the page itself"
        assert widget.isVisible()
        assert widget.isEnabled()


def test_the_page_list_has_the_focus_each_time_the_window_is_shown(
    qtbot: QtBot, make_dialog: Callable[..., SettingsDialog]
) -> None:
    # Reopened, the focus was back on Text size: Home, meant for the page list, set
    # the text size to "System".
    dialog = make_dialog()
    dialog.show_page("appearance")
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert QApplication.focusWidget() is dialog.nav
    dialog.appearance_page.font_size.setFocus()
    dialog.close()
    dialog.show_page("appearance")
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert QApplication.focusWidget() is dialog.nav
    size = dialog.appearance_page.font_size.currentIndex()
    qtbot.keyClick(dialog.nav, Qt.Key.Key_Home)
    assert dialog.current_page() == "endpoint"
    assert dialog.appearance_page.font_size.currentIndex() == size


def _tab_stops(qtbot: QtBot, dialog: SettingsDialog) -> list[QWidget]:
    """The controls Tab visits from the page list round to it again."""
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.nav.setFocus()
    visited: list[QWidget] = []
    for _ in range(40):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        if QApplication.focusWidget() is dialog.nav:
            break
        visited.append(QApplication.focusWidget())
    return visited


def test_tab_into_a_choice_lands_on_the_option_chosen(
    qtbot: QtBot, make_dialog: Callable[..., SettingsDialog]
) -> None:
    # Until one of its options had had the keyboard, Tab landed on a group's first
    # option, not the one chosen: Space there switched the endpoint by accident.
    dialog = make_dialog(
        loaded=LoadedSettings(
            Settings(base_url="http://localhost:8000/v1", enter_sends=False, theme="dark")
        )
    )
    dialog.show_page("endpoint")
    endpoint = dialog.endpoint_page
    stops = _tab_stops(qtbot, dialog)
    assert stops[0] is endpoint.custom
    assert endpoint.mistral not in stops
    dialog.show_page("appearance")
    page = dialog.appearance_page
    stops = _tab_stops(qtbot, dialog)
    assert page.theme_buttons["dark"] in stops
    assert page.theme_buttons["system"] not in stops
    assert page.theme_buttons["light"] not in stops
    assert page.ctrl_enter_sends in stops
    assert page.enter_sends not in stops
    # Chosen by the keyboard, the other option is where Tab lands from then on.
    page.ctrl_enter_sends.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(page.ctrl_enter_sends, Qt.Key.Key_Up)
    assert page.enter_sends.isChecked()
    stops = _tab_stops(qtbot, dialog)
    assert page.enter_sends in stops
    assert page.ctrl_enter_sends not in stops


# Endpoint page


def test_endpoint_page_refuses_plain_http_to_the_network_with_the_reason(
    tmp_path: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    dialog = make_dialog()
    page = dialog.endpoint_page
    assert page.mistral.isChecked()
    page.custom.setChecked(True)
    page.url.setText("http://192.168.1.5:8000")
    assert page.endpoint is None
    assert page.validation.tone == "error"
    assert page.validation.message() == REFUSED
    assert not page.test_button.isEnabled()
    assert page.values() == {}
    assert dialog.flush()
    assert not (tmp_path / "config" / "settings.toml").exists()  # nothing invalid is saved


def test_endpoint_page_accepts_a_local_server_and_saves_it_normalised(
    qtbot: QtBot, tmp_path: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    dialog = make_dialog()
    page = dialog.endpoint_page
    page.custom.setChecked(True)
    with qtbot.waitSignal(dialog.settings_changed, timeout=2000) as blocker:
        page.url.setText("http://localhost:8000/v1")
        page.finish_editing()
    # Neutral: well formed says nothing yet of a server answering (Test connection does).
    assert page.validation.tone == "info"
    assert page.validation.message() == (
        "Requests will go to http://localhost:8000/v1/chat/completions."
    )
    assert page.test_button.isEnabled()
    assert blocker.args[0].base_url == "http://localhost:8000"
    assert blocker.args[0].dialect == "openai"
    assert saved(tmp_path) == {"base_url": "http://localhost:8000", "dialect": "openai"}
    assert dialog.key_page.base_url == "http://localhost:8000"  # keys are per endpoint


def test_a_base_url_is_applied_once_typed_to_its_end_not_while_typed(
    qtbot: QtBot, tmp_path: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    # Applied at each pause in the typing, "http://127.0.0.1:4667" on the way to
    # ":46675" was asked for its models, with the session's key.
    dialog = make_dialog()
    dialog.show_page("endpoint")
    page = dialog.endpoint_page
    applied: list[str] = []
    dialog.settings_changed.connect(lambda settings: applied.append(settings.base_url))
    page.custom.click()
    qtbot.keyClicks(page.url, "http://127.0.0.1:4667")
    qtbot.waitUntil(lambda: not dialog._save_timer.isActive())
    assert page.endpoint is not None  # acceptable, and Test connection is offered
    assert page.test_button.isEnabled()
    assert applied == []
    assert dialog.key_page.base_url == MISTRAL
    assert not (tmp_path / "config" / "settings.toml").exists()

    qtbot.keyClicks(page.url, "5")
    with qtbot.waitSignal(dialog.settings_changed, timeout=2000):
        qtbot.keyClick(page.url, Qt.Key.Key_Return)
    assert applied == ["http://127.0.0.1:46675"]
    assert dialog.key_page.base_url == "http://127.0.0.1:46675"
    assert saved(tmp_path) == {"base_url": "http://127.0.0.1:46675", "dialect": "openai"}


@pytest.mark.parametrize("how", ["close", "escape", "test"])
def test_a_base_url_being_typed_is_applied_by_closing_or_testing(
    qtbot: QtBot,
    qloop: qasync.QEventLoop,
    tmp_path: Path,
    make_dialog: Callable[..., SettingsDialog],
    how: str,
) -> None:
    endpoint = FakeEndpoint(MODELS)
    dialog = make_dialog(endpoint=endpoint)
    dialog.show_page("endpoint")
    page = dialog.endpoint_page
    page.custom.click()
    qtbot.keyClicks(page.url, "http://127.0.0.1:8080")
    with qtbot.waitSignal(dialog.settings_changed, timeout=2000) as blocker:
        if how == "close":
            dialog.close()
        elif how == "escape":
            qtbot.keyClick(page.url, Qt.Key.Key_Escape)
        else:
            page.on_test_clicked()  # as its shortcut does: the field keeps the focus
            finish(qloop, page._runner, TEST_TASK)
    assert blocker.args[0].base_url == "http://127.0.0.1:8080"
    assert saved(tmp_path)["base_url"] == "http://127.0.0.1:8080"
    if how == "test":
        assert endpoint.calls == [("http://127.0.0.1:8080", "openai", None)]


def test_test_connection_lists_the_chat_models_found(
    qtbot: QtBot,
    qloop: qasync.QEventLoop,
    keys: ApiKeys,
    make_dialog: Callable[..., SettingsDialog],
    task_errors: list[BaseException],
) -> None:
    keys.store(MISTRAL, "sk-stored-key")
    endpoint = FakeEndpoint(MODELS)
    dialog = make_dialog(endpoint=endpoint, models=())
    page = dialog.endpoint_page
    page.test_button.click()
    task = page._runner.get(TEST_TASK)
    assert task is not None
    with qtbot.waitSignal(page.models_found) as blocker:
        qloop.run_until_complete(task)
    assert endpoint.calls == [(MISTRAL, "mistral", "sk-stored-key")]
    assert blocker.args == [MODELS]
    assert page.result.tone == "success"
    assert page.result.message() == f"Connected to {MISTRAL}: 2 chat models available."
    assert [page.models.item(i).text() for i in range(page.models.count())] == [
        "mistral-large-latest",
        "mistral-small-latest",
    ]
    assert not page.models.isHidden()
    combo = dialog.model_page.model
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "mistral-large-2411",
        "mistral-large-latest",
        "mistral-small-latest",
    ]
    assert page.test_button.isEnabled()
    assert page.test_button.accessibleName() == "Test connection"
    assert task_errors == []


def test_the_focus_stays_on_test_connection_after_the_test(
    qtbot: QtBot, qloop: qasync.QEventLoop, make_dialog: Callable[..., SettingsDialog]
) -> None:
    # The button, disabled while testing, lost the focus to the page list for good;
    # now it reads Cancel meanwhile, and keeps it.
    dialog = make_dialog()
    dialog.show_page("endpoint")
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    page = dialog.endpoint_page
    page.test_button.setFocus()
    qtbot.keyClick(page.test_button, Qt.Key.Key_Space)
    task = page._runner.get(TEST_TASK)
    assert task is not None
    assert page.test_button.isEnabled()
    assert page.test_button.accessibleName() == "Cancel"
    assert QApplication.focusWidget() is page.test_button
    qloop.run_until_complete(task)
    assert page.result.tone == "success"
    assert QApplication.focusWidget() is page.test_button


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (
            error_from_response(401, b'{"message": "Unauthorized"}', {}),
            # In the window, the window's place for the key, not the command; and the
            # server's words end with a full stop.
            # Which server refused it is said too.
            f"Testing {MISTRAL}: The endpoint refused the API key (401). Check or replace "
            "it in Settings → API key. The server said: Unauthorized.",
        ),
        (
            # Naming the server tested already: not said twice.
            NetworkError(f"Could not connect to {MISTRAL}: connection refused."),
            f"Could not connect to {MISTRAL}: connection refused.",
        ),
    ],
)
def test_test_connection_shows_the_exact_error(
    qloop: qasync.QEventLoop,
    *,
    keys: ApiKeys,
    make_dialog: Callable[..., SettingsDialog],
    task_errors: list[BaseException],
    error: Exception,
    shown: str,
) -> None:
    keys.store(MISTRAL, "sk-stored-key")  # a key that is sent, and may be refused
    dialog = make_dialog(endpoint=FakeEndpoint(error))
    page = dialog.endpoint_page
    page.test_button.click()
    task = page._runner.get(TEST_TASK)
    assert task is not None
    qloop.run_until_complete(task)
    assert page.result.tone == "error"
    assert page.result.message() == shown
    assert page.models.isHidden()
    assert page.test_button.isEnabled()
    assert task_errors == []


@pytest.mark.parametrize(
    ("dialect", "error", "shown"),
    [
        (
            "openai",
            error_from_response(401, b'{"error": "Unauthorized"}', {}),
            "http://127.0.0.1:8000 asks for an API key, and none is saved for it: add it "
            "in Settings → API key, then test again.",
        ),
        (
            "mistral",  # Maestrale sends Mistral's dialect nothing without a key
            AuthenticationError(
                "No API key is set: add this server's key (maestrale key set, or Settings → "
                "API key), or set MISTRAL_API_KEY for this session."
            ),
            "No API key is saved for http://127.0.0.1:8000, and Mistral's API needs one: "
            "add it in Settings → API key, then test again.",
        ),
    ],
    ids=["the-server-asks", "mistral-dialect"],
)
def test_test_connection_without_a_saved_key_says_so_not_that_a_key_was_refused(
    qtbot: QtBot,
    qloop: qasync.QEventLoop,
    *,
    make_dialog: Callable[..., SettingsDialog],
    dialect: str,
    error: Exception,
    shown: str,
) -> None:
    # "The endpoint refused the API key (401). Check or replace it…": no key was sent.
    endpoint = FakeEndpoint(error)
    dialog = make_dialog(endpoint=endpoint)
    page = dialog.endpoint_page
    page.custom.click()
    qtbot.keyClicks(page.url, "http://127.0.0.1:8000")
    page.dialect.setCurrentIndex(page.dialect.findData(dialect))
    page.test_button.click()
    finish(qloop, dialog._runner, TEST_TASK)
    assert endpoint.calls == [("http://127.0.0.1:8000", dialect, None)]
    assert page.result.tone == "error"
    assert page.result.message() == shown


def test_a_failed_connection_test_says_here_on_the_endpoint_page(
    qloop: qasync.QEventLoop, make_dialog: Callable[..., SettingsDialog]
) -> None:
    # "Check … the endpoint in Settings → Endpoint", said on that very page.
    import httpx

    from app.api.client import _network_error
    from app.api.endpoint import Endpoint

    failure = _network_error(Endpoint.parse(MISTRAL), httpx.ConnectError("no route"))
    dialog = make_dialog(endpoint=FakeEndpoint(failure))
    page = dialog.endpoint_page
    page.test_button.click()
    finish(qloop, dialog._runner, TEST_TASK)
    assert page.result.message() == (
        f"Could not reach {MISTRAL}: the connection failed (ConnectError). Check your "
        "network connection and the endpoint here."
    )


def test_test_connection_to_a_local_server_works_without_a_keychain(
    qloop: qasync.QEventLoop, make_dialog: Callable[..., SettingsDialog]
) -> None:
    endpoint = FakeEndpoint([ModelCard("qwen2.5-7b-instruct")])
    dialog = make_dialog(
        api_keys=ApiKeys({}, backend=keyring.backends.fail.Keyring()), endpoint=endpoint
    )
    page = dialog.endpoint_page
    page.custom.setChecked(True)
    page.url.setText("http://127.0.0.1:8080")
    page.test_button.click()
    task = page._runner.get(TEST_TASK)
    assert task is not None
    qloop.run_until_complete(task)
    assert endpoint.calls == [("http://127.0.0.1:8080", "openai", None)]
    assert page.result.message().endswith("1 chat model available.")


def test_test_connection_says_when_it_waits_for_the_keychain(
    qloop: qasync.QEventLoop,
    monkeypatch: pytest.MonkeyPatch,
    make_dialog: Callable[..., SettingsDialog],
    task_errors: list[BaseException],
) -> None:
    # A locked keychain's unlock prompt kept "Connecting to https://api.mistral.ai…"
    # on screen for up to two minutes.
    monkeypatch.setattr(secrets, "_NOTICE_AFTER", 0.0)  # told at once, not after 2 s
    backend = BlockingKeyring()
    backend.items[("maestrale", MISTRAL)] = "sk-after-unlock"
    endpoint = FakeEndpoint(MODELS)
    dialog = make_dialog(api_keys=ApiKeys({}, backend=backend), endpoint=endpoint)
    page = dialog.endpoint_page
    page.test_button.click()
    try:
        qloop.run_until_complete(until(lambda: page.result.message() == CHECKING))
        assert endpoint.calls == []
    finally:
        backend.release.set()  # the person typed the password
    finish(qloop, page._runner, TEST_TASK)
    assert endpoint.calls == [(MISTRAL, "mistral", "sk-after-unlock")]
    assert page.result.message() == f"Connected to {MISTRAL}: 2 chat models available."
    assert task_errors == []


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Let the loop run (threads' notices arrive through it) until ``condition`` holds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


# API key page


def shown_key_page(dialog: SettingsDialog, loop: qasync.QEventLoop) -> KeyPage:
    """The key page, shown, once it has read the keychain (it reads only when shown)."""
    dialog.show_page("key")
    finish(loop, dialog._runner, *KEY_TASKS)
    return dialog.key_page


class LateFirstReadKeyring(MemoryKeyring):
    """Once ``hold`` is set, the next read answers what it found only when ``let_go`` is."""

    def __init__(self) -> None:
        super().__init__()
        self.hold = False
        self.held = threading.Event()
        self.let_go = threading.Event()
        self.held_thread: threading.Thread | None = None

    def get_password(self, service: str, username: str) -> str | None:
        found = super().get_password(service, username)
        if self.hold:
            self.hold = False
            self.held_thread = threading.current_thread()
            self.held.set()
            self.let_go.wait(10)
        return found


def test_key_page_stores_the_key_for_the_endpoint(
    qtbot: QtBot,
    qloop: qasync.QEventLoop,
    backend: MemoryKeyring,
    make_dialog: Callable[..., SettingsDialog],
) -> None:
    endpoint = FakeEndpoint(MODELS)
    dialog = make_dialog(endpoint=endpoint)
    page = shown_key_page(dialog, qloop)
    assert page.status.message() == "No key."
    assert not page.remove_button.isEnabled()
    assert not page.save_button.isEnabled()
    page.field.setText("  sk-new-key-0123  ")
    assert page.field.echoMode() == page.field.EchoMode.Password
    page.field.toggle.trigger()
    assert page.field.revealed
    page.save_button.click()
    assert not page.save_button.isEnabled()
    with qtbot.waitSignal(dialog.key_changed):
        finish(qloop, dialog._runner, *KEY_TASKS)
    assert endpoint.calls == [(MISTRAL, "mistral", "sk-new-key-0123")]  # checked first
    assert backend.items == {("maestrale", MISTRAL): "sk-new-key-0123"}
    assert page.field.text() == ""
    assert page.status.message() == "Stored in the system keychain."
    assert page.remove_button.isEnabled()
    page.remove_button.click()
    with qtbot.waitSignal(dialog.key_changed):
        answer(page.confirmation, "Remove stored key")
        finish(qloop, dialog._runner, *KEY_TASKS)
    assert backend.items == {}
    assert page.status.message() == "No key."


def answer(box: QMessageBox | None, button: str) -> None:
    """Click ``button`` of a confirmation box."""
    assert box is not None
    assert box.isVisible()
    next(item for item in box.buttons() if item.text() == button).click()


def test_key_page_asks_before_removing_the_key_and_cancel_is_the_default(
    qtbot: QtBot,
    qloop: qasync.QEventLoop,
    backend: MemoryKeyring,
    make_dialog: Callable[..., SettingsDialog],
) -> None:
    # One press deleted the stored key, which may have been the only copy.
    backend.items[("maestrale", MISTRAL)] = "sk-working-key"
    dialog = make_dialog()
    page = shown_key_page(dialog, qloop)
    page.remove_button.click()
    assert not dialog._runner.running(REMOVE_TASK)  # nothing asked of the keychain yet
    box = page.confirmation
    assert box is not None
    assert box.isVisible()
    assert box.text() == f"Remove the API key for {MISTRAL}?"
    assert "deleted from the system keychain" in box.informativeText()
    assert "create a key at console.mistral.ai" in box.informativeText()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    assert box.escapeButton() is box.button(QMessageBox.StandardButton.Cancel)
    answer(box, "Cancel")
    finish(qloop, dialog._runner, *KEY_TASKS)
    assert backend.items == {("maestrale", MISTRAL): "sk-working-key"}
    page.remove_button.click()
    with qtbot.waitSignal(dialog.key_changed):
        answer(page.confirmation, "Remove stored key")
        finish(qloop, dialog._runner, *KEY_TASKS)
    assert backend.items == {}


def test_key_page_reads_the_key_again_each_time_it_is_shown(
    qtbot: QtBot,
    qloop: qasync.QEventLoop,
    keys: ApiKeys,
    make_dialog: Callable[..., SettingsDialog],
) -> None:
    # Removed here, then saved from the welcome panel: reopened, the page still said
    # "No key." and "The key was removed from the keychain."
    keys.store(MISTRAL, "sk-stored-key")
    dialog = make_dialog()
    page = shown_key_page(dialog, qloop)
    page.remove_button.click()
    answer(page.confirmation, "Remove stored key")
    finish(qloop, dialog._runner, *KEY_TASKS)
    assert page.feedback.message() == "The key was removed from the keychain."
    dialog.close()
    keys.store(MISTRAL, "sk-saved-elsewhere")
    dialog.show_page("key")
    # Read in a thread: the keychain may wait for a password.
    assert dialog._runner.running(READ_TASK)
    assert page.status.message() == CHECKING
    finish(qloop, dialog._runner, *KEY_TASKS)
    assert page.status.message() == "Stored in the system keychain."
    assert not page.remove_button.isHidden()
    assert page.feedback.message() == ""


def test_key_page_shows_the_newest_read_when_an_older_one_answers_late(
    qloop: qasync.QEventLoop, make_dialog: Callable[..., SettingsDialog]
) -> None:
    # Each showing reads again: a read that waited (a password prompt) must not
    # overwrite the answer of one started after it.
    backend = LateFirstReadKeyring()
    dialog = make_dialog(api_keys=ApiKeys({}, backend=backend))
    backend.hold = True
    dialog.show_page("key")
    first = dialog._runner.get(READ_TASK)
    assert first is not None
    qloop.run_until_complete(asyncio.to_thread(backend.held.wait, 5))  # it found no key
    backend.items[("maestrale", MISTRAL)] = "sk-saved-elsewhere"
    dialog.show_page("endpoint")
    page = shown_key_page(dialog, qloop)
    assert page.status.message() == "Stored in the system keychain."
    backend.let_go.set()
    assert backend.held_thread is not None
    qloop.run_until_complete(asyncio.to_thread(backend.held_thread.join, 5))
    qloop.run_until_complete(asyncio.wait([first]))  # the first read is over too
    assert page.status.message() == "Stored in the system keychain."
    assert not page.remove_button.isHidden()


def test_key_page_reads_the_keychain_only_when_shown(
    qloop: qasync.QEventLoop, make_dialog: Callable[..., SettingsDialog]
) -> None:
    # Each read may ask for the keychain's password: none for a hidden page (as the
    # endpoint's address is typed), one per showing.
    backend = MemoryKeyring()  # it counts its reads
    dialog = make_dialog(api_keys=ApiKeys({}, backend=backend))
    dialog.show_page("endpoint")
    dialog.endpoint_page.custom.setChecked(True)
    dialog.endpoint_page.url.setText("http://127.0.0.1:8080")
    finish(qloop, dialog._runner, *KEY_TASKS)
    assert backend.reads == 0
    backend.items[("maestrale", "http://127.0.0.1:8080")] = "sk-local-key"
    page = shown_key_page(dialog, qloop)
    assert backend.reads == 1
    assert page.endpoint_label.text() == "Key for http://127.0.0.1:8080"
    assert page.status.message() == "Stored in the system keychain."
    dialog.show_page("endpoint")
    shown_key_page(dialog, qloop)
    assert backend.reads == 2


def test_key_page_keeps_the_working_key_when_the_endpoint_refuses_the_new_one(
    qloop: qasync.QEventLoop, backend: MemoryKeyring, make_dialog: Callable[..., SettingsDialog]
) -> None:
    backend.items[("maestrale", MISTRAL)] = "sk-working-key"
    refused = error_from_response(401, b'{"message": "Unauthorized"}', {})
    dialog = make_dialog(endpoint=FakeEndpoint(refused))
    page = shown_key_page(dialog, qloop)
    page.field.setText("sk-wrong-key-0000")
    page.save_button.click()
    finish(qloop, dialog._runner, *KEY_TASKS)
    assert backend.items == {("maestrale", MISTRAL): "sk-working-key"}  # unchanged
    assert page.feedback.tone == "error"
    # Not "go to Settings → API key" on that very page; the server's words end with ".".
    assert page.feedback.message() == (
        "The endpoint refused the API key (401). The server said: Unauthorized. The key in "
        "use is unchanged; check that you copied all of it."
    )
    assert page.field.text() == "sk-wrong-key-0000"  # still there to correct


def test_key_page_refusing_the_first_key_does_not_speak_of_a_key_in_use(
    qloop: qasync.QEventLoop, backend: MemoryKeyring, make_dialog: Callable[..., SettingsDialog]
) -> None:
    # With no key stored and none in the environment the page says "No key.": a
    # refused key leaves none, not "the key in use".
    refused = error_from_response(401, b'{"message": "Unauthorized"}', {})
    dialog = make_dialog(endpoint=FakeEndpoint(refused))
    page = shown_key_page(dialog, qloop)
    assert page.status.message() == "No key."
    page.field.setText("sk-wrong-key-0000")
    page.save_button.click()
    finish(qloop, dialog._runner, *KEY_TASKS)
    assert backend.items == {}
    assert page.feedback.tone == "error"
    assert page.feedback.message() == (
        "The endpoint refused the API key (401). The server said: Unauthorized. No key "
        "was saved; check that you copied all of it."
    )


def test_key_page_rejects_text_that_is_no_key(
    backend: MemoryKeyring, make_dialog: Callable[..., SettingsDialog]
) -> None:
    dialog = make_dialog()
    page = dialog.key_page
    page.field.setText("two words")
    page.save_button.click()
    assert page.feedback.tone == "error"
    assert "does not look like an API key" in page.feedback.message()
    assert backend.items == {}


def test_key_page_says_when_the_key_comes_from_the_environment(
    qloop: qasync.QEventLoop, backend: MemoryKeyring, make_dialog: Callable[..., SettingsDialog]
) -> None:
    keys = ApiKeys({"MISTRAL_API_KEY": "sk-from-env"}, backend=backend)
    dialog = make_dialog(api_keys=keys)
    page = shown_key_page(dialog, qloop)
    assert page.status.message() == "From MISTRAL_API_KEY for this session; not stored."
    assert "sk-from-env" not in page.status.message()
    assert page.remove_button.isHidden()  # nothing in the keychain to remove
    backend.items[("maestrale", MISTRAL)] = "sk-stored-too"
    page.refresh()
    finish(qloop, dialog._runner, *KEY_TASKS)
    # "Remove key" beside "not stored" deleted a stored key the page never mentioned.
    assert page.status.message() == (
        "This session uses MISTRAL_API_KEY; a key for this endpoint is also stored in your "
        "system keychain."
    )
    assert not page.remove_button.isHidden()  # the keychain's own key can go
    assert page.remove_button.accessibleName() == "Remove stored key"
    page.remove_button.click()
    box = page.confirmation
    assert box is not None
    assert "deleted from the system keychain" in box.informativeText()
    assert "This session goes on using the key in MISTRAL_API_KEY." in box.informativeText()
    answer(box, "Remove stored key")
    finish(qloop, dialog._runner, *KEY_TASKS)
    assert backend.items == {}
    assert page.status.message() == "From MISTRAL_API_KEY for this session; not stored."
    assert page.remove_button.isHidden()
    no_keychain = ApiKeys(
        {"MISTRAL_API_KEY": "sk-from-env"}, backend=keyring.backends.fail.Keyring()
    )
    assert not no_keychain.has_stored_key(MISTRAL)


def test_key_page_says_when_the_key_is_for_this_session_only(
    qloop: qasync.QEventLoop, make_dialog: Callable[..., SettingsDialog]
) -> None:
    # Given in the welcome panel without a keychain to keep it.
    keys = ApiKeys({}, backend=keyring.backends.fail.Keyring())
    keys.use_for_session(MISTRAL, "sk-session-key")
    dialog = make_dialog(api_keys=keys)
    page = shown_key_page(dialog, qloop)
    assert page.status.message() == (
        "Used for this session only; not stored, so Maestrale asks for it again at its next start."
    )
    assert page.remove_button.isHidden()  # nothing stored to remove


def test_key_page_shows_why_there_is_no_keychain(
    qloop: qasync.QEventLoop, make_dialog: Callable[..., SettingsDialog]
) -> None:
    keys = ApiKeys({}, backend=keyring.backends.fail.Keyring())
    dialog = make_dialog(api_keys=keys)
    page = shown_key_page(dialog, qloop)
    assert page.status.tone == "warning"
    assert "No Secret Service keychain is running" in page.status.message()
    assert not page.remove_button.isEnabled()
    page.field.setText("sk-some-key-123")
    page.save_button.click()
    finish(qloop, dialog._runner, *KEY_TASKS)
    assert page.feedback.tone == "error"
    assert "No Secret Service keychain is running" in page.feedback.message()
    assert "MISTRAL_API_KEY" in page.feedback.message()


def test_key_page_answers_while_the_keychain_waits_for_a_password(
    qtbot: QtBot,
    qloop: qasync.QEventLoop,
    tmp_path: Path,
    runner: TaskRunner,
    task_errors: list[BaseException],
) -> None:
    backend = BlockingKeyring()
    backend.items[("maestrale", MISTRAL)] = "sk-stored"
    answered = backend.answer_later()
    loaded = LoadedSettings(Settings())
    dialog = SettingsDialog(
        settings_path=tmp_path / "config" / "settings.toml",
        loaded=loaded,
        settings=loaded.settings,
        keys=ApiKeys({}, backend=backend),
        runner=runner,
        test_connection=FakeEndpoint(MODELS),
        presets_path=tmp_path / "config" / "presets.toml",
    )
    qtbot.addWidget(dialog)
    dialog.show_page("key")
    page = dialog.key_page
    assert page.status.message() == CHECKING
    assert page.remove_button.isHidden()
    finish(qloop, runner, *KEY_TASKS)
    assert answered == [True]  # Qt's timer ran while the keychain was asked
    assert page.status.message() == "Stored in the system keychain."

    # Saving: the keychain is asked whether it works, then stores, then is read again.
    answered = backend.answer_later(calls=3)
    page.field.setText("sk-new-key-0123")
    page.save_button.click()
    finish(qloop, runner, *KEY_TASKS)
    assert answered == [True, True, True]
    assert backend.items == {("maestrale", MISTRAL): "sk-new-key-0123"}
    assert page.status.message() == "Stored in the system keychain."

    # Removing, once confirmed: the keychain is asked for the key, then read again.
    answered = backend.answer_later(calls=2)
    page.remove_button.click()
    answer(page.confirmation, "Remove stored key")
    finish(qloop, runner, *KEY_TASKS)
    assert answered == [True, True]
    assert backend.items == {}
    assert page.status.message() == "No key."
    assert task_errors == []


# Model & parameters page


def test_parameters_start_unset_and_can_be_unset_again(
    qtbot: QtBot, make_dialog: Callable[..., SettingsDialog]
) -> None:
    dialog = make_dialog(loaded=LoadedSettings(Settings(temperature=0.7, top_p=0.5)))
    editor = dialog.model_page.params
    assert editor.params() == ChatParams(temperature=0.7, top_p=0.5)
    assert editor.temperature.slider.value() == 70
    editor.temperature.reset.click()
    assert editor.temperature.value() is None
    assert editor.temperature.spin.text() == "Default"
    editor.temperature.slider.setValue(150)
    assert editor.temperature.value() == 1.5
    editor.temperature.spin.setValue(9.0)  # clamped: no bad value can be entered
    assert editor.temperature.value() == 1.5
    editor.top_p.spin.setValue(0.0)
    assert editor.top_p.value() is None  # top_p must be above 0: zero means unset
    qtbot.keyClicks(editor.max_tokens, "0")
    assert editor.max_tokens.text() == ""  # the validator refuses a zero-token answer
    qtbot.keyClicks(editor.max_tokens, "2048")
    assert editor.max_tokens.value() == 2048
    qtbot.keyClicks(editor.seed, "12abc-3")
    assert editor.seed.value() == 123


def test_an_empty_model_field_keeps_the_previous_model(
    make_dialog: Callable[..., SettingsDialog],
) -> None:
    dialog = make_dialog(loaded=LoadedSettings(Settings(model="mistral-medium-latest")))
    page = dialog.model_page
    page.model.setEditText("")
    assert page.model_problem.tone == "warning"
    assert page.values()["model"] == "mistral-medium-latest"


def test_a_default_model_the_endpoint_does_not_serve_is_warned_about(
    make_dialog: Callable[..., SettingsDialog],
) -> None:
    # As after switching to a server of one's own, which serves other models.
    dialog = make_dialog(
        loaded=LoadedSettings(Settings(model="mistral-large-2411")),
        models=(ModelCard("mistral-large-2512", aliases=("mistral-large-latest",)),),
    )
    problem = dialog.model_page.model_problem
    assert problem.tone == "warning"
    assert problem.message().startswith("This endpoint does not serve mistral-large-2411:")
    dialog.model_page.model.setEditText("mistral-large-latest")  # an alias it lists
    assert problem.message() == ""
    dialog.model_page.model.setEditText("mistral-large-2411")
    dialog.set_models([ModelCard("mistral-large-2411")])  # the endpoint's list now
    assert problem.message() == ""


def test_deprecated_models_are_marked_and_chosen_by_their_id(
    qtbot: QtBot,
    qloop: qasync.QEventLoop,
    keys: ApiKeys,
    make_dialog: Callable[..., SettingsDialog],
) -> None:
    now = datetime.now(UTC)
    cards = (
        ModelCard("mistral-large-2411", deprecation=now - timedelta(days=30)),
        ModelCard("mistral-large-2512"),
        ModelCard("open-mistral-nemo", deprecation=now + timedelta(days=30), replacement="x"),
    )
    dialog = make_dialog(loaded=LoadedSettings(Settings(model="mistral-large-2411")), models=cards)
    combo = dialog.model_page.model
    delegate = combo.itemDelegate()
    assert isinstance(delegate, QStyledItemDelegate)

    def shown(row: int) -> str:  # as the drop-down list paints the row
        option = QStyleOptionViewItem()
        delegate.initStyleOption(option, combo.model().index(row, 0))
        return option.text

    assert [shown(row) for row in range(combo.count())] == [
        "mistral-large-2411  (deprecated)",
        "mistral-large-2512",
        "open-mistral-nemo  (deprecated)",
    ]
    assert combo.itemData(2, Qt.ItemDataRole.ToolTipRole) == (
        f"Deprecated from {(now + timedelta(days=30)).date().isoformat()}; replacement: x"
    )
    problem = dialog.model_page.model_problem
    assert problem.tone == "warning"  # the model in effect is deprecated
    since = (now - timedelta(days=30)).date().isoformat()
    assert problem.message() == f"mistral-large-2411: Deprecated since {since}."
    combo.setCurrentIndex(1)
    assert combo.currentText() == "mistral-large-2512"  # the id alone, no mark
    assert problem.message() == ""
    assert dialog.model_page.values()["model"] == "mistral-large-2512"
    # A connection test's models are marked the same way in its list and the fields.
    keys.store(MISTRAL, "sk-stored-key")
    dialog.endpoint_page._test_connection = FakeEndpoint(list(cards))
    dialog.endpoint_page.test_button.click()
    task = dialog.endpoint_page._runner.get(TEST_TASK)
    assert task is not None
    qloop.run_until_complete(task)
    found = dialog.endpoint_page.models
    assert [found.item(i).text() for i in range(found.count())] == [
        shown(row) for row in range(combo.count())
    ]
    presets_combo = dialog.presets_page.model
    assert presets_combo.itemData(0, ROLE_MARK) == "deprecated"


# Presets page


def test_presets_page_edits_round_trip_through_presets_toml(
    qtbot: QtBot, tmp_path: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    path = tmp_path / "config" / "presets.toml"
    save_presets(path, [Preset("Terse", "Be terse."), Preset("Poet", "Rhyme.")])
    dialog = make_dialog()
    page = dialog.presets_page
    assert [p.name for p in page.presets] == ["Terse", "Poet"]
    page.list.setCurrentRow(1)
    assert page.name.text() == "Poet"
    with qtbot.waitSignal(dialog.presets_changed, timeout=2000) as blocker:
        page.rename_current("Bard")
        page.system_prompt.setPlainText("Answer in rhyming couplets.\nAlways.")
        page.params.temperature.spin.setValue(1.2)
        page.model.setEditText("mistral-large-latest")
    expected = [
        Preset("Terse", "Be terse."),
        Preset(
            "Bard",
            "Answer in rhyming couplets.\nAlways.",
            ChatParams(temperature=1.2),
            "mistral-large-latest",
        ),
    ]
    assert blocker.args[0] == expected
    assert load_presets(path) == (expected, [])
    page.add_button.click()
    page.list.setCurrentRow(0)
    page.delete_button.click()
    answer(page.confirmation, "Delete")
    assert page.flush()
    assert [p.name for p in load_presets(path)[0]] == ["Bard", "New preset"]


def test_presets_page_asks_before_deleting_and_leaves_the_focus_on_the_list(
    qtbot: QtBot, tmp_path: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    # Delete kept the focus: one more Space deleted the next preset, without a question.
    path = tmp_path / "config" / "presets.toml"
    save_presets(path, [Preset("Terse"), Preset("Poet"), Preset("Bard")])
    dialog = make_dialog()
    dialog.show_page("presets")
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    page = dialog.presets_page
    page.list.setCurrentRow(1)
    page.delete_button.setFocus()
    qtbot.keyClick(page.delete_button, Qt.Key.Key_Space)
    box = page.confirmation
    assert box is not None
    assert box.isVisible()
    assert box.text() == "Delete the preset 'Poet'?"
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    answer(box, "Cancel")
    assert [p.name for p in page.presets] == ["Terse", "Poet", "Bard"]
    page.delete_button.setFocus()
    qtbot.keyClick(page.delete_button, Qt.Key.Key_Space)
    answer(page.confirmation, "Delete")
    assert [p.name for p in page.presets] == ["Terse", "Bard"]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.list)
    assert page.list.currentItem().text() == "Bard"


def test_presets_page_refuses_duplicate_and_empty_names(
    tmp_path: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    path = tmp_path / "config" / "presets.toml"
    save_presets(path, [Preset("One"), Preset("Two")])
    dialog = make_dialog()
    page = dialog.presets_page
    page.list.setCurrentRow(1)
    page.rename_current("one")
    assert (
        page.validation.message() == "Another preset is already named 'one'. The name stays 'Two'."
    )
    assert page.name.text() == "Two"
    page.rename_current("")
    assert page.validation.message() == "A preset needs a name. The name stays 'Two'."
    assert page.flush()
    assert [p.name for p in load_presets(path)[0]] == ["One", "Two"]


def test_a_preset_name_cut_at_its_longest_says_so(
    qtbot: QtBot, tmp_path: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    # Typed or pasted past 80 characters, the rest went without a word (qa23).
    save_presets(tmp_path / "config" / "presets.toml", [Preset("Pirate")])
    dialog = make_dialog()
    dialog.show_page("presets")
    page = dialog.presets_page
    page.list.setCurrentRow(0)
    page.name.setFocus()
    qtbot.keyClicks(page.name, " " + "x" * 100)
    assert page.name.text() == "Pirate " + "x" * 73
    assert page.validation.message() == "Names are at most 80 characters."
    qtbot.keyClick(page.name, Qt.Key.Key_Backspace)
    assert page.validation.message() == ""


def test_presets_added_to_the_file_while_the_page_is_kept_survive_its_saves(
    qtbot: QtBot, tmp_path: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    # New in the kept page wrote the file from the list it had read: only "New preset"
    # was left of the presets added by hand meanwhile.
    path = tmp_path / "config" / "presets.toml"
    path.parent.mkdir()
    path.write_text("", encoding="utf-8")
    dialog = make_dialog()
    page = dialog.presets_page
    assert page.presets == []
    save_presets(path, [Preset("One", "1"), Preset("Two", "2"), Preset("Three", "3")])
    page.add_button.click()
    assert page.flush()
    names = ["New preset", "One", "Two", "Three"]
    assert [p.name for p in load_presets(path)[0]] == names
    assert [p.name for p in page.presets] == names
    assert [page.list.item(row).text() for row in range(page.list.count())] == names
    assert page.name.text() == "New preset"
    assert list(path.parent.glob("presets.toml.*-*")) == []


def test_a_presets_save_that_would_drop_entries_keeps_a_copy_and_says_where(
    qtbot: QtBot, tmp_path: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    path = tmp_path / "config" / "presets.toml"
    path.parent.mkdir()
    text = '[[preset]]\nname = "Good"\n\n[[preset]]\nname = "Bad"\nsystem_prompt = 42\n'
    path.write_text(text, encoding="utf-8")
    dialog = make_dialog()
    page = dialog.presets_page
    page.add_button.click()
    assert page.flush()
    kept = list(path.parent.glob("presets.toml.kept-*"))
    assert [p.read_text(encoding="utf-8") for p in kept] == [text]
    assert str(kept[0]) in page.saved.message()
    assert [p.name for p in load_presets(path)[0]] == ["Good", "New preset"]


def test_safe_prompt_is_offered_only_while_the_endpoint_speaks_mistral(
    qtbot: QtBot, make_dialog: Callable[..., SettingsDialog]
) -> None:
    dialog = make_dialog(settings=Settings(base_url="http://127.0.0.1:8000", dialect="openai"))
    boxes = [dialog.presets_page.params.safe_prompt, dialog.model_page.params.safe_prompt]
    assert [box.isEnabled() for box in boxes] == [False, False]
    assert all("Mistral's API only" in box.toolTip() for box in boxes)
    # The endpoint page switched to Mistral's API: offered again once saved.
    with qtbot.waitSignal(dialog.settings_changed, timeout=2000):
        dialog.endpoint_page.mistral.click()
    assert [box.isEnabled() for box in boxes] == [True, True]
    assert not any("Mistral's API only" in box.text() for box in boxes)


def test_a_preset_name_is_taken_when_typed_to_the_end_and_a_refused_one_reverts(
    qtbot: QtBot, tmp_path: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    # Saved at each key, "Brief" typed over "Pirate" beside a "Brief" left "Brie" saved.
    path = tmp_path / "config" / "presets.toml"
    save_presets(path, [Preset("Pirate", "Arr."), Preset("Brief")])
    dialog = make_dialog()
    dialog.show_page("presets")
    page = dialog.presets_page
    page.list.setCurrentRow(0)
    page.name.setFocus()
    page.name.selectAll()
    qtbot.keyClicks(page.name, "Brief")
    assert [p.name for p in page.presets] == ["Pirate", "Brief"]  # nothing taken yet
    # The message sits under the name it is about, not under the model (labels beside
    # the fields or above them).
    grid = page.rows.layout()
    assert isinstance(grid, QGridLayout)
    name_row, name_column = grid.getItemPosition(grid.indexOf(page.name))[:2]
    assert grid.getItemPosition(grid.indexOf(page.validation))[:2] == (name_row + 1, name_column)
    assert grid.getItemPosition(grid.indexOf(page.model))[0] > name_row + 1
    assert page.validation.message() == "Another preset is already named 'Brief'."
    qtbot.keyClick(page.name, Qt.Key.Key_Return)
    assert page.name.text() == "Pirate"
    assert page.validation.message() == (
        "Another preset is already named 'Brief'. The name stays 'Pirate'."
    )
    assert page.flush()
    assert [p.name for p in load_presets(path)[0]] == ["Pirate", "Brief"]

    # Other fields still save as they are typed, under the saved name.
    page.name.selectAll()
    qtbot.keyClicks(page.name, "Corsair")
    page.system_prompt.setPlainText("Arr, matey.")
    assert page.presets[0] == Preset("Pirate", "Arr, matey.")
    # Closing the window takes the name still being typed.
    dialog.close()
    assert load_presets(path)[0][0] == Preset("Corsair", "Arr, matey.")
    assert page.list.item(0).text() == "Corsair"


def test_presets_page_starts_from_the_builtin_presets(
    make_dialog: Callable[..., SettingsDialog],
) -> None:
    dialog = make_dialog()
    page = dialog.presets_page
    names = [page.list.item(i).text() for i in range(page.list.count())]
    assert names[:2] == ["Default", "Concise"]
    assert page.problems.message() == ""


# Pages and shortcuts


def test_show_page_and_the_shortcuts_page_follow_the_settings(
    qtbot: QtBot, make_dialog: Callable[..., SettingsDialog]
) -> None:
    dialog = make_dialog()
    dialog.show_page("appearance")
    assert dialog.current_page() == "appearance"
    assert dialog.stack.currentWidget() is dialog.appearance_page
    shortcuts = dialog.shortcuts_page.shortcuts
    send_row = next(
        row for _h, _c, rows in shortcuts._groups for row, _d in rows if row.item.id == "send"
    )
    assert send_row.caps == ["Enter"]
    with qtbot.waitSignal(dialog.settings_changed, timeout=2000):
        dialog.appearance_page.ctrl_enter_sends.setChecked(True)
    send_row = next(
        row for _h, _c, rows in shortcuts._groups for row, _d in rows if row.item.id == "send"
    )
    assert send_row.caps == ["Ctrl", "Enter"]
    dialog.shortcuts_page.search.setText("zoom")
    assert shortcuts.visible_descriptions() == ["Larger text", "Smaller text", "Default text size"]


def fits_sideways(qtbot: QtBot, dialog: SettingsDialog, names: tuple[str, ...]) -> None:
    """Each of the pages ``names`` shows whole across the window: no sideways scroll."""
    for name in names:
        dialog.show_page(name)
        page = dialog.stack.currentWidget()
        assert isinstance(page, Page)
        qtbot.waitUntil(lambda page=page: page.widget().width() <= page.viewport().width())
        assert page.horizontalScrollBar().maximum() == 0, name


def test_the_page_list_fits_its_names_after_each_text_size_change(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    # Fitted in the font it had before the change: "Model & param…" at 13 pt. The list
    # is as wide as its names in the font it has now, unless that would take more than
    # its share of a narrow window: then the names are shortened, the page keeps room.
    dialog = make_dialog()
    dialog.show()
    qtbot.waitExposed(dialog)
    for size in (13, 16, 20):
        apply_theme(qapp, "light", size, assets_dir=tmp_path / "theme")
        qtbot.wait(20)
        nav = dialog.nav
        metrics = nav.fontMetrics()
        names = max(metrics.horizontalAdvance(text) for _, text, _ in PAGES) + 18 + 88
        share = max(NAV_LEAST, round(dialog.width() * NAV_SHARE))
        assert dialog._side.width() == min(names, share), size
        if names > share:
            continue
        for row in range(nav.count()):
            item = nav.item(row)
            room = nav.visualItemRect(item).width() - metrics.horizontalAdvance(item.text())
            assert room > 60, (size, item.text())  # the icon and paddings beside the text


def test_a_narrow_window_keeps_its_room_for_the_page(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    # At 20 pt in a window of 785 px the page list's names took 370 px, and the page
    # beside them (its text wrapping in what was left, or not) scrolled sideways.
    apply_theme(qapp, "light", 20, assets_dir=tmp_path / "theme")
    dialog = make_dialog()
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.resize(785, 560)
    qtbot.waitUntil(lambda: dialog.width() == 785)
    assert dialog._side.width() <= 785 * 0.4  # names shortened, the page keeps its room
    assert dialog.nav.textElideMode() == Qt.TextElideMode.ElideRight  # "Keyboard sh…"
    fits_sideways(qtbot, dialog, ("appearance", "shortcuts"))
    appearance = dialog.appearance_page
    for choice in (appearance.enter_sends, appearance.ctrl_enter_sends):
        assert choice.width() <= choice.parentWidget().width()
        assert choice.height() >= choice.heightForWidth(choice.width())  # wrapped, whole
    for choice in appearance.theme_buttons.values():  # never cut to "Syste"
        assert choice.width() >= choice.sizeHint().width()


@pytest.mark.parametrize("size", [10, 20, 24])
def test_every_page_fits_the_window_width_at_large_text_sizes(
    qtbot: QtBot,
    qapp: QApplication,
    tmp_path: Path,
    make_dialog: Callable[..., SettingsDialog],
    size: int,
) -> None:
    # At 22 pt the endpoint, presets, quick and templates pages were wider than the
    # window: their right half behind a sideways scroll bar (a combo box as wide as its
    # longest choice, check boxes with long labels, the list beside the editor).
    apply_theme(qapp, "light", size, assets_dir=tmp_path / "theme")
    dialog = make_dialog()
    dialog.resize(1310, 860)  # as large as a 1400 x 900 screen lets it be
    dialog.show()
    qtbot.waitExposed(dialog)
    fits_sideways(
        qtbot, dialog, ("endpoint", "model", "presets", "quick", "templates", "appearance")
    )
    presets = dialog.presets_page
    names = presets.list
    # Beside the editor at the normal size; above it, and as wide, when there is no room.
    beside = (
        names.mapTo(presets, names.rect().topRight()).x()
        < presets.editor.mapTo(presets, presets.editor.rect().topLeft()).x()
    )
    assert beside is (size == 10)
    widest = max(
        names.fontMetrics().horizontalAdvance(names.item(row).text())
        for row in range(names.count())
    )
    assert names.viewport().width() > widest


def test_the_window_grows_when_the_text_size_grows_while_it_is_open(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    # Sized for 10 pt, it stayed 900 x 660 at 24 pt: the pages scrolled sideways.
    apply_theme(qapp, "light", 10, assets_dir=tmp_path / "theme")
    dialog = make_dialog()
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.resize(600, 480)  # smaller than its size at 24 pt (the test's screen: 800 x 600)
    normal = dialog.size()
    apply_theme(qapp, "light", 24, assets_dir=tmp_path / "theme")
    # Grown less than the text (its pages wrap), within most of the screen, and no
    # smaller than its least size.
    room = dialog.screen().availableGeometry().size() * SCREEN_SHARE
    grown = QSize(round(900 * math.sqrt(2.4)), round(660 * math.sqrt(2.4)))
    wanted = grown.boundedTo(room).expandedTo(dialog.minimumSize())
    qtbot.waitUntil(lambda: dialog.size() == wanted)
    assert dialog.height() > normal.height()
    apply_theme(qapp, "light", 10, assets_dir=tmp_path / "theme")
    qtbot.wait(20)
    assert dialog.size() == wanted  # not shrunk under the user


def test_the_window_stays_on_the_screen_when_it_grows_for_the_text_size(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    # Placed for 10 pt low on the screen, grown for 20 pt where it was: its lower part
    # (with the page's last fields) went past the screen's bottom edge.
    apply_theme(qapp, "light", 10, assets_dir=tmp_path / "theme")
    dialog = make_dialog()
    dialog.show()
    qtbot.waitExposed(dialog)
    screen = dialog.screen().availableGeometry()
    dialog.move(screen.left() + 40, screen.bottom() - dialog.frameGeometry().height() - 10)
    apply_theme(qapp, "light", 20, assets_dir=tmp_path / "theme")
    qtbot.waitUntil(lambda: dialog.height() > 660)
    assert screen.contains(dialog.frameGeometry()), (dialog.frameGeometry(), screen)


def test_the_field_the_keyboard_reaches_below_the_fold_scrolls_into_view(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    # Shift+Tab from the page list goes to the page's last field: at 20 pt it had the
    # focus far below the visible part, and the page did not move.
    apply_theme(qapp, "light", 20, assets_dir=tmp_path / "theme")
    dialog = make_dialog()
    dialog.show_page("model")
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    page = dialog.model_page
    assert page.verticalScrollBar().maximum() > 0  # the page is taller than the window
    assert page.verticalScrollBar().value() == 0
    qtbot.keyClick(dialog.nav, Qt.Key.Key_Backtab)
    field = QApplication.focusWidget()
    assert field is not None
    assert page.widget().isAncestorOf(field)
    top = field.mapTo(page.viewport(), field.rect().topLeft()).y()
    assert top >= 0
    assert top + field.height() <= page.viewport().height()


def test_reopens_where_it_was_closed(
    qtbot: QtBot, make_dialog: Callable[..., SettingsDialog]
) -> None:
    # Not centred on the window again: under a window manager that put its title bar
    # where its contents had been, 20 px lower at each opening.
    dialog = make_dialog()
    window = QWidget()
    qtbot.addWidget(window)
    window.setGeometry(100, 100, 1000, 700)
    window.show()
    dialog.setParent(window, dialog.windowFlags())
    dialog.show()
    qtbot.waitExposed(dialog)
    place = dialog.frameGeometry().topLeft()
    dialog.reject()
    window.move(300, 150)  # the window moved meanwhile
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.frameGeometry().topLeft() == place
    dialog.setParent(None)  # qtbot closes it after the window, which would delete it

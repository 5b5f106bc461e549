"""A start with no key on a history: the first-run panel is the new chat's, and the
conversation open last shows once a key is saved."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import keyring.core
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.config import load_config
from app.main import LAST_CONVERSATION_KEY, Application
from app.store.conversations import ConversationStore
from app.ui.main_window import MainWindow
from tests.fake_mistral import FakeMistral
from tests.helpers.keychain import grep_tree
from tests.integration.gui.conftest import Gui, in_loop


@contextlib.asynccontextmanager
async def started_again(
    gui: Gui, environ: dict[str, str]
) -> AsyncIterator[tuple[Application, MainWindow]]:
    """Maestrale started again on ``gui``'s history, its window shown, as run_window
    builds it (the key not asked yet)."""
    later = Application(gui.application.app, load_config(environ), environ)
    window = later.build(ConversationStore.open(later.config.paths.database))
    window.show()
    try:
        yield later, window
    finally:
        window.close()
        await later.shutdown()
        window.deleteLater()
        await asyncio.sleep(0)


@pytest.mark.parametrize("key_checked_first", [False, True])
@pytest.mark.usefixtures("no_key_environ")
@in_loop
async def test_with_no_key_the_last_conversation_waits_for_the_key(
    gui: Gui, gui_environ: dict[str, str], key_checked_first: bool
) -> None:
    soup = gui.store.create_conversation(title="Soup", model="m")
    gui.application.state.set(LAST_CONVERSATION_KEY, soup.id)
    async with started_again(gui, gui_environ) as (later, window):
        # run_window asks the keychain in a thread and reopens once the loop runs:
        # either may come first.
        if key_checked_first:
            await later.check_key()
            later.reopen_last_conversation()
        else:
            later.reopen_last_conversation()
            await later.check_key()
        assert later.pane.shows_first_run
        # The panel is not the conversation's: neither the window's title nor the
        # list say the conversation is open.
        assert later.pane.conversation_id is None
        assert window.windowTitle() == "Maestrale"
        assert window.sidebar.open_conversation_id is None
        await asyncio.sleep(0.05)  # written just after an opening
        assert later.state.get(LAST_CONVERSATION_KEY) == soup.id  # for the next start

        assert later.first_run is not None
        later.first_run.key_saved.emit()
        assert not later.pane.shows_first_run
        assert later.pane.conversation_id == soup.id
        assert window.windowTitle() == "Soup — Maestrale"
        assert window.sidebar.open_conversation_id == soup.id


@pytest.mark.usefixtures("no_key_environ")
@in_loop
async def test_a_chat_opened_before_the_key_is_saved_stays_open(
    gui: Gui, gui_environ: dict[str, str]
) -> None:
    soup = gui.store.create_conversation(title="Soup", model="m")
    taxes = gui.store.create_conversation(title="Taxes", model="m")
    gui.application.state.set(LAST_CONVERSATION_KEY, soup.id)
    async with started_again(gui, gui_environ) as (later, window):
        later.reopen_last_conversation()
        await later.check_key()
        window.open_conversation(taxes.id)  # read while there is no key
        assert later.first_run is not None
        later.first_run.key_saved.emit()
        assert later.pane.conversation_id == taxes.id


@pytest.mark.usefixtures("no_key_environ")
@in_loop
async def test_use_a_self_hosted_server_opens_settings_on_a_server_of_your_own(gui: Gui) -> None:
    # It opened the Endpoint page on Mistral's La Plateforme: the person had to find
    # and choose the other option before typing an address.
    await gui.application.check_key()
    panel = gui.application.first_run
    assert panel is not None
    panel.self_hosted.click()
    dialog = gui.application._settings_dialog
    assert dialog is not None
    page = dialog.endpoint_page
    assert page.custom.isChecked()
    await gui.until(page.url.hasFocus)
    saved = gui.application.config.paths.settings_file
    assert not saved.exists() or "base_url" not in saved.read_text()  # no address yet
    dialog.close()


@pytest.mark.usefixtures("no_key_environ")
@in_loop
async def test_a_server_that_needs_no_key_closes_the_panel_and_the_question_waits(
    gui: Gui, gui_environ: dict[str, str], fake_openai: FakeMistral
) -> None:
    # Ollama or LM Studio chosen from the panel, tested: the panel still asked for "An API
    # key for 127.0.0.1:…" until a restart.
    del gui_environ["MAESTRALE_BASE_URL"]  # La Plateforme, as saved: no key for it
    async with started_again(gui, gui_environ) as (later, _window):
        # Asked before the keychain said there is no key: not sent, kept in the field.
        edit = later.pane.composer.edit
        edit.setFocus()
        gui.qtbot.keyClicks(edit, "Bonjour")
        gui.qtbot.keyClick(edit, Qt.Key.Key_Return)
        await later.check_key()
        assert later.pane.shows_first_run
        assert later.first_run is not None
        later.first_run.self_hosted.click()
        dialog = later._settings_dialog
        assert dialog is not None
        page = dialog.endpoint_page
        page.url.setFocus()
        gui.qtbot.keyClicks(page.url, fake_openai.base_url)
        gui.qtbot.keyClick(page.url, Qt.Key.Key_Return)  # tests (the default button)
        await gui.until(lambda: page.result.tone == "success")
        dialog.close()
        await gui.until(lambda: not later.pane.shows_first_run)
        assert edit.toPlainText() == "Bonjour"
        later.window.new_chat()  # it kept the panel too
        assert not later.pane.shows_first_run
        gui.qtbot.keyClick(edit, Qt.Key.Key_Return)
        await gui.until(lambda: bool(fake_openai.chat_requests))
        assert fake_openai.chat_requests[0].body["messages"][-1]["content"] == "Bonjour"
        await gui.until(lambda: not later.controller.is_streaming(later.pane.conversation_id))


@pytest.fixture
def keychain_in_process(real_keychain: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """keyring, in this process, on the real Secret Service (it keeps the backend it chose
    first, from the environment of the tests before)."""
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)


@pytest.mark.usefixtures("keychain_in_process")
@in_loop
async def test_an_endpoint_with_a_stored_key_closes_the_panel(
    gui: Gui, gui_environ: dict[str, str], fake_mistral: FakeMistral
) -> None:
    del gui_environ["MISTRAL_API_KEY"]
    del gui_environ["MAESTRALE_BASE_URL"]
    later_environ = dict(gui_environ)
    async with started_again(gui, later_environ) as (later, _window):
        later.keys.store(fake_mistral.base_url, "test-key")
        await later.check_key()
        assert later.pane.shows_first_run  # none for La Plateforme
        assert later.first_run is not None
        # The keychain's answer may take a while (or wait for the person to unlock it):
        # until it says there is none, the key is said to go there.
        assert "No Secret Service" not in later.first_run.status.message()
        assert "kept in your system keychain" in later.first_run.explanation.text()
        settings = later.config.settings
        # Another setting changed: the panel stays, with what is typed in it.
        assert later.first_run is not None
        later.first_run.field.setText("sk-half-pasted")
        later.apply_settings(settings.with_values(enter_sends=False))
        assert later.first_run.field.text() == "sk-half-pasted"
        await later.refresh_models()
        assert later.pane.shows_first_run
        later.apply_settings(settings.with_values(base_url=fake_mistral.base_url))
        await gui.until(lambda: not later.pane.shows_first_run)
        await later.refresh_models()
        assert fake_mistral.last_request.headers["authorization"] == "Bearer test-key"


@pytest.mark.usefixtures("no_key_environ")
@in_loop
async def test_without_a_keychain_a_working_key_is_used_for_the_session_and_never_written(
    gui: Gui, private_home: Path, tmp_path: Path
) -> None:
    # The key worked, then "No Secret Service keychain is running…": no way in at all.
    key = "sk-session-only-0123456789"
    gui.server.api_key = key
    panel = gui.application.first_run
    assert panel is not None
    assert gui.pane.shows_first_run
    # Said before anything is pasted: where the key will be (it read "kept in your
    # system keychain" above the warning that there is none).
    await gui.until(lambda: "No Secret Service keychain" in panel.status.message())
    assert "keeps it in memory until it closes" in panel.explanation.text()
    assert "keychain — never" not in panel.explanation.text()
    panel.field.setFocus()
    gui.qtbot.keyClicks(panel.field, key)
    gui.qtbot.keyClick(panel.field, Qt.Key.Key_Return)
    await gui.until(lambda: panel.use_for_session.isVisible() and panel.field.isEnabled())
    assert panel.status.message().startswith("The key works, but it could not be saved: ")
    assert "asks for it again at its next start" in panel.status.message()
    panel.use_for_session.click()
    assert not gui.pane.shows_first_run
    await gui.ask("Hello")
    await gui.until(gui.answered)
    assert gui.server.last_request.headers["authorization"] == f"Bearer {key}"
    # In memory only: in no file of the history, settings or log.
    assert grep_tree(tmp_path, key) == []
    assert grep_tree(private_home, key) == []


@pytest.mark.usefixtures("no_key_environ")
@in_loop
async def test_tab_goes_through_the_panel_in_reading_order(
    gui: Gui, gui_environ: dict[str, str]
) -> None:
    # The eye in the key field could not be reached with Tab.
    del gui_environ["MAESTRALE_BASE_URL"]
    async with started_again(gui, gui_environ) as (later, window):
        await later.check_key()
        panel = later.first_run
        assert panel is not None
        window.activateWindow()
        await gui.until(window.isActiveWindow)
        panel.field.setText("sk-some-key")
        panel.console_link.setFocus(Qt.FocusReason.TabFocusReason)
        stops = [panel.console_link]
        for _ in range(4):
            gui.qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
            stops.append(QApplication.focusWidget())
        eye = stops[2]
        assert panel.field.isAncestorOf(eye)  # the show/hide button, inside the field
        # As the panel reads: the console link, the field and its eye, the button under
        # them, the link to another server.
        assert stops == [panel.console_link, panel.field, eye, panel.submit, panel.self_hosted]
        for widget in reversed(stops[:-1]):
            gui.qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
            assert QApplication.focusWidget() is widget

"""A start with no key on a history: the first-run panel is the new chat's, and the
conversation open last shows once a key is saved."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.config import load_config
from app.main import LAST_CONVERSATION_KEY, Application
from app.store.conversations import ConversationStore
from app.ui.main_window import MainWindow
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

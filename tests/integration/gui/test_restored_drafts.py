"""Drafts kept from an earlier run, shown in the message field at start."""

from __future__ import annotations

import pytest

from app.config import load_config
from app.store.conversations import ConversationStore
from app.store.drafts import NEW_CHAT
from tests.integration.gui.conftest import Gui, in_loop

DRAFT = "What is the weather like in Paris in spring?"  # one line in the window


@pytest.fixture
def new_chat_draft(gui_environ: dict[str, str]) -> None:
    """A new chat's draft left by the last run."""
    store = ConversationStore.open(load_config(gui_environ).paths.database)
    try:
        store.save_draft(NEW_CHAT, DRAFT)
    finally:
        store.close()


@pytest.mark.usefixtures("new_chat_draft")
@in_loop
async def test_a_new_chats_draft_restored_at_start_is_one_line_high(gui: Gui) -> None:
    # Restored before the window was laid out, in a field still narrow, it wrapped: the
    # field kept the height of two lines until the first key press.
    edit = gui.pane.composer.edit
    assert edit.toPlainText() == DRAFT
    await gui.settle(0.05)
    with_draft = edit.height()
    edit.clear()  # one line high, as an empty field is
    assert with_draft == edit.height()

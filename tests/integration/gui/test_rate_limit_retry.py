"""A rate-limited answer's Retry waits as long as the server asked, counting down."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QApplication

from app.domain.messages import Role
from app.ui.toast import Toast
from tests.fake_mistral import Reply
from tests.integration.gui.conftest import Gui, in_loop, write_settings
from tests.integration.gui.test_chat_window import answer_text, last_item


@pytest.fixture
def no_retries(gui_environ: dict[str, str]) -> None:
    """The first 429 fails the answer (the client would otherwise wait and ask again
    itself, three times, before the card shows)."""
    write_settings(gui_environ, "retries = 0\n")


@pytest.mark.usefixtures("no_retries")
@in_loop
async def test_retry_counts_down_the_wait_the_server_asked_for(gui: Gui) -> None:
    # The card said "the server asks for 30 s" beside a Retry that could be pressed at
    # once, only to be refused again.
    gui.server.enqueue(Reply(status=429, retry_after="2"), Reply(text="Now it works."))
    await gui.ask("Busy?")
    await gui.until(gui.answered)
    item = last_item(gui, Role.ASSISTANT)
    retry = item._retry
    await gui.until(retry.isVisible)
    assert "the server asks for 2 s" in item._status_label.text()
    assert retry.text() in ("Retry in 2 s", "Retry in 1 s")
    assert not retry.isEnabled()
    assert retry.toolTip().startswith("The server asked to wait this long")
    # Ctrl+Shift+R, which retries a failed answer, says so rather than ask.
    gui.pane.regenerate_last()
    toasts = [toast.text for toast in gui.window.findChildren(Toast)]
    assert any(text.startswith("The server asked to wait before") for text in toasts)
    assert _answers_asked(gui) == 1

    await gui.until(lambda: retry.text() == "Retry in 1 s", timeout=5)  # counting down
    assert not retry.isEnabled()
    assert len(retry.findChildren(QTimer)) == 1  # one timer, however often it showed
    await gui.until(retry.isEnabled, timeout=5)
    assert retry.text() == "Retry"
    assert not retry.findChild(QTimer).isActive()  # nothing left ticking
    gui.qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
    await gui.until(lambda: answer_text(gui) == "Now it works.")
    assert _answers_asked(gui) == 2


def _answers_asked(gui: Gui) -> int:
    """Requests for answers (streamed): the chat's title, asked once the first answer
    came, is a request of its own that may be sent before or after a check."""
    return sum(1 for request in gui.server.chat_requests if request.body.get("stream") is True)


@pytest.mark.usefixtures("no_retries")
@in_loop
async def test_the_wait_goes_on_when_the_chat_is_opened_again_and_stops_with_its_card(
    gui: Gui,
) -> None:
    gui.server.enqueue(Reply(status=429, retry_after="600"))
    await gui.ask("Busy?")
    await gui.until(gui.answered)
    retry = last_item(gui, Role.ASSISTANT)._retry
    await gui.until(retry.isVisible)
    assert retry.text() == "Retry in 10 min"
    await gui.until(lambda: retry.text() == "Retry in 9 min 59 s", timeout=5)
    timer = retry.findChild(QTimer)
    assert timer.isActive()
    conversation_id = gui.pane.conversation_id

    gui.pane.new_chat()  # the card goes, and its timer with it
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(timer)

    # Opened again, the conversation shows the wait where it stands, not anew.
    gui.pane.open_conversation(conversation_id)
    await gui.until(lambda: gui.pane.transcript.message_ids != [])
    shown = last_item(gui, Role.ASSISTANT)._retry
    await gui.until(shown.isVisible)
    assert shown.text().startswith("Retry in 9 min 5")
    assert not shown.isEnabled()

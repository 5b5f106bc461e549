"""Links in an answer: what the person sees before and after choosing to open one."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication

from app.domain.messages import Role
from app.ui.toast import Toast
from tests.fake_mistral import Reply
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.test_chat_window import last_item


def _notices(gui: Gui) -> list[str]:
    return [toast.text for toast in gui.window.findChildren(Toast) if toast.isVisible()]


@in_loop
async def test_a_link_no_browser_can_open_is_copied_and_said(gui: Gui, monkeypatch) -> None:
    # No browser to start: Qt's openUrl returns False and only prints to stderr.
    tried: list[QUrl] = []
    monkeypatch.setattr(
        "app.ui.link_dialog.QDesktopServices.openUrl", lambda url: tried.append(url) and False
    )
    links = "[the page](https://example.org/page?a=1), [mail](mailto:me@example.org?subject=Hi)"
    gui.server.enqueue(Reply(text=f"See {links}."))
    await gui.ask("Links please")
    await gui.until(gui.answered)
    answer = last_item(gui, Role.ASSISTANT)
    gui.pane._confirm_link = lambda check: True
    answer.text.anchorClicked.emit(QUrl("https://example.org/page?a=1"))
    assert tried == [QUrl("https://example.org/page?a=1")]
    assert _notices(gui) == [
        "No web browser could be started for this link. "
        "Its address is copied: paste it into your browser's address bar."
    ]
    assert QGuiApplication.clipboard().text() == "https://example.org/page?a=1"

    answer.text.anchorClicked.emit(QUrl("mailto:me@example.org?subject=Hi"))
    assert _notices(gui) == [
        "No mail program could be started for this link. "
        "The mail address (me@example.org) is copied: paste it into your mail."
    ]
    assert QGuiApplication.clipboard().text() == "me@example.org"


@in_loop
async def test_a_link_opened_or_refused_says_nothing(gui: Gui, monkeypatch) -> None:
    monkeypatch.setattr("app.ui.link_dialog.QDesktopServices.openUrl", lambda url: True)
    gui.server.enqueue(Reply(text="See [the page](https://example.org/)."))
    await gui.ask("A link please")
    await gui.until(gui.answered)
    answer = last_item(gui, Role.ASSISTANT)
    QGuiApplication.clipboard().setText("kept")
    for agreed in (True, False):
        gui.pane._confirm_link = lambda check, agreed=agreed: agreed
        answer.text.anchorClicked.emit(QUrl("https://example.org/"))
    assert _notices(gui) == []
    assert QGuiApplication.clipboard().text() == "kept"

"""Links in an answer: what the person sees before and after choosing to open one."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QPoint, Qt, QUrl
from PySide6.QtGui import QGuiApplication, QHelpEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QToolTip

from app.domain.messages import Role
from app.rendering.links import TIP_WIDTH, LinkCheck
from app.ui.link_dialog import MAX_ADDRESS_LINES
from app.ui.toast import Toast
from app.ui.transcript.text_view import MessageText
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


MISLEADING = (
    "Log in at [https://bank.com](https://evil.example/login) "
    "or read [the **whole** guide](https://example.org/guide?a=1)."
)


def _on_words(text: MessageText, words: str) -> QPoint:
    """A point of the viewport on ``words`` of ``text``."""
    cursor = text.document().find(words)
    assert not cursor.isNull()
    cursor.setPosition(cursor.selectionStart() + 2)
    rect = text.cursorRect(cursor)
    return QPoint(rect.x() + 2, rect.center().y())


def _hover(text: MessageText, point: QPoint) -> str:
    QToolTip.hideText()
    hover = QHelpEvent(QEvent.Type.ToolTip, point, text.viewport().mapToGlobal(point))
    QApplication.sendEvent(text.viewport(), hover)
    return QToolTip.text()


@in_loop
async def test_a_hovered_link_shows_its_true_address(gui: Gui) -> None:
    # Only a click showed where a link went; now the pointer does, as in a browser.
    gui.server.enqueue(Reply(text=MISLEADING + " See [аpple](https://аpple.com/x)."))
    await gui.ask("Links please")
    await gui.until(gui.answered)
    text = last_item(gui, Role.ASSISTANT).text
    assert _hover(text, _on_words(text, "Log in")) == ""  # no link, no address
    tip = _hover(text, _on_words(text, "whole"))  # a bold word inside the link
    assert "https://example.org/guide?a=1" in html.unescape(tip)
    assert "⚠" not in tip
    tip = html.unescape(_hover(text, _on_words(text, "https://bank.com")))
    assert "https://evil.example/login" in tip
    assert "⚠ The link's text shows another address: bank.com." in tip
    # The look-alike name as the browser will use it, as the dialog shows it.
    assert "https://xn--pple-43d.com/x" in html.unescape(_hover(text, _on_words(text, "аpple")))
    QToolTip.hideText()


@in_loop
async def test_a_hovered_long_address_shows_its_start_and_its_length(gui: Gui) -> None:
    # A 50 kB address made a tooltip of some 600 lines, taller than the screen.
    address = "https://example.org/x?q=" + "a" * 50_000
    gui.server.enqueue(Reply(text=f"See [the page]({address})."))
    await gui.ask("A long link please")
    await gui.until(gui.answered)
    text = last_item(gui, Role.ASSISTANT).text
    tip = _hover(text, _on_words(text, "the page"))
    QToolTip.hideText()
    lines = html.unescape(tip.split("</p>")[0].split(">", 1)[1]).split("<br>")
    assert len(lines) == MAX_ADDRESS_LINES + 1
    assert "".join(lines[:-1]) == address[: MAX_ADDRESS_LINES * TIP_WIDTH]
    assert lines[-1] == f"… ({len(address)} characters in all)"


@in_loop
async def test_a_link_whose_words_name_another_address_is_warned_of(gui: Gui) -> None:
    gui.server.enqueue(Reply(text=MISLEADING))
    await gui.ask("Links please")
    await gui.until(gui.answered)
    text = last_item(gui, Role.ASSISTANT).text
    asked: list[LinkCheck] = []
    gui.pane._confirm_link = lambda check: asked.append(check) or False
    for words in ("https://bank.com", "whole"):
        gui.qtbot.mouseClick(text.viewport(), Qt.MouseButton.LeftButton, pos=_on_words(text, words))
    assert [(check.address, check.warnings) for check in asked] == [
        (
            "https://evil.example/login",
            ("The link's text shows another address: bank.com.",),
        ),
        ("https://example.org/guide?a=1", ()),
    ]
    # The keyboard's way: Tab to the first link, Enter.
    asked.clear()
    text.setFocus()
    text.setTextCursor(QTextCursor(text.document()))
    gui.qtbot.keyClick(text, Qt.Key.Key_Tab)
    gui.qtbot.keyClick(text, Qt.Key.Key_Return)
    assert [check.warnings for check in asked] == [
        ("The link's text shows another address: bank.com.",)
    ]

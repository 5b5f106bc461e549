"""Pasting the API key: a key copied from a web page (the console) may reach the
clipboard only as HTML, which a masked line field pasted as nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import qasync
from PySide6.QtCore import QMimeData, QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from app.secrets import ApiKeys
from app.tasks import TaskRunner
from app.ui.first_run import KEYCHAIN_TASK, TEST_TASK, FirstRunPanel
from app.ui.settings.form import SecretField
from app.ui.settings.key_page import READ_TASK, SAVE_TASK, KeyPage

from .conftest import MISTRAL, MODELS, FakeEndpoint, MemoryKeyring, finish

KEY = "sk-0123456789abcdefABCDEF"
# As a web console's "copy" button or a selection in a browser may give it: no plain text.
CONSOLE_HTML = (
    '<meta charset="utf-8"><div class="key">\n'
    f'   <code style="font-family: monospace">{KEY}</code>&nbsp;\n</div>\n'
)


@pytest.fixture
def html_only_clipboard(qapp: QApplication) -> Iterator[None]:
    data = QMimeData()
    data.setHtml(CONSOLE_HTML)
    board = QGuiApplication.clipboard()
    board.setMimeData(data)
    assert board.text() == ""
    yield
    board.clear()


def _paste(qtbot: QtBot, field: SecretField) -> None:
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


@pytest.mark.usefixtures("html_only_clipboard")
def test_the_first_run_panel_pastes_the_key_of_html_and_tests_it(
    qtbot: QtBot, qloop: qasync.QEventLoop, backend: MemoryKeyring, runner: TaskRunner
) -> None:
    endpoint = FakeEndpoint(MODELS)
    panel = FirstRunPanel(ApiKeys({}, backend=backend), runner, endpoint)
    qtbot.addWidget(panel)
    finish(qloop, runner, KEYCHAIN_TASK)
    panel.show()
    qtbot.waitExposed(panel)
    _paste(qtbot, panel.field)
    assert panel.field.text() == KEY  # trimmed: no space or line break around it
    assert panel.submit.isEnabled()
    panel.submit.click()
    finish(qloop, runner, TEST_TASK)
    assert endpoint.calls == [(MISTRAL, "mistral", KEY)]
    assert backend.items == {("maestrale", MISTRAL): KEY}


@pytest.mark.usefixtures("html_only_clipboard")
def test_the_settings_key_page_pastes_the_key_of_html(
    qtbot: QtBot, qloop: qasync.QEventLoop, backend: MemoryKeyring, runner: TaskRunner
) -> None:
    page = KeyPage(ApiKeys({}, backend=backend), MISTRAL, runner)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    finish(qloop, runner, READ_TASK)
    _paste(qtbot, page.field)
    assert page.field.text() == KEY
    assert page.save_button.isEnabled()
    page.save_button.click()
    finish(qloop, runner, SAVE_TASK)
    assert backend.items == {("maestrale", MISTRAL): KEY}


@pytest.mark.usefixtures("html_only_clipboard")
def test_the_key_field_s_menu_pastes_the_key_of_html(qtbot: QtBot) -> None:
    field = SecretField("Paste your API key")
    qtbot.addWidget(field)
    field.show()
    qtbot.waitExposed(field)
    menu_event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, QPoint(5, 5), field.mapToGlobal(QPoint(5, 5))
    )
    QApplication.sendEvent(field, menu_event)
    [menu] = [m for m in field.findChildren(QMenu) if m.isVisible()]
    [paste] = [a for a in menu.actions() if a.objectName() == "edit-paste"]
    assert paste.isEnabled()
    paste.trigger()
    menu.close()
    assert field.text() == KEY

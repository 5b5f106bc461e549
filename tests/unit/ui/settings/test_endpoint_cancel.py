"""Settings → Endpoint's connection test against a server that accepts and never answers:
one attempt, a timeout that says what to check, and a Cancel that keeps the keyboard."""

from __future__ import annotations

import asyncio
import functools
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import qasync
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.api.probe import probe_models
from app.secrets import ApiKeys
from app.settings import Settings
from app.tasks import TaskRunner
from app.ui.settings.endpoint_page import TEST_TASK, EndpointPage

from .conftest import finish


class SilentServer:
    """A listening socket nobody reads: the kernel completes each TCP handshake, and
    no byte ever comes back (a TLS handshake waits for ever)."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0), backlog=16)
        self.port = self._socket.getsockname()[1]
        self._accepted: list[socket.socket] = []

    def connections(self) -> int:
        """How many connections came, so far."""
        self._socket.setblocking(False)
        while True:
            try:
                self._accepted.append(self._socket.accept()[0])
            except BlockingIOError:
                return len(self._accepted)

    def close(self) -> None:
        for connection in self._accepted:
            connection.close()
        self._socket.close()


def until(loop: qasync.QEventLoop, condition: Callable[[], bool]) -> None:
    """Run the loop (the test's task with it) until ``condition`` holds."""

    async def wait() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    loop.run_until_complete(asyncio.wait_for(wait(), 10))


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()


@dataclass
class PageUnderTest:
    """What a test of the page needs: the silent server, the runner, the errors."""

    qtbot: QtBot
    keys: ApiKeys
    runner: TaskRunner
    server: SilentServer
    errors: list[BaseException]

    def page(self, connect_timeout: float) -> EndpointPage:
        """The Endpoint page set to the silent server, its Test button focused."""
        settings = Settings(base_url=f"https://127.0.0.1:{self.server.port}/v1", dialect="openai")
        page = EndpointPage(
            settings,
            self.keys,
            self.runner,
            functools.partial(probe_models, connect_timeout=connect_timeout, read_timeout=5.0),
        )
        self.qtbot.addWidget(page)
        page.show()
        page.activateWindow()
        self.qtbot.waitUntil(page.isActiveWindow)
        page.test_button.setFocus()
        return page

    def press(self, loop: qasync.QEventLoop, page: EndpointPage, connections: int) -> None:
        """Space on the focused button, then until the server had ``connections``."""
        self.qtbot.keyClick(page.test_button, Qt.Key.Key_Space)
        until(loop, lambda: self.server.connections() == connections)

    def cancel(self, loop: qasync.QEventLoop, page: EndpointPage) -> None:
        page.cancel_test()
        finish(loop, self.runner, TEST_TASK)


@pytest.fixture
def testing(
    qtbot: QtBot,
    keys: ApiKeys,
    runner: TaskRunner,
    silent_server: SilentServer,
    task_errors: list[BaseException],
) -> PageUnderTest:
    return PageUnderTest(qtbot, keys, runner, silent_server, task_errors)


def test_a_server_that_never_answers_is_tried_once_and_the_timeout_says_what_to_check(
    qtbot: QtBot, qloop: qasync.QEventLoop, testing: PageUnderTest
) -> None:
    # Retried three times, silently, the test took four connect timeouts (45-55 s).
    page = testing.page(connect_timeout=0.3)
    qtbot.keyClick(page.test_button, Qt.Key.Key_Space)
    finish(qloop, testing.runner, TEST_TASK)
    assert testing.server.connections() == 1
    assert page.result.tone == "error"
    message = page.result.message()
    assert "no answer within 0.3 s" in message
    assert "Is the server running and ready?" in message
    assert "http:// or https://" in message
    assert page.test_button.accessibleName() == "Test connection"
    assert page.test_button.isEnabled()
    assert QApplication.focusWidget() is page.test_button
    assert testing.errors == []


def test_cancel_stops_the_test_at_once_and_the_keyboard_stays_on_the_button(
    qtbot: QtBot, qloop: qasync.QEventLoop, testing: PageUnderTest
) -> None:
    # A timeout far longer than the test's run: only Cancel can end it in time.
    page = testing.page(connect_timeout=120.0)
    testing.press(qloop, page, connections=1)
    assert testing.runner.running(TEST_TASK)
    # Disabled while testing, the button sent the keyboard to the page list.
    assert page.test_button.isEnabled()
    assert page.test_button.accessibleName() == "Cancel"
    assert page.test_button.icon().isNull()  # not the test's link icon beside "Cancel"
    assert page.result.message().startswith("Asking https://127.0.0.1:")  # not "Connecting"
    assert QApplication.focusWidget() is page.test_button

    qtbot.keyClick(page.test_button, Qt.Key.Key_Space)
    task = testing.runner.get(TEST_TASK)
    assert task is not None
    finish(qloop, testing.runner, TEST_TASK)
    assert task.cancelled()
    assert page.result.message() == "Test cancelled."
    assert page.test_button.accessibleName() == "Test connection"
    assert not page.test_button.icon().isNull()
    assert page.test_button.isEnabled()
    assert QApplication.focusWidget() is page.test_button
    assert testing.errors == []

    # Testing again works, and starts a new attempt.
    testing.press(qloop, page, connections=2)
    assert page.test_button.accessibleName() == "Cancel"
    testing.cancel(qloop, page)


def test_closing_the_window_during_a_test_cancels_it_without_errors(
    qtbot: QtBot, qloop: qasync.QEventLoop, testing: PageUnderTest
) -> None:
    page = testing.page(connect_timeout=120.0)
    page.test_button.click()
    until(qloop, lambda: testing.server.connections() == 1)
    task = testing.runner.get(TEST_TASK)
    assert task is not None
    page.close()
    finish(qloop, testing.runner, TEST_TASK)
    assert task.cancelled()
    assert testing.errors == []


def test_return_in_the_address_field_tests_again_rather_than_cancel(
    qtbot: QtBot, qloop: qasync.QEventLoop, testing: PageUnderTest
) -> None:
    # In the settings window Return in the field presses Test connection (the default
    # button): pressed twice, it cancelled the test the first Return started.
    page = testing.page(connect_timeout=120.0)
    testing.press(qloop, page, connections=1)
    page.url.setFocus()
    page.url.returnPressed.emit()  # Return in the field, then the default button:
    page.on_test_clicked()
    until(qloop, lambda: testing.server.connections() == 2)
    assert testing.runner.running(TEST_TASK)
    assert page.test_button.accessibleName() == "Cancel"
    testing.cancel(qloop, page)
    assert page.result.message() == "Test cancelled."
    assert testing.errors == []


def test_a_click_on_cancel_cancels_even_with_the_focus_in_the_address_field(
    qtbot: QtBot, qloop: qasync.QEventLoop, testing: PageUnderTest
) -> None:
    # Review: the choice went by the focus, and on macOS a click on a button leaves the
    # focus in the field: Cancel started the test again.
    page = testing.page(connect_timeout=120.0)
    testing.press(qloop, page, connections=1)
    page.url.setFocus()
    page.test_button.click()
    until(qloop, lambda: not testing.runner.running(TEST_TASK))
    assert page.result.message() == "Test cancelled."
    assert testing.server.connections() == 1
    assert testing.errors == []

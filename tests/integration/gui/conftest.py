"""The whole window, wired as main.py wires it, against the fake server."""

from __future__ import annotations

import asyncio
import functools
import gc
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import qasync
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.api.client import ChatStream, MistralClient
from app.collector import GuiThreadCollector
from app.config import load_config
from app.main import Application
from app.store.conversations import ConversationStore
from app.ui.main_window import MainWindow
from tests.fake_mistral import FakeMistral

T = TypeVar("T")


@dataclass
class Gui:
    application: Application
    window: MainWindow
    store: ConversationStore
    server: FakeMistral
    loop: qasync.QEventLoop
    qtbot: QtBot

    @property
    def pane(self) -> Any:
        return self.window.pane

    def run(self, awaitable: Awaitable[T]) -> T:
        return self.loop.run_until_complete(awaitable)

    async def until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Let Qt and asyncio run until ``predicate`` holds."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError("condition not reached in time")
            await asyncio.sleep(0.01)

    async def settle(self, seconds: float = 0.05) -> None:
        await asyncio.sleep(seconds)

    async def until_titled(self) -> None:
        """Wait for the title request that follows a first answer.

        The fake server answers requests in arrival order: a test that queues a reply
        for the title and then one for its next question must let the title request
        go first, or a busy machine hands the title's reply to the question.
        """
        await self.until(
            lambda: any(r.body.get("stream") is False for r in self.server.chat_requests)
        )

    async def until_title_stored(self, asked: str) -> None:
        """Wait until the generated title replaced ``asked`` (the first question, the
        title at once) in the history: a test comparing the history's rows before and
        after something must not see the title land in between."""
        await self.until_titled()
        conversation_id = self.pane.conversation_id
        assert conversation_id is not None
        await self.until(lambda: self.store.get_conversation(conversation_id).title != asked)

    async def ask(self, text: str) -> None:
        """Type ``text`` in the composer and press Enter, as a user does."""
        edit = self.pane.composer.edit
        edit.setFocus()
        self.qtbot.keyClicks(edit, text)
        self.qtbot.keyClick(edit, Qt.Key.Key_Return)
        await asyncio.sleep(0)

    def answered(self) -> bool:
        conversation_id = self.pane.conversation_id
        return (
            conversation_id is not None
            and not self.application.controller.is_streaming(conversation_id)
            and bool(self.store.current_path(conversation_id))
            and self.store.current_path(conversation_id)[-1].role.value == "assistant"
            and self.store.current_path(conversation_id)[-1].status.value != "streaming"
        )


def in_loop(scenario: Callable[..., Awaitable[None]]) -> Callable[..., None]:
    """Run an ``async def`` test body in the window's one event loop.

    The app runs everything in a single, continuous qasync loop; tests do the same
    (a task started in one ``run_until_complete`` and resumed in another would run
    its steps with no running loop, which httpx's machinery refuses).
    """

    @functools.wraps(scenario)
    def test(gui: Gui, *args: Any, **kwargs: Any) -> None:
        async def body() -> None:
            try:
                await scenario(gui, *args, **kwargs)
            finally:
                # Finish every task inside the loop: pytest-qt processes Qt events after
                # the test, and asyncio steps run there would find no running loop.
                await gui.application.runner.cancel_all()

        gui.run(body())

    return test


@pytest.fixture
def gui_environ(fake_mistral: FakeMistral, tmp_path: Path) -> dict[str, str]:
    """The environment the window starts with; a test may change it before ``gui``."""
    return {
        "MAESTRALE_BASE_URL": fake_mistral.base_url,
        "MAESTRALE_DATA_DIR": str(tmp_path / "data"),
        "MISTRAL_API_KEY": "test-key",
    }


def write_settings(environ: dict[str, str], text: str) -> Path:
    """The settings file the window will start with, holding ``text``."""
    path = load_config(environ).paths.settings_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def streams(monkeypatch: pytest.MonkeyPatch) -> list[ChatStream]:
    """Every answer's stream the window opens from now on, newest last: what has
    arrived of it (``answer``) even when the window shows and stores none of it."""
    opened: list[ChatStream] = []
    stream = MistralClient.stream

    def watched(client: MistralClient, request: Any) -> ChatStream:
        opened.append(stream(client, request))
        return opened[-1]

    monkeypatch.setattr(MistralClient, "stream", watched)
    return opened


@pytest.fixture
def gui_options() -> dict[str, Any]:
    """Keyword arguments for ``Application``; a test may add some before ``gui``
    (``tray_available``: a desktop with or without a system tray)."""
    return {}


@pytest.fixture
def no_key_environ(gui_environ: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """No key for the endpoint, and no keychain to find one in."""
    del gui_environ["MISTRAL_API_KEY"]
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


@pytest.fixture
def gui(
    qapp: QApplication,
    *,
    qloop: qasync.QEventLoop,
    qtbot: QtBot,
    fake_mistral: FakeMistral,
    gui_environ: dict[str, str],
    gui_options: dict[str, Any],
) -> Iterator[Gui]:
    environ = gui_environ
    config = load_config(environ)
    application = Application(qapp, config, environ, **gui_options)
    store = ConversationStore.open(config.paths.database)
    window = application.build(store)
    window.resize(1100, 760)
    window.show()
    qtbot.waitExposed(window)
    # As run_window does once the window has painted: no key, the first-run panel.
    qloop.run_until_complete(application.check_key())
    # The tray and quick prompt, built after the first paint by run_window (here without
    # registering global shortcuts).
    _ = application.desktop
    # As run_window does: garbage is collected on this thread only (threads the test
    # starts, an MCP server's, would otherwise destroy earlier tests' Qt objects).
    collector = GuiThreadCollector(application.window)
    harness = Gui(application, window, store, fake_mistral, qloop, qtbot)
    try:
        yield harness
    finally:
        collector.stop()
        close_application(qloop, application)
        del harness, application, window
        forget_application(qapp)


def close_application(qloop: qasync.QEventLoop, application: Application) -> None:
    """Close the window and shut the application down as the app does."""
    window = application.window
    window.close()
    qloop.run_until_complete(application.shutdown())
    # Every window the test made goes: the quick window, settings and other dialogs are
    # windows of their own, and thousands of widgets left from earlier tests made each
    # later theme change (it polishes every widget) and collection seconds long.
    for widget in QApplication.topLevelWidgets():
        widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def forget_application(qapp: QApplication) -> None:
    """Once the caller dropped its references: leave Qt as the next test expects it."""
    # Collect the window's reference cycles here, on the GUI thread: collected later by
    # a worker thread, Qt objects would be destroyed on the wrong thread.
    gc.collect()
    # The theme is set on the application: give the next tests Qt's plain look.
    qapp.setStyleSheet("")
    qapp.setPalette(qapp.style().standardPalette())

"""The window's API client: its key read from the keychain off the GUI thread."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from app.chat.clients import ClientSource
from app.config import load_config
from app.secrets import ApiKeys
from tests.helpers.fake_keyrings import BlockingKeyring


def test_the_client_is_prepared_while_the_keychain_waits_for_a_password(
    qloop: qasync.QEventLoop,
) -> None:
    backend = BlockingKeyring()
    config = load_config({"MAESTRALE_BASE_URL": "http://127.0.0.1:9"})
    backend.items[("maestrale", "http://127.0.0.1:9")] = "sk-stored"
    clients = ClientSource(lambda: config, ApiKeys({}, backend=backend))
    answered = backend.answer_later()
    client = qloop.run_until_complete(clients.prepared())
    assert answered == [True]  # Qt's timer ran while the keychain was asked
    assert clients.client() is client  # kept: no second keychain call
    # Invalidated again while a client is being prepared (the key was replaced): the
    # one being built is for the old key, and the key is read once more.
    clients.invalidate()
    answered = backend.answer_later(calls=2)
    preparing = qloop.create_task(clients.prepared())
    qloop.call_soon(clients.invalidate)
    fresh = qloop.run_until_complete(preparing)
    assert answered == [True, True]
    assert fresh is not client
    assert clients.client() is fresh
    qloop.run_until_complete(clients.aclose())


def test_the_loop_closing_waits_for_the_client_being_built(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its TLS set-up reads the system's certificates in OpenSSL: in a daemon thread,
    # still at it as the process ended (a SIGTERM just after the start), OpenSSL's exit
    # clean-up freed what it read, and Maestrale ended in a segmentation fault. The app
    # ends its loop as here, then the process: the set-up must be over by then.
    from app.api.client import MistralClient

    building = threading.Event()
    built: list[bool] = []
    build = MistralClient.__init__

    def slow(self: MistralClient, *args: Any, **kwargs: Any) -> None:
        building.set()
        time.sleep(0.3)
        build(self, *args, **kwargs)
        built.append(True)

    monkeypatch.setattr(MistralClient, "__init__", slow)
    config = load_config({"MAESTRALE_BASE_URL": "http://127.0.0.1:9"})
    clients = ClientSource(lambda: config, ApiKeys({"MISTRAL_API_KEY": "sk-session"}))
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    try:
        with loop:
            preparing = loop.create_task(clients.prepared())
            loop.run_until_complete(asyncio.wait_for(_until(building), 5))
            assert not built  # quitting now, while it is built
            preparing.cancel()
            loop.run_until_complete(asyncio.gather(preparing, return_exceptions=True))
        assert built == [True]
    finally:
        asyncio.set_event_loop(None)


async def _until(event: threading.Event) -> None:
    while not event.is_set():
        await asyncio.sleep(0.01)

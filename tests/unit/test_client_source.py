"""The window's API client: its key read from the keychain off the GUI thread."""

from __future__ import annotations

import qasync

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

"""The API client the window uses, rebuilt when the endpoint, dialect or key changes."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.config import RuntimeConfig, build_client, lookup_key, open_client
from app.secrets import ApiKeys
from app.tasks import in_own_thread

if TYPE_CHECKING:
    from app.api.client import MistralClient


class ClientSource:
    """Hands out one shared client; ``invalidate()`` after settings or key changes.

    Raises from ``client()`` what ``open_client`` raises (no key, no keychain, refused
    endpoint), so the caller can show the first-run panel or the settings.
    """

    def __init__(self, config: Callable[[], RuntimeConfig], keys: ApiKeys) -> None:
        self._config = config
        self._keys = keys
        self._client: MistralClient | None = None
        self._retired: list[MistralClient] = []
        self._generation = 0  # of the settings and key the client is built for

    def client(self) -> MistralClient:
        if self._client is None:
            self._client = open_client(self._config(), self._keys)
        return self._client

    async def prepared(self) -> MistralClient:
        """``client()``, its key read from the keychain in a thread of its own.

        The keychain may wait for the person (a password prompt); the window must not.
        """
        import asyncio  # not at start-up: see app.tasks

        while self._client is None:
            generation = self._generation
            config = self._config()
            key = await in_own_thread(functools.partial(lookup_key, config, self._keys), "key")
            # The client's TLS set-up (reading the system's certificates, tens of
            # milliseconds) in a thread the loop joins as it closes, not in the key's
            # daemon thread: the process ending under OpenSSL's feet crashed it (a
            # SIGTERM a second after the start, its exit then a segmentation fault).
            client = await asyncio.to_thread(build_client, config, key)
            if self._client is None and generation == self._generation:
                self._client = client
            else:  # invalidated meanwhile: built for the old settings or key
                self._retired.append(client)
        return self._client

    def invalidate(self) -> None:
        self._generation += 1
        if self._client is not None:
            # Answers still streaming keep their client until they end; close it later.
            self._retired.append(self._client)
            self._client = None

    async def aclose(self) -> None:
        clients = [*self._retired, *([self._client] if self._client else [])]
        self._retired.clear()
        self._client = None
        import asyncio  # not at start-up: see app.tasks

        await asyncio.gather(*(c.aclose() for c in clients), return_exceptions=True)

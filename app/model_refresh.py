"""The endpoint's model list, asked for again in the background; after a network or
server failure, again later (15 s, then 1 min, then every 5 min)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from app.api.errors import ApiError, NetworkError, ServerError
from app.chat.catalog import ModelCatalog
from app.chat.clients import ClientSource
from app.tasks import TaskRunner

if TYPE_CHECKING:
    import asyncio

log = logging.getLogger(__name__)

MODELS_RETRY_MS = (15_000, 60_000, 300_000)


class ModelRefresh:
    """Refreshes ``catalog`` from the endpoint ``clients`` serve, on ``runner``.

    ``key_check`` gives the key check under way, if any: a refresh waits for it (its
    thread may be waiting on a keychain prompt, which a second read would show again).
    """

    def __init__(
        self,
        owner: QObject,
        runner: TaskRunner,
        clients: ClientSource,
        catalog: ModelCatalog,
        key_check: Callable[[], asyncio.Task[None] | None],
    ) -> None:
        self._owner = owner
        self._runner = runner
        self._clients = clients
        self._catalog = catalog
        self._key_check = key_check
        self._retry: QTimer | None = None
        self._failures = 0  # in a row, for the wait before the next try
        self._stopped = False

    def start(self) -> None:
        """Refresh in the background (one refresh at a time: a newer one replaces it)."""
        self._runner.start(self.refresh(), name="models")

    async def refresh(self) -> None:
        import asyncio

        checking = self._key_check()
        if checking is not None and not checking.done():
            await asyncio.wait([checking])
        try:
            client = await self._clients.prepared()
        except Exception:  # noqa: BLE001 - no key yet: the catalog keeps its cache
            return
        try:
            await self._catalog.refresh(client)
        except (NetworkError, ServerError) as error:
            # Without this, a server down at start left the picker without its list,
            # deprecation marks and switch offers until the next start.
            log.info("Model list not refreshed, asking again later: %s", error)
            self._retry_later()
        except ApiError as error:
            log.info("Model list not refreshed: %s", error)
        else:
            self._failures = 0

    def stop(self) -> None:
        """No more tries (the app is closing)."""
        self._stopped = True
        if self._retry is not None:
            self._retry.stop()

    def _retry_later(self) -> None:
        if self._stopped:
            return
        if self._retry is None:
            self._retry = QTimer(self._owner)
            self._retry.setSingleShot(True)  # one try waiting, however many failed
            self._retry.timeout.connect(self.start)
        wait = MODELS_RETRY_MS[min(self._failures, len(MODELS_RETRY_MS) - 1)]
        self._failures += 1
        self._retry.start(wait)

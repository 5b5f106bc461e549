"""Keeping the composer's drafts in the history file without stalling the window.

A draft is saved on the window's thread each time typing pauses. While another process
holds the history's lock (an import, a backup), the usual five-second wait for it froze
the window at every pause: here a save waits at most a few milliseconds, and a draft
that could not be saved stays in memory and is tried again later, and once more, with
the usual patience, before the history closes.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer

from app.store.conversations import ConversationStore
from app.store.errors import StoreError

log = logging.getLogger(__name__)

SAVE_WAIT_MS = 10  # under a frame: typing never waits for another process's lock
RETRY_AFTER_MS = 2000  # read when a retry is planned: tests shorten it


class DraftKeeper(QObject):
    """Saves drafts (key -> text, ``""`` removes) in ``store``, later if it is locked."""

    def __init__(self, store: ConversationStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._pending: dict[str, str] = {}
        self._failing = False  # logged once per spell of failures, not at every retry
        self._closing = False
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self._save_soon)

    @property
    def pending(self) -> dict[str, str]:
        """Drafts not saved yet, waiting for the history to free."""
        return dict(self._pending)

    def keep(self, key: str, text: str) -> None:
        if self._closing:
            return  # the history is closed or closing: nothing may use it any more
        self._pending[key] = text
        self._save_soon()

    def save_before_closing(self) -> None:
        """Save what is still pending, waiting for a lock as long as any write does; the
        window is going, so a short wait freezes nothing a user still sees."""
        self._retry.stop()
        self._save_pending()
        self._closing = True

    def _save_soon(self) -> None:
        with self._store.waiting_at_most(SAVE_WAIT_MS):
            saved = self._save_pending()
        if not saved:
            self._retry.start(RETRY_AFTER_MS)

    def _save_pending(self) -> bool:
        while self._pending:
            key, text = next(iter(self._pending.items()))
            try:
                self._store.save_draft(key, text)
            except StoreError:
                # Not shown: the draft is still in the field, and sending it works or
                # says what is wrong.
                if not self._failing:
                    log.warning("Could not keep the draft yet", exc_info=True)
                self._failing = True
                return False
            del self._pending[key]
        self._failing = False
        return True

"""Keeping the composer's drafts in the history file without stalling the window.

A draft is saved on the window's thread each time typing pauses. While another process
holds the history's lock (an import, a backup), the usual five-second wait for it froze
the window at every pause: here a save waits at most a few milliseconds, and a draft
that could not be saved stays in memory and is tried again later, and once more, with
the usual patience, before the history closes. A draft the history refuses for another
reason (the disk full, the file read-only) is said once, while it keeps failing, even
when the spell began with a lock; once the drafts are saved again, that is said too.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from app.store.conversations import ConversationStore
from app.store.errors import DatabaseBusy, StoreError

log = logging.getLogger(__name__)

SAVE_WAIT_MS = 10  # under a frame: typing never waits for another process's lock
RETRY_AFTER_MS = 2000  # read when a retry is planned: tests shorten it


def draft_not_saved(error: StoreError) -> str:
    """What the person is told when the history refuses a draft, and what to do."""
    reason = str(getattr(error, "reason", None) or error)
    if reason == "the disk is full":
        return (
            "Maestrale could not save your draft: the disk is full. It stays in the "
            "message field and is saved as soon as there is room, but it is lost if "
            "Maestrale is closed before: free some space, or copy the draft now."
        )
    return (
        f"Maestrale could not save your draft ({reason}). It stays in the message field "
        "and is saved as soon as the history can be written again, but it is lost if "
        "Maestrale is closed before: copy the draft now to keep it."
    )


class DraftKeeper(QObject):
    """Saves drafts (key -> text, ``""`` removes) in ``store``, later if it is locked.

    Signals:
        not_saved(str, str): the draft of a conversation (key) could not be saved, not
            for a lock another process holds (that passes): what to tell the person.
            Once per spell of failures.
        saved_again(): every draft is saved after ``not_saved`` was said.
    """

    not_saved = Signal(str, str)
    saved_again = Signal()

    def __init__(self, store: ConversationStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._pending: dict[str, str] = {}
        self._failed_key = ""  # the draft the last failure was on
        self._failing = False  # logged once per spell of failures, not at every retry
        # not_saved was emitted in this spell: a spell begun by a lock (not said) may
        # go on with a full disk, which must be said all the same.
        self._said = False
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
            error = self._save_pending()
        if error is None:
            if self._said:
                self._said = False
                self.saved_again.emit()
            return
        self._retry.start(RETRY_AFTER_MS)
        # A lock passes (the draft is saved once it does, or on closing): not shown.
        # Anything else (a full disk) may last until the window closes and the draft,
        # still in the field, is lost with it: said once.
        if not self._said and not isinstance(error, DatabaseBusy):
            self._said = True
            self.not_saved.emit(self._failed_key, draft_not_saved(error))

    def _save_pending(self) -> StoreError | None:
        """Save every pending draft; the error that stopped it, if one did."""
        while self._pending:
            key, text = next(iter(self._pending.items()))
            try:
                self._store.save_draft(key, text)
            except StoreError as error:
                self._failed_key = key
                if not self._failing:
                    log.warning("Could not keep the draft yet", exc_info=True)
                self._failing = True
                return error
            del self._pending[key]
        self._failing = False
        return None

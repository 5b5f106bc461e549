"""The sidebar's writes (rename, pin, duplicate, delete, undo) while another program holds
the history's lock.

Made on the window's thread, each write used to wait the usual five seconds for the
lock, freezing the window, then failed with a modal box (whose nested event loop, in
the middle of committing a rename, let a reload destroy the editor: a crash). Here a
write waits at most ``WRITE_WAIT_MS``; one that still finds the history locked is kept
and tried again every ``RETRY_AFTER_MS`` until it is saved, as unsaved answers are, and
the person is told so in a notice, never a modal box.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer

from app.store import ConversationNotFound, ConversationStore, StoreError
from app.store.errors import DatabaseBusy

log = logging.getLogger(__name__)

WRITE_WAIT_MS = 200  # a moment: a click never freezes the window for seconds
RETRY_AFTER_MS = 2000  # read when a retry is planned: tests shorten it

Report = Callable[[str], None]


def held_text(what: str) -> str:
    """The notice for a write kept until the history frees."""
    return (
        f"Another program is using the history (an import, a backup), so {what} is not "
        "saved yet. It will be saved as soon as that program finishes; close it to save "
        "it now."
    )


def _given_up_text(what: str, error: StoreError) -> str:
    if isinstance(error, ConversationNotFound):  # its text is for the command line
        said = f"{what[:1].upper()}{what[1:]}"
        return f"{said} is not saved: another program deleted that chat meanwhile."
    return str(error)


@dataclass
class _Held:
    what: str
    write: Callable[[], Any]
    done: Callable[[Any], None]
    dropped: Callable[[], None] | None


class HeldWrites(QObject):
    """Runs writes to ``store`` with a short wait; keeps and retries those that find it
    locked. ``report`` tells the person (a notice: it must not open a nested loop)."""

    def __init__(self, store: ConversationStore, report: Report, parent: QObject) -> None:
        super().__init__(parent)
        self._store = store
        self._report = report
        self._held: list[_Held] = []
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self._try_held)

    @property
    def waiting(self) -> list[str]:
        """What is kept until the history frees (as told to the person), oldest first."""
        return [held.what for held in self._held]

    def run(self, what: str, write: Callable[[], Any], done: Callable[[Any], None]) -> bool:
        """Write now, then ``done(result)``; kept for later when the history is locked
        (``what`` names it in the notice: "the new title “Soup”"). False when the write
        failed for another reason (reported) or is kept."""
        try:
            with self._store.waiting_at_most(WRITE_WAIT_MS):
                result = write()
        except DatabaseBusy:
            self.hold(what, write, done)
            return False
        except StoreError as error:
            self._report(str(error))
            return False
        done(result)
        return True

    def hold(
        self,
        what: str,
        write: Callable[[], Any],
        done: Callable[[Any], None],
        dropped: Callable[[], None] | None = None,
    ) -> None:
        """Keep a write that found the history locked, and say so; ``dropped`` is called
        if it later fails for another reason (reported) and is given up."""
        log.warning("The history is locked: %s is kept until it frees", what)
        self._held.append(_Held(what, write, done, dropped))
        self._retry.start(RETRY_AFTER_MS)
        self._report(held_text(what))

    def _try_held(self) -> None:
        while self._held:
            held = self._held[0]
            try:
                with self._store.waiting_at_most(WRITE_WAIT_MS):
                    result = held.write()
            except DatabaseBusy:
                self._retry.start(RETRY_AFTER_MS)
                return
            except StoreError as error:
                del self._held[0]
                self._report(_given_up_text(held.what, error))
                if held.dropped is not None:
                    held.dropped()
                continue
            del self._held[0]
            held.done(result)

    def save_before_closing(self) -> None:
        """The last try, as the window closes, with the usual wait for the lock (five
        seconds, as an answer's last save gets); what still cannot be written is lost,
        and logged by name. Written only: what the window does after a write (open a
        new chat after a delete, reopen an undone one) has no window to do it in."""
        self._retry.stop()
        while self._held:
            held = self._held.pop(0)
            try:
                held.write()
            except DatabaseBusy:
                lost = [held.what, *(later.what for later in self._held)]
                self._held.clear()
                log.warning("The history stayed locked; not saved: %s", "; ".join(lost))
                return
            except StoreError as error:
                log.warning("Not saved: %s (%s)", held.what, error)

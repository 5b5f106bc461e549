"""Opening the history for the window: an older format converted behind a notice, a
damaged file set aside only with the user's say-so."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer

from app.config import RuntimeConfig
from app.store.conversations import ConversationStore
from app.store.db import needs_upgrade, set_aside
from app.store.errors import DatabaseTooNew, DatabaseUnreadable

log = logging.getLogger(__name__)

# The window needs to write (answers, drafts, titles); the command line reads such a
# history as it is (app.store.read_only).
READ_ONLY_HELP = (
    "Its conversations can still be read from the command line: 'maestrale list' shows "
    "them and 'maestrale export -o FILE' copies them out. To keep working in the window, "
    "copy the data folder somewhere writable and start Maestrale with --data-dir FOLDER "
    "on the copy."
)

UPGRADE_NOTICE = (
    "Updating your history for this version of Maestrale…\n"
    "This happens once; a long history can take a minute."
)


def open_store(
    config: RuntimeConfig, before_waiting: Callable[[], None] = lambda: None
) -> ConversationStore | None:
    """The history; a damaged file is never touched without the user's say-so.

    ``before_waiting`` runs before the start waits on the person (a dialog) or on a long
    upgrade: a second start is then answered meanwhile.
    """
    path = config.paths.database
    while True:
        try:
            if needs_upgrade(path):
                before_waiting()
                return _open_with_notice(path)
            return ConversationStore.open(path)
        except DatabaseTooNew as error:
            from PySide6.QtWidgets import QMessageBox

            before_waiting()

            QMessageBox.critical(None, "Maestrale", str(error))
            return None
        except DatabaseUnreadable as error:
            from PySide6.QtWidgets import QMessageBox

            before_waiting()

            if error.unwritable:  # read-only media, no permission: still readable
                box = QMessageBox(QMessageBox.Icon.Critical, "Maestrale", str(error))
                box.setInformativeText(READ_ONLY_HELP)
                box.exec()
                return None
            if not error.damaged:  # a full disk: nothing to set aside
                QMessageBox.critical(None, "Maestrale", str(error))
                return None
            box = QMessageBox(QMessageBox.Icon.Critical, "Maestrale", str(error))
            box.setInformativeText(
                "You can start a new, empty history; the damaged file is then kept beside "
                "it under another name, so it can still be examined or recovered."
            )
            fresh = box.addButton("Start a new history", QMessageBox.ButtonRole.AcceptRole)
            box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is not fresh:
                return None
            kept = set_aside(path)
            log.warning("Damaged history %s kept as %s", path, kept)


def _open_with_notice(path: Path) -> ConversationStore:
    """Open a history of an older version, converting it off the GUI thread while a
    small window says what is happening (with nothing on screen for a minute, a user
    would take the app for hung and end it, and the conversion would start over)."""
    import threading

    from PySide6.QtCore import QEventLoop, Qt
    from PySide6.QtWidgets import QProgressDialog

    outcome: list[ConversationStore | BaseException] = []

    def convert() -> None:
        try:
            outcome.append(ConversationStore.open(path))
        except BaseException as error:  # noqa: BLE001 - raised again on the GUI thread
            outcome.append(error)

    notice = QProgressDialog()
    # No Cancel: each step of the conversion is one transaction, and stopping would only
    # undo it and leave the same wait for the next start.
    notice.setCancelButton(None)
    notice.setLabelText(UPGRADE_NOTICE)
    notice.setRange(0, 0)  # no measure of progress: a busy bar
    notice.setMinimumWidth(440)
    notice.setWindowTitle("Maestrale")
    notice.setAccessibleName("Updating the history")
    notice.setMinimumDuration(0)
    # Modal: the window's start frame shows behind it, its parts not built yet; what is
    # typed or clicked there meanwhile would go nowhere.
    notice.setWindowModality(Qt.WindowModality.ApplicationModal)
    notice.show()
    worker = threading.Thread(target=convert, name="history-upgrade", daemon=True)
    worker.start()
    waiting = QEventLoop()
    poll = QTimer()
    poll.setInterval(50)
    poll.timeout.connect(lambda: None if worker.is_alive() else waiting.quit())
    poll.start()
    waiting.exec()
    poll.stop()
    notice.close()
    notice.deleteLater()
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result

"""Keychains for tests: one in a dict, and one whose calls wait as a password prompt does."""

from __future__ import annotations

import threading

import keyring.backend
import keyring.errors
from PySide6.QtCore import QTimer


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keychain that lives in a dict, and can be locked (reading then fails, as when
    its unlock prompt is closed); ``reads`` counts the reads asked of it."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}
        self.locked = False
        self.reads = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.reads += 1
        if self.locked:
            raise keyring.errors.KeyringLocked("locked")
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.items:
            raise keyring.errors.PasswordDeleteError("no such item")
        del self.items[(service, username)]


class BlockingKeyring(MemoryKeyring):
    """Every call waits until ``release`` is set, as gnome-keyring's wait on its password
    prompt (for 10 s at most, so that a test that froze still ends)."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting = threading.Event()
        self.release = threading.Event()
        self.pending = False

    def _wait(self) -> None:
        self.pending = True
        self.waiting.set()
        try:
            if not self.release.wait(10):
                raise keyring.errors.KeyringError("nobody answered the prompt")
            self.release.clear()  # one answer per call
        finally:
            self.pending = False

    def get_password(self, service: str, username: str) -> str | None:
        self._wait()
        return super().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self._wait()
        super().set_password(service, username, password)

    def answer_later(self, calls: int = 1) -> list[bool]:
        """Answer the next ``calls`` calls from a Qt timer, which fires only when the GUI
        thread is free: the list returned gets True for each answered while it waited."""
        self.waiting.clear()
        self.release.clear()
        answered: list[bool] = []

        def answer() -> None:
            if not self.waiting.is_set():  # not asked yet
                QTimer.singleShot(10, answer)
                return
            answered.append(self.pending)
            self.waiting.clear()
            self.release.set()
            if len(answered) < calls:
                QTimer.singleShot(10, answer)

        QTimer.singleShot(0, answer)
        return answered

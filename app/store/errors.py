"""Every failure the history store can raise, each with a message a person can act on.

::

    StoreError                      base of everything below
    ├── DatabaseUnreadable          the file is corrupt, not a database, another program's
    │                               database, or cannot be read; it was left untouched
    ├── DatabaseTooNew              made by a newer Maestrale (user_version above ours)
    ├── DatabaseBusy                another process (Maestrale or another program) kept
    │                               the file locked past the timeout
    ├── ConversationNotFound        no conversation has that id (or id prefix)
    ├── AmbiguousConversation       an id prefix matches several conversations
    ├── MessageNotFound             no message has that id
    └── ImportFailed                a file to import is malformed or foreign; nothing written
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class StoreError(Exception):
    """Base of every error the history store raises."""


class DatabaseUnreadable(StoreError):
    """The history file cannot be used; it was not modified."""

    DAMAGED_ADVICE = "move it aside to start a new history, or restore it from a backup"
    PERMISSIONS_ADVICE = "check the permissions of the file and its folder"
    READ_ONLY_DISK_ADVICE = "copy the data folder somewhere writable"

    def __init__(self, path: Path, reason: str, advice: str = DAMAGED_ADVICE) -> None:
        self.path = path
        self.reason = reason
        self.advice = advice
        # Only a damaged file may be set aside for a new history: a full disk or a
        # permission problem leaves a healthy file that a new history would hide.
        self.damaged = advice == self.DAMAGED_ADVICE
        # A file that may still be read though it cannot be written (read-only media,
        # no write permission): see app.store.read_only.
        self.unwritable = advice in (self.PERMISSIONS_ADVICE, self.READ_ONLY_DISK_ADVICE)
        super().__init__(
            f"Cannot use the history file {path} ({reason}); it was left untouched, so {advice}."
        )


class DatabaseTooNew(StoreError):
    """The history file was written by a newer Maestrale with a schema we do not know."""

    def __init__(self, path: Path, found: int, supported: int) -> None:
        self.path = path
        self.found = found
        self.supported = supported
        super().__init__(
            f"The history file {path} was made by a newer Maestrale (format {found}, this "
            f"version reads up to {supported}); update Maestrale or use another data folder."
        )


class DatabaseBusy(StoreError):
    """Another process held the write lock for longer than the busy timeout."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        where = f"The history file {path}" if path else "The history file"
        # SQLite does not say who holds the lock: a backup tool or an sqlite3 shell
        # holds it as well as a second Maestrale. Worded alike for the terminal and
        # the window, where it reaches the user without app.ui.wording.
        super().__init__(
            f"{where} is locked by another program or Maestrale process (an import, a "
            "backup, an sqlite3 shell); wait for it to finish or close that program, "
            "then try again."
        )


class ConversationNotFound(StoreError):
    def __init__(self, ref: str, *, min_prefix: int | None = None) -> None:
        self.ref = ref
        if not ref:
            why = "No conversation id was given"
        elif min_prefix is not None and len(ref) < min_prefix:
            # 'd' matched one id and was refused with no word of why.
            why = f"{ref!r} is too short: give at least {min_prefix} characters of the id"
        else:
            why = f"No conversation has the id {ref!r}"
        super().__init__(f"{why}; 'maestrale list' shows the ids of all conversations.")


class AmbiguousConversation(StoreError):
    def __init__(self, ref: str, matches: Sequence[str]) -> None:
        self.ref = ref
        self.matches = tuple(matches)
        shown = ", ".join(self.matches[:5]) + (", ..." if len(self.matches) > 5 else "")
        super().__init__(
            f"{ref!r} is the start of {len(self.matches)} conversation ids ({shown}); "
            "give more characters of the id."
        )


class MessageNotFound(StoreError):
    def __init__(self, message_id: str) -> None:
        self.message_id = message_id
        super().__init__(
            f"No message has the id {message_id!r}; it may have been deleted with its conversation."
        )


class ImportFailed(StoreError):
    """A file could not be imported; the history was not changed."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"Cannot import {path}: {reason}; nothing was imported.")

"""Another process's write lock on a history file, as `maestrale import` holds it."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class HistoryLock:
    """A second connection to the history that can hold its write lock."""

    def __init__(self, path: Path) -> None:
        self._connection = sqlite3.connect(path, isolation_level=None)

    def take(self) -> HistoryLock:
        self._connection.execute("BEGIN IMMEDIATE")
        return self

    def run(self, sql: str, *parameters: object) -> None:
        """Write through the lock's own connection (that program's change)."""
        self._connection.execute(sql, parameters)

    def release(self) -> None:
        self._connection.execute("COMMIT")
        self._connection.close()

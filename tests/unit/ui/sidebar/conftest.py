"""Fixtures for the sidebar tests: a real history file in a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.store import ConversationStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ConversationStore]:
    opened = ConversationStore.open(tmp_path / "history.sqlite3")
    yield opened
    opened.close()


@pytest.fixture
def other(tmp_path: Path, store: ConversationStore) -> Iterator[ConversationStore]:
    """The same history through a connection of its own, as `maestrale ask` has."""
    opened = ConversationStore.open(tmp_path / "history.sqlite3")
    yield opened
    opened.close()

"""Fixtures for the history store tests: real SQLite files in a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest

from app.store import ConversationStore, cjk_index

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[ConversationStore]:
    opened = ConversationStore.open(db_path)
    yield opened
    opened.close()


@pytest.fixture(params=[True, False], ids=["trigram index", "LIKE without it"])
def cjk_store(request: pytest.FixtureRequest, db_path: Path) -> Iterator[ConversationStore]:
    """A store searched with the trigram index of CJK text, then one without it: SQLite
    before 3.34 lacks the tokenizer, the index is never made and LIKE reads those rows."""
    with (
        mock.patch.object(cjk_index, "trigram_available", return_value=request.param),
        ConversationStore.open(db_path) as opened,
    ):
        assert cjk_index.cjk_index_ready(opened.connection) == request.param
        yield opened

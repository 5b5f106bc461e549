"""Histories as an older Maestrale wrote them, for tests of upgrades."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from app.store import db as db_module
from app.store.schema import MIGRATIONS


@contextmanager
def written_as(version: int) -> Iterator[None]:
    """Within: the store creates (and expects) files of format ``version``, as the
    Maestrale of that format did. Opening them afterwards upgrades them."""
    with (
        mock.patch.object(db_module, "MIGRATIONS", MIGRATIONS[:version]),
        mock.patch.object(db_module, "SCHEMA_VERSION", version),
    ):
        yield

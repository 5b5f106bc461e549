"""The store's public surface (the no-Qt rule is checked by tests/unit/test_layering.py)."""

from __future__ import annotations

import app.store


def test_every_export_exists() -> None:
    assert app.store.__all__
    for name in app.store.__all__:
        assert hasattr(app.store, name), name

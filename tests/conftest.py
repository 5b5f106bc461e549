"""Test-wide setup: Qt offscreen, the fake Mistral server, and a private home per test."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from app.collector import collect_due

# Before any QApplication exists: widget tests run without a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = [
    "tests.fake_mistral.fixtures",
    "tests.helpers.keychain",
    "tests.helpers.qt_loop",
    "tests.helpers.xvfb",
]


def pytest_configure(config: pytest.Config) -> None:
    """Garbage is collected on the main thread only, as the app does (app.collector):
    Python would collect in whichever thread allocates, a fake server's or a tool host's,
    and destroy earlier tests' Qt objects there (a warning, or a crash)."""
    gc.disable()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    collect_due()


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Nothing a test does may touch the developer's real history, settings or keychain."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.delenv("MAESTRALE_DATA_DIR", raising=False)
    monkeypatch.delenv("MAESTRALE_BASE_URL", raising=False)
    monkeypatch.delenv("MISTRAL_API_KEY", raising=False)
    # No keychain unless a test starts a real one (tests/integration/keychain.py).
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    return home

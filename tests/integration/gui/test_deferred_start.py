"""What the window does not build before its first paint is there when first needed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import qasync
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.config import load_config
from app.main import Application
from app.store.conversations import ConversationStore
from tests.fake_mistral import FakeMistral
from tests.integration.gui.conftest import close_application, forget_application


def test_the_quick_prompt_is_built_when_a_second_start_asks_for_it(
    qapp: QApplication,
    qloop: qasync.QEventLoop,
    qtbot: QtBot,
    fake_mistral: FakeMistral,
    tmp_path: Path,
) -> None:
    environ = {
        "MAESTRALE_BASE_URL": fake_mistral.base_url,
        "MAESTRALE_DATA_DIR": str(tmp_path / "data"),
        "MISTRAL_API_KEY": "test-key",
    }
    application = Application(qapp, load_config(environ), environ)
    store = ConversationStore.open(application.config.paths.database)
    application.build(store)
    try:
        # Nothing of the tray and quick prompt before the window is up ...
        assert application._desktop is None
        assert application.first_run is None  # a key is there: no first-run panel either
        # ... but `maestrale quick` run meanwhile finds its window all the same.
        application.on_command("quick", {"template": None})
        quick = application.desktop.quick
        qtbot.waitUntil(quick.isVisible)
        assert application.window.close_hides is not None
    finally:
        close_application(qloop, application)
        del application
        forget_application(qapp)


PAINT_PROBE = """
import os, sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])

class Probe(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow):
            print("asyncio at first paint:", "asyncio" in sys.modules, flush=True)
            print("keyring at first paint:", "keyring" in sys.modules, flush=True)
            print("QtNetwork at first paint:", "PySide6.QtNetwork" in sys.modules, flush=True)
            os._exit(0)
        return False

probe = Probe()
app.installEventFilter(probe)
from app.cli import main
main([])
"""


def _first_paint(tmp_path: Path, key: str | None) -> str:
    """What the probe prints at the real window's first paint (its stdout), the key in
    MISTRAL_API_KEY or, with None, in a keychain that has none (no D-Bus needed)."""
    environ = {k: v for k, v in os.environ.items() if k != "MISTRAL_API_KEY"}
    environ.update(
        QT_QPA_PLATFORM="offscreen",
        MAESTRALE_DATA_DIR=str(tmp_path / "data"),
        MAESTRALE_BASE_URL="http://127.0.0.1:9",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_STATE_HOME=str(tmp_path / "state"),
    )
    if key is None:
        environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    else:
        environ["MISTRAL_API_KEY"] = key
    result = subprocess.run(
        [sys.executable, "-c", PAINT_PROBE],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "at first paint" in result.stdout, result.stderr[-2000:]
    return result.stdout


def test_the_window_paints_before_asyncio_and_its_loop_are_loaded(tmp_path: Path) -> None:
    assert "asyncio at first paint: False" in _first_paint(tmp_path, "test-key")


def test_the_window_paints_before_the_keychain_is_asked(tmp_path: Path) -> None:
    # With the key in the keychain (no MISTRAL_API_KEY), the keyring library's backend
    # discovery and the keychain's answer (or its prompt) come after the first paint.
    assert "keyring at first paint: False" in _first_paint(tmp_path, None)


def test_the_window_paints_before_it_listens_for_later_starts(tmp_path: Path) -> None:
    # QtNetwork (some 15 ms) loads once the window is up; the claim on the instance's
    # name keeps a second start waiting meanwhile (tests/unit/quick).
    assert "QtNetwork at first paint: False" in _first_paint(tmp_path, "test-key")

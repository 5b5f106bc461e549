"""PySide6's import hook, made cheap, still answers as PySide's own check would."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path
from types import ModuleType

import pytest

from app.ui.qt_import import import_qt, mentions_pyside


def pyside_would_say(module: ModuleType) -> bool:
    """PySide6's own test: its source, as inspect reads it, names PySide6."""
    try:
        return "PySide6" in inspect.getsource(module)
    except (TypeError, OSError, SyntaxError):
        return False


@pytest.mark.parametrize(
    "name",
    ["app.ui.theme", "app.store.db", "app.ui.qt_import", "json", "sys", "PySide6.QtCore", "_io"],
)
def test_the_cheap_check_agrees_with_pysides(name: str) -> None:
    __import__(name)
    module = sys.modules[name]
    assert mentions_pyside(module) == pyside_would_say(module)


def test_modules_imported_after_import_qt_are_classified_by_the_cheap_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_qt()
    feature = sys.modules["shibokensupport.feature"]
    assert feature._mod_uses_pyside is mentions_pyside
    (tmp_path / "uses_qt_for_test.py").write_text("from PySide6.QtCore import QObject\n")
    (tmp_path / "plain_for_test.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    # As an import statement does: PySide's hook replaces __import__.
    __import__("uses_qt_for_test")
    __import__("plain_for_test")
    # 0: a module that uses PySide (its features off); -1: one PySide ignores.
    assert feature.pyside_feature_dict["uses_qt_for_test"] == 0
    assert feature.pyside_feature_dict["plain_for_test"] == -1

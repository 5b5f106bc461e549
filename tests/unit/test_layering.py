"""The core layers never import Qt: the command line and tests run without a display."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
CORE = [
    "api",
    "rendering",
    "store",
    "domain",
    "tools",
    "answering",
    "commands",
    "secrets.py",
    "presets.py",
    "resources.py",
    "settings.py",
    "cli.py",
    "config.py",
    "paths.py",
    "log.py",
    "lazy.py",
    "toml_files.py",
    "text_sizes.py",
]


def core_files() -> list[Path]:
    files: list[Path] = []
    for name in CORE:
        target = APP / name
        if target.is_dir():
            files.extend(sorted(target.rglob("*.py")))
        elif target.exists():
            files.append(target)
    return files


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_modules_exist() -> None:
    names = {p.relative_to(APP).parts[0] for p in core_files()}
    assert {"api", "store", "domain", "secrets.py", "settings.py", "cli.py"} <= names


def test_no_core_module_imports_qt() -> None:
    offenders = {
        str(path.relative_to(APP)): sorted(
            m
            for m in imported_modules(path)
            if m.split(".")[0] in ("PySide6", "shiboken6", "qasync")
        )
        for path in core_files()
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_sub_commands_load_no_qt_at_run_time() -> None:
    code = (
        "import sys, app.cli, app.commands, app.commands.ask, app.commands.history, "
        "app.commands.models, app.commands.keys, app.store.transfer; "
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_window_starts_without_what_only_later_work_needs() -> None:
    # Start-up imports only what the first window needs: the HTTP client, the keychain,
    # the markdown parser, export and import and the quick prompt load when first used,
    # asyncio and its Qt event loop once the window has painted.
    deferred = (
        "asyncio",
        "qasync",
        "httpx",
        "keyring",
        "markdown_it",
        "pygments",
        "app.quick.desktop",
        "app.store.transfer",  # export and import
        "app.store.search",  # with the first search (or the warm-up after the paint)
        "app.store.matches",
        "app.store.glued_found",
        "app.store.imports",
        "app.api.types",  # requests and stream events: with the first question
        "app.answering",
        "app.ui.first_run",
        "app.ui.sidebar.results",
        "app.ui.toast",
        "app.ui.transcript.item",
        "app.ui.transcript.text_view",  # a message's text: with the first message
        "app.ui.transcript.fitted_images",
        "uuid",  # identifiers are random hex (app.store.ids); uuid loads platform
        "logging.handlers",  # the log file opens at its first record
        "concurrent",  # the formula worker starts with the first formula
        "html",  # search snippets
        "hashlib",  # (and OpenSSL) names are checksums; hashes only when first needed
    )
    code = (
        "import sys, app.main; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {deferred!r} "
        f"or m in {deferred!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"

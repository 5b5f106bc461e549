"""The log file: written on demand, rotated, and never holding a secret."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import log as app_log
from app.log import RotatingLog, setup_logging

KEY = "sk-live-0123456789abcdef"


@pytest.fixture
def root_handlers() -> Iterator[None]:
    """Leave the root logger as it was: setup_logging changes the whole process."""
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield
    for handler in [h for h in root.handlers if h not in before]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


def _ours() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if getattr(h, "maestrale", False)]


def test_the_file_is_opened_by_the_first_record_and_holds_it(
    tmp_path: Path, root_handlers: None
) -> None:
    log_file = tmp_path / "state" / "log" / "maestrale.log"
    setup_logging(log_file)
    assert not log_file.exists()  # nothing logged yet: nothing opened at start-up

    logging.getLogger("app.test").warning("history %s could not be read", "h.sqlite3")
    for handler in _ours():
        handler.flush()

    text = log_file.read_text(encoding="utf-8")
    assert "WARNING app.test: history h.sqlite3 could not be read" in text


def test_keys_and_bearer_tokens_never_reach_the_file(tmp_path: Path, root_handlers: None) -> None:
    log_file = tmp_path / "maestrale.log"
    redactor = setup_logging(log_file, verbose=True)
    redactor.add(KEY)
    logger = logging.getLogger("app.test")

    logger.info("sending with %s", KEY)
    logger.debug("headers: {'Authorization': 'Bearer other-token-123456'}")
    try:
        raise RuntimeError(f"server refused key {KEY}")
    except RuntimeError:
        logger.exception("request failed")

    text = log_file.read_text(encoding="utf-8")
    assert KEY not in text
    assert "other-token-123456" not in text
    assert text.count("[redacted]") == 3
    assert "RuntimeError: server refused key [redacted]" in text  # the traceback is kept


def test_an_unwritable_place_drops_records_without_failing(
    tmp_path: Path, root_handlers: None
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log folder should be")
    setup_logging(blocker / "log" / "maestrale.log")

    logging.getLogger("app.test").warning("still running")  # must not raise

    assert blocker.read_text() == "a file where the log folder should be"


def test_the_file_rotates_and_keeps_three_old_ones(
    tmp_path: Path, root_handlers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_log, "MAX_BYTES", 400)
    log_file = tmp_path / "maestrale.log"
    setup_logging(log_file)
    logger = logging.getLogger("app.test")

    for number in range(60):
        logger.warning("line %03d %s", number, "x" * 40)

    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == ["maestrale.log", "maestrale.log.1", "maestrale.log.2", "maestrale.log.3"]
    assert all(p.stat().st_size <= 400 for p in tmp_path.iterdir())
    assert "line 059" in log_file.read_text(encoding="utf-8")


def test_setting_up_again_replaces_the_handler(tmp_path: Path, root_handlers: None) -> None:
    setup_logging(tmp_path / "a.log")
    setup_logging(tmp_path / "b.log")

    handlers = _ours()
    assert len(handlers) == 1
    assert isinstance(handlers[0], RotatingLog)
    assert handlers[0].path == tmp_path / "b.log"


@pytest.fixture
def excepthook() -> Iterator[list[BaseException]]:
    """A stand-in for the hook in place (Python's, or pytest-qt's): what it was given."""
    reported: list[BaseException] = []
    before = sys.excepthook
    sys.excepthook = lambda _kind, error, _trace: reported.append(error)
    yield reported
    sys.excepthook = before


def test_an_uncaught_error_reaches_the_log_then_the_hook_before(
    tmp_path: Path, root_handlers: None, excepthook: list[BaseException]
) -> None:
    log_file = tmp_path / "maestrale.log"
    setup_logging(log_file).add(KEY)
    app_log.log_uncaught_errors()
    app_log.log_uncaught_errors()  # the app built again: logged once all the same

    try:
        raise RuntimeError(f"Internal C++ object already deleted ({KEY})")
    except RuntimeError as error:
        sys.excepthook(type(error), error, error.__traceback__)  # as PySide does

    text = log_file.read_text(encoding="utf-8")
    assert text.count("ERROR app.uncaught: Uncaught error") == 1
    assert "RuntimeError: Internal C++ object already deleted ([redacted])" in text
    assert "test_an_uncaught_error_reaches_the_log" in text  # with its traceback
    assert KEY not in text
    assert [str(e) for e in excepthook] == [f"Internal C++ object already deleted ({KEY})"]

"""Logging to a rotating file, with every known secret blotted out before it is written."""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from logging.handlers import RotatingFileHandler

MAX_BYTES = 2_000_000
BACKUPS = 3

_BEARER = re.compile(r"(Bearer\s+)[^\s'\"]+", re.IGNORECASE)


class SecretRedactor(logging.Filter):
    """Replaces API keys (told to it with ``add``) and bearer tokens in every record."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()

    def add(self, secret: str) -> None:
        if len(secret) >= 8:
            self._secrets.add(secret)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
        return _BEARER.sub(r"\1[redacted]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.redact(message)
        if record.exc_info and record.exc_info[1] is not None:
            # Tracebacks are formatted later; pre-format and clean them here.
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return True


class RotatingLog(logging.Handler):
    """A ``RotatingFileHandler`` opened at the first record it is given.

    Most runs log nothing while starting, and ``logging.handlers`` (with the socket,
    pickle and queue modules it needs) is a noticeable share of the window's start-up.
    A file that cannot be opened (a read-only home) drops the records: logs are a
    convenience and must not stop the program.
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self._file: RotatingFileHandler | None = None
        self._unwritable = False

    def emit(self, record: logging.LogRecord) -> None:
        if self._unwritable:
            return
        if self._file is None:
            from logging.handlers import RotatingFileHandler

            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file = RotatingFileHandler(
                    self.path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
                )
            except OSError:
                self._unwritable = True
                return
            self._file.setFormatter(self.formatter)
        self._file.emit(record)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        super().close()


def setup_logging(log_file: Path, *, verbose: bool = False) -> SecretRedactor:
    """Send warnings (all records when ``verbose``) to ``log_file``; returns the redactor."""
    redactor = SecretRedactor()
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for old in [h for h in root.handlers if getattr(h, "maestrale", False)]:
        # Set up again (tests build the app many times): replace, do not pile up.
        root.removeHandler(old)
        old.close()
    handler = RotatingLog(log_file)
    handler.maestrale = True  # type: ignore[attr-defined]
    handler.addFilter(redactor)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    # httpx logs every request at INFO; keep those for verbose runs only.
    logging.getLogger("httpx").setLevel(logging.DEBUG if verbose else logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.INFO if verbose else logging.WARNING)
    return redactor


def log_uncaught_errors() -> None:
    """Write errors nothing caught to the log too, then report them as before.

    PySide reports an exception raised in a slot or a Qt override through
    ``sys.excepthook`` and goes on: printed to a terminal only, it was lost for anyone
    who starts Maestrale from the desktop, and so was what went wrong. The hook in place
    (Python's, or a test runner's) still runs after, so nothing it does is lost.
    """
    previous = sys.excepthook
    if getattr(previous, "maestrale", False):
        return  # already logged by this hook (the app built again in the same process)

    def log_then_report(
        kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        if not issubclass(kind, KeyboardInterrupt):
            logging.getLogger("app.uncaught").error("Uncaught error", exc_info=(kind, error, trace))
        previous(kind, error, trace)

    log_then_report.maestrale = True  # type: ignore[attr-defined]
    sys.excepthook = log_then_report

"""Search as you type, off the GUI thread: one worker thread with its own connection.

A query over 200,000 messages can take from under a millisecond to about a second
(a one-letter prefix that matches nearly every message must rank them all), so it never
runs on the GUI thread. Only the newest request matters: a request that is waiting is
replaced by the next one, a running one that became stale is interrupted
(``sqlite3.Connection.interrupt``), and results of a stale request are dropped.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.store import MATCH_END, MATCH_START, StoreError, open_reader
from app.store.db import translate_error

log = logging.getLogger(__name__)

RESULT_LIMIT = 50
_MARKERS = re.compile(f"([{MATCH_START}{MATCH_END}])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Markdown's marks read as noise in a one-line snippet: emphasis, code ticks, display
# math fences, and table pipes (which become a separating dot). A heading's hashes are
# marks only where a line begins: the store leaves them out of message snippets (here
# the lines are gone, "C# records" split at its match would read as a heading), and
# only the snippet's own start can still be a line's.
_MARKUP = re.compile(r"\*\*|__|`+|\$\$")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
_PIPES = re.compile(r"\s*(?:\|\s*)+")  # a row's end and the next row's start: one


def _readable(text: str) -> str:
    return _PIPES.sub(" · ", _MARKUP.sub("", _CONTROL.sub("", text)))


def plain_snippet(snippet: str) -> str:
    """The snippet's text without match markers, control characters or markdown marks."""
    return _readable(_HEADING.sub("", snippet.replace(MATCH_START, "").replace(MATCH_END, "")))


def match_runs(snippet: str) -> list[tuple[str, bool]]:
    """The snippet as runs of text, each with whether it is a match (markers removed,
    control characters dropped, an unclosed match closed at the end)."""
    runs: list[tuple[str, bool]] = []
    bold = False
    for piece in _MARKERS.split(_HEADING.sub("", snippet)):
        if piece == MATCH_START:
            bold = True
        elif piece == MATCH_END:
            bold = False
        elif piece:
            runs.append((_readable(piece), bold))
    return [(text, bold) for text, bold in runs if text]


def snippet_html(snippet: str) -> str:
    """The snippet as rich text: everything escaped, each marked match in ``<b>``."""
    from html import escape  # with its entity tables: not worth loading at start-up

    parts: list[str] = []
    bold = False
    for piece in _MARKERS.split(_HEADING.sub("", snippet)):
        if piece == MATCH_START:
            if not bold:
                parts.append("<b>")
                bold = True
        elif piece == MATCH_END:
            if bold:
                parts.append("</b>")
                bold = False
        elif piece:
            parts.append(escape(_readable(piece), quote=False))
    if bold:
        parts.append("</b>")
    return "".join(parts)


class SearchWorker(QObject):
    """Runs ``app.store.search.search`` on a thread of its own, newest request only.

    Args:
        path: the history file (already opened, and so migrated, by the window's store).
        limit: results per query, unless a request asks for more.
        connect: opens the worker's read-only connection (tests may slow it down).

    Signals:
        results_ready(int, str, object): request number, query, ``list[SearchHit]``;
            only for the newest request.
        failed(int, str, str): request number, query, a message for the user.
    """

    results_ready = Signal(int, str, object)
    failed = Signal(int, str, str)

    def __init__(
        self,
        path: Path,
        *,
        limit: int = RESULT_LIMIT,
        connect: Callable[[Path], sqlite3.Connection] = open_reader,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._path = path
        self._limit = limit
        self._connect = connect
        self._lock = threading.Condition()
        self._pending: tuple[int, str, int] | None = None
        self._latest = 0
        self._running: int | None = None
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._connection: sqlite3.Connection | None = None
        self.last_duration_ms: float | None = None
        """How long the last finished query took (for diagnostics)."""

    def request(self, query: str, limit: int | None = None) -> int:
        """Search for ``query`` (at most ``limit`` hits, the worker's own by default);
        return the request's number. Earlier requests go stale."""
        with self._lock:
            if self._stopping:
                return self._latest
            self._latest += 1
            self._pending = (self._latest, query, limit or self._limit)
            self._interrupt_stale()
            self._lock.notify()
            number = self._latest
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="maestrale-search", daemon=True
                )
                self._thread.start()
        return number

    def cancel(self) -> None:
        """Make every request stale (the search field was cleared)."""
        with self._lock:
            self._latest += 1
            self._pending = None
            self._interrupt_stale()

    def is_current(self, number: int) -> bool:
        with self._lock:
            return number == self._latest

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop the thread (interrupting a running query) and close its connection."""
        with self._lock:
            self._stopping = True
            self._pending = None
            self._latest += 1
            self._interrupt_stale()
            self._lock.notify()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _interrupt_stale(self) -> None:
        # Called with the lock held. interrupt() only affects a statement that is
        # running now: a later query starts clean.
        if self._connection is not None and self._running not in (None, self._latest):
            self._connection.interrupt()

    def _run(self) -> None:
        while True:
            with self._lock:
                while self._pending is None and not self._stopping:
                    self._lock.wait()
                if self._stopping:
                    break
                assert self._pending is not None
                number, query, limit = self._pending
                self._pending = None
                self._running = number
            self._search(number, query, limit)
            with self._lock:
                self._running = None
        with self._lock:
            connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def _search(self, number: int, query: str, limit: int) -> None:
        # Loaded with the first search (or the warm-up after start), not at start-up.
        from app.store.search import search as search_history

        started = time.perf_counter()
        try:
            if self._connection is None:
                connection = self._connect(self._path)
                with self._lock:
                    self._connection = connection
            hits = search_history(self._connection, query, limit=limit)
        except sqlite3.OperationalError as error:
            if "interrupt" in str(error).lower():
                return  # stale: a newer request is waiting
            self._report_failure(number, query, translate_error(error, self._path))
            return
        except (sqlite3.Error, StoreError) as error:
            self._report_failure(number, query, error)
            return
        self.last_duration_ms = (time.perf_counter() - started) * 1000
        if self.is_current(number):
            self._emit(lambda: self.results_ready.emit(number, query, hits))

    def _report_failure(self, number: int, query: str, error: Exception) -> None:
        log.warning("Search for %r failed: %s", query, error)
        message = f"Search failed: {error}." if isinstance(error, sqlite3.Error) else str(error)
        if self.is_current(number):
            self._emit(lambda: self.failed.emit(number, query, message))

    @staticmethod
    def _emit(emit: Callable[[], object]) -> None:
        try:
            emit()  # queued to the GUI thread: this object lives there
        except RuntimeError:  # the QObject was deleted while the query ran
            log.debug("Search results arrived after the sidebar was closed")

"""A line on the terminal that says how a long command is getting on, rewritten in place.

Only where a person watches: on a pipe or a file (a script, a log) it writes nothing,
so what such readers get stays as it was.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

# Seconds between two rewrites of the line: more often only flickers.
INTERVAL = 0.25


class StatusLine:
    """One line on ``stream``, when it is a terminal: each ``show`` replaces it (a new
    ``step`` at once, the same step's news at most every ``INTERVAL`` seconds), and
    leaving the ``with`` block erases it, whatever ended it, so that what is printed
    next starts on a clean line."""

    def __init__(self, stream: TextIO, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._stream = stream
        self._clock = clock
        try:
            self._live = stream.isatty()
        except ValueError:  # closed
            self._live = False
        self._width = 0  # of the line shown, to be covered by the next
        self._step: object = None
        self._shown_at = 0.0

    def show(self, text: str, *, step: object = None) -> None:
        if not self._live:
            return
        now = self._clock()
        if step == self._step and now - self._shown_at < INTERVAL:
            return
        self._step = step
        self._shown_at = now
        # Longer than the terminal, it would wrap, and "\r" go back to its second half.
        text = text[: max(1, self._columns() - 1)]
        self._write("\r" + text.ljust(self._width))
        self._width = len(text)

    def _columns(self) -> int:
        try:  # the stream's own terminal: stdout may be a file meanwhile
            return os.get_terminal_size(self._stream.fileno()).columns or 80
        except (OSError, ValueError):
            return 80

    def clear(self) -> None:
        if self._width:
            self._write("\r" + " " * self._width + "\r")
            self._width = 0
            self._step = None

    def _write(self, text: str) -> None:
        self._stream.write(text)
        self._stream.flush()

    def __enter__(self) -> StatusLine:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.clear()

"""Python's garbage collection, run on the window's thread only.

Left automatic, a collection runs in whichever thread happens to allocate when a
threshold is crossed: the MCP servers' thread, the keychain's, the renderer's warm-up.
A cycle holding a Qt object collected there destroys that object off the GUI thread,
which Qt forbids ("Timers cannot be stopped from another thread", or a crash). So the
automatic collector is off, and a timer on the GUI thread collects as it would have:
the same thresholds, a generation at a time, at most a second late.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 100  # a collection at most this late: small ones, no stall


class GuiThreadCollector(QObject):
    """Collects garbage on the thread it lives on (the GUI's); see the module's text."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start()

    def collect_due(self) -> int:
        return collect_due()

    def stop(self) -> None:
        """Give collection back to Python as it was (the window is gone)."""
        self._timer.stop()
        if self._was_enabled:
            gc.enable()


def collect_due() -> int:
    """Collect the generations whose counts passed their thresholds, as Python would,
    on the calling thread; returns how many objects were found unreachable."""
    first, second, third = gc.get_threshold()
    young, middle, old = gc.get_count()
    if young <= first:
        return 0
    if middle + 1 <= second:
        return gc.collect(0)
    if old + 1 <= third:
        return gc.collect(1)
    return gc.collect(2)

"""Started by bench_startup: opens a window, prints when it is first painted, exits.

Usage: python -m tests.benchmarks.startup_child bare|app
Prints one line: ``PAINTED <time.monotonic()> <peak RSS in KiB>``.
"""

from __future__ import annotations

import os
import resource
import sys
import time


def _report_and_exit() -> None:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sys.stdout.write(f"PAINTED {time.monotonic():.6f} {peak}\n")
    sys.stdout.flush()
    os._exit(0)


def main() -> None:
    mode = sys.argv[1]
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow):
                _report_and_exit()
            return False

    watcher = FirstPaint()
    app.installEventFilter(watcher)
    if mode == "bare":
        window = QMainWindow()
        window.setWindowTitle("Bare")
        window.resize(1180, 780)
        window.show()
        app.exec()
    else:
        from app.cli import main as maestrale

        maestrale([])  # as the `maestrale` command opens the window


if __name__ == "__main__":
    main()

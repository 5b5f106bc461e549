"""Started by bench_startup: opens a window, prints when it is first painted, exits.

Usage: python -m tests.benchmarks.startup_child bare|bare-qt|shape|app

Each window is started as its program starts it: the bare ones make their application
object here, Maestrale makes its own (with its style as an argument, as the
``maestrale`` command does; made here first, its style was set again from Python, which
the command never does, and cost ~11 ms of enums).
Prints one line: ``PAINTED <time.monotonic()> <peak RSS in KiB> <time.monotonic()>``: the
first paint, and when the whole window was first painted. Maestrale's window paints its
frame first (app.ui.start_frame), then its parts (the conversation list, the model
picker, ...) once imported and built: the whole window is the first paint after
``MainWindow.install``. The other windows are whole at their first paint.

``shape`` is a reference, not a target: a plain Qt window shaped like Maestrale's (the
sidebar's list with the history's 200 newest titles, a header with a combo box, a
scroll area, a composer, the same style sheet) and no app code at all, to show how
much of the start-up any window of that shape costs. ``bare-qt`` is the bare window
that also uses the ``Qt`` namespace, as any real window does (an alignment, a role):
PySide creates its ~100 Python enums on that first use.
"""

from __future__ import annotations

import os
import resource
import sys
import time

_first_paint: list[float] = []


def _report_and_exit() -> None:
    whole = time.monotonic()
    first = _first_paint[0] if _first_paint else whole
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sys.stdout.write(f"PAINTED {first:.6f} {peak} {whole:.6f}\n")
    sys.stdout.flush()
    os._exit(0)


def _shaped_window(app: object) -> object:
    import sqlite3
    from pathlib import Path

    from PySide6.QtCore import Qt
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import (
        QComboBox,
        QHBoxLayout,
        QLabel,
        QLineEdit,
        QListView,
        QMainWindow,
        QPlainTextEdit,
        QPushButton,
        QScrollArea,
        QSplitter,
        QToolButton,
        QVBoxLayout,
        QWidget,
    )

    # Maestrale's style sheet, written by bench_startup: its text only, no app code.
    app.setStyleSheet(Path(os.environ["SHAPE_STYLE_SHEET"]).read_text())  # type: ignore[attr-defined]
    history = Path(os.environ["MAESTRALE_DATA_DIR"]) / "history.sqlite3"
    with sqlite3.connect(history) as db:
        titles = db.execute(
            "SELECT title FROM conversations ORDER BY updated_at DESC LIMIT 200"
        ).fetchall()
    window = QMainWindow()
    window.resize(1180, 780)
    left = QWidget()
    column = QVBoxLayout(left)
    column.addWidget(QPushButton("New chat"))
    column.addWidget(QLineEdit())
    model = QStandardItemModel(window)
    for (title,) in titles:
        model.appendRow(QStandardItem(title))
    listing = QListView()
    listing.setModel(model)
    listing.setUniformItemSizes(True)
    column.addWidget(listing)
    right = QWidget()
    page = QVBoxLayout(right)
    header = QHBoxLayout()
    header.addWidget(QLabel("New chat"), 1)
    picker = QComboBox()
    picker.addItems(["mistral-large-2411"])
    header.addWidget(picker)
    header.addWidget(QToolButton())
    page.addLayout(header)
    transcript = QScrollArea()
    transcript.setWidget(QWidget())
    transcript.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    page.addWidget(transcript, 1)
    composer = QHBoxLayout()
    composer.addWidget(QPlainTextEdit(), 1)
    composer.addWidget(QPushButton("Send"))
    page.addLayout(composer)
    split = QSplitter()
    split.addWidget(left)
    split.addWidget(right)
    window.setCentralWidget(split)
    return window


def main() -> None:
    mode = sys.argv[1]
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QMainWindow

    # Each window makes its own application object, as its program does: Maestrale's
    # with its arguments (its style among them, see app.window_start.qt_application).
    app = None if mode == "app" else QApplication(sys.argv[:1])

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow):
                if getattr(watched, "installed", True):
                    _report_and_exit()
                elif not _first_paint:
                    _first_paint.append(time.monotonic())  # Maestrale's frame
            return False

    # The watcher sees the main window's events only. A filter on the whole application
    # would weigh on what it measures: every event of every widget would call into
    # Python and wrap the widget (for a combo box's hidden popup, PySide then creates
    # the enums of every class of QtWidgets and QtCore, ~20 ms), a cost the bare window,
    # with its few widgets, would hardly pay.
    watcher = FirstPaint()
    show = QMainWindow.show

    def watched_show(window: QMainWindow) -> None:
        window.installEventFilter(watcher)
        show(window)

    QMainWindow.show = watched_show  # type: ignore[method-assign]
    if mode in ("bare", "bare-qt"):
        assert app is not None
        if mode == "bare-qt":
            from PySide6.QtCore import Qt

            app.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        window = QMainWindow()
        window.setWindowTitle("Bare")
        window.resize(1180, 780)
        window.show()
        app.exec()
    elif mode == "shape":
        assert app is not None
        window = _shaped_window(app)
        window.show()
        app.exec()
    else:
        from app.cli import main as maestrale

        maestrale([])  # as the `maestrale` command opens the window


if __name__ == "__main__":
    main()

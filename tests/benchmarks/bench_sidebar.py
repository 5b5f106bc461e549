"""Sidebar timings on a large history (a script, not a test).

    QT_QPA_PLATFORM=offscreen python -m tests.benchmarks.bench_sidebar --path FILE

FILE is a history such as ``tests.benchmarks.bench_search`` builds (10,000
conversations, 200,000 messages). Prints start-up time, the cost of reading every
page and of moving one row, and search latency as seen by a person typing: from the
last keystroke to the results on screen, through the debounce and the worker thread,
with the GUI thread's longest stall meanwhile.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtWidgets import QApplication

from app.domain.messages import Role
from app.store import ConversationStore
from app.ui.sidebar import Sidebar
from tests.benchmarks.bench_search import TYPED


def _wait(application: QApplication, condition: object, timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition() and time.perf_counter() < deadline:  # type: ignore[operator]
        application.processEvents()
        time.sleep(0.0005)


def _stall_probe(application: QApplication) -> tuple[QTimer, list[float]]:
    """A 5 ms timer that records how late it fires: the GUI thread's stalls."""
    stalls: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    timer = QTimer()
    timer.setInterval(5)

    def tick() -> None:
        stalls.append(max(0.0, clock.restart() - 5))

    timer.timeout.connect(tick)
    timer.start()
    return timer, stalls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--path", type=Path, required=True)
    parser.add_argument("--keystroke-ms", type=int, default=120)
    args = parser.parse_args()
    application = QApplication.instance() or QApplication([])
    assert isinstance(application, QApplication)
    store = ConversationStore.open(args.path)

    started = time.perf_counter()
    sidebar = Sidebar(store)
    sidebar.resize(300, 900)
    sidebar.show()
    application.processEvents()
    print(
        f"start-up (model, widgets, first layout): {(time.perf_counter() - started) * 1000:.1f} ms"
    )
    print(f"  conversations loaded at start: {sidebar.model.loaded_count()}")

    started = time.perf_counter()
    pages = 0
    while sidebar.model.canFetchMore():
        sidebar.model.fetchMore()
        pages += 1
    elapsed = (time.perf_counter() - started) * 1000
    print(f"read all {sidebar.model.loaded_count()} in {pages} pages: {elapsed:.0f} ms")

    oldest = sidebar.model.conversation_at(sidebar.model.rowCount() - 1)
    assert oldest is not None
    store.add_message(oldest.id, role=Role.USER, content="bump", parent_id=None)
    started = time.perf_counter()
    sidebar.conversation_changed(oldest.id)
    moved = (time.perf_counter() - started) * 1000
    print(f"move the oldest of 10k rows to Today: {moved:.1f} ms")

    timer, stalls = _stall_probe(application)
    latencies: list[float] = []
    per_keystroke: list[float] = []
    for text in TYPED:
        sidebar.clear_search()
        for end in range(1, len(text) + 1):
            typed = time.perf_counter()
            sidebar.search_field.setText(text[:end])
            per_keystroke.append((time.perf_counter() - typed) * 1000)
            if end < len(text):
                _wait(application, lambda: False, args.keystroke_ms / 1000)
        _wait(application, lambda text=text: sidebar.results_model.query == text)
        latencies.append((time.perf_counter() - typed) * 1000)
    timer.stop()
    print(
        f"search, last keystroke to results ({len(latencies)} queries typed at "
        f"{args.keystroke_ms} ms a key): p50={statistics.median(latencies):.0f} ms"
        f"  max={max(latencies):.0f} ms"
    )
    print(f"  GUI time per keystroke: max {max(per_keystroke):.2f} ms")
    print(f"  longest GUI thread stall while typing: {max(stalls):.1f} ms")
    sidebar.shutdown()
    store.close()


if __name__ == "__main__":
    main()

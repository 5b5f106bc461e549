"""What another program's write costs the window's GUI thread (a script, not a test).

    QT_QPA_PLATFORM=offscreen python -m tests.benchmarks.bench_outside_change --path FILE

FILE (a history such as ``tests.benchmarks.bench_search`` builds) is copied into a
temporary directory first: the original is never written. Every page of the sidebar
is read (the list scrolled to its oldest month), then a second connection writes as
`maestrale ask "ping"` does, and the sidebar catches up as the window does when it
notices: ``Sidebar.catch_up_in_background`` (what the window does: the comparison on a
worker thread), timed as the longest stretch the GUI thread was held (the request, then
each pass of the event loop until the row is there); ``Sidebar.reload`` (the same
comparison on the GUI thread) and a full read again (``ConversationListModel.reload``)
are timed beside it.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from app.domain.messages import Role
from app.store import ConversationStore
from app.ui.sidebar import Sidebar
from tests.benchmarks.harness import summary


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--rounds", type=int, default=10, help="outside writes timed")
    options.add_argument("--path", type=Path, required=True, help="the history to copy")
    args = options.parse_args()
    application = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "history.sqlite3"
        shutil.copyfile(args.path, path)
        store = ConversationStore.open(path)
        other = ConversationStore.open(path)  # as `maestrale ask`: its own connection
        sidebar = Sidebar(store)
        sidebar.resize(300, 900)
        sidebar.show()
        while sidebar.model.canFetchMore():
            sidebar.model.fetchMore()
        application.processEvents()
        print(f"conversations loaded: {sidebar.model.loaded_count()}")
        background: list[float] = []
        caught_up: list[float] = []
        full: list[float] = []
        for number in range(args.rounds):
            asked = other.create_conversation(title=f"back {number}", model="m", kind="quick")
            other.add_message(asked.id, role=Role.USER, content="ping", parent_id=None)
            started = time.perf_counter()
            sidebar.catch_up_in_background()
            held = [_ms(started)]
            while not sidebar.model.index_of(asked.id).isValid():
                time.sleep(0.001)  # the worker reads meanwhile: the GUI thread is free
                started = time.perf_counter()
                application.processEvents()
                held.append(_ms(started))
            background.append(max(held))
            asked = other.create_conversation(title=f"ping {number}", model="m", kind="quick")
            other.add_message(asked.id, role=Role.USER, content="ping", parent_id=None)
            started = time.perf_counter()
            sidebar.reload()
            application.processEvents()
            caught_up.append(_ms(started))
            assert sidebar.model.index_of(asked.id).isValid()
            started = time.perf_counter()
            sidebar.model.reload()
            application.processEvents()
            full.append(_ms(started))
        print(
            "one outside write, caught up in the background, longest GUI-thread stretch, ms:"
            f" {summary(background)}"
        )
        print(f"one outside write, compared on the GUI thread (reload), ms: {summary(caught_up)}")
        print(f"everything read again (model.reload, as before), ms: {summary(full)}")
        sidebar.shutdown()
        other.close()
        store.close()


if __name__ == "__main__":
    main()

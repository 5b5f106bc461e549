"""What the benchmark scripts share: a fake server in its own process, the real window
built as main.py builds it, an event-loop lag sampler, and percentiles."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def summary(values: list[float]) -> str:
    return (
        f"n={len(values)} median={statistics.median(values):.2f} "
        f"p95={percentile(values, 0.95):.2f} p99={percentile(values, 0.99):.2f} "
        f"max={max(values):.2f}"
    )


@contextmanager
def fake_server_process(dialect: str = "mistral") -> Iterator[str]:
    """The fake API in a separate process, so it does not share the GIL with the UI."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_mistral", "--dialect", dialect],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if not line.startswith("PORT "):
        process.kill()
        raise RuntimeError(f"fake server did not start: {line!r}")
    try:
        yield f"http://127.0.0.1:{line.split()[1]}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def enqueue(base_url: str, *replies: dict[str, Any]) -> None:
    request = urllib.request.Request(
        base_url + "/_fake/replies",
        data=json.dumps(list(replies)).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def token_chunks(count: int) -> list[str]:
    """Realistic answer pieces: prose with lists and code, one token-sized piece each."""
    words = [
        "The",
        "write-ahead",
        "log",
        "lets",
        "readers",
        "continue",
        "while",
        "a",
        "writer",
        "appends",
        "pages",
        ";",
        "checkpoints",
        "copy",
        "them",
        "back",
        "into",
        "the",
        "database",
        "file",
        "when",
        "the",
        "log",
        "grows",
        ".",
    ]
    pieces: list[str] = []
    line = 0
    while len(pieces) < count:
        line += 1
        if line % 40 == 0:
            block = [
                "\n\n```python\n",
                "def ",
                "checkpoint",
                "(",
                "db",
                "):\n",
                "    return ",
                "db",
                ".",
                "execute",
                "(",
                '"PRAGMA wal_checkpoint"',
                ")\n",
                "```\n\n",
            ]
            pieces.extend(block)
        elif line % 15 == 0:
            pieces.extend(["\n\n- ", "first", " point", "\n- ", "second", " point", "\n\n"])
        else:
            pieces.extend(" " + word for word in words[:12])
            pieces.append(".\n\n" if line % 3 == 0 else ".")
    return pieces[:count]


class LagSampler:
    """A 5 ms precise timer; how late each tick fires is the event loop's lag."""

    def __init__(self, interval_ms: int = 5) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.interval = interval_ms / 1000
        self.lags_ms: list[float] = []
        self._last = 0.0
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.lags_ms.clear()
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.lags_ms.append(max(0.0, (now - self._last - self.interval) * 1000))
        self._last = now


def build_app(base_url: str, data_dir: Path) -> Any:
    """The real window, wired by main.py's Application, offscreen unless DISPLAY is used."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtWidgets import QApplication

    from app.config import load_config
    from app.main import Application
    from app.store.conversations import ConversationStore

    qapp = QApplication.instance() or QApplication([])
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    environ = {
        "MAESTRALE_BASE_URL": base_url,
        "MAESTRALE_DATA_DIR": str(data_dir),
        "MISTRAL_API_KEY": "test-key",
    }
    config = load_config(environ)
    application = Application(qapp, config, environ)
    store = ConversationStore.open(config.paths.database)
    window = application.build(store)
    window.resize(1200, 850)
    window.show()
    application.start_background()  # as window_start.run_window does: model list, warm-up
    loop.run_until_complete(asyncio.sleep(1.5))
    import gc

    gc.freeze()  # as window_start.run_window does
    if os.environ.get("BENCH_AUTOMATIC_GC") != "1":  # to compare with Python's own
        from app.collector import GuiThreadCollector

        application.collector = GuiThreadCollector(qapp)  # as window_start.run_window does
    return application, window, loop


def close_app(application: Any, loop: Any) -> None:
    """Shut down as window_start.run_window does, closing the loop: its worker threads (qasync's
    default executor) must end before the process does, or Qt aborts it at exit."""
    loop.run_until_complete(application.shutdown())
    loop.close()


def add_long_answer(store: Any, tokens: int) -> Any:
    """A new conversation of a question and an answer of ``tokens`` tokens of realistic
    markdown (see token_chunks); the answer."""
    from app.domain.messages import Role

    conversation = store.create_conversation(title="Long", model="mistral-large-2411")
    question = store.add_message(conversation.id, role=Role.USER, content="Explain", parent_id=None)
    return store.add_message(
        conversation.id,
        role=Role.ASSISTANT,
        content="".join(token_chunks(tokens)),
        parent_id=question.id,
        model="mistral-large-2411",
    )


class PaintedThenRendered:
    """Times of a change to the window: until it is painted, then until the transcript
    rendered the rest (on the following frames), with the event loop's lag meanwhile."""

    def __init__(self, window: Any, loop: Any) -> None:
        self._window = window
        self._loop = loop
        self.painted: list[float] = []
        self.rest: list[float] = []
        self.lags: list[float] = []

    def measure(self, change: Any) -> None:
        from PySide6.QtCore import QEvent
        from PySide6.QtWidgets import QApplication

        transcript = self._window.pane.transcript

        async def rest_rendered() -> None:
            while transcript.rendering or transcript.filling_gaps:
                await asyncio.sleep(0.005)

        sampler = LagSampler()
        started = time.perf_counter()
        change()
        QApplication.sendPostedEvents(self._window, QEvent.Type.UpdateRequest)
        shown = time.perf_counter()
        self.painted.append(shown - started)
        sampler.start()
        self._loop.run_until_complete(rest_rendered())
        self.rest.append(time.perf_counter() - shown)
        sampler.stop()
        self.lags.extend(sampler.lags_ms)

    def report(self) -> str:
        return (
            f"painted after {statistics.median(self.painted) * 1000:.0f} ms (worst "
            f"{max(self.painted) * 1000:.0f}), the rest rendered "
            f"{statistics.median(self.rest) * 1000:.0f} ms later; lag meanwhile: "
            + (summary(self.lags) if self.lags else "none (rendered whole)")
        )

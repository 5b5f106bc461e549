"""Benchmark 4 of the window: start-up and memory with a large history.

With 10,000 conversations and 200,000 messages: time from the command to the painted
window, and peak memory, against a bare PySide6 QMainWindow started the same way
(targets: time <= 1.5x, memory <= 2x). Search figures: bench_search.

Maestrale's window paints its frame first (app.ui.start_frame: the sidebar's buttons,
the header, the welcome line and the message field, as they will stand), its parts once
imported and built: both times are printed, the first paint against the target.

Run: python -m tests.benchmarks.bench_startup [--history FILE] [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.harness import REPO


def start(mode: str, env: dict[str, str]) -> tuple[float, int, float]:
    """Seconds from launch to the first paint, peak memory in KiB, and seconds from
    launch to the first paint of the whole window (see startup_child)."""
    launched = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.startup_child", mode],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    line = next((x for x in result.stdout.splitlines() if x.startswith("PAINTED")), None)
    if line is None:
        raise RuntimeError(f"{mode} did not paint: {result.stderr[-2000:]}")
    _, painted, peak, whole = line.split()
    return float(painted) - launched, int(peak), float(whole) - launched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", type=Path, help="a history.sqlite3 of 10k/200k to reuse")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        data.mkdir()
        history = args.history
        if history is None:
            from app.store.conversations import ConversationStore
            from tests.unit.store.synthetic import fill

            history = Path(folder) / "built.sqlite3"
            print("building a history of 10,000 conversations / 200,000 messages…", flush=True)
            with ConversationStore.open(history) as store:
                fill(store, 10_000, messages_per_conversation=20, realistic=True)
        shutil.copy(history, data / "history.sqlite3")
        # As installed by pip: the modules' bytecode is cached, never compiled at start.
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "app")], check=True)
        platform = os.environ.get("QT_QPA_PLATFORM", "offscreen")
        if platform == "offscreen":
            # A screen of a usual size: the offscreen platform's own is 800 x 800, and
            # Maestrale keeps its window within the screen while the bare window is
            # 1180 x 780 regardless. Both paint a window of the same size so.
            screen = Path(folder) / "screen.json"
            screen.write_text(
                '{"screens": [{"name": "bench", "x": 0, "y": 0, "width": 1920, "height": 1080}]}'
            )
            platform = f"offscreen:configfile={screen}"
        env = {
            **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
            "QT_QPA_PLATFORM": platform,
            "HOME": folder,
            "XDG_CONFIG_HOME": f"{folder}/config",
            "XDG_STATE_HOME": f"{folder}/state",
            "XDG_CACHE_HOME": f"{folder}/cache",
            "MAESTRALE_DATA_DIR": str(data),
            "MAESTRALE_BASE_URL": "http://127.0.0.1:9",  # nothing listens: no network
            "MISTRAL_API_KEY": "benchmark-key",
        }
        style = Path(folder) / "style.qss"
        from app.ui.stylesheet import build_stylesheet
        from app.ui.theme import colors_for

        style.write_text(build_stylesheet(colors_for(False), 10.0, Path(folder) / "theme"))
        env["SHAPE_STYLE_SHEET"] = str(style)
        start("app", env)  # first run: caches, migrations
        start("bare", env)
        bare: list[tuple[float, int, float]] = []
        app: list[tuple[float, int, float]] = []
        shape: list[tuple[float, int, float]] = []
        bare_qt: list[tuple[float, int, float]] = []
        for _ in range(args.repeat):  # interleaved: a busy moment weighs on all alike
            bare.append(start("bare", env))
            bare_qt.append(start("bare-qt", env))
            shape.append(start("shape", env))
            app.append(start("app", env))
    bare_s = statistics.median(t for t, _, _ in bare)
    app_s = statistics.median(t for t, _, _ in app)
    app_whole_s = statistics.median(w for _, _, w in app)
    shape_s = statistics.median(t for t, _, _ in shape)
    bare_qt_s = statistics.median(t for t, _, _ in bare_qt)
    bare_kib = statistics.median(m for _, m, _ in bare)
    app_kib = statistics.median(m for _, m, _ in app)
    print(
        f"4. start-up to the painted window, median of {args.repeat} "
        f"({os.environ.get('QT_QPA_PLATFORM', 'offscreen')} platform)"
    )
    print(f"   bare PySide6 QMainWindow: {bare_s * 1000:.0f} ms, peak {bare_kib / 1024:.0f} MiB")
    print(
        f"   Maestrale, 10k/200k history: {app_s * 1000:.0f} ms (its frame), "
        f"peak {app_kib / 1024:.0f} MiB"
    )
    print(
        f"   ratios: time {app_s / bare_s:.2f}x (target <= 1.5x), "
        f"memory {app_kib / bare_kib:.2f}x (target <= 2x)"
    )
    print(
        f"   Maestrale's whole window (its list, picker and every part in, ready for "
        f"input): {app_whole_s * 1000:.0f} ms, {app_whole_s / bare_s:.2f}x (not a target)"
    )
    print(
        f"   for reference, the bare window using the Qt namespace (its enums): "
        f"{bare_qt_s * 1000:.0f} ms, {bare_qt_s / bare_s:.2f}x"
    )
    print(
        f"   and a plain Qt window of the same shape and style sheet with no "
        f"app code: {shape_s * 1000:.0f} ms, {shape_s / bare_s:.2f}x"
    )


if __name__ == "__main__":
    main()

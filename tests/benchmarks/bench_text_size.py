"""Benchmark of the window: choosing another text size with a long conversation open.

The conversation of bench_open (300 messages, about 128,000 tokens), every message
rendered (as after reading it for a while); then each text size is applied as the
Appearance page applies it: the time the window is busy until it has painted, and how
many messages were rendered again by then (the rest follow on idle time).

Run: python -m tests.benchmarks.bench_text_size [--middle]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from tests.benchmarks.bench_open import _idle, build_conversation
from tests.benchmarks.harness import build_app, close_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--tokens", type=int, default=128_000)
    parser.add_argument("--middle", action="store_true", help="read from the middle, not the end")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        application, window, loop = build_app("http://127.0.0.1:9", Path(folder))
        from PySide6.QtCore import QEvent
        from PySide6.QtWidgets import QApplication

        conversation_id, _ = build_conversation(application.store, args.tokens, args.messages)
        pane = window.pane
        transcript = pane.transcript
        pane.open_conversation(conversation_id)
        while transcript.rendered_count() < len(transcript.message_ids):
            loop.run_until_complete(_idle(0.5))
        if args.middle:
            bar = transcript.verticalScrollBar()
            bar.setValue(bar.maximum() // 2)
            loop.run_until_complete(_idle(0.5))
        print(f"text size, conversation of {args.messages} messages, all rendered")
        for size in (16, 10, 20, 0):
            settings = application.config.settings.with_values(font_size=size)
            started = time.perf_counter()
            application.apply_settings(settings)
            applied = time.perf_counter()
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            window.repaint()
            painted = time.perf_counter()
            print(
                f"   {size or 'system'} pt: {1000 * (painted - started):.0f} ms until painted "
                f"(applying {1000 * (applied - started):.0f} ms); "
                f"{transcript.rendered_count()} messages rendered by then"
            )
            while transcript.rendered_count() < len(transcript.message_ids):
                loop.run_until_complete(_idle(0.5))
        close_app(application, loop)


if __name__ == "__main__":
    main()

"""Benchmark of the window: a pasted blob, 200,000 characters without a space.

Prints how long the message field takes the paste and each key typed after it, and the
event loop's worst stall while a conversation holding such a question (and an answer
echoing it, both above the last screen) opens and renders, then after a text size step.

Run: python -m tests.benchmarks.bench_long_line [--chars 200000] [--short-answer]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from tests.benchmarks.bench_open import _idle
from tests.benchmarks.harness import LagSampler, build_app, close_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=200_000)
    parser.add_argument(
        "--short-answer",
        action="store_true",
        help="answer the question in a few words instead of echoing it: the question's own cost",
    )
    args = parser.parse_args()
    blob = ("QUJDREVGR0hJSktMTU5PUA" * (args.chars // 22 + 1))[: args.chars]
    with tempfile.TemporaryDirectory() as folder:
        application, window, loop = build_app("http://127.0.0.1:9", Path(folder))
        from PySide6.QtCore import QMimeData
        from PySide6.QtWidgets import QApplication

        from app.domain.messages import Role

        field = window.pane.composer.edit
        source = QMimeData()
        source.setText(blob)
        started = time.perf_counter()
        field.insertFromMimeData(source)
        QApplication.processEvents()
        pasted = time.perf_counter() - started
        typed = []
        for _ in range(5):
            started = time.perf_counter()
            field.insertPlainText("x")
            QApplication.processEvents()
            typed.append(time.perf_counter() - started)
        field.clear()
        print(f"long line of {args.chars:,} characters without a space")
        print(f"   message field: paste {pasted * 1000:.0f} ms, ", end="")
        print(f"each key typed after it {statistics.median(typed) * 1000:.0f} ms (median of 5)")

        store = application.store
        conversation = store.create_conversation(title="Blob", model="mistral-large-2411")
        question = store.add_message(conversation.id, role=Role.USER, content=blob, parent_id=None)
        parent = store.add_message(
            conversation.id,
            role=Role.ASSISTANT,
            content="Noted." if args.short_answer else f"You sent:\n\n{blob}",
            parent_id=question.id,
            model="mistral-large-2411",
        ).id
        for index in range(12):  # enough after it to fill the last screen
            asked = store.add_message(
                conversation.id, role=Role.USER, content=f"Question {index}?", parent_id=parent
            )
            parent = store.add_message(
                conversation.id,
                role=Role.ASSISTANT,
                content="An answer of a few lines. " * 60,
                parent_id=asked.id,
                model="mistral-large-2411",
            ).id
        transcript = window.pane.transcript
        sampler = LagSampler()
        sampler.start()
        window.pane.open_conversation(conversation.id)
        while transcript.rendered_count() < len(transcript.message_ids):
            loop.run_until_complete(_idle(0.2))
        loop.run_until_complete(_idle(0.3))
        sampler.stop()
        print(f"   opening it, every message rendered: worst stall {max(sampler.lags_ms):.0f} ms")
        sampler.start()
        application.zoom_text(1)
        loop.run_until_complete(_idle(0.3))
        while transcript.rendered_count() < len(transcript.message_ids):
            loop.run_until_complete(_idle(0.2))
        loop.run_until_complete(_idle(0.3))
        sampler.stop()
        print(f"   a text size step, then all rendered: worst stall {max(sampler.lags_ms):.0f} ms")
        application.zoom_text(0)
        close_app(application, loop)


if __name__ == "__main__":
    main()

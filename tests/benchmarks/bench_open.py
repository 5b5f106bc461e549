"""Benchmark 3 of the window: opening a long conversation.

A conversation of 300 messages, about 128,000 tokens of markdown (prose, lists, code,
tables): time from the click until its last screen is painted, against the time Qt's
own QTextDocument.setMarkdown takes on the same text (target: at most half).

Run: python -m tests.benchmarks.bench_open [--cpu N]

With ``--cpu N`` the process (both sides of the comparison) runs on CPU N alone. On a
small VM the scheduler moves the process between CPUs while it sleeps between runs, and
an opening that then starts on cold caches takes half as long again as one on warm
caches: the median then depends on how many runs were moved.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from app.store.conversations import ConversationStore
from tests.benchmarks.harness import build_app, close_app

TOKENS_PER_WORD = 1.3


def answer_text(index: int, words: int) -> str:
    """A realistic answer of about ``words`` words."""
    parts = [f"## Part {index}\n"]
    sentence = (
        "The write-ahead log lets readers continue while a writer appends new pages, "
        "and checkpoints copy them back when the log grows past its limit."
    )
    written = 0
    block = 0
    while written < words:
        block += 1
        if block % 6 == 0:
            parts.append(
                "```python\nimport sqlite3\n\n"
                "connection = sqlite3.connect('history.sqlite3')\n"
                "connection.execute('PRAGMA journal_mode=WAL')\n"
                "print(connection.total_changes)\n```"
            )
            written += 20
        elif block % 9 == 0:
            parts.append(
                "| Mode | Readers | Writers |\n|---|---|---|\n| WAL | yes | one |\n"
                "| DELETE | blocked | one |"
            )
            written += 15
        elif block % 4 == 0:
            parts.append("- first point about `synchronous=NORMAL`\n- second point\n- third point")
            written += 15
        else:
            parts.append(" ".join([sentence] * 3))
            written += 3 * len(sentence.split())
    return "\n\n".join(parts)


def build_conversation(
    store: ConversationStore, total_tokens: int, messages: int
) -> tuple[str, str]:
    from app.domain.messages import Role

    words_per_answer = int(total_tokens / TOKENS_PER_WORD / (messages // 2))
    conversation = store.create_conversation(title="Long conversation", model="mistral-large-2411")
    parent = None
    texts = []
    for index in range(messages // 2):
        question = f"Question {index}: how does the write-ahead log behave in case {index}?"
        asked = store.add_message(
            conversation.id, role=Role.USER, content=question, parent_id=parent
        )  # type: ignore[attr-defined]
        answer = answer_text(index, words_per_answer)
        answered = store.add_message(
            conversation.id,
            role=Role.ASSISTANT,
            content=answer,
            parent_id=asked.id,
            model="mistral-large-2411",
        )  # type: ignore[attr-defined]
        parent = answered.id
        texts.extend([question, answer])
    return conversation.id, "\n\n".join(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--tokens", type=int, default=128_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--cpu", type=int, default=None, help="run on this CPU alone")
    args = parser.parse_args()
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    with tempfile.TemporaryDirectory() as folder:
        application, window, loop = build_app("http://127.0.0.1:9", Path(folder))
        from PySide6.QtCore import QEvent
        from PySide6.QtGui import QTextDocument
        from PySide6.QtWidgets import QApplication

        conversation_id, markdown = build_conversation(
            application.store, args.tokens, args.messages
        )
        words = len(markdown.split())
        pane = window.pane

        baseline: list[float] = []
        ours: list[float] = []
        rendered: list[int] = []
        # Interleaved: a busy moment of the machine weighs on both sides alike.
        for _ in range(args.repeat):
            document = QTextDocument()
            started = time.perf_counter()
            document.setMarkdown(markdown)
            baseline.append(time.perf_counter() - started)
            del document

            pane.new_chat()
            loop.run_until_complete(_idle(0.5))  # the closed conversation's widgets go
            started = time.perf_counter()
            pane.open_conversation(conversation_id)
            # Paint what the opening made dirty (the transcript, the title), now.
            QApplication.sendPostedEvents(window, QEvent.Type.UpdateRequest)
            ours.append(time.perf_counter() - started)
            rendered.append(pane.transcript.rendered_count())
            # Let the rest render on idle time, as it would while the user reads.
            loop.run_until_complete(_idle(3.0))
        total = len(pane.transcript.message_ids)
        base, mine = statistics.median(baseline), statistics.median(ours)
        print(
            f"3. conversation of {args.messages} messages, {len(markdown):,} characters, "
            f"~{int(words * TOKENS_PER_WORD):,} tokens"
            + (f" (on CPU {args.cpu} alone)" if args.cpu is not None else "")
        )
        print(
            f"   QTextDocument.setMarkdown on the same text: {base * 1000:.0f} ms (runs: "
            + ", ".join(f"{b * 1000:.0f}" for b in baseline)
            + ")"
        )
        print(
            f"   open until the last screen is painted:     {mine * 1000:.0f} ms (runs: "
            + ", ".join(f"{o * 1000:.0f}" for o in ours)
            + ")"
        )
        print(
            f"   ratio: {mine / base:.2f}x   (target <= 0.5x); messages rendered before the "
            f"first paint: {statistics.median(rendered):.0f} of {total}"
        )
        close_app(application, loop)


async def _idle(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


if __name__ == "__main__":
    main()

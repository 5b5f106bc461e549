"""Benchmark of the window: opening a conversation whose last answer is long.

Benchmark 3 opens 300 short messages; here the last answer alone is long (a long code
generation, an answer of a whole report). Prints, for last answers of several lengths,
the time until the opened conversation is painted, then how long the rest of the
answer takes to render after it (in pieces, on the following frames) and the event
loop's lag meanwhile. Not a target of the issue: a figure to keep an eye on.

With ``--followed``, the long answer is followed by a short question and answer: it is
then an older answer in the last screen.

Run: python -m tests.benchmarks.bench_open_long_answer [--tokens 2000 20000 100000]
[--followed]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from tests.benchmarks.bench_open import _idle
from tests.benchmarks.harness import LagSampler, build_app, close_app, summary, token_chunks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, nargs="+", default=[2_000, 20_000, 100_000])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--followed",
        action="store_true",
        help="the long answer followed by a short question and answer (an older answer)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        application, window, loop = build_app("http://127.0.0.1:9", Path(folder))
        from PySide6.QtCore import QEvent
        from PySide6.QtWidgets import QApplication

        from app.domain.messages import Role

        store, pane = application.store, window.pane
        transcript = pane.transcript

        async def rest_rendered() -> None:
            while transcript.rendering or transcript.filling_gaps:
                await asyncio.sleep(0.005)

        which = "a long answer then a short exchange" if args.followed else "a long last answer"
        print(f"opening a conversation of {which} (median of runs)")
        for tokens in args.tokens:
            conversation = store.create_conversation(title="Long", model="mistral-large-2411")
            question = store.add_message(
                conversation.id, role=Role.USER, content="Explain", parent_id=None
            )
            text = "".join(token_chunks(tokens))
            answer = store.add_message(
                conversation.id,
                role=Role.ASSISTANT,
                content=text,
                parent_id=question.id,
                model="mistral-large-2411",
            )
            if args.followed:
                thanks = store.add_message(
                    conversation.id, role=Role.USER, content="Thanks!", parent_id=answer.id
                )
                store.add_message(
                    conversation.id,
                    role=Role.ASSISTANT,
                    content="You're welcome.",
                    parent_id=thanks.id,
                    model="mistral-large-2411",
                )
            painted: list[float] = []
            rest: list[float] = []
            lags: list[float] = []
            for _ in range(args.repeat):
                pane.new_chat()
                loop.run_until_complete(_idle(0.5))
                sampler = LagSampler()
                started = time.perf_counter()
                pane.open_conversation(conversation.id)
                QApplication.sendPostedEvents(window, QEvent.Type.UpdateRequest)
                shown = time.perf_counter()
                painted.append(shown - started)
                sampler.start()
                loop.run_until_complete(rest_rendered())
                rest.append(time.perf_counter() - shown)
                sampler.stop()
                lags.extend(sampler.lags_ms)
            print(
                f"   answer of {tokens:,} tokens ({len(text):,} characters): painted after "
                f"{statistics.median(painted) * 1000:.0f} ms, the rest rendered "
                f"{statistics.median(rest) * 1000:.0f} ms later; lag meanwhile: "
                + (summary(lags) if lags else "none (rendered whole)")
            )
        close_app(application, loop)


if __name__ == "__main__":
    main()

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
import tempfile
from functools import partial
from pathlib import Path

from tests.benchmarks.bench_open import _idle
from tests.benchmarks.harness import PaintedThenRendered, add_long_answer, build_app, close_app


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
        from app.domain.messages import Role

        store, pane = application.store, window.pane
        which = "a long answer then a short exchange" if args.followed else "a long last answer"
        print(f"opening a conversation of {which} (median of runs)")
        for tokens in args.tokens:
            answer = add_long_answer(store, tokens)
            conversation_id = answer.conversation_id
            if args.followed:
                thanks = store.add_message(
                    conversation_id, role=Role.USER, content="Thanks!", parent_id=answer.id
                )
                store.add_message(
                    conversation_id,
                    role=Role.ASSISTANT,
                    content="You're welcome.",
                    parent_id=thanks.id,
                    model="mistral-large-2411",
                )
            times = PaintedThenRendered(window, loop)
            for _ in range(args.repeat):
                pane.new_chat()
                loop.run_until_complete(_idle(0.5))
                times.measure(partial(pane.open_conversation, conversation_id))
            print(
                f"   answer of {tokens:,} tokens ({len(answer.content):,} characters): "
                + times.report()
            )
        close_app(application, loop)


if __name__ == "__main__":
    main()

"""Benchmark of the window: another theme or text size while reading a long answer.

A long answer on screen is rendered anew for another look (restyled in place, its text
was laid out again for the font first: seconds). The reader is in its middle: the text
they read renders first, the rest over the following frames. Prints, for answers of
several lengths, the time from the change until the window is painted again, the time
the rest takes to render after it, and the event loop's lag meanwhile. Not a target of
the issue: a figure to keep an eye on.

Run: python -m tests.benchmarks.bench_restyle_long_answer [--tokens 20000 100000]
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
    parser.add_argument("--tokens", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--repeat", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        application, window, loop = build_app("http://127.0.0.1:9", Path(folder))
        pane, theme = window.pane, application.theme
        transcript = pane.transcript

        def another_theme() -> None:
            theme.apply("dark" if theme.mode != "dark" else "light", theme.font_size)

        def another_size() -> None:
            theme.apply(theme.mode, 13 if theme.font_size != 13 else 11)

        print("another look while reading the middle of a long answer (median of runs)")
        for tokens in args.tokens:
            answer = add_long_answer(application.store, tokens)
            times = PaintedThenRendered(window, loop)
            times.measure(partial(pane.open_conversation, answer.conversation_id))
            for run in range(args.repeat):
                item = transcript.item(answer.id)
                transcript.verticalScrollBar().setValue(item.y() + item.height() // 2)
                loop.run_until_complete(_idle(0.3))
                if run == 0:
                    times = PaintedThenRendered(window, loop)  # not the opening
                times.measure(another_size if run % 2 else another_theme)
            print(
                f"   answer of {tokens:,} tokens ({len(answer.content):,} characters): "
                + times.report()
            )
        close_app(application, loop)


if __name__ == "__main__":
    main()

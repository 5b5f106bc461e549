"""Search-as-you-type timings on a large synthetic history (a script, not a test).

    python -m tests.benchmarks.bench_search [--path FILE] [--conversations 10000]
        [--messages 20] [--fixed-lengths] [--format N] [--repeats 3]

Builds the history at ``--path`` unless that file exists (default: a new temporary
file): 10,000 conversations of 20 messages, 200,000 messages whose lengths vary like a
real chat's (``--fixed-lengths``: 15 words a question, 100 an answer), in about two
minutes. ``--format N`` builds it in an older file format, as an older Maestrale would
have; opening it then runs the pending migrations, and their time is printed (so
does opening any older file given with ``--path``).

Then it warms up (one pass over every query) and times ``ConversationStore.search``
(limit 50, snippets included) on every prefix of some typed queries, as search as you
type sends them, ``--repeats`` times each, and prints p50, p95, p99 and max in ms, the
slowest queries, and the size of the file and of its full-text indexes.
"""

from __future__ import annotations

import argparse
import math
import sqlite3
import tempfile
import time
from pathlib import Path

from app.store import ConversationStore
from app.store.schema import SCHEMA_VERSION
from tests.helpers.old_format import written_as
from tests.unit.store.synthetic import RARE_WORD, fill

TYPED = (
    "kubernetes deployment",
    "how do I",
    "python async",
    "lyon",
    "error 500",
    "python error",
    "lyon bouchon",
    "the weather",
    "cache memory",
    "water",
    "test",
    RARE_WORD,
    "nothing matches this",
)
# Common words, few of them in titles: every message match is a candidate.
HARD = ("the of", "t o", "of a", "water the", "and to", "how d", "kubernetes d", "the w")


def percentile(samples: list[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest sample not below ``fraction`` of them."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def prefixes(text: str) -> list[str]:
    """What the search field holds after each keystroke of ``text``."""
    return [text[:end] for end in range(1, len(text) + 1) if text[:end].strip()]


def _time(store: ConversationStore, queries: list[str], repeats: int) -> list[tuple[float, str]]:
    samples = []
    for _ in range(repeats):
        for query in queries:
            started = time.perf_counter()
            store.search(query, limit=50)
            samples.append(((time.perf_counter() - started) * 1000, query))
    return samples


def _report(label: str, timed: list[tuple[float, str]]) -> None:
    samples = [ms for ms, _ in timed]
    print(
        f"{label:34} n={len(samples):4}  p50={percentile(samples, 0.50):6.1f}"
        f"  p95={percentile(samples, 0.95):6.1f}  p99={percentile(samples, 0.99):6.1f}"
        f"  max={max(samples):6.1f} ms"
    )


def _build(path: Path, args: argparse.Namespace) -> None:
    started = time.perf_counter()
    with written_as(args.format), ConversationStore.open(path) as store:
        fill(
            store,
            args.conversations,
            messages_per_conversation=args.messages,
            realistic=not args.fixed_lengths,
        )
    print(f"built {path} (format {args.format}) in {time.perf_counter() - started:.0f} s")


def _format_of(path: Path) -> int:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(connection.execute("PRAGMA user_version").fetchone()[0])
    finally:
        connection.close()


def _sizes(connection: sqlite3.Connection, path: Path) -> str:
    mib = 1 << 20
    file = path.stat().st_size / mib
    try:
        rows = connection.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
    except sqlite3.OperationalError:  # SQLite built without the dbstat table
        return f"file {file:.0f} MiB"
    by_table = {str(name): int(size) / mib for name, size in rows}
    messages = sum(size for name, size in by_table.items() if name.startswith("messages_fts"))
    titles = sum(size for name, size in by_table.items() if name.startswith("conversations_fts"))
    text = by_table.get("messages", 0.0)
    return (
        f"file {file:.0f} MiB; messages table {text:.0f} MiB,"
        f" full-text index {messages:.1f} MiB (messages) + {titles:.1f} MiB (titles)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--path", type=Path, default=None)
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--fixed-lengths", action="store_true")
    parser.add_argument(
        "--format", type=int, default=SCHEMA_VERSION, choices=range(1, 1 + SCHEMA_VERSION)
    )
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    path = args.path or Path(tempfile.mkdtemp()) / "history.sqlite3"
    if not path.exists():
        _build(path, args)

    before = _format_of(path)
    started = time.perf_counter()
    with ConversationStore.open(path) as store:
        opened = time.perf_counter() - started
        if before < SCHEMA_VERSION:
            print(f"migrated from format {before} to {SCHEMA_VERSION} in {opened:.1f} s")
        else:
            print(f"opened in {opened * 1000:.0f} ms")
        conversations = store.count_conversations()
        messages = store.connection.execute("SELECT count(*) FROM messages").fetchone()[0]
        print(f"{conversations} conversations, {messages} messages")
        print(_sizes(store.connection, path))

        typed = [prefix for text in TYPED for prefix in prefixes(text)]
        _time(store, typed + list(HARD), 1)  # warm up: the file's pages in the cache
        timed = _time(store, typed, args.repeats)
        _report("every prefix of typed queries", timed)
        _report("whole typed queries", _time(store, list(TYPED), args.repeats))
        _report("word + short prefix, common words", _time(store, list(HARD), args.repeats))
        worst: dict[str, float] = {}
        for ms, query in timed:
            worst[query] = max(ms, worst.get(query, 0.0))
        slowest = sorted(worst.items(), key=lambda item: -item[1])[:6]
        print("slowest typed prefixes:", ", ".join(f"{q!r} {ms:.1f}" for q, ms in slowest))


if __name__ == "__main__":
    main()

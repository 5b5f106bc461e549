"""Search timings on a large synthetic history (not part of the test run).

    python -m tests.unit.store.bench_search [--path FILE] [--conversations 10000]
        [--messages 20]

Builds the history at ``--path`` if it does not exist (10,000 conversations of 20
messages: 200,000 messages, about a minute), then runs every prefix of some typed
queries, as search-as-you-type would, and prints p50/p95/max per query kind.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from app.store import ConversationStore
from app.store.search import match_query
from tests.unit.store.synthetic import RARE_WORD, fill

TYPED = (
    "python error",
    "kubernetes deploy",
    "lyon bouchon",
    "water",
    "the weather",
    "how do i",
    "cache memory",
    "test",
    RARE_WORD,
    "nothing matches this",
)
# Common in messages, in fewer than 50 titles: every message match must be ranked.
WORST = ("the of", "t o", "of a", "water the", "and to")


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _prefixes(text: str) -> list[str]:
    return [text[:end] for end in range(1, len(text) + 1) if text[:end].strip()]


def _time(store: ConversationStore, queries: list[str], repeats: int) -> list[float]:
    samples = []
    for query in queries:
        for _ in range(repeats):
            started = time.perf_counter()
            store.search(query, limit=50)
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def _report(label: str, samples: list[float]) -> None:
    print(
        f"{label:38} n={len(samples):4}  p50={statistics.median(samples):7.1f} ms"
        f"  p95={_percentile(samples, 0.95):7.1f} ms  max={max(samples):7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--path", type=Path, default=None)
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    path = args.path or Path(tempfile.mkdtemp()) / "history.sqlite3"
    if not path.exists():
        started = time.perf_counter()
        with ConversationStore.open(path) as store:
            fill(store, args.conversations, messages_per_conversation=args.messages)
        print(f"built {path} in {time.perf_counter() - started:.0f} s")
    with ConversationStore.open(path) as store:
        count = store.count_conversations()
        messages = store.connection.execute("SELECT count(*) FROM messages").fetchone()[0]
        print(f"{count} conversations, {messages} messages, {path.stat().st_size >> 20} MiB")
        store.search("warm up", limit=50)
        typed = [prefix for text in TYPED for prefix in _prefixes(text)]
        _report("every prefix of typed queries", _time(store, typed, args.repeats))
        whole = list(TYPED)
        _report("whole queries", _time(store, whole, args.repeats))
        _report("worst case (rank ~all messages)", _time(store, list(WORST), args.repeats))
        for query in WORST:
            matches = store.connection.execute(
                "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?",
                (match_query(query),),
            ).fetchone()[0]
            [sample] = _time(store, [query], 1)
            print(f"  {query!r:14} {matches:7} message matches  {sample:7.1f} ms")


if __name__ == "__main__":
    main()

"""How long `maestrale import` takes with a big export (a script, not a test).

    python -m tests.benchmarks.bench_import [--conversations 2000] [--messages 20]

Builds a history of realistic conversations (tests.unit.store.synthetic), exports it
as JSON the way `maestrale export --format json` does, and times importing that file
into an empty history: reading and checking it, then the one transaction that writes
it and its full-text indexes. The README's figure for a big import comes from here.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from app.store import ConversationStore, export_json, import_file
from tests.unit.store.synthetic import fill


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--conversations", type=int, default=2000)
    options.add_argument("--messages", type=int, default=20, help="a conversation's")
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        with ConversationStore.open(folder / "source.sqlite3") as source:
            fill(
                source, args.conversations, messages_per_conversation=args.messages, realistic=True
            )
            document = export_json(source)
        exported = folder / "export.json"
        with exported.open("w", encoding="utf-8") as file:
            json.dump(document, file, ensure_ascii=False)
        del document
        size = exported.stat().st_size / 2**20
        with ConversationStore.open(folder / "history.sqlite3") as store:
            started = time.perf_counter()
            report = import_file(store, exported)
            seconds = time.perf_counter() - started
    messages = args.conversations * args.messages
    print(
        f"import of {args.conversations:,} conversations / {messages:,} messages "
        f"({size:.0f} MiB of JSON) into an empty history: {seconds:.1f} s "
        f"({messages / seconds:,.0f} messages a second); {report.imported:,} imported, "
        f"{report.messages:,} messages written"
    )


if __name__ == "__main__":
    main()

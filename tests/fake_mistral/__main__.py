"""Run the fake server in the foreground, for end-to-end tests.

``python -m tests.fake_mistral [--port N] [--dialect mistral|openai] [--api-key KEY]``
prints ``PORT <n>`` once listening, then serves until SIGTERM or SIGINT. Script it
through the ``/_fake/*`` control endpoints.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from .server import FakeMistral


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fake_mistral", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="0 (default) picks a free port")
    parser.add_argument("--dialect", choices=("mistral", "openai"), default="mistral")
    parser.add_argument(
        "--api-key",
        default=None,
        help='required bearer key; default "test-key" (mistral) or none (openai); "" disables auth',
    )
    args = parser.parse_args(argv)
    api_key = args.api_key
    if api_key is None:
        api_key = "test-key" if args.dialect == "mistral" else None
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with FakeMistral(dialect=args.dialect, api_key=api_key or None, port=args.port) as server:
        sys.stdout.write(f"PORT {server.port}\n")
        sys.stdout.flush()
        # wait() with a timeout so the main thread gets to run the signal handlers.
        while not stop.wait(0.2):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

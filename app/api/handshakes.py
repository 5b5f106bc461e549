"""Closing the connection of a TLS handshake that was cancelled (Cancel, Stop).

WORKAROUND for https://github.com/encode/httpcore/pull/443: httpcore closes the TCP
connection when its TLS handshake fails, not when the request is cancelled during it;
the socket then stayed open until the garbage collector found it (ResourceWarning).
httpcore's "trace" request extension reports the connection opened and the handshake
cancelled, which is enough to close it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

Trace = Callable[[str, dict[str, Any]], Awaitable[None]]


def closing_cancelled_handshakes() -> dict[str, Trace]:
    """Request extensions (one request's: they remember its connection)."""
    opened: list[Any] = []

    async def trace(event: str, info: dict[str, Any]) -> None:
        if event == "connection.connect_tcp.complete" and info.get("return_value") is not None:
            opened.append(info["return_value"])
        elif event == "connection.start_tls.failed" and isinstance(
            info.get("exception"), asyncio.CancelledError
        ):
            while opened:
                await opened.pop().aclose()

    return {"trace": trace}

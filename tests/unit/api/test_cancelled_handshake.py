"""A connection test cancelled during its TLS handshake closes its socket at once
(httpcore left it open until the garbage collector found it: see app/api/handshakes.py)."""

from __future__ import annotations

import asyncio
import contextlib
import socket

from app.api.probe import probe_models


async def _accepted(server: socket.socket) -> socket.socket:
    for _ in range(500):
        with contextlib.suppress(BlockingIOError):
            connection, _address = server.accept()
            return connection
        await asyncio.sleep(0.01)
    raise AssertionError("the test never connected")


async def test_cancelling_during_the_handshake_closes_the_connection() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:  # accepts, never answers TLS
        server.setblocking(False)
        port = server.getsockname()[1]
        probe = asyncio.create_task(
            probe_models(
                f"https://127.0.0.1:{port}/v1", "openai", None, connect_timeout=60, read_timeout=5
            )
        )
        connection = await _accepted(server)
        with connection:
            connection.settimeout(5)
            hello = await asyncio.to_thread(connection.recv, 65536)  # the TLS hello
            assert hello
            probe.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await probe
            # The client's end closed: an end of stream now, not a wait for the timeout.
            assert await asyncio.to_thread(connection.recv, 65536) == b""

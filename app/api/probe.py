"""Testing an endpoint: one request for its models, never retried.

A test retried silently said nothing useful: a server that accepted connections and
never answered kept "Testing…" up for four connect timeouts (about 45 s) before one
error. Chat requests keep their retries (``app/config.py``).
"""

from __future__ import annotations

import httpx

from app.api.client import MistralClient
from app.api.endpoint import Endpoint
from app.api.retry import RetryPolicy
from app.api.types import Dialect, ModelCard

ONE_ATTEMPT = RetryPolicy(attempts=1)


async def probe_models(
    base_url: str,
    dialect: str,
    key: str | None,
    *,
    connect_timeout: float,
    read_timeout: float,
    transport: httpx.AsyncBaseTransport | None = None,
) -> list[ModelCard]:
    """The models ``base_url`` lists, asked once; raises ApiError (NetworkError on a
    timeout, saying how long was waited)."""
    async with MistralClient(
        Endpoint.parse(base_url),
        api_key=key,
        dialect=Dialect(dialect),
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        retry=ONE_ATTEMPT,
        transport=transport,
    ) as client:
        return await client.list_models()

from __future__ import annotations

import pytest

from app.api.endpoint import Endpoint
from app.api.errors import EndpointRefused


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://api.mistral.ai", "https://api.mistral.ai"),
        ("https://api.mistral.ai/", "https://api.mistral.ai"),
        ("https://api.mistral.ai/v1", "https://api.mistral.ai"),
        ("HTTPS://API.Mistral.ai/v1/", "https://api.mistral.ai"),
        ("http://localhost:8000/v1", "http://localhost:8000"),
        ("http://127.0.0.1:9", "http://127.0.0.1:9"),
        ("http://[::1]:8000", "http://[::1]:8000"),
        ("https://llm.example.org/proxy/v1", "https://llm.example.org/proxy"),
        # A request's whole address, pasted from documentation or a log:
        ("http://127.0.0.1:39285/v1/chat/completions", "http://127.0.0.1:39285"),
        ("https://api.mistral.ai/v1/models/", "https://api.mistral.ai"),
    ],
)
def test_accepted_endpoints_are_normalised(given: str, expected: str) -> None:
    assert Endpoint.parse(given).base_url == expected


@pytest.mark.parametrize(
    "given",
    [
        "http://api.mistral.ai",
        "http://192.168.1.20:8000",
        "http://localhost.evil.com",
        "ftp://api.mistral.ai",
        "api.mistral.ai",
        "https://user:pw@api.mistral.ai",
        "https://api.mistral.ai?x=1",
    ],
)
def test_insecure_or_odd_endpoints_are_refused_with_advice(given: str) -> None:
    with pytest.raises(EndpointRefused) as caught:
        Endpoint.parse(given)
    assert "http" in caught.value.message


def test_plain_http_refusal_explains_why() -> None:
    with pytest.raises(EndpointRefused, match="unencrypted"):
        Endpoint.parse("http://10.0.0.5:8000")

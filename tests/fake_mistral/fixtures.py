"""Pytest fixtures that run a :class:`FakeMistral` for one test.

Load them from ``tests/conftest.py`` with
``pytest_plugins = ["tests.fake_mistral.fixtures"]``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import FakeMistral


@pytest.fixture
def fake_mistral() -> Iterator[FakeMistral]:
    """A started Mistral-dialect server with API key ``test-key``.

    Teardown fails the test if any request broke the API schema, because the real
    API would have rejected it; a test that sends bad requests on purpose sets
    ``fake_mistral.expect_violations = True``.
    """
    with FakeMistral(dialect="mistral", api_key="test-key") as server:
        yield server
    if server.schema_violations and not server.expect_violations:
        listed = "\n  ".join(server.schema_violations)
        pytest.fail(f"requests the real Mistral API would reject:\n  {listed}", pytrace=False)


@pytest.fixture
def fake_openai() -> Iterator[FakeMistral]:
    """A started OpenAI-compatible (vLLM-style) server that needs no API key."""
    with FakeMistral(dialect="openai", api_key=None) as server:
        yield server

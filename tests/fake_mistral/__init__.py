"""A fake Mistral API server for the test suite (see ``server.FakeMistral``).

Runs a real HTTP server on 127.0.0.1 that validates requests against Mistral's
published schema, streams like the real API and injects faults on demand. Run it
as a process with ``python -m tests.fake_mistral``; use it in pytest through the
fixtures in ``tests.fake_mistral.fixtures``.
"""

from .models import default_catalog, mistral_card, openai_card
from .replies import Reply, new_tool_call_id, split_words
from .server import Dialect, FakeMistral, RecordedRequest

__all__ = [
    "Dialect",
    "FakeMistral",
    "RecordedRequest",
    "Reply",
    "default_catalog",
    "mistral_card",
    "new_tool_call_id",
    "openai_card",
    "split_words",
]

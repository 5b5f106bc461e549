"""One question, one answer: the request from a conversation's branch, the answer streamed
into the history. Shared by the command line and the window; no Qt."""

from __future__ import annotations

import importlib
from typing import Any

# Loaded on first use (PEP 562): the window imports this package at start-up, and
# must not pay for what it does not use yet.
_HOMES = {
    "AnswerOutcome": "recorder",
    "AnswerRecorder": "recorder",
    "build_request": "request",
    "provisional_title": "request",
}

__all__ = [
    "AnswerOutcome",
    "AnswerRecorder",
    "build_request",
    "provisional_title",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)

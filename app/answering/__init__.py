"""One question, one answer: the request from a conversation's branch, the answer streamed
into the history. Shared by the command line and the window; no Qt."""

from __future__ import annotations

from app.lazy import lazy_exports

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


__getattr__ = lazy_exports(__name__, _HOMES)

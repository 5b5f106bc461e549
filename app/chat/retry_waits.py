"""How long the server asked to wait before a rate-limited answer is asked again."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from app.api.errors import RateLimited, wait_length

if TYPE_CHECKING:
    from app.answering.recorder import AnswerOutcome


class RetryWaits:
    """For each answer that failed on a 429 whose reply said how long to wait
    (``Retry-After``), when (``time.monotonic``) it may be asked again: asked sooner, the
    server refuses again. Kept for the session, so that a conversation opened again
    shows the wait where it stands."""

    def __init__(self) -> None:
        self._ready_at: dict[str, float] = {}

    def note(self, outcome: AnswerOutcome) -> None:
        """Learn the wait from an answer's outcome, if it failed on such a 429."""
        error = outcome.error
        if isinstance(error, RateLimited) and error.retry_after:
            self._ready_at[outcome.message.id] = time.monotonic() + error.retry_after

    def ready_at(self, message_id: str) -> float | None:
        """When the answer may be asked again, if that time has not come yet."""
        ready_at = self._ready_at.get(message_id)
        if ready_at is not None and ready_at <= time.monotonic():
            del self._ready_at[message_id]
            return None
        return ready_at

    def refusal(self, message_id: str) -> str | None:
        """Why the answer is not asked again now, if it is not."""
        ready_at = self.ready_at(message_id)
        if ready_at is None:
            return None
        wait = wait_length(ready_at - time.monotonic())
        return f"The server asked to wait before it is asked again: {wait} more."

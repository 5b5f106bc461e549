"""What a failed answer's panel offers: known to the pane, not to the answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.domain.messages import Message


@dataclass(frozen=True, slots=True)
class RetryOffer:
    """A failed answer's panel as its conversation stands now: the answer only keeps
    how it failed, when the conversation may have moved on since."""

    model: str | None = None  # Retry asks it, not the conversation's model
    note: str | None = None  # said instead of the stored error, whose advice is done
    # When Retry is of use (``time.monotonic``): the server asked to wait till then.
    ready_at: float | None = None


RetryWith = Callable[[Message], RetryOffer]

"""When to try a request again, and how long to wait first."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    # The email package (and the socket module it pulls in) only for the rare date form.
    from email.utils import parsedate_to_datetime

    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with full jitter, honouring the server's ``Retry-After``.

    ``attempts`` counts the first try. A ``Retry-After`` above ``max_wait`` is not
    waited out: the caller gets the rate-limit error at once and can tell the user.
    """

    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_wait: float = 30.0

    def delay(self, retry_number: int, retry_after: float | None) -> float | None:
        """Seconds before retry ``retry_number`` (1-based), or None to give up."""
        if retry_number >= self.attempts:
            return None
        if retry_after is not None:
            return retry_after if retry_after <= self.max_wait else None
        ceiling = min(self.max_delay, self.base_delay * 2 ** (retry_number - 1))
        # Full jitter spreads clients that failed together (see the AWS backoff study).
        return random.uniform(ceiling / 2, ceiling)

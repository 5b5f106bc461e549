from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.api.retry import RetryPolicy, parse_retry_after


def test_retry_after_in_seconds() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(" 2.5 ") == 2.5


def test_retry_after_as_http_date() -> None:
    now = datetime(2026, 11, 29, 10, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Sun, 29 Nov 2026 10:00:30 GMT", now=now) == 30.0


def test_retry_after_in_the_past_means_now() -> None:
    now = datetime(2026, 11, 29, 10, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Sun, 29 Nov 2026 09:00:00 GMT", now=now) == 0.0


@pytest.mark.parametrize("value", [None, "", "soon", "-"])
def test_unusable_retry_after_is_none(value: str | None) -> None:
    assert parse_retry_after(value) is None


def test_backoff_grows_with_jitter_and_stops() -> None:
    policy = RetryPolicy(attempts=4, base_delay=1.0, max_delay=3.0)
    first = [policy.delay(1, None) for _ in range(50)]
    third = [policy.delay(3, None) for _ in range(50)]
    assert all(d is not None and 0.5 <= d <= 1.0 for d in first)
    assert all(d is not None and 1.5 <= d <= 3.0 for d in third)  # capped at max_delay
    assert len(set(first)) > 1  # jittered
    assert policy.delay(4, None) is None


def test_server_retry_after_wins_up_to_the_cap() -> None:
    policy = RetryPolicy(attempts=3, max_wait=10.0)
    assert policy.delay(1, 4.0) == 4.0
    assert policy.delay(1, 11.0) is None

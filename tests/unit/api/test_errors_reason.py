"""The short reason said while a request is asked again, and how the wait reads."""

from __future__ import annotations

from app.api.errors import ApiError, RateLimited, asking_again, error_from_response, wait_length


def test_a_rate_limit_and_a_server_failure_give_their_reason_without_advice() -> None:
    limited = error_from_response(429, b"", {}, retry_after=6)
    assert isinstance(limited, RateLimited)
    assert "try again" in limited.message  # the final failure's advice…
    assert limited.reason == "Rate limit reached (429)"  # …is not said while waiting
    failed = error_from_response(503, b"", {})
    assert "try again" in failed.message
    assert failed.reason == "The server failed (503)"


def test_other_errors_give_their_message_as_the_reason() -> None:
    assert ApiError("Something odd happened.").reason == "Something odd happened"


def test_the_wait_is_said_in_whole_seconds_and_not_as_zero() -> None:
    assert asking_again(6.2) == "Asking again in 6 s…"
    assert asking_again(1.0) == "Asking again in 1 s…"
    assert asking_again(0.99) == "Asking again in 1 s…"  # a countdown's last second
    assert asking_again(0.4) == "Asking again…"


def test_a_wait_is_said_as_read_and_rounded_up() -> None:
    # Retry's countdown: never "0 s" while it still waits; long waits in minutes, hours.
    assert [wait_length(s) for s in (27.2, 1.0, 0.01, 59.5)] == ["28 s", "1 s", "1 s", "1 min"]
    assert [wait_length(s) for s in (250, 3599)] == ["4 min 10 s", "59 min 59 s"]
    assert [wait_length(s) for s in (3599.5, 3601, 7200)] == ["1 h", "1 h 1 min", "2 h"]

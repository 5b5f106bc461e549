from __future__ import annotations

import pytest

from app.answering.continuation import Continuation


@pytest.mark.parametrize(
    "pieces",
    [
        ["Once upon", " a time", " there was", " a fox."],  # server repeats the prefix
        ["Once", " upon a t", "ime there was", " a fox."],  # ... split differently
        [" there was", " a fox."],  # server sends only the new text
        ["", " there", " was a fox."],
    ],
)
def test_prefix_appears_once(pieces: list[str]) -> None:
    continuation = Continuation("Once upon a time")
    shown = "".join(continuation.feed(piece) for piece in pieces)
    assert continuation.text == "Once upon a time there was a fox."
    assert shown == " there was a fox."


def test_continuation_that_happens_to_start_like_the_prefix() -> None:
    continuation = Continuation("Once")
    assert continuation.feed("On") == ""
    assert continuation.feed("ward!") == "Onward!"
    assert continuation.text == "OnceOnward!"


def test_no_prefix_is_a_plain_answer() -> None:
    continuation = Continuation("")
    assert continuation.feed("Hello") == "Hello"
    assert continuation.text == "Hello"

"""The note under tool calls that got no result: of all of them, or of the last ones
when those before got theirs (a round stopped after its first result)."""

from __future__ import annotations

import pytest

from app.chat.tool_calls import CLOSED, STOPPED, STOPPED_ASKING
from app.ui.transcript.tool_calls import unrun_note


def test_with_no_result_at_all_the_note_is_of_this_call() -> None:
    assert unrun_note(STOPPED).startswith("You stopped this call before the tool answered")


@pytest.mark.parametrize(
    ("why", "last", "begins"),
    [
        (STOPPED, 1, "You stopped the last call before the tool answered, so no result"),
        (STOPPED_ASKING, 1, "You stopped the last call before it ran, so no result"),
        (STOPPED_ASKING, 2, "You stopped the last 2 calls before they ran, so no result"),
        (CLOSED, 1, "The last call got no result. Maestrale closed before the tool answered"),
        (None, 2, "No result went back to the model: the last 2 calls did not run here."),
        ("Something else.", 1, "The last call got no result. Something else. No result"),
    ],
)
def test_after_some_results_the_note_says_which_calls_got_none(
    why: str | None, last: int, begins: str
) -> None:
    note = unrun_note(why, last)
    assert note.startswith(begins)
    assert "this call" not in note
    assert note.endswith("in your next message.")

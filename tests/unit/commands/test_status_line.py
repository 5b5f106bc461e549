"""The terminal's status line: rewritten in place, a few times a second at most, and
never written where no one watches."""

from __future__ import annotations

import io

import pytest

from app.commands.status_line import INTERVAL, StatusLine
from tests.helpers.terminal import screen


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_news_of_one_step_is_shown_a_few_times_a_second_at_most() -> None:
    terminal, clock = _Terminal(), _Clock()
    line = StatusLine(terminal, clock=clock)
    for done in range(1000):  # a thousand conversations in no time: one rewrite
        line.show(f"Importing conversations: {done:,} of 1,000…", step="writing")
    assert terminal.getvalue().count("\r") == 1
    assert screen(terminal.getvalue()) == ["Importing conversations: 0 of 1,000…"]
    clock.now += INTERVAL
    line.show("Importing conversations: 500 of 1,000…", step="writing")
    assert screen(terminal.getvalue()) == ["Importing conversations: 500 of 1,000…"]
    # A new step at once, its shorter line covering all of the longer one.
    line.show("Saving…", step="saving")
    assert screen(terminal.getvalue()) == ["Saving…"]


def test_the_line_is_erased_however_the_work_ends() -> None:
    terminal = _Terminal()
    with pytest.raises(KeyboardInterrupt), StatusLine(terminal) as line:
        line.show("Reading conversations.json (160 MB)…")
        raise KeyboardInterrupt
    assert terminal.getvalue().endswith("\r")  # what is printed next starts the line
    assert screen(terminal.getvalue()) == [""]


def test_nothing_is_written_where_no_one_watches() -> None:
    piped = io.StringIO()
    with StatusLine(piped) as line:
        line.show("Reading conversations.json (160 MB)…")
    assert piped.getvalue() == ""


def test_a_line_wider_than_the_terminal_is_cut_not_wrapped() -> None:
    # Wrapped, "\r" would go back to its second half only, and leave the first behind.
    terminal = _Terminal()  # no size of its own: 80 columns, as most terminals
    StatusLine(terminal).show("Reading " + "x" * 200 + ".json (160 MB)…")
    assert screen(terminal.getvalue()) == ["Reading " + "x" * 71]

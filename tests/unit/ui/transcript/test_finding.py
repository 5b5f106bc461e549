"""Ctrl+F's arithmetic: folding, counting, and where the next occurrence is."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication

from app.rendering import render_markdown
from app.rendering.visible import visible_text
from app.ui.transcript.finding import (
    BACKWARD,
    FORWARD,
    STAY,
    fold,
    hidden_by_fold,
    next_place,
    occurrences,
    shown_places,
)


def test_folding_keeps_every_character_in_its_place() -> None:
    text = "İstanbul and ISTANBUL"
    folded = fold(text)
    assert len(folded) == len(text)
    assert occurrences(folded, "istanbul") == [text.index("ISTANBUL")]
    assert occurrences(fold("aaaa"), "aa") == [0, 2]  # as counted: no overlap


def test_next_place_steps_within_a_message_then_to_the_next_holding_one() -> None:
    counts = [2, 0, 1]
    assert next_place(counts, (0, 5), [5, 9], FORWARD, 0) == (0, 1)
    assert next_place(counts, (0, 9), [5, 9], FORWARD, 0) == (2, 0)
    assert next_place(counts, (2, 3), [3], FORWARD, 0) == (0, 0)  # round to the first
    assert next_place(counts, (0, 5), [5, 9], BACKWARD, 0) == (2, -1)  # round to the last
    assert next_place(counts, (0, 5), [5, 9], STAY, 0) == (0, 0)  # still there
    assert next_place(counts, (0, 6), [5, 9], STAY, 0) == (0, 1)
    assert next_place(counts, None, [], FORWARD, 1) == (2, 0)  # from the message in view


def test_visible_text_of_markdown_leaves_out_addresses_and_syntax() -> None:
    text = visible_text(
        "See [the **guide**](https://example.org/path) and `x`.\n\n```py\nprint(1)\n```"
    )
    assert "example.org" not in text
    assert "**" not in text
    assert "the guide" in text
    assert "print(1)" in text


def test_visible_text_breaks_lines_where_the_rendered_answer_does() -> None:
    # Rendered, "a\nb" shows on two lines (a line separator, one character as here).
    assert visible_text("Roses are red,\nViolets are blue.").strip() == (
        "Roses are red,\nViolets are blue."
    )


def test_visible_text_of_right_to_left_code_is_the_rendered_text(qapp: QApplication) -> None:
    markdown = "استخدم `print()` لطباعة النص.\n\nThen `x()` here."
    document = QTextDocument()
    document.setHtml(render_markdown(markdown, dark=False).html)
    # Found at the same places before and after the message is rendered.
    assert visible_text(markdown).split() == document.toPlainText().split()
    assert occurrences(fold(visible_text(markdown)), "print()") == [9]  # after a "\n"
    assert occurrences(fold(document.toPlainText()), "print()") == [8]


def test_full_width_letters_are_found_as_ascii_in_their_place() -> None:
    # Typed with a Japanese keyboard in full-width mode, either side: found all the
    # same, as Ctrl+K's search finds them.
    text = "Ｐｙｔｈｏｎ と Python"
    folded = fold(text)
    assert len(folded) == len(text)
    assert occurrences(folded, fold("python")) == [0, text.index("Python")]
    assert occurrences(folded, fold("Ｐｙｔｈｏｎ")) == [0, text.index("Python")]


def test_a_code_block_reads_as_the_rendered_one_at_the_same_places(
    qapp: QApplication,
) -> None:
    # A tool's result is a code block, read whole from its text while it shows folded:
    # its places must be those of the block rendered whole. A code block is HTML's
    # <pre>, which drops the line break right after its start; Qt's plain text writes
    # a no-break space as a space, a line separator as a line break.
    markdown = "```\n\nfirst\u00a0word\u2028second\n\tthird\n```"
    document = QTextDocument()
    document.setHtml(render_markdown(markdown, dark=False).html)
    assert visible_text(markdown).rstrip("\n") == document.toPlainText().rstrip("\n")


def test_shown_places_follow_the_lines_a_folded_copy_keeps() -> None:
    whole = "head\nshort zebra\nlong line zebra far out zebra\nlast zebra"
    # The folded copy: the long line cut short, the last line left out.
    shown = "head\nshort zebra\nlong line zebra f…"
    starts = occurrences(whole, "zebra")
    assert shown_places(whole, shown, starts, 5) == [
        shown.index("zebra"),
        shown.index("zebra", shown.index("long")),
        None,  # past the cut
        None,  # on a line left out
    ]
    assert shown_places(whole, whole, starts, 5) == starts
    # Across a line break: only where both lines are there whole.
    assert shown_places(whole, shown, [whole.index("zebra\nlong")], 10) == [
        shown.index("zebra\nlong")
    ]
    assert shown_places(whole, shown, [whole.index("zebra\nlast")], 10) == [None]
    assert shown_places(whole, "", starts, 5) == [None] * 4


@pytest.mark.parametrize(
    ("shown", "query", "hidden"),
    [
        ("row 1\nrow 2", "okapi", True),  # only in the folded part
        ("row 1 okapi", "okapi", False),  # in sight already
        ("row 1 striped", "striped okapi", True),  # the whole phrase is further down
        ("row 1 STRIPED OKAPI", "striped okapi", False),  # any case
        ("row 1", "ｏｋａｐｉ", True),  # typed full-width, read as the search reads it
        ("row 1", "giraffe", False),  # not in the result at all: nothing to unfold for
        ("row 1", "  ", False),
    ],
)
def test_a_search_hit_hidden_by_a_fold(shown: str, query: str, hidden: bool) -> None:
    whole = "row 1\nrow 2\nrow 25: a striped okapi"
    assert hidden_by_fold(whole, shown, query) is hidden

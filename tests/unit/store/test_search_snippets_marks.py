"""A search snippet reads as one line of text: markdown's line marks are left out."""

from __future__ import annotations

from app.store.search import MATCH_END, MATCH_START, snippet

ANSWER = (
    "Intro line.\n\n> quoted words here\n> > nested quote\n\n"
    "| Name | Lang |\n|:--|--:|\n| layout | Go |\n\nand 3 > 2 holds, x->y too"
)


def plain(text: str) -> str:
    return text.replace(MATCH_START, "").replace(MATCH_END, "")


def test_quote_marks_and_table_alignment_rows_are_left_out() -> None:
    # "…a time > quoted…" and "· :-- · --: ·" read as noise in the sidebar.
    shown = plain(snippet(ANSWER, "quoted"))
    assert ">" not in shown.split("and 3")[0]
    assert "quoted words here nested quote" in shown
    assert ":--" not in shown
    assert "--:" not in shown


def test_a_greater_than_sign_inside_a_line_stays() -> None:
    shown = plain(snippet(ANSWER, "holds"))
    assert "3 > 2 holds, x->y too" in shown


def test_heading_marks_go_only_where_a_line_begins() -> None:
    text = "## Records in C#\n\nA C# record is x # y, see # notes"
    assert plain(snippet(text, "records")) == "Records in C# A C# record is x # y, see # notes"
    # A snippet that starts inside a line does not start at a heading mark.
    long = "word " * 20 + "# " + "b" * 55 + " records"
    assert plain(snippet(long, "records")) == "…# " + "b" * 55 + " records"

"""Tables whose text is small enough are not measured when an answer renders (see
wide_tables.surely_fit): the bound must never let through one that does not fit."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.rendering.markdown import render_markdown
from app.ui.transcript.wide_tables import data_tables, surely_fit
from tests.unit.ui.transcript.test_text_view import _table_view

WIDTH = 900  # room for one of the widest characters a cell, in a quote and a list
POINTS = 11.0


# Where the table is: the first line's prefix, and the others'.
PLACES = [("", ""), ("> ", "> "), ("- ", "  "), ("> - ", ">   ")]


def _markdown(cell: str, count: int, place: tuple[str, str]) -> str:
    text = cell * count
    first, rest = place
    return "\n".join(
        [f"{first}| {text} | {text} |", f"{rest}|---|---|", f"{rest}| {text} | {text} |"]
    )


def _most_sure(qtbot: QtBot, cell: str, place: tuple[str, str]) -> int:
    """The most ``cell`` characters a cell may hold for the table to count as sure to
    fit unmeasured."""
    view = _table_view(qtbot, "x", WIDTH, POINTS)
    document = view.document()
    page = WIDTH - 2 * document.documentMargin()
    for count in range(100):
        tables = render_markdown(_markdown(cell, count + 1, place), dark=False).tables
        assert len(tables) == 1
        if not surely_fit(tables, page, document.defaultFont()):
            return count
    raise AssertionError("any table counted as sure to fit")


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("cell", ["W", "@", "m ", "\u01c4", "\u8868", "\U0001f642", "\ufdfd"])
def test_a_table_counted_as_fitting_has_every_cell_on_one_line(
    qtbot: QtBot, cell: str, place: tuple[str, str]
) -> None:
    # Bold headers of the widest ASCII letter, a digraph wider than an em, CJK, an
    # emoji, the widest ligature: in the room a quote and a list leave too.
    count = _most_sure(qtbot, cell, place)
    assert count > 0  # small tables are spared the measuring (else this tests nothing)
    assert count < 60  # and the bound is no licence: a wide one is measured
    view = _table_view(qtbot, _markdown(cell, count, place), WIDTH, POINTS)
    tables = list(data_tables(view.document().rootFrame()))
    assert len(tables) == 1
    table = tables[0]
    for row in range(table.rows()):
        for column in range(table.columns()):
            block = table.cellAt(row, column).firstCursorPosition().block()
            assert block.text().strip() == (cell * count).strip()
            assert block.layout().lineCount() == 1, (row, column)
    assert view.horizontalScrollBar().maximum() == 0  # in the message's width

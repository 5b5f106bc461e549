"""`<br>` in model output is a line break; every other tag stays text."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QGuiApplication, QTextCursor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.rendering import render_markdown
from app.rendering.visible import visible_text
from tests.unit.rendering.test_markdown_qt import cell_text, load, tables

TABLE = (
    "| Step | Details |\n"
    "|------|---------|\n"
    "| 1 | Install Python<br>Then create a venv |\n"
    "| 2 | Run `pip install`<br/>and wait |\n"
    "| 3 | Open<br />the folder<BR>then run it |\n"
)


def test_br_in_a_table_cell_breaks_the_line(qapp: QApplication) -> None:
    # Models write it in tables all the time: it showed as "Install Python<br>Then...".
    document = load(qapp, render_markdown(TABLE, dark=False))
    [table] = tables(document.rootFrame())
    assert cell_text(table, 1, 1) == "Install Python\nThen create a venv"
    assert cell_text(table, 2, 1) == "Run pip install\nand wait"
    assert cell_text(table, 3, 1) == "Open\nthe folder\nthen run it"
    assert table.rows() == 4  # one row each still


def test_br_in_a_paragraph_breaks_the_line(qapp: QApplication) -> None:
    document = load(qapp, render_markdown("Line one<br>line two in a paragraph.", dark=False))
    assert document.begin().text() == "Line one\u2028line two in a paragraph."
    # Before a line's end or the text's it adds no empty line.
    document = load(qapp, render_markdown("First<br>\nsecond<br/>", dark=False))
    assert document.begin().text() == "First\u2028second"


@pytest.mark.parametrize(
    ("markdown", "shown"),
    [
        ("Press <kbd>Ctrl</kbd>+<kbd>C</kbd>", "Press <kbd>Ctrl</kbd>+<kbd>C</kbd>"),
        ("H<sub>2</sub>O and <b>bold</b>", "H<sub>2</sub>O and <b>bold</b>"),
        ("<script>alert(1)</script><br>x", "<script>alert(1)</script>\u2028x"),
        ("a <br/ > b <br x> c <brr> d", "a <br/ > b <br x> c <brr> d"),
        ("Escaped \\<br> stays", "Escaped <br> stays"),
        ("Code `a<br>b` span", "Code a<br>b span"),
    ],
)
def test_other_tags_and_code_keep_the_text_as_written(
    qapp: QApplication, markdown: str, shown: str
) -> None:
    document = load(qapp, render_markdown(markdown, dark=False))
    assert document.begin().text() == shown


def test_br_in_a_code_block_is_code(qapp: QApplication) -> None:
    source = 'html = "<p>one<br>two</p>"'
    document = load(qapp, render_markdown(f"```python\n{source}\n```", dark=False))
    [box] = tables(document.rootFrame())
    assert cell_text(box, 1, 0) == source


def test_find_sees_the_break_as_the_page_shows_it() -> None:
    assert "Install Python\nThen create a venv" in visible_text(TABLE)
    assert visible_text("`a<br>b`").strip() == "a<br>b"  # code as written


def test_copies_of_a_table_with_breaks(qtbot: QtBot) -> None:
    # A copied row stays one line of cells separated by tabs; Copy as Markdown gives
    # the answer as written.
    from tests.helpers.answer_view import answer_item

    item = answer_item(qtbot, TABLE)
    view = item.text
    cursor = QTextCursor(view.document())
    cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    view.copy()
    assert QGuiApplication.clipboard().text().splitlines() == [
        "Step\tDetails",
        "1\tInstall Python Then create a venv",
        "2\tRun pip install and wait",
        "3\tOpen the folder then run it",
    ]
    item.copy_markdown()
    assert QGuiApplication.clipboard().text() == TABLE

"""Column widths of a table too wide for its message: runs of text that cannot break set
each column's least width, a long one (a URL, a hash) may break inside, and the room
left is shared as a browser shares it."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextLength, QTextTable
from pytestqt.qtbot import QtBot

from app.ui.transcript.text_view import MessageText
from app.ui.transcript.wide_tables import Column, column_widths, data_tables
from tests.unit.ui.transcript.test_text_view import _table_view

URL = "https://example.com/a/very/long/path/that/does/not/break/anywhere/at/all"
GERMAN = "Donaudampfschifffahrtsgesellschaftskapitänswitwe"
MEANING = "a very long German word that should wrap"
WORDS_AND_URL = (
    f"| Word | Meaning |\n|------|---------|\n| {GERMAN} | {MEANING} |\n| [{URL}]({URL}) | URL |"
)
HASH = "3f2a9c7e1b8d4f6a0c2e5b7d9f1a3c5e7b9d0f2a"
MESSAGE = "Fix the flaky scheduler test that failed when the clock jumped back"
COMMIT = f"| Commit | Message |\n|---|---|\n| {HASH} | {MESSAGE} |"


def _table(view: MessageText) -> QTextTable:
    return next(data_tables(view.document().rootFrame()))


def _lines(table: QTextTable, row: int, column: int) -> list[str]:
    """The lines a cell's text is laid out in."""
    block = table.cellAt(row, column).firstCursorPosition().block()
    layout, text = block.layout(), block.text()
    return [
        text[line.textStart() : line.textStart() + line.textLength()].strip()
        for line in (layout.lineAt(n) for n in range(layout.lineCount()))
    ]


def _fixed(table: QTextTable) -> bool:
    return all(
        c.type() == QTextLength.Type.FixedLength for c in table.format().columnWidthConstraints()
    )


@pytest.mark.parametrize(("width", "points"), [(760, 16), (600, 10), (1000, 20)])
def test_a_long_url_leaves_the_other_columns_readable_and_the_table_fits(
    qtbot: QtBot, width: int, points: float
) -> None:
    # The URL, taken for one word, fixed its column that wide: the table went past the
    # message and "Meaning" got one word per line, six lines at 16 pt.
    view = _table_view(qtbot, WORDS_AND_URL, width, points)
    table = _table(view)
    assert _fixed(table)
    assert view.horizontalScrollBar().maximum() == 0  # all of it in sight
    assert view.document().size().width() <= width
    assert _lines(table, 1, 0) == [GERMAN]  # a real word stays whole while it can
    assert len(_lines(table, 1, 1)) <= 4  # two words a line at worst, not one
    assert " ".join(_lines(table, 1, 1)) == MEANING  # broken between words only
    url = _lines(table, 2, 0)
    assert 1 < len(url) <= 3
    assert all(line.endswith("/") for line in url[:-1])  # at its slashes, as Qt breaks it
    assert "".join(url) == URL


def test_a_long_hash_breaks_inside_rather_than_push_the_table_wide(qtbot: QtBot) -> None:
    view = _table_view(qtbot, COMMIT, 360, 10)
    table = _table(view)
    assert view.horizontalScrollBar().maximum() == 0
    assert "".join(_lines(table, 1, 0)) == HASH
    assert len(_lines(table, 1, 0)) > 1  # cut inside: it has nowhere else to break
    message = _lines(table, 1, 1)
    assert len(message) <= 4
    assert " ".join(message) == MESSAGE  # broken between words only


def test_a_real_word_breaks_only_when_the_table_cannot_fit_otherwise(qtbot: QtBot) -> None:
    # 300 px: less than the German word itself. It breaks, as the URL does, and the
    # table still fits, "Meaning" readable beside them.
    view = _table_view(qtbot, WORDS_AND_URL, 300, 10)
    table = _table(view)
    assert view.horizontalScrollBar().maximum() == 0
    assert "".join(_lines(table, 1, 0)) == GERMAN
    assert len(_lines(table, 1, 0)) > 1
    assert " ".join(_lines(table, 1, 1)) == MEANING
    assert len(_lines(table, 1, 1)) <= 4


def test_room_is_shared_in_proportion_to_each_columns_text() -> None:
    # No column less than its whole words; the rest as browsers share it.
    a, b = Column(whole=100, least=100, natural=400), Column(whole=50, least=50, natural=100)
    assert column_widths([a, b], 300) == [240, 60]
    assert column_widths([a, b], 500) == []  # all on one line: Qt's widths
    narrow = Column(whole=90, least=90, natural=100)
    assert column_widths([a, narrow], 300) == [210, 90]  # held at its words
    # Whole words do not fit: long runs may break, down to their least width.
    long_run = Column(whole=400, least=170, natural=600)
    assert column_widths([long_run, narrow], 300) == [210, 90]
    # Not even that: the least widths, wider than the room (the message scrolls).
    assert column_widths([long_run, narrow, narrow], 300) == [170, 90, 90]


NOTE = "Runs containers across many machines, restarting them when they fail and scaling them"
TOOL = f"| Tool | What it does |\n|---|---|\n| Kubernetes | {NOTE} |"


def _within(prefix: str, markdown: str) -> str:
    return "\n".join(prefix + line for line in markdown.splitlines())


@pytest.mark.parametrize(
    "markdown",
    [
        "> A quote:\n>\n" + _within("> ", TOOL),
        "- A list item:\n\n" + _within("  ", TOOL),
        "1. Ordered\n   - nested:\n\n" + _within("     ", TOOL),
    ],
)
@pytest.mark.parametrize("points", [10, 16])
def test_a_table_in_a_quote_or_a_list_fits_in_the_room_there(
    qtbot: QtBot, markdown: str, points: float
) -> None:
    # Fitted to the whole width of the message, it went past its right edge by the
    # quote's bar or the list's indent, and the message scrolled sideways; at 16 pt by
    # what the list's indent there has more than Qt's 40 px (see list_room).
    view = _table_view(qtbot, markdown, 600, points)
    table = _table(view)
    assert _fixed(table)  # its note does not fit on one line
    assert view.document().size().width() <= 600
    assert view.horizontalScrollBar().maximum() == 0
    assert " ".join(_lines(table, 1, 1)) == NOTE


def test_a_text_size_change_fits_the_columns_to_the_words_new_size(qtbot: QtBot) -> None:
    # Fitted at 10 pt, the columns kept their widths at 16 pt: the German word, larger,
    # was cut, and a table in a list item went past the edge by its larger indent.
    from PySide6.QtGui import QFont

    markdown = f"{WORDS_AND_URL}\n\n- A list item:\n\n" + _within("  ", TOOL)
    view = _table_view(qtbot, markdown, 760, 10)
    larger = QFont(view.font())
    larger.setPointSizeF(16)
    view.setFont(larger)
    fresh = _table_view(qtbot, markdown, 760, 16)
    tables = list(data_tables(view.document().rootFrame()))
    widths = [[c.rawValue() for c in t.format().columnWidthConstraints()] for t in tables]
    assert widths == [
        [c.rawValue() for c in t.format().columnWidthConstraints()]
        for t in data_tables(fresh.document().rootFrame())
    ]
    assert _lines(tables[0], 1, 0) == [GERMAN]
    assert view.document().size().width() <= 760


def test_a_message_with_no_width_yet_leaves_its_tables_alone(qtbot: QtBot) -> None:
    # Fitted to a width of 0 (a font change before its first layout), the table was
    # fixed at its least widths, to be fitted and laid out again once it had a width.
    from PySide6.QtGui import QFont

    from app.ui.transcript.markdown_document import MarkdownDocument

    view = MessageText(images=None)
    qtbot.addWidget(view)
    MarkdownDocument(view.document(), math=None, dark=False).set_markdown(WORDS_AND_URL)
    larger = QFont(view.font())
    larger.setPointSizeF(16)
    view.setFont(larger)
    assert not _fixed(_table(view))

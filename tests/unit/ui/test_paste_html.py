"""Pasting into the fields questions are typed in, and into line fields: a clipboard that
holds a page only as HTML pastes its text (it pasted nothing); plain text, when there is
some, wins."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from app.quick.quick_input import QuickInput
from app.ui.composer import ComposerEdit
from app.ui.find_bar import FindBar
from app.ui.plain_text_field import pastes_html
from app.ui.transcript.question_editor import QuestionEditor

PAGE = (
    "<html><head><style>p { color: red }</style><script>alert(1)</script></head><body>"
    '<p>Hello&nbsp;<b>world</b></p><img src="http://127.0.0.1:9/x.png">'
    "<ul><li>one</li><li>two</li></ul></body></html>"
)


def _question_field() -> tuple[QWidget, QPlainTextEdit]:
    editor = QuestionEditor("")
    return editor, editor.field


def _alone(field: QPlainTextEdit) -> tuple[QWidget, QPlainTextEdit]:
    return field, field


# Each field with the widget that holds it.
FIELDS: dict[str, Callable[[], tuple[QWidget, QPlainTextEdit]]] = {
    "composer": lambda: _alone(ComposerEdit()),
    "question editor": _question_field,
    "quick prompt": lambda: _alone(QuickInput()),
}


@pytest.fixture
def clipboard(qapp: QApplication) -> Iterator[Callable[[QMimeData], None]]:
    board = QGuiApplication.clipboard()
    yield board.setMimeData
    board.clear()


def _mime(*, html: str = "", text: str | None = None) -> QMimeData:
    data = QMimeData()
    if html:
        data.setHtml(html)
    if text is not None:
        data.setText(text)
    return data


def _pasted(qtbot: QtBot, name: str) -> tuple[QWidget, QPlainTextEdit]:
    """The field after Ctrl+V, with its holder (kept: the field goes with it)."""
    owner, field = FIELDS[name]()
    qtbot.addWidget(owner)
    owner.show()
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    return owner, field


@pytest.mark.parametrize("name", list(FIELDS))
def test_html_alone_pastes_its_text(
    qtbot: QtBot, clipboard: Callable[[QMimeData], None], name: str
) -> None:
    clipboard(_mime(html=PAGE))
    _owner, field = _pasted(qtbot, name)
    # The words, a line for each paragraph, list items marked; no style, script or
    # image placeholder.
    assert field.toPlainText() == "Hello world\n- one\n- two"
    assert field.canPaste()


@pytest.mark.parametrize("name", list(FIELDS))
def test_plain_text_is_pasted_when_there_is_some(
    qtbot: QtBot, clipboard: Callable[[QMimeData], None], name: str
) -> None:
    clipboard(_mime(html=PAGE, text="the **plain** one"))
    _owner, field = _pasted(qtbot, name)
    assert field.toPlainText() == "the **plain** one"


# A table copied from a web page or a spreadsheet keeps its columns, as Markdown.

TABLE_PAGE = (
    "<p>Prices:</p><table><thead><tr><th>Name</th><th>Price | EUR</th></tr></thead>"
    "<tbody><tr><td>Tea</td><td>3</td></tr><tr><td>Coffee<br>  large</td><td>4</td></tr>"
    "</tbody></table><p>Thanks</p>"
)


@pytest.mark.parametrize("name", list(FIELDS))
def test_a_table_of_html_alone_pastes_as_a_markdown_table(
    qtbot: QtBot, clipboard: Callable[[QMimeData], None], name: str
) -> None:
    clipboard(_mime(html=TABLE_PAGE))
    _owner, field = _pasted(qtbot, name)
    assert field.toPlainText() == (
        "Prices:\n"
        "\n"
        "| Name | Price \\| EUR |\n"  # a bar of a cell escaped: not a column of its own
        "| --- | --- |\n"
        "| Tea | 3 |\n"
        "| Coffee large | 4 |\n"  # a row is one line
        "\n"
        "Thanks"
    )


def test_tables_side_by_side_with_spans_and_a_table_in_a_cell(
    qtbot: QtBot, clipboard: Callable[[QMimeData], None]
) -> None:
    clipboard(
        _mime(
            html="<div><p>Intro</p><table><tr><td>a</td><td>b</td></tr></table></div>"
            "<table><tr><td colspan=2>wide</td></tr>"
            '<tr><td rowspan=2>tall<img src="http://127.0.0.1:9/x.png"></td><td>1</td></tr>'
            "<tr><td>2</td></tr>"
            "<tr><td>in<table><tr><td>n1</td><td>n2</td></tr></table></td><td></td></tr>"
            "</table>"
        )
    )
    _owner, field = _pasted(qtbot, "composer")
    assert field.toPlainText() == (
        "Intro\n\n"
        "| a | b |\n| --- | --- |\n\n"
        "| wide |  |\n| --- | --- |\n| tall | 1 |\n|  | 2 |\n| in n1 n2 |  |"
    )


# Links keep their addresses, as Markdown: the words alone told the model nothing.

LINK_PAGE = (
    '<p>Read <a href="https://example.org/a_(b)?q=1">the <b>whole</b> guide [v2]</a>, '
    '<a href="https://example.org/">https://example.org/</a> or '
    '<a href="mailto:me@example.org">me@example.org</a>, '
    '<a href="mailto:me@example.org?subject=Hi">write</a>.</p>'
    '<p><a href="javascript:alert(1)">run</a> <a href="/relative/page">here</a> '
    '<a href="file:///etc/passwd">file</a> '
    '<a href="https://example.org/pic"><img src="http://127.0.0.1:9/x.png"></a></p>'
    '<table><tr><th>Site</th></tr><tr><td><a href="http://example.com">Ex</a></td></tr></table>'
)


def test_links_of_html_alone_paste_as_markdown_links(
    qtbot: QtBot, clipboard: Callable[[QMimeData], None]
) -> None:
    clipboard(_mime(html=LINK_PAGE))
    # The question editor and the quick prompt are PlainTextFields too (tested above).
    _owner, field = _pasted(qtbot, "composer")
    assert field.toPlainText().splitlines() == [
        "Read [the whole guide \\[v2\\]](https://example.org/a_%28b%29?q=1), "
        "https://example.org/ or me@example.org, [write](mailto:me@example.org?subject=Hi).",
        # Only web and mail addresses: the others keep their words alone.
        "run here file https://example.org/pic",
        "",
        "| Site |",
        "| --- |",
        "| [Ex](http://example.com) |",
    ]


def test_lists_of_html_alone_paste_as_markdown_lists(
    qtbot: QtBot, clipboard: Callable[[QMimeData], None]
) -> None:
    # Their items came as bare lines: the bullets and numbers were lost (QA).
    clipboard(
        _mime(
            html="<p>Steps</p><ul><li>Item <b>bold</b></li><li>Two<ul><li>Nested</li></ul>"
            "</li></ul><ol start=7><li>seven</li><li>eight</li></ol><p>End</p>"
        )
    )
    _owner, field = _pasted(qtbot, "composer")
    assert field.toPlainText().splitlines() == [
        "Steps",
        "- Item bold",
        "- Two",
        "  - Nested",
        "7. seven",
        "8. eight",
        "End",
    ]


# Line fields: QLineEdit pastes only text/plain (Search chats, Find, rename, Settings).


def _line_field(qtbot: QtBot) -> QLineEdit:
    field = QLineEdit()
    pastes_html(field)
    qtbot.addWidget(field)
    field.show()
    field.setFocus()
    return field


def test_the_find_field_pastes_html_alone_as_one_line(
    qtbot: QtBot, clipboard: Callable[[QMimeData], None]
) -> None:
    bar = FindBar()
    qtbot.addWidget(bar)
    bar.show()
    bar.open_bar()
    bar.field.setText("say ")
    clipboard(_mime(html=PAGE))
    qtbot.keyClick(bar.field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert bar.field.text() == "say Hello world one two"  # its lines joined by spaces


def test_a_line_field_pastes_plain_text_when_there_is_some(
    qtbot: QtBot, clipboard: Callable[[QMimeData], None]
) -> None:
    field = _line_field(qtbot)
    clipboard(_mime(html=PAGE, text="the plain one"))
    qtbot.keyClick(field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert field.text() == "the plain one"
    field.setReadOnly(True)
    clipboard(_mime(html=PAGE))
    qtbot.keyClick(field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert field.text() == "the plain one"


def test_a_line_field_s_menu_pastes_html_alone_over_the_selection(
    qtbot: QtBot, clipboard: Callable[[QMimeData], None]
) -> None:
    field = _line_field(qtbot)
    field.setText("before after")
    field.setSelection(0, 6)  # "before"
    clipboard(_mime(html="<p>Hello</p><p>world</p>"))
    menu_event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, QPoint(5, 5), field.mapToGlobal(QPoint(5, 5))
    )
    QApplication.sendEvent(field, menu_event)
    [menu] = [m for m in field.findChildren(QMenu) if m.isVisible()]
    [paste] = [a for a in menu.actions() if a.objectName() == "edit-paste"]
    assert paste.isEnabled()  # Qt greys it out without plain text
    paste.trigger()
    menu.close()
    assert field.text() == "Hello world after"

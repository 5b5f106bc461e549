"""Copying selected text of an answer gives text a reader can paste anywhere."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QGuiApplication, QImage, QTextCursor
from pytestqt.qtbot import QtBot

import app
from app.rendering import render_markdown
from app.ui.transcript.text_view import MessageText
from tests.unit.rendering.helpers import FakeMath

ANSWER = (
    "Math inline $x^2$ and \\(y\\).\n\n"
    "```python\ndef f():\n\n    return 1  \n```\n\n"
    "1. one\n2. two\n   - sub\n\n"
    "| Name | Value |\n|---|--:|\n| pi | 3.14 |\n| e | 2.72 |\n\n"
    "> quoted\n\n"
    "A claim[^1].\n\n"
    "\\[\nE = mc^2\n\\]\n\n"
    "[^1]: The note.\n"
)

COPIED = (
    "Math inline $x^2$ and \\(y\\).\n\n"
    "def f():\n\n    return 1  \n\n"
    "1. one\n2. two\n  - sub\n\n"
    "Name\tValue\npi\t3.14\ne\t2.72\n\n"
    "quoted\n\n"
    "A claim[1].\n\n"
    "\\[E = mc^2\\]\n\n"
    "1. The note."
)


class _Images:
    """Every formula drawn: a small picture."""

    def image(self, url: QUrl) -> QImage:
        image = QImage(20, 10, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.black)
        return image


def _view(qtbot: QtBot, markdown: str) -> MessageText:
    view = MessageText(_Images())
    qtbot.addWidget(view)
    view.setHtml(render_markdown(markdown, dark=False, math=FakeMath()).html)
    view.resize(600, 600)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_select_all_and_copy_gives_the_text_as_written(qtbot: QtBot) -> None:
    view = _view(qtbot, ANSWER)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    copied = QGuiApplication.clipboard().text()
    assert "\ufffc" not in copied  # formulas are their TeX
    assert "Copy" not in copied  # no code block header
    assert copied == COPIED
    # Again: under X11 each selection is copied once already (the primary selection),
    # and the second copy of a document with a table or code block copied nothing.
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == COPIED


HELLO, WISE_WORDS, THANKS = "مرحبا", "كلمات حكيمة", "شكرا"


def test_a_right_to_left_quote_copies_its_text(qtbot: QtBot) -> None:
    # Its bar is the table's second cell (on the right): the text is the first.
    view = _view(qtbot, f"{HELLO}\n\n> {WISE_WORDS}\n\n{THANKS}")
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == f"{HELLO}\n\n{WISE_WORDS}\n\n{THANKS}"


def test_half_a_paragraph_and_a_formula(qtbot: QtBot) -> None:
    view = _view(qtbot, "Before. Math inline $x^2$ and more words after.")
    document = view.document()
    cursor = QTextCursor(document)
    cursor.setPosition(document.find("inline").selectionStart())
    cursor.setPosition(document.find("more").selectionEnd(), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    view.copy()
    assert QGuiApplication.clipboard().text() == "inline $x^2$ and more"


def _select(view: MessageText, first: str, last: str) -> str:
    document = view.document()
    cursor = QTextCursor(document)
    cursor.setPosition(document.find(first).selectionStart())
    cursor.setPosition(document.find(last).selectionEnd(), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    view.copy()
    return QGuiApplication.clipboard().text()


def test_part_of_a_table_is_rows_of_cells_separated_by_tabs(qtbot: QtBot) -> None:
    view = _view(qtbot, "| a | b | c |\n|---|---|---|\n| 1 | 2 | 3 |\n| 4 | 5 | 6 |\n\nAfter.")
    assert _select(view, "2", "6") == "2\t3\n5\t6"


def test_part_of_a_code_block_is_its_text(qtbot: QtBot) -> None:
    view = _view(qtbot, "```python\nline one\n    line two\nline three\n```\n")
    assert _select(view, "one", "two") == "one\n    line two"


def test_copying_code_or_a_table_leaves_the_document_usable(qtbot: QtBot) -> None:
    # The message's renderer keeps the document it was given (MarkdownDocument): a
    # copy across a code block or a table made PySide drop that object, and the next
    # rendering (a theme change) failed with "QTextDocument already deleted".
    view = _view(qtbot, "Intro.\n\n```python\nx = 1\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    held = view.document()
    view.selectAll()
    view.copy()
    assert QGuiApplication.clipboard().text() == "Intro.\n\nx = 1\n\na\tb\n1\t2"
    assert held.toPlainText().startswith("Intro.")


def test_a_question_copies_as_typed(qtbot: QtBot) -> None:
    view = MessageText(_Images())
    qtbot.addWidget(view)
    view.markdown = False
    view.setPlainText("first line\n\n$not math$ | a |\n- b")
    view.selectAll()
    view.copy()
    assert QGuiApplication.clipboard().text() == "first line\n\n$not math$ | a |\n- b"


RIGHT_TO_LEFT = "استخدم `print()` لطباعة النص."


def _left_to_right(view: MessageText, code: str) -> bool:
    """Whether ``code`` is laid out as it reads: each place between its characters right
    of the one before (its ends border on the right-to-left text)."""
    document = view.document()  # held: PySide drops what is reached through a temporary
    block = document.begin()
    layout = block.layout()
    start = block.text().index(code)
    line = layout.lineForTextPosition(start)
    xs = [line.cursorToX(start + k)[0] for k in range(1, len(code))]
    return all(a < b for a, b in itertools.pairwise(xs))


def test_inline_code_in_right_to_left_text_reads_left_to_right(qtbot: QtBot) -> None:
    view = _view(qtbot, RIGHT_TO_LEFT)
    document = view.document()
    block = document.begin()
    assert block.textDirection() == Qt.LayoutDirection.RightToLeft
    assert _left_to_right(view, "print()")  # not "()print"
    view.selectAll()
    view.copy()
    assert QGuiApplication.clipboard().text() == "استخدم print() لطباعة النص."
    assert _select(view, "print", "()") == "print()"


def test_left_to_right_text_gets_no_isolates(qtbot: QtBot) -> None:
    view = _view(qtbot, "Use `print()` here.")
    assert view.document().toPlainText() == "Use print() here."


def test_the_copy_is_plain_text_alone(qtbot: QtBot) -> None:
    view = _view(qtbot, ANSWER)
    view.selectAll()
    view.copy()
    copied = QGuiApplication.clipboard().mimeData()
    assert copied is not None
    assert copied.formats() == ["text/plain"]
    assert copied.text() == COPIED


def test_quitting_after_a_copy_ends_cleanly() -> None:
    # The clipboard keeps the copy after the program's Python has ended (offscreen and
    # minimal platforms delete it in C++'s own clean-up): a copy made in Python then
    # crashed the program as it quit.
    script = textwrap.dedent(
        """
        from PySide6.QtWidgets import QApplication

        from app.rendering import render_markdown
        from app.ui.transcript.text_view import MessageText

        application = QApplication([])
        view = MessageText(None)
        view.setHtml(render_markdown("Some *words* to copy.", dark=False).html)
        view.selectAll()
        view.copy()
        print(QApplication.clipboard().text())
        """
    )
    finished = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(app.__file__).parent.parent,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert finished.stdout == "Some words to copy.\n"
    assert finished.returncode == 0, finished.stderr

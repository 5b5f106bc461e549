"""Code reads left to right, all of it in its box, whatever language its comments are in."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextBlock, QTextCursor, QTextTable
from pytestqt.qtbot import QtBot

from app.ui.transcript.markdown_document import MarkdownDocument
from app.ui.transcript.text_view import MessageText
from tests.helpers.answer_view import answer_view

RIGHT_TO_LEFT_CODE = (
    "```python\n"
    "def greet(name):\n"
    "    # قل مرحبا للمستخدم\n"
    '    print("שלום", name)\n'
    '    return "مرحبا"\n'
    "```\n\n"
    "```text\n"
    "שלום עולם\n"
    "hello world\n"
    "```\n"
)


def _view(qtbot: QtBot, markdown: str, points: float) -> MessageText:
    view, document = answer_view(qtbot, points, width=520)
    document.set_markdown(markdown)
    view.resize(520, view.text_height())
    return view


def _code_lines(view: MessageText, table: QTextTable) -> list[QTextBlock]:
    cell = table.cellAt(1, 0)
    block = view.document().findBlock(cell.firstPosition())
    lines = []
    while block.isValid() and block.position() <= cell.lastPosition():
        lines.append(block)
        block = block.next()
    return lines


@pytest.mark.parametrize("points", [9, 16])
def test_code_with_arabic_or_hebrew_lines_reads_left_to_right_in_its_box(
    qtbot: QtBot, points: float
) -> None:
    # Qt chose each line's direction from its first letter: the comment and the Hebrew
    # line were right to left, pushed to the right, their first row (pulled back by the
    # hanging indent of wrapped code) out of the box, "#" and a letter cut off.
    view = _view(qtbot, RIGHT_TO_LEFT_CODE, points)
    document = view.document()
    layout = document.documentLayout()
    tables = document.rootFrame().childFrames()
    assert len(tables) == 2
    for table in tables:
        assert isinstance(table, QTextTable)
        starts = set()
        for block in _code_lines(view, table):
            assert block.textDirection() == Qt.LayoutDirection.LeftToRight, block.text()
            area = layout.blockBoundingRect(block)  # the code's room in its box
            text_layout = block.layout()
            for row in range(text_layout.lineCount()):
                rect = text_layout.lineAt(row).naturalTextRect().translated(area.topLeft())
                assert area.left() <= rect.left(), block.text()
                assert rect.right() <= area.right(), block.text()
            # Each line starts at the left, its indentation kept.
            starts.add(text_layout.lineAt(0).naturalTextRect().left())
        assert len(starts) == 1
    # "#" where "print" and "return" start, under "def"'s body.
    comment, call = QTextCursor(document), QTextCursor(document)
    comment.setPosition(document.find("#").selectionStart())
    call.setPosition(document.find("print").selectionStart())
    assert view.cursorRect(comment).left() == view.cursorRect(call).left()


def test_inline_code_and_code_blocks_in_right_to_left_text(qtbot: QtBot) -> None:
    # The paragraph keeps its own direction; only the code in it is isolated.
    markdown = "ثبّت الحزمة باستخدام `pip install requests` ثم تابع.\n\n```\nשלום\n```\n"
    view = _view(qtbot, markdown, 10)
    paragraph = view.document().begin()
    assert paragraph.textDirection() == Qt.LayoutDirection.RightToLeft
    cursor = view.document().find("pip install")
    line = paragraph.layout().lineForTextPosition(cursor.selectionStart() - paragraph.position())
    start = cursor.selectionStart()
    offsets = range(start + 1, start + len("pip install requests"))  # between its characters
    xs = [line.cursorToX(at - paragraph.position())[0] for at in offsets]  # type: ignore[index]
    assert xs == sorted(xs)  # each character right of the one before
    code = view.document().find("שלום")
    assert QTextCursor(code).block().textDirection() == Qt.LayoutDirection.LeftToRight


def _missing_glyphs(block: QTextBlock) -> int:
    """Characters of ``block`` drawn as an empty box: the font's glyph 0."""
    block.document().documentLayout().blockBoundingRect(block)  # laid out
    text_layout = block.layout()
    return sum(
        list(run.glyphIndexes()).count(0)
        for row in range(text_layout.lineCount())
        for run in text_layout.lineAt(row).glyphRuns()
    )


@pytest.mark.parametrize("dark", [False, True])
def test_italic_arabic_in_code_shows_its_letters(qtbot: QtBot, dark: bool) -> None:
    # Emphasis in a Markdown block is italic (the dark theme's comments were too); fonts
    # such as DejaVu have no italic Arabic letters, and Qt drew each as an empty box.
    # English emphasis stays italic.
    view, _ = answer_view(qtbot, 10)
    markdown = "```markdown\nSay *تعليق بالعربية* now\n\nSay *an English emphasis* now\n```"
    MarkdownDocument(view.document(), math=None, dark=dark).set_markdown(markdown)
    document = view.document()
    arabic = document.find("تعليق")
    assert _missing_glyphs(arabic.block()) == 0
    english = document.find("English")
    assert english.charFormat().fontItalic()

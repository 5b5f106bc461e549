"""A numbered list shows its numbers with the delimiter it was written with: "1." or "1)"."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QGuiApplication, QTextCursor
from pytestqt.qtbot import QtBot

from tests.helpers.answer_view import answer_item, answer_view
from tests.unit.ui.transcript.test_list_room import NUMBERS, _check_numbers

ANSWER = "1) first\n2) second\n\nThen:\n\n3) third\n4) fourth\n\nAnd:\n\n1. dotted\n2. again\n"


def test_numbers_keep_a_parenthesis(qtbot: QtBot) -> None:
    # CommonMark keeps the delimiter; Qt drew "1." "2." for "1)" "2)".
    item = answer_item(qtbot, ANSWER)
    document = item.text.document()

    def marker(words: str) -> str:
        block = document.find(words).block()
        return block.textList().itemText(block)  # what Qt draws before the item

    words = ["first", "second", "third", "fourth", "dotted", "again"]
    assert [marker(w) for w in words] == ["1)", "2)", "3)", "4)", "1.", "2."]
    # A copy of the selection gives the numbers as shown, Copy as Markdown the source.
    cursor = QTextCursor(document)
    cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
    item.text.setTextCursor(cursor)
    item.text.copy()
    assert QGuiApplication.clipboard().text() == (
        "1) first\n2) second\n\nThen:\n\n3) third\n4) fourth\n\nAnd:\n\n1. dotted\n2. again"
    )
    item.copy_markdown()
    assert QGuiApplication.clipboard().text() == ANSWER


@pytest.mark.parametrize("points", [9, 16])
def test_numbers_with_a_parenthesis_show_whole(qtbot: QtBot, points: float) -> None:
    # ")" is a little wider than ".": the numbers still fit their room ("99)" too).
    view, document = answer_view(qtbot, points)
    document.set_markdown(re.sub(r"^( *\d+)\. ", r"\1) ", NUMBERS, flags=re.MULTILINE))
    block = view.document().find("ninety-nine").block()
    assert block.textList().itemText(block) == "99)"
    _check_numbers(view)


def test_a_streamed_list_keeps_its_parenthesis(qtbot: QtBot) -> None:
    view, document = answer_view(qtbot, 10)
    for start in range(0, len(ANSWER), 5):
        document.append(ANSWER[start : start + 5])
        document.flush()
    document.flush(final=True)
    block = view.document().find("fourth").block()
    assert block.textList().itemText(block) == "4)"

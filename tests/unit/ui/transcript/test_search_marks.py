"""A search hit's marks in the opened message: what the search counted as matches,
whole words and the prefix being typed, not the query's letters inside other words;
Chinese and Japanese terms inside runs of characters still."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QTextEdit

from app.ui.transcript.marks import mark


def _marked(content: str, query: str) -> tuple[list[str], str | None]:
    """The marked texts, and the text at the place to show."""
    text = QTextEdit()
    text.setPlainText(content)
    count, place = mark(text, query)
    marks = [selection.cursor.selectedText() for selection in text.extraSelections()]
    assert count == len(marks)
    return marks, None if place is None else place.selectedText()


def test_a_word_inside_another_is_not_marked(qapp: QApplication) -> None:
    content = "pelkaquipel, Pel and pelican; kaqui pel"
    assert _marked(content, "pel ") == (["Pel", "pel"], "Pel")
    # Typed: the last word is a prefix, as the search reads it.
    assert _marked(content, "pel")[0] == ["pelkaquipel", "Pel", "pelican", "pel"]
    assert _marked(content, "kaqui pel ") == (["Pel", "kaqui", "pel"], "kaqui pel")


def test_symbols_and_accents_as_the_search_reads_them(qapp: QApplication) -> None:
    assert _marked("C# and C++ in Ünïcode", "c# unicode ")[0] == ["C#", "Ünïcode"]
    assert _marked("C# and C++", "C++")[0] == ["C++"]


@pytest.mark.parametrize(
    ("content", "query", "marked"),
    [
        ("私は東京に住んでいます。東京", "東京", ["東京", "東京"]),
        ("我用Python写代码。", "python", ["Python"]),
        ("データ分析には Python を使います。", "Ｐｙｔｈｏｎ", ["Python"]),
        ("私はデータを使います。", "ﾃﾞｰﾀ", ["データ"]),
        ("私はＰａｎｄａＸが好きです。", "pandax", ["ＰａｎｄａＸ"]),
    ],
)
def test_cjk_terms_are_marked_inside_runs(
    qapp: QApplication, content: str, query: str, marked: list[str]
) -> None:
    assert _marked(content, query)[0] == marked


def test_nothing_found_marks_nothing(qapp: QApplication) -> None:
    assert _marked("kaquipelvo", "pel ") == ([], None)

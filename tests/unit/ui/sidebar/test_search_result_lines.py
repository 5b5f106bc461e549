"""Search results' lines in Chinese and Japanese, written without spaces: they break
between characters, as those languages do, instead of dropping a run that does not fit."""

from __future__ import annotations

import unicodedata

import pytest
from PySide6.QtGui import QFont, QFontMetrics

from app.store import MATCH_END, MATCH_START
from app.ui.sidebar.line_breaks import segments
from app.ui.sidebar.results import SNIPPET_LINES, lay_out_marked, lead_in, room_in
from tests.unit.ui.sidebar.helpers import OFFSCREEN_NOISE

pytestmark = pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE)

Placed = list[tuple[int, int, str, bool]]


def _metrics() -> tuple[QFontMetrics, QFontMetrics]:
    font = QFont()
    font.setPixelSize(14)
    bold = QFont(font)
    bold.setBold(True)
    return QFontMetrics(font), QFontMetrics(bold)


def _lines(placed: Placed) -> list[str]:
    lines: dict[int, str] = {}
    for line, _, text, _ in placed:
        lines[line] = lines.get(line, "") + text
    return [lines[line] for line in sorted(lines)]


def _plain(marked: str) -> str:
    return marked.replace(MATCH_START, "").replace(MATCH_END, "")


def test_a_cjk_title_is_cut_at_a_character(qapp: object) -> None:
    # It showed "会話223…": the rest, without spaces, was one word that did not fit.
    metrics = _metrics()
    title = f"会話223 {MATCH_START}データベース{MATCH_END}はPostgreSQLを使います。"
    width = (
        metrics[0].horizontalAdvance("会話223 ")
        + metrics[1].horizontalAdvance("データベース")
        + metrics[0].horizontalAdvance("は…")
        + 2
    )
    placed = lay_out_marked(title, metrics, width, 1)
    assert _lines(placed) == ["会話223データベースは…"]
    assert all(x + metrics[bold].horizontalAdvance(text) <= width for _, x, text, bold in placed)


@pytest.mark.parametrize(
    "marked",
    [
        "…这是一个测试句子，包含很多中文字符，然后是一个特别的词："
        f"{MATCH_START}熊猫{MATCH_END}，后面还有一些文字。…",
        f"…日本語のテキストです。私は{MATCH_START}TypeScript{MATCH_END}で"
        "ウェブアプリケーションを開発しています。毎日コードを書きます。…",
    ],
    ids=["chinese", "japanese"],
)
def test_cjk_snippet_lines_are_filled_and_break_between_characters(
    qapp: object, marked: str
) -> None:
    # A run that did not fit its line went whole to the next (the line ended right
    # after the match) or was dropped (a line holding only "…").
    metrics = _metrics()
    plain = _plain(marked)
    for width in range(150, 400, 13):
        placed = lay_out_marked(marked, metrics, width, SNIPPET_LINES)
        lines = _lines(placed)
        assert all(line.strip("…") for line in lines), (width, lines)
        shown = "".join(lines)
        whole = shown == plain
        assert whole or plain.startswith(shown.removesuffix("…")), (width, lines)
        first = [piece for piece in placed if piece[0] == 0]
        if len(lines) > 1:  # the first line is full: what follows, up to where a line
            # may break, did not fit (measured bold, the wider)
            _, x, text, bold = first[-1]
            end = x + metrics[bold].horizontalAdvance(text)
            following = segments(lines[1])[0]
            assert end + metrics[1].horizontalAdvance(following) > width, (width, lines)
            assert lines[1][0] not in "。，、：", (width, lines)  # never begins a line


def test_latin_text_still_breaks_at_spaces_only(qapp: object) -> None:
    assert segments("data-frame at http://a.b/c, ok") == [
        "data-frame",
        " ",
        "at",
        " ",
        "http://a.b/c,",
        " ",
        "ok",
    ]
    # Between CJK characters, and next to them, but "。" and "ー" stay on their
    # character; a Latin word glued to them stays whole.
    assert segments("私はPostgreSQLを使います。 data-frame") == [
        *["私", "は", "PostgreSQL", "を", "使", "い", "ま", "す。"],
        *[" ", "data-frame"],
    ]


def test_the_lead_in_of_a_cjk_snippet_keeps_the_characters_that_fit(qapp: object) -> None:
    # Its context was one word: cut, all of it went ("…熊猫"), though half a line
    # holds several characters.
    metrics = _metrics()[0]
    # Longer than two lines with any font's glyphs for these characters (a machine
    # without a Chinese font draws narrower boxes, and the whole of a shorter one fit).
    before = "这是一个测试句子，包含很多中文字符，" * 3 + "然后是一个特别的词："
    marked = f"…{before}{MATCH_START}熊猫{MATCH_END}，后面还有很多很多很多很多很多文字。"
    width = 240
    shown = lead_in(marked, metrics, width // 2, room_in(marked, metrics, width, SNIPPET_LINES))
    kept = shown.partition(MATCH_START)[0].removeprefix("…")
    assert kept
    assert before.endswith(kept)
    assert metrics.horizontalAdvance(f"…{kept}") <= width // 2
    assert metrics.horizontalAdvance(f"…{before[-len(kept) - 2 :]}") > width // 2


def test_text_passed_over_as_having_no_wide_character_has_none() -> None:
    # Text without a character of the quick check's ranges breaks at whitespace alone,
    # unlooked at: every wide character of this Python's Unicode must be in them.
    from app.ui.sidebar import line_breaks

    missed = [
        hex(code)
        for code in range(0x80, 0x40000)
        if line_breaks._wide(chr(code))
        and unicodedata.category(chr(code)) != "Cn"  # unassigned: in no text
        and not line_breaks._MAYBE_WIDE.match(chr(code))
    ]
    assert missed == []
    # The same pieces either way, in Latin text with an ellipsis and in mixed text.
    latin = "…the café's crème brûlée — “naïve” résumé…"
    assert segments(latin) == latin.replace(" ", "\0 \0").split("\0")
    mixed = ["Voir", " ", "会", "話", "223", " ", "—", " ", "fin…"]
    assert segments("Voir 会話223 — fin…") == mixed

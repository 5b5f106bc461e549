"""Hebrew and Arabic in the sidebar's rows and search results: drawn as Qt lays the text
out (right to left, from the right), matches still bold, "…" at the left end."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QPainter,
    QPalette,
    QStandardItem,
    QStandardItemModel,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QFrame, QListView
from pytestqt.qtbot import QtBot

from app.store import MATCH_END, MATCH_START
from app.ui.sidebar.delegate import PADDING_X, ConversationDelegate
from app.ui.sidebar.results import paint_marked
from tests.unit.ui.sidebar.helpers import OFFSCREEN_NOISE

pytestmark = pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE)

WHITE = QColor("white")
RED = QColor("red")


def _fonts() -> tuple[QFont, QFont]:
    font = QFont()
    font.setPixelSize(14)
    bold = QFont(font)
    bold.setBold(True)
    return font, bold


def _red_columns(image: QImage) -> list[int]:
    return [
        x
        for x in range(image.width())
        for y in range(image.height())
        if (color := image.pixelColor(x, y)).red() > 150 and color.green() < 110
    ]


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _qt_drawn(marked: str, width: int, left: int) -> list[int]:
    """The columns of the match's (red) ink as Qt draws the text itself: a
    QTextDocument, which finds the text's direction and aligns it by itself."""
    font, bold = _fonts()
    before, _, rest = marked.partition(MATCH_START)
    match, _, after = rest.partition(MATCH_END)
    document = QTextDocument()
    document.setDefaultFont(font)
    document.setDocumentMargin(0)
    document.setPlainText(before + match + after)
    document.setTextWidth(width)
    cursor = QTextCursor(document)
    cursor.setPosition(_utf16(before))
    cursor.setPosition(_utf16(before + match), QTextCursor.MoveMode.KeepAnchor)
    match_format = QTextCharFormat()
    match_format.setFontWeight(bold.weight())
    match_format.setForeground(RED)
    cursor.mergeCharFormat(match_format)
    image = QImage(width + 2 * left, 30, QImage.Format.Format_ARGB32)
    image.fill(WHITE)
    painter = QPainter(image)
    painter.translate(left, 5)
    document.drawContents(painter)
    painter.end()
    return _red_columns(image)


@pytest.mark.parametrize(
    "marked",
    [
        f"שלום עולם 👋 שאלה על {MATCH_START}תפוחים{MATCH_END}",
        f"שלום {MATCH_START}עולם{MATCH_END} 👋 שאלה על תפוחים",
        f"مرحبا {MATCH_START}بالعالم{MATCH_END} كيف حالك",
        f"Notes on שלום {MATCH_START}עולם{MATCH_END} for today",
        f"Plain {MATCH_START}English{MATCH_END} stays where it was",
    ],
    ids=["hebrew-last-word", "hebrew-second-word", "arabic", "mixed", "english"],
)
def test_a_search_row_draws_its_match_where_qt_lays_it_out(qapp: object, marked: str) -> None:
    # Drawn a word at a time from the left, "שלום עולם 👋 שאלה על תפוחים" came out
    # mirrored: its last word at the right end.
    width = 360
    left = 10
    image = QImage(width + 2 * left, 30, QImage.Format.Format_ARGB32)
    image.fill(WHITE)
    painter = QPainter(image)
    paint_marked(
        painter,
        QRect(left, 5, width, 20),
        marked,
        fonts=_fonts(),
        colors=(QColor("black"), RED),
        lines=1,
    )
    painter.end()
    red = _red_columns(image)
    expected = _qt_drawn(marked, width, left)
    assert red
    assert expected
    assert abs(min(red) - min(expected)) <= 2, (min(red), max(red), expected[0], expected[-1])
    assert abs(max(red) - max(expected)) <= 2, (min(red), max(red), expected[0], expected[-1])


def test_a_wrapped_right_to_left_snippet_starts_each_line_at_the_right(qapp: object) -> None:
    words = " ".join(["שלום", "עולם", "שאלה", "על"] * 8)
    marked = f"{words} {MATCH_START}תפוחים{MATCH_END} {words}"
    font, bold = _fonts()
    width = 220
    image = QImage(width + 20, 60, QImage.Format.Format_ARGB32)
    image.fill(WHITE)
    painter = QPainter(image)
    area = QRect(10, 5, width, 2 * QFontMetrics(font).lineSpacing())
    paint_marked(painter, area, marked, fonts=(font, bold), colors=(QColor("black"), RED), lines=2)
    painter.end()
    line = QFontMetrics(font).lineSpacing()
    for row in range(2):
        inked = [
            x
            for x in range(image.width())
            for y in range(area.top() + row * line, area.top() + (row + 1) * line)
            if image.pixelColor(x, y) != WHITE
        ]
        assert max(inked) >= area.right() - 4, row  # from the right edge


def _paint_row(qtbot: QtBot, title: str, width: int) -> tuple[QImage, QRect]:
    """The row as the list shows it: painted on the view, whose painter reads left to
    right (a bare QImage's painter guesses the direction from the text)."""
    model = QStandardItemModel()
    model.appendRow(QStandardItem(title))
    view = QListView()
    qtbot.addWidget(view)
    font = _fonts()[0]
    view.setFont(font)
    palette = view.palette()
    palette.setColor(QPalette.ColorRole.Base, WHITE)
    palette.setColor(QPalette.ColorRole.Text, QColor("black"))
    view.setPalette(palette)
    view.setFrameShape(QFrame.Shape.NoFrame)
    view.setItemDelegate(ConversationDelegate(view))
    view.setModel(model)
    view.resize(width, 40)
    image = view.viewport().grab().toImage()
    rect = view.visualRect(model.index(0, 0))
    return image, rect.adjusted(PADDING_X, 0, -PADDING_X, 0)


def _ink_height(image: QImage, columns: range) -> int:
    rows = [
        y
        for x in columns
        for y in range(image.height())
        if image.pixelColor(x, y).lightness() < 160
    ]
    return max(rows) - min(rows) + 1 if rows else 0


def test_a_shortened_right_to_left_title_ends_with_its_ellipsis_at_the_left(
    qtbot: QtBot,
) -> None:
    # Its "…" was at the right, beside its first word: it looked cut at its start.
    image, content = _paint_row(qtbot, " ".join(["שלום", "עולם", "שאלה", "על", "תפוחים"] * 6), 200)
    inked = [
        x
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).lightness() < 160
    ]
    left, right = min(inked), max(inked)
    assert right >= content.right() - 3  # from the right, as it reads
    dots = QFontMetrics(_fonts()[0]).horizontalAdvance("…") // 2
    assert _ink_height(image, range(left, left + dots)) <= 4  # "…": dots on the baseline
    assert _ink_height(image, range(right - dots, right + 1)) > 4  # a letter


def test_a_shortened_left_to_right_title_still_reads_from_the_left(qtbot: QtBot) -> None:
    image, content = _paint_row(qtbot, "Planning a long trip through Sicily and Calabria " * 3, 200)
    inked = [
        x
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).lightness() < 160
    ]
    left, right = min(inked), max(inked)
    assert left <= content.left() + 3
    dots = QFontMetrics(_fonts()[0]).horizontalAdvance("…") // 2
    assert _ink_height(image, range(right - dots + 1, right + 1)) <= 4

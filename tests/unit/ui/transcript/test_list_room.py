"""List numbers show whole, and boxes in list items start where the items' text does."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QImage,
    QTextBlock,
    QTextCursor,
    QTextListFormat,
)
from pytestqt.qtbot import QtBot

from app.ui.transcript.text_view import MessageText
from tests.helpers.answer_view import answer_view

NUMBERS = (
    "Years:\n\n2023. First year\n2024. Second year\n\n"
    "Hundreds:\n\n98. ninety-eight\n99. ninety-nine\n100. one hundred\n\n"
    "Big:\n\n123456789. nine digits, the CommonMark maximum\n123456790. next\n\n"
    "Nested:\n\n- a bullet\n\n  1999. nested year\n  2000. and the next\n\n  Its paragraph.\n\n"
    "Small:\n\n1. one\n2. two\n"
)

RIGHT_TO_LEFT = "السنوات:\n\n2023. السنة الأولى\n2024. السنة الثانية\n"

BOXES = (
    "1. Install the package:\n\n   ```bash\n   pip install requests\n   ```\n\n"
    "   Then check it works.\n\n"
    "2. A quote:\n\n   > quoted words\n\n"
    "3. A table:\n\n   | a | b |\n   |---|---|\n   | 1 | 2 |\n\n"
    "- Nested:\n\n  1. deeper\n\n     ```python\n     print(1)\n     ```\n"
)

# Room for the big numbers, and boxes in line with their items at the same time.
BOTH = "2023. A year with code:\n\n      ```\n      x = 1\n      ```\n\n2024. Next\n"


def _shown(view: MessageText) -> None:
    view.resize(view.lineWrapColumnOrWidth(), view.text_height())
    view.show()


def _text_rect(view: MessageText, block: QTextBlock) -> QRectF:
    area = view.document().documentLayout().blockBoundingRect(block)
    return block.layout().lineAt(0).naturalTextRect().translated(area.topLeft())


def _marker_span(view: MessageText, block: QTextBlock) -> tuple[float, float]:
    """Where Qt draws the number of a list item, from left to right (as its
    QTextDocumentLayoutPrivate::drawListItem places it)."""
    text = _text_rect(view, block)
    metrics = QFontMetrics(QTextCursor(block).charFormat().font())
    width = metrics.horizontalAdvance(block.textList().itemText(block))
    space = metrics.horizontalAdvance(" ")
    if block.textDirection() == Qt.LayoutDirection.RightToLeft:
        return text.right() + space, text.right() + space + width
    return text.left() - space - width, text.left() - space


def _numbered(view: MessageText) -> list[QTextBlock]:
    found = []
    block = view.document().begin()
    while block.isValid():
        listed = block.textList()
        if listed is not None and listed.format().style() == QTextListFormat.Style.ListDecimal:
            found.append(block)
        block = block.next()
    return found


def _check_numbers(view: MessageText) -> None:
    document = view.document()
    margin = document.documentMargin()
    width = view.lineWrapColumnOrWidth()
    items = _numbered(view)
    assert len(items) >= 2
    for block in items:
        left, right = _marker_span(view, block)
        # Within the page, to a pixel (Qt rounds where it draws a number).
        assert left >= margin - 1, block.textList().itemText(block)
        assert right <= width - margin + 1, block.textList().itemText(block)
    # The items of a list stay in line, and a nested list inside its item's text.
    rtl = items[0].textDirection() == Qt.LayoutDirection.RightToLeft
    starts = [_text_rect(view, b).right() if rtl else _text_rect(view, b).left() for b in items[:2]]
    assert abs(starts[0] - starts[1]) <= 1
    nested = document.find("nested year").block()
    if nested.isValid():
        bullet = _text_rect(view, document.find("a bullet").block())
        assert _marker_span(view, nested)[0] >= bullet.left() - 0.5
        paragraph = _text_rect(view, document.find("Its paragraph.").block())
        assert paragraph.left() == bullet.left()  # the bullet's paragraph, in line with it


@pytest.mark.parametrize("points", [9, 10, 16])
def test_numbers_of_four_digits_or_more_show_whole(qtbot: QtBot, points: float) -> None:
    # Room was kept for "000. " only: "2023." showed as "023.", "123456789." as "56789.".
    view, document = answer_view(qtbot, points)
    document.set_markdown(NUMBERS)
    _check_numbers(view)
    # Ordinary lists keep their place: no room taken beyond Qt's indent.
    two = view.document().find("two").block()
    assert _text_rect(view, two).left() == view.document().documentMargin() + (
        view.document().indentWidth()
    )


def test_numbers_in_right_to_left_lists_show_whole(qtbot: QtBot) -> None:
    view, document = answer_view(qtbot, 10)
    document.set_markdown(RIGHT_TO_LEFT)
    assert view.document().find("السنة").block().textDirection() == Qt.LayoutDirection.RightToLeft
    _check_numbers(view)


def _first_ink(image: QImage, y: int) -> int:
    """The x of the first pixel of row ``y`` that is not the page (as at its left edge)."""
    page = image.pixelColor(0, y)
    for x in range(image.width()):
        if image.pixelColor(x, y) != page:
            return x
    return -1


def _box_lefts(view: MessageText, qtbot: QtBot) -> list[int]:
    """The left edge of each box drawn in the text (code blocks, quotes, tables)."""
    _shown(view)
    qtbot.waitExposed(view)
    image = view.viewport().grab().toImage()
    layout = view.document().documentLayout()
    lefts = []
    for frame in view.document().rootFrame().childFrames():
        area = layout.frameBoundingRect(frame)
        lefts.append(_first_ink(image, round(area.top() + 4)))
    return lefts


def _item_text_lefts(view: MessageText, words: list[str]) -> list[int]:
    document = view.document()
    return [round(_text_rect(view, document.find(word).block()).left()) for word in words]


def _in_line(boxes: list[int], texts: list[int]) -> bool:
    """Whether each box starts where its text does (a table's border may be drawn a
    pixel further in, as it is outside lists)."""
    return len(boxes) == len(texts) and all(
        0 <= box - text <= 1 for box, text in zip(boxes, texts, strict=True)
    )


ITEMS = ["Install the package:", "A quote:", "A table:", "deeper"]


@pytest.mark.parametrize("points", [9, 16])
def test_boxes_in_list_items_start_at_the_items_text(qtbot: QtBot, points: float) -> None:
    # Qt put them 40 px in a level whatever the text's size: a code block started 10 px
    # right of its item's text at 9 pt, 12 px left of it at 16 pt.
    view, document = answer_view(qtbot, points)
    document.set_markdown(BOXES)
    boxes = _box_lefts(view, qtbot)
    assert len(boxes) == 4
    assert _in_line(boxes, _item_text_lefts(view, ITEMS))
    # The paragraph after the code block is in line with them too.
    assert _item_text_lefts(view, ["Then check it works."]) == boxes[:1]


def test_room_and_boxes_follow_the_text_size(qtbot: QtBot) -> None:
    view, document = answer_view(qtbot, 10)
    document.set_markdown(NUMBERS + "\n\nAnd:\n\n" + BOXES)
    for points in (20, 8):
        font = QFont(view.font())
        font.setPointSizeF(points)
        view.setFont(font)
        view.set_text_width(560)
        _check_numbers(view)
        assert _in_line(_box_lefts(view, qtbot), _item_text_lefts(view, ITEMS))


def test_big_numbers_with_a_box_in_their_item(qtbot: QtBot) -> None:
    view, document = answer_view(qtbot, 10)
    document.set_markdown(BOTH)
    _check_numbers(view)
    assert _in_line(_box_lefts(view, qtbot), _item_text_lefts(view, ["A year with code:"]))


@pytest.mark.parametrize("text", [NUMBERS + "\n\nAnd:\n\n" + BOXES, BOXES, BOTH])
def test_a_streamed_answer_gets_the_same_room(qtbot: QtBot, text: str) -> None:
    whole, rendered = answer_view(qtbot, 10)
    rendered.set_markdown(text)
    streamed, stream = answer_view(qtbot, 10)
    for start in range(0, len(text), 7):
        stream.append(text[start : start + 7])
        stream.flush()
    stream.flush(final=True)
    _check_numbers(streamed)
    assert _box_lefts(streamed, qtbot) == _box_lefts(whole, qtbot)
    words = ITEMS if text != BOTH else ["A year with code:"]
    assert _in_line(_box_lefts(streamed, qtbot), _item_text_lefts(streamed, words))


def test_code_lines_keep_their_own_indents(qtbot: QtBot) -> None:
    # The code inside a box in a list item keeps its wrap indent (see code_wrap).
    view, document = answer_view(qtbot, 10)
    document.set_markdown(BOXES)
    code = view.document().find("pip install").block().blockFormat()
    assert code.textIndent() < 0
    assert code.leftMargin() == -code.textIndent()

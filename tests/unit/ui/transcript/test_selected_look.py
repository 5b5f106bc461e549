"""A selection over a message: list bullets stay as they are, formulas read as its words do."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QImage, QPalette, QTextCursor, QTextListFormat
from pytestqt.qtbot import QtBot

from app.rendering import render_markdown
from app.ui.theme import build_palette, colors_for
from app.ui.transcript.text_view import MessageText
from tests.unit.ui.transcript.test_text_view import WideFormulas

LISTS = (
    "Before the list.\n\n- first\n- second, long enough to wrap onto a second row of the"
    " message's text\n  - nested\n    - deeper\n\n> - in a quote\n\n"
    "1. numbered\n   - under a number\n\n- قائمة بالعربية\n- ثانية\n"
)


def _view(qtbot: QtBot, html: str, *, dark: bool, images: object = None) -> MessageText:
    view = MessageText(images)
    qtbot.addWidget(view)
    palette = build_palette(colors_for(dark))
    for role in (QPalette.ColorRole.Highlight, QPalette.ColorRole.HighlightedText):
        # The window may not be the active one here: the selection as it shows in one.
        palette.setColor(QPalette.ColorGroup.Inactive, role, palette.color(role))
    view.setPalette(palette)
    view.resize(320, 100)
    view.set_text_width(320)
    view.setHtml(html)
    view.resize(320, view.text_height())
    view.show()
    qtbot.waitExposed(view)
    return view


def _select_all(view: MessageText) -> None:
    cursor = QTextCursor(view.document())
    cursor.select(QTextCursor.SelectionType.Document)
    view.setTextCursor(cursor)
    view.setFocus()


def _bullet_areas(view: MessageText) -> list[QRectF]:
    """Where the bullet of each bulleted item is drawn: in the indent left (right, right
    to left) of its first row's text, short of the space before the text."""
    areas = []
    layout = view.document().documentLayout()
    room = view.document().indentWidth()
    block = view.document().begin()
    while block.isValid():
        items = block.textList()
        if items is not None and items.format().style() == QTextListFormat.Style.ListDisc:
            first = block.layout().lineAt(0)
            row = first.naturalTextRect().translated(layout.blockBoundingRect(block).topLeft())
            space = QFontMetrics(block.charFormat().font()).horizontalAdvance(" ")
            if block.textDirection() == Qt.LayoutDirection.RightToLeft:
                areas.append(QRectF(row.right() + space, row.top(), room - space, first.height()))
            else:
                areas.append(QRectF(row.left() - room, row.top(), room - space, first.height()))
        block = block.next()
    return areas


def _pixels(image: QImage, area: QRectF) -> list[int]:
    ratio = image.devicePixelRatio()
    box = QRectF(
        area.left() * ratio, area.top() * ratio, area.width() * ratio, area.height() * ratio
    )
    rect = box.toAlignedRect().intersected(image.rect())
    return [
        image.pixel(x, y)
        for y in range(rect.top(), rect.bottom() + 1)
        for x in range(rect.left(), rect.right() + 1)
    ]


@pytest.mark.parametrize("dark", [False, True])
def test_bullets_are_drawn_as_qt_draws_them(qtbot: QtBot, dark: bool) -> None:
    # The view draws the bullets now (Qt's are off): the same dots, in the same places.
    html = render_markdown(LISTS, dark=dark).html
    ours = _view(qtbot, html, dark=dark)
    qts = _view(qtbot, html.replace(' style="list-style-type:none"', ""), dark=dark)
    assert html.count("list-style-type:none") == 8  # each bulleted item
    assert ours.grab().toImage() == qts.grab().toImage()


@pytest.mark.parametrize("dark", [False, True])
def test_a_selection_leaves_the_bullets_as_they_are(qtbot: QtBot, dark: bool) -> None:
    # Qt drew a selected item's bullet on a square of the selection colour the size of
    # the dot, in the selection's text colour: it read as a dotted box.
    view = _view(qtbot, render_markdown(LISTS, dark=dark).html, dark=dark)
    areas = _bullet_areas(view)
    assert len(areas) == 8
    before = view.grab().toImage()
    _select_all(view)
    after = view.grab().toImage()
    highlight = view.palette().color(QPalette.ColorRole.Highlight).rgb()
    for area in areas:
        assert _pixels(after, area) == _pixels(before, area)
        assert len(set(_pixels(after, area))) > 1  # a bullet is there
        assert highlight not in _pixels(after, area)
    # The words are selected all the same.
    assert view.textCursor().selectedText().startswith("Before the list.")


FORMULAS = "Inline $a$ in a line.\n\n- in a list $b$\n\n> quoted $c$\n\n$$d$$\n"


def _formula_areas(view: MessageText) -> list[QRectF]:
    """Where each formula is drawn (its room in its line)."""
    areas = []
    document = view.document()
    layout = document.documentLayout()
    cursor = document.find("\ufffc")
    while not cursor.isNull():
        position = cursor.selectionStart()
        block = document.findBlock(position)
        offset = position - block.position()
        line = block.layout().lineForTextPosition(offset)
        left = line.cursorToX(offset)[0]  # type: ignore[index]
        right = line.cursorToX(offset + 1)[0]  # type: ignore[index]
        origin = layout.blockBoundingRect(block).topLeft()
        areas.append(QRectF(origin.x() + left, origin.y() + line.y(), right - left, line.height()))
        cursor = document.find("\ufffc", cursor)
    return areas


@pytest.mark.parametrize("dark", [False, True])
def test_a_selected_formula_takes_the_selections_text_colour(qtbot: QtBot, dark: bool) -> None:
    # Qt drew it in its own colours with the selection colour over it at half strength:
    # dark ink became a grey blue on the blue, hard to read. Now it is drawn as the
    # selected words are. (The formula here: a black picture 40 px wide, 20 high.)
    formulas = WideFormulas(40)
    html = render_markdown(FORMULAS, dark=dark, math=formulas).html
    view = _view(qtbot, html, dark=dark, images=formulas)
    areas = _formula_areas(view)
    assert len(areas) == 4
    black = QColor(Qt.GlobalColor.black).rgb()
    before = view.grab().toImage()
    for area in areas:
        assert black in _pixels(before, area.adjusted(15, 0, -15, 0))  # not selected
    _select_all(view)
    after = view.grab().toImage()
    palette = view.palette()
    ink = palette.color(QPalette.ColorRole.HighlightedText).rgb()
    shade = palette.color(QPalette.ColorRole.Highlight).rgb()
    for area in areas:
        middle = _pixels(after, area.adjusted(15, 0, -15, 0))
        assert ink in middle
        assert set(middle) <= {ink, shade}  # on the selection colour, nothing half way
    # Selected no more: black again.
    view.setTextCursor(QTextCursor(view.document()))
    again = view.grab().toImage()
    for area in areas:
        assert black in _pixels(again, area.adjusted(15, 0, -15, 0))


def test_only_the_selected_formula_changes(qtbot: QtBot) -> None:
    formulas = WideFormulas(40)
    html = render_markdown(FORMULAS, dark=False, math=formulas).html
    view = _view(qtbot, html, dark=False, images=formulas)
    areas = _formula_areas(view)
    document = view.document()
    cursor = QTextCursor(document)
    cursor.setPosition(document.find("in a list").selectionStart())
    cursor.setPosition(document.find("quoted").selectionStart() - 2, cursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)  # "in a list $b$", up to the quote (a table: selected whole)
    image = view.grab().toImage()
    black = QColor(Qt.GlobalColor.black).rgb()
    ink = view.palette().color(QPalette.ColorRole.HighlightedText).rgb()
    first, listed, quoted, display = (_pixels(image, a.adjusted(15, 0, -15, 0)) for a in areas)
    assert ink in listed
    assert black not in listed
    for kept in (first, quoted, display):
        assert black in kept
        assert ink not in kept

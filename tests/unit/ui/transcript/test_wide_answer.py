"""An answer wider than its view (a wide table): the wheel scrolls it sideways, and its
scroll bar leaves the keyboard where it was."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QScrollArea,
    QScrollBar,
    QStyle,
    QStyleOptionSlider,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.ui.transcript.text_view import MessageText

FILLER = "\n\n".join(f"Paragraph {n} of filler text." for n in range(30))
TABLE = (
    "|"
    + "|".join(f"header {n}" for n in range(14))
    + "|\n|"
    + "---|" * 14
    + "\n|"
    + "|".join(f"value 1.{n}" for n in range(14))
    + "|"
)
NO_KEYS = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@dataclass
class Page:
    """A message field over a scrolling transcript holding one answer, as in the window."""

    window: QWidget
    field: QLineEdit
    area: QScrollArea
    view: MessageText

    def wheel(
        self,
        angle: tuple[int, int],
        modifiers: Qt.KeyboardModifier = NO_KEYS,
        pixels: tuple[int, int] = (0, 0),
    ) -> None:
        """A real wheel turn (through the window system) over the middle of the answer."""
        middle = self.view.viewport().rect().center()
        at = QPointF(self.view.viewport().mapTo(self.window, middle))
        QTest.wheelEvent(self.window.windowHandle(), at, QPoint(*angle), QPoint(*pixels), modifiers)

    @property
    def places(self) -> tuple[int, int]:
        """Where the transcript is scrolled to, and where the answer is, across."""
        return self.area.verticalScrollBar().value(), self.view.horizontalScrollBar().value()


def _page(qtbot: QtBot, markdown: str, *, dark: bool = False) -> Page:
    from app.ui.transcript.markdown_document import MarkdownDocument

    window = QWidget()
    qtbot.addWidget(window)
    field = QLineEdit()
    area = QScrollArea()
    canvas = QWidget()
    view = MessageText(images=None)
    QVBoxLayout(canvas).addWidget(view)
    area.setWidget(canvas)
    area.setWidgetResizable(True)
    column = QVBoxLayout(window)
    column.addWidget(area)
    column.addWidget(field)
    window.resize(600, 400)
    MarkdownDocument(view.document(), math=None, dark=dark).set_markdown(markdown)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    field.setFocus()
    assert field.hasFocus()
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() > 500)
    # The table in the middle of the transcript's view, with room to scroll either way.
    table = _start_of(view, "header") or _start_of(view, "one")
    at = view.viewport().mapTo(canvas, table)
    area.ensureVisible(at.x(), at.y(), 0, area.viewport().height() // 2)
    return Page(window, field, area, view)


def _start_of(view: MessageText, word: str) -> QPoint:
    """A point on the first letters of the first ``word`` of the text (of its viewport)."""
    cursor = view.document().find(word)
    if cursor.isNull():
        return QPoint()
    cursor.setPosition(cursor.selectionStart())
    rect = view.cursorRect(cursor)
    return QPoint(rect.x() + 3, rect.center().y())


def _wide(qtbot: QtBot) -> Page:
    page = _page(qtbot, f"{FILLER}\n\n{TABLE}\n\n{FILLER}")
    assert page.view.horizontalScrollBar().maximum() > 0  # wider than its view
    return page


@pytest.mark.parametrize(
    ("angle", "modifiers", "pixels"),
    [
        ((-120, 0), NO_KEYS, (0, 0)),  # a horizontal wheel
        ((0, -120), SHIFT, (0, 0)),  # Shift and the wheel turned down
        ((-24, 3), NO_KEYS, (-12, 2)),  # a touchpad swiped left, a little askew
    ],
)
def test_a_turn_across_scrolls_a_wide_answer_sideways_not_the_transcript(
    qtbot: QtBot, angle: tuple[int, int], modifiers: Qt.KeyboardModifier, pixels: tuple[int, int]
) -> None:
    page = _wide(qtbot)
    down, across = page.places
    page.wheel(angle, modifiers, pixels)
    assert page.places[0] == down
    assert page.places[1] > across
    further = page.places[1]
    back = (-angle[0], -angle[1])
    page.wheel(back, modifiers, (-pixels[0], -pixels[1]))
    assert page.places == (down, across)
    assert further > across


def test_at_its_end_a_wide_answer_keeps_shift_wheel_from_paging_the_transcript(
    qtbot: QtBot,
) -> None:
    page = _wide(qtbot)
    bar = page.view.horizontalScrollBar()
    bar.setValue(bar.maximum())
    down = page.places[0]
    page.wheel((0, -120), SHIFT)
    assert page.places == (down, bar.maximum())


def test_the_wheel_up_and_down_over_a_wide_answer_scrolls_the_transcript(qtbot: QtBot) -> None:
    page = _wide(qtbot)
    down, across = page.places
    page.wheel((0, -120))
    assert page.places[0] > down
    assert page.places[1] == across


def test_an_answer_that_fits_leaves_every_turn_to_the_transcript(qtbot: QtBot) -> None:
    page = _page(qtbot, f"{FILLER}\n\n| a | b |\n|---|---|\n| one | two |\n\n{FILLER}")
    assert page.view.horizontalScrollBar().maximum() == 0
    down = page.places[0]
    page.wheel((0, -120), SHIFT)  # the transcript's own Shift+wheel: a page down
    assert page.places[0] > down
    assert page.places[1] == 0


def _handle(bar: QScrollBar) -> QPoint:
    option = QStyleOptionSlider()
    bar.initStyleOption(option)
    return (
        bar.style()
        .subControlRect(
            QStyle.ComplexControl.CC_ScrollBar, option, QStyle.SubControl.SC_ScrollBarSlider, bar
        )
        .center()
    )


def _drag_to_the_end(qtbot: QtBot, bar: QScrollBar) -> None:
    handle = _handle(bar)
    far = QPoint(bar.width() - 1, handle.y())
    qtbot.mousePress(bar, Qt.MouseButton.LeftButton, pos=handle)
    qtbot.mouseMove(bar, far)
    qtbot.mouseRelease(bar, Qt.MouseButton.LeftButton, pos=far)
    assert bar.value() == bar.maximum()


def _grab(view: MessageText) -> QImage:
    return view.viewport().grab().toImage()


def test_dragging_its_scroll_bar_leaves_the_keyboard_in_the_message_field(qtbot: QtBot) -> None:
    # The text took the keyboard from the field, and showed a caret nobody asked for.
    page = _wide(qtbot)
    view = page.view
    cursor = view.document().find("value 1.13")  # in sight once scrolled to the end
    cursor.clearSelection()
    view.setTextCursor(cursor)
    _drag_to_the_end(qtbot, view.horizontalScrollBar())
    shown, keyboard = _grab(view), QApplication.focusWidget()
    assert view.viewport().rect().contains(view.cursorRect())
    page.field.setFocus()
    without_caret = _grab(view)
    view.setFocus()
    assert _grab(view) != without_caret  # a caret shows there when the text has the keys
    assert shown == without_caret
    assert keyboard is page.field
    page.field.setFocus()
    qtbot.keyClicks(page.field, "more")
    assert page.field.text() == "more"


def test_a_double_click_on_its_scroll_bar_leaves_the_keyboard_where_it_was(
    qtbot: QtBot,
) -> None:
    page = _wide(qtbot)
    bar = page.view.horizontalScrollBar()
    qtbot.mouseDClick(
        bar, Qt.MouseButton.LeftButton, pos=QPoint(bar.width() - 20, _handle(bar).y())
    )
    assert QApplication.focusWidget() is page.field


def test_a_selection_stays_and_copies_after_its_scroll_bar_is_dragged(qtbot: QtBot) -> None:
    page = _wide(qtbot)
    view = page.view
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_start_of(view, "header"))
    assert view.hasFocus()  # a click in the text still brings the keyboard there
    assert view.textCursor().selectedText() == "header"
    _drag_to_the_end(qtbot, view.horizontalScrollBar())
    assert view.hasFocus()
    assert view.textCursor().selectedText() == "header"
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "header"


def test_keys_still_select_from_a_click_in_the_text(qtbot: QtBot) -> None:
    page = _wide(qtbot)
    view = page.view
    start = _start_of(view, "value")
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=start - QPoint(3, 0))
    assert view.hasFocus()
    for _ in "value":
        qtbot.keyClick(view, Qt.Key.Key_Right, SHIFT)
    assert view.textCursor().selectedText() == "value"


def _buttons(view: MessageText) -> dict[int, QPoint]:
    """The "More" buttons painted at the cut edges of its tables: their middles."""
    edges = view._table_edges
    if edges is None:
        return {}
    return {b.direction: b.rect.center().toPoint() for b in edges.buttons}


def test_a_table_cut_at_the_edge_has_a_more_button_that_scrolls_it(qtbot: QtBot) -> None:
    # Nothing near the table said there was more: the scroll bar was thirty paragraphs
    # below.
    from app.ui.transcript.table_edges import LEFT, RIGHT

    page = _wide(qtbot)
    view, bar = page.view, page.view.horizontalScrollBar()
    qtbot.waitUntil(lambda: list(_buttons(view)) == [RIGHT])
    right = _buttons(view)[RIGHT]
    assert right.x() > view.viewport().width() * 3 // 4  # at the right edge
    header = view.cursorRect(view.document().find("header 0"))
    assert header.top() <= right.y() <= header.bottom()  # beside the column names
    # A repaint of another part in sight (a caret's): the button stays.
    view.viewport().repaint(0, view.viewport().visibleRegion().boundingRect().top(), 5, 5)
    assert _buttons(view) == {RIGHT: right}
    down, caret = page.places[0], view.textCursor().position()
    qtbot.mouseMove(view.viewport(), right)
    assert view.viewport().cursor().shape() == Qt.CursorShape.PointingHandCursor
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=right)
    assert page.places[0] == down
    assert bar.value() > view.viewport().width() // 2  # most of a view further
    assert view.textCursor().position() == caret  # the click was not the text's
    assert QApplication.focusWidget() is page.field  # nor the keyboard
    qtbot.waitUntil(lambda: LEFT in _buttons(view))
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: list(_buttons(view)) == [LEFT])
    left = _buttons(view)[LEFT]
    assert left.x() < view.viewport().width() // 4
    qtbot.mouseMove(view.viewport(), left + QPoint(0, 200))  # off it: the text's cursor
    assert view.viewport().cursor().shape() != Qt.CursorShape.PointingHandCursor
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=left)
    assert 0 < bar.value() < bar.maximum()


def test_a_table_that_fits_has_no_more_button(qtbot: QtBot) -> None:
    page = _page(qtbot, f"{FILLER}\n\n| a | b |\n|---|---|\n| one | two |\n\n{FILLER}")
    page.view.viewport().repaint()
    assert _buttons(page.view) == {}


@pytest.mark.parametrize(("dark", "page_colour"), [(False, "#ffffff"), (True, "#1e1e20")])
def test_a_cut_table_fades_into_the_page_at_the_edge(
    qtbot: QtBot, dark: bool, page_colour: str
) -> None:
    from PySide6.QtGui import QColor, QPalette

    from app.rendering.palette import palette

    page = _page(qtbot, f"{FILLER}\n\n{TABLE}\n\n{FILLER}", dark=dark)
    view = page.view
    colours = view.palette()
    colours.setColor(QPalette.ColorRole.Window, QColor(page_colour))  # the theme's page
    view.setPalette(colours)
    border = QColor(palette(dark=dark).table_border).rgb()
    image = _grab(view)
    width = image.width()
    # The lines between the rows, across the middle of the view...
    rows = [y for y in range(image.height()) if image.pixel(width // 2, y) == border]
    lines = [y for y in rows if image.pixel(width // 2 + 7, y) == border]
    assert lines
    for y in lines:
        # ...fade out at its right edge, into the page's colour.
        assert image.pixel(width // 2, y) != image.pixel(width - 1, y)
        assert QColor(image.pixel(width - 1, y)) == QColor(page_colour)

"""A message's text view: list indentation follows the text size."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF, QSizeF
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetrics,
    QFontMetricsF,
    QImage,
    QPainter,
    QTextBlock,
    QTextLength,
    QTextLine,
    QTextOption,
)
from pytestqt.qtbot import QtBot

from app.rendering.palette import palette
from app.ui.transcript.text_view import MessageText, code_hang


def test_list_levels_are_indented_in_proportion_to_the_font(qtbot: QtBot) -> None:
    view = MessageText(images=None)
    qtbot.addWidget(view)
    indents = []
    for points in (10, 24):
        font = QFont(view.font())
        font.setPointSize(points)
        view.setFont(font)
        marker = QFontMetrics(font).horizontalAdvance("100.")
        indent = view.document().indentWidth()
        assert marker < indent < 2 * marker  # room for a big number, no wide gap
        indents.append(indent)
    assert indents[1] > 2 * indents[0]  # Qt's default was 40 px at any size


def test_a_footnote_reference_scrolls_to_its_note_and_opens_nothing(qtbot: QtBot) -> None:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QTextCursor
    from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

    from app.rendering import render_markdown

    area = QScrollArea()
    qtbot.addWidget(area)
    canvas = QWidget()
    layout = QVBoxLayout(canvas)
    view = MessageText(images=None)
    layout.addWidget(view)
    area.setWidget(canvas)
    area.setWidgetResizable(True)
    area.resize(500, 200)
    filler = "\n\n".join(f"Paragraph {n} of filler text." for n in range(40))
    view.setHtml(render_markdown(f"Claim[^1].\n\n{filler}\n\n[^1]: The note.", dark=False).html)
    area.show()
    qtbot.waitExposed(area)
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() > 1000)
    opened: list[object] = []
    view.link_activated.connect(opened.append)
    cursor = view.document().find("Claim")
    cursor.movePosition(QTextCursor.MoveOperation.Right)  # on the "1" after it
    rect = view.cursorRect(cursor)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.x() + 3, rect.center().y())
    )
    note = view.document().find("The note.")
    y = view.viewport().mapTo(canvas, view.cursorRect(note).topLeft()).y()
    bar = area.verticalScrollBar()
    assert bar.value() > 1000
    assert bar.value() <= y <= bar.value() + area.viewport().height()
    assert opened == []  # no link to confirm, nothing opened
    assert view.go_to_anchor("fnref1-1")  # and back
    assert bar.value() < 100


def test_tabs_stop_every_four_columns_of_code_at_any_size(qtbot: QtBot) -> None:
    # Qt's default, 80 px, spread Go's tab-indented code about ten columns per tab.
    view = MessageText(images=None)
    qtbot.addWidget(view)
    stops = []
    for points in (10, 20):
        font = QFont(view.font())
        font.setPointSize(points)
        view.setFont(font)
        option = view.document().defaultTextOption()
        code = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        code.setPointSize(points)
        assert option.tabStopDistance() == QFontMetricsF(code).horizontalAdvance("    ")
        assert option.wrapMode() == QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere  # kept
        stops.append(option.tabStopDistance())
    assert stops[0] < 80 < stops[1] * 2


class WideFormulas:
    """Every formula is an image ``width`` px wide (twice that in pixels, at a device
    ratio of 2) and 20 px high."""

    def __init__(self, width: int = 1000) -> None:
        self.width = width

    def image_url(self, tex: str, display: bool) -> str:
        return "maestrale-math:wide"

    def failure(self, tex: str, display: bool) -> str | None:
        return None

    def image(self, url: object) -> object:
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QImage

        image = QImage(2 * self.width, 40, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.black)
        image.setDevicePixelRatio(2.0)
        return image


def _wide_answer(qtbot: QtBot, markdown: str, width: int = 300, formula: int = 1000) -> MessageText:
    from app.rendering import render_markdown

    formulas = WideFormulas(formula)
    view = MessageText(images=formulas)
    qtbot.addWidget(view)
    view.resize(width, 100)
    view.set_text_width(width)
    view.setHtml(render_markdown(markdown, dark=False, math=formulas).html)
    view.show()
    qtbot.waitExposed(view)
    return view


def _formula_place(view: MessageText) -> QRectF:
    """Where the first formula is drawn, in the document."""
    document = view.document()
    position = document.find("\ufffc").selectionStart()
    block = document.findBlock(position)
    offset = position - block.position()
    line = block.layout().lineForTextPosition(offset)
    left = line.cursorToX(offset)[0]  # type: ignore[index]
    right = line.cursorToX(offset + 1)[0]  # type: ignore[index]
    origin = document.documentLayout().blockBoundingRect(block).topLeft()
    return QRectF(origin.x() + left, origin.y() + line.y(), right - left, line.height())


def _formula_size(view: MessageText) -> QSizeF:
    """The size the first formula is drawn at."""
    return _formula_place(view).size()


@pytest.mark.parametrize(
    ("markdown", "formula"),
    [
        ("Intro.\n\n$$x_0^2+x_1^2$$", 340),
        ("> In a quote $$x$$", 320),
        ("1. A list\n   - nested:\n\n     $$x$$", 260),
        ("| a | b |\n|---|---|\n| $$x$$ | $$y$$ |", 160),
    ],
)
def test_a_formula_wider_than_the_column_is_drawn_to_its_width(
    qtbot: QtBot, markdown: str, formula: int
) -> None:
    # Drawn at its own size it made the text wider than its view: cut off at the right.
    view = _wide_answer(qtbot, markdown, formula=formula)
    assert view.document().size().width() <= 300
    drawn = _formula_size(view)
    assert formula / 1.3 <= drawn.width() < formula
    assert drawn.height() == pytest.approx(20 * drawn.width() / formula, abs=1)  # proportions
    view.set_text_width(3000)  # room enough: at its own size again
    assert _formula_size(view) == QSizeF(formula, 20)


def test_a_long_display_formula_stays_readable_and_scrolls_sideways(qtbot: QtBot) -> None:
    # Narrowed to any width, a long sum in a 700 px window had subscripts 4 px tall.
    # No smaller than the text around it (formulas are drawn 1.3 times larger), it
    # starts at the left of its column, and the message scrolls sideways to its end.
    from app.ui.transcript.math_images import FORMULA_SCALE

    view = _wide_answer(qtbot, "A long one:\n\n$$a_1 + a_2$$\n\nAfter it.", formula=1000)
    place = _formula_place(view)
    assert place.width() == pytest.approx(1000 / FORMULA_SCALE, abs=1)
    assert place.height() == pytest.approx(20 / FORMULA_SCALE, abs=1)
    assert place.left() == view.document().documentMargin()  # not centred off the left
    bar = view.horizontalScrollBar()
    assert bar.isVisible()
    assert view.height() >= view.document().size().height() + bar.height()  # under the text
    assert bar.maximum() + view.viewport().width() >= place.right()  # its end can be reached
    # Within a line of text, no smaller than half its size.
    view = _wide_answer(qtbot, "A list item, with $x$ inline")
    assert _formula_size(view).width() == 500


def test_a_narrowed_formula_says_its_tex_on_hover(qtbot: QtBot) -> None:
    from PySide6.QtCore import QEvent, QPoint
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    view = _wide_answer(qtbot, "Intro.\n\n$$x_0^2+x_1^2$$")
    image = view.document().find("\ufffc")
    assert not image.isNull()
    # The cursor before the formula, a little to its right: anywhere on it, not only on
    # the half nearer the cursor after it.
    rect = view.cursorRect(image)
    for x in (10, 150, 290):
        assert view.formula_at(QPoint(x, rect.center().y())) == "$$x_0^2+x_1^2$$"
    assert view.formula_at(QPoint(10, 5)) is None  # on "Intro."
    point = QPoint(150, rect.center().y())
    hover = QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point))
    QApplication.sendEvent(view.viewport(), hover)
    assert QToolTip.text() == "$$x_0^2+x_1^2$$"
    QToolTip.hideText()


def test_a_formula_s_tex_is_never_markup_in_its_tooltip(qtbot: QtBot) -> None:
    # x<b>y is a valid formula: its TeX, shown as it was, made a rich tooltip (bold y),
    # and an <img> in it would have been loaded from the file system.
    from PySide6.QtCore import QEvent, QPoint
    from PySide6.QtGui import QHelpEvent, QTextDocument
    from PySide6.QtGui import Qt as GuiQt
    from PySide6.QtWidgets import QApplication, QToolTip

    view = _wide_answer(qtbot, "Intro.\n\n$$x<b>y</b> & z$$")
    rect = view.cursorRect(view.document().find("\ufffc"))
    point = QPoint(150, rect.center().y())
    assert view.formula_at(point) == "$$x<b>y</b> & z$$"
    hover = QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point))
    QApplication.sendEvent(view.viewport(), hover)
    tip = QToolTip.text()
    QToolTip.hideText()
    read = QTextDocument()  # as the tooltip's label reads it: rich text when it looks so
    if GuiQt.mightBeRichText(tip):
        read.setHtml(tip)
    else:
        read.setPlainText(tip)
    assert read.toPlainText() == "$$x<b>y</b> & z$$"


def test_text_scrolls_sideways_only_for_a_wide_table(qtbot: QtBot) -> None:
    # Shifted sideways with no scroll bar, the start of every line was gone with no way
    # back (an answer reopened with the cursor at its end, say).
    from PySide6.QtGui import QTextCursor

    view = _wide_answer(qtbot, "Intro.\n\n" + "x" * 400)
    cursor = view.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    view.setTextCursor(cursor)
    view.ensureCursorVisible()
    assert view.horizontalScrollBar().value() == 0
    assert not view.horizontalScrollBar().isVisible()


def _table_view(qtbot: QtBot, markdown: str, width: int, points: float) -> MessageText:
    from app.ui.transcript.markdown_document import MarkdownDocument

    view = MessageText(images=None)
    qtbot.addWidget(view)
    font = QFont(view.font())
    font.setPointSizeF(points)
    view.setFont(font)
    view.resize(width, 100)
    view.set_text_width(width)
    MarkdownDocument(view.document(), math=None, dark=False).set_markdown(markdown)
    view.show()
    qtbot.waitExposed(view)
    return view


def _cut_words(view: MessageText) -> list[str]:
    """The cell lines of the view's tables that end inside a word."""
    from app.ui.transcript.wide_tables import data_tables

    cut = []
    for table in data_tables(view.document().rootFrame()):
        for row in range(table.rows()):
            for column in range(table.columns()):
                block = table.cellAt(row, column).firstCursorPosition().block()
                text, layout = block.text(), block.layout()
                for index in range(layout.lineCount() - 1):
                    end = layout.lineAt(index).textStart() + layout.lineAt(index).textLength()
                    if not text[end - 1].isspace() and not text[end].isspace():
                        cut.append(text)
    return cut


WIDE_TABLE = (
    "Before.\n\n|"
    + "|".join(f"header {n}" if n % 2 else f"Column{n}" for n in range(12))
    + "|\n|"
    + "---|" * 12
    + "\n|"
    + "|".join(f"value 1.{n}" for n in range(12))
    + "|\n\nAfter a table of twelve columns."
)


@pytest.mark.parametrize(("width", "points"), [(600, 10), (900, 20), (400, 14)])
def test_a_wide_table_keeps_its_words_whole_and_scrolls_sideways(
    qtbot: QtBot, width: int, points: float
) -> None:
    view = _table_view(qtbot, WIDE_TABLE, width, points)
    assert _cut_words(view) == []  # Qt cut "head/er" and "Co/lu/m/n"
    bar = view.horizontalScrollBar()
    assert bar.maximum() > 0
    assert bar.isVisible()
    # The bar is under the text, not over its last line.
    assert view.height() >= view.document().size().height() + bar.height()
    view.set_text_width(width * 4)  # room enough: Qt's own widths again
    view.resize(width * 4, view.height())
    assert _cut_words(view) == []
    assert bar.maximum() == 0


def test_a_table_that_fits_keeps_qts_widths(qtbot: QtBot) -> None:
    from app.ui.transcript.wide_tables import data_tables

    view = _table_view(qtbot, "| a | b |\n|---|---|\n| one two | three four |", 400, 10)
    table = next(data_tables(view.document().rootFrame()))
    constraints = table.format().columnWidthConstraints()
    assert all(c.type() == QTextLength.Type.VariableLength for c in constraints)
    assert view.horizontalScrollBar().maximum() == 0


@pytest.mark.parametrize(
    ("word", "note"),
    [("Kubernetes", ""), ("東京でReactを学ぶ", ""), ("Kubernetes", "runs containers " * 12)],
)
def test_a_table_cell_has_room_left_and_right_of_its_words(
    qtbot: QtBot, word: str, note: str
) -> None:
    # Padded 5 px, the widest word of a column nearly touched its right border. With a
    # long note beside it, the first column is fitted to its word (its least width).
    from app.ui.transcript.wide_tables import data_tables

    view = _table_view(qtbot, f"| Tool | Note |\n|---|---|\n| {word} | {note} |", 300, 10)
    document = view.document()
    table = next(data_tables(document.rootFrame()))
    fitted = [
        c.type() == QTextLength.Type.FixedLength for c in table.format().columnWidthConstraints()
    ]
    assert fitted == [bool(note)] * 2  # fitted, or Qt's widths
    size = document.size().toSize()
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    document.drawContents(painter)
    painter.end()
    border = QColor(palette(dark=False).table_border)
    gaps = []
    for y in range(size.height()):
        row = [QColor(image.pixel(x, y)) for x in range(size.width())]
        lines = [x for x, color in enumerate(row) if color == border]
        if len(lines) != 3:
            continue
        # The first cell's words.
        ink = [x for x in range(lines[0], lines[1]) if row[x].lightness() < 128]
        if ink:
            gaps.append((ink[0] - lines[0] - 1, lines[1] - ink[-1] - 1))
    assert gaps
    left, right = min(g[0] for g in gaps), min(g[1] for g in gaps)
    assert left >= 8
    assert right >= 8
    assert abs(left - right) <= 3  # a glyph's own side bearings; the fitted one's 2 px


LONG_LINE = "total = first_value_of_the_row + second_value_of_the_row + third_value_of_the_row"


def _code_view(qtbot: QtBot, width: int = 320) -> tuple[MessageText, QTextBlock]:
    from app.ui.transcript.markdown_document import MarkdownDocument

    view = MessageText(images=None)
    qtbot.addWidget(view)
    document = MarkdownDocument(view.document(), math=None, dark=False)
    document.set_markdown(f"```python\n{LONG_LINE}\nshort = 1\n```")
    view.set_text_width(width)
    view.resize(width, view.text_height())
    return view, view.document().find("total").block()


def test_a_wrapped_code_line_goes_on_further_in_with_a_mark(qtbot: QtBot) -> None:
    # Its second row started where the lines of code do: it read as a line of its own.
    from PySide6.QtGui import QColor

    from app.ui.transcript.plain_copy import selected_text

    view, block = _code_view(qtbot)
    layout = block.layout()
    assert layout.lineCount() > 1
    hang = code_hang(view.font())
    assert hang > 0
    first, second = layout.lineAt(0), layout.lineAt(1)
    assert second.x() - first.x() == hang
    short = view.document().find("short").block()
    assert short.layout().lineCount() == 1
    assert short.layout().lineAt(0).x() == first.x()  # a line of its own starts as before

    # The mark is drawn in the indent of the second row, not in the first row's.
    view.show()
    qtbot.waitExposed(view)
    image = view.grab().toImage()
    origin = view.document().documentLayout().blockBoundingRect(block).topLeft()

    def inked(row: QTextLine) -> bool:
        """Whether anything is drawn in the hanging indent of ``row``."""
        top, left = int(origin.y() + row.y()), int(origin.x() + first.x())
        colors = {
            QColor(image.pixel(x, y)).rgb()
            for x in range(left, left + hang)
            for y in range(top, top + int(row.height()))
        }
        return len(colors) > 1

    assert inked(second)
    # Drawn only: the text holds the code as written.
    cursor = view.textCursor()
    cursor.setPosition(block.position())
    cursor.setPosition(short.position() + short.length() - 1, cursor.MoveMode.KeepAnchor)
    assert selected_text(cursor) == f"{LONG_LINE}\nshort = 1"


def test_the_hanging_indent_of_code_follows_the_text_size(qtbot: QtBot) -> None:
    view, block = _code_view(qtbot)
    before = block.blockFormat().leftMargin()
    font = QFont(view.font())
    font.setPointSize(24)
    view.setFont(font)
    assert code_hang(font) > before
    assert block.blockFormat().leftMargin() == code_hang(font)
    assert block.blockFormat().textIndent() == -code_hang(font)


@pytest.mark.parametrize("indent", ["    ", "\t", "  \t"])
def test_a_wrapped_indented_code_line_goes_on_under_its_text(qtbot: QtBot, indent: str) -> None:
    # Its rows went on two columns in from the code block's edge, left of the line's own
    # indent: the rest of a line inside a function read as code outside it.
    from PySide6.QtGui import QColor

    from app.ui.transcript.markdown_document import MarkdownDocument
    from app.ui.transcript.plain_copy import selected_text

    view = MessageText(images=None)
    qtbot.addWidget(view)
    code = f"def f():\n{indent}{LONG_LINE}\n{indent}return total"
    MarkdownDocument(view.document(), math=None, dark=False).set_markdown(f"```python\n{code}\n```")
    view.set_text_width(320)
    view.resize(320, view.text_height())
    block = view.document().find("total").block()
    layout = block.layout()
    assert layout.lineCount() > 1
    first, second = layout.lineAt(0), layout.lineAt(1)
    text_x = first.cursorToX(len(indent))[0]  # where the line's text starts
    hang = code_hang(view.font())
    assert second.x() == pytest.approx(text_x + hang, abs=1)
    # A line without its own indent hangs as before.
    top = view.document().find("def f").block().layout().lineAt(0)
    assert top.x() == first.x()

    # The mark stands under the line's text, in the hang, not in its indent.
    view.show()
    qtbot.waitExposed(view)
    image = view.grab().toImage()
    origin = view.document().documentLayout().blockBoundingRect(block).topLeft()

    def inked(left: float, right: float) -> bool:
        rows = range(int(origin.y() + second.y()), int(origin.y() + second.y() + second.height()))
        colors = {
            QColor(image.pixel(x, y)).rgb()
            for x in range(int(origin.x() + left), int(origin.x() + right))
            for y in rows
        }
        return len(colors) > 1

    assert inked(text_x, text_x + hang)
    assert not inked(first.x(), text_x - 1)
    # Copy gives the code as written.
    cursor = view.textCursor()
    cursor.setPosition(view.document().find("def f").block().position())
    cursor.movePosition(cursor.MoveOperation.End, cursor.MoveMode.KeepAnchor)
    assert selected_text(cursor).rstrip("\n") == code


def test_a_streamed_indented_code_line_goes_on_under_its_text(qtbot: QtBot) -> None:
    from app.ui.transcript.markdown_document import MarkdownDocument

    view = MessageText(images=None)
    qtbot.addWidget(view)
    view.set_text_width(320)
    document = MarkdownDocument(view.document(), math=None, dark=False)
    document.append("Intro.\n\n```python\ndef f():\n")
    document.flush()
    document.append(f"    {LONG_LINE}\n")
    document.flush()  # the tail: the code block so far
    document.append("```\n\nAfter.\n\n")
    document.flush()  # now stable, rendered after the intro
    for _ in range(2):
        block = view.document().find("total").block()
        layout = block.layout()
        assert layout.lineCount() > 1
        text_x = layout.lineAt(0).cursorToX(4)[0]
        assert layout.lineAt(1).x() == pytest.approx(text_x + code_hang(view.font()), abs=1)
        document.append("Done.")
        document.flush(final=True)


def test_an_indented_code_line_keeps_its_indent_at_another_text_size(qtbot: QtBot) -> None:
    from app.ui.transcript.markdown_document import MarkdownDocument

    view = MessageText(images=None)
    qtbot.addWidget(view)
    MarkdownDocument(view.document(), math=None, dark=False).set_markdown(
        f"```python\ndef f():\n    {LONG_LINE}\n```"
    )
    font = QFont(view.font())
    font.setPointSize(24)
    view.setFont(font)
    view.set_text_width(600)
    block = view.document().find("total").block()
    layout = block.layout()
    assert layout.lineCount() > 1
    text_x = layout.lineAt(0).cursorToX(4)[0]
    assert layout.lineAt(1).x() == pytest.approx(text_x + code_hang(font), abs=1)

"""Formulas in the window: typeset, numbered, too long, or failed, as a reader sees them."""

from __future__ import annotations

import itertools
from dataclasses import replace

from PySide6.QtCore import QEvent, QPoint, QRect, QUrl
from PySide6.QtGui import QColor, QHelpEvent, QImage, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QToolTip

from app.domain.messages import Role
from tests.fake_mistral import Reply
from tests.integration.gui.conftest import Gui, in_loop

LONG_SUM = " + ".join(f"a_{{{n}}}" for n in range(1, 23)) + " = S"


def _answer(gui: Gui):  # -> MessageItem
    transcript = gui.pane.transcript
    for message_id in reversed(transcript.message_ids):
        item = transcript.item(message_id)
        if item is not None and item.message.role is Role.ASSISTANT:
            return item
    raise AssertionError("no answer shown")


def _set_theme(gui: Gui, theme: str) -> None:
    application = gui.application
    application.apply_settings(replace(application.config.settings, theme=theme))
    assert application.theme.is_dark is (theme == "dark")


def _format_of(document, text: str) -> tuple[QTextCharFormat, QTextCursor]:
    found = document.find(text)
    assert not found.isNull(), text
    inside = QTextCursor(document)
    inside.setPosition(found.selectionStart() + 1)
    return inside.charFormat(), found


@in_loop
async def test_a_formula_that_cannot_be_typeset_is_marked_and_says_why(gui: Gui) -> None:
    # Shown in the purple of a formula still being typeset, nothing said it failed;
    # \ce{H2O} was typeset as "\ce H2O" in italics.
    _set_theme(gui, "light")
    text = "Broken $\\frac{1}{$, water $\\ce{H2O}$, fine $x^2$."
    gui.server.enqueue(Reply(text=text), Reply(text="Formulas"))
    await gui.ask("Formulas?")
    await gui.until(gui.answered)
    math = gui.application.math
    await gui.until(
        lambda: (
            math.image_url("x^2", False) is not None
            and math.failure("\\ce{H2O}", False) is not None
            and math.failure("\\frac{1}{", False) is not None
        )
    )
    answer = _answer(gui)
    document = answer.text.document()
    await gui.until(lambda: not document.find("$\\ce{H2O}$").isNull())  # shown again
    assert "maestrale-math:" in answer.text.toHtml()  # x^2, typeset
    reasons = {
        "$\\frac{1}{$": "it ends too soon (a closing brace or an argument is missing)",
        "$\\ce{H2O}$": "\\ce is not supported",
    }
    for source, reason in reasons.items():
        char_format, found = _format_of(document, source)
        assert char_format.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
        tip = f"This formula could not be typeset: {reason}."
        assert char_format.toolTip() == tip
        # Hovering it says so.
        point = answer.text.cursorRect(found).center()
        point.setX(point.x() - 4)  # on the formula's last characters
        hover = QHelpEvent(QEvent.Type.ToolTip, point, answer.text.viewport().mapToGlobal(point))
        QApplication.sendEvent(answer.text.viewport(), hover)
        assert QToolTip.text() == tip
        QToolTip.hideText()


def _ink(image: QImage, rows: range, background: QColor) -> list[int]:
    """The columns of ``image`` with light marks on the dark ``background`` in ``rows``."""
    return [
        x
        for x in range(image.width())
        if any(image.pixelColor(x, y).lightness() > background.lightness() + 60 for y in rows)
    ]


@in_loop
async def test_a_numbered_formula_is_centred_and_its_number_seen_in_the_dark(gui: Gui) -> None:
    # The "(1)" was drawn black on the dark page, and the formula pushed to the left.
    _set_theme(gui, "dark")
    gui.server.enqueue(Reply(text="Number one:\n\n$$x = 1 \\tag{1}$$\n\nEnd."), Reply(text="T"))
    await gui.ask("Numbered?")
    await gui.until(gui.answered)
    math = gui.application.math
    await gui.until(lambda: math.image_url("x = 1 \\tag{1}", True) is not None)
    answer = _answer(gui)
    view = answer.text
    await gui.until(lambda: not view.document().find("\ufffc").isNull())
    await gui.settle(0.1)
    found = view.document().find("\ufffc")
    line = view.cursorRect(found)
    block = view.document().findBlock(found.selectionStart())
    height = round(block.layout().lineAt(0).height())
    window = gui.window
    top_left = view.viewport().mapTo(window, QPoint(0, line.top()))
    shot = window.grab(QRect(top_left.x(), top_left.y(), view.viewport().width(), height))
    image = shot.toImage()
    background = image.pixelColor(1, 1)
    assert background.lightness() < 80  # the dark page
    columns = _ink(image, range(image.height()), background)
    gaps = [(b - a, a, b) for a, b in itertools.pairwise(columns) if b - a > 1]
    _, formula_end, tag_start = max(gaps)  # between the formula and its number
    assert columns[-1] - tag_start > 10  # the number shows, light on the dark page
    formula_middle = (columns[0] + formula_end) / 2
    assert abs(formula_middle - image.width() / 2) <= 6  # centred


@in_loop
async def test_a_long_formula_in_a_narrow_window_keeps_a_size_that_reads(gui: Gui) -> None:
    # Fitted to a 700 px window, a sum of 22 terms had subscripts 4 px tall.
    from app.ui.transcript.math_images import FORMULA_SCALE

    _set_theme(gui, "light")
    gui.window.resize(700, 760)
    gui.server.enqueue(Reply(text=f"A long one:\n\n$${LONG_SUM}$$\n\nAfter."), Reply(text="T"))
    await gui.ask("Long?")
    await gui.until(gui.answered)
    math = gui.application.math
    await gui.until(lambda: math.image_url(LONG_SUM, True) is not None)
    view = _answer(gui).text
    await gui.until(lambda: not view.document().find("\ufffc").isNull())
    await gui.settle(0.1)
    found = view.document().find("\ufffc")
    image = math.image(QUrl(found.charFormat().toImageFormat().name()))
    natural = image.deviceIndependentSize()
    block = view.document().findBlock(found.selectionStart())
    line = block.layout().lineAt(0)
    left, _ = line.cursorToX(found.selectionStart() - block.position())
    assert natural.width() > view.viewport().width() * FORMULA_SCALE  # too long to fit
    assert line.naturalTextWidth() >= natural.width() / FORMULA_SCALE - 1  # the text's size
    assert left == 0  # from the column's left, not centred out of reach
    bar = view.horizontalScrollBar()
    assert bar.isVisible()
    assert bar.maximum() + view.viewport().width() >= line.naturalTextWidth()  # to its end
    # A copy of it still gives its TeX.
    cursor = view.textCursor()
    cursor.select(QTextCursor.SelectionType.Document)
    view.setTextCursor(cursor)
    view.copy()
    assert f"$${LONG_SUM}$$" in QApplication.clipboard().text()
    QApplication.clipboard().clear()

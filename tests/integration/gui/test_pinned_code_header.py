"""A long code block keeps its header (language and Copy) at the top of the view while
its own header is scrolled away, as ChatGPT and Claude do."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QGuiApplication, QTextTable
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolTip, QWidget

from app.domain.messages import Role
from app.rendering.palette import palette
from app.ui.transcript.item import MessageItem
from app.ui.transcript.sticky_code import PinnedCodeHeader
from tests.fake_mistral import Reply
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.test_chat_window import answer_text, last_item

CODE = "\n".join(f"print('line {i}')  # row {i}" for i in range(300))
SHELL = "\n".join(f"echo step {i}" for i in range(150))
AFTER = "\n\n".join(f"Words after the code, paragraph {i}." for i in range(30))
ANSWER = (
    f"Here is a long script:\n\n```python\n{CODE}\n```\n\n{AFTER}\n\n"
    f"And the shell steps:\n\n```bash\n{SHELL}\n```\n\n{AFTER}\n"
)
# Where to leave pictures of the pinned header to look at (unset: none are taken).
SHOTS = os.environ.get("MAESTRALE_TEST_SHOTS")


def _answer(gui: Gui) -> MessageItem:
    item: MessageItem = last_item(gui, Role.ASSISTANT)
    return item


def _code_box(gui: Gui, number: int = 0) -> tuple[int, int]:
    """The top and bottom of the answer's code block ``number``, in the transcript's
    canvas (as it shows: the header's padding above, the code's below)."""
    text = _answer(gui).text
    document = text.document()
    layout = document.documentLayout()
    tables = [f for f in document.rootFrame().childFrames() if isinstance(f, QTextTable)]
    table = tables[number]
    header = layout.blockBoundingRect(table.cellAt(0, 0).firstCursorPosition().block())
    last = layout.blockBoundingRect(table.cellAt(1, 0).lastCursorPosition().block())
    origin = text.viewport().mapTo(gui.pane.transcript.canvas, QPoint(0, 0))
    return origin.y() + round(header.top()) - 4, origin.y() + round(last.bottom()) + 8


def _code_box_header(gui: Gui) -> int:
    """The height of the first code block's header row (its padding included)."""
    document = _answer(gui).text.document()
    layout = document.documentLayout()
    table = next(f for f in document.rootFrame().childFrames() if isinstance(f, QTextTable))
    label = layout.blockBoundingRect(table.cellAt(0, 0).firstCursorPosition().block())
    code = layout.blockBoundingRect(table.cellAt(1, 0).firstCursorPosition().block())
    # The label 4 px under the header's top, the code 8 px under the header's end.
    return round(code.top() - label.top()) - 4


def _label_font_points(gui: Gui) -> float:
    """The size of the first code block's language label, as the document draws it."""
    document = _answer(gui).text.document()
    table = next(f for f in document.rootFrame().childFrames() if isinstance(f, QTextTable))
    block = table.cellAt(0, 0).firstCursorPosition().block()
    return float(block.begin().fragment().charFormat().font().pointSizeF())


def _wheel_down(gui: Gui, widget: QWidget) -> None:
    """A turn of the mouse wheel over ``widget``, as the window system gives it."""
    place = widget.mapTo(gui.window, widget.rect().center())
    QTest.wheelEvent(gui.window.windowHandle(), QPointF(place), QPoint(0, -120), QPoint())


def _pinned(gui: Gui) -> PinnedCodeHeader | None:
    header: PinnedCodeHeader | None = gui.pane.transcript._code_header
    return header


def _scroll_to(gui: Gui, value: int) -> None:
    bar = gui.pane.transcript.verticalScrollBar()
    bar.setValue(value)
    assert bar.value() == value


async def _long_answer(gui: Gui) -> None:
    gui.server.enqueue(Reply(text=ANSWER))
    await gui.ask("A long script, please")
    await gui.until(gui.answered)
    # Rendered: the answer's text holds its code blocks' boxes, the blocks skipped
    # while the view followed the end included (filled on idle frames: until then the
    # layout below them still moves).
    await gui.until(lambda: "echo step 149" in _answer(gui).text.toPlainText())
    await gui.until(lambda: not _answer(gui).document.has_gaps)
    await gui.settle()


async def _reading_the_first_block(gui: Gui) -> PinnedCodeHeader:
    """The long answer, read halfway down its first code block: that block's header
    pinned."""
    await _long_answer(gui)
    top, bottom = _code_box(gui)
    _scroll_to(gui, (top + bottom) // 2)
    pinned = _pinned(gui)
    assert pinned is not None
    assert pinned.isVisible()
    return pinned


def _shoot(gui: Gui, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        gui.window.grab().save(str(Path(SHOTS) / f"{name}.png"))


@in_loop
async def test_a_long_code_blocks_header_stays_at_the_top_while_it_is_read(gui: Gui) -> None:
    await _long_answer(gui)
    top, bottom = _code_box(gui)
    transcript = gui.pane.transcript
    view_height = transcript.viewport().height()
    assert bottom - top > 3 * view_height  # a block taller than the view

    # Its own header in view at the top: nothing pinned over it.
    _scroll_to(gui, top)
    pinned = _pinned(gui)
    assert pinned is None or not pinned.isVisible()

    # In the middle of the block: its header at the top of the view.
    _scroll_to(gui, (top + bottom) // 2)
    pinned = _pinned(gui)
    assert pinned is not None
    assert pinned.isVisible()
    assert pinned.language == "python"
    assert pinned.y() == 0
    assert pinned.copy_button.accessibleName() == "Copy code"
    assert "python" in pinned.copy_button.accessibleDescription()
    assert pinned.copy_button.focusPolicy() == Qt.FocusPolicy.NoFocus
    _shoot(gui, "pinned-light")

    # Copy gives the code as written, and says it did, as the block's own Copy does.
    QGuiApplication.clipboard().clear()
    focused = QApplication.focusWidget()
    gui.qtbot.mouseClick(pinned.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == CODE
    assert QToolTip.text() == "Copied"
    assert QApplication.focusWidget() is focused  # the keyboard stays where it was

    # The wheel over the pinned header scrolls the transcript as elsewhere.
    bar = transcript.verticalScrollBar()
    before = bar.value()
    _wheel_down(gui, pinned)
    assert bar.value() > before
    assert pinned.isVisible()

    # Near the block's end the header goes up with it: never over the words after it.
    header = pinned.height()
    _scroll_to(gui, bottom - header // 2)
    assert pinned.isVisible()
    assert pinned.y() + pinned.height() == bottom - transcript.verticalScrollBar().value()
    _shoot(gui, "pinned-leaving")

    # Past the block: gone.
    _scroll_to(gui, bottom + 1)
    assert not pinned.isVisible()

    # In the next block: that block's header, and its code.
    top, bottom = _code_box(gui, 1)
    _scroll_to(gui, top + 1)
    assert pinned.isVisible()
    assert pinned.language == "bash"
    _scroll_to(gui, (top + bottom) // 2)
    assert pinned.isVisible()
    assert pinned.language == "bash"
    gui.qtbot.mouseClick(pinned.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == SHELL
    QGuiApplication.clipboard().clear()


@in_loop
async def test_the_widget_with_the_keyboard_keeps_its_place_in_the_tab_order(gui: Gui) -> None:
    # The header stands in for the widget with the keyboard (its focus proxy), and Qt
    # gives a widget's focus policy to its proxy too: each widget the keyboard went to
    # afterwards lost its Tab stop for good (the message field, a tool call's Run; Tab
    # from them went into the transcript, in the order its widgets were made).
    pinned = await _reading_the_first_block(gui)
    field = gui.pane.composer.edit
    new_chat = gui.window.sidebar.new_chat_button
    for widget in (field, new_chat, field):
        widget.setFocus()
        await gui.until(lambda widget=widget: pinned.focusProxy() is widget)
    assert field.focusPolicy() == Qt.FocusPolicy.StrongFocus
    assert new_chat.focusPolicy() == Qt.FocusPolicy.StrongFocus
    assert pinned.focusPolicy() == Qt.FocusPolicy.ClickFocus  # it still takes a click's
    # Shift+Tab from the message field: the answer's last button, above it (at the end,
    # with no "Jump to latest" between them).
    gui.pane.transcript.scroll_to_end()
    gui.qtbot.keyClick(field, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is _answer(gui)._action


@in_loop
async def test_the_pinned_header_is_the_blocks_own_header_in_place(gui: Gui) -> None:
    await _long_answer(gui)
    top, _bottom = _code_box(gui)
    transcript = gui.pane.transcript
    # A pixel into the block: the pinned header lies where the block's own was.
    _scroll_to(gui, top + 1)
    pinned = _pinned(gui)
    assert pinned is not None
    assert pinned.isVisible()
    text = _answer(gui).text
    left = text.viewport().mapTo(transcript.viewport(), QPoint(0, 0)).x()
    document = text.document()
    assert pinned.x() == left + round(document.documentMargin())
    assert pinned.width() == round(document.textWidth() - 2 * document.documentMargin())
    header = _code_box_header(gui)
    assert pinned.height() == header
    assert pinned.y() == 0  # over the block's own, which went up one pixel
    # Larger text (Ctrl++): the pinned header grows with the block's own.
    small = pinned.height()
    for _ in range(3):
        gui.application.zoom_text(1)
    await gui.settle(0.3)
    top, _bottom = _code_box(gui)
    _scroll_to(gui, top + 1)
    assert pinned.isVisible()
    assert pinned.height() == _code_box_header(gui) > small
    assert pinned.language == "python"
    label = _label_font_points(gui)
    assert pinned._label.font().pointSizeF() == pytest.approx(label, abs=0.01)


@in_loop
async def test_the_pinned_header_shows_while_the_answer_is_written(gui: Gui) -> None:
    opening = f"Here is a long script:\n\n```python\n{CODE}\n```\n\n"
    # The code first, then words for a few seconds more: the answer is still being
    # written while the reader scrolls up into its code.
    words = [f"word{i} " for i in range(150)]
    gui.server.enqueue(Reply(chunks=[opening, *words], delay=0.02))
    await gui.ask("A long script, please")
    await gui.until(lambda: "word5" in answer_text(gui))
    assert _answer(gui).streaming
    top, bottom = _code_box(gui)
    _scroll_to(gui, (top + bottom) // 2)
    await gui.settle(0.2)  # more words come below, the view stays in the code
    assert _answer(gui).streaming
    pinned = _pinned(gui)
    assert pinned is not None
    assert pinned.isVisible()
    assert pinned.language == "python"
    assert pinned.y() == 0
    gui.qtbot.mouseClick(pinned.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == CODE
    QGuiApplication.clipboard().clear()
    await gui.until(gui.answered, timeout=30)


@in_loop
async def test_the_pinned_header_takes_the_theme(gui: Gui) -> None:
    application = gui.application
    application.apply_settings(replace(application.config.settings, theme="light"))
    pinned = await _reading_the_first_block(gui)
    light = palette(dark=False).code_header_bg
    assert pinned.grab().toImage().pixelColor(1, 1).name() == light
    application.apply_settings(replace(application.config.settings, theme="dark"))
    await gui.settle()
    top, bottom = _code_box(gui)
    _scroll_to(gui, (top + bottom) // 2 + 10)
    assert pinned.isVisible()
    assert pinned.language == "python"
    dark = palette(dark=True).code_header_bg
    assert pinned.grab().toImage().pixelColor(1, 1).name() == dark
    _shoot(gui, "pinned-dark")
    _scroll_to(gui, top + 40)
    _shoot(gui, "pinned-dark-near-top")


@in_loop
async def test_a_conversation_opened_in_a_long_code_block_shows_its_header(gui: Gui) -> None:
    # Opening pins the header once, when the conversation is shown (not at each of its
    # relayouts and scrolls): it must still be pinned then, with no scroll to come.
    store = gui.store
    created = store.create_conversation(title="Script", model="mistral-large-2411")
    question = store.add_message(created.id, role=Role.USER, content="A script", parent_id=None)
    store.add_message(
        created.id,
        role=Role.ASSISTANT,
        content=f"Here it is:\n\n```python\n{CODE}\n```",
        parent_id=question.id,
    )
    gui.window.open_conversation(created.id)
    transcript = gui.pane.transcript
    top, bottom = _code_box(gui)
    bar = transcript.verticalScrollBar()
    assert transcript.following
    assert top < bar.value() < bottom  # the end of the code block is in view, not its top
    pinned = _pinned(gui)
    assert pinned is not None
    assert pinned.isVisible()
    assert pinned.language == "python"

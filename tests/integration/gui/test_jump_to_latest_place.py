"""The transcript's "Jump to latest": small, beside the text when there is room, and
never over a line that cannot be scrolled clear of it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget

from app.domain.messages import Role
from app.ui.transcript.item import MessageItem
from tests.fake_mistral import Reply
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.test_chat_window import last_item

WORDS = " ".join(f"word{n}" for n in range(12))


def _in(widget: QWidget, rect: QRect, of: QWidget) -> QRect:
    """``rect`` in ``widget``'s coordinates, in ``of``'s."""
    return QRect(widget.mapTo(of, rect.topLeft()), rect.size())


def _last_line(item: MessageItem, of: QWidget) -> QRect:
    """The rectangle of the message's last line of text, in ``of``'s coordinates."""
    document = item.text.document()
    block = document.lastBlock()
    while not block.text() and block.previous().isValid():
        block = block.previous()
    layout = block.layout()
    line = layout.lineAt(layout.lineCount() - 1)
    top = document.documentLayout().blockBoundingRect(block).topLeft()
    rect = line.naturalTextRect().translated(top).toAlignedRect()
    return _in(item.text.viewport(), rect, of)


async def _scrolled_up_while_streaming(
    gui: Gui, width: int, height: int, size: int = 0, lines: int = 300
) -> None:
    """An answer of ``lines`` lines streams (a line each 10 ms or more), scrolled up."""
    if size:
        gui.application.theme.apply("light", size)
    gui.window.resize(width, height)
    await gui.settle(0.1)
    gui.server.enqueue(Reply(chunks=[f"line {n} {WORDS}\n\n" for n in range(lines)], delay=0.01))
    await gui.ask("Many lines")
    bar = gui.pane.transcript.verticalScrollBar()
    await gui.until(lambda: bar.maximum() > 1500)
    bar.setValue(bar.maximum() - 300)  # the user scrolls up to read
    await gui.until(gui.pane.transcript._jump.isVisible)


@in_loop
async def test_in_a_wide_window_it_sits_beside_the_text(gui: Gui) -> None:
    # It floated in the middle of the column, over the bottom lines being read.
    await _scrolled_up_while_streaming(gui, 1400, 900)
    transcript = gui.pane.transcript
    jump = transcript._jump.geometry()
    viewport = transcript.viewport()
    shown = 0
    for message_id in transcript.message_ids:
        item = transcript.item(message_id)
        if item is None or not item.isVisible():
            continue
        text = _in(item.text, item.text.rect(), transcript)
        if text.intersects(_in(viewport, viewport.rect(), transcript)):
            shown += 1
            assert not jump.intersects(text), message_id
    assert shown
    assert _in(viewport, viewport.rect(), transcript).contains(jump)  # in the view, still
    await gui.until(gui.answered, timeout=30)


@in_loop
async def test_at_large_text_it_is_a_small_round_arrow(gui: Gui) -> None:
    # At 24 pt the pill "↓  Jump to latest" was 360 px wide over a 680 px conversation.
    await _scrolled_up_while_streaming(gui, 1100, 760, size=24)
    jump = gui.pane.transcript._jump
    assert jump.width() <= 48
    assert jump.height() <= 48
    assert jump.width() == jump.height()
    assert not jump.icon().isNull()
    assert jump.toolTip() == "Jump to latest"  # what the arrow does, said on hover
    assert jump.accessibleName() == "Jump to the latest message"
    await gui.until(gui.answered, timeout=30)


@pytest.mark.parametrize(
    ("width", "height", "size"), [(900, 600, 0), (700, 700, 24)], ids=["normal", "24 pt"]
)
@in_loop
async def test_over_the_text_it_keeps_to_the_lines_ends(
    gui: Gui, width: int, height: int, size: int
) -> None:
    # A narrow conversation has no margin for it: it floats over the column's right
    # end (it stood in the middle, over the words being read), and scrolled to the end
    # the last line is not under its place.
    await _scrolled_up_while_streaming(gui, width, height, size)
    transcript = gui.pane.transcript
    jump = transcript._jump.geometry()
    answer = last_item(gui, Role.ASSISTANT)
    column = _in(answer, answer.rect(), transcript)
    assert column.left() + column.width() * 3 // 4 < jump.left() < column.right()
    viewport = transcript.viewport()
    assert _in(viewport, viewport.rect(), transcript).contains(jump)
    await gui.until(gui.answered, timeout=30)
    transcript.scroll_to_end()
    await gui.settle(0.1)
    line = _last_line(last_item(gui, Role.ASSISTANT), transcript)
    assert _in(viewport, viewport.rect(), transcript).contains(line)  # in sight
    assert not transcript._jump.isVisible()
    assert transcript._jump.geometry().top() > line.bottom()  # where it shows again

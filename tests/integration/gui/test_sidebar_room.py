"""A shown sidebar leaves the conversation its least width: at large text in a narrow
window, Ctrl+B squeezed the message field to a sliver."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.ui.main_window import CHAT_MIN_WIDTH, WINDOW_MIN_WIDTH
from app.ui.text_scale import room_scale
from app.ui.theme import screen_room
from tests.integration.gui.conftest import Gui, in_loop

CTRL = Qt.KeyboardModifier.ControlModifier


async def _ctrl_b_in_a_narrow_window(gui: Gui, size: int, width: int) -> None:
    gui.application.theme.apply("light", size)
    gui.window.resize(width, 560)
    await gui.settle(0.1)
    assert gui.window.sidebar.isHidden()  # gone for the narrow window
    gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_B, CTRL)
    await gui.settle(0.1)
    assert not gui.window.sidebar.isHidden()


@in_loop
async def test_ctrl_b_grows_a_narrow_window_to_hold_both(gui: Gui) -> None:
    # At 16 pt in a 660 px window (the offscreen screen is 800 px wide: room enough).
    window, pane, sidebar = gui.window, gui.pane, gui.window.sidebar
    await _ctrl_b_in_a_narrow_window(gui, 16, 660)
    least = round(CHAT_MIN_WIDTH * room_scale(window))
    assert pane.width() >= least
    assert sidebar.width() >= sidebar.minimumWidth()
    assert window.width() > 660
    assert window.frameGeometry().right() <= window.screen().availableGeometry().right()
    # The handle dragged right does not squeeze it either.
    window.splitter.moveSplitter(window.width(), 1)
    await gui.settle(0.05)
    assert pane.width() >= least
    # Hidden again, the window can be made narrow again.
    gui.qtbot.keyClick(pane.composer.edit, Qt.Key.Key_B, CTRL)
    await gui.settle(0.05)
    assert sidebar.isHidden()
    assert window.minimumWidth() == WINDOW_MIN_WIDTH


@in_loop
async def test_ctrl_b_at_large_text_on_a_narrow_screen_keeps_the_conversation_usable(
    gui: Gui,
) -> None:
    # At 24 pt both least widths (620 + 310 px) do not fit the 800 px screen: the window
    # takes the screen's width, the sidebar its least width, the conversation the rest
    # (it had 386 px of a 700 px window, its message field a few words wide).
    window, pane, sidebar = gui.window, gui.pane, gui.window.sidebar
    await _ctrl_b_in_a_narrow_window(gui, 24, 700)
    room = screen_room(window).width()
    assert round(CHAT_MIN_WIDTH * room_scale(window)) + sidebar.minimumWidth() > room
    assert window.width() == room
    assert window.minimumWidth() == room  # not narrowed back to a sliver either
    assert sidebar.width() == sidebar.minimumWidth()
    assert pane.width() >= pane.minimumWidth()
    assert pane.width() == room - sidebar.width() - window.splitter.handleWidth()
    assert pane.composer.edit.width() > pane.composer.width() // 2  # room to type in

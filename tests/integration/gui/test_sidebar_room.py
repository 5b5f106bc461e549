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


async def _maximized(gui: Gui, size: int) -> None:
    gui.application.theme.apply("light", size)
    gui.window.showMaximized()
    await gui.until(gui.window.isMaximized)
    await gui.settle(0.1)


@in_loop
async def test_ctrl_b_in_a_maximized_window_keeps_its_size(gui: Gui) -> None:
    # At 24 pt the two least widths (620 + 310 px) are more than the maximized window
    # has: it cannot grow, so the sidebar takes its least width and the conversation the
    # rest, and the window's minimum is not raised past its width.
    window, pane, sidebar = gui.window, gui.pane, gui.window.sidebar
    await _maximized(gui, 24)
    if not sidebar.isHidden():
        gui.qtbot.keyClick(pane.composer.edit, Qt.Key.Key_B, CTRL)
        await gui.until(sidebar.isHidden)
    geometry = window.geometry()
    gui.qtbot.keyClick(pane.composer.edit, Qt.Key.Key_B, CTRL)
    await gui.until(lambda: not sidebar.isHidden())
    await gui.settle(0.1)
    assert window.isMaximized()
    assert window.geometry() == geometry
    assert window.minimumWidth() <= window.width()
    assert sidebar.width() == sidebar.minimumWidth()
    assert pane.width() == window.width() - sidebar.width() - window.splitter.handleWidth()


@in_loop
async def test_a_maximized_window_hidden_keeps_its_size_when_the_text_grows(gui: Gui) -> None:
    # Kept in the tray while maximized, the text grows (Settings): the least widths were
    # measured against none of the screen, and Qt widened the hidden window past it.
    window, pane, sidebar = gui.window, gui.pane, gui.window.sidebar
    await _maximized(gui, 10)
    if sidebar.isHidden():
        gui.qtbot.keyClick(pane.composer.edit, Qt.Key.Key_B, CTRL)
        await gui.until(lambda: not sidebar.isHidden())
    geometry = window.geometry()
    window.hide()
    gui.application.theme.apply("light", 24)
    await gui.settle(0.1)
    assert window.width() == geometry.width()
    assert window.minimumWidth() <= geometry.width()
    window.show()
    await gui.until(window.isVisible)
    await gui.settle(0.1)
    assert window.geometry() == geometry
    assert sidebar.width() >= sidebar.minimumWidth()
    assert pane.width() >= pane.minimumWidth()


@in_loop
async def test_hiding_the_sidebar_again_gives_the_room_back(gui: Gui) -> None:
    # Grown 640 -> 934 px for the sidebar at 24 pt, the window stayed 934 px wide once
    # Ctrl+B hid it again (QA). Here at 16 pt, as the test screen is 800 px wide.
    window = gui.window
    gui.application.theme.apply("light", 16)
    await gui.settle(0.05)
    if not window.sidebar.isHidden():
        gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_B, CTRL)
    window.resize(660, 560)
    await gui.settle(0.1)
    assert window.width() == 660
    before = window.geometry()
    gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_B, CTRL)
    await gui.settle(0.1)
    assert not window.sidebar.isHidden()
    assert window.width() > before.width()
    gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_B, CTRL)
    await gui.settle(0.05)
    assert window.sidebar.isHidden()
    assert window.geometry() == before
    # Widened by the person meanwhile, the window keeps the width they gave it.
    gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_B, CTRL)
    await gui.settle(0.05)
    grown = window.width()
    window.resize(grown + 10, window.height())
    await gui.settle(0.05)
    gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_B, CTRL)
    await gui.settle(0.05)
    assert window.sidebar.isHidden()
    assert window.width() == grown + 10

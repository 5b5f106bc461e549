"""The transcript's viewport paints its own background: Qt paints it without the
window, the pane and the scroll area beneath, and the window looks the same."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from tests.fake_mistral import Reply
from tests.integration.gui.conftest import Gui, in_loop


def _grab(window: QWidget) -> QImage:
    return window.grab().toImage()


@in_loop
async def test_the_viewport_is_opaque_and_the_window_looks_the_same(gui: Gui) -> None:
    gui.server.enqueue(
        Reply(text="Some **words**, a table:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n`code`"),
        Reply(text="Words"),
    )
    await gui.ask("Show me")
    await gui.until(gui.answered)
    transcript = gui.pane.transcript
    viewport = transcript.viewport()
    gui.pane.composer.edit.setFocus()
    await gui.settle(0.05)
    assert viewport.autoFillBackground()  # from the first polish on
    size = gui.application.theme.font_size
    for theme, focused in (("dark", False), ("dark", True), ("light", True), ("light", False)):
        # Each style sheet made anew turns the viewport's background off again.
        gui.application.theme.apply(theme, size)
        if focused:
            transcript.setFocus(Qt.FocusReason.TabFocusReason)
        else:
            gui.pane.composer.edit.setFocus()
        await gui.settle(0.1)
        # Not while its focus ring shows: the ring's rounded corners reach into it.
        assert viewport.autoFillBackground() is not focused, (theme, focused)
        assert viewport.palette().color(viewport.backgroundRole()) == transcript.palette().color(
            transcript.backgroundRole()
        )
        gui.pane.composer.edit.setCursorWidth(0)  # its blinking caret: not compared
        shown = _grab(gui.window)
        viewport.setAutoFillBackground(False)  # what Qt's style sheet style leaves
        try:
            assert _grab(gui.window) == shown, (theme, focused)
        finally:
            viewport.setAutoFillBackground(not focused)

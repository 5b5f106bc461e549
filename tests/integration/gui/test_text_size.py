"""The text size: the zoom keys set it for the whole window and keep it, as Settings →
Appearance does."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.config import load_config
from app.domain.messages import Role
from app.settings import load_settings
from app.text_sizes import zoomed_text_size
from app.ui.theme import system_text_size
from tests.fake_mistral import Reply
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.test_chat_window import last_item

CTRL = Qt.KeyboardModifier.ControlModifier


def _sizes(gui: Gui) -> dict[str, float]:
    """The text size of the answer, the message field, the conversation list and the
    header's title, in points."""
    answer = last_item(gui, Role.ASSISTANT)
    return {
        "answer": answer.text.font().pointSizeF(),
        "message field": gui.pane.composer.edit.font().pointSizeF(),
        "list": gui.window.sidebar.list_view.font().pointSizeF(),
        "title": gui.pane.title.font().pointSizeF(),
    }


@in_loop
async def test_the_zoom_keys_set_the_whole_windows_text_size_and_keep_it(
    gui: Gui, gui_environ: dict[str, str]
) -> None:
    # Ctrl++ made the conversation's text larger, and only it: the message field, the
    # list and the header stayed small, and the next start was at the old size again.
    gui.server.enqueue(Reply(text="Some words to read, and `code`."), Reply(text="Zoom"))
    await gui.ask("Hi")
    await gui.until(gui.answered)
    edit = gui.pane.composer.edit
    before = _sizes(gui)
    system = system_text_size()
    expected = 0
    for _ in range(3):
        gui.qtbot.keyClick(edit, Qt.Key.Key_Equal, CTRL)  # Ctrl+= (Ctrl++ without Shift)
        expected = zoomed_text_size(expected, system, 1)
    await gui.settle(0.05)
    assert expected > system
    assert gui.application.config.settings.font_size == expected
    larger = _sizes(gui)
    for name, size in before.items():
        assert larger[name] > size, name
    assert larger["message field"] == expected
    assert larger["answer"] == expected
    # Saved as the text size setting: the next start opens at this size.
    assert load_config(gui_environ).settings.font_size == expected

    gui.qtbot.keyClick(edit, Qt.Key.Key_Minus, CTRL)  # Ctrl+-
    await gui.settle(0.05)
    smaller = zoomed_text_size(expected, system, -1)
    assert gui.application.config.settings.font_size == smaller
    assert _sizes(gui)["message field"] == smaller

    gui.qtbot.keyClick(edit, Qt.Key.Key_0, CTRL)  # Ctrl+0: the default, the system's size
    await gui.settle(0.05)
    assert gui.application.config.settings.font_size == 0
    assert load_config(gui_environ).settings.font_size == 0
    assert _sizes(gui) == before


@in_loop
async def test_the_zoom_keys_show_their_size_in_open_settings(gui: Gui) -> None:
    # The Appearance page stays true to the size in effect, and saves it as its own.
    gui.application.open_settings("appearance")
    dialog = gui.application._settings_dialog
    assert dialog is not None
    page = dialog.appearance_page
    assert page.font_size.currentData() == 0
    gui.window.actions_by_id["zoom_out"].trigger()
    await gui.settle(0.01)  # applied on the next turn of the loop, merged with any more
    expected = zoomed_text_size(0, system_text_size(), -1)
    assert page.font_size.currentData() == expected
    assert dialog.settings.font_size == expected
    assert gui.application.config.settings.font_size == expected
    assert load_settings(gui.application.config.paths.settings_file).settings.font_size == expected
    assert gui.application.app.font().pointSizeF() == expected
    # Chosen there next, the size is the one chosen (the page did not keep an old one).
    page.font_size.setCurrentIndex(page.font_size.findData(0))
    dialog.flush()
    assert gui.application.config.settings.font_size == 0
    dialog.close()


@in_loop
async def test_the_zoom_keys_stop_at_the_largest_and_smallest_sizes(gui: Gui) -> None:
    application = gui.application
    for _ in range(20):
        gui.window.actions_by_id["zoom_in"].trigger()
    await gui.settle(0.01)
    assert application.config.settings.font_size == 24
    for _ in range(30):
        gui.window.actions_by_id["zoom_out"].trigger()
    await gui.settle(0.01)
    assert application.config.settings.font_size == 8


@in_loop
async def test_at_large_text_the_sidebar_keeps_a_fair_share_of_the_window(gui: Gui) -> None:
    # At 16 pt it grew with the text to 420 of 1,180 px, the conversation squeezed.
    window, theme = gui.window, gui.application.theme
    window.resize(1180, 780)
    await gui.settle(0.05)
    normal = window.splitter.sizes()[0]
    for points in (16, 20):
        theme.apply("light", points)
        window.resize(1180, 780)
        await gui.settle(0.05)
        assert not window.sidebar.isHidden()
        width = window.splitter.sizes()[0]
        assert normal < width <= 0.33 * window.width(), points
    # Still the user's to resize: a drag is kept through a text size change.
    window.splitter.setSizes([300, window.width() - 300])
    window.splitter.splitterMoved.emit(300, 1)
    theme.apply("light", 16)
    theme.apply("light", 20)
    await gui.settle(0.05)
    assert abs(window.splitter.sizes()[0] - 300) <= 1


@in_loop
async def test_at_large_text_the_model_box_gives_the_title_its_spare_room(gui: Gui) -> None:
    # At 20 pt the header read "Echo: Questi…" beside a model box as wide as 24
    # characters, its name using two thirds of it.
    await gui.application.refresh_models()
    gui.application.theme.apply("light", 20)
    gui.window.resize(1180, 780)
    pane = gui.pane
    for title in ("Echo: Question", "Echo: Question about the weekend in Paris"):
        conversation = gui.store.create_conversation(title=title, model="mistral-small-2506")
        gui.window.open_conversation(conversation.id)
        await gui.settle(0.1)
        assert not pane.header.wrapped
        combo = pane.picker.combo
        assert combo.shown_text() == "mistral-small-2506"  # the model's name whole
        if pane.title.text() != title:  # shortened only once the box gave back its room
            assert combo.width() <= combo.whole_width() + 1, title
    assert pane.title.text().endswith("…")
    conversation = gui.store.create_conversation(title="Echo: Question", model="mistral-small-2506")
    gui.window.open_conversation(conversation.id)
    await gui.settle(0.1)
    assert pane.title.text() == "Echo: Question"


def _long_conversation(gui: Gui) -> str:
    """A conversation of one 100,000-character line and its echo, opened at its end."""
    store = gui.store
    conversation = store.create_conversation(title="Long line", model="mistral-small-2506")
    line = "x" * 100_000
    asked = store.add_message(conversation.id, role=Role.USER, content=line, parent_id=None)
    store.add_message(
        conversation.id,
        role=Role.ASSISTANT,
        content="You said: " + line,
        parent_id=asked.id,
        model="mistral-small-2506",
    )
    gui.window.open_conversation(conversation.id)
    return conversation.id


@in_loop
async def test_quick_zoom_presses_apply_the_last_size_once(
    gui: Gui, gui_environ: dict[str, str]
) -> None:
    # With a 200,000-character line open each press froze the window for seconds, and
    # the presses queued meanwhile were each applied in turn, for minutes.
    _long_conversation(gui)
    await gui.settle(0.1)
    restyles: list[int] = []
    theme = gui.application.theme
    theme.restyling.connect(lambda: restyles.append(theme.font_size))
    edit = gui.pane.composer.edit
    expected = 0
    for _ in range(4):
        gui.qtbot.keyClick(edit, Qt.Key.Key_Equal, CTRL)
        expected = zoomed_text_size(expected, system_text_size(), 1)
    await gui.settle(0.1)
    assert len(restyles) == 1
    assert theme.font_size == expected
    assert gui.application.app.font().pointSizeF() == expected
    assert gui.application.config.settings.font_size == expected
    assert load_config(gui_environ).settings.font_size == expected
    # Back to where it was: nothing to apply.
    for _ in range(4):
        gui.qtbot.keyClick(edit, Qt.Key.Key_Minus, CTRL)
    gui.qtbot.keyClick(edit, Qt.Key.Key_0, CTRL)
    gui.qtbot.keyClick(edit, Qt.Key.Key_Equal, CTRL)
    await gui.settle(0.1)
    assert len(restyles) == 2
    assert gui.application.config.settings.font_size == zoomed_text_size(0, system_text_size(), 1)


@in_loop
async def test_a_long_message_on_screen_is_rendered_anew_not_restyled_in_place(
    gui: Gui, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Restyled in place, a long line was laid out again for the font, the list indent
    # and the tab stops, and then rendered again: seconds per text size.
    from app.ui.transcript.text_view import MessageText

    _long_conversation(gui)
    await gui.settle(0.1)
    transcript = gui.pane.transcript
    answer = last_item(gui, Role.ASSISTANT)
    assert transcript.rendered_count() == 2
    fitted: list[int] = []
    fit = MessageText._fit_to_font

    def counted(text: MessageText) -> None:
        if text.document().characterCount() > 50_000:
            fitted.append(text.document().characterCount())
        fit(text)

    monkeypatch.setattr(MessageText, "_fit_to_font", counted)
    gui.application.theme.apply("light", 16)
    assert fitted == []  # no long text laid out again for the new font
    shown = last_item(gui, Role.ASSISTANT)
    assert shown is not answer  # built anew, at once, in the new size
    assert shown.text.font().pointSizeF() == 16
    assert shown.isVisible()
    await gui.until(lambda: transcript.rendered_count() == 2)  # the question, later

"""More of the window: titles, models, finding, search hits, scrolling, closing, first run."""

from __future__ import annotations

import asyncio
import contextlib
import math
import signal
from collections.abc import Iterator
from dataclasses import replace

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolTip,
    QWidget,
)

from app.api.errors import ApiError, ModelUnavailable, error_from_response
from app.config import load_config
from app.domain.messages import MessageStatus, Role
from app.main import Application
from app.state import UiState
from app.store import MATCH_END, MATCH_START
from app.store.conversations import ConversationStore
from app.ui.theme import SCREEN_SHARE
from app.ui.toast import Toast
from app.ui.transcript.item import MessageItem
from app.ui.transcript.marks import CURRENT, MARKS
from app.ui.transcript.unanswered import UnansweredBar
from app.ui.window_place import WindowPlace
from tests.fake_mistral import Reply
from tests.helpers.colors import contrast
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.test_chat_window import answer_text


@in_loop
async def test_title_from_the_question_then_a_generated_one(gui: Gui) -> None:
    gui.server.enqueue(Reply(text="Paris."), Reply(text='"Capital of France."'))
    await gui.ask("What is the capital of France? Answer in one word please, thanks.")
    await gui.until(lambda: gui.pane.conversation_id is not None)
    conversation_id = gui.pane.conversation_id
    provisional = gui.store.get_conversation(conversation_id).title
    assert provisional.startswith("What is the capital of France?")
    await gui.until(
        lambda: gui.store.get_conversation(conversation_id).title == "Capital of France"
    )
    await gui.until(lambda: gui.window.windowTitle() == "Capital of France — Maestrale")
    title_request = gui.server.chat_requests[-1].body
    assert title_request["stream"] is False
    assert title_request["max_tokens"] <= 32


@in_loop
async def test_a_regenerated_first_answer_does_not_ask_for_a_title_again(gui: Gui) -> None:
    gui.server.enqueue(Reply(text="Paris."), Reply(text="Capital of France"))
    await gui.ask("What is the capital of France?")
    await gui.until(lambda: gui.pane.conversation_id is not None)
    conversation_id = gui.pane.conversation_id
    await gui.until(
        lambda: gui.store.get_conversation(conversation_id).title == "Capital of France"
    )
    asked = len(gui.server.chat_requests)
    gui.server.enqueue(Reply(text="It is Paris."))
    gui.pane.regenerate_last()
    await gui.until(lambda: gui.answered() and len(gui.server.chat_requests) > asked)
    await gui.settle(0.3)
    assert len(gui.server.chat_requests) == asked + 1  # the answer; no new title request
    assert gui.store.get_conversation(conversation_id).title == "Capital of France"


@in_loop
async def test_the_title_can_be_selected_with_the_mouse(gui: Gui) -> None:
    title = gui.pane.title
    gui.qtbot.mouseMove(title, title.rect().center())
    await gui.until(
        lambda: bool(title.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse)
    )
    gui.qtbot.mouseDClick(
        title, Qt.MouseButton.LeftButton, pos=title.rect().topLeft() + QPoint(4, 8)
    )
    assert title.hasSelectedText()


@in_loop
async def test_a_title_the_user_chose_is_never_replaced(gui: Gui) -> None:
    conversation = gui.store.create_conversation(title="My own title", model="mistral-large-2411")
    gui.store.rename(conversation.id, "My own title", custom=True)
    gui.pane.open_conversation(conversation.id)
    gui.server.enqueue(Reply(text="Hi."), Reply(text="Generated"))
    await gui.ask("Hello")
    await gui.until(gui.answered)
    await gui.settle(0.3)
    assert gui.store.get_conversation(conversation.id).title == "My own title"
    assert len(gui.server.chat_requests) == 1  # no title request at all


def _exchanges(gui: Gui, title: str, contents: list[str]) -> str:
    """A stored conversation of questions and answers taking turns; its id."""
    conversation = gui.store.create_conversation(title=title, model="mistral-large-2411")
    parent = None
    for index, content in enumerate(contents):
        role = Role.USER if index % 2 == 0 else Role.ASSISTANT
        parent = gui.store.add_message(
            conversation.id, role=role, content=content, parent_id=parent
        ).id
    return conversation.id


@contextlib.contextmanager
def _another_program(environ: dict[str, str]) -> Iterator[ConversationStore]:
    """The history as another process sees it: a connection of its own."""
    store = ConversationStore.open(load_config(environ).paths.database)
    try:
        yield store
    finally:
        store.close()


def _rename_editor(gui: Gui) -> QLineEdit | None:
    view = gui.window.sidebar.list_view
    shown = [e for e in view.findChildren(QLineEdit, "renameEditor") if e.isVisible()]
    return shown[0] if shown else None


@in_loop
async def test_f2_renames_the_open_conversation_wherever_the_focus_is(gui: Gui) -> None:
    # Opening a conversation from the list puts the focus in the message field: F2
    # there renames the open conversation, it does not go to the field.
    first = gui.store.create_conversation(title="Soup", model="mistral-large-2411")
    second = gui.store.create_conversation(title="Taxes", model="mistral-large-2411")
    gui.window.sidebar.model.reload()
    gui.window.open_conversation(first.id)
    edit = gui.pane.composer.edit
    gui.qtbot.keyClick(edit, Qt.Key.Key_F2)

    editor = _rename_editor(gui)
    assert editor is not None
    assert editor.text() == "Soup"
    gui.qtbot.keyClicks(editor, "Onion soup")
    gui.qtbot.keyClick(editor, Qt.Key.Key_Return)
    await gui.until(lambda: _rename_editor(gui) is None)
    assert gui.store.get_conversation(first.id).title == "Onion soup"
    assert edit.toPlainText() == ""
    assert gui.pane.title.text() == "Onion soup"  # the header and the window follow
    assert gui.window.windowTitle() == "Onion soup — Maestrale"

    # Notices float above the message field, not over it.
    gui.window.sidebar.delete_conversation(second.id)
    toasts = gui.window.findChildren(Toast)
    assert len(toasts) == 1
    composer_top = gui.pane.composer.mapTo(gui.window, QPoint(0, 0)).y()
    assert toasts[0].geometry().bottom() < composer_top
    toasts[0].action_button.click()  # Undo
    assert gui.window.sidebar.model.index_of(second.id).isValid()

    # In the list, F2 renames the selected row, open or not.
    view = gui.window.sidebar.list_view
    view.setFocus()
    view.setCurrentIndex(gui.window.sidebar.model.index_of(second.id))
    gui.qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = _rename_editor(gui)
    assert editor is not None
    assert editor.text() == "Taxes"
    gui.qtbot.keyClick(editor, Qt.Key.Key_Escape)
    await gui.until(lambda: _rename_editor(gui) is None)

    # A new chat has nothing to rename yet; a hidden list is shown to rename in it.
    gui.window.new_chat()
    gui.qtbot.keyClick(edit, Qt.Key.Key_F2)
    assert _rename_editor(gui) is None
    gui.window.open_conversation(second.id)
    gui.window.toggle_sidebar()
    assert not gui.window.sidebar.isVisible()
    gui.window.actions_by_id["rename"].trigger()
    assert gui.window.sidebar.isVisible()
    editor = _rename_editor(gui)
    assert editor is not None
    assert editor.text() == "Taxes"


@in_loop
async def test_the_message_field_keeps_its_own_keys_among_the_window_shortcuts(
    gui: Gui,
) -> None:
    # Select, cut and undo stay with the field (Ctrl+Z is also the list's undo delete);
    # Ctrl+K, which Linux text fields know as "delete to the end of the line", searches
    # chats and leaves the draft alone (also pressed in the installed app under X).
    edit = gui.pane.composer.edit
    edit.setFocus()
    gui.qtbot.keyClicks(edit, "half a question")
    gui.qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    gui.qtbot.keyClick(edit, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier)
    assert edit.toPlainText() == ""
    gui.qtbot.keyClick(edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert edit.toPlainText() == "half a question"
    gui.qtbot.keyClick(edit, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    await gui.until(gui.window.sidebar.search_field.hasFocus)
    assert edit.toPlainText() == "half a question"


@in_loop
async def test_deprecated_model_is_marked_and_switched_in_one_click(gui: Gui) -> None:
    await gui.application.refresh_models()
    picker = gui.pane.picker
    picker.set_model("mistral-large-2411")
    assert picker.combo.currentText() == "mistral-large-2411  (deprecated)"
    assert picker.switch.isVisible()
    assert picker.switch.text() == "Switch to mistral-large-2512"
    gui.server.enqueue(Reply(text="ok"), Reply(text="t"))
    await gui.ask("Hi")
    await gui.until(gui.answered)
    picker.switch.click()
    conversation = gui.store.get_conversation(gui.pane.conversation_id)
    assert conversation.model == "mistral-large-2512"
    assert not picker.switch.isVisible()
    names = [picker.combo.itemText(i) for i in range(picker.combo.count())]
    assert not any(name.startswith("mistral-embed") for name in names)  # chat models only


@in_loop
async def test_the_switch_button_hands_the_keyboard_to_the_message_field(gui: Gui) -> None:
    # The button hides itself once used: the keyboard went on to Parameters, and the
    # next Space opened that dialog.
    await gui.application.refresh_models()
    picker = gui.pane.picker
    picker.set_model("mistral-large-2411")
    picker.switch.setFocus()
    gui.qtbot.keyClick(picker.switch, Qt.Key.Key_Space)
    assert picker.model == "mistral-large-2512"
    assert gui.window.focusWidget() is gui.pane.composer.edit


@in_loop
async def test_a_conversation_on_a_model_alias_shows_that_alias(gui: Gui) -> None:
    # Histories from other apps, or from before a model's dated name, say "…-latest".
    await gui.application.refresh_models()
    conversation = gui.store.create_conversation(title="Old", model="mistral-large-latest")
    gui.window.open_conversation(conversation.id)
    picker = gui.pane.picker
    assert picker.model == "mistral-large-latest"
    assert picker.combo.currentText().startswith("mistral-large-latest")
    assert picker.combo.currentIndex() >= 0


@in_loop
async def test_the_model_and_the_parameters_open_from_the_keyboard(gui: Gui) -> None:
    from app.ui.params_dialog import ParamsDialog

    edit, combo = gui.pane.composer.edit, gui.pane.picker.combo
    control_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    edit.setFocus()
    gui.qtbot.keyClick(edit, Qt.Key.Key_M, control_shift)
    await gui.until(combo.view().isVisible)
    combo.hidePopup()
    assert combo.hasFocus()  # closed with Esc, the keyboard stays on the choice
    edit.setFocus()
    gui.qtbot.keyClick(edit, Qt.Key.Key_P, control_shift)
    dialogs = [d for d in gui.window.findChildren(ParamsDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialogs[0].reject()


@in_loop
async def test_the_header_buttons_keep_clear_of_each_other(gui: Gui) -> None:
    # Parameters' focus ring touched the Switch button's border: one frame to the eye.
    await gui.application.refresh_models()
    conversation = gui.store.create_conversation(title="Trip", model="mistral-large-2411")
    gui.window.open_conversation(conversation.id)
    picker, params = gui.pane.picker, gui.pane.params_button
    assert picker.switch.isVisible()
    for width in (1400, 1000, 683):
        gui.window.resize(width, 760)
        await gui.settle(0.1)
        switch_right = picker.switch.mapTo(gui.pane, QPoint(picker.switch.width(), 0)).x()
        params_left = params.mapTo(gui.pane, QPoint(0, 0)).x()
        assert params_left - switch_right >= picker.layout().spacing(), width


@in_loop
async def test_a_narrow_window_keeps_the_header_readable(gui: Gui) -> None:
    # Half a laptop screen: the title and the model's name give way ("…", whole in their
    # tooltips), Parameters keeps its icon, and the model picker's Switch button is never
    # cut.
    await gui.application.refresh_models()
    long_title = "Planning the spring trip to Lyon and Avignon by train"
    conversation = gui.store.create_conversation(title=long_title, model="mistral-large-2411")
    gui.window.open_conversation(conversation.id)
    title, picker, params = gui.pane.title, gui.pane.picker, gui.pane.params_button
    assert picker.switch.isVisible()

    gui.window.resize(1400, 800)
    await gui.settle(0.1)
    assert title.text() == long_title
    assert params.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
    assert picker.combo.shown_text() == "mistral-large-2411  (deprecated)"

    # A window of 1000 px with a Switch button: the title keeps a fair share (it had
    # 100 px, the Switch button's long text taking the rest).
    gui.window.resize(1000, 760)
    await gui.settle(0.1)
    assert title.width() >= 200
    assert picker.switch.text() == "Switch"

    gui.window.resize(683, 700)
    await gui.settle(0.1)
    assert gui.window.width() <= 700  # the window's minimum allows it
    assert title.text().endswith("…")
    assert title.toolTip() == long_title
    assert params.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
    assert picker.switch.width() >= picker.switch.sizeHint().width()
    assert params.geometry().right() <= gui.pane.width()
    assert picker.switch.text() == "Switch"  # its tooltip and name say to which
    assert picker.switch.accessibleName() == "Switch to mistral-large-2512"
    assert picker.combo.shown_text().startswith("mistral-large-2411")
    picker.combo.setFixedWidth(140)  # its least width, narrower still: the name gives way with "…"
    shown = picker.combo.shown_text()
    # Its middle goes, not its version, which tells 2411 from 2512.
    start, ellipsis, end = shown.partition("…")
    assert ellipsis
    assert start
    assert "mistral-large-2411".startswith(start)
    assert "mistral-large-2411".endswith(end)
    assert end.endswith("11")
    # The note is cut, the warning icon stays, and the closed box says why and what to
    # use instead (it had said only "mistral-large-2411  (deprecated)").
    assert not picker.combo.itemIcon(picker.combo.currentIndex()).isNull()
    assert picker.combo.toolTip() == (
        "mistral-large-2411  (deprecated)\n"
        "Deprecated since 2026-02-27; replacement: mistral-large-2512"
    )
    assert "replacement: mistral-large-2512" in picker.combo.accessibleDescription()
    gui.window.resize(1400, 800)
    await gui.settle(0.1)
    assert picker.switch.text() == "Switch to mistral-large-2512"


@in_loop
async def test_at_20_pt_the_header_wraps_rather_than_cut_the_models_name(gui: Gui) -> None:
    # Beside the sidebar at 20 pt one row showed "mistr…-2411" without its mark and the
    # title as "A very long …": the picker now goes under the title, its name whole.
    await gui.application.refresh_models()
    long_title = "A very long title that keeps going and going to see how it elides"
    conversation = gui.store.create_conversation(title=long_title, model="mistral-large-2411")
    gui.window.open_conversation(conversation.id)
    pane, theme = gui.pane, gui.application.theme
    title, picker = pane.title, pane.picker
    normal = theme.font_size

    def two_rows() -> bool:
        return title.geometry().bottom() < picker.mapTo(pane, QPoint(0, 0)).y()

    gui.window.resize(1180, 800)
    await gui.settle(0.1)
    assert not two_rows()
    try:
        theme.apply("light", 20)
        gui.window.resize(1180, 800)
        await gui.settle(0.1)
        assert not gui.window.sidebar.isHidden()
        assert two_rows()
        assert picker.combo.shown_text().startswith("mistral-large-2411")
        assert not picker.combo.itemIcon(picker.combo.currentIndex()).isNull()  # the mark
        assert picker.switch.width() >= picker.switch.sizeHint().width()
        assert title.width() > pane.width() / 2  # the title has its own row
        assert pane.params_button.geometry().right() <= pane.width()
    finally:
        theme.apply("light", normal)
    gui.window.resize(1180, 800)
    await gui.settle(0.1)
    assert not two_rows()  # one row again at the usual size
    assert picker.combo.shown_text() == "mistral-large-2411  (deprecated)"


async def _open_hay_with_two_needles(gui: Gui) -> None:
    """A conversation of 40 messages, "needle here" in messages 3 and 7, opened."""
    conversation_id = _exchanges(
        gui,
        "Long",
        [f"message {n} " + ("needle here" if n in (3, 7) else "hay " * 60) for n in range(40)],
    )
    gui.window.open_conversation(conversation_id)
    await gui.settle(0.1)


@in_loop
async def test_ctrl_f_finds_text_in_the_conversation(gui: Gui) -> None:
    await _open_hay_with_two_needles(gui)
    gui.window.actions_by_id["find_in_conversation"].trigger()
    assert gui.pane.find_bar.isVisible()
    await gui.settle(0.05)
    # Built on first use, in its place: under the header, over the transcript.
    assert gui.pane.find_bar.geometry().bottom() < gui.pane.transcript.geometry().top()
    assert gui.pane.find_bar.geometry().top() > gui.pane.title.geometry().top()
    gui.qtbot.keyClicks(gui.pane.find_bar.field, "needle")
    await gui.settle(0.1)
    item = gui.pane.transcript.item(gui.pane.transcript.message_ids[3])
    assert item is not None
    assert item.text.extraSelections()
    bar = gui.pane.transcript.verticalScrollBar()
    assert bar.value() < bar.maximum()  # scrolled up to the match
    assert gui.pane.find_bar.status.text() == "1 of 2"  # two messages hold it
    gui.qtbot.keyClick(gui.pane.find_bar.field, Qt.Key.Key_Return)  # the next one
    await gui.settle(0.05)
    assert gui.pane.find_bar.status.text() == "2 of 2"
    gui.qtbot.keyClick(gui.pane.find_bar.field, Qt.Key.Key_Return)  # round to the first
    await gui.settle(0.05)
    assert gui.pane.find_bar.status.text() == "1 of 2"
    back = Qt.KeyboardModifier.ShiftModifier
    gui.qtbot.keyClick(gui.pane.find_bar.field, Qt.Key.Key_Return, back)  # the previous
    await gui.settle(0.05)
    assert gui.pane.find_bar.status.text() == "2 of 2"
    gui.qtbot.keyClick(gui.pane.find_bar.field, Qt.Key.Key_Down)  # arrows step too
    assert gui.pane.find_bar.status.text() == "1 of 2"
    gui.qtbot.keyClick(gui.pane.find_bar.field, Qt.Key.Key_Up)
    assert gui.pane.find_bar.status.text() == "2 of 2"

    # Closed and opened again: found again and marked (it showed the old count, and
    # nothing marked).
    def marked() -> bool:
        items = [gui.pane.transcript.item(i) for i in gui.pane.transcript.message_ids]
        return any(item.text.extraSelections() for item in items if item is not None)

    gui.pane.find_bar.close_bar()
    assert not marked()
    gui.window.actions_by_id["find_in_conversation"].trigger()
    await gui.settle(0.05)
    assert gui.pane.find_bar.status.text().endswith("of 2")
    assert marked()
    gui.qtbot.keyClicks(gui.pane.find_bar.field, "zzz")
    await gui.settle(0.05)
    assert gui.pane.find_bar.status.text() == "No match"
    # Another conversation: the bar and its count, which were of this one, go.
    gui.window.new_chat()
    assert not gui.pane.find_bar.isVisible()


@in_loop
async def test_f3_and_ctrl_g_step_through_the_matches_even_with_the_bar_closed(
    gui: Gui,
) -> None:
    await _open_hay_with_two_needles(gui)
    bar = gui.pane.find_bar
    composer = gui.window.findChild(QWidget, "composerEdit")
    assert composer is not None
    shift, ctrl = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier
    # Nothing searched yet: F3 just opens the bar.
    gui.qtbot.keyClick(composer, Qt.Key.Key_F3)
    assert bar.isVisible()
    assert bar.field.hasFocus()
    assert bar.status.text() == ""
    gui.qtbot.keyClicks(bar.field, "needle")
    await gui.settle(0.05)
    assert bar.status.text() == "1 of 2"
    steps = [
        (Qt.Key.Key_F3, Qt.KeyboardModifier.NoModifier, "2 of 2"),
        (Qt.Key.Key_G, ctrl, "1 of 2"),
        (Qt.Key.Key_F3, shift, "2 of 2"),
        (Qt.Key.Key_G, ctrl | shift, "1 of 2"),
    ]
    for key, modifiers, expected in steps:
        gui.qtbot.keyClick(bar.field, key, modifiers)
        assert bar.status.text() == expected, (key, modifiers)
    # Closed (Esc: the message field has the keys), the same keys open it again with
    # the last text, and go on from the match it stood on.
    for key, modifiers, expected in [*steps, (Qt.Key.Key_G, ctrl | shift, "2 of 2")]:
        gui.qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
        assert not bar.isVisible()
        assert composer.hasFocus()
        gui.qtbot.keyClick(composer, key, modifiers)
        assert bar.isVisible(), (key, modifiers)
        assert bar.field.text() == "needle"
        assert bar.status.text() == expected, (key, modifiers)


@in_loop
async def test_f3_and_ctrl_g_with_the_bar_open_leave_the_keyboard_where_it_is(
    gui: Gui,
) -> None:
    # As in browsers: with the bar open these keys only step; had they taken the focus
    # to the find field, the next letters typed in the question being edited would
    # replace the text searched for. (Closed, the bar opens focused: see above.)
    conversation_id = _exchanges(
        gui,
        "Long",
        [f"message {n} " + ("needle here" if n in (0, 3, 79) else "hay " * 200) for n in range(80)],
    )
    gui.window.open_conversation(conversation_id)
    await gui.settle(0.1)
    bar = gui.pane.find_bar
    composer = gui.window.findChild(QWidget, "composerEdit")
    assert composer is not None
    gui.qtbot.keyClick(composer, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    gui.qtbot.keyClicks(bar.field, "needle")
    await gui.settle(0.05)
    assert bar.status.text() == "3 of 3"  # the one at the end, in view
    gui.qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert bar.status.text() == "1 of 3"  # in the first question
    shift, ctrl = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier
    transcript = gui.pane.transcript
    question = transcript.item(transcript.message_ids[0])
    assert question is not None
    question.start_editing()
    editor = gui.window.findChild(QPlainTextEdit, "questionEditorField")
    assert editor is not None
    for field in (composer, editor):
        field.setFocus()
        for key, modifiers, expected in [
            (Qt.Key.Key_F3, Qt.KeyboardModifier.NoModifier, "2 of 3"),
            (Qt.Key.Key_G, ctrl, "3 of 3"),  # far from the question edited
            (Qt.Key.Key_F3, shift, "2 of 3"),
            (Qt.Key.Key_G, ctrl | shift, "1 of 3"),
        ]:
            gui.qtbot.keyClick(QApplication.focusWidget(), key, modifiers)
            assert bar.status.text() == expected, (field, key, modifiers)
            assert field.hasFocus(), (field, key, modifiers)
        gui.qtbot.keyClicks(field, "x")
        assert bar.field.text() == "needle"
    assert question.editing
    assert editor.toPlainText().endswith("x")


@in_loop
async def test_ctrl_f_marks_the_phrase_deep_in_a_long_answer_and_esc_clears(gui: Gui) -> None:
    conversation = gui.store.create_conversation(title="Essay", model="mistral-large-2411")
    question = gui.store.add_message(
        conversation.id, role=Role.USER, content="Write twenty paragraphs", parent_id=None
    )
    paragraphs = "\n\n".join(
        f"Paragraph {n}: " + "words of some length " * 30 for n in range(1, 21)
    )
    gui.store.add_message(
        conversation.id, role=Role.ASSISTANT, content=paragraphs, parent_id=question.id
    )
    gui.window.open_conversation(conversation.id)
    await gui.settle(0.1)
    gui.window.actions_by_id["find_in_conversation"].trigger()
    gui.qtbot.keyClicks(gui.pane.find_bar.field, "paragraph 19")
    await gui.settle(0.1)
    transcript = gui.pane.transcript
    answer = transcript.item(transcript.message_ids[1])
    assert answer is not None
    marks = answer.text.extraSelections()
    assert [mark.cursor.selectedText() for mark in marks] == ["Paragraph 19"]  # the phrase
    # The view shows the match, far down the answer, not the answer's top.
    mark_rect = answer.text.cursorRect(marks[0].cursor)
    y = answer.text.viewport().mapTo(transcript.widget(), mark_rect.topLeft()).y()
    bar = transcript.verticalScrollBar()
    assert bar.value() <= y <= bar.value() + transcript.viewport().height()
    assert bar.value() > transcript.canvas_position(answer.message.id).y()
    gui.qtbot.keyClick(gui.pane.find_bar.field, Qt.Key.Key_Escape)
    assert not gui.pane.find_bar.isVisible()
    assert answer.text.extraSelections() == []  # the marks go with the bar


def _current_mark(item: MessageItem) -> tuple[int, str]:
    """Which of a message's marks is the current occurrence (its stronger colour), and
    the text it marks."""
    marks = item.text.extraSelections()
    strong = [
        index
        for index, selection in enumerate(marks)
        if selection.format.background().color() == CURRENT[False][0]
    ]
    assert len(strong) == 1
    assert all(  # the others in the ordinary colour
        selection.format.background().color() == MARKS[False][0]
        for index, selection in enumerate(marks)
        if index != strong[0]
    )
    return strong[0], marks[strong[0]].cursor.selectedText()


@in_loop
async def test_ctrl_f_counts_and_steps_through_every_occurrence(gui: Gui) -> None:
    many = "\n\n".join(f"Line {n}: the Word29 again, and more words." for n in range(80))
    conversation_id = _exchanges(
        gui,
        "Words",
        ["first question", many, "second question", "word29 twice: word29", "last", "none"],
    )
    gui.window.open_conversation(conversation_id)
    await gui.settle(0.1)
    transcript = gui.pane.transcript
    bar = gui.pane.find_bar
    gui.window.actions_by_id["find_in_conversation"].trigger()
    gui.qtbot.keyClicks(bar.field, "word29")
    await gui.settle(0.05)
    assert bar.status.text() == "1 of 82"  # every occurrence, not the messages
    answer = transcript.item(transcript.message_ids[1])
    assert answer is not None
    assert len(answer.text.extraSelections()) == 80
    assert _current_mark(answer) == (0, "Word29")
    for _ in range(4):
        gui.qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    await gui.settle(0.05)
    assert bar.status.text() == "5 of 82"
    assert _current_mark(answer)[0] == 4
    gui.qtbot.keyClick(bar.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert bar.status.text() == "4 of 82"
    # Far down the answer: the current one is brought into view.
    for _ in range(70):
        gui.qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    await gui.settle(0.05)
    assert bar.status.text() == "74 of 82"
    index, _text = _current_mark(answer)
    assert index == 73
    marks = answer.text.extraSelections()
    rect = answer.text.cursorRect(marks[index].cursor)
    y = answer.text.viewport().mapTo(transcript.widget(), rect.topLeft()).y()
    scroll = transcript.verticalScrollBar()
    assert scroll.value() <= y <= scroll.value() + transcript.viewport().height()
    # Across messages, and round from the first to the last.
    for _ in range(7):
        gui.qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert bar.status.text() == "81 of 82"
    later = transcript.item(transcript.message_ids[3])
    assert later is not None
    assert _current_mark(later) == (0, "word29")
    # The answer's occurrences, if on screen, stay marked, none of them the current.
    assert all(
        selection.format.background().color() == MARKS[False][0]
        for selection in answer.text.extraSelections()
    )
    gui.qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    gui.qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert bar.status.text() == "1 of 82"
    gui.qtbot.keyClick(bar.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert bar.status.text() == "82 of 82"
    # Typing on keeps to the current occurrence while it still reads the text.
    gui.qtbot.keyClick(bar.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert bar.status.text() == "81 of 82"
    gui.qtbot.keyClicks(bar.field, " t")
    assert bar.status.text() == "1 of 1"  # "word29 twice"
    assert _current_mark(later) == (0, "word29 t")


@in_loop
async def test_ctrl_f_finds_only_the_text_shown(gui: Gui) -> None:
    answer = (
        "See [the guide](https://example.org/some/very/long/path) for **bold** steps.\n\n"
        "```python\nprint('some/very/long')\n```"
    )
    conversation_id = _exchanges(gui, "Links", ["question", answer])
    gui.window.open_conversation(conversation_id)
    await gui.settle(0.1)
    bar = gui.pane.find_bar
    gui.window.actions_by_id["find_in_conversation"].trigger()
    gui.qtbot.keyClicks(bar.field, "example.org")
    assert bar.status.text() == "No match"  # only in the link's address
    bar.field.setText("**bold")
    assert bar.status.text() == "No match"  # markdown's syntax
    bar.field.setText("some/very/long")
    assert bar.status.text() == "1 of 1"  # in the code, which is shown
    bar.field.setText("the guide")
    assert bar.status.text() == "1 of 1"


@in_loop
async def test_ctrl_f_counts_in_messages_not_rendered_yet(gui: Gui) -> None:
    contents = [f"message {n} " + ("needle, needle" if n == 1 else "hay " * 80) for n in range(80)]
    conversation_id = _exchanges(gui, "Long", contents)
    gui.window.open_conversation(conversation_id)
    await gui.settle(0.01)
    transcript = gui.pane.transcript
    transcript._idle.stop()  # as if idle time had not come yet
    assert transcript.item(transcript.message_ids[1]) is None
    gui.window.actions_by_id["find_in_conversation"].trigger()
    gui.qtbot.keyClicks(gui.pane.find_bar.field, "needle")
    assert gui.pane.find_bar.status.text() == "1 of 2"
    found = transcript.item(transcript.message_ids[1])
    assert found is not None  # rendered to show the occurrence
    assert _current_mark(found) == (0, "needle")


@in_loop
async def test_search_hit_opens_the_conversation_at_the_message(gui: Gui) -> None:
    conversation_id = _exchanges(
        gui,
        "Trip",
        ["the Lyon train leaves at noon" if n == 5 else f"filler {n} " * 40 for n in range(30)],
    )
    target = gui.store.messages(conversation_id)[5]
    gui.window._on_search_result(conversation_id, target.id, "Lyon train")
    await gui.settle(0.1)
    assert gui.pane.conversation_id == conversation_id
    item = gui.pane.transcript.item(target.id)
    assert item is not None
    assert len(item.text.extraSelections()) == 2  # "Lyon" and "train" highlighted
    assert not gui.pane.transcript.following
    assert gui.pane.transcript._jump.isVisible()  # the end is far below

    # A conversation that fits in the view has no "latest" to jump to.
    short = gui.store.create_conversation(title="Short", model="mistral-large-2411")
    question = gui.store.add_message(
        short.id, role=Role.USER, content="Lyon train?", parent_id=None
    )
    gui.store.add_message(short.id, role=Role.ASSISTANT, content="Noon.", parent_id=question.id)
    gui.window._on_search_result(short.id, question.id, "Lyon train")
    await gui.settle(0.1)
    assert gui.pane.conversation_id == short.id
    assert not gui.pane.transcript._jump.isVisible()
    marked = gui.pane.transcript.item(question.id)
    assert marked is not None
    assert len(marked.text.extraSelections()) == 2
    # Emptying the search field takes the marks away.
    gui.window.sidebar.search_field.setText("Lyon")
    gui.window.sidebar.search_field.setText("")
    assert marked.text.extraSelections() == []


# A word the index held inside a longer one, so nothing was found: "東京" inside the run
# "私は東京に住んでいます", "Python" glued to the Chinese text around it.
@pytest.mark.parametrize(
    ("title", "text", "query", "word"),
    [
        ("旅行", "私は東京に住んでいます。", "東京", "東京"),
        ("编程", "我用Python写代码。", "python", "Python"),
        # Typed full-width (a Japanese keyboard) or half-width: found, and marked, in
        # the form the text holds.
        ("道具", "データ分析には Python を使います。", "Ｐｙｔｈｏｎ", "Python"),
        ("道具", "私はデータを使います。", "ﾃﾞｰﾀ", "データ"),
        # Written full-width: found as typed, and marked as written.
        ("メモ", "ＰａｎｄａＸ を使います。", "ＰａｎｄａＸ", "ＰａｎｄａＸ"),
        ("メモ", "私はＰａｎｄａＸが好きです。", "pandax", "ＰａｎｄａＸ"),
    ],
    ids=[
        "japanese word",
        "latin word glued to chinese",
        "full-width",
        "half-width kana",
        "written full-width",
        "written full-width, typed in ascii",
    ],
)
@in_loop
async def test_a_search_for_a_word_inside_cjk_text_opens_it_marked(
    gui: Gui, title: str, text: str, query: str, word: str
) -> None:
    texts = [f"filler {n} " * 40 for n in range(30)]
    texts[5] = text
    conversation_id = _exchanges(gui, title, texts)
    target = gui.store.messages(conversation_id)[5]
    sidebar = gui.window.sidebar
    sidebar.model.reload()
    sidebar.search_field.setText(query)
    await gui.until(lambda: sidebar.results_model.rowCount() == 1)
    hit = sidebar.results_model.hit_at(0)
    assert hit is not None
    assert (hit.conversation_id, hit.message_id) == (conversation_id, target.id)
    assert f"{MATCH_START}{word}{MATCH_END}" in hit.snippet
    sidebar.results_view.choose_current()
    await gui.settle(0.1)
    assert gui.pane.conversation_id == conversation_id
    item = gui.pane.transcript.item(target.id)
    assert item is not None
    [mark] = item.text.extraSelections()
    assert mark.cursor.selectedText() == word


@in_loop
async def test_view_follows_the_answer_unless_the_user_scrolled_up(gui: Gui) -> None:
    gui.server.enqueue(Reply(chunks=[f"line {i}\n\n" for i in range(400)], delay=0.01))
    await gui.ask("Many lines")
    transcript = gui.pane.transcript
    bar = transcript.verticalScrollBar()
    await gui.until(lambda: bar.maximum() > 2000)
    assert transcript.following
    assert bar.value() == bar.maximum()
    bar.setValue(0)  # the user scrolls up
    await gui.settle(0.3)
    assert not transcript.following
    assert bar.value() == 0
    assert transcript._jump.isVisible()
    transcript._jump.click()
    assert transcript.following
    await gui.settle(0.2)
    assert bar.value() >= bar.maximum() - 48
    await gui.until(gui.answered)

    # A question sent while reading further up: it shows, and its answer is followed.
    bar.setValue(0)
    await gui.settle(0.1)
    assert not transcript.following
    gui.server.enqueue(Reply(text="Short answer."))
    await gui.ask("One more")
    assert transcript.following
    await gui.until(gui.answered)
    await gui.settle(0.1)
    assert bar.value() == bar.maximum()
    assert not transcript._jump.isVisible()


@in_loop
async def test_closing_the_window_while_streaming_keeps_the_partial_answer(gui: Gui) -> None:
    gui.server.enqueue(Reply(chunks=[f"w{i} " for i in range(1000)], delay=0.01))
    await gui.ask("Stream a lot")
    await gui.until(lambda: "w30" in answer_text(gui))
    conversation_id = gui.pane.conversation_id
    gui.window.close()
    await gui.application.shutdown()
    reopened = type(gui.store).open(gui.store.path)
    answer = reopened.current_path(conversation_id)[-1]
    reopened.close()
    assert answer.status is MessageStatus.INTERRUPTED
    assert answer.content.startswith("w0 w1 w2")


@in_loop
async def test_drafts_are_kept_per_conversation(gui: Gui) -> None:
    first = gui.store.create_conversation(title="One", model="mistral-large-2411")
    second = gui.store.create_conversation(title="Two", model="mistral-large-2411")
    gui.window.open_conversation(first.id)
    gui.qtbot.keyClicks(gui.pane.composer.edit, "draft for one")
    gui.window.open_conversation(second.id)
    assert gui.pane.composer.edit.toPlainText() == ""
    gui.qtbot.keyClicks(gui.pane.composer.edit, "draft for two")
    gui.window.open_conversation(first.id)
    assert gui.pane.composer.edit.toPlainText() == "draft for one"
    gui.window.open_conversation(second.id)
    assert gui.pane.composer.edit.toPlainText() == "draft for two"


@in_loop
async def test_undo_in_the_message_field_stays_with_its_conversation(gui: Gui) -> None:
    # An empty field is left as it is for another empty draft, but not with undo steps:
    # Ctrl+Z in the next conversation brought back text typed and erased in the last.
    first = gui.store.create_conversation(title="One", model="mistral-large-2411")
    second = gui.store.create_conversation(title="Two", model="mistral-large-2411")
    gui.window.open_conversation(first.id)
    edit = gui.pane.composer.edit
    gui.qtbot.keyClicks(edit, "private words")
    edit.selectAll()
    gui.qtbot.keyClick(edit, Qt.Key.Key_Delete)
    assert edit.toPlainText() == ""
    gui.window.open_conversation(second.id)
    edit.setFocus()
    gui.qtbot.keyClick(edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert edit.toPlainText() == ""


@in_loop
async def test_drafts_survive_a_restart_and_sending_clears_them(
    gui: Gui, gui_environ: dict[str, str]
) -> None:
    conversation = gui.store.create_conversation(title="One", model="mistral-large-2411")
    edit = gui.pane.composer.edit
    gui.qtbot.keyClicks(edit, "a new chat's question")
    await gui.until(lambda: gui.store.drafts() == {"": "a new chat's question"})  # a pause
    gui.window.open_conversation(conversation.id)
    gui.qtbot.keyClicks(edit, "typed just before quitting")
    assert conversation.id not in gui.store.drafts()  # typing has not paused yet
    await gui.application.shutdown()  # quitting hands it over at once

    # The next run shows them (a second window on the same history file).
    config = load_config(gui_environ)
    later = Application(gui.application.app, config, gui_environ)
    store = ConversationStore.open(config.paths.database)
    assert store.drafts() == {
        "": "a new chat's question",
        conversation.id: "typed just before quitting",
    }
    window = later.build(store)
    try:
        assert later.pane.composer.edit.toPlainText() == "a new chat's question"
        window.open_conversation(conversation.id)
        assert later.pane.composer.edit.toPlainText() == "typed just before quitting"
        later.pane.composer.clear_sent()  # as once it is sent
        assert store.drafts() == {"": "a new chat's question"}
    finally:
        window.close()
        await later.shutdown()
        window.deleteLater()


@in_loop
async def test_a_long_last_answer_opens_at_its_end_and_renders_the_rest_after(gui: Gui) -> None:
    # Rendered whole as its conversation opened, an answer of 20,000 tokens held the
    # window 140 ms, one of 100,000 some 0.6 s: its end shows first now, the rest after.
    answer = "\n\n".join(f"Paragraph {n} says " + "more words " * 30 for n in range(600))
    conversation_id = _exchanges(gui, "Long answer", ["Explain at length", answer])
    transcript = gui.pane.transcript
    gui.window.open_conversation(conversation_id)
    answer_id = transcript.message_ids[-1]
    item = transcript.item(answer_id)
    assert item is not None
    shown = item.text.toPlainText()
    assert "Paragraph 599 says" in shown  # its end, in sight
    assert "Paragraph 300 says" not in shown  # its middle, rendered next
    bar = transcript.verticalScrollBar()
    assert bar.value() == bar.maximum()
    assert item._copy.isVisible()  # a finished answer: its actions show at once
    await gui.until(lambda: not transcript.rendering and not transcript.filling_gaps, timeout=20)
    assert bar.value() == bar.maximum()  # the reader kept at its end meanwhile
    rendered = item.text.toPlainText()
    assert "Paragraph 300 says" in rendered
    item.rerender()  # whole, at once
    assert item.text.toPlainText() == rendered
    # Ctrl+F just after such an opening reads the whole answer.
    again = _exchanges(gui, "Long again", ["Explain once more", answer])
    gui.window.open_conversation(again)
    second = transcript.item(transcript.message_ids[-1])
    assert second is not None
    assert "Paragraph 300 says" not in second.text.toPlainText()
    assert transcript.find_text("Paragraph 300 says") == (1, 1)


@in_loop
async def test_a_long_answer_before_a_short_exchange_opens_in_pieces_too(gui: Gui) -> None:
    # Followed by a short question and answer, a long answer is in the last screen
    # too: rendered whole, 100,000 tokens held the opening 0.8 s. Its end shows first,
    # as the last answer's does, and the rest comes over the next frames.
    answer = "\n\n".join(f"Paragraph {n} says " + "more words " * 30 for n in range(1500))
    conversation_id = _exchanges(
        gui, "Long, then short", ["Explain at length", answer, "Thanks!", "You're welcome."]
    )
    transcript = gui.pane.transcript
    gui.window.open_conversation(conversation_id)
    item = transcript.item(transcript.message_ids[1])
    assert item is not None  # in the last screen, rendered before the first paint
    shown = item.text.toPlainText()
    assert "Paragraph 1499 says" in shown  # its end, in sight
    assert "Paragraph 700 says" not in shown  # not yet
    bar = transcript.verticalScrollBar()
    assert bar.value() == bar.maximum()
    await gui.until(lambda: not transcript.rendering and not transcript.filling_gaps, timeout=20)
    assert "Paragraph 700 says" in item.text.toPlainText()
    assert "Paragraph 0 says" in item.text.toPlainText()
    assert bar.value() == bar.maximum()  # the reader kept at the end meanwhile


@in_loop
async def test_text_coming_above_what_the_reader_looks_at_leaves_it_in_place(gui: Gui) -> None:
    # A long answer opened in pieces fills the gap between its first block and its end:
    # a reader who scrolled up into its end saw that end slide down thousands of pixels
    # (the view was kept on the message's top) as the text above it came.
    answer = "\n\n".join(f"Paragraph {n} says " + "more words " * 30 for n in range(1500))
    conversation_id = _exchanges(gui, "Long answer", ["Explain at length", answer])
    gui.window.resize(900, 460)
    await gui.settle(0.1)
    transcript = gui.pane.transcript
    gui.window.open_conversation(conversation_id)
    item = transcript.item(transcript.message_ids[-1])
    assert item is not None
    bar = transcript.verticalScrollBar()
    bar.setValue(bar.value() - 120)  # up a few lines, into the answer's end
    assert not transcript.following

    def at_the_top() -> str:
        point = item.text.mapFrom(transcript.viewport(), QPoint(12, 0))
        return item.text.cursorForPosition(point).block().text()

    seen = at_the_top()
    assert seen.startswith("Paragraph 14")  # its end part, under the gap
    await gui.until(lambda: not transcript.rendering and not transcript.filling_gaps, timeout=20)
    assert "Paragraph 700 says" in item.text.toPlainText()  # the gap is filled
    assert at_the_top() == seen
    assert not transcript.following


@in_loop
async def test_a_long_conversation_opens_at_its_end_and_renders_the_rest_later(gui: Gui) -> None:
    conversation_id = _exchanges(
        gui, "Big", [f"## Part {n}\n\n" + "words " * 300 for n in range(200)]
    )
    transcript = gui.pane.transcript
    gui.window.open_conversation(conversation_id)
    first_paint = transcript.rendered_count()
    assert 1 <= first_paint < 10
    bar = transcript.verticalScrollBar()
    assert bar.value() == bar.maximum()
    await gui.until(lambda: transcript.rendered_count() == 200, timeout=20)
    assert bar.value() == bar.maximum()  # still at the end after the rest rendered


@in_loop
async def test_ctrl_enter_setting_sends_with_ctrl_enter_only(gui: Gui) -> None:
    gui.pane.composer.set_enter_sends(False)
    edit = gui.pane.composer.edit
    gui.qtbot.keyClicks(edit, "first line")
    gui.qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert edit.toPlainText() == "first line\n"
    assert gui.server.request_count == 0
    gui.server.enqueue(Reply(text="sent"))
    gui.qtbot.keyClick(edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    await gui.until(gui.answered)
    assert gui.server.chat_requests[0].body["messages"][-1]["content"] == "first line\n"


@in_loop
async def test_an_edited_question_sends_with_the_keys_the_message_field_does(
    gui: Gui,
) -> None:
    # The editor sent on Enter whatever the setting: with Ctrl+Enter chosen, Enter
    # meant for a new line made a branch.
    conversation_id = _exchanges(gui, "Keys", ["first", "Echo: first"])
    gui.window.open_conversation(conversation_id)
    await gui.settle(0.1)
    transcript = gui.pane.transcript
    question = transcript.item(transcript.message_ids[0])
    assert question is not None
    question.start_editing()  # open before the setting changes: it follows all the same
    gui.application.apply_settings(replace(gui.application.config.settings, enter_sends=False))
    field = gui.window.findChild(QWidget, "questionEditorField")
    gui.qtbot.keyClicks(field, " line")
    gui.qtbot.keyClick(field, Qt.Key.Key_Return)
    gui.qtbot.keyClick(field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    gui.qtbot.keyClicks(field, "more")
    assert field.toPlainText() == "first line\n\nmore"
    assert question.editing
    send = field.parentWidget().send_button
    QApplication.sendEvent(send, QHelpEvent(QEvent.Type.ToolTip, QPoint(2, 2), QPoint(2, 2)))
    QToolTip.hideText()
    assert send.toolTip().endswith("(Ctrl+Enter)")  # as the mouse comes to it
    gui.qtbot.keyClick(field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    await gui.until(gui.answered)
    assert gui.server.chat_requests[0].body["messages"][-1]["content"] == "first line\n\nmore"

    gui.application.apply_settings(replace(gui.application.config.settings, enter_sends=True))
    question = transcript.item(transcript.message_ids[0])
    assert question is not None
    question.start_editing()
    field = gui.window.findChild(QWidget, "questionEditorField")
    gui.qtbot.keyClick(field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    gui.qtbot.keyClicks(field, "again")
    assert field.toPlainText() == "first line\n\nmore\nagain"
    gui.qtbot.keyClick(field, Qt.Key.Key_Return)
    await gui.until(lambda: len(gui.server.chat_requests) >= 2 and gui.answered())
    assert gui.server.chat_requests[-1].body["messages"][-1]["content"].endswith("\nagain")


@pytest.mark.usefixtures("no_key_environ")
@in_loop
async def test_without_a_key_the_first_run_panel_shows_and_nothing_is_lost(gui: Gui) -> None:
    assert gui.pane._pages.currentWidget() is gui.application.first_run
    # As the window opens (run_window), and with Ctrl+L: the panel stays, its key
    # field gets the keyboard.
    gui.pane.focus_composer()
    assert gui.pane._pages.currentWidget() is gui.application.first_run
    assert gui.application.first_run.field.hasFocus()
    # Going back to the chat and sending anyway: the panel returns, the text stays.
    gui.pane.show_conversation_page()
    gui.pane.composer.edit.setPlainText("my precious question")
    gui.pane.composer._on_send()
    await asyncio.sleep(0)
    assert gui.pane._pages.currentWidget() is gui.application.first_run
    assert gui.pane.composer.edit.toPlainText() == "my precious question"
    assert gui.store.count_conversations() == 0
    assert gui.server.request_count == 0


@in_loop
async def test_closing_keeps_running_in_the_tray_when_asked(gui: Gui) -> None:
    gui.window.close_hides = lambda: True
    gui.window.close()
    assert not gui.window.isVisible()
    assert not gui.application.closed.is_set()  # still running, shortcuts alive
    gui.window.close_hides = lambda: False
    gui.window.show()
    gui.window.close()
    assert gui.application.closed.is_set()


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP])
@in_loop
async def test_the_session_ending_quits_even_when_closing_keeps_running_in_the_tray(
    gui: Gui, number: signal.Signals
) -> None:
    # SIGTERM (a logout, `kill`) only hid the window kept in the tray: Maestrale ran on.
    # SIGHUP (its terminal closed) killed it outright, a streaming answer left behind.
    from app.window_start import close_on_signals

    gui.window.close_hides = lambda: True
    previous = {signal.SIGTERM: signal.getsignal(signal.SIGTERM), number: signal.getsignal(number)}
    keep = close_on_signals(gui.window)
    try:
        handler = signal.getsignal(number)
        assert callable(handler)
        handler(number, None)  # as Python calls it on the signal
    finally:
        for restored, earlier in previous.items():
            signal.signal(restored, earlier)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.set_wakeup_fd(-1)
        assert isinstance(keep, tuple)
        reader, writer, notifier = keep
        notifier.setEnabled(False)
        reader.close()
        writer.close()
    assert gui.application.closed.is_set()


@in_loop
async def test_a_second_start_brings_the_window_forward_ready_to_type(gui: Gui) -> None:
    # The focus was left on a button; `maestrale` started again brings the window up:
    # typing goes to the message field (Space would have pressed the button).
    new_chat = gui.window.sidebar.findChild(QPushButton, "newChatButton")
    assert new_chat is not None
    new_chat.setFocus()
    await gui.settle(0.02)
    gui.application.on_command("show", {})
    await gui.settle(0.02)
    assert QApplication.focusWidget() is gui.pane.composer.edit
    # A text field of the window keeps the focus (the search field, here).
    gui.window.sidebar.search_field.setFocus()
    await gui.settle(0.02)
    gui.application.on_command("show", {})
    await gui.settle(0.02)
    assert QApplication.focusWidget() is gui.window.sidebar.search_field


@in_loop
async def test_deleting_the_open_chat_from_its_menu_then_ctrl_z_brings_it_back(gui: Gui) -> None:
    conversation = gui.store.create_conversation(title="Groceries", model="mistral-large-2411")
    gui.window.sidebar.model.reload()
    gui.window.open_conversation(conversation.id)
    menu = gui.window.sidebar.build_context_menu(conversation.id)
    delete = next(action for action in menu.actions() if action.text().startswith("Delete"))
    delete.trigger()
    assert gui.pane.conversation_id is None  # a new chat took its place
    view = gui.window.sidebar.list_view
    assert QApplication.focusWidget() is view  # not the message field
    gui.qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    await gui.settle(0.02)
    assert gui.store.get_conversation(conversation.id).deleted_at is None
    assert gui.pane.conversation_id == conversation.id  # and it is open again
    assert gui.window.windowTitle() == "Groceries — Maestrale"


@in_loop
async def test_large_text_fits_the_settings_the_help_and_the_message_field(gui: Gui) -> None:
    edit = gui.pane.composer.edit
    normal_height, normal_size = edit.height(), gui.application.theme.font_size
    gui.application.theme.apply("light", 24)
    await gui.settle(0.05)
    assert edit.height() > normal_height  # the empty field shows a whole line
    gui.application.open_settings("model")
    dialog = gui.application._settings_dialog
    assert dialog is not None
    # Grown with the text (less than it: its pages wrap), within most of the screen.
    room = dialog.screen().availableGeometry().width() * SCREEN_SHARE
    wanted = max(dialog.minimumWidth(), min(round(900 * math.sqrt(2.4)), int(room)))
    assert abs(dialog.width() - wanted) <= 1
    nav = dialog.nav
    metrics = nav.fontMetrics()
    for row in range(nav.count()):  # no page name cut short, where there is room
        item = nav.item(row)
        text_room = nav.visualItemRect(item).width() - nav.iconSize().width() - 16
        shortened = dialog._side.width() >= dialog.width() * 0.38 - 1
        assert metrics.horizontalAdvance(item.text()) <= text_room or shortened, item.text()
    assert dialog.model_page.horizontalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    dialog.close()
    gui.application.theme.apply("light", normal_size)
    await gui.settle(0.05)
    assert edit.height() == normal_height  # back to one line of the normal size


@in_loop
async def test_large_text_grows_the_icons_and_the_sidebar_with_it(gui: Gui) -> None:
    window, sidebar, theme = gui.window, gui.window.sidebar, gui.application.theme
    normal_size = theme.font_size
    params = gui.pane.params_button
    window.resize(1380, 850)
    await gui.settle(0.05)
    window.splitter.setSizes([220, 1160])  # the user's own narrower sidebar
    window.splitter.splitterMoved.emit(220, 1)  # as a drag of the handle does
    window.toggle_sidebar()
    window.toggle_sidebar()
    assert window.splitter.sizes()[0] == 220  # kept at the normal size
    assert params.iconSize().width() == 16
    theme.apply("light", 22)
    await gui.settle(0.05)
    # 16 px icons beside 22 pt text were specks; a 1,380 px window kept no sidebar (it
    # stepped aside below 1,584 px), and shown, 220 px cut titles to "Table of pl…".
    assert params.iconSize().width() == round(16 * 2.2)
    assert not sidebar.isHidden()
    # Grown with the text, less than it (as much, it took a third of the window).
    grown = round(220 * math.sqrt(2.2))
    assert window.splitter.sizes()[0] == grown
    window.toggle_sidebar()
    window.toggle_sidebar()
    assert window.splitter.sizes()[0] == grown
    # The model picker and its Switch button left the title "New c…".
    await gui.application.refresh_models()
    await gui.until(gui.pane.picker.switch.isVisible)
    title = gui.pane.title
    assert title.text() == "New chat"
    title.set_title("Let me check this one")
    await gui.settle(0.05)
    assert title.text().startswith("Let me check")  # its first dozen characters
    theme.apply("light", normal_size)
    await gui.settle(0.05)
    assert params.iconSize().width() == 16
    assert window.splitter.sizes()[0] == 220  # and back: not left wide for 10 pt text
    # The header's room follows the text size, even when the window keeps its size: back
    # from 24 pt it stayed compact ("Switch", no "Parameters") until a resize.
    window.toggle_sidebar()
    theme.apply("light", 24)
    await gui.settle(0.05)
    assert params.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
    theme.apply("light", normal_size)
    await gui.settle(0.05)
    assert params.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
    assert gui.pane.picker.switch.text().startswith("Switch to ")


@in_loop
async def test_tab_goes_through_the_window_in_the_order_things_show(gui: Gui) -> None:
    conversation_id = _exchanges(gui, "Order", [f"message {n}" for n in range(4)])
    gui.window.sidebar.model.reload()
    gui.window.open_conversation(conversation_id)
    # A taller button in the header's row: its top is higher than the picker's left
    # of it (by a pixel, the Switch button was, and came first).
    switch = gui.pane.picker.switch
    switch.show()
    switch.setFixedHeight(gui.pane.picker.combo.height() + 6)
    await gui.settle(0.05)
    start = gui.window.sidebar.new_chat_button
    start.setFocus()
    visited = [start]
    for _ in range(60):
        gui.qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        if QApplication.focusWidget() is start:
            break
        visited.append(QApplication.focusWidget())
    assert QApplication.focusWidget() is start  # a full round, back to the first
    window = gui.window

    def y(widget: QWidget) -> int:
        return widget.mapTo(window, QPoint(0, 0)).y()

    canvas = gui.pane.transcript.canvas
    in_messages = [w for w in visited if canvas.isAncestorOf(w)]
    # Message by message, top to bottom, each message's text before its buttons.
    assert in_messages
    assert [y(w) for w in in_messages] == sorted(y(w) for w in in_messages)
    composer = gui.pane.composer
    order = [
        visited.index(gui.window.sidebar.search_field),
        visited.index(gui.pane.picker.combo),
        visited.index(in_messages[0]),
        visited.index(in_messages[-1]),
        visited.index(composer.edit),
    ]
    assert order == sorted(order)
    # The header's controls left to right, whatever their heights (the model picker
    # came after the Switch button at its right, one pixel higher).
    header = [gui.pane.picker.combo, gui.pane.picker.switch, gui.pane.params_button]
    shown = [w for w in header if w.isVisible()]
    assert switch in shown
    assert sorted(shown, key=visited.index) == sorted(
        shown, key=lambda w: w.mapTo(window, QPoint(0, 0)).x()
    )
    # Shift+Tab walks the same round backwards.
    gui.qtbot.keyClick(start, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is visited[-1]


@in_loop
async def test_global_shortcuts_let_keys_through_while_a_shortcut_field_records(
    gui: Gui,
) -> None:
    # X11 grabs take Ctrl+Alt+Space from every window: recording it (or a template's
    # keys) in the settings would open the quick prompt instead.
    from tests.unit.quick.hotkeys.test_backend import RecordingBackend

    desktop = gui.application.desktop
    backend = RecordingBackend()
    desktop.hotkeys = backend
    desktop._register_all()
    assert backend.registered() == {"quick": "Ctrl+Alt+Space"}
    gui.application.open_settings("quick")
    dialog = gui.application._settings_dialog
    assert dialog is not None
    dialog.quick_page.shortcut.keys.setFocus()
    await gui.settle(0.02)
    assert backend.registered() == {}  # released while the field has the keyboard
    dialog.quick_page.shortcut.clear_button.setFocus()
    await gui.settle(0.02)
    assert backend.registered() == {"quick": "Ctrl+Alt+Space"}
    dialog.close()
    desktop.hotkeys = None


@in_loop
async def test_the_quick_shortcut_note_follows_the_shortcut_recorded(gui: Gui) -> None:
    # The note about refused keys was set when the window opened and stayed there after
    # keys that work were recorded.
    from tests.unit.quick.hotkeys.test_backend import RecordingBackend

    desktop = gui.application.desktop
    desktop.hotkeys = RecordingBackend()  # refuses Pause
    desktop._register_all()
    gui.application.open_settings("quick")
    dialog = gui.application._settings_dialog
    assert dialog is not None
    page = dialog.quick_page
    assert page.shortcut_note.message() == ""
    page.shortcut.record("Ctrl+Alt+Pause")
    assert dialog.flush()
    assert page.shortcut_note.tone == "error"
    assert "no Pause here" in page.shortcut_note.message()
    page.shortcut.record("Ctrl+Alt+J")
    assert dialog.flush()
    assert page.shortcut_note.message() == ""
    assert page.shortcut_note.isHidden()
    dialog.close()
    desktop.hotkeys = None


@in_loop
async def test_titles_model_names_and_errors_show_as_text_never_markup(gui: Gui) -> None:
    title = "Use <div> or <span>? & <b>bold</b> <img src='file:///etc/hostname'>"
    conversation = gui.store.create_conversation(title=title, model="<i>m</i>")
    question = gui.store.add_message(conversation.id, role=Role.USER, content="Hi", parent_id=None)
    gui.store.add_message(
        conversation.id,
        role=Role.ASSISTANT,
        content="",
        parent_id=question.id,
        model="<u>evil</u>",
        status=MessageStatus.ERROR,
        error="Server said <b>no</b> & <a href='https://x.example'>click</a>",
    )
    gui.window.open_conversation(conversation.id)
    await gui.settle(0.05)
    header = gui.pane.title
    assert header.textFormat() == Qt.TextFormat.PlainText
    assert header.text() == title or title.startswith(header.text().rstrip("…"))
    answer = gui.pane.transcript.item(gui.pane.transcript.message_ids[-1])
    assert answer is not None
    assert answer._status_label.textFormat() == Qt.TextFormat.PlainText
    assert answer._status_label.text().startswith("Server said <b>no</b>")
    shown = QTextDocument()
    shown.setHtml(answer._header.text())
    assert shown.toPlainText().endswith("<u>evil</u>")  # the name as text, in its markup


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (
            ModelUnavailable("old-model"),
            "The model old-model is unknown to this endpoint or retired; pick one of the "
            "models it lists in the model picker.",
        ),
        (
            error_from_response(401, b"", {}),
            "The endpoint refused the API key (401). Check or replace it in Settings → API key.",
        ),
    ],
)
@in_loop
async def test_a_failed_answer_names_the_window_s_place_not_a_command(
    gui: Gui, error: ApiError, shown: str
) -> None:
    # "(maestrale models)" and "maestrale key set" are advice for the command line.
    conversation = gui.store.create_conversation(title="Failed", model="old-model")
    question = gui.store.add_message(conversation.id, role=Role.USER, content="Hi", parent_id=None)
    gui.store.add_message(
        conversation.id,
        role=Role.ASSISTANT,
        content="",
        parent_id=question.id,
        status=MessageStatus.ERROR,
        error=str(error),
    )
    gui.window.open_conversation(conversation.id)
    await gui.settle(0.05)
    answer = gui.pane.transcript.item(gui.pane.transcript.message_ids[-1])
    assert answer is not None
    assert answer._status_label.text() == shown


@in_loop
async def test_conversations_another_program_adds_show_in_the_list(
    gui: Gui, gui_environ: dict[str, str]
) -> None:
    # `maestrale ask` or `import` while the window is open write through a connection
    # of their own: the list notices and shows them, the open one still marked.
    mine = gui.store.create_conversation(title="Mine", model="mistral-large-2411")
    gui.window.sidebar.model.reload()
    gui.window.open_conversation(mine.id)
    gui.application.watch_outside_changes(interval_ms=50)
    with _another_program(gui_environ) as other:
        added = other.create_conversation(title="From the command line", model="m")
    sidebar = gui.window.sidebar
    await gui.until(lambda: sidebar.model.index_of(added.id).isValid(), timeout=5)
    assert sidebar.list_view.current_conversation_id() == mine.id


@in_loop
async def test_esc_in_a_field_closes_it_and_leaves_the_answer_streaming(gui: Gui) -> None:
    gui.server.enqueue(Reply(chunks=[f"w{i} " for i in range(300)], delay=0.01))
    await gui.ask("Talk")
    await gui.until(lambda: gui.pane.composer.button.text() == "Stop")
    gui.window.actions_by_id["find_in_conversation"].trigger()
    field = gui.pane.find_bar.field
    await gui.until(field.hasFocus)
    gui.qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert not gui.pane.find_bar.isVisible()  # the find bar closed…
    assert gui.pane.composer.button.text() == "Stop"  # …and the answer goes on
    search = gui.window.sidebar.search_field
    search.setFocus()
    gui.qtbot.keyClick(search, Qt.Key.Key_Escape)
    assert gui.pane.composer.button.text() == "Stop"
    gui.pane.stop()
    await gui.until(gui.answered)


@in_loop
async def test_switching_a_branch_mid_conversation_keeps_the_place(gui: Gui) -> None:
    conversation_id = _exchanges(gui, "Branches", [f"message {n} " * 80 for n in range(30)])
    messages = gui.store.messages(conversation_id)
    question = messages[10]  # a question in the middle, given a second version
    other = gui.store.add_message(
        conversation_id, role=Role.USER, content="another version", parent_id=question.parent_id
    )
    parent = other.id
    for number in range(12):  # its own answers and follow-ups, as long
        role = Role.ASSISTANT if number % 2 == 0 else Role.USER
        parent = gui.store.add_message(
            conversation_id, role=role, content=f"other {number} " * 80, parent_id=parent
        ).id
    gui.store.set_current_leaf(conversation_id, messages[-1].id)
    gui.window.open_conversation(conversation_id)
    await gui.settle(0.1)
    transcript = gui.pane.transcript
    transcript._reveal(question.id, None)
    await gui.settle(0.05)
    item = transcript.item(question.id)
    assert item is not None
    bar = transcript.verticalScrollBar()
    place = transcript.canvas_position(question.id).y() - bar.value()
    item._next.click()  # "›": the other version of this question
    await gui.settle(0.1)
    shown = transcript.message_ids[10]
    assert gui.store.get_message(shown).content == "another version"
    assert transcript.canvas_position(shown).y() - bar.value() == place  # same place
    assert bar.value() < bar.maximum()  # not thrown to the end


@in_loop
async def test_in_a_wide_window_the_message_field_is_as_wide_as_the_messages(gui: Gui) -> None:
    gui.window.resize(1600, 900)
    await gui.settle(0.1)
    transcript = gui.pane.transcript
    composer = gui.pane.composer
    assert composer.width() == transcript._column_width()


@in_loop
async def test_a_version_shows_again_the_branch_chosen_under_it(gui: Gui) -> None:
    # Q1 has two versions; under the first, Q2 has two. Choose Q2's first version,
    # switch Q1 away and back: Q2 is still on its first version, not its newest.
    store = gui.store
    conversation = store.create_conversation(title="Versions", model="m")
    q1 = store.add_message(conversation.id, role=Role.USER, content="Q1 a", parent_id=None)
    a1 = store.add_message(conversation.id, role=Role.ASSISTANT, content="A1", parent_id=q1.id)
    q2a = store.add_message(conversation.id, role=Role.USER, content="Q2 a", parent_id=a1.id)
    store.add_message(conversation.id, role=Role.ASSISTANT, content="A2 a", parent_id=q2a.id)
    q2b = store.add_message(conversation.id, role=Role.USER, content="Q2 b", parent_id=a1.id)
    leaf_b = store.add_message(
        conversation.id, role=Role.ASSISTANT, content="A2 b", parent_id=q2b.id
    )
    q1b = store.add_message(conversation.id, role=Role.USER, content="Q1 b", parent_id=None)
    store.add_message(conversation.id, role=Role.ASSISTANT, content="B1", parent_id=q1b.id)
    store.set_current_leaf(conversation.id, leaf_b.id)
    controller = gui.application.controller
    controller.switch_branch(q2b.id, -1)  # Q2 → its first version
    controller.switch_branch(q1.id, +1)  # Q1 → its second version
    controller.switch_branch(q1b.id, -1)  # and back
    shown = [m.content for m in store.current_path(conversation.id)]
    assert shown == ["Q1 a", "A1", "Q2 a", "A2 a"]


@in_loop
async def test_the_window_comes_back_as_it_was_left(gui: Gui) -> None:
    window = gui.window
    state_file = gui.application.config.paths.config_dir / "state.json"
    window.resize(780, 500)  # within the offscreen screen's 800 x 600, not narrow
    window.splitter.setSizes([300, 480])
    window.splitter.splitterMoved.emit(300, 1)  # as a drag of the handle does
    window.toggle_sidebar()  # hidden: its width is still remembered
    # Saved a moment after the change, without quitting: a crash keeps it too.
    await gui.until(
        lambda: state_file.exists() and '"sidebar_visible": false' in state_file.read_text()
    )

    # The next start: a window of the default shape, put back from the file.
    window.sidebar.show()
    window.resize(1180, 780)
    window.splitter.setSizes([270, 910])
    assert WindowPlace(window, UiState(state_file)).restore()
    assert (window.width(), window.height()) == (780, 500)
    assert window.sidebar.isHidden()
    assert not gui.pane.sidebar_button.isHidden()  # a way back, for the mouse
    window.toggle_sidebar()
    await gui.settle(0.05)
    assert window.splitter.sizes()[0] == 300


@in_loop
async def test_an_unusable_saved_place_leaves_the_default(gui: Gui) -> None:
    state_file = gui.application.config.paths.config_dir / "state.json"
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.write_text('{"window": {"geometry": "not base64 @@", "sidebar_width": "wide"}}')
    window = gui.window
    size = window.size()
    borders = window.frameGeometry().size() - size
    room = window.screen().availableGeometry().size() - borders
    assert not WindowPlace(window, UiState(state_file)).restore()
    assert window.size() == size.boundedTo(room)  # the default, kept within the screen
    assert not window.sidebar.isHidden()


@in_loop
async def test_the_open_conversation_shows_what_another_program_adds_to_it(
    gui: Gui, gui_environ: dict[str, str]
) -> None:
    # `maestrale ask --conversation <id>` while the window shows that conversation: the
    # window's next question must not follow an exchange it never showed.
    long = "A paragraph to fill the screen.\n\n" * 12
    conversation_id = _exchanges(gui, "Shared", [f"q{n}\n\n{long}" for n in range(16)])
    gui.window.sidebar.model.reload()
    gui.window.open_conversation(conversation_id)
    await gui.settle(0.1)
    transcript = gui.pane.transcript
    transcript.verticalScrollBar().setValue(transcript.verticalScrollBar().maximum() // 3)
    await gui.settle(0.1)
    place = transcript.reading_place()
    assert place is not None
    edit = gui.pane.composer.edit
    edit.setPlainText("half-typed draft")
    cursor = edit.textCursor()
    cursor.setPosition(4)
    edit.setTextCursor(cursor)
    gui.application.watch_outside_changes(interval_ms=50)

    with _another_program(gui_environ) as other:
        leaf = other.get_conversation(conversation_id).current_leaf_id
        question = other.add_message(
            conversation_id, role=Role.USER, content="from the command line", parent_id=leaf
        )
        answer = other.add_message(
            conversation_id, role=Role.ASSISTANT, content="answered there", parent_id=question.id
        )
        other.rename(conversation_id, "Shared, renamed there")
    # Generous: the check runs every 50 ms, but a loaded machine (CI) may take its time.
    await gui.until(
        lambda: (
            transcript.message_ids[-2:] == [question.id, answer.id]
            and gui.pane.title.title() == "Shared, renamed there"
        ),
        timeout=20,
    )
    assert transcript.reading_place() == place  # the reader's place is kept
    assert edit.toPlainText() == "half-typed draft"
    assert edit.textCursor().position() == 4
    # The next question follows the exchange now shown.
    gui.server.enqueue(Reply(text="ok"))
    edit.clear()
    await gui.ask("and now?")
    await gui.until(gui.answered)
    [sent] = [r.body["messages"] for r in gui.server.chat_requests if r.body.get("stream")]
    assert [m["content"] for m in sent[-3:]] == [
        "from the command line",
        "answered there",
        "and now?",
    ]


@in_loop
async def test_a_change_made_elsewhere_while_an_answer_streams_shows_once_it_ends(
    gui: Gui, gui_environ: dict[str, str]
) -> None:
    # Noticed while the answer streamed, the change was dropped: the window never showed
    # it, until another conversation was opened and this one again (and the next
    # question followed a message the window did not show).
    gui.application.watch_outside_changes(interval_ms=50)
    gui.server.enqueue(Reply(chunks=[f"w{n} " for n in range(40)], delay=0.03))
    await gui.ask("Long one")
    conversation_id = gui.pane.conversation_id
    transcript = gui.pane.transcript
    await gui.until(lambda: len(transcript.message_ids) == 2)
    answer_id = transcript.message_ids[-1]
    with _another_program(gui_environ) as other:  # an import merging a later message
        added = other.add_message(
            conversation_id, role=Role.USER, content="added elsewhere", parent_id=answer_id
        )
    await gui.settle(0.2)  # noticed during the answer
    assert gui.application.controller.is_streaming(conversation_id)
    await gui.until(lambda: not gui.application.controller.is_streaming(conversation_id))
    await gui.until(lambda: transcript.message_ids[-1:] == [added.id], timeout=5)


@in_loop
async def test_other_conversations_changing_leave_the_open_one_as_it_is(
    gui: Gui, gui_environ: dict[str, str]
) -> None:
    conversation_id = _exchanges(gui, "Mine", ["q", "a"])
    gui.window.open_conversation(conversation_id)
    await gui.settle(0.05)
    shown = gui.pane.transcript.item(gui.pane.transcript.message_ids[-1])
    gui.application.watch_outside_changes(interval_ms=50)
    with _another_program(gui_environ) as other:
        added = other.create_conversation(title="Elsewhere", model="m")
    sidebar = gui.window.sidebar
    await gui.until(lambda: sidebar.model.index_of(added.id).isValid(), timeout=5)
    assert gui.pane.transcript.item(gui.pane.transcript.message_ids[-1]) is shown  # not rebuilt


@in_loop
async def test_a_question_left_without_answer_offers_to_answer_it(gui: Gui) -> None:
    # Killed while the request was out and before the first word: no answer was stored.
    conversation_id = _exchanges(gui, "Cut short", ["first question", "first answer", "second"])
    gui.window.open_conversation(conversation_id)
    await gui.settle(0.05)
    bar = gui.pane.transcript.findChild(UnansweredBar)
    assert bar is not None
    assert bar.isVisible()
    gui.server.enqueue(Reply(text="the second answer"))
    gui.qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)
    await gui.until(gui.answered)
    assert not bar.isVisible()
    assert gui.pane.composer.edit.hasFocus()  # not wherever the hidden button left it
    [asked] = [r.body["messages"] for r in gui.server.chat_requests if r.body.get("stream")]
    assert asked[-1]["content"] == "second"
    path = gui.store.current_path(conversation_id)
    assert [m.content for m in path] == [
        "first question",
        "first answer",
        "second",
        "the second answer",
    ]


@in_loop
async def test_regenerate_on_a_question_left_without_answer_answers_it(gui: Gui) -> None:
    conversation_id = _exchanges(gui, "Cut short", ["first question", "first answer", "second"])
    gui.window.open_conversation(conversation_id)
    await gui.settle(0.05)
    gui.server.enqueue(Reply(text="the second answer"))
    gui.window.actions_by_id["regenerate"].trigger()
    await gui.until(gui.answered)
    path = gui.store.current_path(conversation_id)
    # Not a new answer to the first question on another branch.
    assert [m.content for m in path][-2:] == ["second", "the second answer"]
    assert len(gui.store.tree(conversation_id).by_id) == 4


@in_loop
async def test_an_answered_conversation_has_no_unanswered_notice(gui: Gui) -> None:
    conversation_id = _exchanges(gui, "Whole", ["question", "answer"])
    gui.window.open_conversation(conversation_id)
    await gui.settle(0.05)
    bar = gui.pane.transcript.findChild(UnansweredBar)
    assert bar is None or not bar.isVisible()


@in_loop
async def test_an_answer_shown_again_while_it_streams_has_no_hole(gui: Gui) -> None:
    # Its text comes from the store as of the last save (up to a second old): the
    # pieces streamed since then were missing, and the following ones joined on.
    chunks = [f"w{n} " for n in range(400)]
    gui.server.enqueue(Reply(chunks=chunks, delay=0.01))
    await gui.ask("Count slowly")
    await gui.until(lambda: "w40 " in answer_text(gui))
    streaming_id = gui.pane.conversation_id
    assert streaming_id is not None
    elsewhere = _exchanges(gui, "Elsewhere", ["q", "a"])
    gui.window.open_conversation(elsewhere)
    await gui.settle(0.3)
    gui.window.open_conversation(streaming_id)
    await gui.settle(0.3)
    assert gui.application.controller.is_streaming(streaming_id)  # still streaming
    item = gui.pane.transcript.item(gui.pane.transcript.message_ids[-1])
    assert item is not None
    shown = item.document.text
    assert len(shown) > len("w0 w1 w40 ")
    assert "".join(chunks).startswith(shown)
    gui.pane.stop()


@in_loop
async def test_search_marks_stay_when_formulas_are_drawn_or_the_theme_changes(gui: Gui) -> None:
    # The message is rendered again once its formulas are drawn (and for another
    # theme): the marks of the search that opened it went with the old rendering.
    conversation_id = _exchanges(
        gui, "Physics", ["energy?", "The energy is $E = mc^2$, with mass and light speed."]
    )
    answer_id = gui.store.current_path(conversation_id)[-1].id
    gui.pane.open_conversation(conversation_id, focus=answer_id, highlight="mass")
    item = gui.pane.transcript.item(answer_id)
    assert item is not None
    await gui.until(lambda: not item.document.has_pending_math)
    await gui.settle(0.05)

    def marked() -> list[str]:
        return [s.cursor.selectedText() for s in item.text.extraSelections()]

    assert marked() == ["mass"]  # still marked after the formula was drawn
    gui.pane.transcript.set_dark(not gui.pane.transcript.dark)
    assert marked() == ["mass"]  # and after a theme change

    def contrast() -> float:
        # The lightness gap between the mark's text and its background, 0 to 255.
        [selection] = item.text.extraSelections()
        brush = selection.format.foreground()
        shown = (
            brush.color()
            if brush.style() != Qt.BrushStyle.NoBrush
            else item.text.palette().text().color()  # the text's own colour
        )
        background = selection.format.background().color()
        return abs(shown.lightness() - background.lightness())

    application = gui.application
    for theme in ("light", "dark"):  # readable in both (light grey on mustard was not)
        application.apply_settings(replace(application.config.settings, theme=theme))
        await gui.settle(0.05)
        assert application.theme.is_dark is (theme == "dark")
        assert contrast() > 110


@in_loop
async def test_a_conversation_opens_again_where_the_reader_left_it(gui: Gui) -> None:
    long = "A paragraph to fill the screen.\n\n" * 12
    first = _exchanges(gui, "Long read", [f"q{n}\n\n{long}" for n in range(16)])
    other = _exchanges(gui, "Other", ["q", "a"])
    transcript = gui.pane.transcript

    async def all_rendered() -> None:
        # The place is a message rendered in view: under a busy machine, fixed waits
        # compared a place taken among estimated messages with one among rendered ones.
        await gui.until(lambda: transcript.rendered_count() == len(transcript.message_ids))
        await gui.settle(0.05)

    gui.window.open_conversation(first)
    await all_rendered()
    transcript.verticalScrollBar().setValue(transcript.verticalScrollBar().maximum() // 3)
    await all_rendered()
    place = transcript.reading_place()
    assert place is not None
    gui.window.open_conversation(other)
    await gui.settle(0.05)
    gui.window.open_conversation(first)  # it opened at its end each time
    await all_rendered()
    assert transcript.reading_place() == place
    gui.window.new_chat()  # leaving by a new chat keeps the place too
    gui.window.open_conversation(first)
    await all_rendered()
    assert transcript.reading_place() == place
    transcript.scroll_to_end()  # read to the end: it opens at the end
    await gui.settle(0.05)
    gui.window.open_conversation(other)
    gui.window.open_conversation(first)
    await gui.settle(0.1)
    assert transcript.reading_place() is None
    assert transcript.following


@in_loop
async def test_a_new_chat_leaves_the_search_results_for_the_list(gui: Gui) -> None:
    # The results stayed up: the new chat, once asked, never appeared in the list.
    _exchanges(gui, "Lyon trip", ["the Lyon train?", "noon"])
    sidebar = gui.window.sidebar
    sidebar.model.reload()
    sidebar.search_field.setText("Lyon")
    await gui.until(lambda: sidebar.pages.currentIndex() == sidebar.SEARCH_PAGE)
    gui.window.actions_by_id["new_chat"].trigger()
    assert sidebar.pages.currentIndex() == sidebar.LIST_PAGE
    assert sidebar.search_field.text() == ""
    gui.server.enqueue(Reply(text="Hello."))
    await gui.ask("A new question")
    await gui.until(gui.answered)
    new_id = gui.pane.conversation_id
    assert new_id is not None
    assert sidebar.list_view.current_conversation_id() == new_id


@in_loop
async def test_another_programs_change_leaves_the_find_bar_and_an_edit_open(
    gui: Gui, gui_environ: dict[str, str]
) -> None:
    # The find bar closed (the keyboard went to the message field: the next Enter sent
    # the draft), and a question being edited lost its new text.
    conversation_id = _exchanges(gui, "Bananas", ["banana one?", "a banana", "more?", "yes"])
    gui.window.open_conversation(conversation_id)
    await gui.settle(0.05)
    gui.application.watch_outside_changes(interval_ms=50)
    gui.window.actions_by_id["find_in_conversation"].trigger()
    field = gui.pane.find_bar.field
    await gui.until(field.hasFocus)
    gui.qtbot.keyClicks(field, "banana")
    await gui.until(lambda: gui.pane.find_bar.status.text() == "1 of 2")

    def add_exchange(question: str) -> str:
        with _another_program(gui_environ) as other:
            leaf = other.get_conversation(conversation_id).current_leaf_id
            asked = other.add_message(
                conversation_id, role=Role.USER, content=question, parent_id=leaf
            )
            return other.add_message(
                conversation_id, role=Role.ASSISTANT, content="ok", parent_id=asked.id
            ).id

    added = add_exchange("a third banana?")
    transcript = gui.pane.transcript
    await gui.until(lambda: transcript.message_ids[-1] == added, timeout=5)
    assert gui.pane.find_bar.isVisible()
    assert field.hasFocus()
    assert gui.pane.find_bar.status.text().endswith("of 3")  # counted again
    gui.pane.find_bar.close_bar()

    first_question = transcript.item(transcript.message_ids[0])
    assert first_question is not None
    first_question.start_editing()
    await gui.settle(0.05)
    later = add_exchange("and a fourth?")
    await gui.settle(0.3)
    assert first_question.editing  # still open, with the user's text
    assert transcript.message_ids[-1] != later
    first_question._cancel_edit()  # the edit done: the change shows
    await gui.until(lambda: transcript.message_ids[-1] == later, timeout=5)


@in_loop
async def test_ctrl_k_shows_a_hidden_sidebar_and_f2_leaves_the_search(gui: Gui) -> None:
    # With the sidebar hidden, Ctrl+K sent the typing to its invisible search field;
    # F2 after a search showed the list under a field still holding the query.
    conversation_id = _exchanges(gui, "Echo chamber", ["q", "a"])
    sidebar = gui.window.sidebar
    sidebar.model.reload()
    gui.window.open_conversation(conversation_id)
    gui.window.toggle_sidebar()
    assert sidebar.isHidden()
    gui.window.actions_by_id["search_chats"].trigger()
    assert not sidebar.isHidden()
    await gui.until(sidebar.search_field.hasFocus)
    gui.qtbot.keyClicks(sidebar.search_field, "Echo")
    await gui.until(lambda: sidebar.pages.currentIndex() == sidebar.SEARCH_PAGE)
    gui.window.actions_by_id["rename"].trigger()
    assert sidebar.pages.currentIndex() == sidebar.LIST_PAGE
    assert sidebar.search_field.text() == ""


@in_loop
async def test_tabbing_to_a_link_far_down_an_answer_brings_it_into_view(gui: Gui) -> None:
    # The message's own view cannot scroll: the keyboard went to links off screen.
    filler = "A paragraph to fill the screen.\n\n" * 60
    conversation_id = _exchanges(
        gui,
        "Links",
        ["links?", f"[first](https://example.com/a)\n\n{filler}[far](https://example.com/b)"],
    )
    gui.window.open_conversation(conversation_id)
    await gui.settle(0.1)
    transcript = gui.pane.transcript
    answer = transcript.item(transcript.message_ids[-1])
    assert answer is not None
    transcript.verticalScrollBar().setValue(answer.y())  # the answer's top in view
    await gui.settle(0.05)
    answer.text.setFocus()
    gui.qtbot.keyClick(answer.text, Qt.Key.Key_Tab)  # the first link
    gui.qtbot.keyClick(answer.text, Qt.Key.Key_Tab)  # the far one
    await gui.settle(0.05)
    assert answer.text.textCursor().selectedText() == "far"
    rect = answer.text.cursorRect()
    at = answer.text.viewport().mapTo(transcript.viewport(), rect.center())
    assert transcript.viewport().rect().contains(at)


@in_loop
async def test_the_conversation_shows_when_it_has_the_keyboard(gui: Gui) -> None:
    # A Tab stop of its own (arrows and Page Up scroll it) that showed nothing.
    conversation_id = _exchanges(gui, "Focus", ["q", "a"])
    gui.window.open_conversation(conversation_id)
    transcript = gui.pane.transcript
    gui.pane.composer.edit.setFocus()
    await gui.settle(0.05)

    def edge() -> QColor:
        return transcript.grab().toImage().pixelColor(0, transcript.height() // 2)

    unfocused = edge()
    width = transcript.viewport().width()
    transcript.setFocus()
    await gui.until(transcript.hasFocus)
    await gui.settle(0.05)
    assert edge() != unfocused
    assert transcript.viewport().width() == width  # no relayout for a focus change


@in_loop
async def test_a_hidden_sidebar_has_a_button_to_show_it_again(gui: Gui) -> None:
    # Hidden by Ctrl+B, the sidebar had no way back but the shortcuts list.
    button = gui.pane.sidebar_button
    assert not button.isVisible()
    gui.window.toggle_sidebar()
    await gui.settle(0.05)
    assert button.isVisible()
    gui.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not gui.window.sidebar.isHidden()
    assert not button.isVisible()


@in_loop
async def test_ctrl_f_marks_the_occurrences_in_every_message_on_screen(gui: Gui) -> None:
    # Only the current message's were marked: the others read as missed matches.
    long = "A paragraph to fill the screen.\n\n" * 14
    conversation_id = _exchanges(
        gui, "Apples", [f"apple {n}?\n\n{long}apple at the end" for n in range(8)]
    )
    gui.window.open_conversation(conversation_id)
    await gui.settle(0.1)
    transcript = gui.pane.transcript
    gui.window.actions_by_id["find_in_conversation"].trigger()
    gui.qtbot.keyClicks(gui.pane.find_bar.field, "apple")
    await gui.settle(0.05)

    def unmarked_on_screen() -> list[str]:
        top = transcript.verticalScrollBar().value()
        bottom = top + transcript.viewport().height()
        shown = []
        for message_id in transcript.message_ids:
            item = transcript.item(message_id)
            if item is None or item.y() > bottom or item.y() + item.height() < top:
                continue
            if "apple" in item.text.toPlainText() and not item.text.extraSelections():
                shown.append(message_id)
        return shown

    assert unmarked_on_screen() == []  # every message on screen holding it is marked
    transcript.verticalScrollBar().setValue(0)  # and after scrolling elsewhere
    await gui.settle(0.1)
    assert unmarked_on_screen() == []
    gui.pane.find_bar.close_bar()
    assert all(
        not item.text.extraSelections()
        for item in (transcript.item(i) for i in transcript.message_ids)
        if item is not None
    )


@in_loop
async def test_a_narrow_window_gives_the_conversation_the_room(gui: Gui) -> None:
    # 250 px of list starved a 700 px window: the sidebar goes, and comes back.
    window, sidebar = gui.window, gui.window.sidebar
    window.resize(1000, 700)
    await gui.settle(0.05)
    assert not sidebar.isHidden()
    window.resize(660, 700)
    await gui.settle(0.05)
    assert sidebar.isHidden()
    assert gui.pane.sidebar_button.isVisible()  # the way to it, still
    assert window.sidebar_wanted  # kept as the user's choice (saved so)
    window.resize(1000, 700)
    await gui.settle(0.05)
    assert not sidebar.isHidden()
    # Shown again by the user in the narrow window, it stays there.
    window.resize(660, 700)
    await gui.settle(0.05)
    window.toggle_sidebar()
    window.resize(680, 700)
    await gui.settle(0.05)
    assert not sidebar.isHidden()
    # Hidden by the user in a wide window, it does not come back by itself.
    window.resize(1000, 700)
    window.toggle_sidebar()
    window.resize(660, 700)
    window.resize(1000, 700)
    await gui.settle(0.05)
    assert sidebar.isHidden()
    assert not window.sidebar_wanted


@in_loop
async def test_the_sidebar_hidden_with_the_keyboard_in_it_hands_it_to_the_message_field(
    gui: Gui,
) -> None:
    # The keyboard went on to the next field, the model picker, and the Down meant for
    # the search results changed the open conversation's model.
    window, sidebar = gui.window, gui.window.sidebar
    window.resize(1000, 700)
    await gui.settle(0.05)
    window.activateWindow()
    sidebar.search_field.setFocus()
    await gui.until(sidebar.search_field.hasFocus)
    window.resize(660, 700)
    await gui.settle(0.05)
    assert sidebar.isHidden()
    assert QApplication.focusWidget() is gui.pane.composer.edit


@in_loop
async def test_a_narrowed_window_gives_the_sidebar_back_at_the_users_width(gui: Gui) -> None:
    # Hidden for a narrow window, it came back at its 200 px minimum, and was saved so.
    window, sidebar = gui.window, gui.window.sidebar
    # The conversation's header needs its room: the window's narrowing squeezes the
    # sidebar (here to its minimum) before the sidebar goes.
    gui.pane.setMinimumWidth(460)
    window.resize(1000, 700)
    await gui.settle(0.05)
    window.splitter.setSizes([300, 700])
    window.splitter.splitterMoved.emit(300, 1)  # as a drag of the handle does
    window.resize(640, 700)
    await gui.settle(0.05)
    assert sidebar.isHidden()
    window.resize(1000, 700)
    await gui.settle(0.05)
    assert not sidebar.isHidden()
    assert window.splitter.sizes()[0] == 300
    assert window.sidebar_width == 300


@pytest.mark.parametrize("mode", ["dark", "light"])
@in_loop
async def test_the_sidebars_lists_have_the_sidebars_background(gui: Gui, mode: str) -> None:
    # In the dark look the conversation list was a lighter rectangle in the sidebar.
    window, sidebar = gui.window, gui.window.sidebar
    gui.application.theme.apply(mode, gui.application.theme.font_size)
    await gui.settle(0.05)

    def color_in(widget: QWidget, x: int, y: int) -> QColor:
        # The window drawn as it shows, the sidebar's background with it.
        return window.grab().toImage().pixelColor(widget.mapTo(window, QPoint(x, y)))

    def below_the_rows(view: QWidget) -> QColor:
        # Two thirds down its height: below the few rows (an empty list: none).
        return color_in(view, view.width() // 2, view.height() * 2 // 3)

    around = color_in(sidebar, 3, sidebar.height() // 2)  # its margin, beside the list
    # The theme's own shade for it, set apart from the conversation (it was never
    # drawn: a plain widget ignores a style sheet's background unless told not to).
    assert around == QColor(gui.application.theme.colors.sidebar)
    assert below_the_rows(sidebar.list_view) == around  # empty
    _exchanges(gui, "Lyon trip", ["Lyon train times", "Noon."])
    sidebar.model.reload()
    await gui.settle(0.05)
    assert below_the_rows(sidebar.list_view) == around
    sidebar.search_field.setText("Lyon")
    await gui.until(lambda: sidebar.results_model.rowCount() == 1)
    await gui.settle(0.05)
    assert below_the_rows(sidebar.results_view) == around
    sidebar.search_field.setText("Paris")  # nothing found: the status line alone
    await gui.until(sidebar.search_status.isVisible)
    assert below_the_rows(sidebar.pages) == around


@pytest.mark.parametrize("mode", ["dark", "light"])
@in_loop
async def test_the_jump_to_latest_pill_stands_out_from_the_text(gui: Gui, mode: str) -> None:
    # A white pill with a faint grey edge over the white conversation: lost in the text.
    gui.application.theme.apply(mode, gui.application.theme.font_size)
    await gui.settle(0.05)
    colors = gui.application.theme.colors
    jump = gui.pane.transcript._jump
    jump.show()
    image = jump.grab().toImage()
    edge = image.pixelColor(jump.width() // 2, 0)  # its outline, at the top
    label = [
        image.pixelColor(x, jump.height() // 2) for x in range(jump.width() // 4, jump.width())
    ]
    background = QColor(colors.window)
    assert contrast(edge, background) >= 3  # what a control's outline needs
    # Its words are not in the answers' colour.
    ink = max(label, key=lambda color: contrast(color, image.pixelColor(4, jump.height() // 2)))
    assert ink != QColor(colors.text)
    jump.hide()

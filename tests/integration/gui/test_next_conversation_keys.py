"""Ctrl+Tab / Ctrl+Shift+Tab and Ctrl+PgDown / Ctrl+PgUp: the next or previous
conversation of the sidebar's list, from wherever the keyboard is in the window."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from app.domain.messages import Role
from tests.integration.gui.conftest import Gui, in_loop

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier

# The list as it shows: Pinned, Today, Quick (its newest five, then "Show more quick
# prompts…"), Yesterday, then older. Headings and "Show more…" are passed over.
LISTED = [
    "pinned new",
    "pinned old",
    "today one",
    "today two",
    "quick 0",
    "quick 1",
    "quick 2",
    "quick 3",
    "quick 4",
    "yesterday",
    "last month",
]


def _fill(gui: Gui) -> dict[str, str]:
    """The conversations of ``LISTED`` and two quick ones behind "Show more…"; ids by title."""
    now = datetime.now().astimezone()
    store = gui.store
    ids: dict[str, str] = {}

    def add(title: str, when: datetime, kind: str = "chat") -> None:
        ids[title] = store.create_conversation(
            title=title, model="m", kind=kind, created_at=when
        ).id

    add("pinned old", now - timedelta(days=400))
    add("pinned new", now - timedelta(days=3))
    for title in ("pinned old", "pinned new"):
        store.set_pinned(ids[title], True)
    # Seconds back: the same day, whenever the test runs (but in the first seconds).
    for seconds, title in ((1, "today one"), (2, "today two")):  # an exchange each
        when = now - timedelta(seconds=seconds)
        add(title, when)
        question = store.add_message(
            ids[title], role=Role.USER, content="Hi", parent_id=None, created_at=when
        )
        store.add_message(
            ids[title],
            role=Role.ASSISTANT,
            content=f"Hello from {title}",
            parent_id=question.id,
            created_at=when,
        )
    for number in range(7):
        add(f"quick {number}", now - timedelta(seconds=3 + number), kind="quick")
    add("yesterday", now - timedelta(days=1))
    add("last month", now - timedelta(days=40))
    gui.window.sidebar.reload()
    return ids


def _press(gui: Gui, key: Qt.Key, modifiers: Qt.KeyboardModifier) -> None:
    """The keys, as a person presses them: to whatever has the keyboard."""
    focused = QApplication.focusWidget()
    assert focused is not None
    gui.qtbot.keyClick(focused, key, modifiers)


def _open_title(gui: Gui, ids: dict[str, str]) -> str:
    titles = {conversation_id: title for title, conversation_id in ids.items()}
    return titles[gui.pane.conversation_id]


@in_loop
async def test_ctrl_tab_goes_down_the_list_and_ctrl_shift_tab_back_up(gui: Gui) -> None:
    ids = _fill(gui)
    sidebar = gui.window.sidebar
    edit = gui.pane.composer.edit
    gui.pane.focus_composer()
    gui.qtbot.keyClicks(edit, "for the new chat")
    assert gui.pane.conversation_id is None  # a new chat: it stands above the list

    _press(gui, Qt.Key.Key_Backtab, CTRL_SHIFT)  # nothing above a new chat
    assert gui.pane.conversation_id is None
    assert edit.toPlainText() == "for the new chat"

    seen = []
    # Ctrl+Tab and Ctrl+PgDown in turn: both go down, one row at a time.
    for step in range(len(LISTED)):
        key = Qt.Key.Key_Tab if step % 2 == 0 else Qt.Key.Key_PageDown
        _press(gui, key, CTRL)
        seen.append(_open_title(gui, ids))
        # Opened as Enter on its row opens it: marked in the list, the keyboard in the
        # message field, the window titled.
        assert sidebar.open_conversation_id == gui.pane.conversation_id
        assert sidebar.list_view.current_conversation_id() == gui.pane.conversation_id
        assert QApplication.focusWidget() is edit
        assert gui.window.windowTitle() == f"{seen[-1]} — Maestrale"
        if step == 0:
            # Written there, it stays with that conversation; the Tab typed nothing.
            gui.qtbot.keyClicks(edit, "a note for later")
    assert seen == LISTED

    # At the bottom it stays (the list does not wrap round to its top).
    _press(gui, Qt.Key.Key_Tab, CTRL)
    _press(gui, Qt.Key.Key_PageDown, CTRL)
    assert _open_title(gui, ids) == "last month"
    assert edit.toPlainText() == ""  # no tab typed in its message field either

    seen = []
    for step in range(len(LISTED) - 1):
        if step % 2 == 0:
            _press(gui, Qt.Key.Key_Backtab, CTRL_SHIFT)  # Ctrl+Shift+Tab, as X11 sends it
        else:
            _press(gui, Qt.Key.Key_PageUp, CTRL)
        seen.append(_open_title(gui, ids))
    assert seen == LISTED[-2::-1]
    _press(gui, Qt.Key.Key_Tab, CTRL_SHIFT)  # Ctrl+Shift+Tab as some systems send it
    _press(gui, Qt.Key.Key_PageUp, CTRL)
    assert _open_title(gui, ids) == "pinned new"  # the top: it stays
    assert edit.toPlainText() == "a note for later"  # its draft kept, without a tab

    gui.window.new_chat()  # and the new chat's draft was kept too
    assert edit.toPlainText() == "for the new chat"


def _list(gui: Gui) -> QWidget:
    return gui.window.sidebar.list_view


def _search(gui: Gui) -> QWidget:
    return gui.window.sidebar.search_field


def _transcript(gui: Gui) -> QWidget:
    return gui.pane.transcript


def _model_picker(gui: Gui) -> QWidget:
    return gui.pane.picker.combo


def _answer_text(gui: Gui) -> QWidget:
    transcript = gui.pane.transcript
    item = transcript.item(transcript.message_ids[-1])
    assert item is not None
    return item.text


def _find_field(gui: Gui) -> QWidget:
    gui.pane.open_find()  # Ctrl+F
    return gui.pane.find_bar.field


def _question_editor(gui: Gui) -> QWidget:
    gui.pane.edit_last_question()  # Up in the empty message field
    focused = QApplication.focusWidget()
    assert focused is not None
    return focused


@pytest.mark.parametrize(
    "where",
    [_list, _search, _transcript, _model_picker, _answer_text, _find_field, _question_editor],
)
@in_loop
async def test_the_keys_work_wherever_the_keyboard_is(
    gui: Gui, where: Callable[[Gui], QWidget]
) -> None:
    ids = _fill(gui)
    gui.window.open_conversation(ids["today one"])
    for key, modifiers, title in (
        (Qt.Key.Key_Tab, CTRL, "today two"),
        (Qt.Key.Key_Backtab, CTRL_SHIFT, "today one"),
        (Qt.Key.Key_PageDown, CTRL, "today two"),
        (Qt.Key.Key_PageUp, CTRL, "today one"),
    ):
        widget = where(gui)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        assert QApplication.focusWidget() is widget
        _press(gui, key, modifiers)
        assert _open_title(gui, ids) == title
        assert QApplication.focusWidget() is gui.pane.composer.edit


@in_loop
async def test_ctrl_tab_follows_the_hidden_sidebars_list_past_its_first_page(gui: Gui) -> None:
    """Hidden (Ctrl+B), the sidebar's list still gives the order, on past the chats it
    read first (a page: the rest is read as it is reached)."""
    model = gui.window.sidebar.model
    store = gui.store
    now = datetime.now().astimezone()
    chats = [
        store.create_conversation(title=f"chat {n}", model="m", created_at=now - timedelta(hours=n))
        for n in range(model._page_size + 1)
    ]
    gui.window.sidebar.reload()
    gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_B, CTRL)
    assert gui.window.sidebar.isHidden()
    assert model.row_of(chats[-1].id) is None  # not read yet
    gui.window.open_conversation(chats[-2].id)
    _press(gui, Qt.Key.Key_Tab, CTRL)
    assert gui.pane.conversation_id == chats[-1].id
    assert gui.window.sidebar.open_conversation_id == chats[-1].id

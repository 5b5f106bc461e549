"""The shortcut table, the actions built from it, and the help window that lists it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from app.ui.help_dialog import HelpDialog, ShortcutRow, key_caps
from app.ui.shortcuts import (
    SHORTCUTS,
    Scope,
    make_actions,
    sends_message,
    shortcut_table,
    tab_keys,
)
from app.ui.theme import apply_theme

EXPECTED = {
    "new_chat": "Ctrl+N",
    "search_chats": "Ctrl+K",
    "find_in_conversation": "Ctrl+F",
    "find_next": "F3",
    "find_previous": "Shift+F3",
    "stop_answer": "Esc",
    "send": "Return",
    "newline": "Shift+Return",
    "edit_last_question": "Up",
    "rename": "F2",
    "delete_conversation": "Del",
    "undo_delete": "Ctrl+Z",
    "copy_last_answer": "Ctrl+Shift+C",
    "regenerate": "Ctrl+Shift+R",
    "choose_model": "Ctrl+Shift+M",
    "parameters": "Ctrl+Shift+P",
    "settings": "Ctrl+,",
    "keyboard_shortcuts": "Ctrl+/",
    "focus_composer": "Ctrl+L",
    "jump_to_latest": "Alt+End",
    "toggle_sidebar": "Ctrl+B",
    "quit": "Ctrl+Q",
    "zoom_in": "Ctrl++",
    "zoom_out": "Ctrl+-",
    "next_conversation": "Ctrl+Tab",
    "previous_conversation": "Ctrl+Shift+Tab",
    "continue_answer": "Ctrl+Shift+Return",
}


def portable(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.PortableText)


def test_the_table_has_the_expected_defaults() -> None:
    table = {item.id: item for item in SHORTCUTS}
    for action_id, keys in EXPECTED.items():
        assert portable(table[action_id].sequences()[0]) == keys, action_id
    assert all(not s.isEmpty() for item in SHORTCUTS for s in item.sequences())


@pytest.mark.parametrize("enter_sends", [True, False])
def test_no_two_shortcuts_share_a_key_sequence(enter_sends: bool) -> None:
    # Within one window: the quick prompt's keys are its own (Enter, Esc there too).
    for quick in (False, True):
        seen: dict[str, str] = {}
        for item in shortcut_table(enter_sends):
            if (item.scope is Scope.QUICK) != quick:
                continue
            for sequence in item.sequences():
                key = portable(sequence)
                assert key not in seen, f"{key} is bound to {seen.get(key)} and {item.id}"
                seen[key] = item.id
    ids = [item.id for item in SHORTCUTS]
    assert len(ids) == len(set(ids))


def test_ctrl_enter_sends_when_enter_does_not() -> None:
    table = {item.id: item for item in shortcut_table(enter_sends=False)}
    assert [portable(s) for s in table["send"].sequences()] == ["Ctrl+Return"]
    assert portable(table["newline"].sequences()[0]) == "Return"


@pytest.mark.parametrize(
    ("key", "modifiers", "enter_sends", "sends"),
    [
        (Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, True, True),
        (Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier, True, True),
        (Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier, True, False),
        (Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier, True, True),
        (Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, False, False),
        (Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier, False, False),
        (Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier, False, True),
        (Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier, False, False),
    ],
)
def test_sends_message(
    key: Qt.Key, modifiers: Qt.KeyboardModifier, enter_sends: bool, sends: bool
) -> None:
    assert sends_message(key, modifiers, enter_sends) is sends


def test_make_actions_binds_keys_text_and_handlers(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    calls: list[str] = []
    actions = make_actions(
        window,
        {
            "new_chat": lambda: calls.append("new"),
            "zoom_in": lambda: calls.append("zoom"),
            "delete_conversation": lambda: calls.append("delete"),
        },
    )
    assert set(actions) == {"new_chat", "zoom_in", "delete_conversation"}
    new_chat = actions["new_chat"]
    assert new_chat.text() == "New chat"
    assert [portable(s) for s in new_chat.shortcuts()] == ["Ctrl+N"]
    assert new_chat.shortcutContext() == Qt.ShortcutContext.WindowShortcut
    assert not new_chat.icon().isNull()
    assert "Ctrl+N" in new_chat.toolTip()
    assert [portable(s) for s in actions["zoom_in"].shortcuts()] == ["Ctrl++", "Ctrl+="]
    delete = actions["delete_conversation"]
    assert delete.shortcutContext() == Qt.ShortcutContext.WidgetWithChildrenShortcut
    new_chat.trigger()
    delete.trigger()
    assert calls == ["new", "delete"]


def test_make_actions_refuses_unknown_and_composer_ids(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    with pytest.raises(ValueError, match="no shortcut 'nonsense'"):
        make_actions(window, {"nonsense": lambda: None})
    composer_ids = [item.id for item in SHORTCUTS if item.scope is Scope.COMPOSER]
    assert composer_ids == ["send", "newline", "edit_last_question"]
    with pytest.raises(ValueError, match="not a main window action"):
        make_actions(window, {"send": lambda: None})
    with pytest.raises(ValueError, match="not a main window action"):
        make_actions(window, {"quick_ask": lambda: None})


def test_key_caps() -> None:
    assert key_caps(QKeySequence("Ctrl+Shift+C")) == ["Ctrl", "Shift", "C"]
    assert key_caps(QKeySequence("Ctrl++")) == ["Ctrl", "+"]
    assert key_caps(QKeySequence("Shift+Return")) == ["Shift", "Enter"]
    assert key_caps(QKeySequence("Del")) == ["Delete"]
    assert key_caps(QKeySequence()) == []


def test_help_dialog_lists_every_shortcut_grouped_and_searchable(qtbot: QtBot) -> None:
    dialog = HelpDialog()
    qtbot.addWidget(dialog)
    listing = dialog.shortcuts
    assert listing.visible_descriptions() == [item.description for item in _by_group()]
    assert not dialog.isModal()
    dialog.search.setText("delete")
    assert listing.visible_descriptions() == ["Delete conversation", "Undo delete"]
    dialog.search.setText("window")  # a group's name finds the whole group
    assert listing.visible_descriptions() == [
        "Settings",
        "Keyboard shortcuts",
        "Show or hide the sidebar",
        "Larger text",
        "Smaller text",
        "Default text size",
        "Quit",
        "Continue in the main window",
    ]
    dialog.search.setText("ctrl shift")
    assert listing.visible_descriptions() == [
        "Previous match",
        "Previous conversation",
        "Copy last answer",
        "Regenerate answer",
        "Continue the answer",
        "Choose the model",
        "System prompt and parameters",
        "Copy the answer",
    ]
    dialog.search.setText("quick")  # the quick prompt's own keys are listed too
    assert listing.visible_descriptions() == [
        "Open the quick prompt",
        "Ask",
        "Choose a template",
        "Remove the template",
        "Copy the answer",
        "Continue in the main window",
        "Stop the answer, then hide",
    ]
    dialog.search.setText("no such thing")
    assert listing.visible_descriptions() == []
    assert not listing.empty.isHidden()
    dialog.search.clear()
    assert listing.empty.isHidden()
    dialog.set_enter_sends(False)
    dialog.search.setText("send")
    assert listing.visible_descriptions() == ["Send message"]


@pytest.mark.parametrize(
    ("words", "found"),
    [
        # Words people search by that are not in the descriptions: "retry" found nothing.
        ("retry", ["Regenerate answer"]),
        ("model", ["Choose the model"]),
        ("parameters", ["System prompt and parameters"]),
        ("temperature", ["System prompt and parameters"]),
        ("continue", ["Continue the answer", "Continue in the main window"]),
        ("resume", ["Continue the answer"]),
        ("next chat", ["Next conversation"]),
        ("previous chat", ["Previous conversation"]),
        ("pgdown", ["Next conversation"]),
        ("preferences", ["Settings"]),
    ],
)
def test_the_help_finds_a_shortcut_by_the_words_people_use(
    qtbot: QtBot, words: str, found: list[str]
) -> None:
    dialog = HelpDialog()
    qtbot.addWidget(dialog)
    dialog.search.setText(words)
    assert dialog.shortcuts.visible_descriptions() == found


def _by_group() -> list:  # type: ignore[type-arg]
    from app.ui.shortcuts import GROUPS

    return [item for group in GROUPS for item in SHORTCUTS if item.group == group]


def test_a_shortcut_on_enter_and_the_keypads_enter_shows_its_keys_once(qtbot: QtBot) -> None:
    dialog = HelpDialog()
    qtbot.addWidget(dialog)
    rows = {row.item.id: row for row in dialog.shortcuts.findChildren(ShortcutRow)}
    table = {item.id: item for item in SHORTCUTS}
    # Both keys work: Return and the keypad's Enter (which sends in the message field).
    assert [portable(s) for s in table["continue_answer"].sequences()] == [
        "Ctrl+Shift+Return",
        "Ctrl+Shift+Enter",
    ]
    assert rows["continue_answer"].caps == ["Ctrl", "Shift", "Enter"]
    assert rows["next_conversation"].caps == ["Ctrl", "Tab", "Ctrl", "PgDown"]


def test_on_macos_the_next_conversation_is_control_tab_not_the_app_switcher() -> None:
    # Qt's Ctrl is ⌘ there, and ⌘Tab never reaches a window.
    assert tab_keys(mac=False) == ("Ctrl+Tab", "Ctrl+Shift+Tab")
    assert tab_keys(mac=True) == ("Meta+Tab", "Meta+Shift+Tab")


def test_the_quick_prompt_row_shows_the_keys_the_user_set(qtbot: QtBot) -> None:
    dialog = HelpDialog(quick_shortcut="Ctrl+Shift+Space")
    qtbot.addWidget(dialog)
    rows = dialog.shortcuts.findChildren(ShortcutRow)
    [row] = [row for row in rows if row.item.id == "quick_prompt"]
    assert row.caps == ["Ctrl", "Shift", "Space"]
    dialog.shortcuts.set_quick_shortcut("")  # none set
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the old rows go
    rows = dialog.shortcuts.findChildren(ShortcutRow)
    [row] = [row for row in rows if row.item.id == "quick_prompt"]
    assert row.caps == []
    assert "none set" in row.item.note


def test_a_shortcuts_note_keeps_its_capitals_and_names_the_settings_page(qtbot: QtBot) -> None:
    # "From any program; the keys are set in settings, quick prompt": capitalize()
    # lowercased the rest, and the page is "Quick prompts".
    dialog = HelpDialog(quick_shortcut="Ctrl+Shift+Space")
    qtbot.addWidget(dialog)

    def note() -> str:
        rows = dialog.shortcuts.findChildren(ShortcutRow)
        [row] = [row for row in rows if row.item.id == "quick_prompt"]
        [text] = [
            label.text()
            for label in row.findChildren(QLabel)
            if label.property("role") == "muted" and label.text() != "or"
        ]
        return text

    assert note() == "From any program; the keys are set in Settings → Quick prompts"
    dialog.shortcuts.set_quick_shortcut("")
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert note() == "None set: choose keys in Settings → Quick prompts"


@pytest.mark.parametrize("points", [10, 20])
def test_the_help_wraps_in_a_narrow_window_its_keys_under_the_text(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path, points: int
) -> None:
    # At 20 pt in its 10 pt width the rows went past the right edge, keycaps cut, with
    # a sideways scroll bar.
    apply_theme(qapp, "light", points, assets_dir=tmp_path)
    dialog = HelpDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.resize(560, 640)
    qtbot.waitUntil(lambda: dialog.width() == 560)
    rows = [row for _h, _c, found in dialog.shortcuts._groups for row, _d in found]
    scroll = dialog.findChild(QScrollArea)
    assert scroll is not None
    qtbot.waitUntil(lambda: scroll.horizontalScrollBar().maximum() == 0)
    for row in rows:
        keys = row._keys.geometry()
        assert keys.right() <= row.width(), row.item.description
        for cap in row._keys.findChildren(QLabel):
            assert cap.geometry().right() <= row._keys.width(), (row.item.description, cap.text())
    under = [row.item.description for row in rows if row.keys_under]
    if points == 10:
        assert under == []  # beside the text, at the right, where there is room
    else:
        assert "Previous match" in under  # Shift F3 or Ctrl Shift G
        assert "New chat" not in under

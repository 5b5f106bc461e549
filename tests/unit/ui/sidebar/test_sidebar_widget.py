"""The Sidebar as a person uses it: keyboard, context menu, rename, pin, delete and undo."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import timedelta

import PySide6
import pytest
from PySide6.QtCore import QMimeData, QModelIndex, Qt
from PySide6.QtGui import QAction, QColor, QContextMenuEvent, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QToolTip
from pytestqt.qtbot import QtBot

from app.domain.messages import Role
from app.store import ConversationStore
from app.ui.sidebar import ConversationRole, Sidebar
from tests.unit.ui.sidebar.helpers import NOW, OFFSCREEN_NOISE, ZONE, add, fixed_now

pytestmark = pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE)


@pytest.fixture
def errors() -> list[str]:
    return []


@pytest.fixture
def chats(store: ConversationStore) -> dict[str, str]:
    return {
        "Lyon": add(store, "Trip to Lyon", NOW - timedelta(hours=1)),
        "Soup": add(store, "Onion soup", NOW - timedelta(hours=2)),
        "Taxes": add(store, "Taxes", NOW - timedelta(days=1, hours=2)),
        "Old": add(store, "Old question", NOW - timedelta(days=60)),
    }


@pytest.fixture
def sidebar(
    qtbot: QtBot, store: ConversationStore, chats: dict[str, str], errors: list[str]
) -> Iterator[Sidebar]:
    widget = Sidebar(
        store,
        now=fixed_now,
        zone=ZONE,
        show_error=errors.append,
        save_file_dialog=lambda *_: "",
        toast_timeout_ms=8000,
    )
    qtbot.addWidget(widget)
    widget.resize(320, 600)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.shutdown()


def _titles(sidebar: Sidebar) -> list[str]:
    model = sidebar.model
    return [
        ("# " if model.is_header(row) else "") + model.data(model.index(row, 0))
        for row in range(model.rowCount())
    ]


def _focus_row(sidebar: Sidebar, conversation_id: str) -> None:
    view = sidebar.list_view
    view.setFocus()
    view.setCurrentIndex(sidebar.model.index_of(conversation_id))


def _editor(sidebar: Sidebar) -> QLineEdit | None:
    editors = [
        editor
        for editor in sidebar.list_view.findChildren(QLineEdit, "renameEditor")
        if editor.isVisible()
    ]
    return editors[0] if editors else None


def _action(menu: QMenu, text: str) -> QAction:
    [action] = [action for action in menu.actions() if action.text() == text]
    return action


def test_accessible_names_and_first_layout(sidebar: Sidebar) -> None:
    assert sidebar.new_chat_button.accessibleName() == "New chat"
    assert sidebar.search_field.accessibleName() == "Search chats"
    assert sidebar.search_field.placeholderText() == "Search chats  Ctrl+K"
    assert sidebar.list_view.accessibleName() == "Conversations"
    assert sidebar.results_view.accessibleName() == "Search results"
    assert _titles(sidebar) == [
        "# Today",
        "Trip to Lyon",
        "Onion soup",
        "# Yesterday",
        "Taxes",
        "# September 2026",
        "Old question",
    ]


def test_home_shows_the_first_groups_heading(
    sidebar: Sidebar, chats: dict[str, str], qtbot: QtBot
) -> None:
    view = sidebar.list_view
    sidebar.resize(320, 150)  # a few rows in sight: the list scrolls
    _focus_row(sidebar, chats["Old"])
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.current_conversation_id() == chats["Lyon"]
    heading = view.visualRect(sidebar.model.index(0, 0))
    assert heading.top() >= 0  # "Today" in sight above it, not under the top edge


def test_new_chat_button_asks_for_a_new_chat(sidebar: Sidebar, qtbot: QtBot) -> None:
    with qtbot.wait_signal(sidebar.new_chat_requested):
        qtbot.mouseClick(sidebar.new_chat_button, Qt.MouseButton.LeftButton)


def test_arrows_skip_headings_and_enter_opens(
    sidebar: Sidebar, chats: dict[str, str], qtbot: QtBot
) -> None:
    view = sidebar.list_view
    _focus_row(sidebar, chats["Soup"])
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.current_conversation_id() == chats["Taxes"]  # over "Yesterday"
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.current_conversation_id() == chats["Old"]
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.current_conversation_id() == chats["Old"]  # the end
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.current_conversation_id() == chats["Lyon"]  # not the "Today" heading
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert view.current_conversation_id() == chats["Lyon"]
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert view.current_conversation_id() == chats["Old"]
    # Moving never opened anything.
    assert view.selectionModel().selectedIndexes() == []

    with qtbot.wait_signal(sidebar.conversation_activated) as opened:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert opened.args == [chats["Old"]]
    assert sidebar.open_conversation_id == chats["Old"]
    [selected] = view.selectionModel().selectedIndexes()
    assert selected.data(ConversationRole.ID) == chats["Old"]


def test_click_opens_and_headings_ignore_clicks(
    sidebar: Sidebar, chats: dict[str, str], qtbot: QtBot
) -> None:
    view = sidebar.list_view
    heading = view.visualRect(sidebar.model.index(0, 0)).center()
    opened: list[str] = []
    sidebar.conversation_activated.connect(opened.append)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=heading)
    assert opened == []
    row = view.visualRect(sidebar.model.index_of(chats["Soup"])).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=row)
    assert opened == [chats["Soup"]]


def test_select_conversation_selects_without_emitting(
    sidebar: Sidebar, chats: dict[str, str], qtbot: QtBot
) -> None:
    opened: list[str] = []
    sidebar.conversation_activated.connect(opened.append)
    sidebar.select_conversation(chats["Taxes"])
    [selected] = sidebar.list_view.selectionModel().selectedIndexes()
    assert selected.data(ConversationRole.ID) == chats["Taxes"]
    assert opened == []
    sidebar.select_conversation(None)
    assert sidebar.list_view.selectionModel().selectedIndexes() == []


def test_select_conversation_reads_further_pages_to_find_it(
    qtbot: QtBot, store: ConversationStore
) -> None:
    ids = [add(store, f"Chat {n}", NOW - timedelta(hours=n)) for n in range(25)]
    widget = Sidebar(store, now=fixed_now, zone=ZONE, page_size=5)
    qtbot.addWidget(widget)
    try:
        widget.select_conversation(ids[-1])
        [selected] = widget.list_view.selectionModel().selectedIndexes()
        assert selected.data(ConversationRole.ID) == ids[-1]
    finally:
        widget.shutdown()


def test_f2_typing_and_enter_renames_in_the_store(
    sidebar: Sidebar, store: ConversationStore, chats: dict[str, str], qtbot: QtBot
) -> None:
    _focus_row(sidebar, chats["Soup"])
    qtbot.keyClick(sidebar.list_view, Qt.Key.Key_F2)
    editor = _editor(sidebar)
    assert editor is not None
    assert editor.text() == "Onion soup"
    assert editor.selectedText() == "Onion soup"
    qtbot.keyClicks(editor, "French onion soup")
    qtbot.keyClick(editor, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: _editor(sidebar) is None)
    stored = store.get_conversation(chats["Soup"])
    assert (stored.title, stored.title_is_custom) == ("French onion soup", True)
    assert "French onion soup" in _titles(sidebar)


def test_the_rename_editor_stays_clear_of_the_scroll_bar(
    sidebar: Sidebar, store: ConversationStore, chats: dict[str, str], qtbot: QtBot
) -> None:
    # Rows laid out before the scroll bar came kept their width: the editor's right end
    # went under the bar.
    for n in range(40):
        add(store, f"More {n}", NOW - timedelta(minutes=n))
    sidebar.reload()
    view = sidebar.list_view
    qtbot.waitUntil(view.verticalScrollBar().isVisible)
    _focus_row(sidebar, chats["Soup"])
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = _editor(sidebar)
    assert editor is not None
    assert editor.geometry().right() < view.viewport().width()


def test_escape_cancels_a_rename_and_empty_titles_are_refused(
    sidebar: Sidebar, store: ConversationStore, chats: dict[str, str], qtbot: QtBot
) -> None:
    _focus_row(sidebar, chats["Taxes"])
    qtbot.keyClick(sidebar.list_view, Qt.Key.Key_F2)
    editor = _editor(sidebar)
    assert editor is not None
    qtbot.keyClicks(editor, "Something else")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: _editor(sidebar) is None)
    assert store.get_conversation(chats["Taxes"]).title == "Taxes"

    qtbot.keyClick(sidebar.list_view, Qt.Key.Key_F2)
    editor = _editor(sidebar)
    assert editor is not None
    qtbot.keyClick(editor, Qt.Key.Key_Delete)  # the selected title: all gone
    assert editor.text() == ""
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert _editor(sidebar) is editor  # still open: a title cannot be empty
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: _editor(sidebar) is None)
    stored = store.get_conversation(chats["Taxes"])
    assert (stored.title, stored.title_is_custom) == ("Taxes", False)


def test_an_empty_title_says_why_enter_does_nothing(
    sidebar: Sidebar, store: ConversationStore, chats: dict[str, str], qtbot: QtBot
) -> None:
    # Enter on a blank title did nothing, with nothing said: it looked stuck.
    _focus_row(sidebar, chats["Taxes"])
    qtbot.keyClick(sidebar.list_view, Qt.Key.Key_F2)
    editor = _editor(sidebar)
    assert editor is not None
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    qtbot.keyClicks(editor, "   ")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert _editor(sidebar) is editor
    assert QToolTip.isVisible()
    assert QToolTip.text() == "A title can't be empty: type one, or press Esc to keep the old one."
    assert editor.property("invalid") is True  # the field's red edge, as in Settings
    qtbot.keyClicks(editor, "Tax 2026")
    assert editor.property("invalid") is False
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _editor(sidebar) is None)
    assert store.get_conversation(chats["Taxes"]).title == "Tax 2026"


def test_double_click_starts_a_rename(
    sidebar: Sidebar, chats: dict[str, str], qtbot: QtBot
) -> None:
    view = sidebar.list_view
    point = view.visualRect(sidebar.model.index_of(chats["Lyon"])).center()
    # A real double click starts with a press (QTest's sends the double click alone).
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    editor = _editor(sidebar)
    assert editor is not None
    assert editor.text() == "Trip to Lyon"


def test_pin_from_the_context_menu_moves_it_into_pinned(
    sidebar: Sidebar, store: ConversationStore, chats: dict[str, str]
) -> None:
    menu = sidebar.build_context_menu(chats["Old"])
    assert [a.text() for a in menu.actions() if not a.isSeparator()] == [
        "Rename",
        "Pin",
        "Duplicate",
        "Export as Markdown…",
        "Export as JSON…",
        "Delete",
    ]
    _action(menu, "Pin").trigger()

    assert store.get_conversation(chats["Old"]).pinned is True
    assert _titles(sidebar)[:2] == ["# Pinned", "Old question"]
    assert "# September 2026" not in _titles(sidebar)
    # No chat is open: no row is the keyboard's (Delete went to the pinned one).
    assert sidebar.list_view.current_conversation_id() is None

    _action(sidebar.build_context_menu(chats["Old"]), "Unpin").trigger()
    assert store.get_conversation(chats["Old"]).pinned is False
    assert _titles(sidebar)[-2:] == ["# September 2026", "Old question"]


@pytest.mark.parametrize("how", ["menu key", "shift+f10", "right click"])
def test_context_menu_opens_from_keyboard_and_mouse(
    sidebar: Sidebar, chats: dict[str, str], qtbot: QtBot, how: str
) -> None:
    view = sidebar.list_view
    _focus_row(sidebar, chats["Taxes"])
    if how == "menu key":
        qtbot.keyClick(view, Qt.Key.Key_Menu)
    elif how == "shift+f10":
        qtbot.keyClick(view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    else:
        point = view.visualRect(sidebar.model.index_of(chats["Lyon"])).center()
        event = QContextMenuEvent(
            QContextMenuEvent.Reason.Mouse, point, view.viewport().mapToGlobal(point)
        )
        QApplication.sendEvent(view.viewport(), event)
    qtbot.waitUntil(lambda: sidebar.context_menu is not None and sidebar.context_menu.isVisible())
    menu = sidebar.context_menu
    assert menu is not None
    expected = "Trip to Lyon" if how == "right click" else "Taxes"
    assert menu.accessibleName() == f"Actions for {expected}"
    menu.hide()
    qtbot.waitUntil(lambda: sidebar.context_menu is None)


def test_delete_then_undo_from_the_notice(
    sidebar: Sidebar, store: ConversationStore, chats: dict[str, str], qtbot: QtBot
) -> None:
    _focus_row(sidebar, chats["Taxes"])
    with qtbot.wait_signal(sidebar.conversation_deleted) as deleted:
        qtbot.keyClick(sidebar.list_view, Qt.Key.Key_Delete)

    assert deleted.args == [chats["Taxes"]]
    assert "Taxes" not in _titles(sidebar)
    assert "# Yesterday" not in _titles(sidebar)
    assert store.get_conversation(chats["Taxes"]).deleted_at is not None
    assert sidebar.list_view.current_conversation_id() == chats["Old"]  # the next row
    toast = sidebar.toast
    assert toast is not None
    assert toast.isVisible()
    assert toast.text == "Deleted “Taxes”"
    assert toast.accessibleName() == "Deleted “Taxes”"
    button = toast.action_button
    assert button is not None
    assert button.text() == "Undo"

    with qtbot.wait_signal(sidebar.conversation_restored) as restored:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    assert restored.args == [chats["Taxes"]]
    assert store.get_conversation(chats["Taxes"]).deleted_at is None
    assert _titles(sidebar)[3:5] == ["# Yesterday", "Taxes"]
    assert sidebar.toast is None
    assert sidebar.undo_delete() is None  # nothing left to undo


def test_ctrl_z_restores_the_latest_deletes_in_order(
    sidebar: Sidebar, store: ConversationStore, chats: dict[str, str], qtbot: QtBot
) -> None:
    view = sidebar.list_view
    _focus_row(sidebar, chats["Lyon"])
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    _focus_row(sidebar, chats["Old"])
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert store.count_conversations() == 2

    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert store.get_conversation(chats["Old"]).deleted_at is None
    assert store.get_conversation(chats["Lyon"]).deleted_at is not None
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert store.get_conversation(chats["Lyon"]).deleted_at is None
    assert _titles(sidebar)[1] == "Trip to Lyon"
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # nothing left
    assert store.count_conversations() == 4


def test_deleting_the_open_conversation_deselects_it(
    sidebar: Sidebar, chats: dict[str, str], qtbot: QtBot
) -> None:
    sidebar.select_conversation(chats["Lyon"])
    sidebar.delete_conversation(chats["Lyon"])
    assert sidebar.open_conversation_id is None
    assert sidebar.list_view.selectionModel().selectedIndexes() == []


def test_a_deleted_conversation_stays_restorable_after_restart(
    qtbot: QtBot, store: ConversationStore, chats: dict[str, str]
) -> None:
    widget = Sidebar(store, now=fixed_now, zone=ZONE, show_error=lambda _: None)
    qtbot.addWidget(widget)
    widget.delete_conversation(chats["Soup"])
    widget.shutdown()
    widget.deleteLater()
    # A new session (the app was closed): the trash still has it.
    [trashed] = store.trashed_conversations()
    assert trashed.id == chats["Soup"]
    store.restore_conversation(chats["Soup"])
    other = Sidebar(store, now=fixed_now, zone=ZONE)
    qtbot.addWidget(other)
    try:
        assert other.model.row_of(chats["Soup"]) is not None
    finally:
        other.shutdown()


def test_the_notice_hides_itself(
    qtbot: QtBot, store: ConversationStore, chats: dict[str, str]
) -> None:
    widget = Sidebar(store, now=fixed_now, zone=ZONE, toast_timeout_ms=50)
    qtbot.addWidget(widget)
    widget.show()
    try:
        widget.delete_conversation(chats["Soup"])
        assert widget.toast is not None
        qtbot.waitUntil(lambda: widget.toast is None, timeout=2000)
        # Ctrl+Z still works after the notice is gone.
        assert widget.undo_delete() == chats["Soup"]
    finally:
        widget.shutdown()


def test_duplicate_adds_a_copy_at_the_top(
    sidebar: Sidebar, store: ConversationStore, chats: dict[str, str]
) -> None:
    _action(sidebar.build_context_menu(chats["Old"]), "Duplicate").trigger()
    assert store.count_conversations() == 5
    [copy] = [c for c in store.list_conversations() if c.id not in chats.values()]
    assert copy.title == "Old question (copy)"
    row = sidebar.model.row_of(copy.id)
    assert row is not None
    assert sidebar.model.data(sidebar.model.index(row, 0), ConversationRole.GROUP) == "Today"
    assert sidebar.list_view.current_conversation_id() == copy.id
    assert sidebar.open_conversation_id == copy.id  # opened, not only focused
    assert store.messages(copy.id) == []  # the original had none either


def test_conversation_changed_moves_an_updated_row_to_today(
    sidebar: Sidebar, store: ConversationStore, chats: dict[str, str]
) -> None:
    sidebar.select_conversation(chats["Old"])
    store.add_message(chats["Old"], role=Role.USER, content="hello", parent_id=None, created_at=NOW)
    sidebar.conversation_changed(chats["Old"])
    assert _titles(sidebar)[:2] == ["# Today", "Old question"]
    [selected] = sidebar.list_view.selectionModel().selectedIndexes()
    assert selected.data(ConversationRole.ID) == chats["Old"]

    sidebar.conversation_removed(chats["Old"])
    assert "Old question" not in _titles(sidebar)


def test_focus_search_puts_the_keyboard_in_the_field(sidebar: Sidebar, qtbot: QtBot) -> None:
    sidebar.search_field.setText("previous")
    sidebar.list_view.setFocus()
    sidebar.focus_search()
    qtbot.waitUntil(sidebar.search_field.hasFocus)
    assert sidebar.search_field.selectedText() == "previous"


def test_store_errors_are_shown_not_raised(
    sidebar: Sidebar, store: ConversationStore, errors: list[str]
) -> None:
    sidebar.delete_conversation("no-such-id")
    sidebar.toggle_pin("no-such-id")
    assert sidebar.duplicate_conversation("no-such-id") is None
    assert len(errors) == 3
    assert all("no-such-id" in error for error in errors)


def test_rows_look_right_in_light_and_dark_palettes(
    sidebar: Sidebar, chats: dict[str, str], qtbot: QtBot
) -> None:
    view = sidebar.list_view
    sidebar.select_conversation(chats["Lyon"])
    rect = view.visualRect(sidebar.model.index_of(chats["Lyon"]))
    for base, text in (("#ffffff", "#111111"), ("#1e1e1e", "#eeeeee")):
        palette = QPalette(view.palette())
        palette.setColor(QPalette.ColorRole.Base, QColor(base))
        palette.setColor(QPalette.ColorRole.Text, QColor(text))
        palette.setColor(QPalette.ColorRole.Highlight, QColor("#3b82f6"))
        view.setPalette(palette)
        image = view.viewport().grab(rect).toImage()
        colours = {
            image.pixelColor(x, y).name()
            for x in range(image.width())
            for y in range(image.height())
        }
        lightness = [QColor(c).lightnessF() for c in colours]
        # Text contrasts with the selected row in both palettes.
        assert max(lightness) - min(lightness) > 0.5
        selected_fill = image.pixelColor(6, rect.height() // 2)
        assert selected_fill != QColor(base)  # the selection is visible
        assert selected_fill.blueF() > selected_fill.redF()  # tinted by the highlight


# PySide6 6.12.0 on CPython 3.11 drops a reference to None on every call of a C++
# function that returns nothing (setEnabled, processEvents, QPainter.save...) and every
# invalid QVariant it hands to Python; after some tens of thousands the interpreter
# aborts ("Fatal Python error: none_dealloc"). 6.11.3 does not; CPython 3.12+ makes
# None immortal, which hides it.
_NONE_LEAK = PySide6.__version_info__[:3] == (6, 12, 0) and sys.version_info < (3, 12)


@pytest.mark.xfail(
    _NONE_LEAK,
    reason="PySide6 6.12.0 on CPython 3.11 drops references to None",
    strict=True,
)
def test_moving_and_painting_do_not_drop_references_to_none(
    sidebar: Sidebar, chats: dict[str, str], qtbot: QtBot
) -> None:
    view = sidebar.list_view
    view.setFocus()
    view.setCurrentIndex(sidebar.model.index(0, 0))  # a heading: no conversation id
    before = sys.getrefcount(None)
    for _ in range(100):
        view.current_conversation_id()
        qtbot.keyClick(view, Qt.Key.Key_Home)
        qtbot.keyClick(view, Qt.Key.Key_End)
        view.setCurrentIndex(QModelIndex())
        view.current_conversation_id()
    view.viewport().grab()
    assert sys.getrefcount(None) - before > -50


def test_down_from_the_empty_search_field_enters_the_list(
    sidebar: Sidebar, chats: dict[str, str], qtbot: QtBot
) -> None:
    sidebar.focus_search()
    qtbot.waitUntil(sidebar.search_field.hasFocus)
    qtbot.keyClick(sidebar.search_field, Qt.Key.Key_Down)
    qtbot.waitUntil(sidebar.list_view.hasFocus)
    assert sidebar.list_view.current_conversation_id() == chats["Lyon"]


def test_selecting_an_unknown_or_trashed_id_reads_no_more_pages(
    qtbot: QtBot, store: ConversationStore
) -> None:
    ids = [add(store, f"Chat {n}", NOW - timedelta(hours=n)) for n in range(12)]
    store.trash_conversation(ids[-1])
    widget = Sidebar(store, now=fixed_now, zone=ZONE, page_size=5)
    qtbot.addWidget(widget)
    try:
        widget.select_conversation(ids[-1])
        widget.select_conversation("no-such-id")
        assert widget.model.loaded_count() == 5
        assert widget.list_view.selectionModel().selectedIndexes() == []
    finally:
        widget.shutdown()


def test_a_row_is_lit_as_hovered_only_while_the_pointer_is_on_it(
    sidebar: Sidebar, store: ConversationStore, chats: dict[str, str], qtbot: QtBot
) -> None:
    view = sidebar.list_view
    model = sidebar.model

    def lit_rows() -> list[int]:
        image = view.viewport().grab().toImage()
        base = view.palette().color(QPalette.ColorRole.Base)
        return [
            row
            for row in range(model.rowCount())
            if not model.is_header(row)
            and image.pixelColor(8, view.visualRect(model.index(row, 0)).center().y()) != base
        ]

    soup = model.index_of(chats["Soup"])
    qtbot.mouseMove(view.viewport(), view.visualRect(soup).center())
    qtbot.wait(30)
    assert lit_rows() == [soup.row()]  # hovered
    # "Taxes" gets a message and moves above the pointer, which does not move: no row
    # stays lit as if hovered (the moved "Soup" kept the light).
    store.add_message(
        chats["Taxes"], role=Role.USER, content="again", parent_id=None, created_at=NOW
    )
    sidebar.conversation_changed(chats["Taxes"])
    qtbot.wait(30)
    assert lit_rows() == []


def _ring_shown(sidebar: Sidebar, conversation_id: str) -> bool:
    """Whether the row has the focus frame: its left edge differs from the list's
    background beside it."""
    view = sidebar.list_view
    rect = view.visualRect(sidebar.model.index_of(conversation_id))
    image = view.viewport().grab().toImage()
    y = rect.center().y()
    return image.pixelColor(rect.left() + 4, y) != image.pixelColor(rect.left() + 1, y)


def test_a_delete_from_the_menu_leaves_no_frame_on_a_row_not_chosen(
    sidebar: Sidebar, store: ConversationStore, chats: dict[str, str], qtbot: QtBot
) -> None:
    # The open chat deleted from its menu: a new chat showed, and the list's focus frame
    # sat on the next row, never chosen, as if it were open.
    view = sidebar.list_view
    sidebar.select_conversation(chats["Taxes"])
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    menu = sidebar.build_context_menu(chats["Taxes"])
    next(a for a in menu.actions() if a.text() == "Delete").trigger()
    assert store.get_conversation(chats["Taxes"]).deleted_at is not None
    assert view.hasFocus()  # Ctrl+Z undoes it there
    assert view.current_conversation_id() == chats["Old"]
    assert not _ring_shown(sidebar, chats["Old"])
    # A key shows where the keyboard is first; it acts on a row only once it is shown.
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert store.get_conversation(chats["Old"]).deleted_at is None
    assert _ring_shown(sidebar, chats["Old"])
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert store.get_conversation(chats["Old"]).deleted_at is not None


def test_a_delete_by_key_moves_the_frame_to_the_next_row(
    sidebar: Sidebar, store: ConversationStore, chats: dict[str, str], qtbot: QtBot
) -> None:
    # The keyboard's own row: Delete again goes on with the next one.
    sidebar.select_conversation(chats["Taxes"])
    _focus_row(sidebar, chats["Taxes"])
    qtbot.keyClick(sidebar.list_view, Qt.Key.Key_Delete)
    assert sidebar.list_view.current_conversation_id() == chats["Old"]
    assert _ring_shown(sidebar, chats["Old"])


def test_search_and_rename_paste_a_clipboard_holding_only_html(
    sidebar: Sidebar, chats: dict[str, str], qtbot: QtBot
) -> None:
    # A page copied as text/html alone: Ctrl+V in these fields pasted nothing.
    board = QGuiApplication.clipboard()
    page = QMimeData()
    page.setHtml("<h1>Onion</h1><p>soup</p>")
    board.setMimeData(page)
    try:
        sidebar.search_field.setFocus()
        qtbot.keyClick(sidebar.search_field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        assert sidebar.search_field.text() == "Onion soup"
        sidebar.search_field.clear()

        _focus_row(sidebar, chats["Taxes"])
        qtbot.keyClick(sidebar.list_view, Qt.Key.Key_F2)
        editor = _editor(sidebar)
        assert editor is not None
        qtbot.keyClick(editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        assert editor.text() == "Onion soup"  # in place of the selected title
    finally:
        board.clear()


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the conversation list lays its rows out (the views made after)."""
    from PySide6.QtWidgets import QListView

    from app.ui.sidebar.view import ConversationListView

    done: list[int] = []

    def counted(view: QListView) -> None:
        done.append(1)
        QListView.doItemsLayout(view)

    monkeypatch.setattr(ConversationListView, "doItemsLayout", counted, raising=False)
    return done


def test_a_rename_lays_out_no_row_again(
    layouts: list[int],
    sidebar: Sidebar,
    store: ConversationStore,
    chats: dict[str, str],
    qtbot: QtBot,
) -> None:
    # All rows are as high: Qt's list laid every row out again at any change of a row
    # (30 ms with 10,000 rows loaded), in case its size had changed.
    qtbot.wait(20)
    assert layouts  # the count sees the list's layouts
    layouts.clear()
    store.rename(chats["Soup"], "French onion soup")
    sidebar.conversation_changed(chats["Soup"])
    qtbot.waitUntil(lambda: "French onion soup" in _titles(sidebar))
    qtbot.wait(20)
    assert layouts == []


def test_new_activity_in_the_open_chat_repaints_no_row(
    sidebar: Sidebar, store: ConversationStore, chats: dict[str, str], qtbot: QtBot
) -> None:
    from PySide6.QtCore import QEvent, QObject

    lyon = chats["Lyon"]  # the newest: new activity leaves it where it is
    sidebar.select_conversation(lyon)
    viewport = sidebar.list_view.viewport()
    roles: list[list[int]] = []
    sidebar.model.dataChanged.connect(lambda _first, _last, changed: roles.append(list(changed)))

    class Paints(QObject):
        count = 0

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    paints = Paints()
    viewport.installEventFilter(paints)
    qtbot.wait(50)
    paints.count = 0
    store.add_message(lyon, role=Role.USER, content="And the trains?", parent_id=None)
    sidebar.conversation_changed(lyon)  # an answer's end in the open chat does this
    qtbot.wait(50)
    # Said as a new activity time alone, which no row shows: the list lays out and
    # repaints none of its rows (it did all of them).
    assert roles == [[ConversationRole.UPDATED_AT]]
    assert paints.count == 0
    store.rename(lyon, "Trip to Lyon and back")
    sidebar.conversation_changed(lyon)
    qtbot.waitUntil(lambda: paints.count > 0)
    assert roles[-1] == []  # everything its row shows may have changed
    assert _titles(sidebar)[1] == "Trip to Lyon and back"

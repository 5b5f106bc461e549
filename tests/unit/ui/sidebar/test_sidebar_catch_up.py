"""Sidebar.catch_up_in_background: another program's writes (a second connection to the
same file) are found on a worker thread; the GUI thread reads only the rows that changed."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.domain.messages import Role
from app.store import ConversationStore
from app.ui.sidebar import Sidebar
from app.ui.sidebar.model import ConversationRole
from tests.unit.ui.sidebar.helpers import NOW, ZONE, add, fixed_now

_READS = ("list_stamps", "list_conversations", "get_conversation")


@pytest.fixture
def sidebar(qtbot: QtBot, store: ConversationStore) -> Sidebar:
    shown = Sidebar(store, now=fixed_now, zone=ZONE, page_size=50)
    qtbot.addWidget(shown, before_close_func=lambda _: shown.shutdown())
    shown.show()
    return shown


def _count_reads(
    monkeypatch: pytest.MonkeyPatch, store: ConversationStore
) -> list[tuple[str, Any]]:
    """Each read of the window's store (on the GUI thread): its name and first argument."""
    reads: list[tuple[str, Any]] = []

    def counting(name: str, read: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            reads.append((name, args[0] if args else None))
            return read(*args, **kwargs)

        return counted

    for name in _READS:
        monkeypatch.setattr(store, name, counting(name, getattr(store, name)))
    return reads


def _many(store: ConversationStore, sidebar: Sidebar) -> list[str]:
    """300 chats, one every 5 hours back, all read (scrolled to the end)."""
    chats = [add(store, f"chat {n}", NOW - timedelta(hours=5 * n + 1)) for n in range(300)]
    sidebar.model.reload()
    while sidebar.model.canFetchMore():
        sidebar.model.fetchMore()
    assert sidebar.model.loaded_count() == 300
    return chats


def test_an_outside_change_to_one_of_many_moves_its_row_and_a_delete_removes_its_row(
    qtbot: QtBot, store: ConversationStore, other: ConversationStore, sidebar: Sidebar
) -> None:
    chats = _many(store, sidebar)
    model = sidebar.model
    view = sidebar.list_view
    sidebar.select_conversation(chats[150])
    before = model.index_of(chats[200]).data(ConversationRole.UPDATED_AT)
    resets: list[bool] = []
    model.modelAboutToBeReset.connect(lambda: resets.append(True))

    other.rename(chats[200], "renamed there", custom=True)
    other.add_message(chats[200], role=Role.USER, content="back to it", parent_id=None)
    other.trash_conversation(chats[100])
    sidebar.catch_up_in_background()
    qtbot.waitUntil(lambda: not model.index_of(chats[100]).isValid())

    changed = model.index_of(chats[200])
    assert changed.data(ConversationRole.TITLE) == "renamed there"
    assert changed.data(ConversationRole.UPDATED_AT) > before
    assert changed.data(ConversationRole.GROUP) == "Today"  # it was months ago
    assert changed.row() < model.index_of(chats[0]).row()  # the newest now
    assert resets == []  # moved and removed in place
    assert model.loaded_count() == 299
    assert view.selectionModel().isSelected(model.index_of(chats[150]))
    assert view.current_conversation_id() == chats[150]


def test_only_the_rows_changed_outside_are_read_on_the_gui_thread(
    qtbot: QtBot,
    store: ConversationStore,
    other: ConversationStore,
    sidebar: Sidebar,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Comparing every row loaded with the history held the GUI thread for up to 100 ms
    # at each outside write with 10,000 conversations loaded.
    chats = _many(store, sidebar)
    model = sidebar.model
    reads = _count_reads(monkeypatch, store)

    other.rename(chats[250], "renamed there", custom=True)
    other.trash_conversation(chats[20])
    sidebar.catch_up_in_background()
    qtbot.waitUntil(lambda: not model.index_of(chats[20]).isValid())
    qtbot.waitUntil(
        lambda: model.index_of(chats[250]).data(ConversationRole.TITLE) == "renamed there"
    )

    assert sorted(reads) == sorted(
        [("get_conversation", chats[250]), ("get_conversation", chats[20])]
    )


def test_when_the_worker_cannot_read_the_history_the_gui_thread_catches_up(
    qtbot: QtBot, other: ConversationStore, sidebar: Sidebar, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(path: Path) -> sqlite3.Connection:
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(sidebar._outside, "_connect", refuse)
    asked = add(other, "asked there", NOW - timedelta(minutes=1))
    sidebar.catch_up_in_background()
    qtbot.waitUntil(lambda: sidebar.model.index_of(asked).isValid())
    sidebar.shutdown()
    sidebar.shutdown()  # on close, then on quit: the second does nothing

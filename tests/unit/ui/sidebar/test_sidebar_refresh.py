"""ConversationListModel.refresh: another program's writes (a second connection to the
same file) reach the list as single-row changes, and the list ends as a fresh read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pytestqt.qtbot import QtBot

from app.domain.messages import Role
from app.store import ConversationStore
from app.ui.sidebar.model import REFRESH_LIMIT, ConversationListModel, ConversationRole
from tests.unit.ui.sidebar.helpers import NOW, ZONE, add, fixed_now

_ROLES = (ConversationRole.ID, ConversationRole.TITLE, ConversationRole.GROUP)


def _model(store: ConversationStore, **options: Any) -> ConversationListModel:
    return ConversationListModel(store, now=fixed_now, zone=ZONE, **options)


def _rows(model: ConversationListModel) -> list[tuple[Any, ...]]:
    return [
        tuple(model.index(row, 0).data(role) for role in _ROLES) for row in range(model.rowCount())
    ]


def _as_read_afresh(model: ConversationListModel, store: ConversationStore) -> None:
    fresh = _model(store, page_size=model._page_size, quick_preview=model._quick_preview)
    while fresh.loaded_count() < model.loaded_count() and fresh.canFetchMore():
        fresh.fetchMore()
    assert _rows(model) == _rows(fresh)[: model.rowCount()]


def _resets(model: ConversationListModel) -> list[bool]:
    resets: list[bool] = []
    model.modelAboutToBeReset.connect(lambda: resets.append(True))
    return resets


def test_outside_writes_arrive_row_by_row(
    qtbot: QtBot, store: ConversationStore, other: ConversationStore
) -> None:
    chats = [add(store, f"chat {n}", NOW - timedelta(hours=5 * n + 1)) for n in range(30)]
    quick = [
        add(store, f"quick {n}", NOW - timedelta(minutes=n + 1), kind="quick") for n in range(4)
    ]
    model = _model(store, page_size=10, quick_preview=2)
    model.fetchMore()  # 20 chats read, 10 not yet
    resets = _resets(model)
    changes: list[str] = []
    model.rowsInserted.connect(lambda *_: changes.append("inserted"))
    model.rowsRemoved.connect(lambda *_: changes.append("removed"))

    other.rename(chats[3], "renamed elsewhere", custom=True)
    other.trash_conversation(chats[4])
    other.add_message(chats[15], role=Role.USER, content="again", parent_id=None)
    other.set_pinned(chats[6], True)
    other.set_pinned(quick[0], True)
    other.create_conversation(title="asked", model="m", kind="quick", created_at=NOW)
    beyond = add(other, "older than all read", NOW - timedelta(days=400))
    model.refresh()

    assert resets == []
    assert changes  # rows came and went, one by one
    assert model.index_of(chats[3]).data(ConversationRole.TITLE) == "renamed elsewhere"
    assert not model.index_of(chats[4]).isValid()
    assert model.index_of(chats[15]).data(ConversationRole.GROUP) == "Today"
    assert model.index_of(chats[6]).data(ConversationRole.GROUP) == "Pinned"
    assert not model.index_of(beyond).isValid()
    _as_read_afresh(model, store)


def test_rows_gone_from_the_file_or_out_of_reach_leave(
    qtbot: QtBot, store: ConversationStore, other: ConversationStore
) -> None:
    pinned = add(store, "pinned", NOW - timedelta(days=200), pinned=True)
    chats = [add(store, f"chat {n}", NOW - timedelta(hours=5 * n + 1)) for n in range(15)]
    model = _model(store, page_size=10)
    resets = _resets(model)
    other.trash_conversation(chats[2])
    other.purge_trash(older_than=timedelta(days=-1))  # gone for good
    other.set_pinned(pinned, False)  # unpinned: older than every chat read
    model.refresh()
    assert resets == []
    assert not model.index_of(chats[2]).isValid()
    assert not model.index_of(pinned).isValid()
    _as_read_afresh(model, store)
    model.refresh()  # nothing changed since: nothing moves
    assert resets == []


def test_many_outside_changes_are_read_whole(
    qtbot: QtBot, store: ConversationStore, other: ConversationStore
) -> None:
    add(store, "mine", NOW - timedelta(hours=1))
    model = _model(store)
    resets = _resets(model)
    for number in range(REFRESH_LIMIT + 1):  # an import
        add(other, f"imported {number}", NOW - timedelta(minutes=number + 1))
    model.refresh()
    assert resets == [True]
    _as_read_afresh(model, store)

"""Rows coming, going or moving above those in sight leave the sidebar's list where the
person is reading it (a chat added by `maestrale ask` slid every row down by one);
at the very top of the list, a new row shows there."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from pytestqt.qtbot import QtBot

from app.domain.messages import Role
from app.store import ConversationStore
from app.ui.sidebar import Sidebar
from tests.unit.ui.sidebar.helpers import NOW, OFFSCREEN_NOISE, add, shown_sidebar

pytestmark = pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE)


@pytest.fixture
def ids(store: ConversationStore) -> list[str]:
    """300 chats, a few a day over three months: a long history, newest first."""
    return [add(store, f"chat {n}", NOW - timedelta(hours=7 * n + 1)) for n in range(300)]


@pytest.fixture
def sidebar(qtbot: QtBot, store: ConversationStore, ids: list[str]) -> Iterator[Sidebar]:
    widget = shown_sidebar(qtbot, store)
    yield widget
    widget.shutdown()


def _scroll_to_middle(sidebar: Sidebar, ids: list[str]) -> None:
    """Scrolled to "chat 100", a few pixels of it above the view's top."""
    view = sidebar.list_view
    top = view.visualRect(sidebar.model.index_of(ids[100])).top()
    view.verticalScrollBar().setValue(view.verticalScrollBar().value() + top + 5)


def _first_in_sight(sidebar: Sidebar) -> tuple[str, int]:
    view = sidebar.list_view
    bar = view.verticalScrollBar()
    assert bar.minimum() < bar.value() < bar.maximum()  # really in the middle
    index = view.indexAt(view.viewport().rect().topLeft())
    conversation = sidebar.model.conversation_at(index.row())
    assert conversation is not None
    return conversation.id, view.visualRect(index).top()


def test_a_chat_added_elsewhere_leaves_the_rows_in_sight_in_place(
    sidebar: Sidebar, ids: list[str], other: ConversationStore
) -> None:
    _scroll_to_middle(sidebar, ids)
    sidebar.select_conversation(ids[102], scroll=False)
    before = _first_in_sight(sidebar)
    assert before == (ids[100], -5)
    other.create_conversation(title="asked", model="m", created_at=NOW)  # under Today
    sidebar.reload()  # the window's catch-up with outside changes
    assert sidebar.model.row_of(ids[0]) == 2
    assert _first_in_sight(sidebar) == before
    assert sidebar.list_view.selectionModel().isSelected(sidebar.model.index_of(ids[102]))


def test_a_chat_above_moving_to_the_top_or_leaving_moves_nothing_in_sight(
    sidebar: Sidebar, ids: list[str], other: ConversationStore
) -> None:
    _scroll_to_middle(sidebar, ids)
    before = _first_in_sight(sidebar)
    other.add_message(ids[40], role=Role.USER, content="again", parent_id=None, created_at=NOW)
    sidebar.reload()  # "chat 40" goes to the top of Today
    assert sidebar.model.row_of(ids[40]) == 1
    assert _first_in_sight(sidebar) == before
    other.trash_conversation(ids[50])
    other.trash_conversation(ids[0])  # "Today" loses a row too
    sidebar.reload()
    assert sidebar.model.row_of(ids[50]) is None
    assert _first_in_sight(sidebar) == before
    # The first row in sight itself goes to the top: the next one keeps its place.
    view = sidebar.list_view
    first = sidebar.model.index_of(before[0])
    next_id = sidebar.model.conversation_beside(before[0], 1)
    assert next_id is not None
    next_top = view.visualRect(sidebar.model.index_of(next_id)).top()
    assert view.visualRect(first).top() == -5
    assert next_top > 0
    other.add_message(before[0], role=Role.USER, content="again", parent_id=None, created_at=NOW)
    sidebar.reload()
    assert view.visualRect(sidebar.model.index_of(next_id)).top() == next_top


def test_at_the_top_rows_added_elsewhere_show(
    sidebar: Sidebar, ids: list[str], other: ConversationStore
) -> None:
    view = sidebar.list_view
    assert view.verticalScrollBar().value() == 0
    asked = other.create_conversation(title="asked", model="m", created_at=NOW)
    other.set_pinned(ids[60], True)  # "Pinned" comes above "Today", at the very top
    sidebar.reload()
    assert view.verticalScrollBar().value() == 0
    assert sidebar.model.row_of(ids[60]) == 1
    assert view.indexAt(view.viewport().rect().topLeft()).row() == 0  # "Pinned"
    assert view.visualRect(sidebar.model.index_of(asked.id)).top() > 0

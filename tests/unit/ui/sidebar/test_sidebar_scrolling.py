"""Where the sidebar's list scrolls to follow a row: no further than needed, its heading
in view, and from the list's top while the row is in the first screen."""

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
def ids(store: ConversationStore) -> dict[str, str]:
    """Two pinned chats, then 40 of today and 40 of yesterday: longer than the view."""
    made = {f"pinned {n}": add(store, f"pinned {n}", NOW, pinned=True) for n in range(2)}
    for number in range(40):
        made[f"today {number}"] = add(store, f"today {number}", NOW - timedelta(minutes=number))
        made[f"old {number}"] = add(store, f"old {number}", NOW - timedelta(days=1, minutes=number))
    return made


@pytest.fixture
def sidebar(qtbot: QtBot, store: ConversationStore, ids: dict[str, str]) -> Iterator[Sidebar]:
    widget = shown_sidebar(qtbot, store)
    yield widget
    widget.shutdown()


def _row_height(sidebar: Sidebar) -> int:
    return sidebar.list_view.visualRect(sidebar.model.index(0, 0)).height()


def test_a_chat_that_becomes_the_newest_keeps_the_list_at_its_top(
    sidebar: Sidebar, store: ConversationStore, ids: dict[str, str]
) -> None:
    bar = sidebar.list_view.verticalScrollBar()
    bar.setValue(_row_height(sidebar) * 6)  # scrolled a little: "today 0" is above
    target = ids["today 5"]
    sidebar.select_conversation(target)
    store.add_message(target, role=Role.USER, content="more", parent_id=None, created_at=NOW)
    sidebar.conversation_changed(target)  # to the top of Today, above the view
    assert bar.value() == 0  # Pinned and the Today heading in view, not scrolled past


def test_a_row_far_above_comes_with_its_heading(sidebar: Sidebar, ids: dict[str, str]) -> None:
    view = sidebar.list_view
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum())
    sidebar.select_conversation(ids["old 1"])
    heading = view.visualRect(sidebar.model.index(sidebar.model.row_of(ids["old 0"]) - 1, 0))
    assert heading.top() == 0  # "Yesterday" is the first row shown
    assert view.visualRect(view.currentIndex()).bottom() <= view.viewport().rect().bottom()


def test_a_row_in_view_or_below_scrolls_no_more_than_needed(
    sidebar: Sidebar, ids: dict[str, str]
) -> None:
    view, model = sidebar.list_view, sidebar.model
    bar = view.verticalScrollBar()
    height = _row_height(sidebar)
    yesterday = model.row_of(ids["old 0"]) - 1
    bar.setValue((yesterday - 2) * height)  # "Yesterday" is the third row shown
    sidebar.select_conversation(ids["old 3"])  # shown with its heading: nothing moves
    assert bar.value() == (yesterday - 2) * height
    sidebar.select_conversation(ids["old 1"], scroll=False)
    assert view.currentIndex() == model.index_of(ids["old 1"])
    sidebar.select_conversation(ids["old 30"])  # below: it becomes the last row shown
    rect = view.visualRect(view.currentIndex())
    assert rect.bottom() <= view.viewport().rect().bottom() < rect.bottom() + rect.height()


def test_a_row_in_view_under_a_heading_scrolled_away_brings_the_heading(
    sidebar: Sidebar, ids: dict[str, str]
) -> None:
    view, model = sidebar.list_view, sidebar.model
    bar = view.verticalScrollBar()
    yesterday = model.row_of(ids["old 0"]) - 1
    bar.setValue((yesterday + 2) * _row_height(sidebar))  # the heading just above
    sidebar.select_conversation(ids["old 4"])
    assert view.visualRect(model.index(yesterday, 0)).top() == 0

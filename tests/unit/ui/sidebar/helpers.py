"""Shared values for the sidebar tests: a fixed clock and time zone, and a quick way to
add a conversation last active at a given time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from pytestqt.qtbot import QtBot

from app.store import ConversationStore
from app.ui.sidebar import Sidebar

# What the offscreen platform warns about when windows and menus are shown.
OFFSCREEN_NOISE = (
    "This plugin does not support propagateSizeHints",
    "This plugin does not support raise",
    "This plugin does not support grabbing the keyboard",
)

ZONE = timezone(timedelta(hours=1), "CET")
NOW = datetime(2026, 11, 29, 15, 0, tzinfo=ZONE)


def fixed_now() -> datetime:
    return NOW


def add(
    store: ConversationStore,
    title: str,
    when: datetime,
    *,
    pinned: bool = False,
    kind: str = "chat",
) -> str:
    """A conversation last active at ``when``; its id."""
    conversation = store.create_conversation(title=title, model="m", created_at=when, kind=kind)
    if pinned:
        store.set_pinned(conversation.id, True)
    return conversation.id


def shown_sidebar(qtbot: QtBot, store: ConversationStore) -> Sidebar:
    """The sidebar on ``store``, 500 pixels high, shown, its list taller than that (the
    caller calls ``shutdown``)."""
    widget = Sidebar(store, now=fixed_now, zone=ZONE, show_error=pytest.fail)
    qtbot.addWidget(widget)
    widget.resize(320, 500)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: widget.list_view.verticalScrollBar().maximum() > 0)
    return widget

"""ConversationListModel: headings in local time, paging, and single-row changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.domain.messages import Role
from app.store import ConversationStore
from app.ui.sidebar.delegate import muted
from app.ui.sidebar.grouping import group_of
from app.ui.sidebar.model import ConversationListModel, ConversationRole
from app.ui.theme import apply_theme
from tests.helpers.colors import contrast
from tests.unit.store.synthetic import fill
from tests.unit.ui.sidebar.helpers import NOW, ZONE, add, fixed_now


def _model(store: ConversationStore, **options: Any) -> ConversationListModel:
    return ConversationListModel(store, now=fixed_now, zone=ZONE, **options)


def _labels(model: ConversationListModel) -> list[str]:
    """Each row as shown: headings as "# Label", conversations by title."""
    labels = []
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        text = model.data(index, Qt.ItemDataRole.DisplayRole)
        labels.append(f"# {text}" if model.data(index, ConversationRole.IS_HEADER) else text)
    return labels


@pytest.fixture
def grouped(store: ConversationStore) -> dict[str, str]:
    """One conversation in each heading, created in shuffled order."""
    local = NOW.replace(hour=0, minute=0)  # local midnight today
    when = {
        "older year": datetime(2025, 11, 20, 12, 0, tzinfo=ZONE),
        "today late": NOW - timedelta(minutes=5),
        "pinned old": datetime(2024, 1, 1, tzinfo=ZONE),
        "yesterday": local - timedelta(minutes=1),  # 23:59 yesterday
        "today early": local + timedelta(minutes=1),  # 00:01 today
        "six days": NOW - timedelta(days=6),
        "thirty days": NOW - timedelta(days=30),
        "october": datetime(2026, 10, 15, 9, 0, tzinfo=ZONE),
        "october 1st": datetime(2026, 10, 1, 0, 30, tzinfo=ZONE),
        "pinned new": NOW - timedelta(days=3),
    }
    return {
        title: add(store, title, moment, pinned=title.startswith("pinned"))
        for title, moment in when.items()
    }


def test_rows_are_grouped_newest_first_in_local_time(
    store: ConversationStore, grouped: dict[str, str]
) -> None:
    model = _model(store)
    assert _labels(model) == [
        "# Pinned",
        "pinned new",
        "pinned old",
        "# Today",
        "today late",
        "today early",
        "# Yesterday",
        "yesterday",
        "# Previous 7 days",
        "six days",
        "# Previous 30 days",
        "thirty days",
        "# October 2026",
        "october",
        "october 1st",
        "# November 2025",
        "older year",
    ]
    first = model.index(1, 0)
    assert model.data(first, ConversationRole.ID) == grouped["pinned new"]
    assert model.data(first, ConversationRole.PINNED) is True
    assert model.data(first, ConversationRole.GROUP) == "Pinned"
    assert model.data(first, ConversationRole.UPDATED_AT) == NOW - timedelta(days=3)
    assert model.data(model.index(3, 0), ConversationRole.ID) is None


def test_the_day_boundary_is_local_midnight_not_utc() -> None:
    plus_ten = timezone(timedelta(hours=10))
    today = date(2026, 11, 29)
    # 20:00 UTC on the 28th is already 06:00 on the 29th in UTC+10.
    moment = datetime(2026, 11, 28, 20, 0, tzinfo=UTC)
    assert group_of(moment, pinned=False, today=today, zone=plus_ten).label == "Today"
    assert group_of(moment, pinned=False, today=today, zone=ZONE).label == "Yesterday"
    assert group_of(moment, pinned=True, today=today, zone=ZONE).label == "Pinned"
    future = datetime(2026, 12, 2, tzinfo=ZONE)  # another machine's clock
    assert group_of(future, pinned=False, today=today, zone=ZONE).label == "Today"
    eight = datetime(2026, 11, 21, 12, tzinfo=ZONE)
    assert group_of(eight, pinned=False, today=today, zone=ZONE).label == "Previous 30 days"
    old = datetime(2019, 2, 3, tzinfo=ZONE)
    assert group_of(old, pinned=False, today=today, zone=ZONE).label == "February 2019"


def test_headings_are_not_selectable_and_conversations_are_editable(
    store: ConversationStore, grouped: dict[str, str]
) -> None:
    model = _model(store)
    header, conversation = model.index(0, 0), model.index(1, 0)
    assert not model.flags(header) & Qt.ItemFlag.ItemIsSelectable
    assert not model.flags(header) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(conversation) & Qt.ItemFlag.ItemIsSelectable
    assert model.flags(conversation) & Qt.ItemFlag.ItemIsEditable
    assert model.is_header(0)
    assert not model.is_header(1)
    names = model.roleNames()
    assert bytes(names[ConversationRole.ID].data()) == b"id"
    assert bytes(names[ConversationRole.IS_HEADER].data()) == b"is_header"


def test_model_passes_the_qt_model_tester(
    store: ConversationStore, grouped: dict[str, str], qtmodeltester: ModelTester
) -> None:
    model = _model(store, page_size=3)
    qtmodeltester.check(model)
    # Keep checking while rows move, appear and disappear.
    store.add_message(grouped["october"], role=Role.USER, content="again", parent_id=None)
    model.conversation_changed(grouped["october"])
    store.set_pinned(grouped["pinned old"], False)
    model.conversation_changed(grouped["pinned old"])
    store.trash_conversation(grouped["yesterday"])
    model.conversation_removed(grouped["yesterday"])
    model.conversation_changed(add(store, "new", NOW))
    while model.canFetchMore():
        model.fetchMore()
    # Reset only with everything loaded: Qt's tester runs its checks (and a fetchMore
    # that inserts rows) from modelReset before it records that the reset has ended.
    model.reload()
    qtmodeltester.check(model)


def test_only_the_first_page_is_read_until_fetch_more(
    store: ConversationStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(store, 1000, messages_per_conversation=1, newest=NOW, spacing=timedelta(hours=1))
    add(store, "pinned", NOW - timedelta(days=400), pinned=True)
    limits: list[int | None] = []
    original = store.list_conversations

    def spy(**options: Any) -> Any:
        limits.append(options.get("limit"))
        return original(**options)

    monkeypatch.setattr(store, "list_conversations", spy)
    model = _model(store, page_size=200)

    assert model.loaded_count() == 201  # the pinned one and a page
    assert all(limit is None or limit <= 201 for limit in limits)
    assert model.canFetchMore()
    for expected in (401, 601, 801, 1001):
        model.fetchMore()
        assert model.loaded_count() == expected
    assert not model.canFetchMore()
    ids = [model.data(model.index(row, 0), ConversationRole.ID) for row in range(model.rowCount())]
    conversation_ids = [i for i in ids if i is not None]
    assert len(conversation_ids) == len(set(conversation_ids)) == 1001
    times = [
        model.data(model.index(row, 0), ConversationRole.UPDATED_AT)
        for row in range(model.rowCount())
        if not model.is_header(row) and not model.data(model.index(row, 0), ConversationRole.PINNED)
    ]
    assert times == sorted(times, reverse=True)
    # A page boundary never repeats a heading.
    headings = [label for label in _labels(model) if label.startswith("# ")]
    assert len(headings) == len(set(headings))


def test_a_changed_conversation_moves_to_today_without_a_reset(
    store: ConversationStore, grouped: dict[str, str], qtbot: QtBot
) -> None:
    model = _model(store)
    target = grouped["six days"]
    row = model.row_of(target)
    assert row is not None
    followed = QPersistentModelIndex(model.index(row, 0))
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    store.add_message(
        target,
        role=Role.USER,
        content="one more thing",
        parent_id=None,
        created_at=NOW - timedelta(minutes=1),
    )

    with qtbot.wait_signal(model.rowsMoved):
        model.conversation_changed(target)

    assert resets == []
    labels = _labels(model)
    assert labels[3:7] == ["# Today", "six days", "today late", "today early"]
    assert "# Previous 7 days" not in labels  # it was the only one there
    assert followed.isValid()
    assert followed.row() == model.row_of(target) == 4
    assert model.data(model.index(4, 0), ConversationRole.GROUP) == "Today"


def test_rename_and_pin_changes_update_in_place_or_move(
    store: ConversationStore, grouped: dict[str, str]
) -> None:
    model = _model(store)
    target = grouped["october 1st"]
    row = model.row_of(target)
    store.rename(target, "Renamed")
    model.conversation_changed(target)
    assert model.row_of(target) == row
    assert model.data(model.index(row or 0, 0)) == "Renamed"

    store.set_pinned(target, True)
    model.conversation_changed(target)
    assert _labels(model)[:4] == ["# Pinned", "pinned new", "Renamed", "pinned old"]

    store.set_pinned(grouped["pinned new"], False)
    store.set_pinned(grouped["pinned old"], False)
    store.set_pinned(target, False)
    for conversation_id in (grouped["pinned new"], grouped["pinned old"], target):
        model.conversation_changed(conversation_id)
    labels = _labels(model)
    assert "# Pinned" not in labels
    assert labels[labels.index("# Previous 7 days") + 1] == "pinned new"
    assert labels[-7:] == [
        "# October 2026",
        "october",
        "Renamed",
        "# November 2025",
        "older year",
        "# January 2024",
        "pinned old",
    ]


def test_new_and_removed_conversations(store: ConversationStore, grouped: dict[str, str]) -> None:
    model = _model(store)
    new = add(store, "brand new", NOW)
    model.conversation_changed(new)
    assert _labels(model)[3:5] == ["# Today", "brand new"]

    model.conversation_removed(grouped["yesterday"])
    assert "# Yesterday" not in _labels(model)
    assert model.row_of(grouped["yesterday"]) is None

    store.trash_conversation(grouped["six days"])
    model.conversation_changed(grouped["six days"])  # in the trash: removed
    assert model.row_of(grouped["six days"]) is None

    store.delete_conversation(grouped["october"])
    model.conversation_changed(grouped["october"])  # gone: removed
    assert "october" not in _labels(model)

    model.conversation_removed("not-there")  # nothing happens
    assert model.row_of(new) == 4


def test_an_old_conversation_beyond_the_loaded_pages_waits_for_fetch_more(
    store: ConversationStore,
) -> None:
    fill(store, 30, messages_per_conversation=1, newest=NOW, spacing=timedelta(hours=1))
    model = _model(store, page_size=10)
    outsider = add(store, "imported old", NOW - timedelta(days=900))
    model.conversation_changed(outsider)
    assert model.row_of(outsider) is None
    assert model.loaded_count() == 10
    while model.canFetchMore():
        model.fetchMore()
    assert model.row_of(outsider) is not None
    assert model.loaded_count() == 31


def test_conversation_beside_walks_the_list_as_shown_and_stops_at_its_ends(
    store: ConversationStore, grouped: dict[str, str]
) -> None:
    """Ctrl+Tab's order: pinned, then by day, "Quick" after Today; headings and "Show
    more quick prompts…" passed over; chats past those read are read on the way."""
    for number in range(3):
        add(store, f"quick {number}", NOW - timedelta(minutes=10 + number), kind="quick")
    model = _model(store, page_size=3, quick_preview=2)
    assert "Show more quick prompts…" in _labels(model)
    assert model.canFetchMore()
    titles = {conversation_id: title for title, conversation_id in grouped.items()}

    def walk(start: str | None, step: int) -> list[str]:
        seen = []
        while (start := model.conversation_beside(start, step)) is not None:
            seen.append(titles.get(start) or store.get_conversation(start).title)
        return seen

    down = walk(None, 1)  # from a new chat: the first, and on to the last
    assert down == [
        "pinned new",
        "pinned old",
        "today late",
        "today early",
        "quick 0",
        "quick 1",  # "quick 2" waits behind "Show more…", as it shows
        "yesterday",
        "six days",
        "thirty days",
        "october",
        "october 1st",
        "older year",
    ]
    assert not model.canFetchMore()  # every page of chats was read on the way
    assert walk(grouped["older year"], -1) == down[-2::-1]
    assert model.conversation_beside(grouped["older year"], 1) is None  # no wrapping
    assert model.conversation_beside(grouped["pinned new"], -1) is None
    assert model.conversation_beside(None, -1) is None  # nothing above a new chat
    assert model.conversation_beside("not listed", 1) == grouped["pinned new"]


def test_rename_through_set_data_persists_and_refuses_empty_titles(
    store: ConversationStore, grouped: dict[str, str]
) -> None:
    model = _model(store)
    row = model.row_of(grouped["yesterday"])
    assert row is not None
    index = model.index(row, 0)
    assert model.setData(index, "  New   name ", Qt.ItemDataRole.EditRole) is True
    stored = store.get_conversation(grouped["yesterday"])
    assert (stored.title, stored.title_is_custom) == ("New name", True)
    assert model.data(index) == "New name"
    assert model.setData(index, "   ", Qt.ItemDataRole.EditRole) is False
    assert store.get_conversation(grouped["yesterday"]).title == "New name"
    assert model.setData(model.index(0, 0), "header", Qt.ItemDataRole.EditRole) is False


def test_regroups_when_the_day_changes(store: ConversationStore, grouped: dict[str, str]) -> None:
    clock = [NOW]
    model = ConversationListModel(store, now=lambda: clock[0], zone=ZONE)
    assert model.regroup_if_day_changed() is False
    clock[0] = NOW + timedelta(days=1)
    assert model.regroup_if_day_changed() is True
    labels = _labels(model)
    assert labels[labels.index("# Yesterday") + 1 :][:2] == ["today late", "today early"]
    assert "# Today" not in labels


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_secondary_text_in_the_list_is_readable(
    qapp: QApplication, tmp_path: Path, theme: str
) -> None:
    # Group headings and snippets were in the placeholder colour: 2.7:1 on white.
    sheet, palette = qapp.styleSheet(), QPalette(qapp.palette())
    apply_theme(qapp, theme, 0, assets_dir=tmp_path / "theme")
    try:
        shown = qapp.palette()
        text, background = muted(shown), shown.color(QPalette.ColorRole.Base)
        assert contrast(text, background) >= 4.5  # WCAG AA for small text
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setPalette(palette)

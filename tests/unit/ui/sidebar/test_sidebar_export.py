"""Export from the sidebar: the file dialog is injected, files are written atomically."""

from __future__ import annotations

import errno
import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

from app.domain.messages import Role
from app.store import ConversationStore
from app.ui.sidebar import ExportFormat, Sidebar
from app.ui.sidebar.export import ExportFailed, suggested_file_name, write_atomically
from app.ui.toast import Toast
from tests.unit.ui.sidebar.helpers import NOW, OFFSCREEN_NOISE, ZONE, add, fixed_now

pytestmark = pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE)


class FakeDialog:
    """Answers the save dialog with ``answer`` and remembers what it was asked."""

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.asked: list[tuple[str, str, str]] = []

    def __call__(self, parent: object, caption: str, suggested: str, name_filter: str) -> str:
        self.asked.append((caption, suggested, name_filter))
        return self.answer


@pytest.fixture
def conversation_id(store: ConversationStore) -> str:
    conversation_id = add(store, "Trip to Lyon: 3 days?", NOW - timedelta(hours=1))
    question = store.add_message(
        conversation_id, role=Role.USER, content="Where should I eat?", parent_id=None
    )
    store.add_message(
        conversation_id,
        role=Role.ASSISTANT,
        content="Try a *bouchon* in Vieux Lyon.",
        parent_id=question.id,
    )
    return conversation_id


def _sidebar(
    qtbot: QtBot,
    store: ConversationStore,
    dialog: FakeDialog,
    errors: list[str],
    opened: list[QUrl] | None = None,
    *,
    opens: bool = True,
) -> Sidebar:
    def open_url(url: QUrl) -> bool:
        if opened is not None:
            opened.append(url)
        return opens

    widget = Sidebar(
        store,
        now=fixed_now,
        zone=ZONE,
        save_file_dialog=dialog,
        open_url=open_url,
        show_error=errors.append,
        toast_timeout_ms=50,
    )
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def errors() -> list[str]:
    return []


def test_export_markdown_writes_the_conversation(
    qtbot: QtBot,
    store: ConversationStore,
    conversation_id: str,
    tmp_path: Path,
    errors: list[str],
) -> None:
    target = tmp_path / "out" / "lyon.md"
    target.parent.mkdir()
    dialog = FakeDialog(str(target))
    sidebar = _sidebar(qtbot, store, dialog, errors)
    try:
        assert sidebar.export_conversation(conversation_id, ExportFormat.MARKDOWN) == target
    finally:
        sidebar.shutdown()

    [(caption, suggested, name_filter)] = dialog.asked
    assert caption == "Export as Markdown"
    assert Path(suggested).name == "Trip to Lyon - 3 days.md"
    assert name_filter == "Markdown (*.md)"
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Trip to Lyon: 3 days?")
    assert "Where should I eat?" in text
    assert "Try a *bouchon* in Vieux Lyon." in text
    assert errors == []
    assert sorted(p.name for p in target.parent.iterdir()) == ["lyon.md"]  # no temp files


def test_the_export_notice_names_the_folder_and_opens_it(
    qtbot: QtBot,
    store: ConversationStore,
    conversation_id: str,
    home: Path,
    errors: list[str],
) -> None:
    # It said "Exported … to lyon.md", where to find it left to memory.
    target = home / "Documents" / "lyon.md"
    target.parent.mkdir()
    opened: list[QUrl] = []
    sidebar = _sidebar(qtbot, store, FakeDialog(str(target)), errors, opened)
    try:
        sidebar.export_conversation(conversation_id, ExportFormat.MARKDOWN)
        [toast] = sidebar.findChildren(Toast)
        assert toast.text == f"Exported “Trip to Lyon: 3 days?” to {Path('~/Documents/lyon.md')}"
        assert toast.action_button is not None
        assert toast.action_button.text() == "Show folder"
        toast.action_button.click()
    finally:
        sidebar.shutdown()
    assert opened == [QUrl.fromLocalFile(str(target.parent))]


def test_show_folder_says_where_the_file_is_when_no_file_manager_opens_it(
    qtbot: QtBot,
    store: ConversationStore,
    conversation_id: str,
    home: Path,
    errors: list[str],
) -> None:
    # With no file manager the toast closed and nothing happened (stderr only).
    target = home / "Documents" / "lyon.md"
    target.parent.mkdir()
    opened: list[QUrl] = []
    sidebar = _sidebar(qtbot, store, FakeDialog(str(target)), errors, opened, opens=False)
    try:
        sidebar.export_conversation(conversation_id, ExportFormat.MARKDOWN)
        [toast] = sidebar.findChildren(Toast)
        assert toast.action_button is not None
        toast.action_button.click()
        [notice] = [t for t in sidebar.findChildren(Toast) if t.is_open]
        assert notice.text == (
            f"No file manager opens folders here: the file is in {Path('~/Documents')}."
        )
    finally:
        sidebar.shutdown()
    assert opened == [QUrl.fromLocalFile(str(target.parent))]


def test_export_json_from_the_context_menu_is_a_valid_export(
    qtbot: QtBot,
    store: ConversationStore,
    conversation_id: str,
    tmp_path: Path,
    errors: list[str],
) -> None:
    add(store, "Another chat", NOW)  # not exported
    target = tmp_path / "lyon"  # no extension typed: .json is added
    dialog = FakeDialog(str(target))
    sidebar = _sidebar(qtbot, store, dialog, errors)
    try:
        menu = sidebar.build_context_menu(conversation_id)
        [action] = [a for a in menu.actions() if a.text() == "Export as JSON…"]
        action.trigger()
    finally:
        sidebar.shutdown()

    written = tmp_path / "lyon.json"
    document = json.loads(written.read_text(encoding="utf-8"))
    assert (document["format"], document["version"]) == ("maestrale-export", 1)
    [conversation] = document["conversations"]
    assert conversation["id"] == conversation_id
    assert [m["content"] for m in conversation["messages"]] == [
        "Where should I eat?",
        "Try a *bouchon* in Vieux Lyon.",
    ]
    assert dialog.asked[0][2] == "JSON (*.json)"
    assert errors == []


def test_cancelled_dialog_writes_nothing(
    qtbot: QtBot, store: ConversationStore, conversation_id: str, tmp_path: Path, errors: list[str]
) -> None:
    sidebar = _sidebar(qtbot, store, FakeDialog(""), errors)
    try:
        assert sidebar.export_conversation(conversation_id, ExportFormat.JSON) is None
    finally:
        sidebar.shutdown()
    assert errors == []


def test_export_failure_names_the_file(
    qtbot: QtBot, store: ConversationStore, conversation_id: str, tmp_path: Path, errors: list[str]
) -> None:
    target = tmp_path / "missing-folder" / "lyon.md"
    sidebar = _sidebar(qtbot, store, FakeDialog(str(target)), errors)
    try:
        assert sidebar.export_conversation(conversation_id, ExportFormat.MARKDOWN) is None
    finally:
        sidebar.shutdown()
    [error] = errors
    assert str(target) in error
    assert "No such file or directory" in error
    assert not target.parent.exists()


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "export.md"
    target.write_text("previous export", encoding="utf-8")

    def disk_full(source: object, destination: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(ExportFailed) as caught:
        write_atomically(target, "new text")
    assert caught.value.path == target
    assert str(target) in str(caught.value)
    assert "No space left on device" in str(caught.value)
    assert target.read_text(encoding="utf-8") == "previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["export.md"]


def test_write_atomically_replaces_the_file(tmp_path: Path) -> None:
    target = tmp_path / "export.md"
    target.write_text("old", encoding="utf-8")
    write_atomically(target, "new ✓\n")
    assert target.read_text(encoding="utf-8") == "new ✓\n"
    assert [p.name for p in tmp_path.iterdir()] == ["export.md"]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Trip to Lyon", "Trip to Lyon.md"),
        # "- " for ": " read as a typing slip; and marks that separate nothing went to "-".
        ("Echo: Question", "Echo - Question.md"),
        ("What is a monad? A short answer", "What is a monad A short answer.md"),
        ("TCP/IP | UDP", "TCP-IP - UDP.md"),
        ("Meeting at 12:30", "Meeting at 12-30.md"),
        ('The "best" *pizza*', "The 'best' pizza.md"),
        ('a/b\\c:d*e?f"g<h>i|j', "a-b-c-def'ghi-j.md"),
        (".hidden ", "hidden.md"),
        ("   ", "Conversation.md"),
        ("...", "Conversation.md"),
        ("x" * 200, "x" * 80 + ".md"),
        ("line\nbreak\ttab", "line break tab.md"),
        # A title cut short: no "…" or dangling separator at the end.
        ("<b>Bold</b> & tags: \u2026", "bBold-b & tags.md"),
        ("A long question about \u2026", "A long question about.md"),
    ],
)
def test_suggested_file_names_are_safe(title: str, expected: str) -> None:
    assert suggested_file_name(title, ExportFormat.MARKDOWN) == expected


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder of its own, without user-dirs.dirs: documents are ~/Documents."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path


def test_the_first_export_is_proposed_in_documents_or_else_in_home(
    qtbot: QtBot, store: ConversationStore, conversation_id: str, home: Path, errors: list[str]
) -> None:
    # Without a documents folder the dialog opened in the working folder.
    dialog = FakeDialog("")  # cancelled: the folder stays the proposed one
    sidebar = _sidebar(qtbot, store, dialog, errors)
    try:
        sidebar.export_conversation(conversation_id, ExportFormat.MARKDOWN)
        (home / "Documents").mkdir()
        sidebar.export_conversation(conversation_id, ExportFormat.JSON)
    finally:
        sidebar.shutdown()
    first, second = (Path(suggested).parent for _, suggested, _ in dialog.asked)
    assert first == home
    assert second == home / "Documents"

"""The command line on a history that cannot be written (a backup on a read-only disk):
the commands that read it work, the ones that would write say why they cannot."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import ExitCode, main
from app.domain.messages import Role
from app.store import ConversationStore, export_json
from tests.helpers.read_only import read_only


@pytest.fixture
def backup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A data folder holding a history of one conversation."""
    home = tmp_path / "home"
    for name, sub in (
        ("HOME", ""),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_STATE_HOME", ".state"),
        ("XDG_DATA_HOME", ".local"),
    ):
        monkeypatch.setenv(name, str(home / sub))
    monkeypatch.setenv("MISTRAL_API_KEY", "test-key")
    monkeypatch.setenv("MAESTRALE_BASE_URL", "http://127.0.0.1:9")  # never asked
    folder = tmp_path / "backup"
    with ConversationStore.open(folder / "history.sqlite3") as store:
        conversation = store.create_conversation(title="Kept in the backup", model="m")
        store.add_message(conversation.id, role=Role.USER, content="hello", parent_id=None)
    yield folder
    root = logging.getLogger()  # the command's log file, set up by main()
    for handler in [h for h in root.handlers if getattr(h, "maestrale", False)]:
        root.removeHandler(handler)
        handler.close()


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """An export of another history, of one conversation."""
    with ConversationStore.open(tmp_path / "other" / "history.sqlite3") as other:
        conversation = other.create_conversation(title="From elsewhere", model="m")
        other.add_message(conversation.id, role=Role.USER, content="hi", parent_id=None)
        data = export_json(other, None)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_list_and_export_read_it_with_a_note(
    backup: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Both failed: "Cannot use the history file … (it is read-only)".
    with read_only(backup):
        assert main(["list", "--json", "--data-dir", str(backup)]) == ExitCode.OK
        listed = capsys.readouterr()
        assert main(["export", "--format", "json", "--data-dir", str(backup)]) == ExitCode.OK
        exported = capsys.readouterr()
    assert [c["title"] for c in json.loads(listed.out)] == ["Kept in the backup"]
    assert "cannot be written here (it is read-only)" in listed.err
    assert "nothing in it is changed" in listed.err
    (conversation,) = json.loads(exported.out)["conversations"]
    assert conversation["messages"][0]["content"] == "hello"
    assert sorted(p.name for p in backup.iterdir()) == [
        "history.sqlite3",
        "history.sqlite3-writers",
    ]


@pytest.mark.parametrize(
    "command",
    [["import", "FILE"], ["ask", "Still there?"]],
    ids=["import", "ask"],
)
def test_commands_that_write_say_it_is_read_only_and_what_to_do(
    backup: Path, export: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    argv = [str(export) if part == "FILE" else part for part in command]
    with read_only(backup):
        assert main([*argv, "--data-dir", str(backup)]) == ExitCode.HISTORY
    said = capsys.readouterr().err
    assert said.startswith(
        f"maestrale: Cannot write to the history file {backup / 'history.sqlite3'} "
        "(it is read-only): nothing was changed."
    )
    assert f"Make the folder {backup} and the file writable" in said
    assert "copy the folder somewhere writable and give that with --data-dir" in said
    with ConversationStore.open(backup / "history.sqlite3") as store:
        assert [c.title for c in store.list_conversations()] == ["Kept in the backup"]


def test_a_file_alone_without_write_permission_is_refused_before_any_write(
    backup: Path, export: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Its folder writable: SQLite opened it read-only without a word, and the import
    # failed at its first write.
    with read_only(backup):
        for folder in (backup, backup / "history.sqlite3-writers"):
            folder.chmod(0o755)
        assert main(["import", str(export), "--data-dir", str(backup)]) == ExitCode.HISTORY
    assert "(it is read-only): nothing was changed" in capsys.readouterr().err

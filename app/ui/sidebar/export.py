"""Writing one conversation to a file the user chose, atomically (no Qt here).

The file is written beside its final name and renamed over it: a crash, a full disk or
a failed export never leaves half a file, nor destroys the file it was to replace.
"""

from __future__ import annotations

import json
import os
import re
from enum import StrEnum
from pathlib import Path

from app.store import ConversationStore
from app.store.ids import new_id

# Characters no file name may hold on Windows, macOS or Linux, in three kinds: those
# that separate parts of a title become a dash ("Echo: Question" is "Echo - Question",
# "TCP/IP" is "TCP-IP"), marks that separate nothing go, and double quotes turn single.
_SEPARATORS = re.compile(r"(\s*)[:|/\\]+(\s*)")
_DROPPED = re.compile(r"[<>?*]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
NAME_LIMIT = 80
_TRIMMED = " .-\u2026"  # off both ends of a file name (… is U+2026)


class ExportFormat(StrEnum):
    MARKDOWN = "md"
    JSON = "json"

    @property
    def label(self) -> str:
        return "Markdown" if self is ExportFormat.MARKDOWN else "JSON"

    @property
    def file_filter(self) -> str:
        return f"{self.label} (*.{self.value})"


class ExportFailed(Exception):
    """The export file could not be written; the message names the file."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"Could not write {path}: {reason}.")


def suggested_file_name(title: str, export_format: ExportFormat) -> str:
    """A file name from the title, safe on every system and read as the title is:
    "Trip to Lyon: 3 days?" gives "Trip to Lyon - 3 days.md"."""
    name = _DROPPED.sub("", _CONTROL.sub(" ", title)).replace('"', "'")
    name = _SEPARATORS.sub(lambda m: " - " if m.group(1) or m.group(2) else "-", name)
    # Windows refuses a name ending in a dot or a space; a leading dot hides the file;
    # a title cut short ends in "…", which in a file name only looks broken.
    name = " ".join(name.split()).strip(_TRIMMED)[:NAME_LIMIT].strip(_TRIMMED)
    return f"{name or 'Conversation'}.{export_format.value}"


def with_extension(path: Path, export_format: ExportFormat) -> Path:
    """``path``, with the format's extension added when it has none."""
    return path if path.suffix else path.with_name(f"{path.name}.{export_format.value}")


def export_text(store: ConversationStore, conversation_id: str, export_format: ExportFormat) -> str:
    from app.store.transfer import export_json, export_markdown  # not at start-up

    if export_format is ExportFormat.MARKDOWN:
        return export_markdown(store, [conversation_id])
    document = export_json(store, [conversation_id])
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename.

    Raises:
        ExportFailed: the folder is not writable, the disk is full, and so on.
    """
    temporary = path.with_name(f".{path.name}.{new_id()[:8]}.tmp")
    try:
        # 0o666 and the umask: the permissions any new file of the user gets.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise ExportFailed(path, error.strerror or str(error)) from error


def export_conversation(
    store: ConversationStore, conversation_id: str, path: Path, export_format: ExportFormat
) -> None:
    """Write one conversation to ``path`` as markdown or as a Maestrale JSON export.

    Raises:
        ExportFailed: the file could not be written.
        StoreError: the conversation could not be read.
    """
    write_atomically(path, export_text(store, conversation_id, export_format))

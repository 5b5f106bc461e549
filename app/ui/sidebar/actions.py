"""The sidebar's actions that end in a notice: export to a file (with Show folder) and
delete (with Undo, and Ctrl+Z for this session's deletes).

Part of Sidebar, as a mixin: it works on the sidebar's store, list and notices
(declared below for the type checker; the sidebar defines them).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QWidget

from app.store import ConversationNotFound, ConversationStore, StoreError
from app.ui.sidebar.export import (
    ExportFailed,
    ExportFormat,
    export_conversation,
    suggested_file_name,
    with_extension,
)
from app.ui.sidebar.model import ConversationListModel
from app.ui.sidebar.view import ConversationListView

if TYPE_CHECKING:
    from app.domain.messages import Conversation
    from app.ui.sidebar.held_writes import HeldWrites
    from app.ui.toast import Toast

    _Sidebar = QWidget
else:
    _Sidebar = object

TITLE_IN_TOAST = 40  # characters of a title quoted in a notice

SaveFileDialog = Callable[[QWidget, str, str, str], str]
"""(parent, caption, suggested path, name filter) -> the chosen path, or "" if cancelled."""


def qt_save_file_dialog(parent: QWidget, caption: str, suggested: str, name_filter: str) -> str:
    from PySide6.QtWidgets import QFileDialog  # only when exporting

    path, _ = QFileDialog.getSaveFileName(parent, caption, suggested, name_filter)
    return path


def short_title(title: str) -> str:
    title = " ".join(title.split()) or "Untitled"
    return title if len(title) <= TITLE_IN_TOAST else title[: TITLE_IN_TOAST - 1] + "…"


def _as_read(path: Path) -> str:
    """``path`` as people read it: under the home folder, from "~"."""
    try:
        return str(Path("~") / path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def _documents() -> Path:
    """Where the first export is proposed: the documents folder, or the home folder
    where there is none (the file dialog would otherwise open in the working folder)."""
    from PySide6.QtCore import QStandardPaths

    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(location) if location and Path(location).is_dir() else Path.home()


class ExportAndDelete(_Sidebar):
    # The sidebar's; declared for the type checker.
    _store: ConversationStore
    model: ConversationListModel
    list_view: ConversationListView
    _save_file_dialog: SaveFileDialog
    _open_url: Callable[[QUrl], bool]
    _toast_parent: QWidget | None
    _toast_timeout_ms: int | None
    _toast: Toast | None
    _toast_for: str | None
    _open_id: str | None
    _deleted: list[str]
    _export_dir: Path | None
    _writes: HeldWrites

    if TYPE_CHECKING:
        conversation_deleted = Signal(str)
        conversation_restored = Signal(str)

        def _show_error(self, text: str) -> None: ...

        def _mark_open(self, acted_on: str) -> None: ...

    def export_conversation(self, conversation_id: str, export_format: ExportFormat) -> Path | None:
        """Ask for a file name, then write the conversation there; the path, or None."""
        try:
            conversation = self._store.get_conversation(conversation_id)
        except StoreError as error:
            self._show_error(str(error))
            return None
        suggested = (self._export_dir or _documents()) / suggested_file_name(
            conversation.title, export_format
        )
        chosen = self._save_file_dialog(
            self, f"Export as {export_format.label}", str(suggested), export_format.file_filter
        )
        if not chosen:
            return None
        path = with_extension(Path(chosen), export_format)
        try:
            export_conversation(self._store, conversation_id, path, export_format)
        except ExportFailed as error:
            self._show_error(str(error))
            return None
        except StoreError as error:
            self._show_error(f"Could not export to {path}: {error}")
            return None
        self._export_dir = path.parent
        self._notify(
            f"Exported “{short_title(conversation.title)}” to {_as_read(path)}",
            action_text="Show folder",
            on_action=lambda: self._show_folder(path.parent),
        )
        return path

    def _show_folder(self, folder: Path) -> None:
        # Without a file manager openUrl only prints to stderr: the toast had closed
        # and nothing happened.
        if not self._open_url(QUrl.fromLocalFile(str(folder))):
            self._notify(f"No file manager opens folders here: the file is in {_as_read(folder)}.")

    def delete_conversation(self, conversation_id: str, *, by_key: bool = False) -> None:
        """Move the conversation to the trash; "Undo" (or Ctrl+Z) brings it back.

        The list's keyboard row moves to a neighbour, marked when the delete was the
        list's Delete key (the next Delete goes on there), unmarked otherwise."""
        try:
            title = short_title(self._store.get_conversation(conversation_id).title)
        except StoreError as error:
            self._show_error(str(error))
            return
        self._writes.run(
            f"the delete of “{title}”",
            lambda: self._store.trash_conversation(conversation_id),
            lambda conversation: self._deleted_now(conversation, by_key=by_key),
        )

    def _deleted_now(self, conversation: Conversation, *, by_key: bool) -> None:
        conversation_id = conversation.id
        row = self.model.row_of(conversation_id)
        self.model.conversation_removed(conversation_id)
        self._deleted.append(conversation_id)
        if self._open_id == conversation_id:
            self._open_id = None
        if row is not None:
            self._focus_near(row)
            if not by_key:
                self.list_view.hide_cursor()
        self._notify(
            f"Deleted “{short_title(conversation.title)}”",
            action_text="Undo",
            on_action=lambda: self.undo_delete(conversation_id),
            about=conversation_id,
        )
        self.conversation_deleted.emit(conversation_id)

    def undo_delete(self, conversation_id: str | None = None) -> str | None:
        """Restore ``conversation_id``, or the latest delete not undone yet; its id."""
        if conversation_id is None:
            if not self._deleted:
                return None
            conversation_id = self._deleted.pop()
        elif conversation_id in self._deleted:
            self._deleted.remove(conversation_id)
        else:
            return None  # already restored
        restored: list[str] = []

        def restore() -> None:
            try:
                self._store.restore_conversation(conversation_id)
            except ConversationNotFound:
                raise StoreError(
                    "That conversation can no longer be restored: it was deleted for good."
                ) from None

        self._writes.run(
            "bringing back the deleted chat",
            restore,
            lambda _: restored.append(self._restored_now(conversation_id)),
        )
        return restored[0] if restored else None

    def _restored_now(self, conversation_id: str) -> str:
        self.model.conversation_changed(conversation_id)
        if self._toast_for == conversation_id and self._toast is not None:
            self._toast.dismiss()
        self._mark_open(conversation_id)
        self.conversation_restored.emit(conversation_id)
        return conversation_id

    def _on_undo_shortcut(self) -> None:
        self.undo_delete()

    def forget_deleted(self, conversation_id: str) -> None:
        """The chat was restored or deleted for good elsewhere (Settings → History): Undo
        and Ctrl+Z no longer offer it, and its "Deleted … Undo" notice closes."""
        if conversation_id in self._deleted:
            self._deleted.remove(conversation_id)
        if self._toast_for == conversation_id and self._toast is not None:
            self._toast.dismiss()

    def _focus_near(self, row: int) -> None:
        for candidate in (row, row - 1, row + 1, row - 2):
            if self.model.conversation_at(candidate) is not None:
                index = self.model.index(candidate, 0)
                self.list_view.setCurrentIndex(index)
                self.list_view.show_with_heading(index)
                return

    def _notify(
        self,
        text: str,
        *,
        action_text: str | None = None,
        on_action: Callable[[], object] | None = None,
        about: str | None = None,
    ) -> None:
        from app.ui.toast import Toast

        parent = self._toast_parent or self.window()
        timeout = {} if self._toast_timeout_ms is None else {"timeout_ms": self._toast_timeout_ms}
        self._toast = Toast.show_message(parent, text, action_text, on_action, **timeout)
        self._toast_for = about

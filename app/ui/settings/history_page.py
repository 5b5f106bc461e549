"""The History page: where the history file is, and the chats deleted in the last days
(kept in the trash until purged at a start), to restore or to delete for good now."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QWidget,
)

from app.domain.calendar_names import MONTHS
from app.domain.messages import Conversation, utc_now
from app.store.errors import ConversationNotFound, DatabaseBusy, StoreError
from app.ui.settings.form import Card, Page, StatusLine, button, button_row, confirm, label
from app.ui.sidebar.actions import short_title
from app.ui.sidebar.grouping import local

log = logging.getLogger(__name__)

WAIT_MS = 200  # for a history another program holds: a click never freezes the window
EMPTY_TEXT = "Nothing deleted in the last {days}."  # kept_for: "30 days"
LOCKED_TEXT = (
    "Another program is using the history (an import, a backup), so {what}. Nothing was "
    "changed: try again once that program finishes, or close it."
)


class Trash(Protocol):
    """What the page uses of the history (``ConversationStore``)."""

    @property
    def path(self) -> Path: ...

    def waiting_at_most(self, milliseconds: int) -> AbstractContextManager[None]: ...

    def together(self) -> AbstractContextManager[None]: ...

    def trashed_conversations(self) -> list[Conversation]: ...

    def get_conversation(self, conversation_id: str) -> Conversation: ...

    def restore_conversation(self, conversation_id: str) -> Conversation: ...

    def purge_trashed(self, conversation_ids: Sequence[str]) -> list[str]: ...


class NoHistory:
    """A history with nothing deleted (a dialog built without the app's, in tests)."""

    path = Path("history.sqlite3")

    def waiting_at_most(self, milliseconds: int) -> AbstractContextManager[None]:
        return nullcontext()

    def together(self) -> AbstractContextManager[None]:
        return nullcontext()

    def trashed_conversations(self) -> list[Conversation]:
        return []

    def get_conversation(self, conversation_id: str) -> Conversation:
        raise ConversationNotFound(conversation_id)

    def restore_conversation(self, conversation_id: str) -> Conversation:
        raise StoreError("Nothing to restore.")

    def purge_trashed(self, conversation_ids: Sequence[str]) -> list[str]:
        return []


def day_text(moment: datetime, zone: tzinfo | None = None) -> str:
    """A day as the person reads it, in local time: "March 30, 2026"."""
    day = local(moment, zone).date()
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def deleted_line(deleted_at: datetime, kept: timedelta, zone: tzinfo | None = None) -> str:
    gone = day_text(deleted_at + kept, zone)
    return f"Deleted {day_text(deleted_at, zone)} · removed for good {gone}"


class _TrashList(QListWidget):
    """The deleted chats; Enter restores the selected ones, Delete asks to delete them now.

    Signals:
        restore_pressed(), delete_pressed()
    """

    restore_pressed = Signal()
    delete_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        plain = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        )
        if plain and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.restore_pressed.emit()
            return
        if plain and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_pressed.emit()
            return
        super().keyPressEvent(event)


class HistoryPage(Page):
    """Args:
        trash: the history (the app's store).
        kept_for: how long a deleted chat stays before a start removes it for good.
        zone: the time zone dates are shown in (None: the system's).

    Signals:
        restored(str): a conversation is out of the trash (the sidebar lists it again).
        purged(str): a conversation was deleted for good (the sidebar's Undo forgets it).
    """

    restored = Signal(str)
    purged = Signal(str)

    def __init__(
        self,
        trash: Trash,
        *,
        kept_for: timedelta = timedelta(days=30),
        zone: tzinfo | None = None,
        now: Callable[[], datetime] = utc_now,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "History",
            "Your conversations are kept in one file on this computer.",
            parent,
        )
        self._trash = trash
        self._kept_for = kept_for
        self._zone = zone
        self._now = now
        self._titles: dict[str, str] = {}
        self.confirmation: QMessageBox | None = None  # "Delete … for good?", while asked

        where = Card(spacing=6)
        where.body.addWidget(label("History file", "section"))
        self.path_label = label(str(trash.path))
        self.path_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.path_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.path_label.setAccessibleName("History file")
        self.path_label.setAccessibleDescription(str(trash.path))
        where.body.addWidget(self.path_label)
        self.body.addWidget(where)

        deleted = Card(spacing=8)
        deleted.body.addWidget(label("Recently deleted", "section"))
        days = _days(kept_for)
        deleted.body.addWidget(
            label(
                f"Deleted chats stay here {days}, then are removed for good. Select "
                "some, then Restore (Enter) or Delete now (Delete).",
                "muted",
            )
        )
        self.list = _TrashList()
        self.list.setProperty("role", "list")  # the look of the other pages' lists
        self.list.setAccessibleName("Recently deleted chats")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        deleted.body.addWidget(self.list)
        self.empty = label(EMPTY_TEXT.format(days=days))
        # Focusable: after the last chat is restored or deleted, the keyboard stays here.
        self.empty.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.empty.setAccessibleName(self.empty.text())
        deleted.body.addWidget(self.empty)
        self.status = StatusLine()
        deleted.body.addWidget(self.status)
        self.restore_button = button("Restore", "primary", "regenerate")
        self.restore_button.setAccessibleName("Restore the selected chats")
        self.delete_button = button("Delete now", "danger", "trash")
        self.delete_button.setAccessibleName("Delete the selected chats for good")
        deleted.body.addLayout(button_row(self.delete_button, self.restore_button))
        self.body.addWidget(deleted)

        self.restore_button.clicked.connect(self.restore_selected)
        self.delete_button.clicked.connect(self.ask_delete_selected)
        self.list.restore_pressed.connect(self.restore_selected)
        self.list.delete_pressed.connect(self.ask_delete_selected)
        self.list.itemSelectionChanged.connect(self._sync_buttons)
        self.refresh()

    # Reading

    def refresh(self) -> None:
        """Read the trash again (a chat was deleted or restored elsewhere meanwhile);
        the chats still there stay selected."""
        try:
            with self._trash.waiting_at_most(WAIT_MS):
                trashed = self._trash.trashed_conversations()
        except DatabaseBusy:
            self.status.show_message("warning", LOCKED_TEXT.format(what="this list may be late"))
            return
        except StoreError as error:
            self.status.show_message("error", str(error))
            return
        chosen = set(self.selected_ids())
        self.list.clear()
        self._titles = {}
        for conversation in trashed:
            self._titles[conversation.id] = conversation.title
            self.list.addItem(self._item(conversation))
        self._choose([row for row, cid in enumerate(self.listed_ids()) if cid in chosen])
        self._sync_buttons()

    def _choose(self, rows: list[int]) -> None:
        """Select these rows (the first one current), or the first row when none: the
        keyboard always has one. One selection, so a later setCurrentRow replaces it."""
        if not self.list.count():
            return
        rows = rows or [0]
        selection = QItemSelection()
        for row in rows:
            index = self.list.model().index(row, 0)
            selection.select(index, index)
        flags = QItemSelectionModel.SelectionFlag
        self.list.selectionModel().select(selection, flags.ClearAndSelect)
        # NoUpdate: making it current must not clear the others (a command picked with no
        # key or click is ClearAndSelect).
        self.list.setCurrentRow(rows[0], flags.NoUpdate)

    def trash_changed(self) -> None:
        """A chat was deleted or restored elsewhere (the sidebar): shown, the list follows;
        hidden, it is read again when shown."""
        if self.isVisible():
            self.refresh()

    def _item(self, conversation: Conversation) -> QListWidgetItem:
        deleted_at = conversation.deleted_at or self._now()
        line = deleted_line(deleted_at, self._kept_for, self._zone)
        title = conversation.title or "New chat"
        item = QListWidgetItem(f"{title}\n{line}")
        item.setData(Qt.ItemDataRole.UserRole, conversation.id)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{title}. {line}")
        item.setToolTip(title)
        return item

    def listed_ids(self) -> list[str]:
        return [self._id_at(row) for row in range(self.list.count())]

    def selected_ids(self) -> list[str]:
        """The chosen chats, in the list's order."""
        return [
            self._id_at(row) for row in range(self.list.count()) if self.list.item(row).isSelected()
        ]

    def _id_at(self, row: int) -> str:
        return str(self.list.item(row).data(Qt.ItemDataRole.UserRole))

    def _sync_buttons(self) -> None:
        listed = self.list.count() > 0
        self.list.setVisible(listed)
        self.empty.setVisible(not listed)
        chosen = bool(self.list.selectedItems())
        for item in (self.restore_button, self.delete_button):
            item.setVisible(listed)
            item.setEnabled(chosen)
        if listed:
            self._fit_height()

    def _fit_height(self, most: int = 6) -> None:
        rows = min(self.list.count(), most)
        self.list.setFixedHeight(
            sum(self.list.sizeHintForRow(row) for row in range(rows))
            + 2 * self.list.frameWidth()
            + 4
        )

    # Writing

    def restore_selected(self) -> None:
        """Take the selected chats out of the trash; the sidebar lists them again."""
        chosen = self.selected_ids()
        if not chosen:
            return
        names = [self._name(cid) for cid in chosen]
        try:
            # All of them or none: a lock taken halfway left some restored, some not.
            with self._trash.waiting_at_most(WAIT_MS), self._trash.together():
                for conversation_id in chosen:
                    self._trash.restore_conversation(conversation_id)
        except DatabaseBusy:
            self._told_locked(
                "they are not restored yet" if len(chosen) > 1 else "it is not restored yet"
            )
        except ConversationNotFound:
            self._tell(
                "error",
                "Nothing was restored: another Maestrale deleted one of those chats for good "
                "meanwhile. The list now shows what is left; choose again.",
            )
        except StoreError as error:
            self._tell("error", str(error))
        else:
            self.status.show_message("success", f"Restored {_listing(names)}.")
            for conversation_id in chosen:
                self.restored.emit(conversation_id)
        self._after_write()

    def ask_delete_selected(self) -> None:
        """Ask, naming them, before deleting the selected chats for good."""
        chosen = self.selected_ids()
        if not chosen:
            return
        names = [self._name(cid) for cid in chosen]
        if len(names) == 1:
            question = f"Delete {names[0]} for good?"
            details = "It is removed from the history file with all its messages."
        else:
            question = f"Delete these {len(names)} chats for good?"
            details = (
                f"{_listing(names)} are removed from the history file with all their messages."
            )
        self.confirmation = confirm(
            self,
            question,
            f"{details} This cannot be undone.",
            "Delete now",
            lambda: self.delete_now(chosen),
        )

    def delete_now(self, conversation_ids: Sequence[str]) -> None:
        """Remove these chats (those still in the trash) for good; say which were kept."""
        chosen = list(conversation_ids)
        names = {cid: self._name(cid) for cid in chosen}
        deleted: list[str] | None = None
        try:
            with self._trash.waiting_at_most(WAIT_MS):
                deleted = self._trash.purge_trashed(chosen)
        except DatabaseBusy:
            self._told_locked("nothing was deleted yet")
        except StoreError as error:
            self._tell("error", str(error))
        else:
            self.status.clear()
        self._after_write()  # the list as it now is
        if deleted is not None:
            self._say_deleted(chosen, deleted, names)

    def _say_deleted(self, chosen: list[str], deleted: list[str], names: dict[str, str]) -> None:
        """Tell the sidebar, and say which chats were kept: still being answered (still
        listed), or restored meanwhile by another program."""
        listed = set(self.listed_ids())
        answered = [cid for cid in chosen if cid not in deleted and cid in listed]
        restored = [
            cid
            for cid in chosen
            if cid not in deleted and cid not in listed and self._restored_meanwhile(cid)
        ]
        for conversation_id in chosen:
            if conversation_id in restored:
                self.restored.emit(conversation_id)  # the sidebar lists it again
            elif conversation_id not in answered:
                self.purged.emit(conversation_id)  # gone, here or elsewhere
        gone = [names[cid] for cid in chosen if cid in deleted]
        said = [f"Deleted {_listing(gone)} for good."] if gone else []
        if answered:
            said.append(_answered_text([names[cid] for cid in answered]))
        if restored:
            said.append(_kept_text([names[cid] for cid in restored]))
        if answered or restored:
            self._tell("warning", " ".join(said))
        elif said:
            self.status.show_message("success", said[0])

    def _restored_meanwhile(self, conversation_id: str) -> bool:
        """Out of the trash, not deleted (another program, an import, restored it)."""
        try:
            with self._trash.waiting_at_most(WAIT_MS):
                return self._trash.get_conversation(conversation_id).deleted_at is None
        except ConversationNotFound:
            return False  # deleted for good elsewhere: gone, as asked
        except StoreError:
            return conversation_id not in self.listed_ids()

    def _name(self, conversation_id: str) -> str:
        return f"“{short_title(self._titles.get(conversation_id, '') or 'New chat')}”"

    def _told_locked(self, what: str) -> None:
        log.warning("The history is locked: %s", what)
        self._tell("warning", LOCKED_TEXT.format(what=what))

    def _tell(self, tone: str, text: str) -> None:
        self.status.show_message(tone, text)
        self.reveal(self.status)

    def _after_write(self) -> None:
        """Read the list again; the keyboard stays in it, or on the words saying it is
        empty (a hidden list would drop the focus out of the page)."""
        self.refresh()
        where = self.list if self.list.count() else self.empty
        where.setFocus(Qt.FocusReason.OtherFocusReason)

    # Qt

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not event.spontaneous():
            self.refresh()  # chats deleted since the window was last open

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            QTimer.singleShot(0, self, self._sync_buttons)  # rows grow with the text


NAMED_AT_MOST = 5  # more: "and 12 others", so a box asking about 150 chats fits the screen


def _listing(names: list[str]) -> str:
    """“A”; “A”, “B” and “C”; past five, “A”, “B”, “C”, “D”, “E” and 12 others."""
    if len(names) == 1:
        return names[0]
    if len(names) > NAMED_AT_MOST:
        others = len(names) - NAMED_AT_MOST
        named = ", ".join(names[:NAMED_AT_MOST])
        return f"{named} and {others} other{'s' if others > 1 else ''}"
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _kept_text(names: list[str]) -> str:
    """“A” was restored meanwhile and is kept. / “A” and “B” were … are kept."""
    if len(names) == 1:
        return f"{names[0]} was restored meanwhile and is kept."
    return f"{_listing(names)} were restored meanwhile and are kept."


def _answered_text(names: list[str]) -> str:
    if len(names) == 1:
        return (
            f"{names[0]} is still being answered (in another window or program), so it is "
            "kept for now: delete it again once the answer is done."
        )
    return (
        f"{_listing(names)} are still being answered (in another window or program), so "
        "they are kept for now: delete them again once the answers are done."
    )


def _days(kept: timedelta) -> str:
    """ "30 days", "1 day"."""
    return f"{kept.days} day{'' if kept.days == 1 else 's'}"

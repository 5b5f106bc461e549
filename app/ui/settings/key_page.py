"""The API key page: where the endpoint's key lives, and saving or removing it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QWidget

from app.api.endpoint import MISTRAL_BASE_URL
from app.secrets import (
    KEY_VARIABLE,
    ApiKeys,
    KeychainUnavailable,
    KeySource,
    KeyStatus,
    validate_key,
)
from app.tasks import TaskRunner, in_own_thread
from app.ui.settings.form import Card, Page, SecretField, StatusLine, button, confirm, label
from app.ui.wording import in_window, sentence

# Checks a key with the endpoint, then calls back (key, refusal, doubt): refusal is
# why the endpoint refused it, doubt why it could not be checked (offline...).
KeyCheck = Callable[[str, str, Callable[[str, str | None, str | None], None]], None]
CONSOLE_URL = "https://console.mistral.ai/api-keys"
STORED = "Stored in the system keychain"
FROM_ENVIRONMENT = f"From {KEY_VARIABLE} for this session; not stored"
NO_KEY = "No key"
STATUS_TASK = "settings.key-status"


class KeyPage(Page):
    """The key for the endpoint chosen on the Endpoint page (keys are kept per endpoint).

    Each time the page is shown, where the key comes from is read again (a key may have
    been saved or removed elsewhere meanwhile), off the GUI thread when ``runner`` is
    given: a locked keychain may wait for its password.

    Signals:
        key_changed(): a key was saved or removed (the window reconnects).
    """

    key_changed = Signal()

    def __init__(
        self,
        keys: ApiKeys,
        base_url: str,
        *,
        open_url: Callable[[QUrl], object] = QDesktopServices.openUrl,
        check: KeyCheck | None = None,
        runner: TaskRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "API key",
            "Kept in your system keychain, never in a file, and sent only to its endpoint.",
            parent,
        )
        self._keys = keys
        self._base_url = base_url
        self._open_url = open_url
        self._check = check
        self._runner = runner
        self._checking = False
        self._reads = 0  # a read started earlier must not overwrite a later one
        self.confirmation: QMessageBox | None = None

        status_card = Card(spacing=6)
        self.endpoint_label = label("", "muted")
        self.status = StatusLine()
        self.remove_button = button("Remove key", "danger", "trash")
        row = QHBoxLayout()
        row.setSpacing(12)
        row.addWidget(self.status, 1, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignVCenter)
        status_card.body.addWidget(self.endpoint_label)
        status_card.body.addLayout(row)
        self.body.addWidget(status_card)

        edit_card = Card()
        heading = label("Add or replace the key", "section")
        self.field = SecretField("Paste your API key")
        self.field.setAccessibleName("API key")
        self.save_button = button("Save", "primary")
        self.save_button.setEnabled(False)
        field_row = QHBoxLayout()
        field_row.setSpacing(10)
        field_row.addWidget(self.field, 1)
        field_row.addWidget(self.save_button)
        self.console_link = button("Get a key at console.mistral.ai", "link", "external-link")
        self.console_link.setToolTip(CONSOLE_URL)
        self.feedback = StatusLine()
        edit_card.body.addWidget(heading)
        edit_card.body.addLayout(field_row)
        edit_card.body.addWidget(self.console_link, 0, Qt.AlignmentFlag.AlignLeft)
        edit_card.body.addWidget(self.feedback)
        self.body.addWidget(edit_card)

        self.field.textChanged.connect(self._on_typed)
        self.field.returnPressed.connect(self.on_save_clicked)
        self.save_button.clicked.connect(self.on_save_clicked)
        self.remove_button.clicked.connect(self.on_remove_clicked)
        self.console_link.clicked.connect(lambda: self._open_url(QUrl(CONSOLE_URL)))
        self.set_base_url(base_url)

    @property
    def base_url(self) -> str:
        return self._base_url

    def set_base_url(self, base_url: str) -> None:
        """Follow the endpoint chosen on the Endpoint page."""
        self._base_url = base_url
        self.endpoint_label.setText(f"Key for {base_url}")
        self.console_link.setVisible(base_url == MISTRAL_BASE_URL)
        self.feedback.clear()
        self.refresh()

    def refresh(self) -> None:
        """Re-read where the key comes from (environment, keychain or nowhere)."""
        self._reads += 1
        self._show_status(*_read_status(self._keys, self._base_url))

    def reload(self) -> None:
        """``refresh()``, with the keychain read in a thread of its own."""
        if self._runner is None:
            self.refresh()
            return
        self._reads += 1
        read, keys, base_url = self._reads, self._keys, self._base_url

        async def reread() -> None:
            status, stored = await in_own_thread(
                lambda: _read_status(keys, base_url), name="key-status"
            )
            if read == self._reads:
                self._show_status(status, stored)

        self._runner.start(reread(), name=STATUS_TASK)

    def _show_status(self, status: KeyStatus, stored: bool) -> None:
        if status.source is KeySource.ENVIRONMENT:
            self.status.show_message("info", FROM_ENVIRONMENT + ".")
        elif status.source is KeySource.KEYCHAIN:
            self.status.show_message("success", STORED + ".")
        elif status.backend is None:
            # status() leaves the backend unset only when the keychain itself failed.
            self.status.show_message("warning", status.description)
        else:
            self.status.show_message("info", NO_KEY + ".")
        self.remove_button.setEnabled(stored)
        self.remove_button.setVisible(stored)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._checking:  # what was said then may no longer be true
            self.feedback.clear()
        self.reload()

    def _on_typed(self, text: str) -> None:
        self.save_button.setEnabled(bool(text.strip()))
        self.feedback.clear()

    def on_save_clicked(self) -> None:
        try:
            key = validate_key(self.field.text())
        except ValueError as error:
            self.feedback.show_message("error", str(error))
            return
        status = self._keys.status(self._base_url)
        if status.backend is None and status.source is KeySource.NONE:
            self.feedback.show_message("error", status.description)  # no keychain to save in
            return
        if self._check is None:
            self._store(key, "")
            return
        # Asked first: a key the endpoint refuses must not replace one that works.
        self.save_button.setEnabled(False)
        self.feedback.show_message("info", f"Checking the key with {self._base_url}…")
        self._checking = True
        self._check(self._base_url, key, self._on_checked)

    def _on_checked(self, key: str, refusal: str | None, doubt: str | None) -> None:
        self._checking = False
        self.save_button.setEnabled(bool(self.field.text().strip()))
        if refusal is not None:
            refused = sentence(in_window(refusal, key_field_here=True))
            self.feedback.show_message(
                "error", f"{refused} The key in use is unchanged; check that you copied all of it."
            )
            return
        if doubt:
            said = in_window(doubt, key_field_here=True).rstrip(".")
            self._store(key, f"Saved without a check ({said}). ")
        else:
            self._store(key, "The key works. ")

    def _store(self, key: str, prefix: str) -> None:
        try:
            self._keys.store(self._base_url, key)
        except (ValueError, KeychainUnavailable) as error:
            self.feedback.show_message("error", str(error))
            return
        self.field.clear()
        self.feedback.show_message(
            "warning" if prefix.startswith("Saved without") else "success",
            f"{prefix}Saved: this key is now used for {self._base_url}.",
        )
        self.refresh()
        self.key_changed.emit()

    def on_remove_clicked(self) -> None:
        """Ask first: the keychain may hold the only copy of the key."""
        if self._base_url == MISTRAL_BASE_URL:
            again = "To use Mistral again, create a key at console.mistral.ai and save it here."
        else:
            again = "To use this server again, ask its administrator for a key and save it here."
        self.confirmation = confirm(
            self,
            f"Remove the API key for {self._base_url}?",
            "It will be deleted from the system keychain, and Maestrale keeps no other copy. "
            + again,
            "Remove key",
            self._remove,
        )

    def _remove(self) -> None:
        try:
            removed = self._keys.remove(self._base_url)
        except KeychainUnavailable as error:
            self.feedback.show_message("error", str(error))
            return
        self.feedback.show_message(
            "success" if removed else "info",
            "The key was removed from the keychain." if removed else "There was no stored key.",
        )
        self.refresh()
        if removed:
            self.key_changed.emit()


def _read_status(keys: ApiKeys, base_url: str) -> tuple[KeyStatus, bool]:
    """Where the key comes from, and whether the keychain holds one (Remove is offered).

    Blocks while the keychain does (an unlock prompt)."""
    status = keys.status(base_url)
    if status.source is KeySource.ENVIRONMENT:
        return status, keys.has_stored_key(base_url)
    return status, status.source is KeySource.KEYCHAIN

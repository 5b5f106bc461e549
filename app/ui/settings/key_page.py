"""The API key page: where the endpoint's key lives, and saving or removing it."""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import QMessageBox, QWidget

from app.api.endpoint import MISTRAL_BASE_URL
from app.secrets import (
    KEY_VARIABLE,
    ApiKeys,
    KeychainUnavailable,
    KeySource,
    KeyStatus,
    validate_key,
)
from app.tasks import TaskRunner
from app.ui.keychain import CHECKING, from_keychain
from app.ui.settings.fitting import Beside
from app.ui.settings.form import Card, Page, SecretField, StatusLine, button, confirm, label
from app.ui.wording import in_window, sentence

# Checks a key with the endpoint, then calls back (key, refusal, doubt): refusal is
# why the endpoint refused it, doubt why it could not be checked (offline...).
KeyCheck = Callable[[str, str, Callable[[str, str | None, str | None], None]], None]
CONSOLE_URL = "https://console.mistral.ai/api-keys"
STORED = "Stored in the system keychain"
FROM_ENVIRONMENT = f"From {KEY_VARIABLE} for this session; not stored"
# Remove deletes the keychain's key, which the page must have named.
ALSO_STORED = (
    f"This session uses {KEY_VARIABLE}; a key for this endpoint is also stored in your "
    "system keychain"
)
FOR_SESSION = (
    "Used for this session only; not stored, so Maestrale asks for it again at its next start"
)
REMOVE = "Remove stored key"
NO_KEY = "No key"
READ_TASK = "key-page.read"
SAVE_TASK = "key-page.save"
REMOVE_TASK = "key-page.remove"


class KeyPage(Page):
    """The key for the endpoint chosen on the Endpoint page (keys are kept per endpoint).

    The keychain is asked in a thread of its own: it may wait for the person to answer
    a password prompt, and the page says so and answers meanwhile. Where the key comes
    from is read each time the page is shown (a key may have been saved or removed
    elsewhere meanwhile), not while it is hidden: each call may ask the person for the
    keychain's password, and the endpoint changes as its address is typed.

    Signals:
        key_changed(): a key was saved or removed (the window reconnects).
    """

    key_changed = Signal()

    def __init__(
        self,
        keys: ApiKeys,
        base_url: str,
        runner: TaskRunner,
        *,
        open_url: Callable[[QUrl], object] = QDesktopServices.openUrl,
        check: KeyCheck | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "API key",
            "Kept in your system keychain, never in a file, and sent only to its endpoint.",
            parent,
        )
        self._keys = keys
        self._base_url = base_url
        self._runner = runner
        self._open_url = open_url
        self._check = check
        self.confirmation: QMessageBox | None = None
        self._environment_too = False  # MISTRAL_API_KEY is used, whatever is removed

        status_card = Card(spacing=6)
        self.endpoint_label = label("", "muted")
        self.status = StatusLine()
        self.remove_button = button(REMOVE, "danger", "trash", wraps=True)
        # The button under the state where both do not fit side by side (large text).
        centred = Qt.AlignmentFlag.AlignVCenter
        self.status_row = Beside(
            self.status, self.remove_button, spacing=12, alignments=(centred, centred)
        )
        status_card.body.addWidget(self.endpoint_label)
        status_card.body.addWidget(self.status_row)
        self.body.addWidget(status_card)

        edit_card = Card()
        heading = label("Add or replace the key", "section")
        self.field = SecretField("Paste your API key")
        self.field.setAccessibleName("API key")
        self.save_button = button("Save", "primary")
        self.save_button.setEnabled(False)
        # Save under the field where the field would be too short beside it.
        self.field_row = Beside(self.field, self.save_button, spacing=10, least_characters=16)
        self.console_link = button(
            "Get a key at console.mistral.ai", "link", "external-link", wraps=True
        )
        self.console_link.setToolTip(CONSOLE_URL)
        self.feedback = StatusLine()
        edit_card.body.addWidget(heading)
        edit_card.body.addWidget(self.field_row)
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
        """Re-read where the key comes from (environment, keychain or nowhere); when the
        page is hidden, at its next showing instead (each showing reads it)."""
        if self.isVisible():
            self._start_reading()

    def _start_reading(self) -> None:
        self.status.show_message("info", CHECKING)
        self.remove_button.hide()
        # Started under one name: the runner cancels a read still under way, whose
        # answer may be older than this one's.
        self._runner.start(self._read(self._base_url), name=READ_TASK)

    async def _read(self, base_url: str) -> None:
        def read() -> tuple[KeyStatus, bool]:
            status = self._keys.status(base_url)
            if status.source is KeySource.ENVIRONMENT:
                # Remove is for a key in the keychain: offered only if there is one there.
                return status, self._keys.has_stored_key(base_url)
            return status, status.source is KeySource.KEYCHAIN

        status, stored = await from_keychain(self, read)
        self._environment_too = status.source is KeySource.ENVIRONMENT
        if status.source is KeySource.ENVIRONMENT:
            self.status.show_message("info", (ALSO_STORED if stored else FROM_ENVIRONMENT) + ".")
        elif status.source is KeySource.SESSION:
            self.status.show_message("info", FOR_SESSION + ".")
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
        if not self._saving():  # what was said then may no longer be true
            self.feedback.clear()
        self._start_reading()

    def _on_typed(self, text: str) -> None:
        self.save_button.setEnabled(bool(text.strip()) and not self._saving())
        self.feedback.clear()

    def _saving(self) -> bool:
        return self._runner.running(SAVE_TASK) or self._runner.running("key-page-check")

    def on_save_clicked(self) -> None:
        try:
            key = validate_key(self.field.text())
        except ValueError as error:
            self.feedback.show_message("error", str(error))
            return
        if self._saving():
            return
        self.save_button.setEnabled(False)
        self.feedback.show_message("info", CHECKING)
        self._runner.start(self._save(self._base_url, key), name=SAVE_TASK)

    async def _save(self, base_url: str, key: str) -> None:
        status = await from_keychain(self, lambda: self._keys.status(base_url))
        if status.backend is None and status.source is KeySource.NONE:
            self.feedback.show_message("error", status.description)  # no keychain to save in
            self.save_button.setEnabled(bool(self.field.text().strip()))
            return
        if self._check is None:
            await self._store(base_url, key, "")
            return
        # Asked first: a key the endpoint refuses must not replace one that works.
        self.feedback.show_message("info", f"Checking the key with {base_url}…")
        in_use = status.source is not KeySource.NONE
        self._check(
            base_url,
            key,
            lambda checked, refusal, doubt: self._on_checked(checked, refusal, doubt, in_use),
        )

    def _on_checked(self, key: str, refusal: str | None, doubt: str | None, in_use: bool) -> None:
        if not shiboken6.isValid(self):
            return  # the dialog went while the endpoint was asked
        if refusal is not None:
            self.save_button.setEnabled(bool(self.field.text().strip()))
            refused = sentence(in_window(refusal, key_field_here=True))
            # "The key in use" would contradict the page's "No key." above it.
            kept = "The key in use is unchanged" if in_use else "No key was saved"
            self.feedback.show_message(
                "error", f"{refused} {kept}; check that you copied all of it."
            )
            return
        if doubt:
            said = in_window(doubt, key_field_here=True).rstrip(".")
            prefix = f"Saved without a check ({said}). "
        else:
            prefix = "The key works. "
        self._runner.start(self._store(self._base_url, key, prefix), name=SAVE_TASK)

    async def _store(self, base_url: str, key: str, prefix: str) -> None:
        self.feedback.show_message("info", prefix + "Saving it in the system keychain…")
        try:
            await from_keychain(self, lambda: self._keys.store(base_url, key))
        except (ValueError, KeychainUnavailable) as error:
            self.feedback.show_message("error", str(error))
            self.save_button.setEnabled(bool(self.field.text().strip()))
            return
        self.field.clear()
        self.feedback.show_message(
            "warning" if prefix.startswith("Saved without") else "success",
            f"{prefix}Saved: this key is now used for {base_url}.",
        )
        self.refresh()
        self.key_changed.emit()

    def on_remove_clicked(self) -> None:
        """Ask first: the keychain may hold the only copy of the key."""
        if self._runner.running(REMOVE_TASK):
            return
        base_url = self._base_url
        if base_url == MISTRAL_BASE_URL:
            again = "To use Mistral again, create a key at console.mistral.ai and save it here."
        else:
            again = "To use this server again, ask its administrator for a key and save it here."
        if self._environment_too:
            again = f"This session goes on using the key in {KEY_VARIABLE}."
        self.confirmation = confirm(
            self,
            f"Remove the API key for {base_url}?",
            "It will be deleted from the system keychain, and Maestrale keeps no other copy. "
            + again,
            REMOVE,
            lambda: self._start_removing(base_url),
        )

    def _start_removing(self, base_url: str) -> None:
        if self._runner.running(REMOVE_TASK):
            return
        self.remove_button.setEnabled(False)
        self._runner.start(self._remove(base_url), name=REMOVE_TASK)

    async def _remove(self, base_url: str) -> None:
        try:
            removed = await from_keychain(self, lambda: self._keys.remove(base_url))
        except KeychainUnavailable as error:
            self.remove_button.setEnabled(True)
            self.feedback.show_message("error", str(error))
            return
        self.feedback.show_message(
            "success" if removed else "info",
            "The key was removed from the keychain." if removed else "There was no stored key.",
        )
        self.refresh()
        if removed:
            self.key_changed.emit()

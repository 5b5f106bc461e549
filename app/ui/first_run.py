"""The welcome panel shown instead of the conversation while there is no API key."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import urlsplit

import shiboken6
from PySide6.QtCore import QEvent, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.api.endpoint import MISTRAL_BASE_URL
from app.api.errors import ApiError, AuthenticationError, PermissionDenied
from app.api.types import Dialect
from app.secrets import ApiKeys, KeychainUnavailable, validate_key
from app.tasks import TaskRunner
from app.ui.icons import icon
from app.ui.keychain import CHECKING, from_keychain
from app.ui.settings.connection import ConnectionTest, chat_model_ids
from app.ui.settings.form import Card, SecretField, StatusLine, button, label, relabel
from app.ui.text_scale import room_scale
from app.ui.wording import in_window, sentence

CONSOLE_URL = "https://console.mistral.ai/api-keys"
KEPT = (
    "It is kept in your system keychain — never in a file — and sent only to the endpoint "
    "it is for."
)
# With no keychain to keep it (the warning under the field says why).
IN_MEMORY = (
    "With no keychain, Maestrale keeps it in memory until it closes — never in a file — "
    "and sends it only to the endpoint it is for."
)
MISTRAL_ASK = "Create a key in Mistral's console, then paste it here."
SERVER_ASK = (
    "Paste the key this server expects (its administrator, or the --api-key it was "
    "started with, gives it)."
)
MISTRAL_EXPLANATION = f"{MISTRAL_ASK} {KEPT}"
SERVER_EXPLANATION = f"{SERVER_ASK} {KEPT}"
SESSION_OFFER = (
    "You can use it for this session only: Maestrale keeps it in memory, never in a file, "
    "and asks for it again at its next start."
)
TEST_TASK = "first-run.test-key"
KEYCHAIN_TASK = "first-run.keychain"
COLUMN_WIDTH = 540


class AppMark(QLabel):
    """The app's mark over the welcome, grown with the text (a 72 px mark over 20 pt
    text looked left over from another size)."""

    SIDE = 72  # at the reference text size

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._draw()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.DevicePixelRatioChange):
            self._draw()

    def _draw(self) -> None:
        side = round(self.SIDE * room_scale(self))
        self.setPixmap(icon("app").pixmap(QSize(side, side), self.devicePixelRatioF()))
        self.setFixedSize(side, side)


class FirstRunPanel(QWidget):
    """Welcome, where to get a key, a field to paste it, and "Test and save".

    The key is tested against the endpoint first and stored only if it works; when the
    endpoint cannot be reached the user may save it untested, and when the keychain
    cannot keep it, use it for this session only. Every failure is shown in the panel
    with its reason. The keychain is asked in a thread of its own (it may
    wait for the person to answer a password prompt); the panel answers meanwhile.

    Args:
        keys: where the key is stored (for ``base_url``).
        runner: runs the test.
        test_connection: ``(base_url, dialect, key) -> list[ModelCard]``.
        open_url: opens the console link (QDesktopServices.openUrl; tests pass a fake).

    Signals:
        key_saved(): a key is stored; the window can show the conversation.
        open_endpoint_settings(): the user wants a self-hosted server instead.
    """

    key_saved = Signal()
    open_endpoint_settings = Signal()

    def __init__(
        self,
        keys: ApiKeys,
        runner: TaskRunner,
        test_connection: ConnectionTest,
        base_url: str = MISTRAL_BASE_URL,
        dialect: str = str(Dialect.MISTRAL),
        *,
        open_url: Callable[[QUrl], object] = QDesktopServices.openUrl,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunPanel")
        self._keys = keys
        self._runner = runner
        self._test_connection = test_connection
        self._open_url = open_url
        self._base_url = base_url
        self._dialect = dialect

        card = self._build_key_card()
        self.self_hosted = button("Use a self-hosted server instead…", "link")
        self._build_column(card)

        self.setFocusProxy(self.field)  # focusing the panel means: paste the key here
        self.field.textChanged.connect(self._on_typed)
        self.field.returnPressed.connect(self.on_submit_clicked)
        self.submit.clicked.connect(self.on_submit_clicked)
        self.save_untested.clicked.connect(self.on_save_untested_clicked)
        self.use_for_session.clicked.connect(self.on_use_for_session_clicked)
        self.retry_keychain.clicked.connect(self.on_retry_keychain_clicked)
        self.console_link.clicked.connect(lambda: self._open_url(QUrl(CONSOLE_URL)))
        self.self_hosted.clicked.connect(self.open_endpoint_settings)
        self._show_endpoint()

    def _build_key_card(self) -> Card:
        card = Card(spacing=12)
        card.body.setContentsMargins(24, 22, 24, 22)
        self.heading = label("Maestrale needs a Mistral API key", "section")
        self.explanation = label(MISTRAL_EXPLANATION, "muted")
        self.console_link = button(
            "Get a key at console.mistral.ai/api-keys", "link", "external-link"
        )
        self.console_link.setToolTip(CONSOLE_URL)
        self.field = SecretField("Paste your API key")
        self.field.setAccessibleName("API key")
        self.status = StatusLine()
        # Under a keychain that could not be read (its unlock prompt closed): once it is
        # unlocked, read again, with no restart.
        self.retry_keychain = button("Try the keychain again", "link")
        self.save_untested = button("Save without testing", "subtle")
        self.save_untested.hide()
        # Offered when the keychain cannot keep the key: the app is usable all the same.
        self.use_for_session = button("Use for this session only")
        self.use_for_session.hide()
        self.submit = button("Test and save", "primary")
        self.submit.setEnabled(False)
        self.submit.setDefault(True)
        actions = QHBoxLayout()
        actions.setSpacing(8)
        actions.addStretch(1)
        actions.addWidget(self.save_untested)
        actions.addWidget(self.use_for_session)
        actions.addWidget(self.submit)
        card.body.addWidget(self.heading)
        card.body.addWidget(self.explanation)
        card.body.addWidget(self.console_link, 0, Qt.AlignmentFlag.AlignLeft)
        card.body.addSpacing(4)
        card.body.addWidget(self.field)
        card.body.addWidget(self.status)
        card.body.addLayout(actions)
        return card

    def _build_column(self, card: Card) -> None:
        """The app's mark, a welcome, the key card: one centred column."""
        mark = AppMark()
        title = label("Welcome to Maestrale", "title")
        title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        tagline = label("Chat with Mistral's models, right from your desktop.", "subtitle")
        tagline.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        column = QWidget()
        self._column = column
        self._fit_column()
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(24, 24, 24, 24)
        column_layout.setSpacing(8)
        column_layout.addWidget(mark, 0, Qt.AlignmentFlag.AlignHCenter)
        column_layout.addSpacing(10)
        column_layout.addWidget(title)
        column_layout.addWidget(tagline)
        column_layout.addSpacing(18)
        column_layout.addWidget(card)
        column_layout.addSpacing(8)
        column_layout.addWidget(self.self_hosted, 0, Qt.AlignmentFlag.AlignHCenter)
        column.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column, 100)  # as wide as it may be, up to COLUMN_WIDTH
        row.addStretch(1)
        # Scrolled when taller than the window (large text in a low window cut the
        # explanation off mid-line, the key field under it); else centred in it.
        inner = QWidget()
        inner.setAutoFillBackground(False)
        centred = QVBoxLayout(inner)
        centred.addStretch(2)
        centred.addLayout(row)
        centred.addStretch(3)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its fields take the keyboard
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(inner)
        scroll.viewport().setAutoFillBackground(False)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def _fit_column(self) -> None:
        # Wider with larger text: at 20 pt the console's link was wider than the column,
        # and the card, laid out for less than it needed, cut its explanation short.
        self._column.setMaximumWidth(round(COLUMN_WIDTH * room_scale(self)))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_column()

    def set_endpoint(self, base_url: str, dialect: str) -> None:
        """Follow the endpoint in the settings (the key is stored for it).

        What was typed or said for the one before goes: a key typed for Mistral, and its
        "Save without testing", stored it untested for the next server in one click.
        """
        if (base_url, dialect) == (self._base_url, self._dialect):
            return
        self._runner.cancel(TEST_TASK)  # its key would be stored for the new endpoint
        self._base_url = base_url
        self._dialect = dialect
        self.field.clear()
        self.status.clear()
        self._hide_offers()
        self._show_endpoint()

    def _show_endpoint(self) -> None:
        base_url = self._base_url
        mistral = base_url == MISTRAL_BASE_URL
        self.console_link.setVisible(mistral)
        # Already a server of one's own: the link offers another (it offered one anyway).
        relabel(
            self.self_hosted,
            "Use a self-hosted server instead…" if mistral else "Change the server…",
        )
        if mistral:
            self.heading.setText("Maestrale needs a Mistral API key")
        else:
            self.heading.setText(f"An API key for {_host(base_url)}")
        self._explain(keychain=True)
        self._show_keychain_problem()

    def _explain(self, *, keychain: bool) -> None:
        """What to paste, and where the key will be kept: in the keychain, or, with
        none to keep it, in memory (it said "kept in your system keychain" above the
        warning that there was none)."""
        # Not Mistral's console for another server: its own keys (it said "Create a key
        # in Mistral's console" for a vLLM on the user's network).
        ask = MISTRAL_ASK if self._base_url == MISTRAL_BASE_URL else SERVER_ASK
        self.explanation.setText(f"{ask} {KEPT if keychain else IN_MEMORY}")

    def set_reason(self, reason: str) -> None:
        """Say why the panel is shown (e.g. the stored key was refused), or "" for none."""
        if reason:
            self.status.show_message("warning", in_window(reason, key_field_here=True))
        else:
            self._show_keychain_problem()

    def _show_keychain_problem(self, *, retried: bool = False) -> None:
        """Say when keys cannot be stored, before anyone pastes one."""
        self.status.show_message("info", CHECKING)
        check = self._check_keychain(self._base_url, retried=retried)
        self._runner.start(check, name=KEYCHAIN_TASK)

    def on_retry_keychain_clicked(self) -> None:
        self._keys.ask_again(self._base_url)  # asked now, as the person wants
        self._show_keychain_problem(retried=True)

    async def _check_keychain(self, base_url: str, *, retried: bool = False) -> None:
        def problem() -> tuple[str | None, bool]:
            try:
                return None, self._keys.lookup(base_url) is not None
            except KeychainUnavailable as error:
                return error.problem, False

        found, has_key = await from_keychain(self, problem)
        if self.status.message() != CHECKING:
            return  # a newer message took its place (a test began, a reason came)
        self._explain(keychain=found is None)
        if found is not None:
            self.status.show_message(
                "warning",
                f"{found} You can still paste a key here: once it works, it can be used "
                "for this session only.",
                action=self.retry_keychain,
            )
        else:
            self.status.clear()
            if retried and has_key:  # unlocked since, its key there: none to paste
                self.key_saved.emit()

    def _on_typed(self, text: str) -> None:
        self.submit.setEnabled(bool(text.strip()) and not self._runner.running(TEST_TASK))
        self._hide_offers()  # they were for the key as it was
        if self.status.tone == "error":
            self.status.clear()

    def _hide_offers(self) -> None:
        self.save_untested.hide()
        self.use_for_session.hide()

    def _key(self) -> str | None:
        try:
            return validate_key(self.field.text())
        except ValueError as error:
            self.status.show_message("error", str(error))
            return None

    def on_submit_clicked(self) -> None:
        key = self._key()
        if key is not None:
            self._run(
                self._test_and_save(key),
                "Testing…",
                f"Checking the key with {_host(self._base_url)}…",
            )

    def on_save_untested_clicked(self) -> None:
        key = self._key()
        if key is not None:
            self._run(self._store(key, self._base_url, tested=False), "Saving…", "Saving the key…")

    def on_use_for_session_clicked(self) -> None:
        """The keychain could not keep the key: used from memory until the app closes."""
        key = self._key()
        if key is None or self._runner.running(TEST_TASK):
            return
        self._keys.use_for_session(self._base_url, key)
        self.field.clear()
        self._hide_offers()
        self.status.show_message(
            "success",
            "The key is used for this session only. Maestrale asks for it again at its next start.",
        )
        self.key_saved.emit()

    def _run(self, work: Coroutine[Any, Any, None], busy_text: str, message: str) -> None:
        if self._runner.running(TEST_TASK):
            work.close()
            return
        had_keyboard = self.isAncestorOf(self.window().focusWidget())
        self._set_busy(True, busy_text)
        # Qt moves the keyboard off the disabled field, out of the panel at times.
        moved_to = self.window().focusWidget()
        self._hide_offers()
        self.status.show_message("info", message)
        task = self._runner.start(work, name=TEST_TASK)
        # Even a task cancelled before it ran must give the field back.
        task.add_done_callback(lambda _task: self._end_busy(had_keyboard, moved_to))

    def _set_busy(self, busy: bool, text: str = "Testing…") -> None:
        self.field.setEnabled(not busy)
        self.use_for_session.setEnabled(not busy)
        self.submit.setEnabled(not busy and bool(self.field.text().strip()))
        self.submit.setText(text if busy else "Test and save")

    def _end_busy(self, had_keyboard: bool, moved_to: QWidget | None) -> None:
        """``moved_to``: where Qt put the keyboard when the field was disabled."""
        if not shiboken6.isValid(self):
            return  # the task outlived the panel
        self._set_busy(False)
        if not had_keyboard or not self.field.text() or not self.isVisible():
            return  # saved (the chat takes the panel's place), or the keyboard was elsewhere
        focused = self.window().focusWidget()
        if focused is None or focused is moved_to or self.isAncestorOf(focused):
            if not self.use_for_session.isHidden():  # the key works: what to do with it
                self.use_for_session.setFocus(Qt.FocusReason.OtherFocusReason)
                return
            # The key is to be corrected or replaced: a paste replaces it all.
            self.field.setFocus(Qt.FocusReason.OtherFocusReason)
            self.field.selectAll()

    async def _test_and_save(self, key: str) -> None:
        base_url = self._base_url  # the key is for the endpoint it was tested with
        try:
            cards = await self._test_connection(base_url, self._dialect, key)
        except AuthenticationError as error:
            status = f" ({error.status})" if error.status else ""
            # Only Mistral's keys come from its console (the link above).
            where = (
                "create a new one in the console"
                if base_url == MISTRAL_BASE_URL
                else "ask the server's administrator for the right one"
            )
            self.status.show_message(
                "error",
                f"{_host(base_url)} refused this key{status}. Check that you copied all of "
                f"it, or {where}.",
            )
            return
        except PermissionDenied as error:
            self.status.show_message("error", in_window(str(error), key_field_here=True))
            return
        except ApiError as error:
            # Offline, or the server failed: the key may still be right.
            said = sentence(in_window(str(error), key_field_here=True))
            self.status.show_message("error", f"{said} The key was not saved.")
            self.save_untested.show()
            return
        found = len(chat_model_ids(cards))
        models = f"{found} chat model{'s' if found != 1 else ''} available. " if found else ""
        self.status.show_message("info", f"The key works: {models}Saving it…")
        await self._store(key, base_url, tested=True, models=models)

    async def _store(self, key: str, base_url: str, *, tested: bool, models: str = "") -> None:
        try:
            await from_keychain(self, lambda: self._keys.store(base_url, key))
        except KeychainUnavailable as error:
            # Without a keychain the person could not use the app at all.
            self._explain(keychain=False)
            done = "The key works, but it" if tested else "The key"
            self.status.show_message(
                "warning", f"{done} could not be saved: {error.problem} {SESSION_OFFER}"
            )
            self.use_for_session.show()
            return
        except ValueError as error:
            self.status.show_message("error", str(error))
            return
        self.field.clear()
        self._hide_offers()
        prefix = f"The key works: {models}" if tested else "Key saved without a test. "
        self.status.show_message("success", prefix + "Saved in your keychain.")
        self.key_saved.emit()


def _host(base_url: str) -> str:
    return urlsplit(base_url).netloc or base_url

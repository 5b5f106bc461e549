"""The Endpoint page: Mistral's La Plateforme or a self-hosted server, and a connection test."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QIcon
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.api.endpoint import MISTRAL_BASE_URL, Endpoint
from app.api.errors import ApiError, AuthenticationError, EndpointRefused
from app.api.types import Dialect
from app.secrets import ApiKeys, KeychainUnavailable
from app.settings import Settings
from app.tasks import TaskRunner
from app.ui.keychain import CHECKING, from_keychain, notice_from_keychain
from app.ui.plain_text_field import pastes_html
from app.ui.settings.connection import ConnectionTest, chat_model_ids, key_for_test
from app.ui.settings.fitting import LabelledRows, ShortCombo, items_as_wide_as_the_list
from app.ui.settings.form import Card, Page, StatusLine, button, label, relabel, tab_to_checked
from app.ui.wording import in_window, sentence
from app.ui.wrapping_buttons import WrappingRadioButton

if TYPE_CHECKING:
    import asyncio

TEST_TASK = "settings.test-connection"
DIALECTS = (
    (Dialect.OPENAI, "OpenAI-compatible (vLLM, llama.cpp, Ollama, LM Studio)"),
    (Dialect.MISTRAL, "Mistral API"),
)
DIALECT_NAMES = {
    str(Dialect.OPENAI): "the OpenAI-compatible API",
    str(Dialect.MISTRAL): "Mistral's API",
}


class EndpointPage(Page):
    """Where requests go. ``values()`` holds base_url and dialect only while they are valid.

    A typed address is applied (in ``values()``, ``endpoint_changed``) only once its
    editing ends: the field loses the focus or takes Enter, Test connection is pressed,
    or ``finish_editing()`` is called as the window closes. Saved as typed, a half-typed
    address (``http://127.0.0.1:4667`` on the way to ``:46675``) was asked for its
    models with the session's API key.

    With ``override`` (the base URL this session uses, what set it: --base-url or
    MAESTRALE_BASE_URL, and the dialect it speaks), the page shows the saved endpoint
    (``settings``) and says which one this session uses instead; a choice made here is
    saved for later runs only.

    Signals:
        changed(): the choice changed (valid or not).
        endpoint_changed(str): the base URL applied changed (the key page follows it).
        models_found(list): the ModelCards the connection test found (chat or not).
    """

    changed = Signal()
    endpoint_changed = Signal(str)
    models_found = Signal(list)

    def __init__(
        self,
        settings: Settings,
        keys: ApiKeys,
        runner: TaskRunner,
        test_connection: ConnectionTest,
        *,
        override: tuple[str, str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "Endpoint",
            "Where Maestrale sends your conversations: Mistral's own API, or a server "
            "you run that speaks the same protocol.",
            parent,
        )
        self._keys = keys
        self._runner = runner
        self._test_connection = test_connection
        self._endpoint: Endpoint | None = None  # as typed, when acceptable
        self._applied: Endpoint | None = None  # the last one whose editing ended
        self._reading_key = False  # a connection test waits for the keychain
        self._override = override
        # The dialect chosen before a Mistral address locked it, given back after.
        self._dialect_unlocked: int | None = None

        self.override_note = StatusLine()
        self.body.addWidget(self.override_note)
        self.body.addWidget(self._build_choice_card())
        self._build_test_area()

        self._load(settings)
        self._saved_values = self.values()
        self._show_override()
        self.mistral.toggled.connect(self._on_choice)
        self.url.textChanged.connect(self._on_edited)
        self.url.editingFinished.connect(self.finish_editing)
        # Return in the field presses the window's default button, Test connection: it
        # tests again (see on_test_clicked). Told by the key, not by where the focus is:
        # on macOS a click on a button leaves the focus in the field.
        self._return_in_url = False
        self.url.returnPressed.connect(self._on_return_in_url)
        self._test_icon: QIcon | None = None  # the button's, put back after a test
        self.dialect.currentIndexChanged.connect(self._on_edited)
        self.test_button.clicked.connect(self.on_test_clicked)

    def _build_choice_card(self) -> Card:
        card = Card()
        self.mistral = WrappingRadioButton("Mistral La Plateforme (api.mistral.ai)")
        # It may speak either dialect (see "Speaks" below it).
        self.custom = WrappingRadioButton("A server of your own")
        group = QButtonGroup(self)
        group.addButton(self.mistral)
        group.addButton(self.custom)
        tab_to_checked(group)
        card.body.addWidget(self.mistral)
        card.body.addWidget(_indented(label("Mistral's hosted models. Needs an API key.", "muted")))
        card.body.addSpacing(4)
        card.body.addWidget(self.custom)
        card.body.addWidget(
            _indented(label("vLLM, llama.cpp, Ollama, LM Studio, a proxy…", "muted"))
        )

        self.url = QLineEdit()
        pastes_html(self.url)
        self.url.setPlaceholderText("http://localhost:8000/v1")
        self.url.setAccessibleName("Base URL")
        self.url.setClearButtonEnabled(True)
        self.dialect = ShortCombo()
        self.dialect.setAccessibleName("Dialect")
        # Not as wide as its longest choice: with large text that pushed the page wider
        # than the window.
        self.dialect.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.dialect.setMinimumContentsLength(16)
        for value, text in DIALECTS:
            self.dialect.addItem(text, str(value))
        url_label = QLabel("Base URL")
        url_label.setBuddy(self.url)
        dialect_label = QLabel("Speaks")
        dialect_label.setBuddy(self.dialect)
        self.validation = StatusLine()
        self._custom_box = LabelledRows(
            [(url_label, self.url), (dialect_label, self.dialect), (None, self.validation)],
            spacing=10,
            label_spacing=14,
            style_margins=True,
        )
        card.body.addWidget(_indented(self._custom_box))
        return card

    def _build_test_area(self) -> None:
        self.test_button = button("Test connection", icon_name="link", wraps=True)
        self.result = StatusLine()
        self.models = QListWidget()
        self.models.setProperty("role", "list")
        self.models.setMaximumHeight(168)
        self.models.ensurePolished()  # item sizes use the stylesheet's padding
        self.models.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.models.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Long ids shortened in their middle, their "(deprecated)" kept in sight.
        items_as_wide_as_the_list(self.models, Qt.TextElideMode.ElideMiddle)
        self.models.hide()
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        self.body.addLayout(test_row)
        self.body.addWidget(self.result)
        self.body.addWidget(self.models)

    def _load(self, settings: Settings) -> None:
        try:
            is_mistral = Endpoint.parse(settings.base_url).is_mistral
        except EndpointRefused:
            is_mistral = False
        (self.mistral if is_mistral else self.custom).setChecked(True)
        if not is_mistral:
            self.url.setText(settings.base_url)
        self.dialect.setCurrentIndex(
            max(0, self.dialect.findData(settings.dialect if not is_mistral else "openai"))
        )
        self._validate()
        self._applied = self._endpoint

    # What is chosen

    @property
    def endpoint(self) -> Endpoint | None:
        """The chosen endpoint as typed, or None while the custom address is not
        acceptable; applied only once its editing ends (see ``values()``)."""
        return self._endpoint

    def dialect_value(self) -> str:
        if self.mistral.isChecked():
            return str(Dialect.MISTRAL)
        return str(self.dialect.currentData())

    def values(self) -> dict[str, Any]:
        if self._endpoint is None or self._endpoint != self._applied:
            return {}  # while an address is typed, its dialect waits for it too
        return {"base_url": self._endpoint.base_url, "dialect": self.dialect_value()}

    def finish_editing(self) -> None:
        """Apply the address typed, if acceptable: its editing is over."""
        if self._endpoint is None or self._endpoint == self._applied:
            return
        self._applied = self._endpoint
        self.endpoint_changed.emit(self._applied.base_url)
        self._show_override()
        self.changed.emit()

    def _show_override(self) -> None:
        if self._override is None:
            return
        url, source, dialect = self._override
        # The form below shows the saved endpoint's "Speaks": the session's, when another
        # (Mistral's API over a saved vLLM), would otherwise be read as the saved one's.
        if dialect != self.dialect_value():
            url += f", speaking {DIALECT_NAMES.get(dialect, dialect)}"
        if self.values() in ({}, self._saved_values):
            text = (
                f"This session sends requests to {url}, from {source}; it is not saved. "
                f"Below is the saved endpoint, used when Maestrale starts without {source}."
            )
        else:  # the person chose another one: it cannot take effect now
            text = (
                f"Your choice is saved for when Maestrale starts without {source}. "
                f"This session still sends requests to {url}, from {source}."
            )
        self.override_note.show_message("info", text)

    def _validate(self) -> None:
        custom = self.custom.isChecked()
        self._custom_box.setEnabled(custom)
        typed, tone, said = self._typed()
        if custom:
            self._endpoint = typed
            self.validation.show_message(tone, said)
            self._mark_invalid(tone == "error")
        else:
            self._endpoint = Endpoint.parse(MISTRAL_BASE_URL)
            # Its room kept: choosing a server of your own then moves nothing under it
            # (Test connection went down a line, and up again with La Plateforme).
            self.validation.keep_room(said)
            self._mark_invalid(False)
        self._lock_dialect(custom and self._endpoint is not None and self._endpoint.speaks_mistral)
        if not self._runner.running(TEST_TASK):  # else it reads Cancel, and stays so
            self.test_button.setEnabled(self._endpoint is not None)
            self.test_button.setToolTip(self._test_tip())

    def _typed(self) -> tuple[Endpoint | None, str, str]:
        """The address typed, if acceptable, and what to say of it under the field
        (tone and text)."""
        if not self.url.text().strip():
            return None, "info", "Enter the server's address, for example http://localhost:8000/v1."
        try:
            typed = Endpoint.parse(self.url.text())
        except EndpointRefused as error:
            return None, "error", str(error)
        # Neutral, not a green check: the address is well formed, which says nothing
        # yet of a server answering there (Test connection tells).
        return typed, "info", f"Requests will go to {typed.base_url}/v1/chat/completions."

    def _lock_dialect(self, mistral_only: bool) -> None:
        """Mistral's own APIs (Codestral's among them) speak only Mistral's dialect: with
        one of their addresses "Speaks" says so and cannot be changed, as for
        ``--base-url``; another address gives back the choice made before."""
        mistral = self.dialect.findData(str(Dialect.MISTRAL))
        blocked = self.dialect.blockSignals(True)  # _validate runs from their handler
        try:
            if mistral_only and self._dialect_unlocked is None:
                self._dialect_unlocked = self.dialect.currentIndex()
                self.dialect.setCurrentIndex(mistral)
            elif not mistral_only and self._dialect_unlocked is not None:
                self.dialect.setCurrentIndex(self._dialect_unlocked)
                self._dialect_unlocked = None
        finally:
            self.dialect.blockSignals(blocked)
        self.dialect.setEnabled(not mistral_only)
        self.dialect.setToolTip(
            "Mistral's own APIs speak only Mistral's dialect." if mistral_only else ""
        )

    def _test_tip(self) -> str:
        if self._endpoint is None:
            return "Enter an address to test first."
        tested = self._endpoint.base_url
        return f"Asks {tested} for its models.{self._not_in_use(tested)}"

    def _not_in_use(self, tested: str) -> str:
        """Under --base-url or MAESTRALE_BASE_URL the form shows the saved endpoint, and
        its test is not of the server this session uses: said, or a working test read as
        the session's connection working."""
        if self._override is None:
            return ""
        url, source, _dialect = self._override
        try:
            in_use = Endpoint.parse(url).base_url
        except EndpointRefused:
            in_use = url
        if in_use == tested:
            return ""
        return (
            f" This tests the endpoint chosen here, for starts without {source}, not "
            f"{url}, which this session uses."
        )

    def _mark_invalid(self, invalid: bool) -> None:
        self.url.setProperty("invalid", invalid)
        self.url.style().unpolish(self.url)
        self.url.style().polish(self.url)

    def choose_own_server(self) -> None:
        """Show "A server of your own" chosen, its address field focused."""
        if self.custom.isChecked():
            self.url.setFocus()
        else:
            self.custom.setChecked(True)  # _on_choice focuses the address

    def _on_choice(self, _mistral: bool) -> None:
        self._on_edited()
        # A choice made, not an address being typed: the one it shows is meant.
        self.finish_editing()
        if self.custom.isChecked():
            self.url.setFocus()

    def _on_edited(self) -> None:
        self._validate()
        self.result.clear()
        self.models.hide()
        self._show_override()
        self.changed.emit()

    # Connection test

    def on_test_clicked(self) -> None:
        """Test the endpoint; while a test runs, the same button cancels it.

        Return in the address field (the dialog's default button) tests again, the
        address as it now reads: a second Return there cancelling was a surprise.
        """
        again, self._return_in_url = self._return_in_url, False
        if self._runner.running(TEST_TASK) and not again:
            self.cancel_test()
            return
        endpoint = self._endpoint
        if endpoint is None:
            return
        self.finish_editing()
        # The button stays enabled, as Cancel: disabled, it sent the keyboard to the
        # page list, and a test that hung could only be waited out.
        # Without the test's link icon: it read as "test" beside the word Cancel (QA).
        if not self.test_button.icon().isNull():
            self._test_icon = self.test_button.icon()
        self.test_button.setIcon(QIcon())
        relabel(self.test_button, "Cancel")
        self.test_button.setToolTip("Stop the connection test.")
        self.models.hide()
        self.result.show_message("info", _asking(endpoint.base_url))
        task = self._runner.start(
            self._test(endpoint.base_url, self.dialect_value()), name=TEST_TASK
        )
        # Even a task cancelled before it ran must give the button back.
        task.add_done_callback(self._end_test)

    def _on_return_in_url(self) -> None:
        self._return_in_url = True
        # Where no default button takes the Return (the page alone), the flag must not
        # wait for a later click: that click cancels.
        QTimer.singleShot(0, self._forget_return)

    def _forget_return(self) -> None:
        self._return_in_url = False

    def _end_test(self, task: asyncio.Task[None]) -> None:
        if not shiboken6.isValid(self.test_button):
            return  # the window closed under the test
        if self._runner.get(TEST_TASK) not in (None, task):
            return  # replaced by a test started since (Return in the address field)
        if self._test_icon is not None:
            self.test_button.setIcon(self._test_icon)
        relabel(self.test_button, "Test connection")
        self.test_button.setEnabled(self._endpoint is not None)
        self.test_button.setToolTip(self._test_tip())
        if task.cancelled():
            self.result.show_message("info", "Test cancelled.")

    async def _test(self, base_url: str, dialect: str) -> None:
        # A locked keychain's unlock prompt may take minutes: "Connecting to…" meanwhile
        # blamed the server.
        waiting = notice_from_keychain(self, self._on_keychain_wait)
        key: str | None = None
        try:
            self._reading_key = True
            try:
                key = await from_keychain(
                    self, lambda: key_for_test(self._keys, base_url, dialect, waiting)
                )
            finally:
                self._reading_key = False
            self.result.show_message("info", _asking(base_url))
            cards = await self._test_connection(base_url, dialect, key)
        except (ApiError, KeychainUnavailable) as error:
            if key is None and isinstance(error, AuthenticationError):
                said = _no_key_saved(base_url, asked=error.status is not None)
            else:
                said = sentence(in_window(str(error), endpoint_here=True))
            if base_url not in said:  # a refused key, a failing server: which one
                said = f"Testing {base_url}: {said}"
            if isinstance(error, ApiError) and error.status == 404:
                said += " " + _no_models_there(base_url)
            self.result.show_message("error", said + self._not_in_use(base_url))
            return
        ids = chat_model_ids(cards)
        if not ids:
            self.result.show_message(
                "warning",
                f"Connected to {base_url}, but it lists no chat models."
                + self._not_in_use(base_url),
            )
            return
        count = f"{len(ids)} chat model{'s' if len(ids) != 1 else ''}"
        self.result.show_message(
            "success",
            f"Connected to {base_url}: {count} available." + self._not_in_use(base_url),
        )
        deprecated = {card.id for card in cards if card.chat and card.deprecation is not None}
        self.models.clear()
        for text in (f"{i}  (deprecated)" if i in deprecated else i for i in ids):
            item = QListWidgetItem(text)
            item.setToolTip(text)  # whole, where the list shortens it
            self.models.addItem(item)
        self.models.show()
        self.models_found.emit(list(cards))

    def _on_keychain_wait(self) -> None:
        if self._reading_key:  # else a cancelled test's notice, come late
            self.result.show_message("info", CHECKING)

    def cancel_test(self) -> None:
        self._runner.cancel(TEST_TASK)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        # Another page chosen, or the window closed: the test's answer would land
        # where nobody reads it. A minimised window (spontaneous) keeps testing.
        if not event.spontaneous():
            self.cancel_test()
        super().hideEvent(event)


def _no_models_there(base_url: str) -> str:
    """What a 404 from the models list most often means: the address lacks (or doubles)
    the part before /v1 the server expects."""
    return (
        f"The server has no {base_url}/v1/models: check the address. For vLLM and most "
        "OpenAI-compatible servers it is the server's root or ends in /v1, for example "
        "http://localhost:8000/v1."
    )


def _no_key_saved(base_url: str, *, asked: bool) -> str:
    """A test without a key, refused for the want of one (``asked``: by the server; else
    Maestrale sends Mistral's dialect nothing without a key). "The endpoint refused the
    API key (401)" said a key was sent, and wrong."""
    if asked:
        return (
            f"{base_url} asks for an API key, and none is saved for it: add it in "
            "Settings → API key, then test again."
        )
    return (
        f"No API key is saved for {base_url}, and Mistral's API needs one: add it in "
        "Settings → API key, then test again."
    )


def _indented(widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(26, 0, 0, 0)
    layout.addWidget(widget)
    return box


def _asking(base_url: str) -> str:
    # Not "Connecting to…": a server that accepted the connection and stays silent kept
    # that line up while the test was waiting for its answer (QA).
    return f"Asking {base_url} for its models…"

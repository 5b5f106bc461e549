"""The settings window: a page list on the left, changes saved as they are made.

Every change that makes a valid value is written to ``settings.toml`` shortly after
(and at once when the window closes) and announced with ``settings_changed``; there
is no Apply button. An endpoint's address counts once typed to its end (see
``EndpointPage``). The pages live in ``app.ui.settings``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import fields
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QEvent, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QGuiApplication,
    QHideEvent,
    QKeySequence,
    QResizeEvent,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.api.errors import ApiError, AuthenticationError, PermissionDenied
from app.api.models import Dialect, ModelCard
from app.presets import Preset
from app.quick.templates import Template
from app.secrets import ApiKeys
from app.settings import LoadedSettings, Settings, load_settings, save_settings
from app.tasks import TaskRunner
from app.toml_files import kept_notice
from app.ui.icons import icon
from app.ui.settings.appearance_page import AppearancePage
from app.ui.settings.connection import ConnectionTest
from app.ui.settings.endpoint_page import EndpointPage
from app.ui.settings.form import StatusLine, label
from app.ui.settings.history_page import HistoryPage, NoHistory, Trash
from app.ui.settings.key_page import KeyPage
from app.ui.settings.model_page import ModelPage
from app.ui.settings.presets_page import PresetsPage
from app.ui.settings.quick_page import QuickPage
from app.ui.settings.shortcuts_page import ShortcutsPage
from app.ui.settings.templates_page import TemplatesPage
from app.ui.settings.tools_page import NoTools, ToolSources, ToolsPage
from app.ui.theme import cap_minimum_size, fit_window, keep_on_screen

SAVE_DELAY_MS = 300
NAV_LEAST = 228  # px: the page list's width at the normal text size
NAV_SHARE = 0.38  # of the window's width: the most the page list takes from the pages
PAGES = (
    ("endpoint", "Endpoint", "server"),
    ("key", "API key", "key"),
    ("model", "Model & parameters", "sliders"),
    ("presets", "Presets", "bookmark"),
    ("quick", "Quick prompts", "send"),
    ("templates", "Templates", "edit"),
    ("tools", "Tools", "tool"),
    ("appearance", "Appearance", "palette"),
    ("history", "History", "history"),
    ("shortcuts", "Keyboard shortcuts", "keyboard"),
)
_SETTING_NAMES = frozenset(item.name for item in fields(Settings))
# An endpoint is its address and the protocol it speaks: while a run's override sets
# the address, a dialect chosen for the saved one must not reach the run's server.
_ENDPOINT = frozenset({"base_url", "dialect"})


class _ValuesPage(Protocol):
    def values(self) -> dict[str, Any]: ...


class SettingsDialog(QDialog):
    """Non-modal settings window; build it once and ``show_page()`` it as needed.

    Args:
        settings_path: the ``settings.toml`` to write.
        loaded: the file as read (its unknown keys survive every save).
        settings: the options in effect now, including this run's overrides
            (``--base-url``); only what the user changes here is written to the file.
        base_url_from: what set this run's base URL over the saved one (--base-url,
            MAESTRALE_BASE_URL), or None. The Endpoint page then shows and saves the saved
            endpoint, and this run keeps its own.
        keys: the keychain access for the API key page.
        runner: runs the connection test.
        test_connection: ``(base_url, dialect, key) -> list[ModelCard]``.
        presets_path: the user's ``presets.toml``.
        models: the models to offer (the catalog's) until a connection test lists the
            endpoint's.
        templates_path: the user's ``templates.toml`` (default: beside ``presets_path``).
        tray_available: whether the desktop has a system tray (the tray options need one).
        history: the history (the app's store), for the History page's deleted chats.
        trash_kept: how long a deleted chat is kept before a start removes it for good.

    Signals:
        settings_changed(Settings): saved settings now in effect.
        presets_changed(list): the presets as saved (list of Preset).
        templates_changed(list): the quick prompt templates as saved (list of Template).
        key_changed(): an API key was stored or removed.
        recording_shortcut(bool): a shortcut field took (True) or left the keyboard:
            global shortcuts must let its keys through meanwhile.
    """

    settings_changed = Signal(object)
    presets_changed = Signal(list)
    templates_changed = Signal(list)
    key_changed = Signal()
    recording_shortcut = Signal(bool)

    def __init__(
        self,
        *,
        settings_path: Path,
        loaded: LoadedSettings,
        settings: Settings,
        keys: ApiKeys,
        runner: TaskRunner,
        test_connection: ConnectionTest,
        presets_path: Path,
        models: Iterable[ModelCard] = (),
        templates_path: Path | None = None,
        tray_available: bool = True,
        tools: ToolSources | None = None,
        history: Trash | None = None,
        trash_kept: timedelta = timedelta(days=30),
        base_url_from: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings — Maestrale")
        self.setWindowIcon(icon("app"))
        self.setModal(False)
        self.setObjectName("settingsDialog")
        self._side: QWidget | None = None  # the page list's column (see _build_layout)
        self._nav_width = NAV_LEAST  # as wide as its names want (see _fit_to_font)
        cap_minimum_size(self, 640, 480)
        self._path = settings_path
        # Where the last flush kept the file aside, if it did (the window may be closed:
        # then whoever saved through it says so).
        self.kept_by_last_flush: Path | None = None
        self._runner = runner
        self._test_connection = test_connection
        self._loaded = loaded
        self._settings = settings  # in effect (with overrides)
        self._file_settings = loaded.settings  # what the file holds
        self._place: QPoint | None = None  # where it was when last closed
        cards = list(models)

        # Names the run's override keeps to itself: the page edits the file's values.
        self._overridden = _ENDPOINT if base_url_from else frozenset()
        self.endpoint_page = EndpointPage(
            loaded.settings if base_url_from else settings,
            keys,
            runner,
            test_connection,
            override=(
                (settings.base_url, base_url_from, settings.dialect) if base_url_from else None
            ),
        )
        base_url = self.endpoint_page.endpoint
        self.key_page = KeyPage(
            keys,
            # With an override, the key this run needs: for the saved endpoint, a key
            # stored here would leave the run's server asking for one.
            base_url.base_url if base_url and not base_url_from else settings.base_url,
            runner,
            check=self._check_key,
        )
        self.model_page = ModelPage(settings, cards)
        self.presets_page = PresetsPage(presets_path, cards, dialect=Dialect(settings.dialect))
        self.quick_page = QuickPage(settings, tray_available=tray_available)
        self.templates_page = TemplatesPage(
            templates_path or presets_path.with_name("templates.toml"), cards
        )
        self.templates_page.set_quick_shortcut(settings.quick_shortcut)
        self.quick_page.set_template_shortcuts(_shortcuts_of(self.templates_page.templates))
        self.appearance_page = AppearancePage(settings)
        self.shortcuts_page = ShortcutsPage(settings.enter_sends, settings.quick_shortcut)
        self.tools_page = ToolsPage(settings, tools or NoTools())
        self.history_page = HistoryPage(history or NoHistory(), kept_for=trash_kept)
        self._value_pages: tuple[_ValuesPage, ...] = (
            self.endpoint_page,
            self.model_page,
            self.quick_page,
            self.appearance_page,
            self.tools_page,
        )

        self._build_layout(loaded.problems)

        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.flush)

        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)
        for page in (
            self.endpoint_page,
            self.model_page,
            self.quick_page,
            self.appearance_page,
            self.tools_page,
        ):
            page.changed.connect(self._save_timer.start)
        if not base_url_from:
            self.endpoint_page.endpoint_changed.connect(self.key_page.set_base_url)
        self.endpoint_page.models_found.connect(self.set_models)
        self.presets_page.presets_changed.connect(self.presets_changed)
        self.templates_page.templates_changed.connect(self._on_templates_saved)
        self.key_page.key_changed.connect(self.key_changed)
        self.quick_page.shortcut.recording.connect(self.recording_shortcut)
        self.templates_page.shortcut.recording.connect(self.recording_shortcut)
        close = QShortcut(QKeySequence(QKeySequence.StandardKey.Close), self)
        close.activated.connect(self.close)

    def _build_layout(self, problems: tuple[str, ...]) -> None:
        """The page list on the left, notices and the current page on the right."""
        self.nav = QListWidget()
        self.nav.setProperty("role", "nav")
        self.nav.setAccessibleName("Settings pages")
        self.nav.setIconSize(QSize(18, 18))
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.stack = QStackedWidget()
        pages = {
            "endpoint": self.endpoint_page,
            "key": self.key_page,
            "model": self.model_page,
            "presets": self.presets_page,
            "quick": self.quick_page,
            "templates": self.templates_page,
            "tools": self.tools_page,
            "appearance": self.appearance_page,
            "history": self.history_page,
            "shortcuts": self.shortcuts_page,
        }
        self._page_names: list[str] = []
        for name, text, icon_name in PAGES:
            self.nav.addItem(QListWidgetItem(icon(icon_name), text))
            self.stack.addWidget(pages[name])
            self._page_names.append(name)

        self.problems = StatusLine()
        self.save_status = StatusLine()

        side = QWidget()
        side.setObjectName("sidebar")
        self._side = side
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(12, 20, 12, 16)
        side_layout.setSpacing(12)
        heading = label("Settings", "section", wrap=False)
        heading.setContentsMargins(10, 0, 0, 4)
        side_layout.addWidget(heading)
        side_layout.addWidget(self.nav, 1)
        footnote = label("Changes are saved as you make them.", "muted")
        footnote.setContentsMargins(10, 0, 6, 0)
        side_layout.addWidget(footnote)

        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.setSpacing(0)
        notices = QVBoxLayout()
        notices.setContentsMargins(32, 12, 32, 0)
        notices.addWidget(self.problems)
        notices.addWidget(self.save_status)
        content_layout.addLayout(notices)
        content_layout.addWidget(self.stack, 1)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(side)
        layout.addWidget(content, 1)
        self._show_problems(problems)
        self._fit_to_font()
        fit_window(self, 900, 660)

    def _show_problems(self, problems: tuple[str, ...]) -> None:
        if problems:
            self.problems.show_message(
                "warning", "Some settings were not usable:\n" + "\n".join(problems)
            )
        else:
            self.problems.clear()

    def _check_key(
        self, base_url: str, key: str, done: Callable[[str, str | None, str | None], None]
    ) -> None:
        """For the key page: ask the endpoint with ``key`` before it is stored."""

        async def check() -> None:
            try:
                await self._test_connection(base_url, self._key_dialect(), key)
            except (AuthenticationError, PermissionDenied) as error:
                done(key, str(error), None)
            except ApiError as error:
                done(key, None, str(error))
            else:
                done(key, None, None)

        self._runner.start(check(), name="key-page-check")

    def _key_dialect(self) -> str:
        """The dialect of the endpoint the key page is for (see ``base_url_from``)."""
        if "dialect" in self._overridden:
            return self._settings.dialect
        return self.endpoint_page.dialect_value()

    def _fit_to_font(self) -> None:
        """The page list as wide and its rows as tall as their text needs."""
        metrics = self.nav.fontMetrics()
        widest = max(metrics.horizontalAdvance(text) for _, text, _ in PAGES)
        self._nav_width = max(NAV_LEAST, widest + 18 + 88)  # icon, paddings, margins
        self._fit_nav()
        height = max(38, metrics.height() + 20)
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            if item is not None:
                item.setSizeHint(QSize(0, height))

    def _fit_nav(self) -> None:
        # In a narrow window the pages keep most of the width, the list's longest names
        # shortened with "…": at 20 pt its names took 370 of 785 px, and the page beside
        # them scrolled sideways.
        if self._side is None:
            return
        share = round(self.width() * NAV_SHARE)
        width = min(self._nav_width, max(NAV_LEAST, share))
        if self._side.minimumWidth() != width or self._side.maximumWidth() != width:
            self._side.setFixedWidth(width)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_nav()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        if not event.spontaneous() and self._place is not None:
            # Where it was closed, its frame at the same spot. Left to Qt, it was centred
            # on the window again, and under a window manager its title bar went where
            # the contents had been: 20 px lower at each opening, the same click on
            # another page (and one moved aside came back over the window).
            self.move(self._place)
        super().showEvent(event)
        if not event.spontaneous():
            # Not on the control last used: Home or Up, meant for the page list, would
            # change a setting.
            self.nav.setFocus(Qt.FocusReason.OtherFocusReason)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        if not event.spontaneous():  # closed, not minimised with the window
            self._place = self.frameGeometry().topLeft()
        super().hideEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # the text size was changed here
            # Once the page list has its new font too: measured now, it was a size
            # behind ("Model & param…" at 13 pt, fitted for 10).
            QTimer.singleShot(0, self, self._fit_to_font)
            # And the window grows for it: at 24 pt in a window sized for 10 pt, the pages
            # scrolled sideways, their right half cut off.
            QTimer.singleShot(0, self, self._grow_for_font)

    def _grow_for_font(self) -> None:
        """Grow the window to its size for the text size (never shrink one the user
        made larger), within the screen."""
        before = self.size()
        fit_window(self, 900, 660)
        self.resize(self.size().expandedTo(before))
        keep_on_screen(self)

    # Public API

    @property
    def settings(self) -> Settings:
        """The settings in effect, as last saved."""
        return self._settings

    @property
    def presets(self) -> list[Preset]:
        return self.presets_page.presets

    @property
    def templates(self) -> list[Template]:
        return self.templates_page.templates

    def show_page(self, name: str) -> None:
        """Bring the window up on page ``name`` ("endpoint", "key", "model", "presets",
        "quick", "templates", "tools", "appearance", "history", "shortcuts")."""
        self.nav.setCurrentRow(self._page_names.index(name))
        self.show()
        if QGuiApplication.platformName() != "offscreen":  # which warns it cannot raise
            self.raise_()
            self.activateWindow()

    def current_page(self) -> str:
        return self._page_names[self.nav.currentRow()]

    def set_models(self, cards: Iterable[ModelCard]) -> None:
        """Offer these models (the catalog's, or a connection test's) in the model fields."""
        cards = list(cards)
        self.model_page.set_models(cards)
        self.presets_page.set_models(cards)
        self.templates_page.set_models(cards)

    def flush(self) -> bool:
        """Save pending changes now; False when the file could not be written (shown)."""
        self._save_timer.stop()
        presets_saved = self.presets_page.flush()
        templates_saved = self.templates_page.flush()
        lists_saved = presets_saved and templates_saved
        values: dict[str, Any] = {}
        for page in self._value_pages:
            values.update(page.values())
        changes = {
            name: value
            for name, value in values.items()
            if name in _SETTING_NAMES and getattr(self._shown(name), name) != value
        }
        self.kept_by_last_flush = None
        if not changes:
            return lists_saved
        file_settings = self._file_settings.with_values(**changes)
        try:
            kept = save_settings(self._path, self._loaded, file_settings)
        except OSError as error:
            self.save_status.show_message(
                "error", f"Could not save {self._path}: {error.strerror or error}"
            )
            return False
        if kept is None:
            self.save_status.clear()
        else:
            self.kept_by_last_flush = kept
            self.save_status.show_message("info", kept_notice(self._path, kept))
            # The problems were the old file's, now kept aside: "not valid TOML … using
            # defaults until it is fixed" stayed above the notice saying where it went.
            self._show_problems(load_settings(self._path).problems)
        self._loaded = LoadedSettings(file_settings, unknown=self._loaded.unknown)
        self._file_settings = file_settings
        in_effect = {n: v for n, v in changes.items() if n not in self._overridden}
        self._settings = self._settings.with_values(**in_effect)
        if "dialect" in changes:
            self.model_page.set_dialect(Dialect(self._settings.dialect))
            self.presets_page.set_dialect(Dialect(self._settings.dialect))
        if "enter_sends" in changes:
            self.shortcuts_page.set_enter_sends(self._settings.enter_sends)
        if "quick_shortcut" in changes:
            self.templates_page.set_quick_shortcut(self._settings.quick_shortcut)
            self.shortcuts_page.set_quick_shortcut(self._settings.quick_shortcut)
        if in_effect:
            self.settings_changed.emit(self._settings)
        return lists_saved

    def _shown(self, name: str) -> Settings:
        """The settings a page showed ``name`` from: the file's for what this run
        overrides, else those in effect."""
        return self._file_settings if name in self._overridden else self._settings

    def _on_templates_saved(self, templates: list[Template]) -> None:
        self.quick_page.set_template_shortcuts(_shortcuts_of(templates))
        self.templates_changed.emit(templates)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.endpoint_page.finish_editing()
        self.flush()
        self.endpoint_page.cancel_test()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        # Esc (reject) closes too: keep what was changed, like closing the window.
        self.endpoint_page.finish_editing()
        self.flush()
        self.endpoint_page.cancel_test()
        super().done(result)


def _shortcuts_of(templates: Iterable[Template]) -> dict[str, str]:
    return {t.shortcut: t.name for t in templates if t.shortcut}

"""Builds every long-lived object of the window and runs the event loop (the only place
objects are wired together: nothing else looks anything up globally)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication

from app.api.errors import ApiError
from app.api.models import Dialect, ModelCard
from app.chat.catalog import ModelCatalog
from app.chat.clients import ClientSource
from app.chat.controller import ChatController, NewChat
from app.chat.tool_calls import ChatTools
from app.config import RuntimeConfig
from app.log import setup_logging
from app.model_refresh import ModelRefresh
from app.rendering.math import MathRenderer
from app.secrets import ApiKeys
from app.settings import Settings
from app.state import LAST_CONVERSATION_KEY, UiState
from app.store.conversations import ConversationStore
from app.store.errors import StoreError
from app.tasks import TaskRunner, in_own_thread
from app.tools.toolbox import Toolbox
from app.ui.chat_pane import ChatPane
from app.ui.main_window import MainWindow
from app.ui.params_opening import ParamsOpening
from app.ui.settings_opening import SettingsOpening
from app.ui.sidebar import Sidebar
from app.ui.theme import ThemeController
from app.ui.transcript.math_images import MathImages
from app.ui.window_place import WindowPlace

if TYPE_CHECKING:
    import asyncio

    from app.quick.desktop import QuickDesktop
    from app.ui.first_run import FirstRunPanel
    from app.ui.settings_dialog import SettingsDialog
    from app.ui.transcript.view import TranscriptView

log = logging.getLogger(__name__)

TRASH_KEPT = timedelta(days=30)
OUTSIDE_CHECK_MS = 2000  # how soon the list shows what another program wrote
# After the endpoint could not be reached for the model list (no network, a server not
# up yet): asked again after these waits, the last one repeated, until it answers.


def _system_tray_available() -> bool:
    # Imported when first asked (after the first paint): not a cost of the start-up.
    from PySide6.QtWidgets import QSystemTrayIcon

    return QSystemTrayIcon.isSystemTrayAvailable()


class _Relay(QObject):
    """Brings a call from another thread (the MCP servers') to the window's thread."""

    changed = Signal()


class Application:
    """The running app: owns the store, the controller and the window.

    ``tray_available`` says whether the desktop has a system tray (tests choose).
    """

    def __init__(
        self,
        app: QApplication,
        config: RuntimeConfig,
        environ: Mapping[str, str],
        *,
        tray_available: Callable[[], bool] | None = None,
        theme: ThemeController | None = None,
    ) -> None:
        """``theme``: the app's look, when already applied (to the start frame)."""
        self.app = app
        self._tray_available = tray_available or _system_tray_available
        # The app ends when its window says so (after storing any answer in progress),
        # not when Qt sees the last window close.
        app.setQuitOnLastWindowClosed(False)
        self._override_refused = config.override_refused  # told once the window shows
        config = config.without_refused_override()
        self.config = config
        redactor = setup_logging(config.paths.log_file)
        self.keys = ApiKeys(environ, on_key_seen=redactor.add)
        self.runner = TaskRunner(on_error=self._on_task_error)
        self.theme = theme or ThemeController(app, config.settings.theme, config.settings.font_size)
        self._closed: asyncio.Event | None = None
        self._key_check: asyncio.Task[None] | None = None
        self._shut_down = False
        self._data_version: int | None = None  # of the history, as last seen
        self._tools_relay = _Relay()
        # Queued also from the window's thread: the toolbox tells of news while a request
        # is being built, and the toast waits until it is.
        self._tools_relay.changed.connect(
            self._on_tools_changed, Qt.ConnectionType.QueuedConnection
        )

    def build(
        self,
        store: ConversationStore,
        *,
        frame: MainWindow | None = None,
        state: UiState | None = None,
    ) -> MainWindow:
        """The window, its parts put into ``frame`` when it shows already (placed from
        ``state``: see app.window_start.run_window)."""
        config = self.config
        self.store = store
        self.clients = ClientSource(lambda: self.config, self.keys)
        endpoint_url = self._endpoint_url()
        self.catalog = ModelCatalog(config.paths.data_dir / "models-cache.json", endpoint_url)
        self.models = ModelRefresh(
            self.app, self.runner, self.clients, self.catalog, lambda: self._key_check
        )
        self.toolbox = Toolbox(
            config.paths.config_dir,
            config.paths.log_file.parent,
            enabled=lambda: self.config.settings.tools,
            on_change=self._tools_relay.changed.emit,  # from the servers' thread
        )
        self.chat_tools = ChatTools(
            self.toolbox.registry,
            enabled=lambda: self.config.settings.tools,
            allowed=lambda tool: tool.key in self.config.settings.always_run_tools,
            runner=self.runner,
            tell=self._report,
        )
        self.controller = ChatController(
            store,
            self.clients,
            self.runner,
            self.catalog,
            default_model=lambda: self._new_chat_defaults().model,
            tools=self.chat_tools,
        )
        self.math = MathImages(MathRenderer())
        self.math.set_colors(dark=self.theme.is_dark)
        self.math.set_text_pixels(QFontInfo(self.app.font()).pixelSize())
        self.first_run: FirstRunPanel | None = None
        self.pane = ChatPane(
            store,
            self.controller,
            self.catalog,
            self.math,
            new_chat=self._new_chat_defaults,
            first_run=self._make_first_run,
            # Late: the dialog's opener needs the window, which needs this pane.
            open_params=lambda conversation_id: self.params.open(conversation_id),  # noqa: PLW0108
            dark=self.theme.is_dark,
        )
        self.chat_tools.set_approver(self.pane.approve_tool)
        self.sidebar = Sidebar(store)
        extra_handlers: dict[str, Callable[[], None]] = {
            "settings": self.open_settings,
            "keyboard_shortcuts": self.open_help,
            "zoom_in": lambda: self.zoom_text(1),
            "zoom_out": lambda: self.zoom_text(-1),
            "zoom_reset": lambda: self.zoom_text(0),
        }
        enter_sends = config.settings.enter_sends
        if frame is None:
            self.window = MainWindow(
                self.sidebar, self.pane, extra_handlers=extra_handlers, enter_sends=enter_sends
            )
        else:
            self.window = frame
            frame.install(
                self.sidebar, self.pane, extra_handlers=extra_handlers, enter_sends=enter_sends
            )
        self.pane.set_enter_sends(config.settings.enter_sends)
        from app.ui.unsaved_notice import UnsavedNotice

        self.unsaved_notice = UnsavedNotice(self.window, self.controller)
        self.window.ask_before_quitting = lambda: self.unsaved_notice.ask_before_quitting(
            lambda: self.window.quit_app(ask=False)
        )
        self.params = ParamsOpening(
            store=store,
            controller=self.controller,
            catalog=self.catalog,
            pane=self.pane,
            config=lambda: self.config,
            parent=self.window,
        )
        self.settings_opening = SettingsOpening(
            config=lambda: self.config,
            keep_config=self._keep_config,
            apply_settings=self.apply_settings,
            key_changed=self._on_key_changed,
            keys=self.keys,
            runner=self.runner,
            test_connection=self._test_connection,
            catalog=self.catalog,
            desktop=lambda: self.desktop,
            toolbox=self.toolbox,
            store=store,
            sidebar=self.sidebar,
            theme=self.theme,
            trash_kept=TRASH_KEPT,
            report=self._report,
            override_refused=self._override_refused,
            shutting_down=lambda: self._shut_down,
            parent=self.window,
        )
        self.pane.always_run_tool.connect(self.settings_opening.always_run_tool)
        # One UiState for the whole app: each writes its whole file, so two would undo
        # each other's values.
        self.state = state or UiState(config.paths.config_dir / "state.json")
        self.window_place = WindowPlace(self.window, self.state)
        self.window_place.restore(placed=frame is not None)
        # Read before anything is shown: the window starts on a new chat, which is not
        # worth remembering over the conversation of the last run.
        last = self.state.get(LAST_CONVERSATION_KEY)
        self._last_conversation = last if isinstance(last, str) else None
        # With no key the first-run panel is the new chat's: the conversation to open
        # once a key is saved, and the new chat's opening it waits on (see _wait_for_key).
        self._after_key: tuple[str, int] | None = None
        # On every change, not at quit: after a crash or a kill it is still known. The
        # title changes whenever another conversation (or a new chat) is shown.
        self._open_conversation_due = False
        self.pane.title_changed.connect(self._remember_open_conversation)
        self.theme.restyling.connect(self._before_restyle)
        self.theme.changed.connect(self._on_theme)
        self.theme.text_size_changed.connect(self._on_text_size)
        self.window.closing.connect(self.quit)
        self._desktop: QuickDesktop | None = None
        return self.window

    def _remember_open_conversation(self) -> None:
        # Written just after, not while the conversation opens: the file is not worth
        # a slower first paint of a long conversation (a millisecond, a twentieth).
        if not self._open_conversation_due:
            self._open_conversation_due = True
            QTimer.singleShot(0, self._save_open_conversation)

    def _save_open_conversation(self) -> None:
        if self._open_conversation_due:
            self._open_conversation_due = False
            # The one waiting for a key is still the one to reopen next time.
            open_id = self.pane.conversation_id or self._waiting_for_key()
            self.state.set(LAST_CONVERSATION_KEY, open_id)

    def reopen_last_conversation(self) -> None:
        """The conversation open when the app last ended, if it is still there and the
        window still shows the untouched new chat. Called once the parts are in, before
        they are first painted (the start frame showed meanwhile, without the welcome
        line: see app.window_start.show_frame)."""
        wanted, self._last_conversation = self._last_conversation, None
        if wanted is None or self.pane.conversation_id is not None:
            return
        if self.pane.shows_first_run:
            self._after_key = (wanted, self.pane.openings)
            return
        self._open_if_kept(wanted)

    def _open_if_kept(self, conversation_id: str) -> None:
        try:
            conversation = self.store.get_conversation(conversation_id)
        except StoreError:  # deleted for good, or another history: a new chat then
            log.info(
                "The last conversation (%s) is gone: starting with a new chat", conversation_id
            )
            return
        if conversation.deleted_at is None:
            self.window.open_conversation(conversation_id)

    def start_key_check(self) -> None:
        """Once the window has painted: whether there is a key (see ``check_key``)."""
        self._key_check = self.runner.start(self.check_key(), name="key-check")

    async def check_key(self) -> None:
        """With no key for the endpoint, the first-run panel takes the conversation's place.

        Asked from a worker thread, after the first paint: the keyring library's first
        use looks through every installed package for its backends (a fifth of a second
        here), and the keychain itself may ask the user something (unlock, or create a
        keyring); the window must show and answer meanwhile.
        """
        if not await in_own_thread(self._has_key, "key-check"):
            log.info("No API key for %s: the first-run panel shows", self._endpoint_url())
            self._wait_for_key()
            self.pane.show_first_run()
            if self.window.isActiveWindow():
                self.pane.focus_composer()  # the panel's key field
        elif self.pane.shows_first_run:  # asked again for another endpoint: it has one
            self._on_key_changed()

    def _wait_for_key(self) -> None:
        """The conversation reopened at start goes behind the first-run panel, which is
        the new chat's: it showed the panel under the conversation's title (the window's)
        and selected in the list, as if it were the conversation's content. It opens
        once a key is saved (see _on_key_changed)."""
        reopened = self.pane.conversation_id
        if reopened is not None:
            self.window.new_chat()
            self._after_key = (reopened, self.pane.openings)

    def _waiting_for_key(self) -> str | None:
        """The conversation that opens once a key is saved, unless another conversation
        or a new chat was opened since."""
        waiting = self._after_key
        return waiting[0] if waiting is not None and waiting[1] == self.pane.openings else None

    def _make_first_run(self) -> FirstRunPanel:
        """The key and endpoint panel, built the first time it shows."""
        from app.ui.first_run import FirstRunPanel

        panel = FirstRunPanel(
            self.keys,
            self.runner,
            self._test_connection,
            self._endpoint_url(),
            self.config.settings.dialect,
        )
        panel.key_saved.connect(self._on_key_changed)
        panel.open_endpoint_settings.connect(self.settings_opening.open_own_server)
        self.first_run = panel
        return panel

    @property
    def desktop(self) -> QuickDesktop:
        """The quick prompt, the tray and the global shortcuts.

        Built after the window's first paint (see `start_desktop`), or at once when
        something needs it sooner: none of it is worth a slower start.
        """
        if self._desktop is None:
            self._desktop = self._build_desktop()
            self.settings_opening.announce_file_problems(self._desktop.templates_notice)
        return self._desktop

    def start_desktop(self) -> None:
        """Build the tray and the quick prompt and register the global shortcuts."""
        self.desktop.start_hotkeys()

    def on_command(self, command: str, arguments: dict[str, object]) -> None:
        """A command from another `maestrale` started on the same history."""
        self.desktop.on_command(command, arguments)

    def _build_desktop(self) -> QuickDesktop:
        from app.quick.desktop import QuickDesktop
        from app.quick.templates_file import templates_path

        paths = self.config.paths
        desktop = QuickDesktop(
            store=self.store,
            controller=self.controller,
            math=self.math,
            window=self.window,
            settings=self.config.settings,
            templates_path=templates_path(paths.config_dir),
            state=self.state,
            new_chat=self._new_chat_defaults,
            open_conversation=self.window.open_conversation,
            conversation_changed=self.sidebar.conversation_changed,
            report=self._report,
            quit_app=self._quit_from_tray,
            open_key_settings=self.settings_opening.open_for_key,
            model_note=self._deprecation_note,
            dark=self.theme.is_dark,
            tray_available=self._tray_available,
        )
        self.window.close_hides = desktop.keeps_running_in_tray
        return desktop

    def _deprecation_note(self, model: str) -> str | None:
        from app.domain.messages import utc_now

        card = self.catalog.card(model)
        return card.deprecation_note(utc_now()) if card is not None else None

    def _report(self, message: str) -> None:
        if self.window.isVisible():
            from app.ui.toast import Toast

            Toast.show_message(self.window, message, timeout_ms=12000)
        elif self._desktop is not None and self._desktop.tray is not None:
            self._desktop.tray.show_message("Maestrale", message)

    @property
    def closed(self) -> asyncio.Event:
        """Set when the application should end."""
        if self._closed is None:
            import asyncio  # not before the first paint (see run_window)

            self._closed = asyncio.Event()
        return self._closed

    def quit(self) -> None:
        """End the application (a window closed for good)."""
        self.closed.set()

    def _quit_from_tray(self) -> None:
        """The tray's Quit: as Ctrl+Q, asking first about an answer not saved yet (it
        quit at once, that answer lost if the history never freed); the window shows
        for the question."""
        if not self.controller.unsaved_answers():
            self.quit()
            return
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()
        self.window.quit_app()

    # -- pieces -------------------------------------------------------------------------

    def _endpoint_url(self) -> str:
        try:
            return self.config.endpoint().base_url
        except ApiError:
            return self.config.settings.base_url

    def _has_key(self) -> bool:
        if self.config.dialect is Dialect.OPENAI:
            return True
        try:
            return self.keys.lookup(self._endpoint_url()) is not None
        except Exception:  # noqa: BLE001 - no keychain means no key: the panel explains
            return False

    def _new_chat_defaults(self) -> NewChat:
        settings = self.config.settings
        choice = self.catalog.choose(settings.model)
        return NewChat(choice.model, settings.system_prompt or None, settings.chat_params)

    async def _test_connection(
        self, base_url: str, dialect: str, key: str | None
    ) -> list[ModelCard]:
        from app.api.probe import probe_models  # httpx: not needed before this

        # One attempt: a test retried silently kept "Testing…" up four times as long.
        return await probe_models(
            base_url,
            dialect,
            key,
            connect_timeout=self.config.settings.connect_timeout,
            read_timeout=self.config.settings.read_timeout,
        )

    def start_background(self) -> None:
        """Work that must not delay the first paint: model list, warm caches, tools."""
        self.toolbox.start()
        self.models.start()
        self.runner.start(self._warm_up(), name="warm-up")
        self.watch_outside_changes()

    def watch_outside_changes(self, interval_ms: int = OUTSIDE_CHECK_MS) -> None:
        """Show what other programs add to the history (`maestrale ask`, `import`)."""
        timer = QTimer(self.window)
        timer.setInterval(interval_ms)
        timer.timeout.connect(self._notice_outside_changes)
        timer.start()
        self._notice_outside_changes()

    def _notice_outside_changes(self) -> None:
        if self._shut_down or not self.window.isVisible():
            return
        try:
            version = self.store.data_version()
        except StoreError:
            return
        if self._data_version is not None and version != self._data_version:
            self.sidebar.catch_up_in_background()  # the list is compared off the GUI thread
            self.pane.show_outside_changes()
        elif self.pane.outside_change_waiting:
            self.pane.show_outside_changes()
        self._data_version = version

    async def _warm_up(self) -> None:
        import asyncio

        from app.ui.transcript.warm_up import warm_up_rendering, warm_up_text_view

        dark = self.theme.is_dark
        await asyncio.to_thread(warm_up_rendering, dark)  # off the GUI thread
        warm_up_text_view(dark=dark)  # Qt's text classes: the GUI thread only

    async def refresh_models(self) -> None:
        await self.models.refresh()

    def _on_task_error(self, name: str, error: BaseException) -> None:
        # Non-modal on purpose: a modal box would nest an event loop inside a task's
        # completion callback.
        window = getattr(self, "window", None)
        if window is not None:
            from app.ui.toast import Toast

            Toast.show_message(
                window,
                f"Something went wrong ({name}): {error}. "
                f"Details are in {self.config.paths.log_file}.",
                timeout_ms=12000,
            )

    def _on_key_changed(self) -> None:
        self.clients.invalidate()
        self.pane.show_conversation_page()
        waiting, self._after_key = self._waiting_for_key(), None
        if waiting is not None:
            self._open_if_kept(waiting)
        self.models.start()

    def _transcripts(self) -> list[TranscriptView]:
        """Every transcript on screen: the window's, and the quick prompt's once built."""
        views = [self.pane.transcript]
        if self._desktop is not None:
            views.append(self._desktop.quick.transcript)
        return views

    def _before_restyle(self) -> None:
        for view in self._transcripts():
            view.before_restyle()

    def _on_theme(self, dark: bool) -> None:
        self.math.set_colors(dark=dark)
        for view in self._transcripts():
            view.set_dark(dark)

    def _on_text_size(self) -> None:
        self.math.set_text_pixels(QFontInfo(self.app.font()).pixelSize())
        for view in self._transcripts():
            view.text_size_changed()

    def apply_settings(self, settings: Settings) -> None:
        before = (self._endpoint_url(), self.config.settings.dialect)
        self.config = replace(self.config, settings=settings)
        self.clients.invalidate()
        self.catalog.switch_endpoint(self._endpoint_url())
        if self.first_run is not None:
            self.first_run.set_endpoint(self._endpoint_url(), settings.dialect)
        endpoint_changed = (self._endpoint_url(), settings.dialect) != before
        if endpoint_changed and self.pane.shows_first_run:
            # The panel goes if the new endpoint needs no key or has one (it stayed until a
            # restart); a question typed before it came stays in the message field.
            self._key_check = self.runner.start(self.check_key(), name="key-check")
        self.theme.apply_settings(settings)
        self.pane.set_enter_sends(settings.enter_sends)
        self.desktop.apply_settings(settings)
        if settings.tools:
            self.toolbox.start()  # the servers, if they were off
        else:
            self.toolbox.close()
        self.models.start()

    def open_settings(self, page: str | None = None) -> None:
        self.settings_opening.open(page)

    def zoom_text(self, step: int) -> None:
        self.settings_opening.zoom_text(step)

    @property
    def _settings_dialog(self) -> SettingsDialog | None:
        """The Settings window, once first opened."""
        return self.settings_opening.dialog

    def _keep_config(self, config: RuntimeConfig) -> None:
        self.config = config

    def _on_tools_changed(self) -> None:
        self.settings_opening.tools_changed()
        news = self.toolbox.news()
        if news:
            self._report("\n".join(news))

    def open_help(self) -> None:
        from app.ui.help_dialog import HelpDialog

        settings = self.config.settings
        HelpDialog(settings.enter_sends, settings.quick_shortcut, parent=self.window).show()

    async def shutdown(self) -> None:
        """Store answers in progress as interrupted, stop workers, close the history.

        Runs once; later calls do nothing.
        """
        if self._shut_down:
            return
        self._shut_down = True
        self.models.stop()
        self._save_open_conversation()  # if it was still to be written
        self.pane.keep_drafts_before_closing()
        await self.controller.shutdown()
        self.pane.transcript.clear()  # nothing may read the history once it is closed
        if self._desktop is not None:
            self._desktop.quick.transcript.clear()
            self._desktop.close()
        self.sidebar.shutdown()
        self.math.shutdown()
        import asyncio

        await asyncio.to_thread(self.toolbox.close)  # servers get a moment to end
        self.store.close()


__all__ = ["LAST_CONVERSATION_KEY", "Application", "QUrl"]

"""The Settings window, built the first time it opens and linked to the rest of the
window; and the settings changed outside it (the text zoom, a tool's "Always run"),
saved as if chosen there."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer

from app.api.errors import ApiError
from app.config import RuntimeConfig
from app.settings import (
    LoadedSettings,
    Settings,
    endpoint_refusal,
    kept_settings_notice,
    save_settings,
    settings_notice,
)
from app.text_sizes import zoomed_text_size
from app.ui.theme import ThemeController, system_text_size

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from app.chat.catalog import ModelCatalog
    from app.quick.desktop import QuickDesktop
    from app.secrets import ApiKeys
    from app.store.conversations import ConversationStore
    from app.tasks import TaskRunner
    from app.tools.registry import Tool
    from app.tools.toolbox import Toolbox
    from app.ui.settings.connection import ConnectionTest
    from app.ui.settings_dialog import SettingsDialog
    from app.ui.sidebar import Sidebar
    from app.ui.toast import Toast


class SettingsOpening:
    """Opens the one Settings window, and saves what changes outside it.

    ``config`` is the run's configuration as last changed, ``keep_config`` takes its
    replacement once a setting is saved from here; ``apply_settings`` and
    ``key_changed`` are what the window's own changes do to the rest of the app.
    """

    def __init__(
        self,
        *,
        config: Callable[[], RuntimeConfig],
        keep_config: Callable[[RuntimeConfig], None],
        apply_settings: Callable[[Settings], None],
        key_changed: Callable[[], None],
        keys: ApiKeys,
        runner: TaskRunner,
        test_connection: ConnectionTest,
        catalog: ModelCatalog,
        desktop: Callable[[], QuickDesktop],  # built when first asked
        toolbox: Toolbox,
        store: ConversationStore,
        sidebar: Sidebar,
        theme: ThemeController,
        trash_kept: timedelta,
        report: Callable[[str], None],
        override_refused: str | None,
        shutting_down: Callable[[], bool],
        parent: QWidget,
    ) -> None:
        self._config = config
        self._keep_config = keep_config
        self._apply_settings = apply_settings
        self._key_changed = key_changed
        self._keys = keys
        self._runner = runner
        self._test_connection = test_connection
        self._catalog = catalog
        self._desktop = desktop
        self._toolbox = toolbox
        self._store = store
        self._sidebar = sidebar
        self._theme = theme
        self._trash_kept = trash_kept
        self._report = report
        self._override_refused = override_refused  # by this run's --base-url
        self._shutting_down = shutting_down
        self._parent = parent
        self.dialog: SettingsDialog | None = None  # once first opened
        # The file problems' notices still to show, one after the other (a second toast
        # would replace the first at once), each with whether it offers Settings.
        self._waiting: list[tuple[str, bool]] = []
        self._showing: Toast | None = None  # the one of them shown now
        # The zoom keys' size waiting to be applied: presses that come before it is
        # (or while a long conversation is restyled) are merged into one restyle.
        self._zoom_target: int | None = None
        self._zooming = QTimer(parent)
        self._zooming.setSingleShot(True)
        self._zooming.setInterval(0)
        self._zooming.timeout.connect(self._apply_zoom)

    def open(self, page: str | None = None) -> None:
        """The Settings window, on ``page`` if given."""
        dialog = self._build() if self.dialog is None else self.dialog
        desktop = self._desktop()
        dialog.quick_page.set_shortcut_note(desktop.shortcut_note, desktop.shortcut_tone)
        show_page = getattr(dialog, "show_page", None)
        if callable(show_page) and page:
            show_page(page)
        dialog.show()
        dialog.activateWindow()

    def _build(self) -> SettingsDialog:
        from app.ui.settings_dialog import SettingsDialog

        config = self._config()
        desktop = self._desktop()
        sidebar = self._sidebar
        dialog = SettingsDialog(
            settings_path=config.paths.settings_file,
            loaded=config.loaded,
            settings=config.settings,
            keys=self._keys,
            runner=self._runner,
            test_connection=self._test_connection,
            presets_path=config.paths.config_dir / "presets.toml",
            models=self._catalog.chat_models(),
            tray_available=desktop.tray is not None,
            tools=self._toolbox,
            history=self._store,
            trash_kept=self._trash_kept,
            base_url_from=config.base_url_from,
            parent=self._parent,
        )
        dialog.settings_changed.connect(self._apply_settings)
        # Its model fields warn about a default model the endpoint does not serve.
        self._catalog.changed.connect(lambda: dialog.set_models(self._catalog.chat_models()))
        dialog.key_changed.connect(self._key_changed)
        dialog.templates_changed.connect(desktop.set_templates)
        dialog.recording_shortcut.connect(desktop.suspend_hotkeys)
        # A refusal may come after the window opened, or end with the next keys tried.
        desktop.shortcut_note_changed.connect(dialog.quick_page.set_shortcut_note)
        # Restored there, listed again here at once; deleted or undone here, the
        # page's list follows.
        dialog.history_page.restored.connect(sidebar.conversation_changed)
        # Out of the trash there: Undo (its notice, Ctrl+Z) here no longer offers it.
        dialog.history_page.restored.connect(sidebar.forget_deleted)
        dialog.history_page.purged.connect(sidebar.forget_deleted)
        sidebar.conversation_deleted.connect(lambda _id: dialog.history_page.trash_changed())
        sidebar.conversation_restored.connect(lambda _id: dialog.history_page.trash_changed())
        self.dialog = dialog
        return dialog

    def announce_file_problems(self, templates_notice: str | None) -> None:
        """At start, what is wrong with settings.toml and templates.toml, one after the
        other: a second toast would replace the first at once."""
        config = self._config()
        notices = [
            settings_notice(config.paths.settings_file, config.loaded),
            self._override_refused,
        ]
        self._waiting = [(n, True) for n in notices if n]
        if templates_notice:
            self._waiting.append((templates_notice, False))
        self._show_next()

    def _show_next(self) -> None:
        self._showing = None
        if self._shutting_down() or not self._waiting:
            return
        if not self._parent.isVisible():
            waiting, self._waiting = self._waiting, []
            for message, _ in waiting:
                self._report(message)
            return
        from app.ui.toast import Toast

        other = next(
            (
                toast
                for toast in self._parent.findChildren(
                    Toast, options=Qt.FindChildOption.FindDirectChildrenOnly
                )
                if toast.is_open
            ),
            None,
        )
        if other is not None:
            # Another notice took the place (a deletion's Undo, say): the next of ours
            # waits for it to go, not shown over it, nor closing it.
            self._showing = other
            other.dismissed.connect(
                lambda: QTimer.singleShot(0, self._show_next) if self._showing is other else None
            )
            return
        message, offers_settings = self._waiting.pop(0)
        if offers_settings:
            toast = Toast.show_message(
                self._parent,
                message,
                "Open Settings",
                lambda: self.open("endpoint" if self._endpoint_refused() else None),
                timeout_ms=20000,
            )
        else:
            toast = Toast.show_message(self._parent, message, timeout_ms=20000)
        self._showing = toast
        # Next once this one went, a turn later: replaced by another notice, that one
        # is there by then (see above).
        toast.dismissed.connect(
            lambda: QTimer.singleShot(0, self._show_next) if self._showing is toast else None
        )

    def _replace_settings_notice(self, message: str) -> None:
        """``message`` in place of the settings file's notice, now wrong: shown at once,
        and the notices still waiting after it."""
        showing = self._showing
        if showing is not None and showing.is_open:
            self._waiting.insert(0, (message, False))
            showing.dismiss()  # shows the next: ``message``
            return
        self._waiting = [(message, False), *self._waiting]
        self._show_next()

    def _endpoint_refused(self) -> bool:
        saved = self._config().loaded.settings.base_url
        return self._override_refused is not None or endpoint_refusal(saved) is not None

    def open_own_server(self) -> None:
        """The first-run panel's "Use a self-hosted server instead…": the Endpoint page,
        on a server of your own, its address field ready (on Mistral's, the person had
        to find and choose the other option first)."""
        self.open("endpoint")
        if self.dialog is not None:
            self.dialog.endpoint_page.choose_own_server()

    def open_for_key(self) -> None:
        """Settings where answers can be asked again: the endpoint's page when it is
        refused, else its key's."""
        try:
            self._config().endpoint()
        except ApiError:
            self.open("endpoint")
        else:
            self.open("key")

    def tools_changed(self) -> None:
        """The tool servers' news: the Tools page, if built, lists them again."""
        if self.dialog is not None:
            self.dialog.tools_page.refresh()

    def always_run_tool(self, tool: Tool) -> None:
        """The person chose "Always run": saved at once, as any setting."""
        if self.dialog is not None:
            self.dialog.tools_page.add_always_run(tool.key)
            self._flush_dialog(self.dialog, f"that {tool.spec.name} runs without asking")
            return
        settings = self._config().settings
        if tool.key in settings.always_run_tools:
            return
        value = ", ".join(sorted(settings.always_run_tools | {tool.key}))
        self._save_setting(
            f"{tool.spec.name} runs without asking until Maestrale closes",
            f"that {tool.spec.name} runs without asking",
            tools_always_run=value,
        )

    def zoom_text(self, step: int) -> None:
        """Ctrl++, Ctrl+- and Ctrl+0: all of the app's text a size larger (1), smaller
        (-1) or back to the system's size (0); kept as the text size setting, as if
        chosen in Settings → Appearance.

        Applied on the next turn of the event loop: the presses that come meanwhile (held
        down, or queued while a long message was restyled) step from the size waiting,
        and only the last size is applied, once."""
        font_size = self._config().settings.font_size
        current = font_size if self._zoom_target is None else self._zoom_target
        size = zoomed_text_size(current, system_text_size(), step)
        if size == current:
            return
        self._zoom_target = size
        self._zooming.start()

    def _apply_zoom(self) -> None:
        size, self._zoom_target = self._zoom_target, None
        if size is None or size == self._config().settings.font_size:
            return
        if self.dialog is not None:  # it shows the size and saves it
            self.dialog.appearance_page.show_font_size(size)
            self._flush_dialog(self.dialog, "the text size")
            return
        self._save_setting(
            "The text size is used until Maestrale closes", "the text size", font_size=size
        )
        self._theme.apply_settings(self._config().settings)

    def _flush_dialog(self, dialog: SettingsDialog, saving: str) -> None:
        """Save through the Settings window (it shows the setting); a file it kept aside
        is said in a notice too when the window is closed (review: said only inside the
        hidden window, the start notice saying "could not be read" went on)."""
        dialog.flush()
        kept = dialog.kept_by_last_flush
        if kept is not None and not dialog.isVisible():
            path = self._config().paths.settings_file
            self._replace_settings_notice(kept_settings_notice(path, kept, saving))

    def _save_setting(self, until_closed: str, saving: str, **values: object) -> None:
        """Settings changed outside the Settings window: in effect at once, and written
        to the settings file; when it cannot be, the toast starts with
        ``until_closed`` and says why. A file kept aside first (it could not be
        written back as it was) is announced, ``saving`` saying what was saved."""
        config = self._config()
        loaded = config.loaded
        in_file = loaded.settings.with_values(**values)
        config = replace(
            config,
            settings=config.settings.with_values(**values),
            loaded=LoadedSettings(in_file, unknown=loaded.unknown),
        )
        self._keep_config(config)
        path = config.paths.settings_file
        try:
            kept = save_settings(path, loaded, in_file)
        except OSError as error:
            self._report(f"{until_closed}: {path} could not be saved ({error.strerror or error}).")
            return
        if kept is not None:
            self._replace_settings_notice(kept_settings_notice(path, kept, saving))

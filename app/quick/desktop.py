"""The quick prompt's place in the desktop: its window, the global shortcuts, the tray,
and the commands a second start or ``maestrale quick`` hands to the running instance."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMainWindow

from app.chat.controller import ChatController, NewChat
from app.quick.hotkeys import (
    HotkeyBackend,
    HotkeyError,
    KeySequence,
    Unavailable,
    create_backend,
    parse_sequence,
)
from app.quick.hotkeys.backend import advised, desktop_command
from app.quick.popup import QuickWindow
from app.quick.templates import Template
from app.quick.templates_file import load_notice, load_templates
from app.quick.tray import Tray
from app.settings import Settings
from app.state import UiState
from app.store.conversations import ConversationStore
from app.ui.transcript.math_images import MathImages

log = logging.getLogger(__name__)

QUICK_ID = "quick"
TEMPLATE_PREFIX = "template:"


class QuickDesktop(QObject):
    """Owns the quick window, the tray icon and the global shortcuts.

    Args:
        window: the main window (shown, hidden, brought to the front from here).
        open_conversation: opens a conversation in the main window.
        conversation_changed: tells the sidebar a conversation changed (kind, title).
        report: shows a message to the user (a toast on the main window).
        quit_app: ends the application properly.
        tray_available: whether the desktop has a system tray (asked once, here).
        open_key_settings: opens the settings where a missing key (or a refused
            endpoint) is put right; the quick window offers it when it cannot ask.
        model_note: a model's deprecation note (None: none), said when asked of it.

    Signals:
        shortcut_note_changed(str, str): ``shortcut_note`` and ``shortcut_tone`` changed
            (Settings → Quick prompts shows them while open).
    """

    shortcut_note_changed = Signal(str, str)

    def __init__(
        self,
        *,
        store: ConversationStore,
        controller: ChatController,
        math: MathImages,
        window: QMainWindow,
        settings: Settings,
        templates_path: Path,
        state: UiState,
        new_chat: Callable[[], NewChat],
        open_conversation: Callable[[str], None],
        conversation_changed: Callable[[str], None],
        report: Callable[[str], None],
        quit_app: Callable[[], None],
        open_key_settings: Callable[[], None],
        model_note: Callable[[str], str | None] | None = None,
        dark: bool = False,
        tray_available: Callable[[], bool] = Tray.available,
    ) -> None:
        super().__init__()
        self._store = store
        self._window = window
        self._settings = settings
        self._open_conversation = open_conversation
        self._conversation_changed = conversation_changed
        self._report = report
        self._quit_app = quit_app
        self._templates_path = templates_path
        self._templates, problems = load_templates(templates_path)
        for problem in problems:
            log.warning("%s", problem)
        # For the user, once the app can show it (see Application.desktop).
        self.templates_notice = load_notice(templates_path, problems)
        self.quick = QuickWindow(
            store,
            controller,
            math,
            new_chat=new_chat,
            templates=lambda: self._templates,
            state=state,
            open_key_settings=open_key_settings,
            model_note=model_note,
            dark=dark,
        )
        self.quick.continue_in_main.connect(self._continue_in_main)
        self.hotkeys: HotkeyBackend | None = None
        self.tray: Tray | None = None
        if tray_available():
            self.tray = Tray(
                lambda: self._templates,
                window_visible=self._any_window_visible,
                shortcut_of=self._working_shortcut,
            )
            self.tray.new_chat.connect(self._new_chat)
            self.tray.quick_prompt.connect(self.summon)
            self.tray.template_chosen.connect(lambda name: self.summon(name, run=True))
            self.tray.toggle_window.connect(self.toggle_window)
            self.tray.quit.connect(quit_app)
            self.tray.answer_clicked.connect(self.show_answer)
            self.tray.notify_when_hidden = settings.notify_when_hidden
            controller.streaming_changed.connect(self.tray.on_streaming)
            controller.answer_finished.connect(self._on_finished)
            self.tray.show()
        self.shortcut_note = ""  # for Settings → Quick prompts
        self.shortcut_tone = "info"

    # -- global shortcuts ----------------------------------------------------------------

    def start_hotkeys(self) -> None:
        backend = _pick_backend(self)
        if isinstance(backend, Unavailable):
            commands = "\n".join(
                [f"  {desktop_command()}"]
                + [f"  {desktop_command(t.name)}" for t in self._templates]
            )
            self._note(
                f"{backend.reason} Bind these commands in your desktop's own keyboard "
                f"shortcut settings instead:\n{commands}",
                "warning",
            )
            return
        self.hotkeys = backend
        backend.activated.connect(self._on_hotkey)
        backend.failed.connect(self._on_hotkey_failed)
        self._register_all()

    def _register_all(self) -> None:
        backend = self.hotkeys
        if backend is None:
            return
        backend.unregister_all()
        self._note("")
        wanted = [(QUICK_ID, self._settings.quick_shortcut, "Show the quick prompt")]
        wanted += [
            (TEMPLATE_PREFIX + t.name, t.shortcut, f"Run the template {t.name}")
            for t in self._templates
            if t.shortcut
        ]
        quick = _parsed(self._settings.quick_shortcut)
        for hotkey_id, sequence, description in wanted:
            if not sequence:
                continue
            if hotkey_id != QUICK_ID and quick is not None and _parsed(sequence) == quick:
                # Said here, by name: the backend only knows its ids ("quick").
                self._tell(
                    f"The template “{hotkey_id.removeprefix(TEMPLATE_PREFIX)}” cannot use "
                    f"{quick}: it is Maestrale's shortcut for the quick prompt; "
                    f"{self._template_advice()}",
                )
                continue
            try:
                backend.register(hotkey_id, sequence, description=description)
            except HotkeyError as error:
                self._on_hotkey_failed(hotkey_id, str(error))
        log.info("Global shortcuts registered with %s", type(backend).__name__)

    def _working_shortcut(self, template: str | None) -> str:
        """The global shortcut of the quick prompt (None) or of a template, if it works:
        registered, not refused, not left for the desktop's own settings to bind."""
        if self.hotkeys is None:
            return ""
        hotkey_id = QUICK_ID if template is None else TEMPLATE_PREFIX + template
        return self.hotkeys.registered().get(hotkey_id, "")

    def _on_hotkey(self, hotkey_id: str) -> None:
        if hotkey_id == QUICK_ID:
            self.summon()
        elif hotkey_id.startswith(TEMPLATE_PREFIX):
            self.summon(hotkey_id.removeprefix(TEMPLATE_PREFIX), run=True)

    def _on_hotkey_failed(self, hotkey_id: str, message: str) -> None:
        if hotkey_id.startswith(TEMPLATE_PREFIX):
            # Which of the templates: the message names only the keys. Its advice was the
            # quick prompt's, Settings → Quick prompts, where no template's key is set.
            name = hotkey_id.removeprefix(TEMPLATE_PREFIX)
            said = advised(message, self._template_advice())
            # Shortcuts unavailable: the command to bind is the template's own.
            said = said.replace(f"“{desktop_command()}”", f"“{desktop_command(name)}”")
            message = f"Template “{name}”: {said}"
        self._tell(message)

    def _template_advice(self) -> str:
        return (
            "choose another key for it in Settings → Templates, or change its shortcut "
            f"in {self._templates_path}."
        )

    def _tell(self, message: str) -> None:
        self._note(message, "error")
        self._report(message)

    def _note(self, text: str, tone: str = "info") -> None:
        if (text, tone) == (self.shortcut_note, self.shortcut_tone):
            return
        self.shortcut_note, self.shortcut_tone = text, tone
        self.shortcut_note_changed.emit(text, tone)

    # -- commands and actions ------------------------------------------------------------

    def on_command(self, command: str, arguments: dict[str, object]) -> None:
        """From a second start ("show", or "new-chat" with --new-chat) or ``maestrale
        quick`` ("quick")."""
        if command == "quick":
            template = arguments.get("template")
            self.summon(template if isinstance(template, str) else None, run=True)
        elif command == "new-chat":
            self._new_chat()
        else:
            self.show_window()

    def summon(self, template: str | None = None, *, run: bool = False) -> None:
        """The quick prompt; with ``template`` chosen, and run at once when ``run`` (a
        template waiting for typed text is only chosen: see ``QuickWindow.summon``)."""
        self.quick.summon(template, run=run)

    def show_window(self) -> None:
        window = self._window
        if window.isMinimized():
            window.showNormal()
        else:
            window.show()
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
        window.raise_()
        window.activateWindow()
        # Brought forward to type: keys must not land on a button (Space would press it).
        ready = getattr(window, "ready_to_type", None)
        if callable(ready):
            ready()

    def toggle_window(self) -> None:
        if self._window.isVisible() and not self._window.isMinimized():
            self._window.hide()
        else:
            self.show_window()

    def _new_chat(self) -> None:
        self.show_window()
        new_chat = getattr(self._window, "new_chat", None)
        if callable(new_chat):
            new_chat()

    def show_answer(self, conversation_id: str) -> None:
        """Show a finished answer where it was asked (its notification was clicked).

        As in mail and chat apps, a notification leads to the very thing it announced:
        the quick window's own exchange comes back in the quick window (the text to copy
        is there, and Continue in Maestrale still works); any other conversation opens
        in the main window.
        """
        if conversation_id == self.quick.conversation_id:
            self.quick.reveal()
            return
        self.show_window()
        self._open_conversation(conversation_id)

    def _continue_in_main(self, conversation_id: str, typed: str) -> None:
        self._store.set_kind(conversation_id, "chat")
        self._conversation_changed(conversation_id)
        self.show_window()
        self._open_conversation(conversation_id)
        pane = getattr(self._window, "pane", None)
        if typed.strip() and pane is not None:
            pane.composer.set_text(typed)  # a follow-up begun in the quick window

    def _on_finished(self, message: object) -> None:
        if self.tray is None:
            return
        from app.domain.messages import Message

        if isinstance(message, Message):
            title = self._store.get_conversation(message.conversation_id).title
            self.tray.on_finished(message, title)

    def _any_window_visible(self) -> bool:
        return self._window.isVisible() or self.quick.isVisible()

    # -- settings -----------------------------------------------------------------------

    @property
    def templates(self) -> list[Template]:
        return list(self._templates)

    def set_templates(self, templates: list[Template]) -> None:
        self._templates = list(templates)
        self._register_all()

    def suspend_hotkeys(self, suspended: bool) -> None:
        """Release the global shortcuts while a settings field records keys (a grab
        would take the very keys being recorded), and take them again after."""
        backend = self.hotkeys
        if backend is None or not backend.releases_to_record:
            return
        if suspended:
            backend.unregister_all()
        else:
            self._register_all()

    def apply_settings(self, settings: Settings) -> None:
        changed = settings.quick_shortcut != self._settings.quick_shortcut
        self._settings = settings
        if self.tray is not None:
            self.tray.notify_when_hidden = settings.notify_when_hidden
        if changed:
            self._register_all()

    def keeps_running_in_tray(self) -> bool:
        """Closing the main window only hides it: the setting is on and a tray exists."""
        return self._settings.close_to_tray and self.tray is not None

    def close(self) -> None:
        if self.hotkeys is not None:
            self.hotkeys.close()
            self.hotkeys = None
        if self.tray is not None:
            self.tray.hide()
        self.quick.hide()


def _parsed(sequence: str | None) -> KeySequence | None:
    try:
        return parse_sequence(sequence) if sequence else None
    except HotkeyError:
        return None


def _pick_backend(parent: QObject) -> HotkeyBackend | Unavailable:
    # Under XWayland, X11 grabs only work while one of our own windows has the focus:
    # on a Wayland session, ask the desktop portal first.
    if os.environ.get("WAYLAND_DISPLAY"):
        portal = create_backend(parent, platform="wayland", app_id="maestrale")
        if not isinstance(portal, Unavailable):
            return portal
    return create_backend(parent, app_id="maestrale")

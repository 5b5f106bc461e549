"""The tray icon: New chat, Quick prompt, the templates, Show/Hide, Quit; and a note
when a long answer finishes while the window is hidden."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from app.domain.messages import Message
from app.ui.icons import icon

if TYPE_CHECKING:
    from app.quick.templates import Template

LONG_ANSWER_S = 8.0  # an answer worth a notification when the window was hidden


class Tray(QObject):
    """Signals: new_chat(), quick_prompt(), template_chosen(str), toggle_window(), quit(),
    answer_clicked(str) (the notification of this conversation's answer was clicked)."""

    new_chat = Signal()
    quick_prompt = Signal()
    template_chosen = Signal(str)
    toggle_window = Signal()
    quit = Signal()
    answer_clicked = Signal(str)

    def __init__(
        self,
        templates: Callable[[], Sequence[Template]],
        *,
        window_visible: Callable[[], bool],
        shortcut_of: Callable[[str | None], str] = lambda _template: "",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``shortcut_of(template name, or None for the quick prompt)``: the global
        shortcut that works for it now, as portable text ("" for none)."""
        super().__init__()
        self._templates = templates
        self._window_visible = window_visible
        self._shortcut_of = shortcut_of
        self._clock = clock
        self._started: dict[str, float] = {}
        self._notified: str | None = None  # whose answer the notification shown is about
        self.notify_when_hidden = True
        self.icon = QSystemTrayIcon(icon("app"))
        self.icon.setToolTip("Maestrale")
        self.menu = QMenu()
        self.menu.aboutToShow.connect(self._fill)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._on_activated)
        self.icon.messageClicked.connect(self._on_message_clicked)
        self._fill()

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def _fill(self) -> None:
        """Rebuilt on every opening: templates may have changed in Settings."""
        self.menu.clear()
        self._action("New chat", self.new_chat.emit, "new-chat")
        self._action(self._with_keys("Quick prompt", None), self.quick_prompt.emit, "search")
        templates = list(self._templates())
        if templates:
            submenu = self.menu.addMenu("Templates")
            for template in templates:
                action = QAction(self._with_keys(template.name, template.name), submenu)
                action.triggered.connect(
                    lambda _checked=False, name=template.name: self.template_chosen.emit(name)
                )
                submenu.addAction(action)
        self.menu.addSeparator()
        self._action(
            "Hide Maestrale" if self._window_visible() else "Show Maestrale",
            self.toggle_window.emit,
        )
        self._action("Quit", self.quit.emit)

    def _with_keys(self, text: str, template: str | None) -> str:
        """``text`` and the entry's global shortcut after a tab: menus show it in their
        shortcut column. Not QAction.setShortcut, which would bind the keys in the app
        as well; global shortcuts already work everywhere."""
        keys = self._shortcut_of(template)
        if not keys:
            return text
        native = QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)
        return f"{text}\t{native}"

    def _action(self, text: str, slot: Callable[[], None], icon_name: str | None = None) -> None:
        action = QAction(text, self.menu)
        if icon_name:
            action.setIcon(icon(icon_name))
        action.triggered.connect(slot)
        self.menu.addAction(action)

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason is QSystemTrayIcon.ActivationReason.Trigger:
            self.toggle_window.emit()

    # -- notifications ------------------------------------------------------------------

    def on_streaming(self, conversation_id: str, busy: bool) -> None:
        if busy:
            self._started[conversation_id] = self._clock()

    def on_finished(self, message: Message, title: str) -> bool:
        """Notify of a finished answer if it was long and nobody was looking; True if so."""
        started = self._started.pop(message.conversation_id, None)
        if (
            not self.notify_when_hidden
            or started is None
            or self._clock() - started < LONG_ANSWER_S
            or self._window_visible()
            or not self.icon.isVisible()
        ):
            return False
        snippet = " ".join(message.content.split())[:140]
        self.icon.showMessage(
            f"Answer ready: {title}", snippet or "The answer has finished.", icon("app"), 8000
        )
        self._notified = message.conversation_id
        return True

    def show_message(self, title: str, text: str) -> None:
        """A notification that is not about an answer (clicking it opens nothing)."""
        self._notified = None
        self.icon.showMessage(title, text, icon("app"), 12000)

    def _on_message_clicked(self) -> None:
        # Qt says only that "the" notification was clicked: the last one shown.
        conversation_id, self._notified = self._notified, None
        if conversation_id is not None:
            self.answer_clicked.emit(conversation_id)

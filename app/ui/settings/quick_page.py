"""The Quick prompts page: the quick window's global shortcut, the tray, notifications.

Also home of ``ShortcutEdit``, the one-combination key recorder the Templates page uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QKeySequenceEdit,
    QWidget,
)

from app.quick.hotkeys.sequence import HotkeyError, parse_sequence
from app.quick.templates import TemplateError, normalize_shortcut
from app.settings import OPTIONS_BY_NAME, Settings
from app.ui.settings.fitting import Beside, LabelledRows
from app.ui.settings.form import Card, Page, StatusLine, button, label
from app.ui.shortcuts import taken_by_app
from app.ui.wrapping_buttons import WrappingCheckBox


class ShortcutEdit(Beside):
    """Records one key combination (as portable text, "Ctrl+Alt+S"), with a Clear button
    beside it, or under it where the page is narrow.

    As in the desktops' own key recorders, Esc cancels (the keys stay as they were; a
    second Esc goes to the window, closing a dialog) and Backspace or Delete clear.

    Signals:
        edited(str): the user recorded keys or cleared them ("" for none).
        recording(bool): the field took (True) or left (False) the keyboard focus.
    """

    edited = Signal(str)
    recording = Signal(bool)

    LEAST = 180  # px: the field's least width at the normal text size
    SAMPLE = "Ctrl+Alt+Space"  # keys the field shows whole at any text size

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        keys = QKeySequenceEdit()
        clear_button = button("Clear", icon_name="x")
        super().__init__(keys, clear_button, spacing=8, parent=parent)
        self.keys = keys
        self.keys.setMaximumSequenceLength(1)  # a global shortcut is one combination
        self.keys.setAccessibleName(accessible_name)
        self.clear_button = clear_button
        self.clear_button.setAccessibleName(
            f"Clear {accessible_name[:1].lower()}{accessible_name[1:]}"
        )
        self.clear_button.setToolTip("No shortcut")
        self._fit_to_font()
        self.keys.keySequenceChanged.connect(self._on_recorded)
        self.clear_button.clicked.connect(self.on_clear_clicked)
        self._recording = False
        self._escape_cancels = True
        self.keys.installEventFilter(self)
        app = QApplication.instance()
        if isinstance(app, QApplication):  # the field's focus is its inner line edit's
            app.focusChanged.connect(self._on_focus_changed)
        self._sync()

    def _fit_to_font(self) -> None:
        """The field's least width for the text size: a fixed 180 px cut "Ctrl+Alt+Space"
        at 24 pt."""
        metrics = self.keys.fontMetrics()
        self.keys.setMinimumWidth(max(self.LEAST, metrics.horizontalAdvance(self.SAMPLE) + 32))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_to_font()

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        recording = new is not None and (new is self.keys or self.keys.isAncestorOf(new))
        if recording != self._recording:
            self._recording = recording
            self.recording.emit(recording)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.keys:
            if event.type() == QEvent.Type.FocusIn:
                self._escape_cancels = True
            elif event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
                return self._on_key_press(event)
        return super().eventFilter(watched, event)

    def _on_key_press(self, event: QKeyEvent) -> bool:
        """True when the key is the field's own command, not keys to record."""
        bare = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        key = event.key()
        if bare and key == Qt.Key.Key_Escape:
            if self._escape_cancels:
                self._escape_cancels = False
                return True  # the recording is cancelled: nothing recorded, nothing saved
            # Ignored, the key press goes on to the parents: the dialog closes.
            event.ignore()
            return True
        self._escape_cancels = True
        if bare and key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            self.on_clear_clicked()
            return True
        return False

    def shortcut(self) -> str:
        """What the field shows, as portable text; "" when empty."""
        return self.keys.keySequence().toString(QKeySequence.SequenceFormat.PortableText)

    def set_shortcut(self, text: str | None) -> None:
        """Show ``text`` without emitting ``edited``."""
        with QSignalBlocker(self.keys):
            self.keys.setKeySequence(QKeySequence(text or ""))
        self._sync()

    def record(self, text: str) -> None:
        """As if the user pressed these keys (for tests and scripted use)."""
        self.keys.setKeySequence(QKeySequence(text))

    def on_clear_clicked(self) -> None:
        with QSignalBlocker(self.keys):
            self.keys.clear()
        self._sync()
        self.edited.emit("")

    def _on_recorded(self, _sequence: QKeySequence) -> None:
        self._sync()
        if not self.shortcut():
            # Qt empties the field as a new recording starts: not a choice of "none"
            # (that is Backspace, Delete or Clear). Taken as one, a recording then
            # refused left the user with no shortcut at all.
            return
        self.edited.emit(self.shortcut())

    def _sync(self) -> None:
        self.clear_button.setEnabled(bool(self.shortcut()))


class QuickPage(Page):
    """``values()`` gives quick_shortcut, close_to_tray and notify_when_hidden.

    A recorded shortcut that is not usable (a bare letter, one of the app's own
    shortcuts, one a template already runs) is shown as an error and not saved; the
    previous one stays in effect.

    Without a system tray (``tray_available`` False) the tray options cannot work: they
    are off and disabled, with a line saying why, and their saved values are kept for a
    desktop that has one.

    Signals:
        changed(): a valid value changed.
    """

    changed = Signal()

    def __init__(
        self, settings: Settings, *, tray_available: bool = True, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            "Quick prompts",
            "Ask from any program: a shortcut opens a small window over it. Type / there "
            "to pick a template; templates with a shortcut of their own run at once.",
            parent,
        )
        self._shortcut = settings.quick_shortcut
        self._settings = settings
        self.tray_available = tray_available
        self._template_shortcuts: dict[str, str] = {}
        default = OPTIONS_BY_NAME["quick_shortcut"].default

        card = Card()
        card.body.addWidget(label("Quick window", "section"))
        self.shortcut = ShortcutEdit("Quick window shortcut")
        self.shortcut.set_shortcut(settings.quick_shortcut)
        field = QWidget()  # the field as wide as it asks, at the left of its column
        row = QHBoxLayout(field)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.shortcut)
        row.addStretch(1)
        caption = label("Shortcut", wrap=False)
        caption.setBuddy(self.shortcut.keys)
        self.shortcut_problem = StatusLine()
        how = label(
            f"Click the field and press the keys; the default is {default}. Without a "
            "shortcut, open the quick window "
            + ("from the tray icon or " if tray_available else "")
            + "with the command maestrale quick.",
            "muted",
        )
        self.rows = LabelledRows(
            [(caption, field), (None, self.shortcut_problem), (None, how)], spacing=8
        )
        card.body.addWidget(self.rows)
        self.shortcut_note = StatusLine()
        card.body.addWidget(self.shortcut_note)
        self.body.addWidget(card)

        tray = Card(spacing=10)
        tray.body.addWidget(label("Tray and notifications", "section"))
        # Short labels, the details in a line under each: a check box does not wrap, and
        # with large text a long one made the page wider than the window.
        self.close_to_tray = WrappingCheckBox("Keep running in the tray")
        self.close_to_tray.setToolTip(OPTIONS_BY_NAME["close_to_tray"].help)
        tray.body.addWidget(self.close_to_tray)
        self.close_to_tray_detail = label(
            "Closing the window keeps Maestrale in the tray so shortcuts keep working. "
            "Quit from the tray menu or with Ctrl+Q."
            if tray_available
            else "No system tray on this desktop: closing the window quits Maestrale.",
            "muted",
        )
        tray.body.addWidget(self.close_to_tray_detail)
        self.notify_when_hidden = WrappingCheckBox("Notify me when an answer is ready")
        self.notify_when_hidden.setToolTip(OPTIONS_BY_NAME["notify_when_hidden"].help)
        tray.body.addWidget(self.notify_when_hidden)
        self.notify_detail = label(
            "While Maestrale is hidden or in the tray, a notification says so."
            if tray_available
            else "Notifications need a system tray too.",
            "muted",
        )
        tray.body.addWidget(self.notify_detail)
        self.body.addWidget(tray)
        for box, on in (
            (self.close_to_tray, settings.close_to_tray),
            (self.notify_when_hidden, settings.notify_when_hidden),
        ):
            # Off where they cannot work: a ticked box would promise what does not happen.
            box.setChecked(on and tray_available)
            box.setEnabled(tray_available)

        self.shortcut.edited.connect(self._on_shortcut_edited)
        self.close_to_tray.toggled.connect(lambda _on: self.changed.emit())
        self.notify_when_hidden.toggled.connect(lambda _on: self.changed.emit())

    def set_shortcut_note(self, text: str, tone: str = "info") -> None:
        """Show a note under the shortcut ("" hides it): how to bind the shortcut where
        Maestrale cannot (the command to run), or that the keys are taken by another
        program. ``tone`` is "info", "warning" or "error"."""
        if text:
            self.shortcut_note.show_message(tone, text)
        else:
            self.shortcut_note.clear()

    def set_template_shortcuts(self, shortcuts: Mapping[str, str]) -> None:
        """The shortcuts templates run (shortcut text -> template name), refused here."""
        self._template_shortcuts = dict(shortcuts)

    def _on_shortcut_edited(self, text: str) -> None:
        if not text:
            self.shortcut_problem.clear()
            self._accept("")
            return
        try:
            shortcut = normalize_shortcut(text)
        except TemplateError as error:
            self._refuse(f"{error}.")
            return
        try:  # what every desktop would refuse (a key without modifiers) is not saved
            parse_sequence(shortcut)
        except HotkeyError as error:
            self._refuse(str(error))
            return
        taken = taken_by_app(shortcut)
        if taken is not None:
            self._refuse(f"{taken}: choose other keys.")
            return
        owner = self._template_shortcuts.get(shortcut)
        if owner is not None:
            self._refuse(f"{shortcut} already runs the template {owner!r}: choose other keys.")
            return
        self.shortcut_problem.clear()
        self._accept(shortcut)

    def _refuse(self, why: str) -> None:
        """Say why; the field shows again the shortcut still in effect."""
        self.shortcut_problem.show_message("error", why)
        self.shortcut.set_shortcut(self._shortcut)

    def _accept(self, shortcut: str) -> None:
        if shortcut != self._shortcut:
            self._shortcut = shortcut
            self.changed.emit()

    def values(self) -> dict[str, Any]:
        if not self.tray_available:  # kept as saved, for a desktop that has a tray
            return {
                "quick_shortcut": self._shortcut,
                "close_to_tray": self._settings.close_to_tray,
                "notify_when_hidden": self._settings.notify_when_hidden,
            }
        return {
            "quick_shortcut": self._shortcut,
            "close_to_tray": self.close_to_tray.isChecked(),
            "notify_when_hidden": self.notify_when_hidden.isChecked(),
        }

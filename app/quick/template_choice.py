"""Templates in the quick window: the "/" list that completes their names as they are
typed, the chip of the one chosen (its tooltip quotes the clipboard or selection it will
use), and the prompt and chat settings it makes.

Part of QuickWindow, as a mixin: it works on the window's parts (declared below for
the type checker; the window defines them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QPushButton, QWidget

from app.chat.controller import NewChat
from app.quick.quick_input import PLACEHOLDER, PLACEHOLDER_INPUT, PLACEHOLDER_RUN, QuickInput

if TYPE_CHECKING:
    from app.quick.templates import Template
    from app.ui.transcript.view import TranscriptView

    _Window = QWidget
else:
    _Window = object


class TemplateChoice(_Window):
    # The window's; declared for the type checker.
    input: QuickInput
    completions: QListWidget
    chip: QPushButton
    transcript: TranscriptView
    _templates: Callable[[], Sequence[Template]]
    _template: Template | None
    _new_chat: Callable[[], NewChat]
    _read_clipboard: Callable[[], str | None]
    _read_selection: Callable[[], str | None]
    _list_room: tuple[int, int] | None

    if TYPE_CHECKING:

        def _fit_height(self) -> None: ...
        def _show_notice(self, text: str, *, settings: bool = False) -> None: ...

    def _on_text_changed(self) -> None:
        text = self.input.toPlainText()
        if self._template is None and text.startswith("/") and "\n" not in text:
            self._fill_completions(text[1:])
        else:
            self._close_completions()

    def _fill_completions(self, typed: str) -> None:
        from app.quick.templates import complete

        self.completions.clear()
        for template in complete(self._templates(), typed.strip()):
            item = QListWidgetItem(f"{template.name}    {template.description}".rstrip())
            item.setData(Qt.ItemDataRole.UserRole, template.name)
            self.completions.addItem(item)
        if self.completions.count():
            if self.completions.isHidden() and self.transcript.isVisible():
                # Taken before showing the list: that grows the window at once.
                self._list_room = (self.height(), self.height())
            self.completions.setCurrentRow(0)
            self.completions.show()
            self.input.completing = True
            self._fit_height()
        else:
            self._close_completions()

    def _close_completions(self) -> None:
        self.completions.hide()
        self.input.completing = False
        self._fit_height()

    def _move_completion(self, step: int) -> None:
        row = (self.completions.currentRow() + step) % max(1, self.completions.count())
        self.completions.setCurrentRow(row)

    def _template_named(self, name: str) -> Template | None:
        from app.quick.templates import find_template

        return find_template(self._templates(), name)

    def _choose_item(self, item: QListWidgetItem) -> None:
        template = self._template_named(str(item.data(Qt.ItemDataRole.UserRole)))
        if template is not None:
            self._set_template(template)
            self.input.clear()
            self.input.setFocus()

    def _set_template(self, template: Template) -> None:
        from app.quick.template_chip import chip_accessible_name, chip_label
        from app.quick.templates import waits_for_input

        self._template = template
        self.chip.setText(chip_label(template))
        self.chip.setAccessibleName(chip_accessible_name(template))
        self._show_chip_sources()
        self.chip.show()
        self.input.setPlaceholderText(
            PLACEHOLDER_INPUT if waits_for_input(template) else PLACEHOLDER_RUN
        )
        self._close_completions()

    def _show_chip_sources(self) -> None:
        """The chip's tooltip quotes the text the template will use, as it is now."""
        from app.quick.template_chip import chip_tooltip, sources

        if self._template is None:
            return
        used = sources(self._template)
        texts = {
            "clipboard": self._read_clipboard() if "clipboard" in used else None,
            "selection": self._read_selection() if "selection" in used else None,
        }
        tip = chip_tooltip(self._template, texts)
        self.chip.setToolTip(tip)
        self.chip.setAccessibleDescription(tip)  # the quote, read out too

    def _on_clipboard_changed(self) -> None:
        # Copied or selected anew while the window shows (Copy answer, say): the quote
        # follows; hidden, the next summon reads it again.
        if self._template is not None and self.isVisible():
            self._show_chip_sources()

    def clear_template(self) -> None:
        self._template = None
        self.chip.hide()
        self.input.setPlaceholderText(PLACEHOLDER)

    def _prompt(self, typed: str | None) -> str | None:
        """The text to send, or None (with a notice) when it cannot be made."""
        typed = typed if typed is not None and typed.strip() else None
        if self._template is None:
            return typed
        from app.quick.templates import EmptyPlaceholder, expand

        try:
            return expand(
                self._template.prompt,
                clipboard=self._read_clipboard(),
                selection=self._read_selection(),
                input=typed,
            )
        except EmptyPlaceholder as empty:
            self._show_notice(str(empty))
            return None

    def _chat_for_template(self) -> NewChat:
        base = self._new_chat()
        template = self._template
        if template is None:
            return NewChat(base.model, base.system_prompt, base.params, kind="quick")
        params = base.params
        if template.temperature is not None:
            from dataclasses import replace

            params = replace(params, temperature=template.temperature)
        return NewChat(template.model or base.model, base.system_prompt, params, kind="quick")


def clipboard_text() -> str | None:
    return QGuiApplication.clipboard().text() or None


def selection_text() -> str | None:
    clipboard = QGuiApplication.clipboard()
    if not clipboard.supportsSelection():
        return None
    from PySide6.QtGui import QClipboard

    return clipboard.text(QClipboard.Mode.Selection) or None

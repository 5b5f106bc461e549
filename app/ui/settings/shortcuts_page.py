"""The Keyboard shortcuts page: the shortcut table, read-only and searchable."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.ui.help_dialog import ShortcutList, search_field
from app.ui.settings.form import Page


class ShortcutsPage(Page):
    def __init__(
        self, enter_sends: bool, quick_shortcut: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            "Keyboard shortcuts",
            "Everything you can do from the keyboard. Press Ctrl+/ in the main window to see "
            "this list at any time.",
            parent,
        )
        self.search = search_field("Search shortcuts")
        self.search.setAccessibleName("Search shortcuts")
        self.shortcuts = ShortcutList(enter_sends, quick_shortcut)
        self.body.addWidget(self.search)
        self.body.addWidget(self.shortcuts)
        self.search.textChanged.connect(self.shortcuts.set_filter)

    def set_enter_sends(self, enter_sends: bool) -> None:
        self.shortcuts.set_enter_sends(enter_sends)

    def set_quick_shortcut(self, keys: str) -> None:
        self.shortcuts.set_quick_shortcut(keys)

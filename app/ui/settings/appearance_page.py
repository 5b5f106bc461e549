"""The Appearance page: theme, text size, and which key sends a message."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from app.appearance import MAX_FONT_SIZE, MIN_FONT_SIZE
from app.settings import Settings
from app.text_sizes import TEXT_SIZES
from app.ui.flow_layout import FlowLayout
from app.ui.icons import icon
from app.ui.settings.fitting import LabelledRows
from app.ui.settings.form import Card, Page, label, relabel, tab_to_checked
from app.ui.theme import system_text_size
from app.ui.wrapping_buttons import WrappingRadioButton

THEME_CHOICES = (
    ("system", "System", "monitor"),
    ("light", "Light", "sun"),
    ("dark", "Dark", "moon"),
)


class AppearancePage(Page):
    """``values()`` gives theme, font_size and enter_sends.

    Signals:
        changed(): a choice changed.
    """

    changed = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__("Appearance", "How Maestrale looks, and how you send a message.", parent)
        card = Card(spacing=14)
        segments = QWidget()
        segments.setLayout(self._build_theme_choice(settings.theme))

        self.font_size = QComboBox()
        self.font_size.setAccessibleName("Text size")
        system_size = system_text_size()
        self.font_size.addItem(f"System ({system_size} pt)", 0)
        # The system's size is "System" (twice it read as two choices), unless the file
        # sets it as a number; a size from the file outside the list shows as it is.
        sizes = sorted(({*TEXT_SIZES} - {system_size}) | ({settings.font_size} - {0}))
        for size in sizes:
            if MIN_FONT_SIZE <= size <= MAX_FONT_SIZE:
                self.font_size.addItem(f"{size} pt", size)
        self.show_font_size(settings.font_size)

        size_label = QLabel("Text size")
        size_label.setBuddy(self.font_size)
        size_row = QWidget()
        size_layout = QHBoxLayout(size_row)
        size_layout.setContentsMargins(0, 0, 0, 0)
        size_layout.addWidget(self.font_size)
        size_layout.addStretch(1)
        self.rows = LabelledRows([(QLabel("Theme"), segments), (size_label, size_row)])
        card.body.addWidget(self.rows)
        self.body.addWidget(card)

        sending = Card(spacing=10)
        sending.body.addWidget(label("Sending messages", "section"))
        self.enter_sends = WrappingRadioButton("Enter sends · Shift+Enter starts a new line")
        self.ctrl_enter_sends = WrappingRadioButton("Ctrl+Enter sends · Enter starts a new line")
        keys = QButtonGroup(self)
        keys.addButton(self.enter_sends)
        keys.addButton(self.ctrl_enter_sends)
        tab_to_checked(keys)
        (self.enter_sends if settings.enter_sends else self.ctrl_enter_sends).setChecked(True)
        sending.body.addWidget(self.enter_sends)
        sending.body.addWidget(self.ctrl_enter_sends)
        self.body.addWidget(sending)

        self._themes.buttonToggled.connect(self._on_theme_toggled)
        self.font_size.currentIndexChanged.connect(lambda _index: self.changed.emit())
        self.enter_sends.toggled.connect(lambda _on: self.changed.emit())

    def _build_theme_choice(self, theme: str) -> FlowLayout:
        """System / Light / Dark as one row of toggles (a segmented control), on more
        lines when the page is narrow (at 20 pt they were cut to "Syste", "Ligh")."""
        self.theme_buttons: dict[str, QPushButton] = {}
        self._themes = QButtonGroup(self)
        self._themes.setExclusive(True)
        segments = FlowLayout(spacing=8)
        for value, text, icon_name in THEME_CHOICES:
            choice = QPushButton(icon(icon_name), "")
            choice.setIconSize(QSize(16, 16))
            relabel(choice, text)
            choice.setAccessibleName(f"{text} theme")
            choice.setCheckable(True)
            choice.setProperty("role", "segment")
            choice.setCursor(Qt.CursorShape.PointingHandCursor)
            choice.setMinimumWidth(96)
            self._themes.addButton(choice)
            self.theme_buttons[value] = choice
            segments.addWidget(choice)
        tab_to_checked(self._themes)
        self.theme_buttons.get(theme, self.theme_buttons["system"]).setChecked(True)
        return segments

    def _on_theme_toggled(self, _button: QPushButton, checked: bool) -> None:
        if checked:  # the one turned off reports too
            self.changed.emit()

    def show_font_size(self, size: int) -> None:
        """Choose the text size ``size`` (0: the system's), as chosen elsewhere (the
        zoom keys); a size not listed is added in its place."""
        index = self.font_size.findData(size)
        if index < 0:
            sizes = [self.font_size.itemData(row) for row in range(1, self.font_size.count())]
            index = 1 + sum(1 for listed in sizes if listed < size)
            self.font_size.insertItem(index, f"{size} pt", size)
        self.font_size.setCurrentIndex(index)

    def theme(self) -> str:
        for value, choice in self.theme_buttons.items():
            if choice.isChecked():
                return value
        return "system"

    def values(self) -> dict[str, Any]:
        return {
            "theme": self.theme(),
            "font_size": int(self.font_size.currentData()),
            "enter_sends": self.enter_sends.isChecked(),
        }

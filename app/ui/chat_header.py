"""The chat pane's header: the conversation's title, the model picker, Parameters and
the button shown while the sidebar is hidden, fitted into one row or, at large text in
a narrow window, two."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QToolButton, QVBoxLayout, QWidget

from app.chat.catalog import ModelCatalog
from app.ui.icons import icon
from app.ui.model_picker import ModelPicker
from app.ui.text_scale import font_scale
from app.ui.title_label import TitleLabel

QWIDGETSIZE_MAX = 16_777_215  # Qt's: no maximum
NARROW_WIDTH = 600  # below this the header's Parameters button shows its icon only
# The same with a Switch button beside the model picker: at 1000 px the title had 100.
NARROW_WIDTH_WITH_SWITCH = 800


class ChatHeader:
    """The header's widgets and their layout, which the pane places above the
    transcript; the pane connects what they ask for and calls fit as its width or text
    size changes."""

    def __init__(self, catalog: ModelCatalog, pane: QWidget) -> None:
        self._pane = pane  # its width and text size decide the fitting
        self.title = TitleLabel("New chat")
        self.title.setObjectName("chatTitle")
        self.picker = ModelPicker(catalog)
        self.picker.switch_shown.connect(lambda _shown: self.fit(pane.width()))
        self.picker.width_changed.connect(lambda: self.fit(pane.width()))
        self.params_button = QToolButton()
        self.params_button.setObjectName("paramsButton")
        self.params_button.setIcon(icon("sliders"))
        self.params_button.setText("Parameters")
        self.params_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.params_button.setAccessibleName("System prompt and parameters")
        self.params_button.setToolTip(
            "System prompt and parameters of this conversation (Ctrl+Shift+P)"
        )
        # Shown while the sidebar is hidden (Ctrl+B): without it a mouse user who hid
        # it by accident had no way back but the shortcuts list.
        self.sidebar_button = QToolButton()
        self.sidebar_button.setObjectName("sidebarButton")
        self.sidebar_button.setIcon(icon("sidebar"))
        self.sidebar_button.setAccessibleName("Show the conversation list")
        self.sidebar_button.setToolTip("Show the conversation list (Ctrl+B)")
        self.sidebar_button.setAutoRaise(True)
        self.sidebar_button.hide()
        self.layout = QVBoxLayout()
        self.layout.setContentsMargins(16, 8, 12, 8)
        self.layout.setSpacing(6)
        top, second = QHBoxLayout(), QHBoxLayout()
        for row in (top, second):
            # Its own: a nested layout takes its parent's, and Parameters' focus ring
            # touched the Switch button's border, the two reading as one frame.
            row.setSpacing(8)
            self.layout.addLayout(row)
        top.addWidget(self.sidebar_button)
        top.addWidget(self.title, 1)
        top.addWidget(self.picker)
        top.addWidget(self.params_button)
        second.addStretch(1)  # Parameters at the right edge, as in one row
        self._rows = (top, second)

    def fit(self, width: int) -> None:
        """Fit the header into the pane's ``width``, at its text's size."""
        # A window beside another on a laptop screen: the header keeps the model
        # picker and its Switch button readable, the title giving way first, and the
        # Switch button says just "Switch" (its tooltip names the replacement).
        switch = not self.picker.switch.isHidden()
        limit = NARROW_WIDTH_WITH_SWITCH if switch else NARROW_WIDTH
        narrow = width < limit * font_scale(self._pane)
        style = (
            Qt.ToolButtonStyle.ToolButtonIconOnly
            if narrow
            else Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        )
        if self.params_button.toolButtonStyle() != style:
            self.params_button.setToolButtonStyle(style)
        self.picker.set_compact(narrow)
        self._wrap(width)
        self._give_title_room(width)

    def _wrap(self, width: int) -> None:
        # At 20 pt beside the sidebar one row squeezed the model's name to "mistr…-2411"
        # and the title to a word: when the title's first dozen characters, the name and
        # the buttons cannot share a row, the picker and Parameters go to a second one.
        top, second = self._rows
        parts = [self.title.minimumWidth(), self.picker.needed_width()]
        parts.append(self.params_button.sizeHint().width())
        if not self.sidebar_button.isHidden():
            parts.append(self.sidebar_button.sizeHint().width())
        margins = self.layout.contentsMargins()
        needed = sum(parts) + top.spacing() * (len(parts) - 1) + margins.left() + margins.right()
        wrap = width < needed
        if wrap == self.wrapped:
            return
        source, target = (top, second) if wrap else (second, top)
        for widget in (self.picker, self.params_button):
            source.removeWidget(widget)
        if wrap:
            second.insertWidget(0, self.picker)
            second.addWidget(self.params_button)
        else:
            target.addWidget(self.picker)
            target.addWidget(self.params_button)

    def _give_title_room(self, width: int) -> None:
        # The model's box is as wide as 24 characters, and gives back what its name does
        # not use before the title is shortened: at 20 pt the title read "Echo: Questi…"
        # beside a box with room to spare.
        combo = self.picker.combo
        combo.setMaximumWidth(QWIDGETSIZE_MAX)
        if self.wrapped:
            return  # the title has a row of its own
        others = [self.picker.sizeHint().width(), self.params_button.sizeHint().width()]
        if not self.sidebar_button.isHidden():
            others.append(self.sidebar_button.sizeHint().width())
        margins = self.layout.contentsMargins()
        spacing = self._rows[0].spacing() * len(others)
        room = width - margins.left() - margins.right() - sum(others) - spacing
        shortage = self.title.whole_width() - room
        if shortage > 0:
            combo.setMaximumWidth(max(combo.whole_width(), combo.sizeHint().width() - shortage))

    @property
    def wrapped(self) -> bool:
        """Whether the model picker and Parameters are on a second row, under the title."""
        return self._rows[1].indexOf(self.picker) >= 0

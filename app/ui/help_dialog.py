"""The keyboard shortcuts window (Ctrl+/): the shortcut table, grouped and searchable."""

from __future__ import annotations

import sys

from PySide6.QtCore import QKeyCombination, QSize, Qt
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.ui.field_buttons import FieldButton
from app.ui.icons import icon
from app.ui.plain_text_field import pastes_html
from app.ui.settings.fitting import FitsItsWidth
from app.ui.settings.form import Card, hline, label
from app.ui.shortcuts import DEFAULT_QUICK_SHORTCUT, GROUPS, Shortcut, shortcut_table
from app.ui.theme import fit_window

_MAC = sys.platform == "darwin"
_MODIFIERS = (
    (Qt.KeyboardModifier.ControlModifier, "⌘" if _MAC else "Ctrl"),
    (Qt.KeyboardModifier.AltModifier, "⌥" if _MAC else "Alt"),
    (Qt.KeyboardModifier.ShiftModifier, "⇧" if _MAC else "Shift"),
    (Qt.KeyboardModifier.MetaModifier, "⌃" if _MAC else "Meta"),
)
_KEY_NAMES = {"Return": "Enter", "Del": "Delete"}


def key_caps(sequence: QKeySequence) -> list[str]:
    """The caps one presses for ``sequence``: ["Ctrl", "Shift", "C"]."""
    if sequence.isEmpty():
        return []
    # PySide6's type stubs lack QKeySequence.operator[]; it exists at run time.
    combination: QKeyCombination = getattr(sequence, "__getitem__")(0)  # noqa: B009
    caps = [name for flag, name in _MODIFIERS if combination.keyboardModifiers() & flag]
    key = QKeySequence(combination.key()).toString(QKeySequence.SequenceFormat.NativeText)
    caps.append(_KEY_NAMES.get(key, key))
    return caps


class ShortcutRow(FitsItsWidth):
    """A shortcut: what it does (and when) with its keys at the right, or under it when
    the row is too narrow for both, one way of pressing it a line (with large text in
    a narrow window the keys went past the right edge, cut)."""

    SPACING = 6
    LEAST_CHARACTERS = 12  # beside the keys the text keeps at least this many, or all

    def __init__(self, item: Shortcut, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self._box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._box.setContentsMargins(0, 6, 0, 6)
        self._box.setSpacing(self.SPACING)
        text = QVBoxLayout()
        self._text = text
        text.setSpacing(0)
        self._description = label(item.description)
        text.addWidget(self._description)
        if item.note:
            # Only the first letter: capitalize() lowercased "Settings" and the rest.
            text.addWidget(label(item.note[:1].upper() + item.note[1:], "muted"))
        self._box.addLayout(text, 1)
        self.caps: list[str] = []
        self._keys = QWidget()
        self._ways = QBoxLayout(QBoxLayout.Direction.LeftToRight, self._keys)
        self._ways.setContentsMargins(0, 0, 0, 0)
        self._ways.setSpacing(self.SPACING)
        self._way_rows: list[QHBoxLayout] = []
        shown: list[list[str]] = []
        for sequence in item.sequences():
            caps = key_caps(sequence)
            if caps in shown:
                continue  # Enter and the keypad's Enter: one key to the eye
            way = QHBoxLayout()  # one way of pressing it: "or", then its keys
            self._way_rows.append(way)
            way.setSpacing(self.SPACING)
            if shown:
                way.addWidget(label("or", "muted", wrap=False), 0, Qt.AlignmentFlag.AlignVCenter)
            shown.append(caps)
            for cap in caps:
                way.addWidget(label(cap, "keycap", wrap=False), 0, Qt.AlignmentFlag.AlignVCenter)
                self.caps.append(cap)
            way.addStretch(1)
            self._ways.addLayout(way)
        self._box.addWidget(self._keys, 0, Qt.AlignmentFlag.AlignVCenter)
        self._haystack = " ".join(
            [item.description, item.group, item.note, item.words, *self.caps, *item.keys]
        ).casefold()

    def matches(self, words: list[str]) -> bool:
        return all(word in self._haystack for word in words)

    @property
    def keys_under(self) -> bool:
        """Whether the keys are under the text (the row is narrow)."""
        return self._box.direction() is QBoxLayout.Direction.TopToBottom

    def _ways_width(self, one_line: bool) -> int:
        widths = [way.sizeHint().width() for way in self._way_rows]
        if not one_line:
            return max(widths, default=0)
        return sum(widths) + self.SPACING * max(0, len(widths) - 1)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        # As narrow as the keys under the text, one way a line, allow.
        hint = super().minimumSizeHint()
        return QSize(self._ways_width(one_line=False), hint.height())

    def fit(self, width: int) -> None:
        keys = self._ways_width(one_line=True)
        metrics = self._description.fontMetrics()
        text = min(
            metrics.horizontalAdvance(self.item.description),
            metrics.averageCharWidth() * self.LEAST_CHARACTERS,
        )
        # Nor narrower than its note can be: squeezed, the note took the keys' room
        # ("Ctrl" cut to "Ct" at 16 pt).
        text = max(text, self._text.minimumSize().width())
        beside = width >= text + self.SPACING + keys
        row, column = QBoxLayout.Direction.LeftToRight, QBoxLayout.Direction.TopToBottom
        ways = row if beside or width >= keys else column
        if self._ways.direction() is not ways:
            self._ways.setDirection(ways)
        direction = row if beside else column
        if self._box.direction() is not direction:
            self._box.setDirection(direction)
            self._box.setAlignment(
                self._keys,
                Qt.AlignmentFlag.AlignVCenter if beside else Qt.AlignmentFlag.AlignLeft,
            )


class ShortcutList(QWidget):
    """Every shortcut, one card per group; ``set_filter`` hides what does not match."""

    def __init__(
        self,
        enter_sends: bool = True,
        quick_shortcut: str = DEFAULT_QUICK_SHORTCUT,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._quick_shortcut = quick_shortcut
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(8)
        self._groups: list[tuple[QLabel, Card, list[tuple[ShortcutRow, QFrame | None]]]] = []
        self.empty = label("No shortcut matches.", "muted")
        self._filter = ""
        self.set_enter_sends(enter_sends)

    def set_quick_shortcut(self, keys: str) -> None:
        """Rebuild for the keys that open the quick prompt ("": none)."""
        self._quick_shortcut = keys
        self.set_enter_sends(self._enter_sends)

    def set_enter_sends(self, enter_sends: bool) -> None:
        """Rebuild for the Enter-sends setting (Send and New line swap keys)."""
        self._enter_sends = enter_sends
        while self._layout.count():
            taken = self._layout.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None and widget is not self.empty:
                widget.deleteLater()
        self._groups = []
        table = shortcut_table(enter_sends, self._quick_shortcut)
        for group in GROUPS:
            heading = label(group, "section")
            card = Card(spacing=0)
            card.body.setContentsMargins(16, 4, 16, 4)
            rows: list[tuple[ShortcutRow, QFrame | None]] = []
            for item in (s for s in table if s.group == group):
                divider = hline() if rows else None
                if divider is not None:
                    card.body.addWidget(divider)
                row = ShortcutRow(item)
                card.body.addWidget(row)
                rows.append((row, divider))
            self._layout.addSpacing(6)
            self._layout.addWidget(heading)
            self._layout.addWidget(card)
            self._groups.append((heading, card, rows))
        self._layout.addWidget(self.empty)
        self._layout.addStretch(1)
        self.set_filter(self._filter)

    def set_filter(self, text: str) -> None:
        self._filter = text
        words = text.casefold().split()
        shown_any = False
        for heading, card, rows in self._groups:
            first = True
            for row, divider in rows:
                visible = row.matches(words)
                row.setVisible(visible)
                if divider is not None:
                    divider.setVisible(visible and not first)
                if visible:
                    first = False
            group_visible = not first
            heading.setVisible(group_visible)
            card.setVisible(group_visible)
            shown_any = shown_any or group_visible
        self.empty.setVisible(not shown_any)

    def visible_descriptions(self) -> list[str]:
        return [
            row.item.description
            for _heading, _card, rows in self._groups
            for row, _divider in rows
            if not row.isHidden()
        ]


def search_field(placeholder: str) -> QLineEdit:
    field = QLineEdit()
    pastes_html(field)
    field.setPlaceholderText(placeholder)
    field.setClearButtonEnabled(True)
    mark = QAction(icon("search"), "", field)
    FieldButton(field, mark, leading=True, mark=True)
    return field


class HelpDialog(QDialog):
    """Non-modal; the window keeps one and shows it again on Ctrl+/."""

    def __init__(
        self,
        enter_sends: bool = True,
        quick_shortcut: str = DEFAULT_QUICK_SHORTCUT,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts — Maestrale")
        self.setModal(False)
        self.search = search_field("Search shortcuts")
        self.search.setAccessibleName("Search shortcuts")
        self.shortcuts = ShortcutList(enter_sends, quick_shortcut)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        holder = QWidget()
        inner = QVBoxLayout(holder)
        inner.setContentsMargins(24, 0, 24, 24)
        inner.addWidget(self.shortcuts)
        scroll.setWidget(holder)
        top = QVBoxLayout()
        top.setContentsMargins(24, 22, 24, 8)
        top.setSpacing(12)
        top.addWidget(label("Keyboard shortcuts", "title"))
        top.addWidget(self.search)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        self.search.textChanged.connect(self.shortcuts.set_filter)
        fit_window(self, 560, 640)

    def set_enter_sends(self, enter_sends: bool) -> None:
        self.shortcuts.set_enter_sends(enter_sends)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.search.setFocus()
        self.search.selectAll()

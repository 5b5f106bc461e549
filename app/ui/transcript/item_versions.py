"""The version switcher under a message that has alternatives ("‹ 2/3 ›"): which
version shows, its arrows and the keyboard on them.

A mixin of MessageItem: the message, the lock and the footer it works on are the
item's (declared in the class for the type checker).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QWidget,
)

from app.domain.messages import Message
from app.ui.transcript.item_actions import tool_button

if TYPE_CHECKING:
    _Item = QFrame
else:
    _Item = object


class ItemVersions(_Item):
    # The item's; declared for the type checker.
    message: Message
    _branch: tuple[int, int]  # (which version shows, of how many)
    _locked: bool
    _switcher: QWidget | None
    _footer: QHBoxLayout
    _copy: QToolButton

    if TYPE_CHECKING:
        branch_requested = Signal(str, int)

    def _build_switcher(self) -> None:
        """The "‹ 2/3 ›" switcher, built for messages that have alternatives."""
        self._switcher = QWidget()
        row = QHBoxLayout(self._switcher)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        self._previous = tool_button("chevron-left", "Previous version", "previousBranch")
        self._previous.clicked.connect(lambda: self.branch_requested.emit(self.message.id, -1))
        self._branch_label = QLabel()
        self._branch_label.setObjectName("branchLabel")
        self._next = tool_button("chevron-right", "Next version", "nextBranch")
        self._next.clicked.connect(lambda: self.branch_requested.emit(self.message.id, 1))
        for widget in (self._previous, self._branch_label, self._next):
            row.addWidget(widget)
        # Before Copy: after the stretch of a question, first for an answer.
        self._footer.insertWidget(self._footer.indexOf(self._copy), self._switcher)

    def set_branch(self, branch: tuple[int, int]) -> None:
        self._branch = branch
        index, count = branch
        if count <= 1:
            if self._switcher is not None:
                self._switcher.setVisible(False)
            return
        if self._switcher is None:
            self._build_switcher()
        assert self._switcher is not None
        self._switcher.setVisible(True)
        self._branch_label.setText(f"{index + 1} / {count}")
        self._branch_label.setAccessibleName(f"Version {index + 1} of {count}")
        self._previous.setEnabled(index > 0 and not self._locked)
        self._next.setEnabled(index < count - 1 and not self._locked)

    def has_versions(self) -> bool:
        """Whether it is one of several versions (its switcher shows)."""
        return self._switcher is not None and self._switcher.isVisible()

    def can_switch(self, step: int) -> bool:
        """Whether its switcher shows and may go ``step`` (-1 back, 1 on) now."""
        if not self.has_versions():
            return False
        return (self._previous if step < 0 else self._next).isEnabled()

    def switcher_has_focus(self) -> bool:
        """Whether the keyboard is on one of the version switcher's arrows."""
        focused = QApplication.focusWidget()
        return (
            self._switcher is not None
            and focused is not None
            and (self._switcher.isAncestorOf(focused))
        )

    def focus_switcher(self, step: int) -> None:
        """The keyboard to the arrow that went ``step`` (-1 back, 1 on) or, at the first
        or last version, where that one is disabled, to the other arrow."""
        if self._switcher is None or not self._switcher.isVisible():
            return
        arrows = (self._previous, self._next) if step < 0 else (self._next, self._previous)
        for arrow in arrows:
            if arrow.isEnabled():
                arrow.setFocus(Qt.FocusReason.TabFocusReason)
                return

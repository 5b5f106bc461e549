"""The action row under a message: Copy as Markdown, and Edit and resend (a question)
or Regenerate (an answer), with when each shows and may be pressed.

Part of MessageItem, as a mixin: it works on the item's message and layout (declared
below for the type checker; the item defines them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QToolButton, QVBoxLayout

from app.domain.messages import Message, Role
from app.ui.icons import icon

if TYPE_CHECKING:
    _Item = QFrame
else:
    _Item = object

COPIED_MS = 1500  # how long "Copied" shows


def tool_button(icon_name: str, tooltip: str, name: str) -> QToolButton:
    """An icon button under a message, named for screen readers by its tooltip."""
    button = QToolButton()
    button.setIcon(icon(icon_name))
    button.setIconSize(QSize(16, 16))
    button.setText(tooltip)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    button.setToolTip(tooltip)
    button.setAccessibleName(tooltip)
    button.setObjectName(name)
    button.setAutoRaise(True)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    return button


def _keep_place(button: QToolButton, keep: bool) -> None:
    """Hidden, whether the button still takes its room (the footer keeps its height)."""
    policy = button.sizePolicy()
    if policy.retainSizeWhenHidden() != keep:
        policy.setRetainSizeWhenHidden(keep)
        button.setSizePolicy(policy)


class ItemActions(_Item):
    # The item's; declared for the type checker.
    message: Message
    _layout: QVBoxLayout
    _locked: bool

    if TYPE_CHECKING:
        regenerate_requested = Signal(str)

        def start_editing(self) -> None: ...

    def _build_footer(self) -> None:
        """Branch switcher and actions: icon buttons, each with an accessible name."""
        user = self.message.role is Role.USER
        self._footer = QHBoxLayout()
        self._footer.setContentsMargins(0, 0, 0, 0)
        self._footer.setSpacing(2)
        self._copy = tool_button("copy", "Copy as Markdown", "copyMessage")
        self._copy.clicked.connect(self.copy_markdown)
        if user:
            self._footer.addStretch(1)
            self._action = tool_button("edit", "Edit and resend", "editMessage")
            self._action.clicked.connect(self.start_editing)
        else:
            self._action = tool_button("regenerate", "Regenerate this answer", "regenerate")
            self._action.clicked.connect(lambda: self.regenerate_requested.emit(self.message.id))
        for widget in (self._copy, self._action):
            self._footer.addWidget(widget)
        if not user:
            self._footer.addStretch(1)
        self._layout.addLayout(self._footer)

    def _show_actions(self, problem: bool, busy: bool) -> None:
        """Which actions show and may be pressed now (``problem``: the answer failed or
        was stopped, and its panel offers Retry; ``busy``: it is being written)."""
        message = self.message
        self._copy.setEnabled(not busy)
        # An answer that failed before any text has nothing to copy (Retry is beside it).
        # While it is written, its actions wait (their place kept: no jump when they come).
        _keep_place(self._copy, busy)
        _keep_place(self._action, busy)
        self._copy.setVisible(
            not busy
            and (bool(message.content or message.tool_calls) or message.role is Role.USER)
            and message.role is not Role.TOOL  # its code block has a Copy of its own
        )
        self._action.setEnabled(not busy and not self._locked)
        # Retry says it already: no second "ask again" icon under a failed answer.
        retry = message.role is not Role.USER and problem
        # A tool's result is not the model's to write again: regenerate its answer.
        self._action.setVisible(not busy and not retry and message.role is not Role.TOOL)

    def _show_action_row(self, shown: bool) -> None:
        """Copy and Edit shown again, or hidden while the question's editor is open
        (they meant the text now in the editor: its own buttons act instead)."""
        self._copy.setVisible(shown)
        self._action.setVisible(shown)

    def copy_markdown(self) -> None:
        QGuiApplication.clipboard().setText(as_markdown(self.message))
        # Seen done: the button shows a check mark for a moment, as chat apps do.
        self._copy.setIcon(icon("check"))
        self._copy.setToolTip("Copied")
        QTimer.singleShot(COPIED_MS, self._copy, self._copy_shown_again)

    def _copy_shown_again(self) -> None:
        self._copy.setIcon(icon("copy"))
        self._copy.setToolTip(self._copy.text())


def as_markdown(message: Message) -> str:
    """What Copy as Markdown gives: the text, then its tool calls as the export writes
    them (they were left out, and an answer of calls alone had no Copy at all)."""
    if message.role is Role.TOOL:
        return message.content  # the result as the tool gave it
    if not message.tool_calls:
        return message.content
    from app.store.transfer import tool_call_markdown  # only for answers with calls

    parts = [message.content.rstrip()] if message.content.strip() else []
    parts += [tool_call_markdown(call) for call in message.tool_calls]
    return "\n\n".join(parts)

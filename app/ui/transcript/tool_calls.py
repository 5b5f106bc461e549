"""The tool calls of an answer, shown under its text.

Shown with their arguments as the model wrote them. Their results follow the answer as
messages of their own; a call that got none (tools off, the call declined or stopped,
an imported chat, a server with tools of its own) says so.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from app.domain.messages import ToolCall

NOT_RUN = (
    "No result went back to the model: tools are off, or the call was stopped. To carry "
    "on, turn tools on (Settings → Tools) and Retry, or give it what it asked for in your "
    "next message."
)


_RESTYLED = (QEvent.Type.FontChange, QEvent.Type.StyleChange)


def _label(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    # The model's words, whatever they hold: text, never markup nor links.
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ToolCallsPanel(QFrame):
    """ "Called <name>" and the arguments, for each call; then why nothing came back."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("toolCalls")
        self.setAccessibleName("Tool calls")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(10, 6, 10, 6)
        self._layout.setSpacing(4)
        self._calls: tuple[ToolCall, ...] = ()
        self._note = _label(NOT_RUN, "toolCallsNote")
        self._layout.addWidget(self._note)

    @property
    def calls(self) -> tuple[ToolCall, ...]:
        return self._calls

    def show_calls(self, calls: Sequence[ToolCall]) -> None:
        calls = tuple(calls)
        if calls == self._calls:
            return
        self._calls = calls
        while self._layout.count() > 1:  # all but the note, which stays last
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for index, call in enumerate(calls):
            title = _label(f"Called {call.name or 'a tool'}", "toolCallName")
            arguments = _label(_shown_arguments(call), "toolCallArguments")
            # A font set on a widget no longer follows the text size, and the
            # application's new style sheet gives it back the font it had when first
            # styled: set again on either change.
            arguments.installEventFilter(self)
            self._layout.insertWidget(2 * index, title)
            self._layout.insertWidget(2 * index + 1, arguments)
            self._fit_font(arguments)

    def _code_font(self) -> QFont:
        code = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        if self.font().pointSizeF() > 0:
            code.setPointSizeF(self.font().pointSizeF())
        return code

    def _fit_font(self, arguments: QWidget) -> None:
        code = self._code_font()
        if arguments.font() != code:
            arguments.setFont(code)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() in _RESTYLED:
            for arguments in self.findChildren(QLabel, "toolCallArguments"):
                self._fit_font(arguments)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in _RESTYLED and isinstance(watched, QLabel):
            self._fit_font(watched)
        return super().eventFilter(watched, event)

    def set_answered(self, answered: bool) -> None:
        """Results came back for the calls: no note that none did."""
        self._note.setVisible(not answered)

    def texts(self) -> list[str]:
        """What the panel shows, label by label."""
        items = (self._layout.itemAt(i) for i in range(self._layout.count()))
        labels = (item.widget() for item in items if item is not None)
        return [label.text() for label in labels if isinstance(label, QLabel)]


SHOWN_ARGUMENTS = 4000  # characters: a call of a megabyte made the answer endless


def _shown_arguments(call: ToolCall) -> str:
    text = call.readable_arguments()
    if len(text) <= SHOWN_ARGUMENTS:
        return text
    rest = len(text) - SHOWN_ARGUMENTS
    return f"{text[:SHOWN_ARGUMENTS]}\n… {rest:,} more characters (Copy gives them all)"

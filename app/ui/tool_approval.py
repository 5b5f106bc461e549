"""Asking the person before a tool runs: which tool, from where, with what arguments.

The model's arguments are untrusted text: shown as plain text in full, never as markup,
so that nothing runs that the person did not read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFontDatabase, QFontMetrics, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from app.domain.messages import ToolCall
    from app.tools.registry import Tool

RUN, ALWAYS, DECLINE = "run", "always", "decline"


class ToolApprovalBar(QFrame):
    """One call waiting for the person's word, above the composer.

    Signals:
        decided(str): RUN, ALWAYS (run, and never ask again for this tool) or DECLINE.
    """

    decided = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("toolApproval")
        self.setAccessibleName("Tool call waiting for your approval")
        self.question = QLabel()
        self.question.setObjectName("toolApprovalQuestion")
        self.question.setTextFormat(Qt.TextFormat.PlainText)  # names come from servers
        self.question.setWordWrap(True)
        self.arguments = QPlainTextEdit()
        self.arguments.setObjectName("toolApprovalArguments")
        self.arguments.setReadOnly(True)
        self.arguments.setAccessibleName("Arguments of the tool call")
        self.arguments.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.run_button = QPushButton("Run")
        self.run_button.setProperty("role", "primary")
        self.always_button = QPushButton("Always run")
        self.decline_button = QPushButton("Don't run")
        self.run_button.clicked.connect(lambda: self.decided.emit(RUN))
        self.always_button.clicked.connect(lambda: self.decided.emit(ALWAYS))
        self.decline_button.clicked.connect(lambda: self.decided.emit(DECLINE))
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        # Run first, where the focus starts: Tab goes on to the others in the order they
        # show (the window orders Tab by place), then to the message field.
        for widget in (self.run_button, self.always_button, self.decline_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(8)
        layout.addWidget(self.question)
        layout.addWidget(self.arguments)
        layout.addLayout(buttons)
        self.hide()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        # Enter answers with the button that has the focus (Run at first), as in a
        # dialog; Qt's buttons take only Space outside dialogs.
        focused = QApplication.focusWidget()
        buttons = (self.run_button, self.always_button, self.decline_button)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and focused in buttons:
            assert isinstance(focused, QPushButton)
            focused.click()
            return
        super().keyPressEvent(event)

    def ask(self, tool: Tool, call: ToolCall) -> None:
        """Show the call; the answer comes through ``decided``."""
        self.question.setText(
            f"The model wants to run “{tool.spec.name}” from {tool.source}. Run it?"
        )
        self.run_button.setAccessibleName(f"Run {tool.spec.name}")
        self.always_button.setAccessibleName(f"Always run {tool.spec.name} without asking")
        self.always_button.setToolTip(
            f"Run {tool.spec.name} from {tool.source} now and from now on without asking "
            "(Settings → Tools lists the tools that run without asking)"
        )
        self.decline_button.setAccessibleName(f"Don't run {tool.spec.name}")
        code = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        if self.font().pointSizeF() > 0:  # as large as the text around it
            code.setPointSizeF(self.font().pointSizeF())
        self.arguments.setFont(code)
        text = call.readable_arguments()
        self.arguments.setPlainText(text)
        lines = min(max(text.count("\n") + 1, 2), 8)  # longer ones scroll
        # Lines, the document's margins, the frame and the style sheet's padding (8 px).
        self.arguments.setFixedHeight(
            QFontMetrics(code).lineSpacing() * lines
            + 2 * int(self.arguments.document().documentMargin())
            + 2 * self.arguments.frameWidth()
            + 8
            + 2
        )
        self.show()
        self.run_button.setFocus(Qt.FocusReason.OtherFocusReason)


class ToolApprovals(QObject):
    """The calls waiting for the person, one per conversation, and the bar that asks.

    The bar shows the waiting call of the conversation on screen: a call made in a
    conversation left meanwhile waits until it is opened again (or stopped).

    Signals:
        always_run(object): the person chose "Always run" for this ``Tool``.
        waiting_changed(str, bool): a call of this conversation began or ended waiting
            (run, declined, stopped, the conversation deleted).
    """

    always_run = Signal(object)
    waiting_changed = Signal(str, bool)

    def __init__(
        self,
        place: Callable[[ToolApprovalBar], None],
        *,
        focus_after: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.bar = ToolApprovalBar()
        place(self.bar)
        self._focus_after = focus_after
        self._waiting: dict[str, tuple[Tool, ToolCall, asyncio.Future[str]]] = {}
        self._shown: str | None = None
        self.bar.decided.connect(self._on_decided)

    async def ask(self, conversation_id: str, tool: Tool, call: ToolCall) -> bool:
        """Whether the person lets ``call`` run (cancelled with the answer by Stop)."""
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._waiting[conversation_id] = (tool, call, future)
        self._update()
        self.waiting_changed.emit(conversation_id, True)
        try:
            choice = await future
        finally:
            self._waiting.pop(conversation_id, None)
            self.waiting_changed.emit(conversation_id, False)
            focused = QApplication.focusWidget()
            had_focus = focused is not None and self.bar.isAncestorOf(focused)
            self._update()
            if had_focus and not self.bar.isVisible():
                self._focus_after()
        if choice == ALWAYS:
            self.always_run.emit(tool)
        return choice != DECLINE

    def show_for(self, conversation_id: str | None) -> None:
        """The conversation on screen changed."""
        self._shown = conversation_id
        self._update()

    def waiting(self, conversation_id: str) -> bool:
        return conversation_id in self._waiting

    def _update(self) -> None:
        waiting = self._waiting.get(self._shown or "")
        if waiting is None or waiting[2].done():
            self.bar.hide()
            return
        tool, call, _future = waiting
        self.bar.ask(tool, call)

    def _on_decided(self, choice: str) -> None:
        waiting = self._waiting.get(self._shown or "")
        if waiting is not None and not waiting[2].done():
            waiting[2].set_result(choice)

"""Asking the person before a tool runs: which tool, from where, with what arguments.

The model's arguments are untrusted text: shown as plain text in full, never as markup,
so that nothing runs that the person did not read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QHideEvent,
    QKeyEvent,
    QResizeEvent,
    QShowEvent,
    QTextLayout,
    QTextOption,
)
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

from app.ui.text_rows import row_pitch
from app.ui.unbroken_runs import UnbrokenRunWrapping

if TYPE_CHECKING:
    from app.domain.messages import ToolCall
    from app.tools.registry import Tool

RUN, ALWAYS, DECLINE = "run", "always", "decline"
# The arguments show this many lines at most, and no more than this share of the
# window's height (at 20 pt a 800 px window fits 3); longer ones scroll, in whole lines.
MOST_LINES = 6
WINDOW_SHARE = 0.18
FEWEST_LINES = 2  # in a short window too: one row is too little to read a call by
# Characters of one line measured for wrapping: enough for MOST_LINES rows of any
# width, and a call of 390 KB on one line is not laid out whole at each resize.
_MEASURED = 10_000


def wrapped_lines(text: str, font: QFont, width: int, wrap: QTextOption.WrapMode, most: int) -> int:
    """The rows ``text`` takes at ``width`` pixels, wrapped as ``wrap`` says (at least 1,
    counted up to ``most``)."""
    option = QTextOption()
    option.setWrapMode(wrap)
    rows = 0
    for line in text.split("\n"):
        layout = QTextLayout(line[:_MEASURED], font)
        layout.setTextOption(option)
        layout.beginLayout()
        while rows < most and (row := layout.createLine()).isValid():
            row.setLineWidth(max(1, width))
            rows += 1
        layout.endLayout()
        if rows >= most:
            return most
    return max(rows, 1)


_RESTYLED = (QEvent.Type.FontChange, QEvent.Type.StyleChange)


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
        UnbrokenRunWrapping(self.arguments)  # kept by the field: a pasted blob stays fast
        self.arguments.setObjectName("toolApprovalArguments")
        self.arguments.setReadOnly(True)
        self.arguments.setAccessibleName("Arguments of the tool call")
        self.arguments.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        # The application's new style sheet, set after its new font, gives the arguments
        # back the font they had when first styled: they are fitted again then.
        self.arguments.installEventFilter(self)
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
        # One short line, even at large text: the buttons under it are the question.
        self.question.setText(f"Run “{tool.spec.name}” from {tool.source}?")
        self.run_button.setAccessibleName(f"Run {tool.spec.name}")
        self.always_button.setAccessibleName(f"Always run {tool.spec.name} without asking")
        self.always_button.setToolTip(
            f"Run {tool.spec.name} from {tool.source} now and from now on without asking "
            "(Settings → Tools lists the tools that run without asking)"
        )
        self.decline_button.setAccessibleName(f"Don't run {tool.spec.name}")
        self.arguments.setPlainText(call.readable_arguments())
        self._fit_arguments()
        self.show()
        self._fit_arguments()  # now at its width in the window
        self.run_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _fit_arguments(self) -> None:
        """The arguments' font and height: as large as the text around it, in whole
        lines (a row cut in half reads as the end of the arguments), wrapped rows
        counted, up to MOST_LINES or the window's share."""
        code = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        if self.font().pointSizeF() > 0:
            code.setPointSizeF(self.font().pointSizeF())
        edit = self.arguments
        if edit.font() != code:
            edit.setFont(code)
        line = row_pitch(code)  # the last of six rows showed cut with lineSpacing()
        margins = edit.contentsMargins()  # the frame and the style sheet's padding
        margin = 2 * int(edit.document().documentMargin())
        # 2 px more: QPlainTextEdit wants a pixel past the last line before it leaves
        # out its scroll bar.
        chrome = margins.top() + margins.bottom() + margin + 2
        room = int(self.window().height() * WINDOW_SHARE) if self.isVisible() else 0
        most = max(FEWEST_LINES, min(MOST_LINES, (room - chrome) // line)) if room else MOST_LINES
        width = edit.width() - margins.left() - margins.right() - margin
        rows = wrapped_lines(edit.toPlainText(), code, width, edit.wordWrapMode(), most + 1)
        if rows > most:
            # It scrolls: no room under the last row shown, where the next one would
            # peek out cut (the margin above stays, as the text's start).
            chrome = margins.top() + margins.bottom() + margin // 2
        # No scroll bar when all of it fits: one left over from longer arguments
        # would narrow the text, wrap it onto one more row, and so stay.
        edit.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAsNeeded
            if rows > most
            else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        edit.setFixedHeight(min(rows, most) * line + chrome)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width() and self.isVisible():
            self._fit_arguments()  # the rows a line wraps onto changed

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and self.isVisible():
            self._fit_arguments()  # the text size changed while the call waits

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.window().installEventFilter(self)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        super().hideEvent(event)
        self.window().removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.window() and event.type() == QEvent.Type.Resize:
            self._fit_arguments()  # a taller or shorter window: its share changed
        elif watched is self.arguments and event.type() in _RESTYLED and self.isVisible():
            self._fit_arguments()
        return super().eventFilter(watched, event)


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

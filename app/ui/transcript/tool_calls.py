"""The tool calls of an answer, shown under its text.

Shown with their arguments as the model wrote them, and what the call under way is
doing (waiting for the person's word, running for so many seconds). Their results
follow the answer as messages of their own; calls that got none say why, and what to
do next.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from app.chat.tool_calls import (
    ASKING,
    CLOSED,
    RESULT_NOT_SAVED,
    ROUNDS_USED,
    RUNNING,
    STOPPED,
    STOPPED_ASKING,
    TOOLS_OFF,
)
from app.domain.messages import ToolCall
from app.tools.registry import CALL_TIMEOUT

_REGENERATE = "regenerate this answer (↻\u00a0under\u00a0it)"  # kept on one line
_AGAIN = (
    f"To carry on, {_REGENERATE} to call the tool again, or give the model what it "
    "asked for in your next message."
)
# Why the calls got no result, as kept on their answer, and the note said for it.
_NOTES = {
    STOPPED: f"You stopped this call before the tool answered, so no result went back to "
    f"the model. {_AGAIN}",
    STOPPED_ASKING: f"You stopped this call before it ran, so no result went back to the "
    f"model. {_AGAIN}",
    CLOSED: f"Maestrale closed before the tool answered, so no result went back to the "
    f"model. {_AGAIN}",
    RESULT_NOT_SAVED: "The tool answered, but the history could not take its result, so "
    f"no result went back to the model. {_AGAIN}",
    TOOLS_OFF: "Tools were off, so this call did not run and no result went back to the "
    f"model. To carry on, turn tools on (Settings → Tools) and {_REGENERATE}, or give the "
    "model what it asked for in your next message.",
    ROUNDS_USED: f"{ROUNDS_USED} No result went back to the model: ask again in your next "
    "message to carry on.",
}
# No reason kept: an imported chat, a server's tools of its own, an older Maestrale.
NOT_RUN = (
    "No result went back to the model: this call did not run here. To carry on, turn "
    f"tools on (Settings → Tools) and {_REGENERATE}, or give the model what it asked for "
    "in your next message."
)
ASKING_TEXT = "Waiting for your approval: Run or Don't run, above the message field."


def unrun_note(why: str | None, last: int = 0) -> str:
    """The note under calls that got no result, for the reason their answer keeps; with
    ``last``, only the last ``last`` calls got none (those before got theirs)."""
    note = NOT_RUN
    if why:
        note = _NOTES.get(why) or f"{why} No result went back to the model. {_AGAIN}"
    if not last:
        return note
    which = "the last call" if last == 1 else f"the last {last} calls"
    if "this call" not in note:
        return f"{which.capitalize()} got no result. {note}"
    if last > 1:
        note = note.replace("before it ran", "before they ran")
    return note.replace("this call", which)


def running_text(seconds: int) -> str:
    return f"Running… {seconds} s (up to {CALL_TIMEOUT:.0f} s; Esc stops it)"


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
    """ "Called <name>" and the arguments, for each call; what the call under way does;
    then why nothing came back.

    Signals:
        changed(): what it shows changed, and so may its height (the transcript lays
            the answer out again: a note shown in the old height covered the calls).
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("toolCalls")
        self.setAccessibleName("Tool calls")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(10, 6, 10, 6)
        self._layout.setSpacing(4)
        self._calls: tuple[ToolCall, ...] = ()
        self._shown: list[QLabel] = []  # each call's name and arguments
        self._note = _label(NOT_RUN, "toolCallsNote")
        self._layout.addWidget(self._note)
        self._activity: QLabel | None = None  # built with the first call under way
        self._busy = ("", "")  # the call under way and its state

    @property
    def calls(self) -> tuple[ToolCall, ...]:
        return self._calls

    def show_calls(self, calls: Sequence[ToolCall]) -> None:
        calls = tuple(calls)
        if calls == self._calls:
            return
        self._calls = calls
        for label in self._shown:
            self._layout.removeWidget(label)
            label.deleteLater()
        self._shown = []
        for index, call in enumerate(calls):
            title = _label(f"Called {call.name or 'a tool'}", "toolCallName")
            arguments = _label(_shown_arguments(call), "toolCallArguments")
            # A font set on a widget no longer follows the text size, and the
            # application's new style sheet gives it back the font it had when first
            # styled: set again on either change.
            arguments.installEventFilter(self)
            self._layout.insertWidget(2 * index, title)
            self._layout.insertWidget(2 * index + 1, arguments)
            self._shown += [title, arguments]
            self._fit_font(arguments)
        self._place_activity()
        self.changed.emit()

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

    def set_note(self, shown: bool, why: str | None = None, *, last: int = 0) -> None:
        """Say under the calls that no result went back, and why (as their answer
        keeps it); not ``shown`` while results came or the calls are under way. With
        ``last``, said of the last ``last`` calls, those before got their results."""
        text = unrun_note(why, last)
        if shown == (not self._note.isHidden()) and text == self._note.text():
            return
        self._note.setText(text)
        self._note.setVisible(shown)
        self.changed.emit()

    def show_activity(self, call_id: str, state: str = "", seconds: int = 0) -> None:
        """Call ``call_id`` waits for the person (ASKING) or runs (RUNNING) for
        ``seconds`` so far; no ``call_id``: none is under way."""
        busy = (call_id, state) if call_id and state in (ASKING, RUNNING) else ("", "")
        moved = busy != self._busy
        self._busy = busy
        if not busy[0]:
            if self._activity is not None and not self._activity.isHidden():
                self._activity.hide()
                self.setAccessibleName("Tool calls")
                self.changed.emit()
            return
        if self._activity is None:
            self._activity = _label("", "toolCallActivity")
            self._layout.addWidget(self._activity)
        label = self._activity
        text = running_text(seconds) if state == RUNNING else ASKING_TEXT
        if not moved and text == label.text() and not label.isHidden():
            return
        before = label.heightForWidth(label.width()) if not label.isHidden() else -1
        label.setText(text)
        if moved:
            self._place_activity()
            name = self._name_of(call_id)
            doing = "is running" if state == RUNNING else "waits for your approval"
            self.setAccessibleName(f"Tool calls: {name} {doing}")
            label.setAccessibleName(f"{name} {doing}")
        label.show()
        # Each second's new text: laid out anew only when it takes another height.
        if moved or label.heightForWidth(label.width()) != before:
            self.changed.emit()

    @property
    def activity(self) -> str:
        """What the call under way is said to do ("" when none is)."""
        label = self._activity
        return "" if label is None or label.isHidden() else label.text()

    def _name_of(self, call_id: str) -> str:
        call = next((c for c in self._calls if c.id == call_id), None)
        return (call.name if call is not None else "") or "the tool"

    def _place_activity(self) -> None:
        """The activity line right under the arguments of the call it tells of."""
        label = self._activity
        if label is None:
            return
        index = next((i for i, c in enumerate(self._calls) if c.id == self._busy[0]), None)
        self._layout.removeWidget(label)
        at = 2 * index + 2 if index is not None else self._layout.indexOf(self._note)
        self._layout.insertWidget(at, label)

    def texts(self) -> list[str]:
        """What the panel shows, label by label."""
        items = (self._layout.itemAt(i) for i in range(self._layout.count()))
        labels = (item.widget() for item in items if item is not None)
        return [
            label.text() for label in labels if isinstance(label, QLabel) and not label.isHidden()
        ]


SHOWN_ARGUMENTS = 4000  # characters: a call of a megabyte made the answer endless


def _shown_arguments(call: ToolCall) -> str:
    text = call.readable_arguments()
    if len(text) <= SHOWN_ARGUMENTS:
        return text
    rest = len(text) - SHOWN_ARGUMENTS
    return f"{text[:SHOWN_ARGUMENTS]}\n… {rest:,} more characters (Copy gives them all)"

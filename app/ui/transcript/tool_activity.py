"""The tool call under way in the conversation shown: said on its call, its seconds
counted by one timer for the whole transcript (only one call runs at a time there)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

if TYPE_CHECKING:
    from app.chat.tool_calls import CallActivity
    from app.ui.transcript.item import MessageItem

TICK_MS = 1000


class ToolActivity(QObject):
    """Keeps the answer whose call waits or runs showing it, through the rendering of
    its widget anew, and counts the running call's seconds.

    Args:
        item_of: the widget of a message, if it is rendered.
        clock: seconds, the clock the activity's start was read on (time.monotonic).
    """

    def __init__(
        self,
        item_of: Callable[[str], MessageItem | None],
        *,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._item_of = item_of
        self.clock = clock
        self._now: CallActivity | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)

    @property
    def counting(self) -> bool:
        """Whether the timer runs (a call runs in the conversation shown)."""
        return self._timer.isActive()

    def show(self, activity: CallActivity | None) -> None:
        """A call of an answer began to wait or run, or none is under way any more."""
        from app.chat.tool_calls import RUNNING

        before = self._now
        self._now = activity if activity is not None and activity.call_id else None
        if before is not None and (self._now is None or before.answer_id != self._now.answer_id):
            item = self._item_of(before.answer_id)
            if item is not None:
                item.show_tool_activity("")
        if self._now is not None and self._now.state == RUNNING:
            self._timer.start()
        else:
            self._timer.stop()
        self.tick()

    def clear(self) -> None:
        """Another conversation is shown: nothing of this one's calls."""
        self._now = None
        self._timer.stop()

    def apply(self, item: MessageItem) -> None:
        """``item`` was rendered (anew): it shows its call's state, if it has one."""
        now = self._now
        if now is not None and item.message.id == now.answer_id:
            item.show_tool_activity(now.call_id, now.state, self._seconds(now))

    def tick(self) -> None:
        now = self._now
        item = self._item_of(now.answer_id) if now is not None else None
        if now is not None and item is not None:
            item.show_tool_activity(now.call_id, now.state, self._seconds(now))

    def _seconds(self, activity: CallActivity) -> int:
        return max(0, int(self.clock() - activity.since))

"""Message widgets built ahead of need, while the window has nothing else to do.

Building a message's widgets (a text browser, layouts and buttons, styled by the style
sheet) takes a few milliseconds, and they would be paid on the very click that sends
a question or opens a conversation. One spare per role, built at idle and then given
its message, takes that cost off the click. A spare is used once, never recycled: no
state of an earlier message can show in it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from app.domain.messages import Message, Role

if TYPE_CHECKING:
    from app.ui.transcript.item import MessageItem

DELAY_MS = 150  # after the last use or change: building waits for a quiet moment


class SpareItems(QObject):
    """Args:
    build: makes a new, empty item of a role (hidden, in the transcript's canvas).
    busy: whether now is a bad time to build (an answer is being rendered); building
        is tried again later.
    """

    def __init__(
        self,
        build: Callable[[Role], MessageItem],
        busy: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._build = build
        self._busy = busy
        self._items: dict[Role, MessageItem] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self._fill)

    def take(
        self,
        message: Message,
        branch: tuple[int, int],
        width: int,
        *,
        in_pieces: bool = False,
        reading_at: int | None = None,
    ) -> MessageItem | None:
        """The spare for the message's role showing ``message``, or None if none is ready
        (``in_pieces``, ``reading_at``: see MessageItem.bind)."""
        item = self._items.pop(message.role, None)
        self.schedule()
        if item is not None:
            item.bind(message, branch, width, in_pieces=in_pieces, reading_at=reading_at)
        return item

    def schedule(self) -> None:
        """Build the missing spares at the next quiet moment."""
        self._timer.start()

    def discard(self) -> None:
        """Forget the spares (the look changed: theme, text size); new ones follow."""
        for item in self._items.values():
            item.deleteLater()
        self._items.clear()
        self.schedule()

    @property
    def ready(self) -> frozenset[Role]:
        return frozenset(self._items)

    def _fill(self) -> None:
        if self._busy():
            self.schedule()
            return
        # One at a time: each is a few milliseconds of the GUI thread.
        for role in (Role.ASSISTANT, Role.USER):
            if role not in self._items:
                self._items[role] = self._build(role)
                if len(self._items) < 2:
                    self.schedule()
                return

"""One message's place in the transcript: rendered or not, where, and how tall."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.messages import Message, Role

IDLE_BUDGET_S = 0.006  # background work (rendering older messages, reading), per slice

if TYPE_CHECKING:
    from app.ui.transcript.item import MessageItem


# Compared by identity: the transcript looks its entries up with list.index, where
# comparing every field of each entry before it cost a millisecond per opening.
@dataclass(eq=False)
class Entry:
    id: str
    length: int  # characters of text, for the height estimate
    branch: tuple[int, int]
    height: int
    message: Message | None = None  # None until its text is read (see show_messages)
    y: int = 0
    item: MessageItem | None = None
    role: Role = Role.ASSISTANT

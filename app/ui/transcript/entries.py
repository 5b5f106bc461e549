"""One message's place in the transcript: rendered or not, where, and how tall."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.messages import Message, Role

IDLE_BUDGET_S = 0.006  # background work (rendering older messages, reading), per slice
RERENDER_LIMIT = 60_000  # characters: above, a full re-render would stall the window

if TYPE_CHECKING:
    from app.ui.transcript.item import MessageItem


# Compared by identity: the transcript looks its entries up with list.index, where
# comparing every field of each entry before it cost a millisecond per opening. Slots:
# an opening makes one per message (a third faster to make).
@dataclass(eq=False, slots=True)
class Entry:
    id: str
    length: int  # characters of text, for the height estimate
    branch: tuple[int, int]
    height: int
    message: Message | None = None  # None until its text is read (see show_messages)
    y: int = 0
    item: MessageItem | None = None
    role: Role = Role.ASSISTANT


def results_after(entries: Sequence[Entry], index: int) -> int:
    """How many tool results follow the entry at ``index``: those of its answer's calls
    (stored in the order the calls ran, each after the one before)."""
    count = 0
    for following in range(index + 1, len(entries)):
        if entries[following].role is not Role.TOOL:
            break
        count += 1
    return count


def last_caller(entries: Sequence[Entry]) -> int | None:
    """The index of the last entry that is not a tool result: the answer whose calls
    the results at the end answer, if they do."""
    for index in range(len(entries) - 1, -1, -1):
        if entries[index].role is not Role.TOOL:
            return index
    return None

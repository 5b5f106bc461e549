"""The conversation tree: a message's branch, its siblings, and where a branch ends."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Generic, Protocol, TypeVar


class Node(Protocol):
    """What the tree needs of a message (a Message, or a MessageOutline)."""

    @property
    def id(self) -> str: ...
    @property
    def parent_id(self) -> str | None: ...
    @property
    def created_at(self) -> datetime: ...


N = TypeVar("N", bound=Node)


class MessageTree(Generic[N]):
    """An index over one conversation's messages (all branches)."""

    def __init__(self, messages: Iterable[N]) -> None:
        self._by_id: dict[str, N] = {}
        self._children: dict[str | None, list[N]] = defaultdict(list)
        for message in messages:
            self._by_id[message.id] = message
        # Creation order decides sibling order: branch 1 is the oldest.
        for message in sorted(self._by_id.values(), key=lambda m: m.created_at):
            parent = message.parent_id if message.parent_id in self._by_id else None
            self._children[parent].append(message)

    @property
    def by_id(self) -> Mapping[str, N]:
        return self._by_id

    def __len__(self) -> int:
        return len(self._by_id)

    def children(self, message_id: str | None) -> Sequence[N]:
        return self._children.get(message_id, [])

    def siblings(self, message_id: str) -> Sequence[N]:
        """The alternatives at this message's place, itself included, oldest first."""
        message = self._by_id[message_id]
        parent = message.parent_id if message.parent_id in self._by_id else None
        return self._children[parent]

    def path_to(self, leaf_id: str | None) -> list[N]:
        """Messages from the root down to ``leaf_id`` (empty when it is unknown)."""
        path: list[N] = []
        seen: set[str] = set()
        current = self._by_id.get(leaf_id) if leaf_id else None
        while current is not None and current.id not in seen:
            seen.add(current.id)
            path.append(current)
            current = self._by_id.get(current.parent_id) if current.parent_id else None
        path.reverse()
        return path

    def deepest_leaf(self, message_id: str) -> str:
        """Follow the newest child from ``message_id`` down to a leaf."""
        current = message_id
        while children := self._children.get(current):
            current = children[-1].id
        return current

    def last_active_leaf(self, message_id: str) -> str:
        """The leaf under ``message_id`` written to most recently: the one whose branch
        holds the newest message (ties: the newest leaf). It is where the person last was
        under that message, which the newest child at each level need not lead to (a
        follow-up asked under an older version of an answer)."""
        start = self._by_id.get(message_id)
        if start is None:
            return message_id
        best: tuple[datetime, datetime, str] | None = None
        # Depth first, the newest child first: on a tie the newer branch is met first.
        stack = [(start, start.created_at)]
        seen: set[str] = set()
        while stack:
            message, newest = stack.pop()
            if message.id in seen:  # a damaged history's loop
                continue
            seen.add(message.id)
            children = self._children.get(message.id)
            if not children:
                key = (newest, message.created_at, message.id)
                if best is None or key[:2] > best[:2]:
                    best = key
                continue
            stack.extend((child, max(newest, child.created_at)) for child in children)
        return best[2] if best is not None else message_id

    def latest_leaf(self) -> str | None:
        """The leaf of the most recently created message's branch (a default current leaf)."""
        if not self._by_id:
            return None
        newest = max(self._by_id.values(), key=lambda m: m.created_at)
        return self.deepest_leaf(newest.id)

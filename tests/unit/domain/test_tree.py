"""Where a version's branch ends when nothing remembers the one chosen under it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.domain.tree import MessageTree

START = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Node:
    id: str
    parent_id: str | None
    minute: int

    @property
    def created_at(self) -> datetime:
        return START + timedelta(minutes=self.minute)


def test_the_branch_last_written_to_wins_over_the_newest_version() -> None:
    tree = MessageTree(
        [
            Node("q", None, 0),
            Node("a", "q", 1),
            Node("b", "q", 2),  # the newest answer, nothing after it
            Node("q2", "a", 3),  # a follow-up under the older answer
            Node("a2", "q2", 4),
        ]
    )
    assert tree.deepest_leaf("q") == "b"
    assert tree.last_active_leaf("q") == "a2"


def test_on_a_tie_the_newest_leaf_wins() -> None:
    tree = MessageTree([Node("q", None, 0), Node("a", "q", 1), Node("b", "q", 1)])
    assert tree.last_active_leaf("q") == "b"
    assert tree.last_active_leaf("a") == "a"  # a leaf is its own end
    assert tree.last_active_leaf("gone") == "gone"

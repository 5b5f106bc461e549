"""Continue's bookkeeping: whether a cut answer goes on in place or as a new version
beside it, what a window shows while that version is awaited, and what the person is
told of a Continue that added nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from app.domain.messages import Message
from app.store.conversations import ConversationStore

if TYPE_CHECKING:
    from app.answering.recorder import AnswerOutcome

# Said when the model ended a Continue at once, with nothing new: nothing failed.
NOTHING_TO_ADD = "The model had nothing to add."


class ContinuePlan(NamedTuple):
    """How a Continue goes: ``in_place`` (the answer ends its branch: its text grows),
    else as a new version beside it; ``moved``: the branch a window shows changed. (Not
    a dataclass: imported at every start-up, it made one for most of a millisecond.)"""

    in_place: bool
    moved: bool


class Continues:
    """The Continues under way, per conversation, over one store."""

    def __init__(self, store: ConversationStore) -> None:
        self._store = store
        # Conversations where a Continue's new version is not stored yet: the question
        # it will answer, shown meanwhile (see shown_leaf).
        self._awaiting: dict[str, str] = {}

    def plan(self, partial: Message) -> ContinuePlan:
        """Decide how ``partial`` is carried on; the stored current branch moves to it
        only when it is carried on in place (a version moves it from its first words)."""
        conversation_id = partial.conversation_id
        if partial.parent_id is not None and self._store.tree(conversation_id).children(partial.id):
            # A later exchange was asked after the cut text: it stays under that one,
            # and the continued answer is a version beside it (as regenerate). The
            # window shows the question it answers meanwhile; the store changes only
            # with the first new words (stopped, failed or killed before them, the
            # conversation stays as it was, the later exchange shown).
            self._awaiting[conversation_id] = partial.parent_id
            return ContinuePlan(in_place=False, moved=True)
        if self._store.get_conversation(conversation_id).current_leaf_id == partial.id:
            return ContinuePlan(in_place=True, moved=False)
        self._store.set_current_leaf(conversation_id, partial.id)
        return ContinuePlan(in_place=True, moved=True)

    def shown_leaf(self, conversation_id: str) -> str | None:
        """The question whose new version a Continue awaits in the conversation."""
        return self._awaiting.get(conversation_id)

    def version_stored(self, conversation_id: str) -> None:
        """The new version's first words are stored: it is the current leaf now."""
        self._awaiting.pop(conversation_id, None)

    def ended(self, conversation_id: str) -> bool:
        """The answer of the conversation ended; whether a new version was still
        awaited then (none came: the conversation shows as stored again)."""
        return self._awaiting.pop(conversation_id, None) is not None


def told_of(outcome: AnswerOutcome) -> str | None:
    """What the person is told, once, of a Continue that added nothing: why it failed,
    or that the model had nothing to add; ``None`` for any other answer."""
    if not outcome.added_nothing:
        return None
    return NOTHING_TO_ADD if outcome.error is None else outcome.error.message

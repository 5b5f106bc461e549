"""What a conversation is: a chat of the main window, or an exchange from the quick prompt."""

from __future__ import annotations

from typing import Final

KIND_CHAT: Final = "chat"
KIND_QUICK: Final = "quick"
"""Asked from the quick prompt window; listed under "Quick" until it is continued in the
main window, where it becomes a chat (``ConversationStore.set_kind``)."""
CONVERSATION_KINDS: Final = (KIND_CHAT, KIND_QUICK)


def check_kind(kind: str) -> str:
    """``kind`` itself when it is one of ``CONVERSATION_KINDS``.

    Raises:
        ValueError: any other value (the file's CHECK constraint would refuse it too).
    """
    if kind not in CONVERSATION_KINDS:
        expected = ", ".join(repr(known) for known in CONVERSATION_KINDS)
        raise ValueError(f"unknown conversation kind {kind!r} (expected {expected})")
    return kind

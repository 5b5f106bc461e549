"""Testing an endpoint from the GUI: the injected coroutine's shape and the key it is given."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from app.api.types import Dialect, ModelCard
from app.secrets import ApiKeys, KeychainUnavailable

# test_connection(base_url, dialect, key) -> the endpoint's models; raises ApiError.
# main.py passes one that opens a MistralClient and calls list_models().
ConnectionTest = Callable[[str, str, str | None], Awaitable[list[ModelCard]]]


def key_for_test(
    keys: ApiKeys, base_url: str, dialect: str, on_wait: Callable[[], None] | None = None
) -> str | None:
    """The key to test ``base_url`` with; self-hosted servers are tested without a keychain.

    ``on_wait`` is told when the keychain keeps the test waiting (an unlock prompt).
    Raises KeychainUnavailable for Mistral's API when the keychain cannot be read.
    """
    try:
        return keys.lookup(base_url, on_wait=on_wait)
    except KeychainUnavailable:
        if dialect == Dialect.MISTRAL:
            raise
        return None


def chat_model_ids(cards: Sequence[ModelCard]) -> list[str]:
    """Ids of the chat models among ``cards``, sorted, without duplicates."""
    return sorted({card.id for card in cards if card.chat})

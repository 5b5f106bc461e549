"""The key's rules with an in-memory keychain; the real Secret Service is tested elsewhere."""

from __future__ import annotations

import keyring.backend
import keyring.backends.fail
import keyring.errors
import pytest

from app.secrets import ApiKeys, KeychainUnavailable, KeySource, validate_key
from tests.helpers.fake_keyrings import BlockingKeyring, MemoryKeyring

ACCOUNT = "https://api.mistral.ai"


def test_store_lookup_remove() -> None:
    backend = MemoryKeyring()
    seen: list[str] = []
    keys = ApiKeys({}, backend=backend, on_key_seen=seen.append)
    keys.store(ACCOUNT, "  sk-abcdef123456  \n")
    assert backend.items == {("maestrale", ACCOUNT): "sk-abcdef123456"}
    assert keys.lookup(ACCOUNT) == "sk-abcdef123456"
    assert keys.status(ACCOUNT).source is KeySource.KEYCHAIN
    assert "sk-abcdef123456" not in keys.status(ACCOUNT).description
    assert seen
    assert set(seen) == {"sk-abcdef123456"}
    assert keys.remove(ACCOUNT) is True
    assert keys.remove(ACCOUNT) is False
    assert keys.lookup(ACCOUNT) is None
    assert keys.status(ACCOUNT).source is KeySource.NONE


def test_keys_are_per_endpoint() -> None:
    keys = ApiKeys({}, backend=MemoryKeyring())
    keys.store(ACCOUNT, "mistral-key-123")
    assert keys.lookup("http://localhost:8000") is None


def test_environment_wins_and_is_never_stored() -> None:
    backend = MemoryKeyring()
    backend.items[("maestrale", ACCOUNT)] = "stored-key-123"
    keys = ApiKeys({"MISTRAL_API_KEY": "env-key-456"}, backend=backend)
    assert keys.lookup(ACCOUNT) == "env-key-456"
    status = keys.status(ACCOUNT)
    assert status.source is KeySource.ENVIRONMENT
    assert "MISTRAL_API_KEY" in status.description
    assert backend.items == {("maestrale", ACCOUNT): "stored-key-123"}


def test_a_key_for_the_session_is_kept_in_memory_for_its_endpoint_alone() -> None:
    seen: list[str] = []
    keys = ApiKeys({}, backend=keyring.backends.fail.Keyring(), on_key_seen=seen.append)
    keys.use_for_session(ACCOUNT, "  sk-session-key \n")
    assert keys.lookup(ACCOUNT) == "sk-session-key"
    assert keys.status(ACCOUNT).source is KeySource.SESSION
    assert "sk-session-key" not in keys.status(ACCOUNT).description
    assert seen == ["sk-session-key"]  # the log hides it
    # Never sent to another endpoint.
    with pytest.raises(KeychainUnavailable):
        keys.lookup("http://localhost:8000")
    with pytest.raises(ValueError, match="key"):
        keys.use_for_session(ACCOUNT, "two words")
    # MISTRAL_API_KEY still wins; a key stored later takes the session's place.
    backend = MemoryKeyring()
    with_both = ApiKeys({"MISTRAL_API_KEY": "env-key-456"}, backend=backend)
    with_both.use_for_session(ACCOUNT, "sk-session-key")
    assert with_both.lookup(ACCOUNT) == "env-key-456"
    stored = ApiKeys({}, backend=backend)
    stored.use_for_session(ACCOUNT, "sk-session-key")
    stored.store(ACCOUNT, "sk-stored-key")
    assert stored.lookup(ACCOUNT) == "sk-stored-key"
    assert stored.remove(ACCOUNT)
    assert stored.lookup(ACCOUNT) is None  # nothing left in memory either


def test_the_keychain_s_problem_is_also_given_without_the_advice_on_the_variable() -> None:
    keys = ApiKeys({}, backend=keyring.backends.fail.Keyring())
    with pytest.raises(KeychainUnavailable) as caught:
        keys.store(ACCOUNT, "some-key-123")
    assert "gnome-keyring" in caught.value.problem
    assert "MISTRAL_API_KEY" not in caught.value.problem
    assert str(caught.value).startswith(caught.value.problem)


def test_no_keychain_says_what_to_install_and_offers_the_variable() -> None:
    keys = ApiKeys({}, backend=keyring.backends.fail.Keyring())
    with pytest.raises(KeychainUnavailable) as caught:
        keys.lookup(ACCOUNT)
    assert "MISTRAL_API_KEY" in str(caught.value)
    assert "gnome-keyring" in str(caught.value)
    with pytest.raises(KeychainUnavailable):
        keys.store(ACCOUNT, "some-key-123")
    assert keys.status(ACCOUNT).source is KeySource.NONE


def test_no_keychain_but_the_variable_works() -> None:
    keys = ApiKeys({"MISTRAL_API_KEY": "env-key-456"}, backend=keyring.backends.fail.Keyring())
    assert keys.lookup(ACCOUNT) == "env-key-456"


def test_locked_keychain_is_reported() -> None:
    backend = MemoryKeyring()
    backend.locked = True
    with pytest.raises(KeychainUnavailable, match="locked"):
        ApiKeys({}, backend=backend).lookup(ACCOUNT)


def test_a_keychain_that_could_not_be_read_is_not_asked_again_at_once() -> None:
    # The window asks twice as it starts (is there a key; can one be kept): the person
    # who closed the unlock prompt saw it open again at once.
    backend = MemoryKeyring()
    backend.items[("maestrale", ACCOUNT)] = "sk-stored-0123"
    backend.locked = True
    now = [100.0]
    keys = ApiKeys({}, backend=backend, clock=lambda: now[0])
    for _ in range(2):
        with pytest.raises(KeychainUnavailable, match="locked"):
            keys.lookup(ACCOUNT)
    assert keys.status(ACCOUNT).source is KeySource.NONE
    assert backend.reads == 1
    with pytest.raises(KeychainUnavailable):
        keys.lookup("https://other.example")  # another key: asked
    assert backend.reads == 2
    # Asked again later (the settings opened), it is asked anew, and answers now.
    now[0] += 30
    backend.locked = False
    assert keys.lookup(ACCOUNT) == "sk-stored-0123"
    # Saving a key makes it answer again at once, too.
    backend.locked = True
    now[0] += 30
    with pytest.raises(KeychainUnavailable):
        keys.lookup(ACCOUNT)
    backend.locked = False
    keys.store(ACCOUNT, "sk-new-0123")
    assert keys.lookup(ACCOUNT) == "sk-new-0123"


def test_plaintext_backends_are_refused() -> None:
    plaintext = type("PlaintextKeyring", (MemoryKeyring,), {"__module__": "keyrings.alt.file"})
    with pytest.raises(KeychainUnavailable):
        ApiKeys({}, backend=plaintext()).store(ACCOUNT, "some-key-123")


@pytest.mark.parametrize("bad", ["", "   ", "two words", "tab\there", "é-accent"])
def test_validate_key_refuses_what_is_not_a_key(bad: str) -> None:
    with pytest.raises(ValueError, match="key"):
        validate_key(bad)


def test_a_keychain_that_never_answers_is_given_up_on_with_what_to_do() -> None:
    # A locked keychain whose unlock prompt could not show: `maestrale key status` and
    # `ask` hung without a word until killed.
    backend = BlockingKeyring()
    waited: list[bool] = []
    keys = ApiKeys({}, backend=backend, on_wait=lambda: waited.append(True), patience=0.3)
    try:
        with pytest.raises(KeychainUnavailable) as raised:
            keys.lookup(ACCOUNT)
        assert "did not answer within 0 s" not in str(raised.value)
        assert "did not answer" in str(raised.value)
        assert "MISTRAL_API_KEY" in str(raised.value)
        assert waited == [True]  # the command said it was waiting
        assert keys.status(ACCOUNT).source is KeySource.NONE
    finally:
        backend.release.set()


def test_a_keychain_that_answers_after_a_prompt_is_waited_for() -> None:
    import threading

    backend = BlockingKeyring()
    backend.items[("maestrale", ACCOUNT)] = "sk-after-unlock"
    keys = ApiKeys({}, backend=backend, patience=5)
    threading.Timer(0.2, backend.release.set).start()  # the user types the password
    assert keys.lookup(ACCOUNT) == "sk-after-unlock"

"""The API key: read from ``MISTRAL_API_KEY`` or the operating system's keychain, nowhere else.

This is the only module that talks to ``keyring``. The key is never written to a file,
never logged, and there is no plaintext fallback: without a usable keychain the user is
told what to install or unlock, and that ``MISTRAL_API_KEY`` works for one session (the
window also offers to keep a key in memory until it closes: ``use_for_session``).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import keyring.backend

# keyring is imported where it is used: its import (and its backends') costs the
# window's start-up, and a key from MISTRAL_API_KEY never needs it.

SERVICE = "maestrale"
KEY_VARIABLE = "MISTRAL_API_KEY"


class KeychainUnavailable(Exception):
    """No usable keychain, or it is locked; the message says what to do.

    ``problem`` is the message without its advice to set ``MISTRAL_API_KEY`` (a window
    that offers to use a key for the session says that instead).
    """

    def __init__(self, problem: str, *, workaround: str = "") -> None:
        super().__init__(problem + workaround)
        self.problem = problem


class KeySource(StrEnum):
    ENVIRONMENT = "environment"
    SESSION = "session"  # given in the window for this process only (no keychain to keep it)
    KEYCHAIN = "keychain"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class KeyStatus:
    source: KeySource
    description: str  # for people: where the key comes from, never the key itself
    backend: str | None = None


def _keychain_name(*, capital: bool = False) -> str:
    """Its name in a sentence, or at the start of one (str.capitalize also lowered the
    rest: "(secret service)")."""
    if sys.platform == "darwin":
        name = "the macOS Keychain"
    elif sys.platform == "win32":
        name = "Windows Credential Manager"
    else:
        name = "the system keychain (Secret Service)"
    return name[:1].upper() + name[1:] if capital else name


def _install_hint() -> str:
    if sys.platform == "darwin":
        return "The macOS Keychain is not reachable from this session (is it a remote login?)."
    if sys.platform == "win32":
        return (
            "Windows Credential Manager is not reachable "
            "(is the Credential Manager service running?)."
        )
    return (
        "No Secret Service keychain is running: install and start one, e.g. gnome-keyring "
        "(Debian/Ubuntu: sudo apt install gnome-keyring), KWallet or KeePassXC with its "
        "Secret Service integration."
    )


_WORKAROUND = f" Or set {KEY_VARIABLE} in the environment to use a key for one session."


def validate_key(text: str) -> str:
    """The key with surrounding whitespace removed, or ValueError saying what is wrong."""
    key = text.strip()
    if not key:
        raise ValueError("The key is empty: paste the API key from console.mistral.ai.")
    if any(ch.isspace() or not ch.isprintable() or not ch.isascii() for ch in key):
        raise ValueError(
            "That does not look like an API key (it holds spaces or unusual characters): "
            "copy it again from console.mistral.ai."
        )
    return key


def _is_usable(backend: keyring.backend.KeyringBackend) -> bool:
    members = getattr(backend, "backends", None)
    if isinstance(members, list):
        return any(_is_usable(member) for member in members)
    module = type(backend).__module__
    if module.startswith("keyring.backends.fail") or module.startswith("keyring.backends.null"):
        return False
    # keyrings.alt's file backends store secrets in plain or weakly encrypted files.
    return not module.startswith("keyrings.alt")


def _may_hold(backend: keyring.backend.KeyringBackend, service: str, account: str) -> bool:
    """False when ``backend`` is the Secret Service and holds no item for the key in any
    keyring, locked or not (asked without unlocking any). Read through keyring anyway,
    a keychain with no keyring yet made one, with a password prompt, and one locked
    asked for its password: twice at a first start, for a key never stored (and where
    no prompt can show, reading failed and the window said the keychain was broken)."""
    if type(backend).__module__ != "keyring.backends.SecretService" or hasattr(
        backend, "preferred_collection"
    ):
        return True
    from contextlib import closing

    import secretstorage

    scheme = getattr(backend, "schemes", {}).get(getattr(backend, "scheme", ""), {})
    attributes = {
        scheme.get("username", "username"): account,
        scheme.get("service", "service"): service,
    }
    try:
        with closing(secretstorage.dbus_init()) as bus:
            return next(iter(secretstorage.search_items(bus, attributes)), None) is not None
    except Exception:  # noqa: BLE001 - keyring's own call then says what is wrong
        return True


KEYCHAIN_PATIENCE = 120.0  # seconds a keychain may take to answer (a password prompt)
# Seconds a keychain that could not be read (its unlock prompt closed, or no answer) is
# not asked again for the same key: the window asks twice as it starts (is there a key;
# can one be kept), and the person who closed the prompt saw it open again at once, or
# waited the keychain's patience twice. Asked later, as on opening the settings, it is
# asked anew.
REFUSAL_MEMORY = 10.0
_NOTICE_AFTER = 2.0  # seconds of silence before on_wait says the keychain is awaited

T = TypeVar("T")


class _PatientKeychain:
    """A keychain's calls, each waited for in a thread of its own for at most
    ``patience`` seconds: a locked keychain whose unlock prompt cannot show (no desktop
    session, a prompter that cannot reach the bus) never answers, and `maestrale key
    status` or `ask` hung with no word."""

    def __init__(
        self,
        backend: keyring.backend.KeyringBackend,
        patience: float,
        on_wait: Callable[[], None] | None,
    ) -> None:
        self._backend = backend
        self._patience = patience
        self._on_wait = on_wait

    @property
    def name(self) -> str:
        """The backend's module and class, for diagnostics."""
        return type(self._backend).__module__ + "." + type(self._backend).__name__

    def get_password(self, service: str, account: str) -> str | None:
        def read() -> str | None:
            if not _may_hold(self._backend, service, account):
                return None
            return self._backend.get_password(service, account)

        return self._wait(read)

    def set_password(self, service: str, account: str, key: str) -> None:
        self._wait(lambda: self._backend.set_password(service, account, key))

    def delete_password(self, service: str, account: str) -> None:
        self._wait(lambda: self._backend.delete_password(service, account))

    def _wait(self, call: Callable[[], T]) -> T:
        import threading

        outcome: list[tuple[bool, object]] = []

        def run() -> None:
            try:
                outcome.append((True, call()))
            except BaseException as error:  # noqa: BLE001 - raised again by the caller
                outcome.append((False, error))

        worker = threading.Thread(target=run, name="keychain", daemon=True)
        worker.start()
        worker.join(min(_NOTICE_AFTER, self._patience))
        if worker.is_alive() and self._on_wait is not None:
            self._on_wait()
        worker.join(max(0.0, self._patience - _NOTICE_AFTER))
        if not outcome:
            raise KeychainUnavailable(
                f"{_keychain_name(capital=True)} did not answer within "
                f"{self._patience:g} s: it may be locked, with no way to ask for its "
                "password here. Unlock it (log in to the desktop, or open its password "
                "manager), then try again.",
                workaround=_WORKAROUND,
            )
        done, value = outcome[0]
        if not done:
            assert isinstance(value, BaseException)
            raise value
        return value  # type: ignore[return-value]


class ApiKeys:
    """Keys per endpoint (the keychain account is the endpoint's base URL).

    A key may also be used for this process only (``use_for_session``), when there is no
    keychain to store it in: it is kept in memory, for its endpoint alone, as the one in
    ``MISTRAL_API_KEY`` is for every endpoint.

    Args:
        environ: the process environment; ``MISTRAL_API_KEY`` there wins for this process.
        backend: a keyring backend; by default, keyring's choice for this platform.
        on_key_seen: told every key value read or stored, so the log can redact it.
        on_wait: told when the keychain has not answered for two seconds (it may be
            showing a password prompt); after ``patience`` seconds it counts as
            unavailable.
    """

    def __init__(
        self,
        environ: Mapping[str, str],
        *,
        backend: keyring.backend.KeyringBackend | None = None,
        on_key_seen: Callable[[str], None] | None = None,
        on_wait: Callable[[], None] | None = None,
        patience: float = KEYCHAIN_PATIENCE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._environ = environ
        self._backend = backend
        self._on_key_seen = on_key_seen or (lambda key: None)
        self._on_wait = on_wait
        self._patience = patience
        self._clock = clock
        self._session: dict[str, str] = {}  # account -> key, for this process only
        # account -> when its key could not be read, and why (see REFUSAL_MEMORY)
        self._refused: dict[str, tuple[float, KeychainUnavailable]] = {}

    def _keychain(self, on_wait: Callable[[], None] | None = None) -> _PatientKeychain:
        import keyring

        backend = self._backend if self._backend is not None else keyring.get_keyring()
        if not _is_usable(backend):
            raise KeychainUnavailable(_install_hint(), workaround=_WORKAROUND)
        return _PatientKeychain(backend, self._patience, on_wait or self._on_wait)

    def check_keychain(self) -> None:
        """Raise KeychainUnavailable, saying what to do, when there is no usable keychain
        to store a key in."""
        self._keychain()

    def _environment_key(self) -> str | None:
        value = self._environ.get(KEY_VARIABLE, "").strip()
        if value:
            self._on_key_seen(value)
        return value or None

    def use_for_session(self, account: str, key: str) -> None:
        """Use ``key`` (validated) for ``account`` until this process ends, never storing
        it: for when the keychain cannot keep it."""
        key = validate_key(key)
        self._on_key_seen(key)
        self._session[account] = key

    def lookup(self, account: str, *, on_wait: Callable[[], None] | None = None) -> str | None:
        """The key for ``account``: the environment's, else the one given for this
        session, else the keychain's, else None.

        ``on_wait``, if given, is told instead of the one given to ApiKeys when the
        keychain keeps this call waiting (a window says so where the call was made).

        Raises KeychainUnavailable when the key would come from a keychain that is
        missing or locked.
        """
        if (key := self._environment_key()) is not None:
            return key
        if (key := self._session.get(account)) is not None:
            return key
        refused = self._refused.get(account)
        if refused is not None and self._clock() - refused[0] < REFUSAL_MEMORY:
            raise refused[1]
        try:
            key = self._read(account, on_wait)
        except KeychainUnavailable as error:
            self._refused[account] = (self._clock(), error)
            raise
        self._refused.pop(account, None)
        if key:
            self._on_key_seen(key)
        return key or None

    def ask_again(self, account: str) -> None:
        """The next lookup of ``account``'s key asks the keychain even if it could not
        be read just now (see REFUSAL_MEMORY): the person asked to try again."""
        self._refused.pop(account, None)

    def _read(self, account: str, on_wait: Callable[[], None] | None) -> str | None:
        import keyring.errors

        try:
            return self._keychain(on_wait).get_password(SERVICE, account)
        except keyring.errors.KeyringLocked as error:
            raise KeychainUnavailable(
                f"{_keychain_name(capital=True)} is locked: unlock it and try again.",
                workaround=_WORKAROUND,
            ) from error
        except keyring.errors.KeyringError as error:
            raise KeychainUnavailable(
                f"{_keychain_name(capital=True)} failed ({type(error).__name__}).",
                workaround=_WORKAROUND,
            ) from error

    def status(self, account: str) -> KeyStatus:
        if self._environment_key() is not None:
            return KeyStatus(
                KeySource.ENVIRONMENT, f"from {KEY_VARIABLE}, for this session only (not stored)"
            )
        if account in self._session:
            return KeyStatus(KeySource.SESSION, "given for this session only (not stored)")
        try:
            backend = self._keychain()
            stored = self.lookup(account)
        except KeychainUnavailable as error:
            return KeyStatus(KeySource.NONE, str(error))
        name = backend.name
        if stored:
            return KeyStatus(KeySource.KEYCHAIN, f"in {_keychain_name()}", name)
        return KeyStatus(KeySource.NONE, "none is set (maestrale key set, or Settings)", name)

    def store(self, account: str, key: str) -> None:
        """Save ``key`` (validated) in the keychain; never anywhere else."""
        key = validate_key(key)
        self._on_key_seen(key)
        import keyring.errors

        try:
            self._keychain().set_password(SERVICE, account, key)
        except keyring.errors.KeyringLocked as error:
            raise KeychainUnavailable(
                f"{_keychain_name(capital=True)} is locked: unlock it and try again.",
                workaround=_WORKAROUND,
            ) from error
        except keyring.errors.InitError as error:
            problem = f"Could not save the key in {_keychain_name()} (InitError)."
            if "create the collection" in str(error):  # keyring's Secret Service words
                problem = (
                    f"{_keychain_name(capital=True)} has no keyring yet, and making one "
                    "needs a password it could not ask for (its prompt was closed, or "
                    "cannot show here). Make one in your desktop's password manager (for "
                    'example Seahorse, "Passwords and Keys"), then save the key again.'
                )
            raise KeychainUnavailable(problem, workaround=_WORKAROUND) from error
        except keyring.errors.KeyringError as error:
            raise KeychainUnavailable(
                f"Could not save the key in {_keychain_name()} ({type(error).__name__}).",
                workaround=_WORKAROUND,
            ) from error
        self._session.pop(account, None)  # the stored one takes its place
        self._refused.pop(account, None)  # it answers now

    def has_stored_key(self, account: str) -> bool:
        """Whether the keychain holds a key for ``account`` (False without a keychain),
        whatever the environment says."""
        import keyring.errors

        try:
            return self._keychain().get_password(SERVICE, account) is not None
        except (KeychainUnavailable, keyring.errors.KeyringError):
            return False

    def remove(self, account: str) -> bool:
        """Delete the stored key; False when there was none."""
        import keyring.errors

        try:
            backend = self._keychain()
            if backend.get_password(SERVICE, account) is None:
                return False
            backend.delete_password(SERVICE, account)
        except keyring.errors.PasswordDeleteError:
            return False
        except keyring.errors.KeyringError as error:
            raise KeychainUnavailable(
                f"Could not remove the key from {_keychain_name()} ({type(error).__name__})."
            ) from error
        return True

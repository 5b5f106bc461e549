"""What every sub-command needs, built once per run and closed at its end."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from app.api.client import MistralClient
from app.cli import CommandError, ExitCode
from app.config import RuntimeConfig, load_config, open_client
from app.log import SecretRedactor, setup_logging
from app.secrets import ApiKeys
from app.store.conversations import ConversationStore
from app.store.db import needs_upgrade, set_aside
from app.store.errors import DatabaseUnreadable, StoreError
from app.store.read_only import can_write, open_read_only


@dataclass
class CommandContext:
    config: RuntimeConfig
    keys: ApiKeys
    redactor: SecretRedactor
    _store: ConversationStore | None = field(default=None, repr=False)

    @staticmethod
    def create(args: argparse.Namespace, environ: Mapping[str, str]) -> CommandContext:
        config = load_config(
            environ,
            data_dir=getattr(args, "data_dir", None),
            base_url=getattr(args, "base_url", None),
            model=getattr(args, "model", None),
        )
        redactor = setup_logging(config.paths.log_file, verbose=getattr(args, "verbose", False))
        keys = ApiKeys(environ, on_key_seen=redactor.add, on_wait=_say_waiting)
        return CommandContext(config=config, keys=keys, redactor=redactor)

    def store(self, *, writing: bool = True) -> ConversationStore:
        """The history, opened on first use; a damaged file is never touched unasked.

        One that cannot be written here (a backup on a read-only disk, a folder without
        write permission) is read as it is by a command that only reads (``writing``
        false), with a note; a command that writes is refused before it starts.
        """
        if self._store is None:
            self._store = self._open(writing)
        return self._store

    def _open(self, writing: bool) -> ConversationStore:
        path = self.config.paths.database
        if needs_upgrade(path):
            print(
                "maestrale: updating the history for this version (once; a long "
                "history can take a minute)…",
                file=sys.stderr,
                flush=True,
            )
        try:
            store = ConversationStore.open(path)
        except DatabaseUnreadable as error:
            if error.unwritable and path.is_file():
                return self._open_unwritable(path, error, writing)
            if not error.damaged or not (sys.stdin.isatty() and sys.stderr.isatty()):
                raise
            print(f"maestrale: {error}", file=sys.stderr)
            answer = input("Start a new, empty history and keep the damaged file beside it? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise
            kept = set_aside(path)
            print(f"maestrale: the damaged file is kept as {kept}", file=sys.stderr)
            return ConversationStore.open(path)
        if writing and not can_write(store.connection):
            store.connection.read_only = True  # closing it then tries no write either
            store.close()
            raise _refusal(path, "it is read-only")
        return store

    @staticmethod
    def _open_unwritable(path: Path, error: DatabaseUnreadable, writing: bool) -> ConversationStore:
        try:
            store = ConversationStore(open_read_only(path))
        except StoreError:
            raise error from None  # it cannot be read either: what stopped the first try
        if writing:
            store.close()
            raise _refusal(path, error.reason)
        print(
            f"maestrale: note: the history {path} cannot be written here ({error.reason}); "
            "it is read as it is, and nothing in it is changed.",
            file=sys.stderr,
            flush=True,
        )
        return store

    def client(self) -> MistralClient:
        return open_client(self.config, self.keys)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def _refusal(path: Path, reason: str) -> CommandError:
    return CommandError(
        f"Cannot write to the history file {path} ({reason}): nothing was changed. Make "
        f"the folder {path.parent} and the file writable (check their permissions), or "
        "copy the folder somewhere writable and give that with --data-dir; "
        "'maestrale list' and 'maestrale export' read it as it is.",
        ExitCode.HISTORY,
    )


def _say_waiting() -> None:
    print(
        "maestrale: waiting for the system keychain (it may be asking for its password)…",
        file=sys.stderr,
        flush=True,
    )

"""What every sub-command needs, built once per run and closed at its end."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

from app.api.client import MistralClient
from app.config import RuntimeConfig, load_config, open_client
from app.log import SecretRedactor, setup_logging
from app.secrets import ApiKeys
from app.store.conversations import ConversationStore
from app.store.db import needs_upgrade, set_aside
from app.store.errors import DatabaseUnreadable


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

    def store(self) -> ConversationStore:
        """The history, opened on first use; a damaged file is never touched unasked."""
        if self._store is None:
            path = self.config.paths.database
            if needs_upgrade(path):
                print(
                    "maestrale: updating the history for this version (once; a long "
                    "history can take a minute)…",
                    file=sys.stderr,
                    flush=True,
                )
            try:
                self._store = ConversationStore.open(path)
            except DatabaseUnreadable as error:
                if not error.damaged or not (sys.stdin.isatty() and sys.stderr.isatty()):
                    raise
                print(f"maestrale: {error}", file=sys.stderr)
                answer = input(
                    "Start a new, empty history and keep the damaged file beside it? [y/N] "
                )
                if answer.strip().lower() not in ("y", "yes"):
                    raise
                kept = set_aside(path)
                print(f"maestrale: the damaged file is kept as {kept}", file=sys.stderr)
                self._store = ConversationStore.open(path)
        return self._store

    def client(self) -> MistralClient:
        return open_client(self.config, self.keys)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def _say_waiting() -> None:
    print(
        "maestrale: waiting for the system keychain (it may be asking for its password)…",
        file=sys.stderr,
        flush=True,
    )

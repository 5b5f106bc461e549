"""``maestrale key set|status|clear``: the API key in the keychain, never on screen."""

from __future__ import annotations

import argparse
import getpass
import sys

from app.cli import CommandError, ExitCode
from app.commands.context import CommandContext
from app.secrets import KEY_VARIABLE, KeySource, validate_key


def _read_key() -> str:
    if sys.stdin.isatty():
        text = getpass.getpass("API key (input hidden): ")
    else:
        text = sys.stdin.readline()
    try:
        return validate_key(text)
    except ValueError as error:
        raise CommandError(str(error), ExitCode.USAGE) from error


def run(context: CommandContext, args: argparse.Namespace) -> int:
    account = context.config.endpoint().base_url
    keys = context.keys
    if args.action == "set":
        key = _read_key()
        keys.store(account, key)
        print(f"Saved the key for {account} in the system keychain.")
        if keys.status(account).source is KeySource.ENVIRONMENT:
            print(f"Note: {KEY_VARIABLE} is set and wins over the keychain in this session.")
        return ExitCode.OK
    if args.action == "status":
        status = keys.status(account)
        print(f"API key for {account}: {status.description}")
        return ExitCode.OK if status.source is not KeySource.NONE else ExitCode.AUTHENTICATION
    removed = keys.remove(account)
    print(f"Removed the key for {account}." if removed else f"No key was stored for {account}.")
    return ExitCode.OK

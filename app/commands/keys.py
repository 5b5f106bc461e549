"""``maestrale key set|status|clear``: the API key in the keychain, never on screen."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from app.api.errors import ApiError, AuthenticationError, PermissionDenied
from app.api.retry import RetryPolicy
from app.cli import CommandError, ExitCode
from app.commands.context import CommandContext
from app.secrets import KEY_VARIABLE, KeySource, validate_key


def _read_key() -> str:
    try:
        text = _prompt() if sys.stdin.isatty() else sys.stdin.readline()
    except EOFError:
        # Ctrl+D at the prompt: no key was given, which is not a failure of ours.
        raise CommandError(
            "no key given: run maestrale key set again and paste the API key from "
            "console.mistral.ai.",
            ExitCode.USAGE,
        ) from None
    try:
        return validate_key(text)
    except ValueError as error:
        raise CommandError(str(error), ExitCode.USAGE) from error


def _prompt() -> str:
    try:
        return getpass.getpass("API key (input hidden): ")
    except (EOFError, KeyboardInterrupt):
        # getpass ends the prompt's line only when a key is typed: what follows is
        # said on a line of its own.
        print(file=sys.stderr)
        raise


async def _check(context: CommandContext, key: str) -> str:
    """Ask the endpoint with ``key`` before it is stored (a wrong key was saved, and the
    next `ask` failed): raises when the endpoint refuses it; returns a note when it could
    not be asked (the key is then saved unchecked)."""
    from app.api.client import MistralClient  # httpx: only when a key is set

    config = context.config
    client = MistralClient(
        config.endpoint(),
        api_key=key,
        dialect=config.dialect,
        connect_timeout=config.settings.connect_timeout,
        read_timeout=config.settings.read_timeout,
        retry=RetryPolicy(attempts=1),
    )
    try:
        async with client:
            await client.list_models()
    except (AuthenticationError, PermissionDenied) as error:
        raise CommandError(f"Not saved: {error}", ExitCode.AUTHENTICATION) from None
    except ApiError as error:
        return f" It could not be checked now: {error}"
    return " The endpoint accepted it."


def run(context: CommandContext, args: argparse.Namespace) -> int:
    account = context.config.endpoint().base_url
    keys = context.keys
    if args.action == "set":
        key = _read_key()
        keys.check_keychain()  # nowhere to keep it: said before the key is tried
        note = asyncio.run(_check(context, key))
        keys.store(account, key)
        print(f"Saved the key for {account} in the system keychain.{note}")
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

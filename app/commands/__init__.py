"""The sub-commands of ``maestrale``: each a function of (context, arguments) -> exit status."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from typing import Any

from app.api.errors import (
    ApiError,
    AuthenticationError,
    EndpointRefused,
    InvalidRequest,
    ModelUnavailable,
    NetworkError,
    PermissionDenied,
    RateLimited,
    ServerError,
    StreamInterrupted,
)
from app.cli import CommandError, ExitCode
from app.commands.context import CommandContext
from app.secrets import KeychainUnavailable
from app.store.errors import StoreError

log = logging.getLogger(__name__)


def exit_code_for(error: BaseException) -> ExitCode:
    """The documented exit status of a failure."""
    if isinstance(error, CommandError):
        return error.code
    if isinstance(error, AuthenticationError | PermissionDenied | KeychainUnavailable):
        return ExitCode.AUTHENTICATION
    if isinstance(error, RateLimited):
        return ExitCode.RATE_LIMITED
    if isinstance(error, StreamInterrupted):
        return ExitCode.INTERRUPTED
    if isinstance(error, NetworkError | ServerError):
        return ExitCode.NETWORK
    if isinstance(error, EndpointRefused):
        return ExitCode.USAGE
    if isinstance(error, InvalidRequest):
        return ExitCode.REJECTED
    if isinstance(error, StoreError):
        return ExitCode.HISTORY
    if isinstance(error, ApiError):
        return ExitCode.NETWORK
    return ExitCode.FAILURE


def said(error: Exception, settings_file: Path) -> str:
    """``error``'s message with the command line's way to do what it advises (the core's
    words are shared with the window, where the way differs)."""
    if isinstance(error, ModelUnavailable) and error.replacement:
        model = error.replacement
        return (
            f"{str(error).removesuffix('.')} (ask with --model {model}, or set "
            f'model = "{model}" in {settings_file} for every new conversation).'
        )
    return str(error)


def fail(message: str) -> None:
    print(f"maestrale: {message}", file=sys.stderr, flush=True)


def run_async(main: Coroutine[Any, Any, int]) -> int:
    """Run a command's coroutine; Ctrl+C and SIGTERM cancel it so it can keep what it has."""

    async def guarded() -> int:
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        if task is not None and sys.platform != "win32":
            loop.add_signal_handler(signal.SIGTERM, _terminate, task)
        return await main

    try:
        return asyncio.run(guarded())
    except KeyboardInterrupt:
        return ExitCode.CTRL_C
    except asyncio.CancelledError:
        return ExitCode.TERMINATED


def _terminate(task: asyncio.Task[int]) -> None:
    task.cancel("terminated")


def run_command(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from app.commands import ask, history, keys, models, quick

    handlers: dict[str, Callable[[CommandContext, argparse.Namespace], int]] = {
        "ask": ask.run,
        "models": models.run,
        "key": keys.run,
        "list": history.run_list,
        "export": history.run_export,
        "import": history.run_import,
        "quick": quick.run,
    }
    context = CommandContext.create(args, environ)
    try:
        for problem in context.config.problems:
            fail(problem)
        return handlers[args.command](context, args)
    except (ApiError, KeychainUnavailable, StoreError, CommandError) as error:
        fail(said(error, context.config.paths.settings_file))
        return exit_code_for(error)
    except KeyboardInterrupt:
        # Ctrl+C at a prompt or while stdin is awaited (the answer itself is stopped
        # in run_async): nothing was done, and a traceback would say otherwise.
        fail("cancelled.")
        return ExitCode.CTRL_C
    except BrokenPipeError:
        # `maestrale export | head`: the reader left; that is not a failure of ours.
        return ExitCode.OK
    except Exception as error:
        log.exception("Unexpected failure in %s", args.command)
        fail(
            f"unexpected failure ({type(error).__name__}: {error}); details are in "
            f"{context.config.paths.log_file}"
        )
        return ExitCode.FAILURE
    finally:
        context.close()

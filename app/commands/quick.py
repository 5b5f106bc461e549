"""``maestrale quick``: show the quick prompt in the running instance (needs a display)."""

from __future__ import annotations

import argparse

from app.cli import CommandError, ExitCode
from app.commands.context import CommandContext


def run(context: CommandContext, args: argparse.Namespace) -> int:
    raise CommandError(
        "the quick prompt is not part of this build yet; open the window with `maestrale`.",
        ExitCode.USAGE,
    )

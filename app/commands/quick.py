"""``maestrale quick``: show the quick prompt in the running instance, or start one."""

from __future__ import annotations

import argparse
import subprocess
import sys

from app.cli import ExitCode
from app.commands.context import CommandContext


def run(context: CommandContext, args: argparse.Namespace) -> int:
    # Qt is allowed here (the contract's one exception): the running instance listens
    # on a QLocalServer.
    from app.quick.single_instance import instance_name, send_to_running

    template = args.template or None
    if template is not None and not _known_template(context, template):
        return ExitCode.USAGE
    name = instance_name(context.config.paths.data_dir)
    if send_to_running(name, "quick", {"template": template}):
        return ExitCode.OK
    # None runs: start one in the background with the quick prompt shown, and return.
    command = [sys.executable, "-m", "app", "--start-quick", template or ""]
    for option in ("data_dir", "base_url"):
        value = getattr(args, option, None)
        if value:
            command += [f"--{option.replace('_', '-')}", value]
    subprocess.Popen(  # noqa: S603 - our own interpreter and module
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        close_fds=True,
    )
    return ExitCode.OK


def _known_template(context: CommandContext, name: str) -> bool:
    """Whether a template of that name exists (case aside); if not, says which do."""
    from app.quick.templates_file import load_templates, templates_path

    templates, _problems = load_templates(templates_path(context.config.paths.config_dir))
    if any(t.name.lower() == name.lower() for t in templates):
        return True
    names = ", ".join(f"“{t.name}”" for t in templates) or "none"
    print(
        f"maestrale: there is no quick prompt template named “{name}”. Templates: {names} "
        "(Settings, Templates).",
        file=sys.stderr,
    )
    return False

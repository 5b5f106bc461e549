"""The ``maestrale`` command: the window by default, and sub-commands that need no display.

Exit status (documented in the README too):

    0    success
    1    an unexpected failure (a bug: please report it with the log)
    2    usage error: bad arguments or input
    3    authentication: no key, a refused key, no keychain, payment or permission
    4    rate limited: wait and try again
    5    network or server failure (before any answer text arrived)
    6    the answer was interrupted by a network or server failure; partial text kept
    7    the endpoint rejected the request (unknown or retired model, invalid values)
    8    the history could not be used (damaged database, bad import file, no such chat)
    9    the output file could not be written (export -o: a folder, a missing folder...)
    130  stopped with Ctrl+C (143: terminated); a partial answer is kept as interrupted

Every failure prints one line to stderr saying what to do. Nothing here imports Qt:
the window's modules are imported only when the window is opened.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from enum import IntEnum
from typing import Any, NoReturn

from app import __version__


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1
    USAGE = 2
    AUTHENTICATION = 3
    RATE_LIMITED = 4
    NETWORK = 5
    INTERRUPTED = 6
    REJECTED = 7
    HISTORY = 8
    FILE = 9
    CTRL_C = 130
    TERMINATED = 143


class CommandError(Exception):
    """A failure a command explains itself; ``code`` is the exit status."""

    def __init__(self, message: str, code: ExitCode) -> None:
        super().__init__(message)
        self.code = code


def _global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=default,
        help="folder of the history (default: $MAESTRALE_DATA_DIR, else the platform's)",
    )
    parser.add_argument(
        "--base-url",
        metavar="URL",
        default=default,
        help="API base URL (default: $MAESTRALE_BASE_URL, else the settings)",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="write more detail to the log file",
    )


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, as for every failure (argparse printed the usage above it): the
        # usage is a --help away, and said so.
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser."""
    parser = _Parser(
        prog="maestrale",
        description="A desktop assistant for Mistral's chat models. "
        "Without a sub-command, opens the window.",
        epilog="Exit status: 0 ok, 2 usage, 3 authentication, 4 rate limited, 5 network or "
        "server, 6 answer interrupted, 7 request rejected, 8 history problem, 9 output file "
        "not written, 130 Ctrl+C, 143 terminated.",
    )
    parser.add_argument("--version", action="version", version=f"maestrale {__version__}")
    _global_options(parser, suppress=False)
    parser.add_argument("--model", metavar="ID", default=None, help="model for new chats")
    parser.add_argument(
        "--new-chat",
        action="store_true",
        help="open on a new chat (in the running Maestrale, if one runs)",
    )
    # Internal: `maestrale quick` starts the app this way when none runs (hidden window,
    # the quick prompt shown). Not part of the documented command line.
    parser.add_argument("--start-quick", nargs="?", const="", default=None, help=argparse.SUPPRESS)
    common = _Parser(add_help=False)
    _global_options(common, suppress=True)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")

    ask = subparsers.add_parser(
        "ask",
        parents=[common],
        help="ask a question and stream the answer",
        description="Ask a question; the answer streams to stdout and is kept in the history.",
    )
    ask.add_argument("prompt", nargs="?", metavar="PROMPT", help="the question (else stdin)")
    ask.add_argument(
        "--model",
        metavar="ID",
        default=argparse.SUPPRESS,
        help="model to ask; with --conversation, that conversation's own from this question on",
    )
    ask.add_argument(
        "--system",
        metavar="TEXT",
        help="system prompt; with --conversation, that conversation's own from this question "
        'on, as the window\'s Parameters set it ("" removes it)',
    )
    ask.add_argument(
        "--temperature",
        metavar="T",
        type=float,
        help="sampling temperature 0-1.5 (with --conversation: this question only)",
    )
    ask.add_argument(
        "--max-tokens",
        metavar="N",
        type=int,
        help="longest answer in tokens (with --conversation: this question only)",
    )
    ask.add_argument("--conversation", metavar="ID", help="continue this conversation")
    ask.add_argument("--json", action="store_true", help="one JSON object per event")

    models = subparsers.add_parser(
        "models",
        parents=[common],
        help="list the endpoint's models",
        description="List the models the endpoint serves: each one's context length, the "
        "date a deprecated one is retired and its replacement, and which is the default.",
    )
    models.add_argument("--json", action="store_true", help="print JSON")

    key = subparsers.add_parser(
        "key",
        parents=[common],
        help="manage the API key",
        description="Keep the endpoint's API key in the system keychain. set reads it from "
        "stdin (hidden on a terminal), asks the endpoint first and does not save a key it "
        "refuses; status says where the key comes from, never the key; clear removes it.",
    )
    key.add_argument(
        "action",
        choices=["set", "status", "clear"],
        help="set (reads the key from stdin), status, clear",
    )

    listing = subparsers.add_parser(
        "list",
        parents=[common],
        help="list conversations",
        description="List the conversations, newest first: id, last activity (* when "
        "pinned) and title. Give an id, or its first characters, to ask --conversation or "
        "export --conversation.",
    )
    listing.add_argument("--json", action="store_true", help="print JSON")

    export = subparsers.add_parser(
        "export",
        parents=[common],
        help="export conversations",
        description="Export every conversation, or one: json keeps every branch and field "
        "(maestrale import reads it back), md is Markdown to read.",
    )
    export.add_argument(
        "--format",
        type=_export_format,
        choices=["json", "md"],
        default="json",
        help="json (all branches, every field) or md (also: markdown)",
    )
    export.add_argument("--conversation", metavar="ID", help="only this conversation")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE (else stdout)")

    importing = subparsers.add_parser(
        "import",
        parents=[common],
        help="import a Maestrale export or ChatGPT's conversations.json",
        description="Import a Maestrale JSON export, or ChatGPT's conversations.json (or the "
        "zip ChatGPT sends). Conversations already here get only the messages they lack, so "
        "importing a file twice adds nothing; a file with any problem changes nothing. "
        "Progress shows on stderr when it is a terminal; one summary line goes to stdout.",
    )
    importing.add_argument(
        "file",
        metavar="FILE",
        help="the file: an export (.json), ChatGPT's conversations.json or its .zip",
    )

    quick = subparsers.add_parser(
        "quick",
        parents=[common],
        help="show the quick prompt in the running instance",
        description="Show the quick prompt in the running Maestrale (started if none runs).",
    )
    quick.add_argument(
        "--template",
        metavar="NAME",
        help="run this template at once on the copied text (one that needs typed input "
        "is chosen and waits for it); names are in Settings, Templates",
    )
    # Not in the command line's contract: text given anyway gets a usage error that says
    # what to write, instead of the top level's "unrecognized arguments".
    quick.add_argument("text", nargs="*", action=_NoQuickText, help=argparse.SUPPRESS)
    return parser


def _export_format(name: str) -> str:
    return "md" if name.lower() == "markdown" else name


class _NoQuickText(argparse.Action):
    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        if values:
            given = " ".join(str(value) for value in values) if isinstance(values, list) else values
            parser.error(
                f"the quick prompt takes no text ({given!r}); to run a template, name it "
                f'with --template, as in: maestrale quick --template "{given}"'
            )
        setattr(namespace, self.dest, [])


def _prepare_streams() -> None:
    # A terminal or pipe that cannot show a character must not crash an answer.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point: parses arguments, runs the command, returns the exit status."""
    _prepare_streams()
    arguments = sys.argv[1:] if argv is None else list(argv)
    if not arguments:
        # The bare `maestrale` a launcher runs: no parser. Building one and parsing
        # nothing took 7 ms, 3% of the window's start-up (argparse reads its messages
        # through gettext, which loads the locale module and looks for catalogues).
        return _open_window(window_defaults())
    args = build_parser().parse_args(arguments)
    if args.command is None:
        return _open_window(args)
    from app.commands import run_command

    return run_command(args, dict(os.environ))


def window_defaults() -> argparse.Namespace:
    """What ``build_parser().parse_args([])`` gives: the window, every option unset."""
    return argparse.Namespace(
        data_dir=None,
        base_url=None,
        verbose=False,
        model=None,
        new_chat=False,
        start_quick=None,
        command=None,
    )


def _open_window(args: argparse.Namespace) -> int:
    import gc

    # Start-up makes some 50,000 objects the collector tracks, nearly all kept: its
    # passes meanwhile (about 65, some 3% of the start-up) find next to nothing.
    # run_window collects once the window has painted, then turns it back on.
    gc.disable()
    from app.ui.qt_import import import_qt

    import_qt()  # before the window's modules: see there
    from app.window_start import run_window

    return run_window(args, dict(os.environ))


def gui_main() -> int:
    """Entry point for desktop launchers (no console window on Windows)."""
    return main()

"""``maestrale list``, ``export`` and ``import``: the history from the command line."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from app.cli import ExitCode
from app.commands.context import CommandContext
from app.commands.status_line import StatusLine
from app.domain.messages import to_iso
from app.store.transfer import (
    ImportProgress,
    ImportReport,
    ImportStage,
    export_json,
    export_markdown,
    import_file,
)


def run_list(context: CommandContext, args: argparse.Namespace) -> int:
    conversations = context.store(writing=False).list_conversations()
    if args.json:
        records = [
            {
                "id": c.id,
                "title": c.title,
                "created_at": to_iso(c.created_at),
                "updated_at": to_iso(c.updated_at),
                "model": c.model,
                "pinned": c.pinned,
            }
            for c in conversations
        ]
        json.dump(records, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return ExitCode.OK
    for c in conversations:
        when = c.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
        pin = "*" if c.pinned else " "
        print(f"{c.id}  {when} {pin} {c.title}")
    if not conversations:
        # Where it looked: a mistyped --data-dir reads as an empty history otherwise.
        print(
            f"No conversations yet in {context.config.paths.database}: start one with "
            'maestrale ask "...".',
            file=sys.stderr,
        )
    return ExitCode.OK


def run_export(context: CommandContext, args: argparse.Namespace) -> int:
    store = context.store(writing=False)
    ids = [store.resolve(args.conversation).id] if args.conversation is not None else None
    if args.format == "md":
        text = export_markdown(store, ids)
        if not text.strip():
            # An empty JSON export is still a document; empty Markdown is a blank line.
            print(
                f"maestrale: no conversations to export in {context.config.paths.database}.",
                file=sys.stderr,
            )
            return ExitCode.OK
    else:
        text = json.dumps(export_json(store, ids), indent=2, ensure_ascii=False) + "\n"
    if args.output:
        target = Path(args.output)
        problem = _unwritable(target, args.format)
        if problem:
            print(f"maestrale: {problem}", file=sys.stderr)
            return ExitCode.FILE
        # Written beside it, then renamed over it: never half a file under its name.
        temporary = target.with_name(target.name + ".part")
        try:
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, target)
        except OSError as error:
            temporary.unlink(missing_ok=True)  # no stray copy of the history left behind
            why = error.strerror or str(error)
            print(
                f"maestrale: cannot write {target} ({why}); choose another place.", file=sys.stderr
            )
            return ExitCode.FILE
        print(f"Exported to {target}", file=sys.stderr)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return ExitCode.OK


def _unwritable(target: Path, export_format: str) -> str | None:
    """Why the export cannot go to ``target``, in words that say what to do; or None."""
    if target.is_dir():
        example = target / f"maestrale-export.{export_format}"
        return f"{target} is a folder: give a file name, for example {example}"
    if not target.parent.is_dir():
        return f"the folder {target.parent} does not exist: create it, or choose another"
    return None


def run_import(context: CommandContext, args: argparse.Namespace) -> int:
    path = Path(args.file)
    with StatusLine(sys.stderr) as line:
        report = import_file(
            context.store(),
            path,
            lambda progress: line.show(_progress_text(progress, path), step=progress.stage),
        )
    print(import_summary(report))
    for warning in report.warnings:
        print(f"note: {warning}", file=sys.stderr)
    return ExitCode.OK


def _progress_text(progress: ImportProgress, path: Path) -> str:
    """How far an import is, for the terminal's status line."""
    if progress.stage is ImportStage.READING:
        return f"Reading {path.name} ({_size(progress.total)})…"
    if progress.stage is ImportStage.SAVING:
        return "Saving to the history…"
    doing = "Checking" if progress.stage is ImportStage.CHECKING else "Importing"
    return f"{doing} conversations: {progress.done:,} of {progress.total:,}…"


def _size(count: int) -> str:
    if count < 1_000_000:
        return f"{max(1, round(count / 1000)):,} KB"
    return f"{count / 1_000_000:,.0f} MB"


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}" + ("" if number == 1 else "s")


def import_summary(report: ImportReport) -> str:
    """One line on what an import changed: conversations added, messages added to
    conversations already there (a re-imported export with new answers), and skipped."""
    parts = [f"Imported {_count(report.imported, 'conversation')}"]
    if report.updated:
        parts.append(
            f"added {_count(report.updated_messages, 'message')} to "
            f"{_count(report.updated, 'conversation')} "
            "already here"
        )
    if report.skipped:
        parts.append(f"{report.skipped} already here with every message, skipped")
    if report.restored:
        parts.append(f"{_count(report.restored, 'deleted conversation')} brought back")
    return "; ".join(parts) + "."

"""``maestrale list``, ``export`` and ``import``: the history from the command line."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from app.cli import ExitCode
from app.commands.context import CommandContext
from app.domain.messages import to_iso
from app.store.transfer import export_json, export_markdown, import_file


def run_list(context: CommandContext, args: argparse.Namespace) -> int:
    conversations = context.store().list_conversations()
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
        print('No conversations yet: start one with maestrale ask "...".', file=sys.stderr)
    return ExitCode.OK


def run_export(context: CommandContext, args: argparse.Namespace) -> int:
    store = context.store()
    ids = [store.resolve(args.conversation).id] if args.conversation else None
    if args.format == "md":
        text = export_markdown(store, ids)
    else:
        text = json.dumps(export_json(store, ids), indent=2, ensure_ascii=False) + "\n"
    if args.output:
        target = Path(args.output)
        temporary = target.with_name(target.name + ".part")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
        print(f"Exported to {target}", file=sys.stderr)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return ExitCode.OK


def run_import(context: CommandContext, args: argparse.Namespace) -> int:
    report = import_file(context.store(), Path(args.file))
    print(
        f"Imported {report.imported} conversation(s)"
        + (f"; {report.skipped} already present, skipped" if report.skipped else "")
        + "."
    )
    for warning in report.warnings:
        print(f"note: {warning}", file=sys.stderr)
    return ExitCode.OK

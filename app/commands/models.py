"""``maestrale models``: what the endpoint serves, with context lengths and retirements."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from app.api.types import ModelCard
from app.cli import ExitCode
from app.commands import run_async
from app.commands.context import CommandContext


def _lifecycle(card: ModelCard, now: datetime) -> str:
    if card.deprecation is None:
        return ""
    state = "deprecated since" if card.is_retired(now) else "deprecated from"
    text = f"{state} {card.deprecation.date().isoformat()}"
    return f"{text} → {card.replacement}" if card.replacement else text


def _card_json(card: ModelCard, now: datetime) -> dict[str, Any]:
    return {
        "id": card.id,
        "name": card.name,
        "aliases": list(card.aliases),
        "max_context_length": card.max_context_length,
        "chat": card.chat,
        "function_calling": card.function_calling,
        "vision": card.vision,
        "deprecation": card.deprecation.isoformat() if card.deprecation else None,
        "retired": card.is_retired(now),
        "replacement": card.replacement,
    }


def run(context: CommandContext, args: argparse.Namespace) -> int:
    client = context.client()

    async def fetch() -> list[ModelCard]:
        async with client:
            return await client.list_models()

    cards: list[ModelCard] = []

    async def main() -> int:
        cards.extend(await fetch())
        return ExitCode.OK

    status = run_async(main())
    if status != ExitCode.OK:
        return status
    now = datetime.now(UTC)
    cards.sort(key=lambda card: (not card.chat, card.id))
    if args.json:
        json.dump([_card_json(card, now) for card in cards], sys.stdout, indent=2)
        sys.stdout.write("\n")
        return ExitCode.OK
    default = context.config.settings.model
    width = max((len(card.id) for card in cards), default=2) + 2
    print(f"{'ID':<{width}}{'CONTEXT':>9}  NOTES")
    for card in cards:
        notes = [_lifecycle(card, now)]
        if not card.chat:
            notes.append("not a chat model")
        if card.answers_to(default):
            notes.append("default")
        if card.aliases:
            notes.append("aliases: " + ", ".join(card.aliases))
        context_length = f"{card.max_context_length:,}" if card.max_context_length else "?"
        print(f"{card.id:<{width}}{context_length:>9}  {'; '.join(n for n in notes if n)}")
    return ExitCode.OK

"""What an endpoint is and serves: the dialect it speaks, the models it lists.

Apart from the request and event types (``app.api.types``): the window needs these
at start-up (the model picker, the settings), the others only once a question goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class Dialect(StrEnum):
    """Which flavour of ``/v1/chat/completions`` the endpoint speaks."""

    MISTRAL = "mistral"
    OPENAI = "openai"


@dataclass(frozen=True, slots=True)
class ModelCard:
    id: str
    name: str | None = None
    description: str | None = None
    max_context_length: int | None = None
    aliases: tuple[str, ...] = ()
    deprecation: datetime | None = None
    replacement: str | None = None
    default_temperature: float | None = None
    chat: bool = True
    function_calling: bool = False
    vision: bool = False
    owned_by: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The card in Mistral's own shape (``dialects.model_card`` reads it back)."""
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "max_context_length": self.max_context_length,
            "aliases": list(self.aliases),
            "deprecation": self.deprecation.isoformat() if self.deprecation else None,
            "deprecation_replacement_model": self.replacement,
            "default_model_temperature": self.default_temperature,
            "capabilities": {
                "completion_chat": self.chat,
                "function_calling": self.function_calling,
                "vision": self.vision,
            },
            "owned_by": self.owned_by,
        }

    def answers_to(self, model: str) -> bool:
        return model == self.id or model in self.aliases

    def is_retired(self, now: datetime) -> bool:
        """True once the deprecation date has passed (Mistral then stops serving it)."""
        return self.deprecation is not None and self.deprecation <= now

    def deprecation_note(self, now: datetime) -> str | None:
        """ "Deprecated since/from <day>", and the replacement if named; None if not.

        The card gives no retirement date: the endpoint says so when a request fails.
        """
        if self.deprecation is None:
            return None
        state = "since" if self.deprecation <= now else "from"
        note = f"Deprecated {state} {self.deprecation.date().isoformat()}"
        return f"{note}; replacement: {self.replacement}" if self.replacement else note

"""The endpoint's models: cached on disk for a fast start, refreshed in the background."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from app.api.dialects import model_cards
from app.api.models import ModelCard

if TYPE_CHECKING:
    from app.api.client import MistralClient

log = logging.getLogger(__name__)

CHEAP_MODELS = ("mistral-small-latest", "ministral-8b-latest", "open-mistral-nemo")


@dataclass(frozen=True, slots=True)
class ModelChoice:
    model: str
    note: str | None = None  # why another model than the preferred one was chosen


class ModelCatalog(QObject):
    """Models of one endpoint.

    Signals:
        changed: the list of cards changed (after a refresh or an endpoint switch).
    """

    changed = Signal()

    def __init__(
        self,
        cache_file: Path,
        base_url: str,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__()
        self._cache_file = cache_file
        self._base_url = base_url
        self._now = now
        self._cards: list[ModelCard] = []
        # Models the endpoint refused ("invalid model") although it may still list
        # them: a retired model stays in the list for a while.
        self._refused: set[str] = set()
        self.fetched_at: datetime | None = None
        self._load_cache()

    @property
    def cards(self) -> list[ModelCard]:
        return list(self._cards)

    def chat_models(self) -> list[ModelCard]:
        return [card for card in self._cards if card.chat]

    def card(self, model: str) -> ModelCard | None:
        return next((card for card in self._cards if card.answers_to(model)), None)

    def is_retired(self, model: str) -> bool:
        card = self.card(model)
        return card is not None and card.is_retired(self._now())

    def serves(self, model: str) -> bool:
        """False when the endpoint is known not to serve ``model``: its list lacks it, or
        it refused a request for it. True while the list is not known yet."""
        if self.is_refused(model):
            return False
        return not self._cards or self.card(model) is not None

    def is_refused(self, model: str) -> bool:
        card = self.card(model)
        names = {model} if card is None else {card.id, *card.aliases}
        return not names.isdisjoint(self._refused)

    def note_refused(self, model: str) -> None:
        """The endpoint answered that it does not serve ``model`` (unknown or retired)."""
        if model and not self.is_refused(model):
            self._refused.add(model)
            self._save_cache()
            self.changed.emit()

    def note_answered(self, model: str) -> None:
        """The endpoint answered with ``model``: it serves it (again)."""
        card = self.card(model)
        names = {model} if card is None else {card.id, *card.aliases}
        if not names.isdisjoint(self._refused):
            self._refused -= names
            self._save_cache()
            self.changed.emit()

    def choose(self, preferred: str) -> ModelChoice:
        """The model for a new chat: the preferred one wherever the endpoint serves it.

        A listed model stays the choice even when deprecated (the picker marks it and
        offers its replacement). One the endpoint does not list, or refused, is swapped
        for its replacement, else for another chat model the endpoint serves.
        """
        if self.serves(preferred):
            return ModelChoice(preferred)
        card = self.card(preferred)
        replacement = self.card(card.replacement) if card and card.replacement else None
        if replacement is not None and replacement.chat and self.serves(replacement.id):
            return ModelChoice(replacement.id, f"{preferred} is retired.")
        served = [
            c for c in self.chat_models() if not c.is_retired(self._now()) and self.serves(c.id)
        ]
        fallback = next((c for c in served if c.answers_to("mistral-large-latest")), None)
        fallback = fallback or (served[0] if served else None)
        if fallback is None:
            return ModelChoice(preferred)
        return ModelChoice(fallback.id, f"{preferred} is not served by this endpoint.")

    def replacement_for(self, model: str) -> str | None:
        """The model to ask instead of ``model`` once the endpoint refused it: the
        replacement its card names, if the endpoint serves that (None otherwise)."""
        if not self.is_refused(model):
            return None
        card = self.card(model)
        replacement = self.card(card.replacement) if card and card.replacement else None
        if replacement is None or not replacement.chat or not self.serves(replacement.id):
            return None
        return replacement.id

    def cheap_model(self) -> str | None:
        """A small, inexpensive model for side jobs such as titles, if listed."""
        return next((name for name in CHEAP_MODELS if self.card(name) is not None), None)

    def switch_endpoint(self, base_url: str) -> None:
        if base_url != self._base_url:
            self._base_url = base_url
            self._cards = []
            self._refused = set()
            self.fetched_at = None
            self._load_cache()
            self.changed.emit()

    async def refresh(self, client: MistralClient) -> None:
        """Fetch the list from the endpoint (errors propagate to the caller's handler)."""
        cards = await client.list_models()
        self._cards = sorted(cards, key=lambda card: card.id)
        self.fetched_at = self._now()
        self._save_cache()
        self.changed.emit()

    def _load_cache(self) -> None:
        try:
            data = json.loads(self._cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        entry = data.get(self._base_url) if isinstance(data, dict) else None
        if isinstance(entry, dict):
            self._cards = model_cards(entry.get("cards"))
            refused = entry.get("refused")
            if isinstance(refused, list):
                self._refused = {name for name in refused if isinstance(name, str)}

    def _save_cache(self) -> None:
        try:
            data = json.loads(self._cache_file.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                data = {}
        except (OSError, ValueError):
            data = {}
        data[self._base_url] = {
            "fetched_at": self.fetched_at.isoformat() if self.fetched_at else None,
            "cards": [card.to_json() for card in self._cards],
            "refused": sorted(self._refused),
        }
        try:
            self._cache_file.parent.mkdir(parents=True, exist_ok=True)
            temporary = self._cache_file.with_name(self._cache_file.name + ".tmp")
            temporary.write_text(json.dumps(data, indent=1), encoding="utf-8")
            os.replace(temporary, self._cache_file)
        except OSError:
            log.warning("Could not write the model cache %s", self._cache_file, exc_info=True)

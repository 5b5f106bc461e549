"""The endpoint's models: cached on disk for a fast start, refreshed in the background."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from app.api.dialects import model_cards
from app.api.models import ModelCard

if TYPE_CHECKING:
    from app.api.client import MistralClient

log = logging.getLogger(__name__)

CHEAP_MODELS = ("mistral-small-latest", "ministral-8b-latest", "open-mistral-nemo")
# A new chat whose model the endpoint does not serve gets the first of these it serves.
GENERAL_MODELS = ("mistral-large-latest", "mistral-medium-latest", "mistral-small-latest")
# Models made for one job (code, speech, documents): a new chat gets one only when the
# endpoint serves no other chat model. The list's first model is often a code model.
_SPECIALISED = ("codestral", "devstral", "embed", "ocr", "moderation", "voxtral")
# A refusal is forgotten after this long: one 400 must not move new chats off the
# preferred model for good (an answer from the model forgets it at once).
REFUSAL_LIFETIME = timedelta(days=1)


def _is_general(card: ModelCard) -> bool:
    name = card.id.lower()
    return card.chat and not any(word in name for word in _SPECIALISED)


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
        # them (a retired model stays in the list for a while), and when. A fresh list
        # does not clear them, for that reason: they expire (REFUSAL_LIFETIME).
        self._refused: dict[str, datetime] = {}
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

    def _names(self, model: str) -> set[str]:
        card = self.card(model)
        return {model} if card is None else {card.id, *card.aliases}

    def is_refused(self, model: str) -> bool:
        """Whether the endpoint refused ``model`` (or an alias of it) within the last
        REFUSAL_LIFETIME."""
        since = self._now() - REFUSAL_LIFETIME
        return any(self._refused.get(name, since) > since for name in self._names(model))

    def note_refused(self, model: str) -> None:
        """The endpoint answered that it does not serve ``model`` (unknown or retired)."""
        if model and not self.is_refused(model):
            self._refused[model] = self._now()
            self._save_cache()
            self.changed.emit()

    def note_answered(self, model: str) -> None:
        """The endpoint answered with ``model``: it serves it (again)."""
        names = self._names(model)
        if not names.isdisjoint(self._refused):
            for name in names:
                self._refused.pop(name, None)
            self._save_cache()
            self.changed.emit()

    def choose(self, preferred: str) -> ModelChoice:
        """The model for a new chat: the preferred one wherever the endpoint serves it.

        A listed model stays the choice even when deprecated (the picker marks it and
        offers its replacement). One the endpoint does not list, or refused, is swapped
        for the replacement the endpoint names, else for a general chat model (the first
        of GENERAL_MODELS served, else any but a code, speech or document one), and only
        then for any chat model served.
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
        general = [c for c in served if _is_general(c)]
        fallback = next((c for name in GENERAL_MODELS for c in general if c.answers_to(name)), None)
        fallback = fallback or next(iter(general), None) or next(iter(served), None)
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
            self._refused = {}
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
            self._refused = self._read_refused(refused)
            if isinstance(refused, list):
                self._save_cache()  # their lifetime starts now, not at each start

    def _read_refused(self, refused: object) -> dict[str, datetime]:
        if isinstance(refused, list):  # as written before refusals expired: from now on
            return {name: self._now() for name in refused if isinstance(name, str)}
        if not isinstance(refused, dict):
            return {}
        read = {}
        for name, when in refused.items():
            try:
                moment = datetime.fromisoformat(when)
            except (TypeError, ValueError):
                continue
            if moment.tzinfo is not None:  # as written; comparable with the clock's
                read[name] = moment
        return read

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
            "refused": {
                name: when.isoformat()
                for name, when in sorted(self._refused.items())
                if when > self._now() - REFUSAL_LIFETIME
            },
        }
        try:
            self._cache_file.parent.mkdir(parents=True, exist_ok=True)
            temporary = self._cache_file.with_name(self._cache_file.name + ".tmp")
            temporary.write_text(json.dumps(data, indent=1), encoding="utf-8")
            os.replace(temporary, self._cache_file)
        except OSError:
            log.warning("Could not write the model cache %s", self._cache_file, exc_info=True)

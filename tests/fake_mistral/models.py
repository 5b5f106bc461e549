"""Model catalogs served by ``GET /v1/models``, and model-name resolution.

Owns the shape of a model card for each dialect: Mistral's rich cards
(capabilities, aliases, deprecation) and the terse OpenAI/vLLM cards.
"""

from __future__ import annotations

import copy
from typing import Any

# A fixed creation time keeps responses reproducible across runs.
CREATED = 1_733_000_000

_CAPABILITY_KEYS = (
    "completion_chat",
    "completion_fim",
    "function_calling",
    "fine_tuning",
    "vision",
    "classification",
    "reasoning",
    "ocr",
    "moderation",
    "audio",
)


def mistral_card(
    model_id: str,
    *,
    max_context_length: int,
    aliases: list[str] | None = None,
    description: str | None = None,
    deprecation: str | None = None,
    deprecation_replacement_model: str | None = None,
    default_model_temperature: float | None = 0.7,
    **capabilities: bool,
) -> dict[str, Any]:
    """Build a card shaped like the real ``/v1/models`` entries (key order included).

    ``capabilities`` keywords switch on capabilities; every other one is false.
    """
    unknown = set(capabilities) - set(_CAPABILITY_KEYS)
    if unknown:
        raise ValueError(f"unknown capabilities: {sorted(unknown)}")
    return {
        "id": model_id,
        "object": "model",
        "created": CREATED,
        "owned_by": "mistralai",
        "capabilities": {key: capabilities.get(key, False) for key in _CAPABILITY_KEYS},
        "name": model_id,
        "description": description or f"Official {model_id} Mistral AI model",
        "max_context_length": max_context_length,
        "aliases": list(aliases or []),
        "deprecation": deprecation,
        "deprecation_replacement_model": deprecation_replacement_model,
        "default_model_temperature": default_model_temperature,
        "type": "base",
    }


def openai_card(model_id: str, *, max_model_len: int, owned_by: str = "vllm") -> dict[str, Any]:
    """Build a vLLM-style card: only ``id, object, created, owned_by, max_model_len``."""
    return {
        "id": model_id,
        "object": "model",
        "created": CREATED,
        "owned_by": owned_by,
        "max_model_len": max_model_len,
    }


_MISTRAL_CATALOG: list[dict[str, Any]] = [
    mistral_card(
        "mistral-large-2411",
        max_context_length=131072,
        deprecation="2026-02-27T00:00:00Z",
        deprecation_replacement_model="mistral-large-2512",
        completion_chat=True,
        function_calling=True,
    ),
    mistral_card(
        "mistral-large-2512",
        max_context_length=262144,
        aliases=["mistral-large-latest"],
        default_model_temperature=0.3,
        completion_chat=True,
        function_calling=True,
        vision=True,
    ),
    mistral_card(
        "mistral-small-2506",
        max_context_length=131072,
        aliases=["mistral-small-latest"],
        default_model_temperature=0.3,
        completion_chat=True,
        function_calling=True,
        vision=True,
    ),
    mistral_card(
        "ministral-8b-2410",
        max_context_length=131072,
        aliases=["ministral-8b-latest"],
        default_model_temperature=0.3,
        completion_chat=True,
        function_calling=True,
    ),
    mistral_card(
        "codestral-2508",
        max_context_length=262144,
        aliases=["codestral-latest"],
        default_model_temperature=0.3,
        completion_chat=True,
        completion_fim=True,
        function_calling=True,
    ),
    mistral_card(
        "mistral-embed",
        max_context_length=8192,
        default_model_temperature=None,
    ),
    mistral_card(
        "open-mistral-nemo",
        max_context_length=131072,
        aliases=["open-mistral-nemo-2407"],
        default_model_temperature=0.3,
        completion_chat=True,
        function_calling=True,
    ),
]

_OPENAI_CATALOG: list[dict[str, Any]] = [
    openai_card("mistralai/Mistral-Large-Instruct-2411", max_model_len=131072),
]


def default_catalog(dialect: str) -> list[dict[str, Any]]:
    """A fresh (deep-copied, so tests may mutate it) default catalog for ``dialect``."""
    source = _MISTRAL_CATALOG if dialect == "mistral" else _OPENAI_CATALOG
    return copy.deepcopy(source)


def resolve_model(catalog: list[dict[str, Any]], name: object) -> dict[str, Any] | None:
    """The card whose id or alias is ``name``, or None."""
    if not isinstance(name, str):
        return None
    for card in catalog:
        if card.get("id") == name or name in card.get("aliases", []):
            return card
    return None

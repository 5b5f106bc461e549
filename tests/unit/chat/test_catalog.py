"""Which model a new chat gets from the endpoint's list, and what the endpoint refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.api.models import ModelCard
from app.chat.catalog import ModelCatalog

MISTRAL = "https://api.mistral.ai"
VLLM = "http://127.0.0.1:8000"
NOW = datetime(2026, 11, 29, tzinfo=UTC)

MISTRAL_CARDS = [
    # Deprecated in February and still listed (and served, until the endpoint says not).
    ModelCard(
        "mistral-large-2411",
        deprecation=datetime(2026, 2, 27, tzinfo=UTC),
        replacement="mistral-large-2512",
    ),
    ModelCard("mistral-large-2512", aliases=("mistral-large-latest",)),
    ModelCard("mistral-small-2506", aliases=("mistral-small-latest",)),
    ModelCard("mistral-embed", chat=False),
]
VLLM_CARDS = [ModelCard("mistralai/Mistral-Large-Instruct-2411")]


def catalog_of(tmp_path: Path, base_url: str = MISTRAL) -> ModelCatalog:
    cache = tmp_path / "models-cache.json"
    if not cache.exists():
        cache.write_text(
            json.dumps(
                {
                    MISTRAL: {"cards": [card.to_json() for card in MISTRAL_CARDS]},
                    VLLM: {"cards": [card.to_json() for card in VLLM_CARDS]},
                }
            ),
            encoding="utf-8",
        )
    return ModelCatalog(cache, base_url, now=lambda: NOW)


def test_a_listed_model_is_chosen_even_when_deprecated(tmp_path: Path) -> None:
    catalog = catalog_of(tmp_path)
    assert catalog.choose("mistral-large-2411").model == "mistral-large-2411"
    assert catalog.choose("mistral-large-latest").model == "mistral-large-latest"
    assert catalog.serves("mistral-large-2411")


def test_a_model_the_endpoint_does_not_list_is_swapped(tmp_path: Path) -> None:
    catalog = catalog_of(tmp_path, VLLM)
    assert not catalog.serves("mistral-large-2411")
    choice = catalog.choose("mistral-large-2411")
    assert choice.model == "mistralai/Mistral-Large-Instruct-2411"


def test_with_no_list_yet_the_preferred_model_is_kept(tmp_path: Path) -> None:
    catalog = ModelCatalog(tmp_path / "none.json", MISTRAL, now=lambda: NOW)
    assert catalog.serves("anything")
    assert catalog.choose("mistral-large-2411").model == "mistral-large-2411"


def test_a_refused_model_gives_way_to_its_replacement(tmp_path: Path, qtbot: QtBot) -> None:
    # The endpoint retired it but still lists it: only its refusal tells.
    catalog = catalog_of(tmp_path)
    with qtbot.waitSignal(catalog.changed, timeout=0):
        catalog.note_refused("mistral-large-2411")
    assert not catalog.serves("mistral-large-2411")
    assert catalog.choose("mistral-large-2411").model == "mistral-large-2512"
    # Remembered for the next start, for this endpoint only.
    again = catalog_of(tmp_path)
    assert again.choose("mistral-large-2411").model == "mistral-large-2512"
    assert catalog_of(tmp_path, VLLM).choose("mistralai/Mistral-Large-Instruct-2411").model == (
        "mistralai/Mistral-Large-Instruct-2411"
    )
    # Served again (an answer came back with it): chosen again.
    again.note_answered("mistral-large-2411")
    assert again.choose("mistral-large-2411").model == "mistral-large-2411"
    assert catalog_of(tmp_path).serves("mistral-large-2411")


def test_a_refused_alias_covers_its_model(tmp_path: Path) -> None:
    catalog = catalog_of(tmp_path)
    catalog.note_refused("mistral-large-latest")
    assert not catalog.serves("mistral-large-2512")
    # Neither the refused model nor the date-deprecated one: another served chat model.
    assert catalog.choose("mistral-large-latest").model == "mistral-small-2506"


def test_switching_endpoints_reads_that_endpoints_refusals(tmp_path: Path) -> None:
    catalog = catalog_of(tmp_path)
    catalog.note_refused("mistral-large-2411")
    catalog.switch_endpoint(VLLM)
    assert catalog.serves("mistralai/Mistral-Large-Instruct-2411")
    catalog.switch_endpoint(MISTRAL)
    assert not catalog.serves("mistral-large-2411")

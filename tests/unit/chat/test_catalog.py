"""Which model a new chat gets from the endpoint's list, and what the endpoint refused."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
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


SERVED = [
    ModelCard("codestral-2508", aliases=("codestral-latest",)),
    ModelCard("devstral-medium-2507"),
    ModelCard("magistral-medium-2509"),
    ModelCard("mistral-medium-2508", aliases=("mistral-medium-latest",)),
    ModelCard("mistral-ocr-2505"),
    ModelCard("mistral-small-2506", aliases=("mistral-small-latest",)),
]


def _catalog_serving(tmp_path: Path, cards: list[ModelCard], clock: list[datetime]) -> ModelCatalog:
    cache = tmp_path / "served.json"
    if not cache.exists():
        tmp_path.mkdir(exist_ok=True)
        cache.write_text(json.dumps({MISTRAL: {"cards": [c.to_json() for c in cards]}}))
    return ModelCatalog(cache, MISTRAL, now=lambda: clock[0])


def test_a_refused_default_gives_way_to_a_general_model_not_a_code_one(tmp_path: Path) -> None:
    # New chats went to the list's first model, codestral-2508, a code model.
    clock = [NOW]
    catalog = _catalog_serving(tmp_path, SERVED, clock)
    catalog.note_refused("mistral-large-latest")
    choice = catalog.choose("mistral-large-latest")
    assert choice.model == "mistral-medium-2508"  # the first "-latest" general one served
    catalog.note_refused("mistral-medium-latest")
    catalog.note_refused("mistral-small-latest")
    assert catalog.choose("mistral-large-latest").model == "magistral-medium-2509"
    # Only a code or document model served: better than nothing.
    only_code = _catalog_serving(tmp_path / "code", [SERVED[0], SERVED[4]], clock)
    assert only_code.choose("mistral-large-latest").model == "codestral-2508"


def test_a_refusal_outlives_a_fresh_list_and_expires_after_a_day(tmp_path: Path) -> None:
    clock = [NOW]
    catalog = _catalog_serving(tmp_path, SERVED, clock)
    catalog.note_refused("mistral-medium-2508")

    class Client:
        async def list_models(self) -> list[ModelCard]:
            return SERVED  # a retired model stays listed for a while

    asyncio.run(catalog.refresh(Client()))  # type: ignore[arg-type]
    assert catalog.is_refused("mistral-medium-latest")
    assert catalog.choose("mistral-medium-latest").model == "mistral-small-2506"
    clock[0] = NOW + timedelta(hours=23)
    assert _catalog_serving(tmp_path, SERVED, clock).is_refused("mistral-medium-2508")
    clock[0] = NOW + timedelta(hours=25)
    assert not catalog.is_refused("mistral-medium-2508")
    assert catalog.choose("mistral-medium-latest").model == "mistral-medium-latest"
    assert not _catalog_serving(tmp_path, SERVED, clock).is_refused("mistral-medium-2508")


def test_a_refusal_cached_before_they_expired_expires_from_the_first_start(tmp_path: Path) -> None:
    clock = [NOW]
    cache = tmp_path / "served.json"
    cards = [c.to_json() for c in SERVED]
    cache.write_text(json.dumps({MISTRAL: {"cards": cards, "refused": ["mistral-small-2506"]}}))
    assert _catalog_serving(tmp_path, SERVED, clock).is_refused("mistral-small-latest")
    clock[0] = NOW + timedelta(days=2)
    assert not _catalog_serving(tmp_path, SERVED, clock).is_refused("mistral-small-latest")


def test_the_picker_marks_a_listed_model_refused_lately_as_such(
    tmp_path: Path, qtbot: QtBot
) -> None:
    from app.ui.model_picker import ModelPicker

    catalog = _catalog_serving(tmp_path, SERVED, [NOW])
    catalog.note_refused("mistral-medium-2508")
    picker = ModelPicker(catalog)
    qtbot.addWidget(picker)
    picker.set_model(catalog.choose("mistral-medium-latest").model)
    assert picker.combo.currentText() == "mistral-small-2506"
    labels = [picker.combo.itemText(i) for i in range(picker.combo.count())]
    # Listed by the endpoint: not "not on this server".
    assert "mistral-medium-2508  (refused lately)" in labels
    assert not any("not on this server" in label for label in labels)


def test_the_picker_shows_each_conversation_s_model_after_a_choice(
    tmp_path: Path, qtbot: QtBot
) -> None:
    # Opening a conversation whose model is already listed leaves the list alone (it
    # was refilled, and repainted, at every opening); never a stale one.
    from app.ui.model_picker import ROLE_MODEL, ModelPicker

    catalog = _catalog_serving(tmp_path, SERVED, [NOW])
    picker = ModelPicker(catalog)
    qtbot.addWidget(picker)
    picker.set_model("mistral-large-latest")  # an alias the list shows as named
    listed = [picker.combo.itemData(i, ROLE_MODEL) for i in range(picker.combo.count())]
    assert listed[0] == "mistral-large-latest"
    chosen = listed.index("mistral-small-2506")
    picker.combo.setCurrentIndex(chosen)  # the person's choice in the list
    picker.combo.activated.emit(chosen)
    assert picker.model == "mistral-small-2506"

    picker.set_model("mistral-large-latest")  # back to the first conversation
    assert picker.combo.currentData(ROLE_MODEL) == "mistral-large-latest"
    picker.set_model("mistral-small-2506")  # another conversation on the chosen model
    assert picker.combo.currentData(ROLE_MODEL) == "mistral-small-2506"
    listed = [picker.combo.itemData(i, ROLE_MODEL) for i in range(picker.combo.count())]
    assert "mistral-large-latest" not in listed  # the alias belonged to the other one

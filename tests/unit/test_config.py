"""The run's configuration: which endpoint and dialect a session uses under overrides."""

from __future__ import annotations

import pytest

from app.config import BASE_URL_VARIABLE, load_config
from app.settings import Settings, load_settings, save_settings

SELF_HOSTED = Settings(base_url="http://localhost:8000", dialect="openai")


def _save(saved: Settings) -> None:
    """``saved`` as the settings file holds it (the test's private config folder)."""
    path = load_config({}).paths.settings_file
    save_settings(path, load_settings(path), saved)


@pytest.mark.parametrize("mistral", ["https://api.mistral.ai", "https://api.mistral.ai/v1/"])
def test_a_session_sent_to_la_plateforme_speaks_mistral_over_a_saved_vllm(mistral: str) -> None:
    _save(SELF_HOSTED)

    by_flag = load_config({}, base_url=mistral)
    by_variable = load_config({BASE_URL_VARIABLE: mistral})

    for config in (by_flag, by_variable):
        assert config.dialect.value == "mistral"  # the saved "openai" fields got a 422
        assert config.override_refused is None
    # Only this session's: the file keeps the self-hosted server and its dialect.
    assert by_flag.loaded.settings.dialect == "openai"


def test_other_addresses_keep_the_saved_dialect() -> None:
    _save(SELF_HOSTED)
    assert load_config({}, base_url="http://127.0.0.1:9000").dialect.value == "openai"
    _save(Settings())  # La Plateforme saved
    assert load_config({}, base_url="http://127.0.0.1:9000").dialect.value == "mistral"


def test_a_refused_override_keeps_the_saved_endpoint_and_dialect() -> None:
    _save(SELF_HOSTED)
    config = load_config({}, base_url="http://api.mistral.ai").without_refused_override()
    assert config.override_refused is not None
    assert (config.settings.base_url, config.dialect.value) == (
        "http://localhost:8000",
        "openai",
    )

"""The run's configuration: which endpoint and dialect a session uses under overrides."""

from __future__ import annotations

import pytest

from app.api.endpoint import MISTRAL_BASE_URL, Endpoint
from app.config import BASE_URL_VARIABLE, load_config
from app.settings import Settings, load_settings, save_settings

SELF_HOSTED = Settings(base_url="http://localhost:8000", dialect="openai")


def _save(saved: Settings) -> None:
    """``saved`` as the settings file holds it (the test's private config folder)."""
    path = load_config({}).paths.settings_file
    save_settings(path, load_settings(path), saved)


@pytest.mark.parametrize(
    "mistral",
    [
        "https://api.mistral.ai",
        "https://api.mistral.ai/v1/",
        "https://api.mistral.ai:443",
        "https://API.mistral.ai:443/v1",
        "https://codestral.mistral.ai/v1",  # Codestral's own API: Mistral's protocol
    ],
)
def test_a_session_sent_to_la_plateforme_speaks_mistral_over_a_saved_vllm(mistral: str) -> None:
    _save(SELF_HOSTED)

    by_flag = load_config({}, base_url=mistral)
    by_variable = load_config({BASE_URL_VARIABLE: mistral})

    for config in (by_flag, by_variable):
        assert config.dialect.value == "mistral"  # the saved "openai" fields got a 422
        assert config.override_refused is None
    # Only this session's: the file keeps the self-hosted server and its dialect.
    assert by_flag.loaded.settings.dialect == "openai"


def test_a_saved_mistral_address_speaking_openai_speaks_mistral() -> None:
    # Saved so before Settings locked "Speaks" for Mistral's addresses: every request
    # would have been refused. The file is left as it is.
    _save(Settings(base_url="https://codestral.mistral.ai", dialect="openai"))
    config = load_config({})
    assert config.dialect.value == "mistral"
    assert config.loaded.settings.dialect == "openai"


def test_other_addresses_keep_the_saved_dialect() -> None:
    _save(SELF_HOSTED)
    assert load_config({}, base_url="http://127.0.0.1:9000").dialect.value == "openai"
    _save(Settings())  # La Plateforme saved
    assert load_config({}, base_url="http://127.0.0.1:9000").dialect.value == "mistral"


@pytest.mark.parametrize(
    "other",
    [
        "https://api.mistral.ai:8443",  # not Mistral's port: a tunnel, a proxy
        "https://mistral.ai.example.com",
        "https://example.com/api.mistral.ai",
    ],
)
def test_addresses_only_like_mistral_s_keep_the_saved_dialect(other: str) -> None:
    _save(SELF_HOSTED)
    assert load_config({}, base_url=other).dialect.value == "openai"


def test_an_explicit_default_port_is_the_same_endpoint() -> None:
    # Keys are stored by base URL: ":443" looked for another key than La Plateforme's.
    assert Endpoint.parse("https://api.mistral.ai:443/v1").base_url == MISTRAL_BASE_URL
    assert Endpoint.parse("https://api.mistral.ai:443").is_mistral
    assert Endpoint.parse("http://localhost:80/v1").base_url == "http://localhost"
    assert Endpoint.parse("http://[::1]:8000").base_url == "http://[::1]:8000"
    codestral = Endpoint.parse("https://codestral.mistral.ai/v1")
    assert codestral.speaks_mistral
    assert not codestral.is_mistral  # not Settings' "Mistral" (La Plateforme)


def test_a_refused_override_keeps_the_saved_endpoint_and_dialect() -> None:
    _save(SELF_HOSTED)
    config = load_config({}, base_url="http://api.mistral.ai").without_refused_override()
    assert config.override_refused is not None
    assert (config.settings.base_url, config.dialect.value) == (
        "http://localhost:8000",
        "openai",
    )

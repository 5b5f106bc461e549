"""The configuration one run works with: folders, settings, and their overrides."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from app.api.endpoint import MISTRAL_BASE_URL, Endpoint
from app.api.errors import RUN_KEY_SET_HINT, AuthenticationError
from app.api.models import Dialect
from app.paths import AppPaths, resolve_paths
from app.settings import LoadedSettings, Settings, endpoint_refusal, load_settings

if TYPE_CHECKING:
    from app.api.client import MistralClient
    from app.secrets import ApiKeys

BASE_URL_VARIABLE = "MAESTRALE_BASE_URL"


@dataclass(frozen=True, slots=True)
class RuntimeConfig:
    paths: AppPaths
    loaded: LoadedSettings  # as read from the file (what "save" starts from)
    settings: Settings  # with this run's overrides (--base-url, MAESTRALE_BASE_URL, --model)
    # What set this run's base URL over the saved one: "--base-url" or BASE_URL_VARIABLE.
    base_url_from: str | None = None
    # Why that base URL may not be used (see without_refused_override), or None.
    override_refused: str | None = None

    @property
    def problems(self) -> tuple[str, ...]:
        return self.loaded.problems

    def without_refused_override(self) -> RuntimeConfig:
        """This config with a refused --base-url or MAESTRALE_BASE_URL dropped: the
        window then works with the saved endpoint (the problem still says why), where
        the first-run panel asked for a key for an address it would refuse only later.
        Commands keep it, and stop with the refusal."""
        if self.override_refused is None:
            return self
        base_url = self.loaded.settings.base_url
        if endpoint_refusal(base_url) is not None:
            base_url = MISTRAL_BASE_URL
        return replace(
            self,
            settings=self.settings.with_values(base_url=base_url),
            base_url_from=None,
        )

    def endpoint(self) -> Endpoint:
        """The validated endpoint; raises EndpointRefused with advice when unusable."""
        return Endpoint.parse(self.settings.base_url)

    @property
    def dialect(self) -> Dialect:
        return Dialect(self.settings.dialect)


def load_config(
    environ: Mapping[str, str],
    *,
    data_dir: str | None = None,
    base_url: str | None = None,
    model: str | None = None,
) -> RuntimeConfig:
    """Flags win over environment variables, which win over the settings file."""
    paths = resolve_paths(environ, data_dir)
    loaded = load_settings(paths.settings_file)
    settings = loaded.settings
    base_url_from: str | None = None
    if base_url:
        base_url_from = "--base-url"
    elif environ.get(BASE_URL_VARIABLE):
        base_url, base_url_from = environ[BASE_URL_VARIABLE], BASE_URL_VARIABLE
    override_refused: str | None = None
    if base_url:
        settings = settings.with_values(base_url=base_url)
        refusal = endpoint_refusal(base_url)
        if refusal is not None:
            override_refused = (
                f"{base_url_from}: {refusal} The saved endpoint is used for this window."
            )
        elif Endpoint.parse(base_url).speaks_mistral:
            # Mistral's APIs (La Plateforme, Codestral's) speak Mistral's dialect, whatever
            # the saved endpoint speaks: a saved vLLM's "openai" sent fields Mistral
            # refuses (422) on every request.
            # Other addresses keep the saved dialect: which one a server speaks cannot be
            # told from its address.
            settings = settings.with_values(dialect=Dialect.MISTRAL.value)
    elif endpoint_refusal(settings.base_url) is not None:
        # Reported by load_settings; the value stays in the file, not in this run.
        settings = settings.with_values(base_url=MISTRAL_BASE_URL)
    elif Endpoint.parse(settings.base_url).speaks_mistral:
        # As above, for a Mistral address saved speaking "openai" before Settings locked
        # "Speaks" for these addresses.
        settings = settings.with_values(dialect=Dialect.MISTRAL.value)
    if model:
        settings = settings.with_values(model=model)
    return RuntimeConfig(
        paths=paths,
        loaded=loaded,
        settings=settings,
        base_url_from=base_url_from,
        override_refused=override_refused,
    )


def open_client(config: RuntimeConfig, keys: ApiKeys) -> MistralClient:
    """A client for the configured endpoint with its key (optional off Mistral's API)."""
    return build_client(config, lookup_key(config, keys))


def lookup_key(config: RuntimeConfig, keys: ApiKeys) -> str | None:
    """The endpoint's key; raises AuthenticationError where Mistral's API needs one and
    there is none, KeychainUnavailable where the keychain cannot say."""
    from app.secrets import KeychainUnavailable

    endpoint = config.endpoint()
    try:
        api_key = keys.lookup(endpoint.base_url)
    except KeychainUnavailable:
        if config.dialect is Dialect.MISTRAL:
            raise
        api_key = None  # self-hosted servers usually need no key
    if api_key is None and config.dialect is Dialect.MISTRAL:
        raise AuthenticationError(
            f"No API key for {endpoint.base_url}: {RUN_KEY_SET_HINT}, "
            "or set MISTRAL_API_KEY for this session."
        )
    return api_key


def build_client(config: RuntimeConfig, api_key: str | None) -> MistralClient:
    """A client for the configured endpoint with ``api_key`` (see lookup_key)."""
    # Here, not at the top: the window's start frame loads the configuration, and
    # these are not worth its first paint.
    from app.api.retry import RetryPolicy

    settings = config.settings
    from app.api.client import MistralClient  # httpx: loaded when first needed

    return MistralClient(
        config.endpoint(),
        api_key=api_key,
        dialect=config.dialect,
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        retry=RetryPolicy(attempts=settings.retries + 1),
    )

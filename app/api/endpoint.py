"""The configured endpoint: the only place an API key may ever be sent."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.api.errors import EndpointRefused

MISTRAL_BASE_URL = "https://api.mistral.ai"
# Mistral's own API hosts: La Plateforme and Codestral's (its own keys, same protocol).
MISTRAL_HOSTS = frozenset({"api.mistral.ai", "codestral.mistral.ai"})
_DEFAULT_PORTS = {"https": ":443", "http": ":80"}


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A validated base URL: ``https://``, or ``http://`` only to this machine.

    ``base_url`` never ends with ``/`` nor with ``/v1``: people paste both forms
    (vLLM documents ``http://host:8000/v1``), and request paths add ``/v1`` themselves.
    The whole address of a request (``…/v1/chat/completions``) is cut back the same way.
    """

    base_url: str

    @staticmethod
    def parse(text: str) -> Endpoint:
        raw = text.strip()
        parts = urlsplit(raw)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise EndpointRefused(
                f"The endpoint {raw!r} is not a web address; use a URL such as "
                f"{MISTRAL_BASE_URL} or http://localhost:8000."
            )
        if parts.query or parts.fragment or parts.username or parts.password:
            raise EndpointRefused(
                f"The endpoint {raw!r} must not carry a query, fragment or credentials; "
                "give only scheme, host, port and path."
            )
        if parts.scheme == "http" and not _is_loopback(parts.hostname):
            raise EndpointRefused(
                f"Refusing the plain http:// endpoint {raw!r}: the API key would cross the "
                "network unencrypted. Use https://, or a loopback address for a server on "
                "this machine."
            )
        path = parts.path.rstrip("/")
        for ending in ("/chat/completions", "/models", "/v1"):  # a whole address pasted
            if path.endswith(ending):
                path = path[: -len(ending)]
        netloc = parts.netloc.lower()
        # "https://api.mistral.ai:443" is La Plateforme too, and its key the same one.
        netloc = netloc.removesuffix(_DEFAULT_PORTS[parts.scheme])
        return Endpoint(f"{parts.scheme}://{netloc}{path}")

    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def is_mistral(self) -> bool:
        """Whether this is La Plateforme (what Settings' "Mistral" choice stands for)."""
        return self.base_url == MISTRAL_BASE_URL

    @property
    def is_local(self) -> bool:
        """Whether the server is on this machine (a loopback address)."""
        return _is_loopback(urlsplit(self.base_url).hostname or "")

    @property
    def speaks_mistral(self) -> bool:
        """Whether this is one of Mistral's own APIs, which speak only Mistral's dialect."""
        parts = urlsplit(self.base_url)
        return parts.scheme == "https" and parts.netloc in MISTRAL_HOSTS

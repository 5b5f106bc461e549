"""The core's advice, worded for the command line, and for a window by in_window."""

from __future__ import annotations

import httpx

from app.api.client import _network_error
from app.api.endpoint import Endpoint
from app.ui.wording import in_window


def test_network_advice_names_the_option_in_a_terminal_and_the_page_in_a_window() -> None:
    # The command line was sent to "the endpoint in Settings".
    error = _network_error(Endpoint.parse("https://api.mistral.ai"), httpx.ConnectError("no"))
    assert "the endpoint (--base-url, or Settings → Endpoint)." in error.message
    assert in_window(error.message).endswith(
        "Check your network connection and the endpoint in Settings → Endpoint."
    )


def test_a_kept_partial_answer_is_continued_in_the_window() -> None:
    # The command line said "continue or retry it", and has no way to continue.
    from app.api.errors import KEPT_TEXT_HINT

    text = f"The connection broke before the answer finished. {KEPT_TEXT_HINT}"
    assert "in Maestrale's window" in text
    assert in_window(text).endswith("The text so far is kept; continue or retry it.")


def test_on_the_endpoint_page_the_advice_says_here_and_asks_for_a_local_server() -> None:
    # "Check your network connection and the endpoint in Settings → Endpoint", on that
    # page, for a server on this machine.
    remote = _network_error(Endpoint.parse("https://llm.example.org"), httpx.ConnectError("no"))
    assert in_window(remote.message, endpoint_here=True).endswith(
        "Check your network connection and the endpoint here."
    )
    local = _network_error(Endpoint.parse("http://127.0.0.1:8000"), httpx.ConnectError("no"))
    assert in_window(local.message, endpoint_here=True).endswith(
        "Is the server running? If it is, check its address here."
    )
    assert in_window(local.message).endswith(
        "Is the server running? If it is, check its address in Settings → Endpoint."
    )

"""Messages of the core layers as the windows say them.

The core's messages tell a command-line user what to run ("maestrale key set"); in a
window the same advice names the place to go instead, and on the page that holds the
key field, or the endpoint's address, it says "here" rather than send the person to it.
"""

from __future__ import annotations

from app.api.errors import (
    ADD_KEY_HINT,
    ENDPOINT_HINT,
    KEPT_TEXT_HINT,
    MODELS_HINT,
    REPLACE_KEY_HINT,
    RUN_KEY_SET_HINT,
    sentence,
)
from app.chat.continues import NOTHING_TO_ADD

__all__ = ["continue_failed", "in_window", "sentence"]

_KEY_PLACE = "Settings → API key"
_ELSEWHERE = (
    (REPLACE_KEY_HINT, f"Check or replace it in {_KEY_PLACE}."),
    (ADD_KEY_HINT, f"in {_KEY_PLACE}"),
    (RUN_KEY_SET_HINT, f"add one in {_KEY_PLACE}"),
    (MODELS_HINT, " in the model picker"),
    (ENDPOINT_HINT, " in Settings → Endpoint"),
    (KEPT_TEXT_HINT, "The text so far is kept; continue or retry it."),
)
_HERE = (
    (" " + REPLACE_KEY_HINT, ""),
    (REPLACE_KEY_HINT, ""),
    (ADD_KEY_HINT, "here"),
    (RUN_KEY_SET_HINT, "add one here"),
    (MODELS_HINT, " in the model picker"),
    (ENDPOINT_HINT, " in Settings → Endpoint"),
    (KEPT_TEXT_HINT, "The text so far is kept; continue or retry it."),
)


def continue_failed(why: str) -> str:
    """What a window says when a Continue added nothing (``why``, as the controller's
    ``continue_failed`` said it): it failed before any new text (the answer is as it
    was, nothing is stored about the attempt), or the model had nothing to add, which
    is no failure and is said as it is."""
    if why == NOTHING_TO_ADD:
        return why
    return f"Continue failed; the answer is unchanged. {in_window(why)}"


def in_window(text: str, *, key_field_here: bool = False, endpoint_here: bool = False) -> str:
    """``text`` with its command-line advice worded for a window; ``key_field_here``
    on the API key page and the welcome panel, which hold the key field themselves,
    ``endpoint_here`` on the Endpoint page, which holds the address."""
    if endpoint_here:
        text = text.replace(ENDPOINT_HINT, " here")
    for command_line, window in _HERE if key_field_here else _ELSEWHERE:
        text = text.replace(command_line, window)
    return text

"""Shared by the rendering tests: a fake math source, and the text a reader sees in HTML."""

from __future__ import annotations

import html
import re

from app.rendering import MATH_SCHEME

_TAG = re.compile(r"<[^>]*>")


class FakeMath:
    """A math source that has every formula ready, and records what was asked.

    Args:
        ready: whether the formulas are typeset yet.
        failures: formulas that could not be typeset, and why.
    """

    def __init__(self, *, ready: bool = True, failures: dict[str, str] | None = None) -> None:
        self.ready = ready
        self.failures = failures or {}
        self.asked: list[tuple[str, bool]] = []

    def image_url(self, tex: str, display: bool) -> str | None:
        self.asked.append((tex, display))
        if not self.ready or tex in self.failures:
            return None
        return f"{MATH_SCHEME}:{'d' if display else 'i'}{len(self.asked)}"

    def failure(self, tex: str, display: bool) -> str | None:
        return self.failures.get(tex)


def visible_text(fragment: str) -> str:
    """The text of an HTML fragment with its tags removed and entities decoded."""
    return html.unescape(_TAG.sub("", fragment))


def tags(fragment: str) -> list[str]:
    """The names of the elements an HTML fragment opens, in order."""
    return re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", fragment)

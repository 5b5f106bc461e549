"""The colours of rendered model output, for a light and a dark transcript (GitHub's)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Palette:
    """Colours as "#rrggbb". Body text has none: it takes the document's default colour."""

    link: str
    muted: str
    code_text: str
    code_bg: str
    code_header_bg: str
    inline_code_bg: str
    quote_bar: str
    quote_text: str
    table_border: str
    table_header_bg: str
    math_placeholder: str
    math_failed: str  # the wavy underline of a formula that could not be typeset


LIGHT = Palette(
    link="#0969da",
    muted="#59636e",
    code_text="#1f2328",
    code_bg="#f6f8fa",
    code_header_bg="#e9edf1",
    inline_code_bg="#eceff2",
    quote_bar="#d1d9e0",
    quote_text="#59636e",
    table_border="#d1d9e0",
    table_header_bg="#f6f8fa",
    math_placeholder="#8250df",
    math_failed="#cf222e",
)

DARK = Palette(
    link="#4493f8",
    muted="#9198a1",
    code_text="#e6edf3",
    code_bg="#151b23",
    code_header_bg="#212830",
    inline_code_bg="#2a313c",
    quote_bar="#3d444d",
    quote_text="#9198a1",
    table_border="#3d444d",
    table_header_bg="#151b23",
    math_placeholder="#d2a8ff",
    math_failed="#f85149",
)


def palette(*, dark: bool) -> Palette:
    """The colours for a dark or a light transcript."""
    return DARK if dark else LIGHT

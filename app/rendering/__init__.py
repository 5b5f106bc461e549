"""Model output as HTML for the transcript's QTextDocuments; imports no Qt.

- markdown: render_markdown() and what it returns (code blocks, pending formulas, links).
- blocks: where a streaming answer can be cut, so finished blocks are rendered once.
- math: TeX formulas typeset to SVG (ziamath, imported on first use).
- highlight: Pygments lexers and colours for code blocks (imported on first use).
"""

from __future__ import annotations

from app.lazy import lazy_exports

# Loaded on first use (PEP 562): the window imports this package at start-up, and
# must not pay for what it does not use yet.
_HOMES = {
    "COPY_SCHEME": "schemes",
    "CodeBlock": "markdown",
    "LINK_SCHEMES": "markdown",
    "MATH_SCHEME": "schemes",
    "MathRenderer": "math",
    "MathRequest": "markdown",
    "MathSource": "markdown",
    "OpenFence": "blocks",
    "Palette": "palette",
    "Rendered": "markdown",
    "StreamSplitter": "blocks",
    "is_safe_link": "markdown",
    "open_fence": "blocks",
    "palette": "palette",
    "render_markdown": "markdown",
    "stable_prefix_length": "blocks",
}

__all__ = [
    "COPY_SCHEME",
    "LINK_SCHEMES",
    "MATH_SCHEME",
    "CodeBlock",
    "MathRenderer",
    "MathRequest",
    "MathSource",
    "OpenFence",
    "Palette",
    "Rendered",
    "StreamSplitter",
    "is_safe_link",
    "open_fence",
    "palette",
    "render_markdown",
    "stable_prefix_length",
]


__getattr__ = lazy_exports(__name__, _HOMES)

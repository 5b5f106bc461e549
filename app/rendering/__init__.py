"""Model output as HTML for the transcript's QTextDocuments; imports no Qt.

- markdown: render_markdown() and what it returns (code blocks, pending formulas, links).
- blocks: where a streaming answer can be cut, so finished blocks are rendered once.
- math: TeX formulas typeset to SVG (ziamath, imported on first use).
- highlight: Pygments lexers and colours for code blocks (imported on first use).
"""

from app.rendering.blocks import OpenFence, StreamSplitter, open_fence, stable_prefix_length
from app.rendering.markdown import (
    COPY_SCHEME,
    LINK_SCHEMES,
    MATH_SCHEME,
    CodeBlock,
    MathRequest,
    MathSource,
    Rendered,
    is_safe_link,
    render_markdown,
)
from app.rendering.math import MathRenderer
from app.rendering.palette import Palette, palette

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

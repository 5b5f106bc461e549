"""The addresses the rendered HTML uses for what is not a link: a formula's image
(``maestrale-math:<key>``) and a code block's Copy anchor (``maestrale-copy:<n>``).
Apart from the renderer: the transcript's widgets need them from start-up, and the
renderer (markdown-it, Pygments) loads with the first message."""

from __future__ import annotations

COPY_SCHEME = "maestrale-copy"
MATH_SCHEME = "maestrale-math"

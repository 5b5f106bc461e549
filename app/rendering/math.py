"""TeX formulas typeset to SVG with ziamath, cached; no Qt, safe to call from a worker thread.

ziamath costs about 0.3 s to import and up to tens of milliseconds per formula, so it is
imported on first use, and the transcript calls svg() away from the GUI thread.
"""

from __future__ import annotations

import re
import sys
import threading
import warnings
from collections import OrderedDict

# Typesetting time grows faster than the formula: 1,000 characters take about half a
# second, 5,000 several seconds. Longer "formulas" stay as TeX text.
MAX_TEX_CHARS = 1000

_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
# ziamath keeps global state (fonts, configuration, equation numbers): one formula at a time.
_ZIAMATH_LOCK = threading.Lock()


class MathRenderer:
    """Typesets formulas to SVG documents, remembering the most recent ones.

    Args:
        cache_size: how many formulas (typeset or failed) to remember.
    """

    def __init__(self, *, cache_size: int = 512) -> None:
        self._cache: OrderedDict[str, str | None] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    @staticmethod
    def key(tex: str, display: bool, color: str, size_px: int) -> str:
        """A stable name for a formula's image, the same in every process: for URLs."""
        import hashlib  # here: loading OpenSSL's hashes is not worth it at start-up

        text = f"{int(display)}\0{color}\0{size_px}\0{tex}"
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()

    def svg(self, tex: str, *, display: bool, color: str, size_px: int) -> str | None:
        """The formula as an SVG document, or None if it is not valid TeX (or too long).

        Never raises for bad TeX: model output is full of it.

        Args:
            tex: the formula without its delimiters.
            display: typeset as displayed math (larger operators, limits above and below).
            color: "#rgb", "#rrggbb" or "#rrggbbaa".
            size_px: the font size of the surrounding text, in pixels.
        """
        if not _COLOR.fullmatch(color):
            raise ValueError(f"not a #rrggbb colour: {color!r}")
        key = self.key(tex, display, color, size_px)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        result = _typeset(tex, display=display, color=color, size_px=size_px)
        with self._lock:
            self._cache[key] = result
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return result


def _typeset(tex: str, *, display: bool, color: str, size_px: int) -> str | None:
    tex = tex.strip()
    if not tex or len(tex) > MAX_TEX_CHARS:
        return None
    with _ZIAMATH_LOCK:
        _prepare_ziamath()
        from ziamath.zmath import Latex

        try:
            svg: str = Latex(tex, size=size_px, color=color, inline=not display).svg()
        # ziamath and latex2mathml raise many kinds of exception on bad TeX (IndexError,
        # AssertionError, their own errors...): any of them means "show the TeX instead".
        except Exception:  # noqa: BLE001
            return None
    return svg


def _prepare_ziamath() -> None:
    if "ziamath" not in sys.modules:
        # ziamath 0.13 calls a deprecated importlib.resources function as it is imported
        # (an error where warnings are errors, as in the tests). The filter names it only.
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"ziamath(\.|$)")
    from ziamath.config import config

    # SVG 2 output draws each glyph once as a <symbol> and places it with <use href>;
    # Qt's SVG renderer (SVG Tiny 1.2) draws none of it. SVG 1.1 output is plain paths.
    config.svg2 = False

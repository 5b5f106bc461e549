"""TeX formulas typeset to SVG with ziamath, cached; no Qt, safe to call from a worker thread.

ziamath costs about 0.3 s to import and up to tens of milliseconds per formula, so it is
imported on first use, and the transcript calls typeset() away from the GUI thread. TeX
that cannot be typeset raises FormulaError, which says why in words for a reader.
"""

from __future__ import annotations

import re
import sys
import threading
import warnings
from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

# Typesetting time grows faster than the formula: 1,000 characters take about half a
# second, 5,000 several seconds. Longer "formulas" stay as TeX text.
MAX_TEX_CHARS = 1000

_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
# ziamath keeps global state (fonts, configuration, equation numbers): one formula at a time.
_ZIAMATH_LOCK = threading.Lock()
_TAG = re.compile(r"\\tag(?![A-Za-z])\s*(\*?)\s*\{")
# Commands with nothing to draw, which latex2mathml does not know: without them the
# formula looks as TeX would show it (a row of an align keeps its number, though).
_UNDRAWN = re.compile(r"\\label\s*\{[^{}]*\}|\\(?:nonumber|notag)(?![A-Za-z])")
# latex2mathml keeps a command it does not know as an identifier named after it, which
# ziamath then draws in italics ("\ce{H2O}" came out as "\ce H2O"): a failure.
_UNKNOWN_COMMAND = re.compile(r"\\[A-Za-z]+")
# What latex2mathml's exceptions mean, said to a reader. Keyed by name: the library is
# imported with ziamath, on the first formula.
_REASONS = {
    "NoAvailableTokensError": "it ends too soon (a closing brace or an argument is missing)",
    "MissingEndError": "an environment is not closed by its own \\end{…}",
    "ExtraLeftOrMissingRightError": "a \\left has no matching \\right",
    "NumeratorNotFoundError": "a fraction has no numerator",
    "DenominatorNotFoundError": "a fraction has no denominator",
    "MissingSuperScriptOrSubscriptError": "a ^ or _ has nothing after it",
    "DoubleSubscriptsError": "two subscripts follow each other (write x_{a_b})",
    "DoubleSuperscriptsError": "two superscripts follow each other (write x^{a^b})",
    "LimitsMustFollowMathOperatorError": "\\limits must follow an operator such as \\sum",
    "InvalidAlignmentError": "an array's column alignment is not valid",
    "InvalidWidthError": "a width is not valid",
    "InvalidStyleForGenfracError": "the style given to \\genfrac is not valid",
}
_NOT_VALID = "its TeX is not valid"


class FormulaError(ValueError):
    """TeX that cannot be typeset. Its text says why, for a reader: "a \\left has no
    matching \\right"."""


class MathRenderer:
    """Typesets formulas to SVG documents, remembering the most recent ones.

    Args:
        cache_size: how many formulas (typeset or failed) to remember.
    """

    def __init__(self, *, cache_size: int = 512) -> None:
        # A typeset formula's SVG, or a failed one's FormulaError (its reason).
        self._cache: OrderedDict[str, str | FormulaError] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    @staticmethod
    def key(tex: str, display: bool, color: str, size_px: int) -> str:
        """A stable name for a formula's image, the same in every process: for URLs."""
        import hashlib  # here: loading OpenSSL's hashes is not worth it at start-up

        text = f"{int(display)}\0{color}\0{size_px}\0{tex}"
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()

    def svg(self, tex: str, *, display: bool, color: str, size_px: int) -> str | None:
        """The formula as an SVG document, or None if it cannot be typeset (see typeset)."""
        try:
            return self.typeset(tex, display=display, color=color, size_px=size_px)
        except FormulaError:
            return None

    def typeset(self, tex: str, *, display: bool, color: str, size_px: int) -> str:
        """The formula as an SVG document.

        Bad TeX raises FormulaError, never anything else: model output is full of it.

        Args:
            tex: the formula without its delimiters.
            display: typeset as displayed math (larger operators, limits above and below).
            color: "#rgb", "#rrggbb" or "#rrggbbaa".
            size_px: the font size of the surrounding text, in pixels.

        Raises:
            FormulaError: not valid TeX, a command that cannot be typeset, too long.
        """
        if not _COLOR.fullmatch(color):
            raise ValueError(f"not a #rrggbb colour: {color!r}")
        key = self.key(tex, display, color, size_px)
        with self._lock:
            result = self._cache.get(key)
            if result is not None:
                self._cache.move_to_end(key)
        if result is None:
            try:
                result = _typeset(tex, display=display, color=color, size_px=size_px)
            except FormulaError as error:
                result = error
            with self._lock:
                self._cache[key] = result
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        if isinstance(result, FormulaError):
            raise FormulaError(str(result))  # a new one each time: no traceback piles up
        return result


def _typeset(tex: str, *, display: bool, color: str, size_px: int) -> str:
    tex = _UNDRAWN.sub("", tex).strip()
    if not tex:
        raise FormulaError("it is empty")
    if len(tex) > MAX_TEX_CHARS:
        raise FormulaError(f"it is longer than {MAX_TEX_CHARS:,} characters")
    tex = _with_tag_beside(tex)
    with _ZIAMATH_LOCK:
        _prepare_ziamath()
        from ziamath.zmath import Latex

        try:
            formula = Latex(tex, size=size_px, color=color, inline=not display)
            _check_commands(formula.mathml)
            svg: str = formula.svg()
        except FormulaError:
            raise
        # ziamath and latex2mathml raise many kinds of exception on bad TeX (IndexError,
        # AssertionError, their own errors...): any of them means "show the TeX instead".
        except Exception as error:  # noqa: BLE001
            raise FormulaError(_REASONS.get(type(error).__name__, _NOT_VALID)) from None
    return svg


def _with_tag_beside(tex: str) -> str:
    """The formula with its ``\\tag{n}`` written as "(n)" on its right, and as much
    blank on its left, so that it stays centred.

    ziamath's own tags are black whatever the formula's colour (invisible on a dark
    page), and put the formula at the left of a column 6.5 inches wide.
    """
    match = _TAG.search(tex)
    if match is None:
        return tex
    end = _closing_brace(tex, match.end())
    if end is None:
        raise FormulaError("a \\tag has no closing brace")
    rest = tex[: match.start()] + tex[end + 1 :]
    if _TAG.search(rest):
        raise FormulaError("it has more than one \\tag")
    label = tex[match.end() : end].strip()
    if not match.group(1):  # \tag* is written as is, \tag in parentheses
        label = f"({label})"
    text = f"\\text{{{label}}}"
    return f"\\hphantom{{{text}}}\\qquad {{{rest.strip()}}} \\qquad {text}"


def _closing_brace(tex: str, start: int) -> int | None:
    """Where the brace closing the group that starts at ``start`` is, if it is."""
    depth = 1
    index = start
    while index < len(tex):
        char = tex[index]
        if char == "\\":
            index += 2  # an escaped brace, \{ or \}, opens and closes nothing
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return None


def _check_commands(mathml: Element) -> None:
    """Raise FormulaError for the commands latex2mathml did not know (see _UNKNOWN_COMMAND)."""
    unknown: dict[str, None] = {}
    for element in mathml.iter("mi"):
        text = element.text or ""
        if _UNKNOWN_COMMAND.fullmatch(text):
            unknown[text] = None
    if not unknown:
        return
    names = list(unknown)
    if len(names) == 1:
        raise FormulaError(f"{names[0]} is not supported")
    listed = ", ".join(names[:-1]) + " and " + names[-1]
    raise FormulaError(f"{listed} are not supported")


def _prepare_ziamath() -> None:
    if "ziamath" not in sys.modules:
        # ziamath 0.13 calls a deprecated importlib.resources function as it is imported
        # (an error where warnings are errors, as in the tests). The filter names it only.
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"ziamath(\.|$)")
    from ziamath.config import config

    # SVG 2 output draws each glyph once as a <symbol> and places it with <use href>;
    # Qt's SVG renderer (SVG Tiny 1.2) draws none of it. SVG 1.1 output is plain paths.
    config.svg2 = False

"""MathRenderer: TeX to SVG with ziamath, never raising on bad TeX."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QByteArray
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from app.rendering.math import MAX_TEX_CHARS, FormulaError, MathRenderer

FORMULAS = [
    r"\frac{a}{b}",
    r"\sqrt{x^2 + 1}",
    r"\sum_{k=1}^n k^2",
    r"\int_0^\infty e^{-x}\,dx",
    r"\alpha + \beta = \Gamma",
    r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}",
]


@pytest.fixture(scope="module")
def renderer() -> MathRenderer:
    return MathRenderer()


@pytest.mark.parametrize("tex", FORMULAS)
@pytest.mark.parametrize("display", [False, True])
def test_formulas_become_svg(renderer: MathRenderer, tex: str, display: bool) -> None:
    svg = renderer.svg(tex, display=display, color="#1f2328", size_px=16)
    assert svg is not None
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert float(root.attrib["width"]) > 0
    assert float(root.attrib["height"]) > 0
    assert "#1f2328" in svg


def test_qt_draws_the_svg(qapp: QApplication, renderer: MathRenderer) -> None:
    svg = renderer.svg(FORMULAS[-1], display=True, color="#ff0000", size_px=20)
    assert svg is not None
    qt_svg = QSvgRenderer(QByteArray(svg.encode()))
    assert qt_svg.isValid()
    size = qt_svg.defaultSize()
    image = QImage(size.width(), size.height(), QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    qt_svg.render(painter)
    painter.end()
    red = sum(
        QColor(image.pixel(x, y)).red() > 128 and QColor(image.pixel(x, y)).alpha() > 128
        for y in range(image.height())
        for x in range(image.width())
    )
    assert red > 50


def test_display_style_is_taller(renderer: MathRenderer) -> None:
    inline = renderer.svg(r"\sum_{k=1}^n k", display=False, color="#000000", size_px=16)
    display = renderer.svg(r"\sum_{k=1}^n k", display=True, color="#000000", size_px=16)
    assert inline is not None
    assert display is not None
    assert float(ET.fromstring(display).attrib["height"]) > float(
        ET.fromstring(inline).attrib["height"]
    )


@pytest.mark.parametrize(
    "tex",
    [r"\frac{", r"\left( x", "}{", r"\begin{pmatrix} 1", "", "   ", "x" * (MAX_TEX_CHARS + 1)],
)
def test_bad_tex_gives_none(renderer: MathRenderer, tex: str) -> None:
    assert renderer.svg(tex, display=True, color="#000000", size_px=16) is None


def test_results_are_cached_most_recent_first() -> None:
    renderer = MathRenderer(cache_size=2)
    first = renderer.svg("a", display=False, color="#000000", size_px=16)
    assert renderer.svg("a", display=False, color="#000000", size_px=16) is first
    renderer.svg("b", display=False, color="#000000", size_px=16)
    renderer.svg("a", display=False, color="#000000", size_px=16)  # now the most recent
    renderer.svg("c", display=False, color="#000000", size_px=16)  # evicts "b"
    assert renderer.svg("a", display=False, color="#000000", size_px=16) is first
    again = renderer.svg("b", display=False, color="#000000", size_px=16)
    assert again == renderer.svg("b", display=False, color="#000000", size_px=16)


def test_key_is_stable_and_distinguishes_every_argument() -> None:
    key = MathRenderer.key("x", True, "#000000", 16)
    assert key == "899a3eb3d5da2ddcda731b5c0e4ee2c5"  # the same in every process and run
    others = {
        MathRenderer.key("y", True, "#000000", 16),
        MathRenderer.key("x", False, "#000000", 16),
        MathRenderer.key("x", True, "#ffffff", 16),
        MathRenderer.key("x", True, "#000000", 17),
    }
    assert key not in others
    assert len(others) == 4


@pytest.mark.parametrize("color", ["red; evil", "#12", "", '#000" onload="x'])
def test_colour_must_be_hex(renderer: MathRenderer, color: str) -> None:
    with pytest.raises(ValueError, match="colour"):
        renderer.svg("x", display=False, color=color, size_px=16)


@pytest.mark.parametrize(
    ("tex", "reason"),
    [
        (r"\frac{1}{", "it ends too soon (a closing brace or an argument is missing)"),
        (r"\begin{matrix} 1 & 2 \end{pmatrix}", "an environment is not closed by its own \\end{…}"),
        (r"\left( x", "a \\left has no matching \\right"),
        ("x_1_2", "two subscripts follow each other (write x_{a_b})"),
        ("x" * (MAX_TEX_CHARS + 1), "it is longer than 1,000 characters"),
        (r"x \tag{1} + y \tag{2}", "it has more than one \\tag"),
    ],
)
def test_bad_tex_says_why(renderer: MathRenderer, tex: str, reason: str) -> None:
    with pytest.raises(FormulaError) as raised:
        renderer.typeset(tex, display=True, color="#000000", size_px=16)
    assert str(raised.value) == reason
    with pytest.raises(FormulaError, match=r"^it ends too soon"):  # remembered, said again
        renderer.typeset(r"\frac{1}{", display=True, color="#000000", size_px=16)


@pytest.mark.parametrize(
    ("tex", "reason"),
    [
        (r"\ce{H2O}", "\\ce is not supported"),
        (r"\SI{5}{m/s}", "\\SI is not supported"),
        (r"\unknowncommand{x}", "\\unknowncommand is not supported"),
        (r"\ce{A} + \SI{1}{m} + \foo", "\\ce, \\SI and \\foo are not supported"),
    ],
)
def test_commands_ziamath_does_not_know_are_failures(
    renderer: MathRenderer, tex: str, reason: str
) -> None:
    # latex2mathml kept them as identifiers named "\ce": drawn as "\ce H2O" in italics.
    for display in (False, True):
        with pytest.raises(FormulaError) as raised:
            renderer.typeset(tex, display=display, color="#000000", size_px=16)
        assert str(raised.value) == reason
        assert renderer.svg(tex, display=display, color="#000000", size_px=16) is None


@pytest.mark.parametrize(
    "tex",
    [
        r"\newcommand{\R}{\mathbb{R}} \R^n",
        r"\operatorname{tr}(A) = \sum_i a_{ii}",
        r"\text{if } x > 0 \text{ then } \color{red}{y} = \mathbb{R}^n",
        r"\begin{cases} x & x>0 \\ -x & x\le 0 \end{cases}",
        # Commands that draw nothing are left out, not failures.
        r"\begin{align} a &= b \label{eq:first} \\ c &= d \nonumber \end{align}",
        r"E = mc^2 \notag",
    ],
)
def test_known_commands_still_typeset(renderer: MathRenderer, tex: str) -> None:
    assert renderer.typeset(tex, display=True, color="#000000", size_px=16)


def _ink_columns(svg: str, color: QColor) -> tuple[QImage, list[int]]:
    """The SVG drawn by Qt on a transparent image, and the columns with ink on them;
    every pixel with ink must be ``color`` (save for anti-aliasing's alpha)."""
    from app.ui.transcript.math_images import _rasterise

    image = _rasterise(svg, 2.0)
    assert image is not None
    columns = []
    for x in range(image.width()):
        inked = [image.pixelColor(x, y) for y in range(image.height())]
        inked = [pixel for pixel in inked if pixel.alpha() > 160]
        if inked:
            columns.append(x)
        for pixel in inked:
            pixel.setAlpha(255)  # un-premultiplied by pixelColor: the colour itself
            assert abs(pixel.lightness() - color.lightness()) < 40, (x, pixel.name())
    return image, columns


@pytest.mark.parametrize("tagged", [r"x = 1 \tag{1}", r"x = 1 \tag*{(A)}"])
def test_a_tagged_formula_is_centred_with_its_tag_in_its_colour(
    qapp: QApplication, renderer: MathRenderer, tagged: str
) -> None:
    # ziamath drew the "(1)" black (unseen on a dark page) at the right of a column
    # 6.5 inches wide, with the formula at its left.
    light = QColor("#e6e6e6")  # the dark theme's
    alone = renderer.typeset("x = 1", display=True, color=light.name(), size_px=22)
    _, formula = _ink_columns(alone, light)
    with_tag = renderer.typeset(tagged, display=True, color=light.name(), size_px=22)
    image, columns = _ink_columns(with_tag, light)
    gaps = [(b - a, a, b) for a, b in itertools.pairwise(columns) if b - a > 1]
    _, formula_end, tag_start = max(gaps)  # the widest gap: between formula and tag
    assert columns[-1] > tag_start
    width = formula[-1] - formula[0]
    left = columns[0]
    assert left + width == pytest.approx(formula_end, abs=2)  # the formula, then the tag
    middle = image.width() / 2
    assert left + width / 2 == pytest.approx(middle, abs=4)  # the formula centred
    assert tag_start - formula_end > 20  # the tag apart from it

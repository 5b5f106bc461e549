"""Formula images: drawn in the background, and waiting documents told when done."""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

from app.rendering.markdown import MathRequest
from app.rendering.math import FormulaError, MathRenderer
from app.ui.transcript.math_images import MathImages

SQUARE = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    '<rect width="10" height="10"/></svg>'
)


class ScriptedRenderer(MathRenderer):
    """Draws a square for any formula but "bad", which fails; "bad" waits for a go."""

    def __init__(self) -> None:
        self.go = threading.Event()

    def typeset(self, tex: str, *, display: bool, color: str, size_px: int) -> str:
        if tex == "bad":
            self.go.wait(5)
            raise FormulaError("it is bad")
        return SQUARE


def test_ready_is_told_when_the_last_formula_of_a_batch_failed(qtbot: QtBot) -> None:
    # Good formulas first, a bad one finishing last: the documents waiting for the good
    # ones must still hear of them (they kept showing TeX source).
    renderer = ScriptedRenderer()
    images = MathImages(renderer)
    try:
        with qtbot.waitSignal(images.ready, timeout=5000):
            images.request((MathRequest("x^2", False), MathRequest("bad", False)))
            renderer.go.set()
        good = images.image_url("x^2", False)
        assert good is not None
        assert images.failure("x^2", False) is None
        assert images.image_url("bad", False) is None
        assert images.failure("bad", False) == "it is bad"
        with qtbot.assertNotEmitted(images.ready, wait=200):
            images.request((MathRequest("bad", False),))  # a failure is not retried
    finally:
        images.shutdown()


def test_a_formula_that_fails_alone_is_told_with_its_reason(qtbot: QtBot) -> None:
    # The document showing it as waiting must hear of it, and show it as failed: it
    # showed the same purple TeX as a formula still being typeset, for good.
    images = MathImages(MathRenderer())
    try:
        assert images.failure("\\ce{H_2O}", False) is None  # not known yet
        with qtbot.waitSignal(images.ready, timeout=10_000):
            images.request((MathRequest("\\ce{H_2O}", False),))
        assert images.image_url("\\ce{H_2O}", False) is None
        assert images.failure("\\ce{H_2O}", False) == "\\ce is not supported"
        assert images.failure("\\ce{H_2O}", True) is None  # displayed: another formula
    finally:
        images.shutdown()


def test_a_formula_image_knows_how_far_it_reaches_below_its_baseline(qtbot: QtBot) -> None:
    from app.ui.transcript.math_images import DEPTH_KEY, _rasterise

    svg = MathRenderer().svg("e^{i\\pi}+1=0", display=False, color="#000000", size_px=22)
    assert svg is not None
    image = _rasterise(svg, 2.0)
    assert image is not None
    depth = float(image.text(DEPTH_KEY))
    assert 0.05 < depth < 0.2  # the descent of the "p" of pi: a little below the line
    plain = _rasterise(SQUARE, 1.0)  # no view box: no depth to go by
    assert plain is not None
    assert not plain.text(DEPTH_KEY)


class _Red:
    """Every formula: a red block whose baseline is a fifth of its height up."""

    def image(self, url: object) -> object:
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QImage

        from app.ui.transcript.math_images import DEPTH_KEY

        image = QImage(20, 30, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.red)
        image.setText(DEPTH_KEY, "0.2")
        return image


@pytest.mark.parametrize("ratio", [1.0, 1.5, 2.0])
@pytest.mark.parametrize("points", [10, 20])
def test_an_inline_formula_sits_on_the_text_baseline(
    qtbot: QtBot, ratio: float, points: int
) -> None:
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    from app.rendering import render_markdown
    from app.ui.transcript.text_view import MessageText
    from tests.unit.rendering.helpers import FakeMath

    view = MessageText(_Red())
    qtbot.addWidget(view)
    font = QFont(view.font())
    font.setPointSize(points)
    view.setFont(font)
    view.resize(400, 200)
    view.set_text_width(400)
    view.setHtml(render_markdown("Euler: $e^{i\\pi}+1=0$ holds", dark=False, math=FakeMath()).html)
    document = view.document()
    size = document.size()
    canvas = QImage(
        round(size.width() * ratio), round(size.height() * ratio), QImage.Format.Format_ARGB32
    )
    canvas.setDevicePixelRatio(ratio)
    canvas.fill(QColor("white"))
    painter = QPainter(canvas)
    document.drawContents(painter)
    painter.end()
    red_rows = [
        y
        for y in range(canvas.height())
        if any(canvas.pixelColor(x, y) == QColor("red") for x in range(canvas.width()))
    ]
    block = document.begin()
    line = block.layout().lineAt(0)
    top = document.documentLayout().blockBoundingRect(block).top()
    baseline = top + line.y() + line.ascent()
    # The formula's baseline: a fifth of the red block up from its bottom edge.
    bottom = (red_rows[-1] + 1) / ratio
    height = (red_rows[-1] + 1 - red_rows[0]) / ratio
    assert abs(bottom - 0.2 * height - baseline) <= 1  # Qt rounds lines to whole pixels

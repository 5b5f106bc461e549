"""Formula images: drawn in the background, and waiting documents told when done."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from app.rendering.markdown import MathRequest
from app.rendering.math import MathRenderer
from app.ui.transcript.math_images import MathImages

SQUARE = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    '<rect width="10" height="10"/></svg>'
)


class ScriptedRenderer(MathRenderer):
    """Draws a square for any formula but "bad", which fails; "bad" waits for a go."""

    def __init__(self) -> None:
        self.go = threading.Event()

    def svg(self, tex: str, *, display: bool, color: str, size_px: int) -> str | None:
        if tex == "bad":
            self.go.wait(5)
            return None
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
        assert images.image_url("bad", False) is None
        with qtbot.assertNotEmitted(images.ready, wait=200):
            images.request((MathRequest("bad", False),))  # a failure is not retried
    finally:
        images.shutdown()

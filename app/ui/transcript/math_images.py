"""Formula images: TeX rendered to SVG in a worker thread, then to a sharp QImage."""

from __future__ import annotations

import functools
import logging
import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRectF, Qt, QUrl, Signal
from PySide6.QtGui import QGuiApplication, QImage, QPainter

from app.rendering.math import FormulaError
from app.rendering.schemes import MATH_SCHEME

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

    from app.rendering.markdown import MathRequest
    from app.rendering.math import MathRenderer

log = logging.getLogger(__name__)

# The y and height of the first view box: the formula's.
_VIEW_BOX = re.compile(
    r'viewBox="\s*[-\d.eE+]+[\s,]+([-\d.eE+]+)[\s,]+[-\d.eE+]+[\s,]+([-\d.eE+]+)"'
)
FORMULA_SCALE = 1.3  # formulas read best a little larger than the text around them
# An image's text under this key: the depth of the formula it shows (below its
# baseline), as a fraction of its height. Read by fitted_images to sit it on the line.
DEPTH_KEY = "maestrale-depth"
_NOT_DRAWN = "it could not be drawn"  # Qt could not read its SVG, or the worker failed


def _rasterise(svg: str, ratio: float) -> QImage | None:
    from PySide6.QtSvg import QSvgRenderer  # loaded by request(), on the GUI thread

    renderer = QSvgRenderer(svg.encode("utf-8"))
    if not renderer.isValid():
        return None
    size = renderer.defaultSize()
    image = QImage(
        max(1, round(size.width() * ratio)),
        max(1, round(size.height() * ratio)),
        QImage.Format.Format_ARGB32_Premultiplied,
    )
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter, QRectF(0, 0, image.width(), image.height()))
    painter.end()
    image.setDevicePixelRatio(ratio)
    depth = _depth(svg)
    if depth is not None:
        image.setText(DEPTH_KEY, f"{depth:.6f}")
    return image


def _depth(svg: str) -> float | None:
    """How far the formula reaches below its baseline, as a fraction of its height:
    ziamath puts the baseline at y = 0 of the view box."""
    match = _VIEW_BOX.search(svg)
    if match is None:
        return None
    top, height = float(match.group(1)), float(match.group(2))
    if height <= 0 or not top <= 0 <= top + height:
        return None
    return (top + height) / height


class MathImages(QObject):
    """Implements the renderer's ``MathSource``; renders missing formulas in the background.

    Signals:
        ready(): formulas were typeset, or failed; documents waiting for them can
            re-render.
    """

    ready = Signal()
    _done = Signal(str, object)  # key, QImage or why none (emitted from the worker thread)

    def __init__(self, renderer: MathRenderer, *, size_px: int = 17) -> None:
        super().__init__()
        self._renderer = renderer
        self._size_px = size_px
        self._color = "#1f2328"
        self._images: dict[str, QImage] = {}
        self._failed: dict[str, str] = {}  # key: why the formula could not be typeset
        self._running: set[str] = set()
        self._pool: ThreadPoolExecutor | None = None  # made by the first formula
        self._closed = False
        self._done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)

    def set_text_pixels(self, pixels: int) -> None:
        """The size of the text formulas stand in (they are drawn a little larger)."""
        self._size_px = max(8, round(pixels * FORMULA_SCALE))

    def set_colors(self, *, dark: bool) -> None:
        self._color = "#e6e6e6" if dark else "#1f2328"

    def _key(self, tex: str, display: bool) -> str:
        return self._renderer.key(tex, display, self._color, self._size_px)

    # MathSource
    def image_url(self, tex: str, display: bool) -> str | None:
        key = self._key(tex, display)
        return f"{MATH_SCHEME}:{key}" if key in self._images else None

    def failure(self, tex: str, display: bool) -> str | None:
        return self._failed.get(self._key(tex, display))

    def image(self, url: QUrl) -> QImage | None:
        return self._images.get(url.path())

    def request(self, pending: tuple[MathRequest, ...]) -> None:
        ratio = (
            QGuiApplication.primaryScreen().devicePixelRatio()
            if QGuiApplication.primaryScreen()
            else 1.0
        )
        ratio = max(ratio, 2.0)  # render at least at 2x: formulas stay crisp when zoomed
        for item in pending:
            key = self._key(item.tex, item.display)
            if key in self._images or key in self._running or key in self._failed:
                continue
            self._running.add(key)
            future = self._worker().submit(self._render, item.tex, item.display, self._color, ratio)
            future.add_done_callback(functools.partial(self._finished, key))

    def _worker(self) -> ThreadPoolExecutor:
        if self._pool is None:
            # Not at start-up: most windows open without a formula in sight.
            from concurrent.futures import ThreadPoolExecutor

            import PySide6.QtSvg  # noqa: F401 - imported here, not in the worker thread

            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="math")
        return self._pool

    def _render(self, tex: str, display: bool, color: str, ratio: float) -> QImage | str:
        """The formula's image, or why it has none."""
        try:
            svg = self._renderer.typeset(tex, display=display, color=color, size_px=self._size_px)
        except FormulaError as error:
            return str(error)
        image = _rasterise(svg, ratio)
        return image if image is not None else _NOT_DRAWN

    def _finished(self, key: str, future: Future[QImage | str]) -> None:
        try:
            image = future.result()
        except Exception:
            log.exception("Rendering a formula failed")
            image = _NOT_DRAWN
        self._done.emit(key, image)

    def _on_done(self, key: str, image: object) -> None:
        if self._closed:  # a result that arrived after shutdown
            return
        self._running.discard(key)
        if isinstance(image, QImage):
            self._images[key] = image
        else:
            self._failed[key] = str(image)
        # Once the batch is done, whichever formula finished last. A failure is news
        # too: the formula is shown as failed, no longer as waiting.
        if not self._running:
            self.ready.emit()

    def shutdown(self) -> None:
        # Wait for a formula being drawn: its result must not reach a deleted object.
        self._closed = True
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

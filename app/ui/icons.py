"""The app's icons: hand-drawn SVGs in ``resources/icons``, tinted and sharp at any scale.

Each SVG draws with ``currentColor``. ``icon(name)`` follows the application palette's
text colour at paint time, so icons change with the theme without being rebuilt;
``icon(name, color)`` keeps one colour. Pixmaps are rendered at the device pixel
ratio they are drawn at (sharp on high-DPI screens) and cached per size and colour.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtSvg import QSvgRenderer

from app.ui.icon_files import ICON_NAMES, SMALL_DRAWINGS, UnknownIcon, grid_for, svg_source

_DISABLED_OPACITY = 0.38


def _tinted(name: str, color: QColor, pixels: float) -> QSvgRenderer:
    svg = svg_source(name, grid_for(name, pixels))
    svg = svg.replace("currentColor", color.name(QColor.NameFormat.HexRgb))
    return QSvgRenderer(QByteArray(svg.encode("utf-8")))


class SvgIconEngine(QIconEngine):
    """Renders one SVG per request, so every size and pixel ratio is drawn, not scaled."""

    def __init__(self, name: str, color: QColor | None) -> None:
        super().__init__()
        self._name = name
        self._color = QColor(color) if color is not None else None
        self._pixmaps: dict[tuple[int, int, int, int, int], QPixmap] = {}

    def _color_for(self, mode: QIcon.Mode) -> tuple[QColor, float]:
        if self._color is not None:
            color = QColor(self._color)
        else:
            group = (
                QPalette.ColorGroup.Disabled
                if mode == QIcon.Mode.Disabled
                else QPalette.ColorGroup.Active
            )
            color = QGuiApplication.palette().color(group, QPalette.ColorRole.Text)
        opacity = color.alphaF()
        if mode == QIcon.Mode.Disabled:
            opacity *= _DISABLED_OPACITY if self._color is not None else 1.0
        color.setAlpha(255)
        return color, opacity

    def _render(self, painter: QPainter, rect: QRectF, mode: QIcon.Mode) -> None:
        color, opacity = self._color_for(mode)
        pixels = min(rect.width(), rect.height()) * painter.device().devicePixelRatioF()
        renderer = _tinted(self._name, color, pixels)
        painter.save()
        painter.setOpacity(painter.opacity() * opacity)
        renderer.render(painter, rect)
        painter.restore()

    def paint(  # Qt override
        self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State
    ) -> None:
        self._render(painter, QRectF(rect), mode)

    def scaledPixmap(  # noqa: N802 - Qt override
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        color, opacity = self._color_for(mode)
        key = (size.width(), size.height(), round(scale * 100), color.rgba(), round(opacity * 100))
        cached = self._pixmaps.get(key)
        if cached is not None:
            return cached
        pixmap = QPixmap(max(1, round(size.width() * scale)), max(1, round(size.height() * scale)))
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._render(painter, QRectF(pixmap.rect()), mode)
        painter.end()
        pixmap.setDevicePixelRatio(scale)
        if len(self._pixmaps) > 64:  # palette changes would otherwise grow it forever
            self._pixmaps.clear()
        self._pixmaps[key] = pixmap
        return pixmap

    def pixmap(  # Qt override
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State
    ) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def actualSize(  # noqa: N802 - Qt override
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State
    ) -> QSize:
        return size

    def clone(self) -> QIconEngine:  # Qt override
        # WORKAROUND: PySide6 leaves the engine returned here owned by Python, so it
        # would be deleted on return while the detached QIcon (QIcon::detach, e.g. from
        # addPixmap on a copy) keeps using it: a crash. Keep it alive until Qt deletes it
        # (which invalidates the wrapper), dropping dead wrappers on the way.
        copy = SvgIconEngine(self._name, self._color)
        _clones[:] = [engine for engine in _clones if shiboken6.isValid(engine)]
        _clones.append(copy)
        return copy

    def key(self) -> str:  # Qt override
        return "maestrale-svg"

    def isNull(self) -> bool:  # noqa: N802 - Qt override
        return False


_icons: dict[tuple[str, int | None], QIcon] = {}
_clones: list[SvgIconEngine] = []  # see SvgIconEngine.clone


def icon(name: str, color: QColor | None = None) -> QIcon:
    """The icon ``name`` in ``color``, or in the palette's text colour when None.

    Raises UnknownIcon for a name that is not in ``ICON_NAMES``.
    """
    svg_source(name)  # fail now, not when first painted
    key = (name, color.rgba() if color is not None else None)
    cached = _icons.get(key)
    if cached is None:
        cached = QIcon(SvgIconEngine(name, color))
        _icons[key] = cached
    return cached


def pixmap(name: str, size: int, ratio: float, color: QColor | None = None) -> QPixmap:
    """A pixmap of ``size`` logical pixels drawn for a screen of device pixel ``ratio``."""
    return icon(name, color).pixmap(QSize(size, size), ratio)


def app_icon() -> QIcon:
    """The Maestrale mark for windows, the taskbar and the tray."""
    return icon("app")


__all__ = [
    "ICON_NAMES",
    "SMALL_DRAWINGS",
    "SvgIconEngine",
    "UnknownIcon",
    "app_icon",
    "grid_for",
    "icon",
    "pixmap",
]

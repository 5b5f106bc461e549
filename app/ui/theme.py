"""Light and dark looks: the Fusion style, one palette each, the style sheet (see
app.ui.stylesheet), the font size.

The palette carries the colours to every widget; the stylesheet only rounds and spaces
things and gives the named surfaces (sidebar, composer) their look.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from PySide6.QtCore import QObject, QSize, Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetrics, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

from app.appearance import MAX_FONT_SIZE, MIN_FONT_SIZE, THEMES
from app.ui.qt_import import qt_namespace
from app.ui.stylesheet import bubble_radius, build_stylesheet
from app.ui.text_scale import REFERENCE_POINT_SIZE, room_scale

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

    # Not imported here: the start frame's theme comes before the settings load (see
    # app.appearance).
    from app.settings import Settings


@dataclass(frozen=True, slots=True)
class ThemeColors:
    """The named colours of one look (``#rrggbb``); the transcript and code blocks use them."""

    is_dark: bool
    window: str  # the conversation's background
    sidebar: str  # the conversation list and the settings page list
    surface: str  # raised things: cards, the composer, buttons
    hover: str
    pressed: str
    field: str  # text fields
    border: str  # hairlines between areas
    border_strong: str  # outlines of fields and buttons
    text: str
    muted: str  # secondary text
    faint: str  # placeholders, disabled text
    accent: str
    accent_hover: str
    accent_soft: str  # a selected row, a focused field's halo
    on_accent: str  # text on the accent colour
    danger: str
    warning: str
    success: str
    code_background: str
    user_bubble: str


LIGHT = ThemeColors(
    is_dark=False,
    window="#ffffff",
    sidebar="#f6f6f7",
    surface="#ffffff",
    hover="#efeff1",
    pressed="#e4e4e7",
    field="#ffffff",
    border="#e6e6e9",
    border_strong="#d0d0d5",
    text="#1c1c1f",
    muted="#66666e",
    faint="#9d9da5",
    accent="#2f6be0",
    accent_hover="#2559c2",
    accent_soft="#e6eefc",
    on_accent="#ffffff",
    danger="#c9342c",
    warning="#9a5b00",
    success="#1a7f4b",
    code_background="#f5f5f7",
    user_bubble="#f0f0f2",
)

DARK = ThemeColors(
    is_dark=True,
    window="#1e1e20",
    sidebar="#171719",
    surface="#27272a",
    hover="#2f2f33",
    pressed="#39393e",
    field="#232326",
    border="#2f2f33",
    border_strong="#44444a",
    text="#ececee",
    muted="#a3a3ab",
    faint="#6f6f78",
    accent="#5b93f5",
    accent_hover="#76a5f7",
    accent_soft="#24324d",
    on_accent="#ffffff",
    danger="#f2756d",
    warning="#f0b550",
    success="#52c58b",
    code_background="#161618",
    user_bubble="#2c2c30",
)


def colors_for(is_dark: bool) -> ThemeColors:
    return DARK if is_dark else LIGHT


def current_colors() -> ThemeColors:
    """The named colours matching the application palette now (light or dark)."""
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return colors_for(window.lightness() < 128)


def build_palette(colors: ThemeColors) -> QPalette:
    """A complete QPalette (all three colour groups) from the named colours."""
    c = {
        name: QColor(getattr(colors, name))
        for name in ThemeColors.__dataclass_fields__
        if name != "is_dark"
    }
    role = QPalette.ColorRole
    palette = QPalette()
    shadow = QColor(0, 0, 0, 110 if colors.is_dark else 40)
    assignments = {
        role.Window: c["window"],
        role.WindowText: c["text"],
        role.Base: c["field"],
        role.AlternateBase: c["sidebar"],
        role.ToolTipBase: c["surface"],
        role.ToolTipText: c["text"],
        role.PlaceholderText: c["faint"],
        role.Text: c["text"],
        role.Button: c["surface"],
        role.ButtonText: c["text"],
        role.BrightText: c["on_accent"],
        role.Light: c["surface"].lighter(115) if colors.is_dark else QColor("#ffffff"),
        role.Midlight: c["hover"],
        role.Mid: c["border_strong"],
        role.Dark: c["border_strong"].darker(120),
        role.Shadow: shadow,
        role.Highlight: c["accent"],
        role.HighlightedText: c["on_accent"],
        role.Link: c["accent"],
        role.LinkVisited: c["accent"].darker(115) if not colors.is_dark else c["accent_hover"],
        role.Accent: c["accent"],
    }
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for item, color in assignments.items():
            palette.setColor(group, item, color)
    disabled = QPalette.ColorGroup.Disabled
    for item, color in assignments.items():
        palette.setColor(disabled, item, color)
    for item in (role.WindowText, role.Text, role.ButtonText, role.PlaceholderText):
        palette.setColor(disabled, item, c["faint"])
    palette.setColor(disabled, role.Highlight, c["border_strong"])
    palette.setColor(disabled, role.HighlightedText, c["muted"])
    # An inactive window keeps a visible, quieter selection.
    palette.setColor(QPalette.ColorGroup.Inactive, role.Highlight, c["accent_soft"])
    palette.setColor(QPalette.ColorGroup.Inactive, role.HighlightedText, c["text"])
    return palette


SCREEN_SHARE = 0.85  # of the screen's free room, the most a dialog grows to with the text


def _default_assets_dir() -> Path:
    return Path(platformdirs.user_cache_dir("maestrale", appauthor=False)) / "theme"


def _set_color_scheme(scheme: Qt.ColorScheme | None) -> None:
    """Ask Qt for the app's colour scheme (native dialogs, title bars); Qt 6.8 and later."""
    hints = QGuiApplication.styleHints()
    if scheme is None:
        unset = getattr(hints, "unsetColorScheme", None)
        if unset is not None:
            unset()
        return
    setter = getattr(hints, "setColorScheme", None)
    if setter is not None and hints.colorScheme() != scheme:
        setter(scheme)


def tell_qt_the_scheme(mode: str, is_dark: bool) -> None:
    """Ask Qt for the app's colour scheme (native dialogs, title bars): the desktop's in
    "system" mode, else the look's."""
    if mode == "system":
        _set_color_scheme(None)
    else:
        schemes = qt_namespace().ColorScheme
        _set_color_scheme(schemes.Dark if is_dark else schemes.Light)


def resolve_dark(
    mode: str, system_scheme: Qt.ColorScheme | None = None, *, system_dark: bool | None = None
) -> bool:
    """Whether ``mode`` ("system", "light", "dark") means dark right now; in "system"
    mode, the desktop's ``system_scheme`` or, not given, whether ``system_dark`` (as
    last seen) or, neither given, as Qt says."""
    if mode == "dark":
        return True
    if mode == "light":
        return False
    if system_scheme is None and system_dark is not None:
        return system_dark
    return desktop_is_dark() if system_scheme is None else _is_dark(system_scheme)


def desktop_is_dark() -> bool:
    """Whether the desktop's colour scheme is dark now (as Qt knows it)."""
    return _is_dark(QGuiApplication.styleHints().colorScheme())


def _is_dark(scheme: Qt.ColorScheme) -> bool:
    return scheme == qt_namespace().ColorScheme.Dark


def fit_window(window: QWidget, width: int, height: int) -> None:
    """Resize ``window`` to ``width`` x ``height`` grown with its text (less than the
    text: see room_scale; its pages wrap), within most of the screen it is on.

    Grown as much as the text, Settings at 20 pt filled a 1400 x 900 screen, its pages
    using half of it.
    """
    scale = room_scale(window)
    size = QSize(round(width * scale), round(height * scale))
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        size = size.boundedTo(screen.availableGeometry().size() * SCREEN_SHARE)
    window.resize(size)
    keep_on_screen(window)


def screen_room(window: QWidget) -> QSize:
    """The free part of the screen ``window`` is on (panels excluded), less its frame
    once known (0 before it first shows)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    frame = window.frameGeometry().size() - window.geometry().size()
    return screen.availableGeometry().size() - frame


def cap_minimum_size(window: QWidget, width: int, height: int, room: QSize | None = None) -> None:
    """Give ``window`` a minimum size of ``width`` x ``height``, or less where its screen's
    free part (``room``, else ``screen_room``) is smaller: a fixed 640 x 480 went past a
    960 px high screen at scale 2, where the window could not be shrunk back."""
    room = room if room is not None else screen_room(window)
    window.setMinimumSize(QSize(width, height).boundedTo(room))


def keep_on_screen(window: QWidget) -> None:
    """Shrink ``window`` to the free part of its screen (panels excluded) and, once
    shown, move it so that all of it, title bar included, is on the screen.

    A window grown in place for a larger text size went past the screen's bottom edge
    with its lower fields, where the window manager may leave it.
    """
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None or window.isMaximized() or window.isFullScreen():
        return
    room = screen.availableGeometry()
    # Known once shown (0 before): the title bar and borders need room too.
    frame = window.frameGeometry().size() - window.geometry().size()
    size = window.size().boundedTo(room.size() - frame)
    window.resize(size)
    if not window.isVisible():
        return  # placed by the window manager when shown
    # From the size asked for: the window system may report the new one later.
    outer = size + frame
    x = max(room.left(), min(window.x(), room.right() + 1 - outer.width()))
    y = max(room.top(), min(window.y(), room.bottom() + 1 - outer.height()))
    if (x, y) != (window.x(), window.y()):
        window.move(x, y)


def system_text_size() -> int:
    """The system's text size in points: the size of the text size setting 0."""
    size = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).pointSize()
    return size if size > 0 else round(REFERENCE_POINT_SIZE)


def base_font(font_size: int) -> QFont:
    """The system's general font, at ``font_size`` points unless that is 0."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
    if font_size:
        font.setPointSize(max(MIN_FONT_SIZE, min(MAX_FONT_SIZE, font_size)))
    return font


def apply_theme(
    app: QApplication,
    mode: str,
    font_size: int,
    *,
    system_scheme: Qt.ColorScheme | None = None,
    system_dark: bool | None = None,
    tell_qt: bool = True,
    assets_dir: Path | None = None,
    fusion_set: bool = False,
) -> bool:
    """Give ``app`` the look of ``mode`` at ``font_size`` points (0: the system's size).

    Args:
        system_scheme: the desktop's scheme when known (from ``colorSchemeChanged``);
            read from the style hints otherwise.
        system_dark: whether the desktop was dark when last seen: taken for "system"
            instead of asking Qt (see ThemeController).
        tell_qt: ask Qt for the look's colour scheme (see ``tell_qt_the_scheme``);
            False leaves that to ThemeController.follow_desktop.
        assets_dir: where tinted arrow and check marks are written for the stylesheet.
        fusion_set: the app was made with the Fusion style already (see
            app.window_start.qt_application).
    Return:
        True when the result is dark.
    """
    if mode not in THEMES:
        raise ValueError(f"unknown theme {mode!r}: use one of {', '.join(THEMES)}")
    if mode == "system" and tell_qt:
        _set_color_scheme(None)  # first: our own earlier choice would hide the desktop's
    is_dark = resolve_dark(mode, system_scheme, system_dark=system_dark)
    if mode != "system" and tell_qt:
        tell_qt_the_scheme(mode, is_dark)
    colors = colors_for(is_dark)
    if not app.styleSheet() and not fusion_set:
        # Once, before the first style sheet: setting a style again restyles every
        # widget (half a second with a long conversation open), for the same style.
        fusion = QStyleFactory.create("Fusion")
        if fusion is not None:
            app.setStyle(fusion)
    font = base_font(font_size)
    app.setFont(font)
    app.setPalette(build_palette(colors))
    point_size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
    sheet = build_stylesheet(
        colors,
        point_size,
        assets_dir or _default_assets_dir(),
        bubble=bubble_radius(QFontMetrics(font).lineSpacing()),
    )
    app.setStyleSheet(sheet)
    return is_dark


class ThemeController(QObject):
    """Keeps the app's look in step with the settings and, in "system" mode, the desktop.

    Signals:
        restyling(): the look is about to be set anew; every widget is then styled
            again (widgets not needed on screen are better let go of now).
        changed(bool is_dark): the look switched between light and dark (code
            highlighting and other painted colours must be redone).
        text_size_changed(): the text size is another (what was measured, must be
            measured again).
    """

    restyling = Signal()
    changed = Signal(bool)
    text_size_changed = Signal()

    def __init__(
        self,
        app: QApplication,
        mode: str = "system",
        font_size: int = 0,
        *,
        assets_dir: Path | None = None,
        fusion_set: bool = False,
        system_dark: bool | None = None,
        later: bool = False,
        parent: QObject | None = None,
    ) -> None:
        """``fusion_set``: see ``apply_theme``. ``later``: Qt is neither asked nor told
        about colour schemes until ``follow_desktop`` (the window's frame paints first),
        "system" taking ``system_dark``, whether the desktop was dark when last seen;
        without it (or without that), they are asked and followed at once."""
        super().__init__(parent)
        self._app = app
        self._mode = mode
        self._font_size = font_size
        self._assets_dir = assets_dir
        self._applying = False
        self._following = False
        later = later and (mode != "system" or system_dark is not None)
        self._told_qt = not later
        self._is_dark = apply_theme(
            app,
            mode,
            font_size,
            assets_dir=assets_dir,
            fusion_set=fusion_set,
            system_dark=system_dark if later else None,
            tell_qt=not later,
        )
        if not later:
            self.follow_desktop()

    def follow_desktop(self) -> bool | None:
        """Tell Qt the look's colour scheme, and follow the desktop's from now on,
        restyling at once if it is not as ``system_dark`` said; returns whether the
        desktop is dark (None outside "system" mode, where Qt answers with the app's own
        scheme).

        The window's first look takes the scheme last seen: asking Qt makes PySide's
        ``Qt`` namespace (app.ui.qt_import.qt_namespace), 25 ms before the first paint.
        The window asks right after it (a desktop switched meanwhile shows for that
        moment in its old colours).
        """
        if not self._following:
            self._following = True
            if not self._told_qt:
                self._told_qt = True
                tell_qt_the_scheme(self._mode, self._is_dark)
            QGuiApplication.styleHints().colorSchemeChanged.connect(self.on_color_scheme_changed)
        if self._mode != "system":
            return None
        dark = desktop_is_dark()
        if dark != self._is_dark:  # switched since last seen
            self.apply(self._mode, self._font_size)
        return dark

    @property
    def is_dark(self) -> bool:
        return self._is_dark

    @property
    def colors(self) -> ThemeColors:
        return colors_for(self._is_dark)

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def font_size(self) -> int:
        return self._font_size

    def apply(
        self, mode: str, font_size: int, *, system_scheme: Qt.ColorScheme | None = None
    ) -> None:
        """Re-style the app if anything changed; emits ``changed`` when dark flips."""
        if self._applying:
            return  # our own setColorScheme() can report back while we apply
        self._applying = True
        try:
            was_dark = self._is_dark
            was_size = self._app.font().pointSizeF()
            self.restyling.emit()
            self._mode = mode
            self._font_size = font_size
            self._is_dark = apply_theme(
                self._app,
                mode,
                font_size,
                system_scheme=system_scheme,
                assets_dir=self._assets_dir,
            )
        finally:
            self._applying = False
        if self._is_dark != was_dark:
            self.changed.emit(self._is_dark)
        if self._app.font().pointSizeF() != was_size:
            self.text_size_changed.emit()

    def apply_settings(self, settings: Settings) -> None:
        """Slot for ``SettingsDialog.settings_changed``: follows theme and font_size."""
        if (settings.theme, settings.font_size) != (self._mode, self._font_size):
            self.apply(settings.theme, settings.font_size)

    def on_color_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        if self._mode == "system":
            self.apply(self._mode, self._font_size, system_scheme=scheme)

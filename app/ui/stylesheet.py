"""The application's style sheet: it rounds and spaces things and gives the named
surfaces (sidebar, composer) their look, in the palette's colours, at the text's size.
Widgets opt into the shared looks by object name or by a ``role`` / ``tone`` property,
listed below.

Object names styled: ``sidebar``, ``composer``, ``composerEdit``, ``sendButton``.
Properties styled:
    QPushButton[role]   "primary" (accent), "danger", "link", "subtle" (borderless)
    QLabel[role]        "title", "subtitle", "muted", "section", "keycap"
    QLabel[tone]        "error", "warning", "success", "info" (a coloured status line)
    QFrame[role]        "card" (a raised, rounded group), "banner"
    QListWidget[role]   "nav" (a settings-style page list)
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from app.ui.icon_files import svg_source
from app.ui.text_scale import icon_size

if TYPE_CHECKING:
    from app.ui.theme import ThemeColors


def _asset(folder: Path, name: str, color: str) -> str:
    """A tinted copy of icon ``name`` as a file, for stylesheet ``image:`` (which needs paths)."""
    return _svg_file(folder, name, svg_source(name).replace("currentColor", color))


def _radio_dot(folder: Path, ring: str, dot: str) -> str:
    """A chosen radio button's mark as a file: Qt draws a thick round border in
    jagged steps, visible once the mark grows with the text."""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="18" height="18" viewBox="0 0 18 18">'
        f'<circle cx="9" cy="9" r="9" fill="{ring}"/><circle cx="9" cy="9" r="4" fill="{dot}"/>'
        "</svg>"
    )
    return _svg_file(folder, "radio", svg)


def _svg_file(folder: Path, name: str, svg: str) -> str:
    # A checksum names the content (not a secure hash: OpenSSL's would load at start-up).
    digest = f"{zlib.crc32(svg.encode('utf-8')):08x}"
    path = folder / f"{name}-{digest}.svg"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(svg, encoding="utf-8")
        temporary.replace(path)
    return path.as_posix()


BUBBLE_RADIUS = 18  # px at the reference size
MAX_BUBBLE_RADIUS = 28  # at 24 pt a taller question would be more round than boxed


def bubble_radius(line_spacing: int) -> int:
    """A question bubble's corner radius for text whose lines are ``line_spacing`` px
    apart: half a one-line bubble's height (the line, 3 px of the text's own margin
    above and below it, and the bubble's 8 px padding: see MessageItem), so that one
    is a pill at every text size.

    Qt draws square corners when a radius is more than half the height: at 8 pt a
    one-line bubble is about 35 px high, and 18 px lost the rounding.
    """
    return min(MAX_BUBBLE_RADIUS, line_spacing // 2 + 11)


def build_stylesheet(
    colors: ThemeColors, point_size: float, assets: Path, *, bubble: int = BUBBLE_RADIUS
) -> str:
    """The application stylesheet for ``colors`` at a base font of ``point_size`` points,
    with ``bubble`` px corners on questions (see ``bubble_radius``).

    QBalloonTip is Qt's own notification bubble, shown where no notification service
    runs: it paints itself pale yellow while its text takes the application's colour,
    near-white in the dark look. Both come from the theme here.
    """
    c = colors
    down = _asset(assets, "chevron-down", c.muted)
    up = _asset(assets, "chevron-up", c.muted)
    check = _asset(assets, "check", c.on_accent)
    scroll = "#4a4a50" if c.is_dark else "#c9c9ce"
    scroll_hover = "#5c5c63" if c.is_dark else "#a9a9b0"
    # The ring of a focused button filled with the accent: told from the fill at 3:1 at
    # least (the text's colour in the dark look, at 2.6:1, was not).
    ring_on_accent = "#ffffff" if c.is_dark else c.text
    # Icons grow with the text (16 px icons beside 22 pt text were specks); the same
    # rules at every size, so a smaller size shrinks them back.
    icon_px = icon_size(point_size)
    nav_icon_px = icon_size(point_size, 18)
    # Check boxes and radio buttons too: 16 px boxes beside 20 pt text looked like dots.
    # A chosen radio button's mark is an image as large as the others with their border.
    box = 2 * (icon_px // 2)
    box_radius = round(5 * box / 16)
    round_radius = box // 2 + 1  # half the side with its border: round, not squared off
    spacing = round(8 * box / 16)
    # The sliders' handles and the spin boxes' arrows as well: fixed, they stayed small
    # and hard to hit at 20 pt. At the normal size these are the sizes they always had.
    handle = box
    handle_margin = (handle + 2 - 4) // 2  # its border box centred on the 4 px groove
    step_width = round(20 * box / 16)
    arrow = round(12 * box / 16)
    check_disabled = _asset(assets, "check", c.faint)
    radio = _radio_dot(assets, c.accent, c.on_accent)
    radio_disabled = _radio_dot(assets, c.border_strong, c.sidebar)
    # No stock icons on dialog buttons (the X11 look puts a red cross on every Cancel):
    # old bitmaps, blurred on high-DPI screens, and no other button here has one.
    return f"""
QAbstractButton {{ qproperty-iconSize: {icon_px}px {icon_px}px; }}
QListWidget[role="nav"] {{ qproperty-iconSize: {nav_icon_px}px {nav_icon_px}px; }}
QToolTip {{
    color: {c.text}; background: {c.surface}; border: 1px solid {c.border_strong};
    border-radius: 6px; padding: 4px 8px;
}}
QBalloonTip {{ background-color: {c.surface}; color: {c.text}; }}
QBalloonTip QLabel {{ color: {c.text}; }}
QBalloonTip QPushButton {{
    background: transparent; border: none; padding: 0; min-height: 0; border-radius: 4px;
}}
QBalloonTip QPushButton:hover {{ background: {c.hover}; }}
QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}
QPushButton {{
    background: {c.surface}; color: {c.text}; border: 1px solid {c.border_strong};
    border-radius: 8px; padding: 6px 14px; min-height: 18px;
}}
QPushButton:hover {{ background: {c.hover}; }}
QPushButton:pressed, QPushButton:checked {{ background: {c.pressed}; }}
/* The keyboard's button shows a ring of 2 px (1 px in the accent colour was hardly
   told from the hairline beside it); a pixel less padding keeps its size. */
QPushButton:focus {{ border: 2px solid {c.accent}; padding: 5px 13px; }}
QPushButton:disabled {{ color: {c.faint}; border-color: {c.border}; background: {c.surface}; }}
QPushButton[role="primary"] {{
    background: {c.accent}; color: {c.on_accent}; border-color: {c.accent}; font-weight: 600;
}}
QPushButton[role="primary"]:hover {{
    background: {c.accent_hover}; border-color: {c.accent_hover};
}}
QPushButton[role="primary"]:focus {{ border-color: {ring_on_accent}; }}
QPushButton[role="primary"]:disabled {{
    background: {c.accent_soft}; color: {c.faint}; border-color: {c.accent_soft};
}}
QPushButton[role="danger"] {{ color: {c.danger}; }}
QPushButton[role="danger"]:disabled {{ color: {c.faint}; }}
QPushButton[role="link"] {{
    background: transparent; border: none; color: {c.accent}; padding: 2px 0; min-height: 0;
    text-align: left;
}}
QPushButton[role="link"]:hover, QPushButton[role="link"]:focus {{ text-decoration: underline; }}
QPushButton[role="subtle"] {{ background: transparent; border-color: transparent; }}
QPushButton[role="subtle"]:hover {{ background: {c.hover}; }}
QPushButton[role="subtle"]:focus {{ border-color: {c.accent}; }}
QPushButton[role="segment"] {{ padding: 6px 14px; }}
QPushButton[role="segment"]:focus {{ padding: 5px 13px; }}
QPushButton[role="segment"]:checked {{
    background: {c.accent_soft}; border-color: {c.accent}; color: {c.text};
}}
QToolButton {{
    background: transparent; border: 1px solid transparent; border-radius: 6px; padding: 4px;
}}
QToolButton:hover {{ background: {c.hover}; }}
QToolButton:pressed, QToolButton:checked {{ background: {c.pressed}; }}
QToolButton:focus {{ border: 2px solid {c.accent}; padding: 3px; }}
QToolButton[role="in-field"] {{ padding: 2px; border-radius: 5px; }}
QToolButton[role="in-field"]:focus {{ padding: 1px; }}
QToolButton[role="in-field"]:checked {{ background: transparent; }}
QToolButton[role="in-field"]:hover {{ background: {c.hover}; }}

QLineEdit, QPlainTextEdit, QSpinBox, QDoubleSpinBox, QComboBox {{
    background: {c.field}; color: {c.text}; border: 1px solid {c.border_strong};
    border-radius: 8px; padding: 5px 8px;
    selection-background-color: {c.accent}; selection-color: {c.on_accent};
}}
QPlainTextEdit {{ padding: 4px 6px; }}
QLineEdit:focus, QPlainTextEdit:focus, QSpinBox:focus, QDoubleSpinBox:focus,
QComboBox:focus, QComboBox:on {{ border-color: {c.accent}; }}
QLineEdit:disabled, QPlainTextEdit:disabled, QSpinBox:disabled, QDoubleSpinBox:disabled,
QComboBox:disabled {{ color: {c.faint}; background: {c.sidebar}; border-color: {c.border}; }}
QLineEdit[invalid="true"], QComboBox[invalid="true"] {{ border-color: {c.danger}; }}
QComboBox {{ padding-right: 26px; }}
QComboBox::drop-down {{
    subcontrol-origin: padding; subcontrol-position: center right; width: 26px; border: none;
}}
QComboBox::down-arrow {{ image: url("{down}"); width: 14px; height: 14px; }}
QComboBox QAbstractItemView {{
    background: {c.surface}; color: {c.text}; border: 1px solid {c.border_strong};
    border-radius: 8px; padding: 4px; outline: none;
    selection-background-color: {c.accent_soft}; selection-color: {c.text};
}}
QSpinBox, QDoubleSpinBox {{ padding-right: {step_width + 2}px; }}
QSpinBox::up-button, QDoubleSpinBox::up-button {{
    subcontrol-origin: border; subcontrol-position: top right; width: {step_width}px;
    border: none; margin: 2px 2px 0 0; border-top-right-radius: 6px;
}}
QSpinBox::down-button, QDoubleSpinBox::down-button {{
    subcontrol-origin: border; subcontrol-position: bottom right; width: {step_width}px;
    border: none; margin: 0 2px 2px 0; border-bottom-right-radius: 6px;
}}
QSpinBox::up-button:hover, QDoubleSpinBox::up-button:hover,
QSpinBox::down-button:hover, QDoubleSpinBox::down-button:hover {{ background: {c.hover}; }}
QSpinBox::up-arrow, QDoubleSpinBox::up-arrow {{
    image: url("{up}"); width: {arrow}px; height: {arrow}px;
}}
QSpinBox::down-arrow, QDoubleSpinBox::down-arrow {{
    image: url("{down}"); width: {arrow}px; height: {arrow}px;
}}

QCheckBox, QRadioButton {{ spacing: {spacing}px; }}
QCheckBox::indicator {{
    width: {box}px; height: {box}px; border: 1px solid {c.border_strong};
    border-radius: {box_radius}px; background: {c.field};
}}
QCheckBox::indicator:hover, QCheckBox::indicator:focus {{ border-color: {c.accent}; }}
QCheckBox::indicator:checked {{
    background: {c.accent}; border-color: {c.accent}; image: url("{check}");
}}
QCheckBox::indicator:disabled {{ background: {c.sidebar}; border-color: {c.border}; }}
QCheckBox::indicator:checked:disabled {{ image: url("{check_disabled}"); }}
QRadioButton::indicator {{
    width: {box}px; height: {box}px; border: 1px solid {c.border_strong};
    border-radius: {round_radius}px; background: {c.field};
}}
QRadioButton::indicator:hover, QRadioButton::indicator:focus {{ border-color: {c.accent}; }}
QRadioButton::indicator:checked {{
    border: none; width: {box + 2}px; height: {box + 2}px; background: transparent;
    image: url("{radio}");
}}
QRadioButton::indicator:disabled {{ background: {c.sidebar}; border-color: {c.border}; }}
QRadioButton::indicator:checked:disabled {{
    background: transparent; image: url("{radio_disabled}");
}}

QSlider:horizontal {{ min-height: {handle + 4}px; }}  /* the whole handle, ring included */
QSlider::groove:horizontal {{ height: 4px; background: {c.border_strong}; border-radius: 2px; }}
QSlider::sub-page:horizontal {{ background: {c.accent}; border-radius: 2px; }}
QSlider::sub-page:horizontal:disabled {{ background: {c.border_strong}; }}
QSlider::handle:horizontal {{
    background: {"#f4f4f6" if c.is_dark else "#ffffff"}; border: 1px solid {c.border_strong};
    width: {handle}px; height: {handle}px; margin: -{handle_margin}px 0;
    border-radius: {handle // 2 + 1}px;
}}
QSlider::handle:horizontal:hover {{ border-color: {c.accent}; }}
/* "Default": no value, the handle hollow (at the left end it read as a value of 0). */
QSlider[unset="true"]::handle:horizontal {{
    background: transparent; border: 1px dashed {c.border_strong};
}}
QSlider[unset="true"]::sub-page:horizontal {{ background: {c.border_strong}; }}
QSlider::handle:horizontal:focus {{
    border: 2px solid {c.accent}; width: {handle - 2}px; height: {handle - 2}px;
    background: {c.accent_soft};
}}

QScrollBar:vertical {{ background: transparent; width: 12px; margin: 2px; }}
QScrollBar:horizontal {{ background: transparent; height: 12px; margin: 2px; }}
QScrollBar::handle:vertical {{ background: {scroll}; border-radius: 4px; min-height: 32px;
    margin: 0 2px; }}
QScrollBar::handle:horizontal {{ background: {scroll}; border-radius: 4px; min-width: 32px;
    margin: 2px 0; }}
QScrollBar::handle:hover {{ background: {scroll_hover}; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}

QMenu {{
    background: {c.surface}; color: {c.text}; border: 1px solid {c.border_strong};
    border-radius: 8px; padding: 4px;
}}
QMenu::item {{ padding: 6px 24px 6px 10px; border-radius: 5px; }}
QMenu::item:selected {{ background: {c.hover}; }}
/* The menu's colour above beats the palette's disabled one: "Copy" with nothing
   selected looked as ready as "Select all". Pointed at, it stays unlit. */
QMenu::item:disabled {{ color: {c.faint}; }}
QMenu::item:disabled:selected {{ background: transparent; }}
QMenu::separator {{ height: 1px; background: {c.border}; margin: 4px 6px; }}

QLabel[role="title"] {{ font-size: {point_size * 1.55:.1f}pt; font-weight: 600; }}
QLabel[role="subtitle"] {{ color: {c.muted}; }}
QLabel[role="muted"] {{ color: {c.muted}; }}
QLabel[role="section"] {{ font-weight: 600; }}
QLabel[role="keycap"] {{
    background: {c.surface}; color: {c.text}; border: 1px solid {c.border_strong};
    border-bottom-width: 2px; border-radius: 5px; padding: 1px 7px;
    font-size: {point_size * 0.92:.1f}pt;
}}
QLabel[tone="error"] {{ color: {c.danger}; }}
QLabel[tone="warning"] {{ color: {c.warning}; }}
QLabel[tone="success"] {{ color: {c.success}; }}
QLabel[tone="info"] {{ color: {c.muted}; }}
QFrame[role="card"] {{
    background: {c.surface}; border: 1px solid {c.border}; border-radius: 12px;
}}
QFrame[role="divider"] {{ background: {c.border}; border: none; }}
QFrame[role="banner"] {{
    background: {c.accent_soft}; border: none; border-radius: 10px;
}}
QListWidget[role="nav"] {{
    background: transparent; border: none; outline: none;
}}
QListWidget[role="nav"]::item {{
    color: {c.text}; padding: 7px 10px; margin: 1px 0; border-radius: 8px;
}}
QListWidget[role="nav"]::item:hover {{ background: {c.hover}; }}
QListWidget[role="nav"]::item:selected {{ background: {c.pressed}; color: {c.text}; }}
QListWidget[role="nav"]::item:focus {{ border: 1px solid {c.accent}; }}
QListWidget[role="list"] {{
    background: {c.field}; border: 1px solid {c.border_strong}; border-radius: 8px;
    padding: 4px; outline: none;
}}
QListWidget[role="list"]::item {{ padding: 6px 8px; border-radius: 6px; color: {c.text}; }}
QListWidget[role="list"]::item:hover {{ background: {c.hover}; }}
QListWidget[role="list"]::item:selected {{ background: {c.accent_soft}; color: {c.text}; }}

#sidebar {{ background: {c.sidebar}; border-right: 1px solid {c.border}; }}
/* Lists take the fields' colour; the sidebar's show what is behind them, as the rest
   of the sidebar does (in the dark look the list was a lighter rectangle in it). */
#conversationList, #searchResults {{ background: transparent; }}
#composer {{
    background: {c.surface}; border: 1px solid {c.border_strong}; border-radius: 16px;
}}
#composer[focused="true"] {{ border-color: {c.accent}; }}
#composerEdit {{
    background: transparent; border: none; padding: 0;
}}
#sendButton {{
    background: {c.accent}; color: {c.on_accent}; border: none; border-radius: 10px;
    padding: 6px 14px; font-weight: 600;
}}
#sendButton:hover {{ background: {c.accent_hover}; }}
#sendButton:focus {{ border: 2px solid {ring_on_accent}; padding: 4px 12px; }}
#sendButton:disabled {{ background: {c.pressed}; color: {c.faint}; }}

/* The transcript's canvas shows its background: the viewport paints it (see
   app.ui.transcript.own_background), and a background of its own was painted again
   over the whole view at every paint of the conversation. */
#chatPane, #transcript {{ background: {c.window}; border: none; }}
/* Tab stops on the conversation itself (arrows and Page Up scroll it): it shows so.
   The border is always there, clear when unfocused: its width never changes the width
   the messages are laid out at. */
#transcript {{ border: 1px solid transparent; border-radius: 6px; }}
#transcript:focus {{ border-color: {c.accent}; }}
#chatTitle {{ font-size: {point_size * 1.12:.1f}pt; font-weight: 600; }}
#bubble {{ background: {c.user_bubble}; border-radius: {bubble}px; }}
#messageHeader {{ color: {c.muted}; }}
#branchLabel {{ color: {c.muted}; font-size: {point_size * 0.9:.1f}pt; }}
#statusPanel {{
    background: {"rgba(240, 181, 80, 0.12)" if c.is_dark else "rgba(154, 91, 0, 0.07)"};
    border: 1px solid {"rgba(240, 181, 80, 0.35)" if c.is_dark else "rgba(154, 91, 0, 0.25)"};
    border-radius: 10px;
}}
#statusPanel[severity="error"] {{
    background: {"rgba(242, 117, 109, 0.12)" if c.is_dark else "rgba(201, 52, 44, 0.06)"};
    border-color: {"rgba(242, 117, 109, 0.4)" if c.is_dark else "rgba(201, 52, 44, 0.3)"};
}}
#toolCalls {{
    background: {c.code_background}; border: 1px solid {c.border}; border-radius: 10px;
}}
#toolCallName {{ font-weight: 600; }}
#toolApproval {{
    background: {c.surface}; border: 1px solid {c.accent}; border-radius: 12px;
}}
#toolApprovalQuestion {{ font-weight: 600; }}
#toolCallsNote {{ color: {c.muted}; }}
#toolCallActivity {{ color: {c.accent}; font-weight: 600; }}
/* "Show all" under a long tool result or question: a link's look, a button's focus ring. */
#foldButton {{
    background: transparent; color: {c.accent}; border: 1px solid transparent;
    border-radius: 6px; padding: 2px 6px; min-height: 0; text-align: left;
}}
#foldButton:hover {{ text-decoration: underline; }}
#foldButton:focus {{ border-color: {c.accent}; }}
#pendingAnswer {{ color: {c.muted}; font-style: italic; }}
#emptyState {{ color: {c.muted}; font-size: {point_size * 1.7:.1f}pt; font-weight: 600; }}
/* Beside or over the answers' text: outlined, its arrow in the accent colour (with a
   faint grey edge and the text's colour it was lost in the words around it). Round:
   its radius is set with its size (see app.ui.transcript.jump_button). */
#jumpToLatest {{
    background: {c.surface}; color: {c.accent}; border: 1px solid {c.accent}; padding: 0;
}}
#jumpToLatest:hover {{ background: {c.accent_soft}; }}
#jumpToLatest:focus {{ border-width: 2px; }}
#findBar {{ background: {c.sidebar}; border-bottom: 1px solid {c.border}; }}
#switchModel {{ color: {c.accent}; border-color: {c.accent}; }}

#quickWindow {{ background: {c.window}; }}
#quickCard {{
    background: {c.window}; border: 1px solid {c.border_strong}; border-radius: 12px;
}}
#quickInput {{ background: transparent; border: none; font-size: {point_size * 1.15:.1f}pt; }}
#quickHint {{ color: {c.faint}; }}
#quickHint[tone="success"] {{ color: {c.success}; }}
#quickNotice {{ color: {c.warning}; }}
#templateChip {{
    background: {c.accent_soft}; color: {c.text}; border: 1px solid {c.accent};
    border-radius: 12px; padding: 3px 10px; min-height: 0;
}}
#templateList {{
    background: {c.surface}; border: 1px solid {c.border}; border-radius: 8px; outline: none;
}}
#templateList::item {{ padding: 5px 8px; border-radius: 6px; }}
#templateList::item:selected {{ background: {c.accent_soft}; color: {c.text}; }}
"""

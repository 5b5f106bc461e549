"""Building blocks of the settings pages, the first-run panel and the parameters dialog.

Looks come from the application stylesheet (``app.ui.theme``) through ``role`` and
``tone`` properties; nothing here hard-codes a colour.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt
from PySide6.QtGui import QAction, QColor, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.ui.field_buttons import FieldButton
from app.ui.icons import icon
from app.ui.plain_text_field import pastes_html
from app.ui.text_scale import icon_size
from app.ui.theme import current_colors
from app.ui.wrapping_buttons import WrappingPushButton

TONE_ICONS = {"error": "alert", "warning": "alert", "success": "check", "info": "info"}


def set_role(widget: QWidget, role: str) -> None:
    """Give ``widget`` one of the stylesheet's shared looks (see ``app.ui.theme``)."""
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def label(text: str, role: str | None = None, *, wrap: bool = True) -> QLabel:
    item = QLabel(text)
    item.setTextFormat(Qt.TextFormat.PlainText)  # what it shows may be a server's words
    item.setWordWrap(wrap)
    item.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if role is not None:
        item.setProperty("role", role)
    return item


def button(
    text: str, role: str | None = None, icon_name: str | None = None, *, wraps: bool = False
) -> QPushButton:
    """A push button; with ``wraps``, one whose text goes on onto more lines where the
    room is short (a long text, in a narrow page)."""
    item = WrappingPushButton() if wraps else QPushButton()
    item.setCursor(Qt.CursorShape.PointingHandCursor)
    if role is not None:
        item.setProperty("role", role)
    if icon_name is not None:
        item.setIcon(icon(icon_name))
        item.setIconSize(QSize(16, 16))
    relabel(item, text)
    return item


def button_row(*buttons: QWidget) -> QHBoxLayout:
    """Buttons at the right end of a row (Cancel before the main action)."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addStretch(1)
    for item in buttons:
        row.addWidget(item)
    return row


def relabel(item: QPushButton, text: str) -> None:
    """Set a button's text; Qt draws an icon flush against it, so a space separates them."""
    spaced = not item.icon().isNull() and item.property("role") != "link"
    item.setText(f" {text}" if spaced else text)
    item.setAccessibleName(text)


def tab_to_checked(group: QButtonGroup) -> None:
    """Tab into ``group`` lands on its chosen option, now and whenever it changes.

    Qt does so only once one of the options has had the keyboard: before, Tab stopped
    on the first option, chosen or not, and Space there changed the setting by accident.
    """

    def follow(_button: QAbstractButton | None = None, _checked: bool = True) -> None:
        for option in group.buttons():
            tab = Qt.FocusPolicy.StrongFocus if option.isChecked() else Qt.FocusPolicy.ClickFocus
            option.setFocusPolicy(tab)

    group.buttonToggled.connect(follow)
    follow()


class Card(QFrame):
    """A raised, rounded group of related controls."""

    def __init__(self, parent: QWidget | None = None, *, spacing: int = 12) -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(18, 16, 18, 16)
        self.body.setSpacing(spacing)


class Page(QScrollArea):
    """A settings page: title, one-line explanation, then content that scrolls if tall.

    Its side margins narrow in a narrow page (large text in a small window), as the
    desktops' own settings do: 64 of 385 px at 24 pt went to margins. The scroll bar,
    when the page needs one, takes its room from the right margin: the content keeps its
    width, so a line shown at its end (a connection test's result) does not wrap the
    text above it anew and move what the person was about to click.
    """

    MARGIN = 32
    NARROW_MARGIN = 16
    NARROW = 480  # px: a page narrower than this has the narrow margins

    def __init__(self, title: str, subtitle: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # Not a Tab stop of its own (it showed no focus, so Tab seemed to do nothing):
        # its controls are, and it scrolls to whichever takes the focus.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Wrapped text fits the width; with very large text, what cannot scrolls.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        inner = QWidget()
        inner.setObjectName("settingsPageBody")
        outer = QVBoxLayout(inner)
        outer.setContentsMargins(self.MARGIN, 28, self.MARGIN, 28)
        outer.setSpacing(16)
        self._outer = outer
        heading = QVBoxLayout()
        heading.setSpacing(4)
        self.title = label(title, "title")
        self.subtitle = label(subtitle, "subtitle")
        heading.addWidget(self.title)
        heading.addWidget(self.subtitle)
        outer.addLayout(heading)
        self.body = QVBoxLayout()
        self.body.setSpacing(16)
        outer.addLayout(self.body)
        outer.addStretch(1)
        self.setWidget(inner)
        self.viewport().setAutoFillBackground(False)
        inner.setAutoFillBackground(False)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)

    @property
    def side_margin(self) -> int:
        return self._outer.contentsMargins().left()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        # Told of the page's resizes, and of its viewport's (the scroll bar came or
        # went): the page's own width, not the event's, says whether it is narrow.
        self._fit_margins()
        super().resizeEvent(event)

    def _fit_margins(self) -> None:
        """The side margins, the right one less the scroll bar's width while it shows."""
        side = self.MARGIN if self.width() >= self.NARROW else self.NARROW_MARGIN
        bar = max(0, self.maximumViewportSize().width() - self.viewport().width())
        right = max(0, side - bar)
        margins = self._outer.contentsMargins()
        if (margins.left(), margins.right()) != (side, right):
            self._outer.setContentsMargins(side, 28, right, 28)

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Scroll to a control the keyboard reached: Qt does so only for Tab within the
        page, and Shift+Tab from the page list left the focus on the last control, far
        below the visible part at large text sizes."""
        body = self.widget()
        if new is None or body is None or not body.isAncestorOf(new):
            return
        if QApplication.mouseButtons() != Qt.MouseButton.NoButton:
            return  # clicked, so in sight: the page must not move under the pointer
        self.ensureWidgetVisible(new)

    def reveal(self, widget: QWidget) -> None:
        """Scroll so that ``widget`` (on this page) shows: a message that just appeared
        under the fold would otherwise go unseen."""
        # Just shown, it has no place yet: its layouts and the page's height follow from
        # posted requests, taken now from it outwards (each one posts its parent's, up to
        # the scroll area, which then resizes the page's content).
        current: QWidget | None = widget
        while current is not None:
            QCoreApplication.sendPostedEvents(current, QEvent.Type.LayoutRequest)
            current = None if current is self else current.parentWidget()
        self.ensureWidgetVisible(widget)


class StatusLine(QWidget):
    """One coloured line with an icon: what just happened, or what is wrong and why."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tone = ""
        self._icon = QLabel()
        self._icon.setFixedSize(16, 16)
        self._icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = QLabel()
        self.text.setTextFormat(Qt.TextFormat.PlainText)  # errors quote servers and input
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        self._column = QVBoxLayout()  # the text, and under it what acts on it
        self._column.setSpacing(4)
        self._column.addWidget(self.text)
        self._actions: list[QWidget] = []  # see show_message
        row.addLayout(self._column, 1)
        for part in (self._icon, self.text):  # hidden, they may still hold their room
            policy = part.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            part.setSizePolicy(policy)
        self.hide()

    @property
    def tone(self) -> str:
        return self._tone

    def message(self) -> str:
        """The text shown, or "" when the line is cleared."""
        return self.text.text() if self._tone else ""

    def show_message(self, tone: str, text: str, *, action: QWidget | None = None) -> None:
        """Show ``text``; ``tone`` is "error", "warning", "success" or "info". An
        ``action`` (a link that acts on what the line says: "Try again") shows under
        the text, in line with it, until the line says something else.

        The line must be in a layout first: a widget without a parent would be shown
        as a window of its own.
        """
        if tone not in TONE_ICONS:
            raise ValueError(f"unknown tone {tone!r}")
        self._tone = tone
        self._show_action(action)
        self.text.setText(text)
        self.text.setProperty("tone", tone)
        self.text.style().unpolish(self.text)
        self.text.style().polish(self.text)
        self._paint_icon()
        self._show_parts(True)
        self.show()

    def clear(self) -> None:
        self._tone = ""
        self.text.clear()
        self._show_action(None)
        self.hide()

    def _show_action(self, action: QWidget | None) -> None:
        if action is not None and action not in self._actions:
            self._actions.append(action)
            self._column.addWidget(action, 0, Qt.AlignmentFlag.AlignLeft)
        for each in self._actions:
            each.setVisible(each is action)

    def keep_room(self, text: str) -> None:
        """Show nothing, in the room ``text`` would take: a line that comes and goes
        with a choice (a field's hint, shown while the field is in use) then moves
        nothing under it."""
        self._tone = ""
        self.text.setText(text)
        self._show_action(None)
        self._paint_icon()
        self._show_parts(False)
        self.show()

    def _show_parts(self, shown: bool) -> None:
        for part in (self._icon, self.text):
            part.setVisible(shown)

    def _paint_icon(self) -> None:
        # As large as the text's (a 16 px mark beside 20 pt text was a speck), drawn at
        # the screen's pixel ratio: sharp on high-DPI screens. Sized with no tone too:
        # the room a line keeps (see keep_room) is that of its text beside the icon.
        side = icon_size(self.font().pointSizeF())
        # As tall as the first line of text, so the icon centres on it.
        self._icon.setFixedSize(side, max(side, self.text.fontMetrics().height()))
        if not self._tone:
            return
        colors = current_colors()
        color = {
            "error": colors.danger,
            "warning": colors.warning,
            "success": colors.success,
            "info": colors.muted,
        }[self._tone]
        ratio = self.devicePixelRatioF()
        self._icon.setPixmap(
            icon(TONE_ICONS[self._tone], QColor(color)).pixmap(QSize(side, side), ratio)
        )

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() in (
            QEvent.Type.PaletteChange,
            QEvent.Type.ApplicationPaletteChange,
            QEvent.Type.FontChange,
            QEvent.Type.DevicePixelRatioChange,
        ):
            self._paint_icon()
        super().changeEvent(event)


class SecretField(QLineEdit):
    """A masked field with an eye button that shows or hides what was typed. A key
    copied from a web page (the console) may be on the clipboard only as HTML: its text
    is pasted, on one line without the spaces around it.

    The eye is a button of its own, inside the field's right end (see FieldButton), and
    Tab reaches it after the field: QLineEdit.addAction's button never takes the keyboard
    focus, nor grows with the text.
    """

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(False)
        self.setInputMethodHints(
            Qt.InputMethodHint.ImhHiddenText
            | Qt.InputMethodHint.ImhNoPredictiveText
            | Qt.InputMethodHint.ImhSensitiveData
        )
        self.toggle = QAction(icon("eye"), "Show the key", self)
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self._on_toggled)
        self.reveal = FieldButton(self, self.toggle, tab=True)
        pastes_html(self)

    @property
    def revealed(self) -> bool:
        return self.echoMode() == QLineEdit.EchoMode.Normal

    def _on_toggled(self, shown: bool) -> None:
        self.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.toggle.setIcon(icon("eye-off" if shown else "eye"))
        self.toggle.setText("Hide the key" if shown else "Show the key")


def hline() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setProperty("role", "divider")
    line.setFixedHeight(1)
    return line


def confirm(
    parent: QWidget,
    question: str,
    details: str,
    action: str,
    on_confirmed: Callable[[], None],
) -> QMessageBox:
    """Ask before something that cannot be undone; Cancel is the default button, so a
    stray Enter or Space keeps everything. ``on_confirmed`` runs if ``action`` is chosen.

    Shown with open(), not exec(): a nested event loop would run asyncio callbacks
    re-entrantly. Returns the box (already shown).
    """
    box = QMessageBox(QMessageBox.Icon.Warning, "Maestrale", question, parent=parent)
    box.setInformativeText(details)
    box.setTextFormat(Qt.TextFormat.PlainText)  # the question may quote a name
    chosen = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def on_finished(_result: int) -> None:
        if box.clickedButton() is chosen:
            on_confirmed()

    box.finished.connect(on_finished)
    box.open()
    return box

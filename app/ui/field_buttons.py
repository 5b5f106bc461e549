"""Buttons inside a line field (the key's show and hide, the search mark) with icons as
large as the text's other icons: QLineEdit's own actions stay 16 px at every text size,
a speck beside 20 pt text."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit, QToolButton

GAP = 3  # px between the button and the field's border


class FieldButton(QToolButton):
    """``action``'s button in ``field``, at its end (or, ``leading``, its start), the
    field's text kept clear of it. Its icon's size comes from the style sheet, which
    grows the icons of all buttons with the text; its look is the "in-field" role's.

    With ``tab`` Tab reaches it after the field (a click still leaves the keyboard in
    the field). A ``mark`` only shows (the search field's magnifier): clicks go to the
    field.
    """

    def __init__(
        self,
        field: QLineEdit,
        action: QAction,
        *,
        leading: bool = False,
        tab: bool = False,
        mark: bool = False,
    ) -> None:
        super().__init__(field)
        self._field = field
        self._leading = leading
        self.setProperty("role", "in-field")
        self.setDefaultAction(action)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus if tab else Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.ArrowCursor)  # not the field's I-beam
        if mark:
            self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        field.installEventFilter(self)
        self._place()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self._field and event.type() in (
            QEvent.Type.Resize,
            QEvent.Type.FontChange,
            QEvent.Type.StyleChange,
            QEvent.Type.LayoutDirectionChange,
        ):
            self._place()
        return False

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._place()  # a new icon size, with the text's

    def _place(self) -> None:
        self.ensurePolished()  # the theme's icon size and padding
        field = self._field
        side = min(self.sizeHint().height(), max(1, field.height() - 2 * GAP))
        size = QSize(max(side, self.sizeHint().width()), side)
        at_start = self._leading != (field.layoutDirection() is Qt.LayoutDirection.RightToLeft)
        x = GAP if at_start else field.width() - size.width() - GAP
        self.setGeometry(x, (field.height() - size.height()) // 2, size.width(), size.height())
        margins = field.textMargins()
        room = size.width() + GAP
        margins.setLeft(room if at_start else 0)
        margins.setRight(0 if at_start else room)
        if margins != field.textMargins():
            field.setTextMargins(margins)

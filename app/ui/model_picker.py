"""Choosing the model: the endpoint's chat models, deprecated ones marked, one-click
replacement."""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QPaintEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QWidget,
)

from app.api.models import ModelCard
from app.chat.catalog import ModelCatalog
from app.ui.icons import icon

ROLE_MODEL = Qt.ItemDataRole.UserRole + 1


def fit_model_name(metrics: QFontMetrics, text: str, room: int) -> str:
    """``text`` ("name", or "name  (note)") within ``room`` pixels.

    Whole when it fits; else the note goes first (an icon beside the name keeps the
    mark, the tooltip the words), then the name's middle, not its end: the end is the
    version that tells models apart ("mistral-lar…" read the same for 2411 and 2512).
    """
    if metrics.horizontalAdvance(text) <= room:
        return text
    name = text.partition("  (")[0]
    return metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, room)


class ElidingCombo(QComboBox):
    """A combo box that shortens a name too long for it with "…" in its middle (Qt's
    cuts it mid-letter): see fit_model_name.

    Signals:
        popup_closed(): its list closed (a model chosen, or Esc).
    """

    popup_closed = Signal()

    def showPopup(self) -> None:  # noqa: N802 - Qt override
        super().showPopup()
        # Its list's window: Qt closes it on Esc or a choice without calling hidePopup.
        container = self.view().window()
        if container is not self.window():
            container.removeEventFilter(self)
            container.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Hide and watched is self.view().window():
            self.popup_closed.emit()
        return super().eventFilter(watched, event)

    def shown_text(self) -> str:
        """The current text as painted: whole, or elided to the box's text field."""
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        room = field.width()
        if not option.currentIcon.isNull():
            room -= option.iconSize.width() + 4  # as QCommonStyle spaces them
        return fit_model_name(self.fontMetrics(), option.currentText, room)

    def base_width(self) -> int:
        """Qt's width for the box: room for a usual model's name (minimumContentsLength)."""
        return super().sizeHint().width()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        # The whole name and its note where the header has room (the icon of a
        # deprecated model took some of the usual width).
        hint = super().sizeHint()
        return QSize(max(hint.width(), self.whole_width()), hint.height())

    def whole_width(self) -> int:
        """The box's width that shows the current text whole."""
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        metrics = self.fontMetrics()
        text = metrics.horizontalAdvance(option.currentText) + 4  # fit_model_name's slack
        if not option.currentIcon.isNull():
            text += option.iconSize.width() + 4
        contents = QSize(text, metrics.height())
        size = self.style().sizeFromContents(
            QStyle.ContentsType.CT_ComboBox, option, contents, self
        )
        return max(size.width(), self.minimumWidth())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        # QComboBox's own painting, with the elided text.
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        option.currentText = self.shown_text()
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)


class ModelPicker(QWidget):
    """Signals: model_chosen(str) when the user picks (or switches to) a model;
    switch_shown(bool) when the Switch button comes or goes; width_changed() when the
    room it needs may have changed (another model's name)."""

    model_chosen = Signal(str)
    switch_shown = Signal(bool)
    width_changed = Signal()

    def __init__(self, catalog: ModelCatalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._current = ""
        self._filled_for: tuple[str, date] | None = None  # the model and day last listed
        self._compact = False
        self.combo = ElidingCombo()
        self.combo.setObjectName("modelPicker")
        self.combo.setAccessibleName("Model")
        self.combo.setMinimumContentsLength(24)
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        # Room for a model's whole name, but narrower in a narrow window, where the
        # Switch button next to it keeps its full text.
        self.combo.setMinimumWidth(140)  # with a deprecated mark's icon
        # Reached by Tab, not taken by a click: with the keyboard left on it after a
        # model was chosen with the mouse, the next words typed chose other models.
        self.combo.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.combo.activated.connect(self._on_activated)
        self.combo.currentIndexChanged.connect(self._explain_current)
        self.switch = QPushButton()
        self.switch.setObjectName("switchModel")
        self.switch.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.switch.setCursor(Qt.CursorShape.PointingHandCursor)
        self.switch.clicked.connect(self._on_switch)
        self.switch.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.combo)
        layout.addWidget(self.switch)
        self._row = layout
        catalog.changed.connect(self._fill)
        self._fill()

    def needed_width(self) -> int:
        """The width that shows the model's name whole (its note may go: the icon
        stays) within the box's usual size, and the Switch button when shown."""
        width = min(self.combo.base_width(), self.combo.whole_width())
        if not self.switch.isHidden():
            width += self._row.spacing() + self.switch.sizeHint().width()
        return width

    @property
    def model(self) -> str:
        return self._current

    def set_model(self, model: str) -> None:
        if model == self._current and self._filled_for == (model, date.today()):
            # Listed as it would be again (the catalog refills it when it changes; the
            # notes count days): refilled, the box was repainted at every opening.
            return
        self._current = model
        self._fill()

    def _label(self, model: str) -> str:
        card = self._catalog.card(model)
        if not self._catalog.serves(model):
            # Kept (the conversation names it), but a question would fail.
            return f"{model}  ({self._unserved_mark(card)})"
        return model if card is None or card.deprecation is None else f"{model}  (deprecated)"

    @staticmethod
    def _unserved_mark(card: ModelCard | None) -> str:
        if card is None:
            return "not on this server"
        # Listed, yet a request for it was refused lately (see ModelCatalog.is_refused).
        return "retired" if card.deprecation else "refused lately"

    def _note(self, model: str) -> str | None:
        if not self._catalog.serves(model):
            if self._catalog.card(model) is not None and not self._catalog.is_retired(model):
                return (
                    f"This endpoint refused a request for {model} within the last day: "
                    "choose another model (a question to it may be refused again)."
                )
            return f"This endpoint does not serve {model}: choose another model."
        card = self._catalog.card(model)
        return card.deprecation_note(datetime.now(UTC)) if card is not None else None

    def _fill(self) -> None:
        self._filled_for = (self._current, date.today())
        self.combo.blockSignals(True)
        self.combo.clear()
        names = [card.id for card in self._catalog.chat_models()]
        if self._current and self._current not in names:
            # Unknown to the catalog, or one of its aliases ("mistral-large-latest"):
            # shown as the conversation names it, not as an empty choice.
            names.insert(0, self._current)
        for name in names:
            card = self._catalog.card(name)
            if self._catalog.serves(name) and (card is None or card.deprecation is None):
                self.combo.addItem(self._label(name))
            else:  # the mark stays in sight when a narrow box cuts the note or name short
                self.combo.addItem(icon("alert"), self._label(name))
            self.combo.setItemData(self.combo.count() - 1, name, ROLE_MODEL)
            note = self._note(name)
            if note:
                self.combo.setItemData(self.combo.count() - 1, note, Qt.ItemDataRole.ToolTipRole)
        index = names.index(self._current) if self._current in names else -1
        self.combo.setCurrentIndex(index)
        self._explain_current()
        self.combo.blockSignals(False)
        self.combo.updateGeometry()  # its width follows the name (sizeHint)
        self.width_changed.emit()
        self._update_switch()

    def _explain_current(self) -> None:
        """The closed box's tooltip: the current label whole (a narrow box cuts its note
        and name short, its warning icon staying) and, for a marked model, why and its
        replacement, as the list's item says; a screen reader gets the same."""
        index = self.combo.currentIndex()
        note = self.combo.itemData(index, Qt.ItemDataRole.ToolTipRole) if index >= 0 else None
        label = self.combo.currentText()
        self.combo.setToolTip(f"{label}\n{note}" if note else label)
        self.combo.setAccessibleDescription(note if note else "")

    def set_compact(self, compact: bool) -> None:
        """In a narrow header the Switch button's text is just "Switch", leaving the
        room to the model's name."""
        if compact != self._compact:
            self._compact = compact
            self._update_switch()

    def _update_switch(self) -> None:
        shown = not self.switch.isHidden()
        self._show_switch()
        if shown == self.switch.isHidden():
            self.switch_shown.emit(not shown)

    def _show_switch(self) -> None:
        card = self._catalog.card(self._current) if self._current else None
        if card is not None and card.deprecation is not None and card.replacement:
            self.switch.setText("Switch" if self._compact else f"Switch to {card.replacement}")
            self.switch.setToolTip(
                f"{self._current} is deprecated or retired; the endpoint names "
                f"{card.replacement} as its replacement."
            )
            self.switch.setAccessibleName(f"Switch to {card.replacement}")
            self.switch.show()
        else:
            self.switch.hide()

    def _on_activated(self, index: int) -> None:
        model = self.combo.itemData(index, ROLE_MODEL)
        if isinstance(model, str) and model != self._current:
            self._current = model
            self._update_switch()
            self.combo.updateGeometry()
            self.width_changed.emit()
            self.model_chosen.emit(model)

    def _on_switch(self) -> None:
        card = self._catalog.card(self._current)
        if card is not None and card.replacement:
            self.set_model(card.replacement)
            self.model_chosen.emit(card.replacement)

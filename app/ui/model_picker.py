"""Choosing the model: the endpoint's chat models, retired ones marked, one-click replacement."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QSizePolicy, QWidget

from app.chat.catalog import ModelCatalog

ROLE_MODEL = Qt.ItemDataRole.UserRole + 1


class ModelPicker(QWidget):
    """Signals: model_chosen(str) when the user picks (or switches to) a model."""

    model_chosen = Signal(str)

    def __init__(self, catalog: ModelCatalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._current = ""
        self.combo = QComboBox()
        self.combo.setObjectName("modelPicker")
        self.combo.setAccessibleName("Model")
        self.combo.setMinimumContentsLength(24)
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        # Room for a model's whole name, but narrower in a narrow window, where the
        # Switch button next to it keeps its full text.
        self.combo.setMinimumWidth(120)
        self.combo.activated.connect(self._on_activated)
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
        catalog.changed.connect(self._fill)
        self._fill()

    @property
    def model(self) -> str:
        return self._current

    def set_model(self, model: str) -> None:
        self._current = model
        self._fill()

    def _label(self, model: str) -> str:
        card = self._catalog.card(model)
        if card is None or card.deprecation is None:
            return model
        return f"{model}  (deprecated)"

    def _fill(self) -> None:
        self.combo.blockSignals(True)
        self.combo.clear()
        names = [card.id for card in self._catalog.chat_models()]
        if self._current and self._current not in names:
            # Unknown to the catalog, or one of its aliases ("mistral-large-latest"):
            # shown as the conversation names it, not as an empty choice.
            names.insert(0, self._current)
        for name in names:
            self.combo.addItem(self._label(name))
            self.combo.setItemData(self.combo.count() - 1, name, ROLE_MODEL)
            card = self._catalog.card(name)
            if card is not None and card.deprecation is not None:
                state = "since" if card.is_retired(datetime.now(UTC)) else "from"
                tip = f"Deprecated {state} {card.deprecation.date().isoformat()}"
                if card.replacement:
                    tip += f"; replacement: {card.replacement}"
                self.combo.setItemData(self.combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        index = names.index(self._current) if self._current in names else -1
        self.combo.setCurrentIndex(index)
        self.combo.blockSignals(False)
        self._update_switch()

    def _update_switch(self) -> None:
        card = self._catalog.card(self._current) if self._current else None
        if card is not None and card.deprecation is not None and card.replacement:
            self.switch.setText(f"Switch to {card.replacement}")
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
            self.model_chosen.emit(model)

    def _on_switch(self) -> None:
        card = self._catalog.card(self._current)
        if card is not None and card.replacement:
            self.set_model(card.replacement)
            self.model_chosen.emit(card.replacement)

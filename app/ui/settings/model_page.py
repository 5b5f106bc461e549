"""The Model & parameters page: what new conversations start with."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QPlainTextEdit, QWidget

from app.settings import Settings
from app.ui.settings.form import Card, Page, StatusLine, label
from app.ui.settings.params import ParamsEditor


class ModelCombo(QComboBox):
    """An editable list of model ids: pick one the endpoint listed, or type any id."""

    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMinimumContentsLength(24)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        line = self.lineEdit()
        if line is not None and placeholder:
            line.setPlaceholderText(placeholder)

    def model_id(self) -> str:
        return self.currentText().strip()

    def set_model_id(self, model: str | None) -> None:
        self.setEditText(model or "")

    def set_model_ids(self, ids: Iterable[str]) -> None:
        """Offer ``ids`` (sorted, without duplicates), keeping the text typed so far."""
        text = self.currentText()
        with QSignalBlocker(self):
            self.clear()
            self.addItems(sorted(set(ids)))
            self.setEditText(text)


class ModelPage(Page):
    """``values()`` gives model, system_prompt and the five sampling parameters.

    Signals:
        changed(): something was edited.
    """

    changed = Signal()

    def __init__(
        self, settings: Settings, models: Iterable[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(
            "Model & parameters",
            "What new conversations start with. Each conversation can change these from "
            "its header.",
            parent,
        )
        self._last_model = settings.model  # kept while the field is empty
        card = Card()
        self.model = ModelCombo("Model id, e.g. mistral-large-latest")
        self.model.setAccessibleName("Default model")
        self.model.set_model_ids([*models, settings.model])
        self.model.set_model_id(settings.model)
        self.model_problem = StatusLine()
        self.system_prompt = QPlainTextEdit()
        self.system_prompt.setAccessibleName("System prompt")
        self.system_prompt.setPlaceholderText(
            "Optional instructions given to the model before every conversation"
        )
        self.system_prompt.setPlainText(settings.system_prompt)
        self.system_prompt.setTabChangesFocus(True)
        self.system_prompt.setFixedHeight(self.system_prompt.fontMetrics().lineSpacing() * 5 + 16)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(10)
        model_label = QLabel("Default model")
        model_label.setBuddy(self.model)
        prompt_label = QLabel("System prompt")
        prompt_label.setBuddy(self.system_prompt)
        grid.addWidget(model_label, 0, 0)
        grid.addWidget(self.model, 0, 1)
        grid.addWidget(self.model_problem, 1, 1)
        grid.addWidget(prompt_label, 2, 0, 1, 2)
        grid.addWidget(self.system_prompt, 3, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        card.body.addLayout(grid)
        self.body.addWidget(card)

        sampling = Card()
        sampling.body.addWidget(label("Sampling", "section"))
        sampling.body.addWidget(
            label("Unset values use the model's own defaults, which suit most uses.", "muted")
        )
        self.params = ParamsEditor()
        self.params.set_params(settings.chat_params)
        sampling.body.addWidget(self.params)
        self.body.addWidget(sampling)

        self.model.currentTextChanged.connect(self._on_model_text)
        self.system_prompt.textChanged.connect(self.changed)
        self.params.changed.connect(self.changed)

    def set_models(self, ids: Iterable[str]) -> None:
        self.model.set_model_ids([*ids, self.model.model_id() or self._last_model])

    def _on_model_text(self, text: str) -> None:
        if text.strip():
            self.model_problem.clear()
        else:
            self.model_problem.show_message(
                "warning", f"Choose a model; new conversations keep using {self._last_model}."
            )
        self.changed.emit()

    def values(self) -> dict[str, Any]:
        params = self.params.params()
        return {
            "model": self.model.model_id() or self._last_model,
            "system_prompt": self.system_prompt.toPlainText(),
            "temperature": params.temperature,
            "top_p": params.top_p,
            "max_tokens": params.max_tokens,
            "random_seed": params.random_seed,
            "safe_prompt": params.safe_prompt,
        }

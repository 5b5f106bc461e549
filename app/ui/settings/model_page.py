"""The Model & parameters page: what new conversations start with."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QPlainTextEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.api.models import Dialect, ModelCard
from app.settings import Settings
from app.ui.settings.fitting import LabelledRows, ShortCombo
from app.ui.settings.form import Card, Page, StatusLine, button, label, relabel
from app.ui.settings.params import ParamsEditor
from app.ui.unbroken_runs import UnbrokenRunWrapping

ROLE_MARK = Qt.ItemDataRole.UserRole + 1  # "deprecated", or none


class _MarkedModels(QStyledItemDelegate):
    """Shows "(deprecated)" after a model's id in the drop-down list only:
    the id alone is what the field takes when the model is chosen."""

    def initStyleOption(  # noqa: N802
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        mark = index.data(ROLE_MARK)
        if isinstance(mark, str) and mark:
            option.text = f"{option.text}  ({mark})"


class ModelCombo(ShortCombo):
    """An editable list of model ids: pick one the endpoint listed, or type any id."""

    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMinimumContentsLength(18)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setItemDelegate(_MarkedModels(self))
        self._cards: dict[str, ModelCard] = {}
        line = self.lineEdit()
        if line is not None and placeholder:
            line.setPlaceholderText(placeholder)

    def model_id(self) -> str:
        return self.currentText().strip()

    def set_model_id(self, model: str | None) -> None:
        self.setEditText(model or "")
        self._show_start()

    def _show_start(self) -> None:
        """A shown id longer than the field reads from its start ("mistral-large-24…"),
        not its end ("stral-large-2411"), unless it is being typed."""
        line = self.lineEdit()
        if line is not None and not line.hasFocus():
            line.setCursorPosition(0)

    def card(self, model: str) -> ModelCard | None:
        """What the endpoint said about ``model`` (an id or alias), if it listed it."""
        return self._cards.get(model) or next(
            (card for card in self._cards.values() if card.answers_to(model)), None
        )

    def lists(self, model: str) -> bool:
        """False when the endpoint's chat models are known and ``model`` is not one."""
        return not self._cards or self.card(model) is not None

    def set_models(self, cards: Iterable[ModelCard], *also: str) -> None:
        """Offer the chat models among ``cards`` and the ids in ``also`` (sorted, without
        duplicates; deprecated ones marked), keeping the text typed so far."""
        now = datetime.now(UTC)
        self._cards = {card.id: card for card in cards if card.chat}
        text = self.currentText()
        with QSignalBlocker(self):
            self.clear()
            for row, model in enumerate(sorted({*self._cards, *filter(None, also)})):
                self.addItem(model)
                card = self._cards.get(model)
                if card is not None and card.deprecation is not None:
                    self.setItemData(row, "deprecated", ROLE_MARK)
                    self.setItemData(row, card.deprecation_note(now), Qt.ItemDataRole.ToolTipRole)
            self.setEditText(text)
        self._show_start()


class ModelPage(Page):
    """``values()`` gives model, system_prompt and the five sampling parameters.

    Signals:
        changed(): something was edited.
    """

    changed = Signal()

    def __init__(
        self, settings: Settings, models: Iterable[ModelCard], parent: QWidget | None = None
    ) -> None:
        super().__init__(
            "Model & parameters",
            "What new conversations start with. Each conversation can change these from "
            "its header.",
            parent,
        )
        self._last_model = settings.model  # kept while the field is empty
        card = Card(spacing=10)
        self.model = ModelCombo("Model id, e.g. mistral-large-latest")
        self.model.setAccessibleName("Default model")
        self.model.set_models(models, settings.model)
        self.model.set_model_id(settings.model)
        self.model_problem = StatusLine()
        # A deprecated model's replacement, as the chat header offers it: one click.
        self.switch_model = button("", "link")
        self.switch_model.clicked.connect(self._switch_to_replacement)
        self._replacement: str | None = None
        self._show_model_problem(settings.model)
        self.system_prompt = QPlainTextEdit()
        UnbrokenRunWrapping(self.system_prompt)  # kept by the field: a pasted blob stays fast
        self.system_prompt.setAccessibleName("System prompt")
        self.system_prompt.setPlaceholderText(
            "Optional instructions given to the model before every conversation"
        )
        self.system_prompt.setPlainText(settings.system_prompt)
        self.system_prompt.setTabChangesFocus(True)
        self.system_prompt.setFixedHeight(self.system_prompt.fontMetrics().lineSpacing() * 5 + 16)
        model_label = QLabel("Default model")
        model_label.setBuddy(self.model)
        prompt_label = QLabel("System prompt")
        prompt_label.setBuddy(self.system_prompt)
        self.rows = LabelledRows(
            [(model_label, self.model), (None, self.model_problem)], spacing=10
        )
        card.body.addWidget(self.rows)
        card.body.addWidget(prompt_label)
        card.body.addWidget(self.system_prompt)
        self.body.addWidget(card)

        sampling = Card()
        sampling.body.addWidget(label("Sampling", "section"))
        sampling.body.addWidget(
            label("Unset values use the model's own defaults, which suit most uses.", "muted")
        )
        self.params = ParamsEditor(
            dialect=Dialect(settings.dialect),
            kept_note="Until then the saved model and max tokens stay as they were.",
        )
        self.params.set_params(settings.chat_params)
        self._check_context()
        sampling.body.addWidget(self.params)
        self.body.addWidget(sampling)

        self.model.currentTextChanged.connect(self._on_model_text)
        self.system_prompt.textChanged.connect(self.changed)
        self.params.changed.connect(self.changed)

    def set_dialect(self, dialect: Dialect) -> None:
        """The endpoint's dialect: what its parameters can offer."""
        self.params.set_dialect(dialect)

    def set_models(self, cards: Iterable[ModelCard]) -> None:
        self.model.set_models(cards, self.model.model_id() or self._last_model)
        self._show_model_problem(self.model.model_id())
        self._check_context()

    def _on_model_text(self, text: str) -> None:
        self._show_model_problem(text.strip())
        self._check_context()
        self.changed.emit()

    def _check_context(self) -> None:
        """Max tokens against what the default model reads (when its card says)."""
        model = self.model.model_id() or self._last_model
        card = self.model.card(model)
        self.params.set_context(model, card.max_context_length if card else None)

    def _show_model_problem(self, model: str) -> None:
        card = self.model.card(model) if model else None
        note = card.deprecation_note(datetime.now(UTC)) if card is not None else None
        replacement = card.replacement if card is not None and note else None
        self._replacement = replacement if replacement and self.model.lists(replacement) else None
        if not model:
            self.model_problem.show_message(
                "warning", f"Choose a model; new conversations keep using {self._last_model}."
            )
        elif not self.model.lists(model):
            self.model_problem.show_message(
                "warning",
                f"This endpoint does not serve {model}: choose one of its models. "
                "Until then new chats use another of them.",
            )
        elif note:
            switch = None
            if self._replacement is not None:
                switch = self.switch_model
                relabel(switch, f"Use {self._replacement} instead")
                switch.setAccessibleName(f"Use {self._replacement} as the default model")
            self.model_problem.show_message("warning", f"{model}: {note}.", action=switch)
        else:
            self.model_problem.clear()

    def _switch_to_replacement(self) -> None:
        if self._replacement is not None:
            self.model.set_model_id(self._replacement)  # saved as typed (see _on_model_text)
            self.model.setFocus()  # not on to the next field as the link hides

    def values(self) -> dict[str, Any]:
        """The page's settings; without max tokens and the model while the model cannot
        take that max tokens (the saved pair stays, the fields keep what was typed).
        Both: a new model that reads less than the saved max tokens, saved alone, made
        every new chat refused."""
        params = self.params.params()
        values = {
            "model": self.model.model_id() or self._last_model,
            "system_prompt": self.system_prompt.toPlainText(),
            "temperature": params.temperature,
            "top_p": params.top_p,
            "max_tokens": params.max_tokens,
            "random_seed": params.random_seed,
            "safe_prompt": params.safe_prompt,
        }
        if self.params.context_problem():
            del values["max_tokens"], values["model"]
        return values

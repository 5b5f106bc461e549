"""One conversation's system prompt, model and parameters, with presets to start from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.api.models import Dialect, ModelCard
from app.domain.messages import ChatParams
from app.presets import Preset
from app.ui.settings.form import Card, Page, StatusLine, button, button_row, label
from app.ui.settings.model_page import ModelCombo
from app.ui.settings.params import ParamsEditor
from app.ui.theme import cap_minimum_size, keep_on_screen, screen_room
from app.ui.unbroken_runs import UnbrokenRunWrapping

LEAST_WIDTH = 560

ParamsResult = tuple[str | None, ChatParams, str | None]


class ParamsDialog(QDialog):
    """Edits ``(system_prompt, params, model)``; None means "none" / "the default model".

    Open it with ``open()`` (not ``exec()``, which would nest the event loop under
    qasync) and read ``result_values()`` on ``accepted``, or connect ``applied``.

    Signals:
        applied(object, object, object): (system_prompt or None, ChatParams,
            model or None) when the user pressed Apply.
    """

    applied = Signal(object, object, object)

    def __init__(
        self,
        system_prompt: str | None,
        params: ChatParams,
        model: str | None,
        presets: Sequence[Preset],
        models: Sequence[ModelCard],
        *,
        default_model: str | None = None,
        dialect: Dialect = Dialect.MISTRAL,
        presets_notice: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Parameters — Maestrale")
        self.setModal(True)
        self._presets = list(presets)
        self._presets_notice = presets_notice  # presets.toml's problems (see problems_notice)
        self._default_model = default_model

        card = self._build_fields(
            system_prompt, params, model, models, default_model=default_model, dialect=dialect
        )

        self.cancel_button = button("Cancel")
        self.apply_button = button("Apply", "primary")
        self.apply_button.setDefault(True)
        self._buttons = button_row(self.cancel_button, self.apply_button)

        # The fields scroll, the buttons stay under them: at 24 pt the dialog was taller
        # than the screen, Apply and Cancel out of reach below its edge.
        self.page = Page("Parameters", "Used for the next answers in this conversation only.")
        self.page.body.addWidget(card)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 20)
        layout.setSpacing(0)
        layout.addWidget(self.page, 1)
        layout.addLayout(self._buttons)
        self._follow_page_margins()

        self.preset.activated.connect(self.on_preset_chosen)
        self.cancel_button.clicked.connect(self.reject)
        self.apply_button.clicked.connect(self.accept)
        self.model.currentTextChanged.connect(lambda _text: self._check_model())
        self.params.changed.connect(self._update_apply)
        self._check_model()

    def _build_fields(
        self,
        system_prompt: str | None,
        params: ChatParams,
        model: str | None,
        models: Sequence[ModelCard],
        *,
        default_model: str | None,
        dialect: Dialect,
    ) -> Card:
        self.preset = QComboBox()
        self.preset.setAccessibleName("Preset")
        self.preset.addItem("Apply a preset…", None)
        for index, preset in enumerate(self._presets):
            self.preset.addItem(preset.name, index)
        self.preset.setEnabled(bool(self._presets))
        # A greyed-out menu alone left the person guessing why.
        self.preset.setToolTip(self._presets_notice)
        self.presets_status = StatusLine()
        hint = f"The default model ({default_model})" if default_model else "The default model"
        self.model = ModelCombo(hint)
        self.model.setAccessibleName("Model")
        self.model.set_models(models)
        self.model.set_model_id(model)
        self.model_status = StatusLine()
        self.system_prompt = QPlainTextEdit()
        UnbrokenRunWrapping(self.system_prompt)  # kept by the field: a pasted blob stays fast
        self.system_prompt.setAccessibleName("System prompt")
        self.system_prompt.setPlaceholderText("No system prompt")
        self.system_prompt.setPlainText(system_prompt or "")
        self.system_prompt.setTabChangesFocus(True)
        self.system_prompt.setFixedHeight(self.system_prompt.fontMetrics().lineSpacing() * 6 + 16)
        self.params = ParamsEditor(dialect=dialect)
        self.params.set_params(params)

        top = QGridLayout()
        top.setHorizontalSpacing(18)
        top.setVerticalSpacing(10)
        for row, (text, widget) in enumerate((("Preset", self.preset), ("Model", self.model))):
            caption = QLabel(text)
            caption.setBuddy(widget)
            top.addWidget(caption, row, 0)
            top.addWidget(widget, row, 1)
        top.addWidget(self.model_status, 2, 1)  # under the Model field
        top.setColumnStretch(1, 1)
        card = Card()
        card.body.addLayout(top)
        card.body.addWidget(self.presets_status)
        if self._presets_notice:
            self.presets_status.show_message("warning", self._presets_notice)
        card.body.addWidget(label("System prompt"))
        card.body.addWidget(self.system_prompt)
        card.body.addWidget(label("Parameters", "section"))
        card.body.addWidget(self.params)
        return card

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """All of the fields without scrolling, where the screen has room for them: a
        scroll area asks for less than its contents (for at most 24 lines)."""
        hint = super().sizeHint()
        page: Page | None = getattr(self, "page", None)  # asked while it is built too
        body = page.widget() if page is not None else None
        if page is None or body is None:
            return hint
        frame = 2 * page.frameWidth()
        wanted = QSize(
            max(hint.width(), LEAST_WIDTH, body.sizeHint().width() + frame),
            hint.height() - page.sizeHint().height() + body.sizeHint().height() + frame,
        )
        return wanted.boundedTo(screen_room(self))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        if not event.spontaneous():
            cap_minimum_size(self, LEAST_WIDTH, 0)
            self.resize(self.sizeHint())
        super().showEvent(event)
        if not event.spontaneous():
            keep_on_screen(self)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._follow_page_margins()

    def _follow_page_margins(self) -> None:
        """The buttons' right end under the fields' (the page's margins narrow with it)."""
        side = self.page.side_margin
        margins = self._buttons.contentsMargins()
        if (margins.left(), margins.right()) != (side, side):
            self._buttons.setContentsMargins(side, 0, side, 0)

    def on_preset_chosen(self, index: int) -> None:
        number = self.preset.itemData(index)
        if not isinstance(number, int):
            return
        self.apply_preset(self._presets[number])
        self.preset.setCurrentIndex(0)

    def apply_preset(self, preset: Preset) -> None:
        """Fill the fields from ``preset``; a preset without a model keeps the one chosen."""
        self.system_prompt.setPlainText(preset.system_prompt)
        self.params.set_params(preset.params)
        if preset.model:
            self.model.set_model_id(preset.model)
        self._check_model()

    def _model_in_effect(self) -> str | None:
        return self.model.model_id() or self._default_model

    def _check_model(self) -> None:
        """The chosen model's state under its field (deprecated, not served), and the
        max tokens checked against what it reads."""
        model = self._model_in_effect()
        card = self.model.card(model) if model else None
        note = card.deprecation_note(datetime.now(UTC)) if card is not None else None
        if model and not self.model.lists(model):
            self.model_status.show_message(
                "warning", f"This endpoint does not serve {model}: choose another model."
            )
        elif note:
            self.model_status.show_message("warning", f"{model}: {note}.")
        else:
            self.model_status.clear()
        self.params.set_context(model, card.max_context_length if card else None)
        self._update_apply()

    def _update_apply(self) -> None:
        """Apply waits while the max tokens is more than the model reads: every question
        of the conversation would be refused."""
        self.apply_button.setEnabled(self.params.context_problem() is None)

    def result_values(self) -> ParamsResult:
        prompt = self.system_prompt.toPlainText()
        return (
            prompt if prompt.strip() else None,
            self.params.params(),
            self.model.model_id() or None,
        )

    def accept(self) -> None:
        if self.params.context_problem():  # shown under the field; Apply is disabled
            return
        self.applied.emit(*self.result_values())
        super().accept()

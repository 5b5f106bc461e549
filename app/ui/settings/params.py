"""Editing sampling parameters, each with a "model default" state; no bad value can be typed.

Used by the Model page, the Presets page and the per-conversation parameters dialog.
Limits come from the settings table, so the widgets and the file always agree. A value
typed beyond them is changed or refused with a line saying so under its field, and a
max tokens the model cannot take (its context, once known) is shown as a problem.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QRegularExpression, QSignalBlocker, QSize, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator, QValidator
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.api.models import Dialect
from app.domain.messages import ChatParams
from app.settings import OPTIONS_BY_NAME
from app.ui.icons import icon
from app.ui.settings.fitting import LabelledRows, TwoWays, least_width
from app.ui.settings.form import StatusLine
from app.ui.wrapping_buttons import WrappingCheckBox

DEFAULT_TEXT = "Default"
SAFE_PROMPT_TEXT = "Add Mistral's safety prompt"
SAFE_PROMPT_HINT = "Mistral's guardrail instructions."
SAFE_PROMPT_ONLY_MISTRAL = "Mistral's API only"


def _limit(name: str, attribute: str, fallback: float) -> float:
    value = getattr(OPTIONS_BY_NAME[name], attribute)
    return float(value) if value is not None else fallback


class _ClampingSpin(QDoubleSpinBox):
    """A spin box where a number typed beyond the range becomes its nearest end.

    Qt's own dropped each key that took the text out of range, silently: "2.5" typed
    for a temperature of at most 1.5 lost its "2" and became 0.50. ``lowest`` is the
    lowest real value: the range's own bottom is the "Default" position, which a typed
    "-1" must not reach.

    Signals:
        clamped(str, float): the number typed, and the value it was changed to.
    """

    clamped = Signal(str, float)

    def __init__(self, lowest: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lowest = lowest

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:  # Qt
        state, text, pos = super().validate(text, pos)
        number = self._number(text)
        # Below ``lowest`` too: a typed top p of 0 became "Default", silently.
        if number is not None and (state == QValidator.State.Invalid or number < self.lowest):
            state = QValidator.State.Intermediate
        return state, text, pos

    def fixup(self, text: str) -> str:  # Qt override
        number = self._number(text)
        if number is None:
            return str(super().fixup(text))
        value = min(max(number, self.lowest), self.maximum())
        if value != number:
            self.clamped.emit(text.strip(), value)
        return str(self.textFromValue(value))

    def _number(self, text: str) -> float | None:
        try:
            return float(text.strip().replace(",", "."))
        except ValueError:
            return None


class OptionalNumber(TwoWays):
    """A slider and a spin box for a number that may be unset ("Default").

    The spin box's lowest position, one step below the real range, means unset;
    a reset button before it returns there. The button is always in sight, usable
    while there is a value: shown only then, it seemed to exist on one settings page
    and not on the others, whose values were unset.

    Slider, reset button and spin box on one line where they fit; else the spin box
    goes under the slider, at the right (large text in a narrow window).

    Signals:
        changed(): the value changed (by the user or by ``set_value``).
        clamped(str, float): a number typed beyond the range, and the end it became.
    """

    changed = Signal()
    clamped = Signal(str, float)
    SPACING = 10

    def __init__(
        self,
        minimum: float,
        maximum: float,
        *,
        step: float = 0.05,
        decimals: int = 2,
        unset_text: str = DEFAULT_TEXT,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._minimum = minimum
        self._scale = 10**decimals
        self._unset_at = round(minimum - step, decimals)
        self.spin = _ClampingSpin(minimum)
        self.spin.clamped.connect(self.clamped)
        self.spin.setToolTip(f"From {minimum:g} to {maximum:g}")
        self.spin.setDecimals(decimals)
        self.spin.setSingleStep(step)
        self.spin.setRange(self._unset_at, maximum)
        self.spin.setSpecialValueText(unset_text)
        self.spin.setKeyboardTracking(False)
        self.spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(round(minimum * self._scale), round(maximum * self._scale))
        self.slider.setSingleStep(round(step * self._scale))
        self.slider.setPageStep(round(step * self._scale) * 2)
        self.slider.setMinimumWidth(120)
        self.reset = QToolButton()
        self.reset.setIcon(icon("x"))
        self.reset.setToolTip("Use the model's default")
        self.reset.setAccessibleName("Use the model's default")
        self.reset.setCursor(Qt.CursorShape.PointingHandCursor)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(self.SPACING)
        self._grid.setColumnStretch(0, 1)
        self.lay_out(roomy=True)
        self.spin.valueChanged.connect(self._on_spin)
        self.slider.valueChanged.connect(self._on_slider)
        self.slider.sliderPressed.connect(self._on_slider_pressed)
        self.reset.clicked.connect(lambda: self.set_value(None))
        self.set_value(None)

    @property
    def one_line(self) -> bool:
        return self.roomy

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        # As narrow as the spin box under the slider allows.
        hint = super().minimumSizeHint()
        top = least_width(self.slider) + self.SPACING + least_width(self.reset)
        return QSize(max(top, least_width(self.spin)), hint.height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        # On one line, or it would stay on two where there is room for one.
        hint = super().sizeHint()
        parts = (self.slider, self.reset, self.spin)
        width = sum(max(p.sizeHint().width(), least_width(p)) for p in parts) + 2 * self.SPACING
        return QSize(width, hint.height())

    def roomy_width(self) -> int:
        parts = (self.slider, self.reset, self.spin)
        return sum(least_width(part) for part in parts) + 2 * self.SPACING

    def arrange(self, roomy: bool) -> None:
        for part in (self.slider, self.reset, self.spin):
            self._grid.removeWidget(part)
        self._grid.addWidget(self.slider, 0, 0)
        # Before the spin box, which then ends where the form's other fields do.
        self._grid.addWidget(self.reset, 0, 1)
        if roomy:
            self._grid.addWidget(self.spin, 0, 2)
        else:
            self._grid.addWidget(self.spin, 1, 0, 1, 2, Qt.AlignmentFlag.AlignRight)

    def value(self) -> float | None:
        number = self.spin.value()
        if number < self._minimum - 1e-9:
            return None
        return round(number, self.spin.decimals())

    def set_value(self, value: float | None) -> None:
        self.spin.setValue(self._unset_at if value is None else value)
        self._sync()

    def _sync(self) -> None:
        value = self.value()
        with QSignalBlocker(self.slider):
            self.slider.setValue(
                round((value if value is not None else self._minimum) * self._scale)
            )
        if self.slider.property("unset") != (value is None):
            self.slider.setProperty("unset", value is None)
            # A property the style sheet reads: it applies once the widget is polished
            # again.
            self.slider.style().unpolish(self.slider)
            self.slider.style().polish(self.slider)
        self.reset.setEnabled(value is not None)

    def _on_spin(self, _number: float) -> None:
        self._sync()
        self.changed.emit()

    def _on_slider(self, position: int) -> None:
        self.spin.setValue(position / self._scale)

    def _on_slider_pressed(self) -> None:
        # Grabbing the handle while unset picks the value under it.
        if self.value() is None:
            self.spin.setValue(self.slider.value() / self._scale)


class _Digits(QRegularExpressionValidator):
    """Up to DIGITS digits, the first not a zero where ``minimum`` is 1 or more.

    Signals:
        refused(str): digits it refused (a leading zero, too many), to say so.
    """

    DIGITS = 18
    refused = Signal(str)

    def __init__(self, minimum: int, parent: QWidget) -> None:
        first = "[1-9]" if minimum >= 1 else "[0-9]"
        pattern = QRegularExpression(f"^({first}[0-9]{{0,{self.DIGITS - 1}}})?$")
        super().__init__(pattern, parent)

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:  # Qt
        # A number pasted with spaces or a line end around it is that number (review:
        # " 4096" was refused as "below the minimum").
        stripped = text.strip()
        if stripped != text:
            pos = max(0, min(len(stripped), pos - (len(text) - len(text.lstrip()))))
        checked = cast(tuple[QValidator.State, str, int], super().validate(stripped, pos))
        state, stripped, pos = checked
        if state == QValidator.State.Invalid and stripped.isascii() and stripped.isdigit():
            self.refused.emit(stripped)
        return state, stripped, pos


class OptionalInteger(QLineEdit):
    """Digits only; empty means unset (its placeholder says what unset does).

    Signals:
        changed(): the value changed.
        refused(str): digits typed or pasted that it refused (out of its range).
    """

    changed = Signal()
    refused = Signal(str)

    def __init__(
        self, placeholder: str, *, minimum: int = 0, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.minimum = minimum
        digits = _Digits(minimum, self)
        digits.refused.connect(self.refused)
        self.setValidator(digits)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.textChanged.connect(lambda _text: self.changed.emit())

    def value(self) -> int | None:
        text = self.text().strip()
        return int(text) if text else None

    def set_value(self, value: int | None) -> None:
        self.setText("" if value is None else str(value))


class ParamsEditor(QWidget):
    """Temperature, top p, max tokens, seed and safe prompt, laid out as a form.

    Under a field, a line says when a value typed there was changed or refused, and
    when the max tokens is more than the model reads (``set_context``; its
    ``context_problem()`` then tells the page not to apply it). ``kept_note`` ends that
    problem's line: what happens to the value meanwhile.

    Signals:
        changed(): any parameter changed.
    """

    changed = Signal()

    def __init__(
        self,
        *,
        dialect: Dialect = Dialect.MISTRAL,
        kept_note: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._kept_note = kept_note
        self._context: tuple[str, int] | None = None  # the model and what it reads
        self._refused = ""  # the max tokens line's note on refused digits
        self.temperature = OptionalNumber(
            _limit("temperature", "minimum", 0.0), _limit("temperature", "maximum", 1.5)
        )
        self.top_p = OptionalNumber(
            _limit("top_p", "above", 0.0) + 0.01, _limit("top_p", "maximum", 1.0), step=0.01
        )
        self.top_p.spin.setSingleStep(0.05)
        self.max_tokens = OptionalInteger("Model decides", minimum=1)
        self.seed = OptionalInteger("Random", minimum=0)
        self.safe_prompt = WrappingCheckBox(SAFE_PROMPT_TEXT)
        self.notes = {name: StatusLine() for name in ("Temperature", "Top P", "Max tokens", "Seed")}
        fields: list[tuple[str, QWidget, str]] = [
            (
                "Temperature",
                self.temperature,
                "Higher gives more varied answers, lower more focused ones (0 to 1.5).",
            ),
            ("Top P", self.top_p, "Samples only from the most likely words up to this share."),
            ("Max tokens", self.max_tokens, "The longest answer, in tokens."),
            ("Seed", self.seed, "The same seed and question give the same answer."),
            ("Safe prompt", self.safe_prompt, SAFE_PROMPT_HINT),
        ]
        rows: list[tuple[QLabel | None, QWidget]] = []
        for text, widget, hint in fields:
            name = QLabel(text)
            if widget is self.safe_prompt:
                self._safe_prompt_label = name
            name.setToolTip(hint)
            name.setBuddy(widget)
            widget.setToolTip(hint)
            widget.setAccessibleName(text)
            rows.append((name, widget))
            if text in self.notes:
                rows.append((None, self.notes[text]))
        # The labels above their fields where both do not fit side by side.
        self.rows = LabelledRows(rows, spacing=12, centre_labels=True)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.rows)
        for number, text in ((self.temperature, "Temperature"), (self.top_p, "Top P")):
            self._note_clamps(number, text)
        self.max_tokens.refused.connect(self._on_max_tokens_refused)
        self.max_tokens.changed.connect(self._on_max_tokens_text)
        self.seed.refused.connect(
            lambda digits: self.notes["Seed"].show_message("warning", _refusal("Seed", 0, digits))
        )
        self.seed.changed.connect(self.notes["Seed"].clear)
        self.temperature.changed.connect(self.changed)
        self.top_p.changed.connect(self.changed)
        self.max_tokens.changed.connect(self.changed)
        self.seed.changed.connect(self.changed)
        self.safe_prompt.toggled.connect(lambda _on: self.changed.emit())
        self.set_dialect(dialect)

    def _note_clamps(self, number: OptionalNumber, name: str) -> None:
        """Say so under ``number`` when a value typed there was changed to an end of its
        range; the line goes once the value changes again."""
        note = self.notes[name]
        shown_for: list[float] = []

        def clamped(typed: str, value: float) -> None:
            lowest, highest = number.spin.lowest, number.spin.maximum()
            shown_for[:] = [value]
            note.show_message(
                "warning",
                f"{name} goes from {lowest:g} to {highest:g}: {typed} was changed to {value:g}.",
            )

        def changed() -> None:
            if shown_for and number.value() != shown_for[0]:
                shown_for.clear()
                note.clear()

        number.clamped.connect(clamped)
        number.changed.connect(changed)

    def _on_max_tokens_refused(self, digits: str) -> None:
        self._refused = _refusal("Max tokens", self.max_tokens.minimum, digits)
        self._show_max_tokens_note()

    def _on_max_tokens_text(self) -> None:
        self._refused = ""
        self._show_max_tokens_note()

    def set_context(self, model: str | None, length: int | None) -> None:
        """The model the parameters are for and how many tokens it reads (its context,
        question and answer together), when known: a max tokens at or above it is shown
        as a problem. None for either: no check."""
        self._context = (model, length) if model and length else None
        self._show_max_tokens_note()

    def context_problem(self) -> str | None:
        """Why the max tokens cannot be used with the model, or None."""
        value = self.max_tokens.value()
        if self._context is None or value is None:
            return None
        model, length = self._context
        if value < length:
            return None
        problem = (
            f"{model} reads at most {length:,} tokens, question included: "
            "choose a smaller number or leave it empty."
        )
        return f"{problem} {self._kept_note}" if self._kept_note else problem

    def _show_max_tokens_note(self) -> None:
        note = self.notes["Max tokens"]
        problem = self.context_problem()
        if problem:
            note.show_message("error", problem)
        elif self._refused:
            note.show_message("warning", self._refused)
        else:
            note.clear()

    def set_dialect(self, dialect: Dialect) -> None:
        """Offer the safety prompt only where it is sent: OpenAI-compatible servers
        have no such field, so a ticked box there would promise what never happens.
        The choice itself is kept, for when the endpoint is Mistral's again."""
        mistral = dialect is Dialect.MISTRAL
        self.safe_prompt.setEnabled(mistral)
        self.safe_prompt.setText(
            SAFE_PROMPT_TEXT if mistral else f"{SAFE_PROMPT_TEXT} ({SAFE_PROMPT_ONLY_MISTRAL})"
        )
        hint = SAFE_PROMPT_HINT if mistral else f"{SAFE_PROMPT_ONLY_MISTRAL}: not sent here."
        for widget in (self.safe_prompt, self._safe_prompt_label):
            widget.setToolTip(hint)

    def params(self) -> ChatParams:
        return ChatParams(
            temperature=self.temperature.value(),
            top_p=self.top_p.value(),
            max_tokens=self.max_tokens.value(),
            random_seed=self.seed.value(),
            safe_prompt=self.safe_prompt.isChecked(),
        )

    def set_params(self, params: ChatParams) -> None:
        """Show ``params`` without emitting ``changed``."""
        with QSignalBlocker(self):
            self.temperature.set_value(params.temperature)
            self.top_p.set_value(params.top_p)
            self.max_tokens.set_value(params.max_tokens)
            self.seed.set_value(params.random_seed)
            self.safe_prompt.setChecked(params.safe_prompt)
        for note in self.notes.values():
            note.clear()
        self._refused = ""
        self._show_max_tokens_note()


def _refusal(name: str, minimum: int, digits: str) -> str:
    """Why ``digits`` were not taken in the whole-number field ``name``."""
    if len(digits) > _Digits.DIGITS:
        return f"{name} takes at most {_Digits.DIGITS} digits: {digits} was not taken."
    if len(digits) > 1 and digits.startswith("0"):
        return f"{name} is written without a leading zero: {digits} was not taken."
    unset = " (empty lets the model decide)" if name == "Max tokens" else ""
    return f"{name} starts at {minimum}{unset}: {digits} was not taken."

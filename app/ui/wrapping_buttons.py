"""Check boxes, radio buttons and push buttons whose text wraps onto more lines when the
room is short: Qt's keep one line, which at large text sizes made a settings page wider
than its window (scrolled sideways, its right part out of sight)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFont, QPaintEvent, QPalette, QTextLayout, QTextOption
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QStylePainter,
    QWidget,
)

if TYPE_CHECKING:
    _Button = QAbstractButton
else:
    _Button = object

_FLAGS = int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
LEAST_CHARACTERS = 12  # the text's least width: about this many average characters


class _Wraps(_Button):
    """The text beside the mark laid out in lines within the button's width. Mixed into
    a QCheckBox or a QRadioButton, before it."""

    _CONTENTS: QStyle.SubElement  # where the style puts the text
    _CONTROL: QStyle.ControlElement  # what the style draws

    if TYPE_CHECKING:

        def initStyleOption(self, option: QStyleOptionButton) -> None: ...  # noqa: N802

    def _wrap_policy(self) -> None:
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def _option(self, width: int) -> QStyleOptionButton:
        option = QStyleOptionButton()
        self.initStyleOption(option)
        option.rect = QRect(0, 0, width, max(1, self.height()))
        return option

    def _text_rect(self, option: QStyleOptionButton) -> QRect:
        left = self.style().subElementRect(self._CONTENTS, option, self).left()
        room = max(1, option.rect.width() - left)
        bounds = self.fontMetrics().boundingRect(QRect(0, 0, room, 1_000_000), _FLAGS, self.text())
        return QRect(left, 0, room, bounds.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """As narrow as a dozen characters beside the mark (its one line if shorter)."""
        single = super().sizeHint().width()
        left = self._text_rect(self._option(single)).left()
        least = left + self.fontMetrics().averageCharWidth() * LEAST_CHARACTERS
        return QSize(min(single, least), super().minimumSizeHint().height())

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return max(super().sizeHint().height(), self._text_rect(self._option(width)).height())

    def hitButton(self, pos: QPoint) -> bool:  # noqa: N802 - Qt override
        return self.rect().contains(pos)  # on its wrapped lines too

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QStylePainter(self)
        option = self._option(self.width())
        text, option.text = option.text, ""
        painter.drawControl(self._CONTROL, option)  # the mark and its focus, as Qt's
        rect = self._text_rect(option)
        # Centred on the mark when on one line, as Qt places it; else from the top.
        rect.moveTop(max(0, (self.height() - rect.height()) // 2))
        self.style().drawItemText(
            painter,
            rect,
            _FLAGS,
            option.palette,
            self.isEnabled(),
            text,
            QPalette.ColorRole.WindowText,
        )


class WrappingCheckBox(_Wraps, QCheckBox):
    """A QCheckBox whose text wraps (see the module)."""

    _CONTENTS = QStyle.SubElement.SE_CheckBoxContents
    _CONTROL = QStyle.ControlElement.CE_CheckBox

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._wrap_policy()


class WrappingRadioButton(_Wraps, QRadioButton):
    """A QRadioButton whose text wraps (see the module)."""

    _CONTENTS = QStyle.SubElement.SE_RadioButtonContents
    _CONTROL = QStyle.ControlElement.CE_RadioButton

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._wrap_policy()


def broken_lines(text: str, font: QFont, width: int) -> list[str]:
    """``text`` in lines at most ``width`` px wide in ``font``: broken between words, and
    inside a word only where the word alone is wider than a line (an address)."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    lines: list[str] = []
    layout.beginLayout()
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        start = line.textStart()
        lines.append(text[start : start + line.textLength()].rstrip())
    layout.endLayout()
    return lines


class WrappingPushButton(QPushButton):
    """A push button whose text goes on onto more lines where the room is short ("Get a
    key at console.mistral.ai" at 24 pt). On one line wherever it fits, drawn by Qt as
    any other button; the style draws the lines too (colours, states, icon)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        # Able to shrink to its minimum (Qt's keep their one-line width), as tall as its
        # lines (heightForWidth).
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def _text_size(self, text: str) -> QSize:
        return self.fontMetrics().size(int(Qt.TextFlag.TextShowMnemonic), text)

    def _lines(self, width: int) -> str | None:
        """The text broken for a button ``width`` px wide; None where one line fits."""
        hint = super().sizeHint().width()
        if width >= hint:
            return None
        room = max(1, width - (hint - self._text_size(self.text()).width()))
        return "\n".join(broken_lines(self.text(), self.font(), room))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """As narrow as a dozen characters of text (its one line if shorter)."""
        hint = super().sizeHint()
        text = self._text_size(self.text()).width()
        least = self.fontMetrics().averageCharWidth() * LEAST_CHARACTERS
        return QSize(hint.width() - max(0, text - least), hint.height())

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        hint = super().sizeHint().height()
        lines = self._lines(width)
        if lines is None:
            return hint
        grown = self._text_size(lines).height() - self._text_size(self.text()).height()
        return hint + max(0, grown)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        lines = self._lines(self.width())
        if lines is None:
            super().paintEvent(event)
            return
        painter = QStylePainter(self)
        option = QStyleOptionButton()
        self.initStyleOption(option)
        option.text = lines
        painter.drawControl(QStyle.ControlElement.CE_PushButton, option)

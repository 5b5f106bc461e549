"""Where the keyboard goes around the chat header's model picker: into its list on
Ctrl+Shift+M, back where it was when that list closes, and on to the message field
once the picker's Switch button was used (it hides)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from app.ui.model_picker import ModelPicker


class PickerKeyboard:
    """The keyboard's way to ``picker``'s list and back; ``message_field`` takes it
    when the place it came from is gone, and after Switch. ``owner`` times the return."""

    def __init__(self, picker: ModelPicker, message_field: QWidget, owner: QObject) -> None:
        self._picker = picker
        self._message_field = message_field
        self._owner = owner
        self._focus_after: QWidget | None = None  # see open_list
        picker.combo.popup_closed.connect(self._after_popup)
        # Used, the Switch button hides: the keyboard would go on to Parameters.
        # (A lambda: clicked passes a bool, which setFocus would take for a reason.)
        picker.switch.clicked.connect(lambda: message_field.setFocus())  # noqa: PLW0108

    def open_list(self) -> None:
        """The picker's list, open, with the keyboard on it (Ctrl+Shift+M)."""
        before = QApplication.focusWidget()
        self._focus_after = before if before is not None else self._message_field
        self._picker.combo.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._picker.combo.showPopup()

    def _after_popup(self) -> None:
        """The list opened by Ctrl+Shift+M closed (a model chosen, or Esc): the keyboard
        goes back where it was; left on the picker, the next words typed chose models."""
        back, self._focus_after = self._focus_after, None
        if back is None or back is self._picker.combo:
            return  # opened from the picker itself (Tab, then Alt+Down): it stays there

        def give_back() -> None:  # once Qt has given the keyboard back to the picker
            import shiboken6

            if shiboken6.isValid(back) and back.isVisible():
                back.setFocus(Qt.FocusReason.PopupFocusReason)
            else:
                self._message_field.setFocus(Qt.FocusReason.PopupFocusReason)

        QTimer.singleShot(0, self._owner, give_back)

"""Every keyboard shortcut of the main window, declared once: id, keys, description, group.

The window builds its QActions from this table (``make_actions``); the help dialog and
the settings page list it. Keys handled inside the composer (Send, New line, Edit last
question) are listed for the user but are no window actions: the composer reads them
with ``sends_message``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QWidget

from app.ui.icons import icon


class Scope(StrEnum):
    WINDOW = "window"  # anywhere in the main window
    SIDEBAR = "sidebar"  # while the conversation list has focus (Del, Ctrl+Z)
    COMPOSER = "composer"  # read by the composer's key handling, not a QAction
    QUICK = "quick"  # the quick prompt window's own keys (and the system-wide one)


@dataclass(frozen=True, slots=True)
class Shortcut:
    """One row of the table. ``keys`` are portable texts ("Ctrl+N"), the first is shown."""

    id: str
    keys: tuple[str, ...]
    description: str
    group: str
    scope: Scope = Scope.WINDOW
    icon: str | None = None
    note: str = ""  # when it applies, if not always
    # Other words people look for it by in the help's search (not shown): "retry" for
    # Regenerate, which the search did not find.
    words: str = ""

    def sequences(self) -> list[QKeySequence]:
        return [QKeySequence(key) for key in self.keys]

    def native_keys(self) -> list[str]:
        """The keys as this platform writes them (⌘N on macOS, Ctrl+N elsewhere)."""
        return [
            QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText) for key in self.keys
        ]


def tab_keys(mac: bool = sys.platform == "darwin") -> tuple[str, str]:
    """The keys of the next and previous conversation's first shortcut: Ctrl+Tab and
    Ctrl+Shift+Tab, as browsers' tabs. On macOS Qt's Ctrl is ⌘, and ⌘Tab is the
    system's application switcher, never seen by a window: there they are ⌃Tab and
    ⌃⇧Tab (Qt's Meta is the Control key), as in Safari."""
    ctrl = "Meta" if mac else "Ctrl"
    return f"{ctrl}+Tab", f"{ctrl}+Shift+Tab"


CONVERSATIONS = "Conversations"
ANSWERS = "Writing and answers"
WINDOW = "Window"
QUICK = "Quick prompt"
DEFAULT_QUICK_SHORTCUT = "Ctrl+Alt+Space"  # the setting's default

SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("new_chat", ("Ctrl+N",), "New chat", CONVERSATIONS, icon="new-chat"),
    Shortcut("search_chats", ("Ctrl+K",), "Search chats", CONVERSATIONS, icon="search"),
    Shortcut("find_in_conversation", ("Ctrl+F",), "Find in conversation", CONVERSATIONS),
    Shortcut(
        "find_next",
        ("F3", "Ctrl+G"),
        "Next match",
        CONVERSATIONS,
        note="of Find in conversation; opens it if closed",
        words="find again search",
    ),
    Shortcut(
        "find_previous",
        ("Shift+F3", "Ctrl+Shift+G"),
        "Previous match",
        CONVERSATIONS,
        note="of Find in conversation; opens it if closed",
        words="find again search back",
    ),
    # Alt+End: End is the end of the conversation, and Alt+End is no text editing key
    # (Ctrl+End and Ctrl+Shift+End move and select in the message field, and End alone
    # is the field's; in the conversation itself End does it too: see scroll_keys).
    # Ctrl+J, "jump", for keyboards without an End key (a laptop's, a Mac's).
    Shortcut(
        "jump_to_latest",
        ("Alt+End", "Ctrl+J"),
        "Jump to the latest message",
        CONVERSATIONS,
        note="and follow the answer being written; End in the conversation too",
        words="scroll bottom end newest last follow down",
    ),
    Shortcut(
        "next_conversation",
        (tab_keys()[0], "Ctrl+PgDown"),
        "Next conversation",
        CONVERSATIONS,
        note="the one below in the list; from a new chat, the first",
        words="switch chat tab down",
    ),
    Shortcut(
        "previous_conversation",
        (tab_keys()[1], "Ctrl+PgUp"),
        "Previous conversation",
        CONVERSATIONS,
        note="the one above in the list",
        words="switch chat tab up back",
    ),
    Shortcut(
        "rename",
        ("F2",),
        "Rename conversation",
        CONVERSATIONS,
        icon="edit",
        note="the open one, or the one selected in the list",
    ),
    Shortcut(
        "delete_conversation",
        ("Del",),
        "Delete conversation",
        CONVERSATIONS,
        Scope.SIDEBAR,
        "trash",
        note="in the conversation list",
    ),
    Shortcut(
        "undo_delete",
        ("Ctrl+Z",),
        "Undo delete",
        CONVERSATIONS,
        Scope.SIDEBAR,
        note="in the conversation list, or Undo on the notice",
    ),
    Shortcut("send", ("Return",), "Send message", ANSWERS, Scope.COMPOSER, "send"),
    Shortcut("newline", ("Shift+Return",), "New line", ANSWERS, Scope.COMPOSER),
    Shortcut(
        "edit_last_question",
        ("Up",),
        "Edit last question",
        ANSWERS,
        Scope.COMPOSER,
        "edit",
        note="in an empty message field",
    ),
    Shortcut(
        "stop_answer",
        ("Esc",),
        "Stop answer",
        ANSWERS,
        icon="stop",
        note="while an answer is being written",
    ),
    Shortcut(
        "copy_last_answer",
        ("Ctrl+Shift+C",),
        "Copy last answer",
        ANSWERS,
        icon="copy",
        words="clipboard markdown",
    ),
    Shortcut(
        "regenerate",
        ("Ctrl+Shift+R",),
        "Regenerate answer",
        ANSWERS,
        icon="regenerate",
        note="the last one, or Retry the one that failed",
        words="retry again redo ask anew new version",
    ),
    Shortcut(
        "previous_version",
        ("Alt+Left",),
        "Previous version",
        ANSWERS,
        note="of the message with the keyboard, or of the last one that has versions",
        words="branch switch version older regenerated edited",
    ),
    Shortcut(
        "next_version",
        ("Alt+Right",),
        "Next version",
        ANSWERS,
        note="of the message with the keyboard, or of the last one that has versions",
        words="branch switch version newer regenerated edited",
    ),
    Shortcut(
        "continue_answer",
        ("Ctrl+Shift+Return", "Ctrl+Shift+Enter"),
        "Continue the answer",
        ANSWERS,
        note="when the last answer stopped early and offers Continue",
        words="carry on resume more go on cut stopped token limit",
    ),
    Shortcut(
        "choose_model",
        ("Ctrl+Shift+M",),
        "Choose the model",
        ANSWERS,
        note="of the open conversation, or of the new chat",
        words="model picker switch mistral",
    ),
    Shortcut(
        "parameters",
        ("Ctrl+Shift+P",),
        "System prompt and parameters",
        ANSWERS,
        icon="sliders",
        note="of the open conversation, or of the new chat",
        words="temperature top p max tokens preset instructions",
    ),
    Shortcut("focus_composer", ("Ctrl+L",), "Focus message field", ANSWERS),
    Shortcut(
        "settings",
        ("Ctrl+,",),
        "Settings",
        WINDOW,
        icon="settings",
        words="preferences options endpoint key theme",
    ),
    Shortcut("keyboard_shortcuts", ("Ctrl+/",), "Keyboard shortcuts", WINDOW, icon="keyboard"),
    Shortcut("toggle_sidebar", ("Ctrl+B",), "Show or hide the sidebar", WINDOW),
    # The text size of Settings → Appearance, as the zoom of chat apps: the whole window's
    # text, kept for the next start.
    Shortcut(
        "zoom_in",
        ("Ctrl++", "Ctrl+="),
        "Larger text",
        WINDOW,
        icon="plus",
        note="everywhere; kept as the text size in Settings → Appearance",
        words="zoom in bigger font size",
    ),
    Shortcut(
        "zoom_out",
        ("Ctrl+-",),
        "Smaller text",
        WINDOW,
        icon="minus",
        note="everywhere; kept as the text size in Settings → Appearance",
        words="zoom out font size",
    ),
    Shortcut(
        "zoom_reset",
        ("Ctrl+0",),
        "Default text size",
        WINDOW,
        note="the system's",
        words="zoom reset actual size font normal",
    ),
    Shortcut("quit", ("Ctrl+Q",), "Quit", WINDOW),
    Shortcut(
        "quick_prompt",
        (DEFAULT_QUICK_SHORTCUT,),
        "Open the quick prompt",
        QUICK,
        Scope.QUICK,
        note="from any program; the keys are set in Settings → Quick prompts",
    ),
    Shortcut("quick_ask", ("Return",), "Ask", QUICK, Scope.QUICK),
    Shortcut(
        "quick_templates",
        ("/",),
        "Choose a template",
        QUICK,
        Scope.QUICK,
        note="typed first in the question",
    ),
    Shortcut(
        "quick_drop_template",
        ("Backspace",),
        "Remove the template",
        QUICK,
        Scope.QUICK,
        note="in the empty question",
    ),
    Shortcut("quick_copy", ("Ctrl+Shift+C",), "Copy the answer", QUICK, Scope.QUICK),
    Shortcut(
        "quick_continue",
        ("Ctrl+Return",),
        "Continue in the main window",
        QUICK,
        Scope.QUICK,
        words="open hand over follow up",
    ),
    Shortcut("quick_escape", ("Esc",), "Stop the answer, then hide", QUICK, Scope.QUICK),
)

GROUPS: tuple[str, ...] = (CONVERSATIONS, ANSWERS, WINDOW, QUICK)


def shortcut_table(
    enter_sends: bool = True, quick_shortcut: str = DEFAULT_QUICK_SHORTCUT
) -> tuple[Shortcut, ...]:
    """The table as the user has it: with ``enter_sends`` False, Ctrl+Enter sends; the
    quick prompt opens with ``quick_shortcut`` ("": none)."""
    swapped: dict[str, tuple[str, ...]] = {}
    if not enter_sends:
        swapped = {"send": ("Ctrl+Return",), "newline": ("Return", "Shift+Return")}
    if quick_shortcut != DEFAULT_QUICK_SHORTCUT:
        swapped["quick_prompt"] = (quick_shortcut,) if quick_shortcut else ()
    if not swapped:
        return SHORTCUTS
    table = tuple(
        replace(item, keys=swapped[item.id]) if item.id in swapped else item for item in SHORTCUTS
    )
    if not quick_shortcut:
        table = tuple(
            replace(item, note="none set: choose keys in Settings → Quick prompts")
            if item.id == "quick_prompt"
            else item
            for item in table
        )
    return table


def shortcut(action_id: str, enter_sends: bool = True) -> Shortcut:
    for item in shortcut_table(enter_sends):
        if item.id == action_id:
            return item
    raise KeyError(action_id)


def taken_by_app(keys: str) -> str | None:
    """Why ``keys`` (portable text) cannot be a global shortcut because Maestrale's own
    windows use them ("... is the main window's shortcut for New chat"), or None.

    A global shortcut is grabbed before any window sees the keys: in the main window,
    Ctrl+N would open the quick prompt instead of a new chat.
    """
    wanted = QKeySequence(keys)
    if wanted.isEmpty():
        return None
    for enter_sends in (True, False):  # Ctrl+Enter sends when Enter does not
        for item in shortcut_table(enter_sends):
            if item.id == "quick_prompt" or wanted not in item.sequences():
                continue
            where = "the quick prompt's" if item.scope is Scope.QUICK else "the main window's"
            return f"{keys} is {where} shortcut for {item.description}"
    return None


def writes_text(event: QKeyEvent) -> bool:
    """Whether a key press types text (a letter, a digit, a space), not a shortcut
    (Ctrl, Alt or Meta held) nor a key that moves or edits (arrows, Tab, Backspace)."""
    text = event.text()
    commands = (
        Qt.KeyboardModifier.ControlModifier
        | Qt.KeyboardModifier.AltModifier
        | Qt.KeyboardModifier.MetaModifier
    )
    return bool(text) and text.isprintable() and not event.modifiers() & commands


def sends_message(key: int, modifiers: Qt.KeyboardModifier, enter_sends: bool) -> bool:
    """Whether a key press in the composer sends (the rest of Enter presses add a line)."""
    if key not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        return False
    ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
    shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
    if enter_sends:
        return not shift
    return ctrl and not shift


def make_actions(
    parent: QObject,
    handlers: Mapping[str, Callable[[], None]],
    *,
    enter_sends: bool = True,
) -> dict[str, QAction]:
    """QActions for the window: one per handler, with the table's keys, text and icon.

    Actions of the SIDEBAR scope use ``Qt.WidgetWithChildrenShortcut``: add them to the
    sidebar widget (``sidebar.addAction``) so Del or Ctrl+Z in a text field stay its own.
    Raises ValueError for an unknown id, or one the composer handles itself.
    """
    table = {item.id: item for item in shortcut_table(enter_sends)}
    actions: dict[str, QAction] = {}
    for action_id, handler in handlers.items():
        item = table.get(action_id)
        if item is None:
            raise ValueError(f"no shortcut {action_id!r} in the table")
        if item.scope in (Scope.COMPOSER, Scope.QUICK):
            raise ValueError(f"{action_id!r} is not a main window action")
        action = QAction(item.description, parent)
        action.setObjectName(f"action_{action_id}")
        action.setShortcuts(item.sequences())
        action.setShortcutContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
            if item.scope is Scope.SIDEBAR
            else Qt.ShortcutContext.WindowShortcut
        )
        action.setShortcutVisibleInContextMenu(True)
        action.setToolTip(f"{item.description} ({item.native_keys()[0]})")
        if item.icon is not None:
            action.setIcon(icon(item.icon))
        action.triggered.connect(lambda _checked=False, run=handler: run())
        actions[action_id] = action
    return actions


class _KeepsEscape(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            event.accept()  # the widget gets the key press, not the window's shortcut
        return False


def keeps_escape(widget: QWidget) -> None:
    """Esc in ``widget`` does what it does there (close the find bar, cancel an edit),
    and does not stop the answer being written, as the window's Esc would."""
    widget.installEventFilter(_KeepsEscape(widget))

"""What the window shows while its parts load at start: its frame.

The window's parts (the conversation list, the transcript and everything behind them)
take more time to import and build than Qt takes to show a window at all. Rather than
leave the screen empty meanwhile, the window shows at once with this frame in it: the
sidebar's New chat button and search field, the header, the welcome line and the
message field, where the real ones will be, in the same style (the style sheet styles
them by the same object names). The real parts replace it before any input is handled
(see ``MainWindow.install``), so what is typed meanwhile goes to the real message field
(while a history is upgraded first, a modal notice takes the input: app.ui.open_history).

Only Qt and the light modules the frame needs are imported here: this module is on the
way to the first paint. That way does without PySide's ``Qt`` namespace (see
app.ui.qt_import.qt_namespace): the two values the frame takes from it are given through
Qt's properties, as numbers.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.new_chat_page import COLUMN_WIDTH, MESSAGE_PLACEHOLDER, WELCOME
from app.ui.send_button import SendButton
from app.ui.text_rows import row_pitch

NO_FOCUS = 0  # Qt.FocusPolicy.NoFocus: nothing in the frame takes the keyboard
CENTERED = 0x84  # Qt.AlignmentFlag.AlignCenter


def _no_focus(widget: QWidget) -> None:
    widget.setProperty("focusPolicy", NO_FOCUS)


class StartFrame(QSplitter):
    """The sidebar beside the conversation's page, as the window shows them at start,
    without their content."""

    def __init__(self, parent: QWidget | None = None) -> None:
        # Side by side, as a splitter is made. The parent by name: given by place, PySide
        # tells it from an orientation, making the Qt namespace (see the module doc).
        super().__init__(parent=parent)
        self.setObjectName("mainSplitter")
        self.setChildrenCollapsible(False)
        self.setAccessibleName("Maestrale is starting")
        self.sidebar = _sidebar()
        # Shown in the header while the sidebar is hidden, as the pane's own.
        self.sidebar_button = QToolButton()
        self.sidebar_button.setObjectName("sidebarButton")
        self.sidebar_button.setAutoRaise(True)
        _no_focus(self.sidebar_button)
        self.sidebar_button.hide()
        self.pane, self._header = _pane(self.sidebar_button)
        self.addWidget(self.sidebar)
        self.addWidget(self.pane)
        self.setStretchFactor(0, 0)
        self.setStretchFactor(1, 1)

    def for_a_conversation(self) -> None:
        """No welcome line or title: a conversation will show (its room is kept)."""
        for label in self.pane.findChildren(QLabel):
            if label.objectName() == "emptyState":
                policy = label.sizePolicy()
                policy.setRetainSizeWhenHidden(True)
                label.setSizePolicy(policy)
                label.hide()
            elif label.objectName() == "chatTitle":
                label.setText(" ")  # as high as a title

    def place(
        self, sidebar_width: int | None, *, sidebar_shown: bool, header_height: int | None = None
    ) -> None:
        """The sidebar as wide as the window will give it (``None``: its own width); the
        header as high as the pane's was when the window was left (its picker and
        Parameters go to a second row at a large text size in a narrow window), when
        known."""
        self._header.setMinimumHeight(header_height or 0)
        self.sidebar.setVisible(sidebar_shown)
        if not sidebar_shown:
            # Only then: most starts show the sidebar, and Qt's icon classes are not
            # worth their first paint.
            from app.ui.icons import icon

            self.sidebar_button.setIcon(icon("sidebar"))
        self.sidebar_button.setVisible(not sidebar_shown)
        if sidebar_shown and sidebar_width is not None:
            self.setSizes([sidebar_width, max(1, self.width() - sidebar_width)])


def _sidebar() -> QWidget:
    sidebar = QWidget()
    sidebar.setObjectName("sidebar")  # a plain QWidget: Qt paints its styled background
    new_chat = QPushButton("New chat")
    new_chat.setObjectName("newChatButton")
    search = QLineEdit()
    search.setObjectName("searchField")
    search.setPlaceholderText("Search chats  Ctrl+K")
    layout = QVBoxLayout(sidebar)
    layout.setContentsMargins(8, 8, 8, 8)
    layout.setSpacing(6)
    layout.addWidget(new_chat)
    layout.addWidget(search)
    layout.addStretch(1)  # the list's place
    for widget in (new_chat, search):
        _no_focus(widget)  # nothing to do here yet
    return sidebar


def _pane(sidebar_button: QToolButton) -> tuple[QWidget, QWidget]:
    """The conversation's page, and its header."""
    pane = QWidget()
    pane.setObjectName("chatPane")
    page = QVBoxLayout(pane)
    page.setContentsMargins(0, 0, 0, 0)
    page.setSpacing(0)
    header = QWidget()
    header.setLayout(_header(sidebar_button))
    page.addWidget(header)
    welcome = QLabel(WELCOME)
    welcome.setObjectName("emptyState")
    welcome.setProperty("alignment", CENTERED)
    welcome.setWordWrap(True)
    # As the transcript's frame: its border takes a pixel on each side.
    welcome.setContentsMargins(1, 1, 1, 1)
    page.addWidget(welcome, 1)
    row = QHBoxLayout()
    row.setContentsMargins(24, 4, 24, 16)
    row.addStretch(1)
    row.addWidget(_composer(), 20)
    row.addStretch(1)
    page.addLayout(row)
    return pane, header


def _header(sidebar_button: QToolButton) -> QVBoxLayout:
    title = QLabel("New chat")
    title.setObjectName("chatTitle")
    # The model picker and Parameters are fitted to the window and to the model's name
    # (app.ui.chat_header): they come with the pane. The picker's room is kept, so the
    # row is as high as it will be (Parameters is no higher).
    picker = QComboBox()
    picker.setObjectName("modelPicker")
    picker.setMinimumContentsLength(24)
    picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    policy = picker.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    picker.setSizePolicy(policy)
    picker.hide()
    header = QVBoxLayout()
    header.setContentsMargins(16, 8, 12, 8)
    header.setSpacing(6)
    top = QHBoxLayout()
    top.setSpacing(8)
    top.addWidget(sidebar_button)
    top.addWidget(title, 1)
    top.addWidget(picker)
    header.addLayout(top)
    header.addStretch(1)  # a header kept higher: its row stays at the top
    return header


def _composer() -> QWidget:
    composer = QFrame()
    composer.setObjectName("composer")
    composer.setMaximumWidth(COLUMN_WIDTH)
    edit = QPlainTextEdit()
    edit.setObjectName("composerEdit")
    edit.setPlaceholderText(MESSAGE_PLACEHOLDER)
    edit.setFrameShape(QFrame.Shape.NoFrame)
    _no_focus(edit)
    # One row high, as the empty message field (see ComposerEdit._fit).
    margins = edit.contentsMargins()
    height = row_pitch(edit.font()) + 2 * int(edit.document().documentMargin())
    edit.setFixedHeight(height + margins.top() + margins.bottom() + 4)
    send = SendButton("Send")
    send.setObjectName("sendButton")
    send.setEnabled(False)
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(edit, 1)
    at_bottom = QVBoxLayout()  # as the composer's Send, at the bottom of the field
    at_bottom.addStretch(1)
    at_bottom.addWidget(send)
    row.addLayout(at_bottom)
    layout = QVBoxLayout(composer)
    layout.setContentsMargins(12, 8, 8, 8)
    layout.addLayout(row)
    return composer

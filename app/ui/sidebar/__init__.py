"""The conversation sidebar: grouped list, search as you type, and conversation actions.

The search results' list (``app.ui.sidebar.results``) is loaded with the first search.
"""

from app.ui.sidebar.actions import SaveFileDialog
from app.ui.sidebar.export import ExportFailed, ExportFormat
from app.ui.sidebar.model import (
    PAGE_SIZE,
    QUICK_PREVIEW,
    ConversationListModel,
    ConversationRole,
)
from app.ui.sidebar.search import SearchWorker
from app.ui.sidebar.view import ConversationListView
from app.ui.sidebar.widget import Sidebar

__all__ = [
    "PAGE_SIZE",
    "QUICK_PREVIEW",
    "ConversationListModel",
    "ConversationListView",
    "ConversationRole",
    "ExportFailed",
    "ExportFormat",
    "SaveFileDialog",
    "SearchWorker",
    "Sidebar",
]

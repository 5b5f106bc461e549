"""The history store: one SQLite file of conversations, shared by the window and the CLI.

Export and import (``transfer``) and the search load on first use (PEP 562): the window
opens without.
"""

from typing import TYPE_CHECKING

from app.lazy import lazy_exports
from app.store.conversations import UNCHANGED, ConversationStore, ImportCounts
from app.store.db import (
    INTERRUPTED_ERROR,
    StoreConnection,
    check_integrity,
    needs_upgrade,
    open_database,
    open_reader,
    recover_interrupted,
    set_aside,
)
from app.store.errors import (
    AmbiguousConversation,
    ConversationNotFound,
    DatabaseBusy,
    DatabaseTooNew,
    DatabaseUnreadable,
    ImportFailed,
    MessageNotFound,
    StoreError,
)
from app.store.kinds import CONVERSATION_KINDS, KIND_CHAT, KIND_QUICK
from app.store.schema import SCHEMA_VERSION
from app.store.snippet_marks import MATCH_END, MATCH_START

if TYPE_CHECKING:
    from app.store.search import SearchHit
    from app.store.transfer import ImportReport, export_json, export_markdown, import_file

__getattr__ = lazy_exports(
    __name__,
    {
        **{
            name: "transfer"
            for name in ("ImportReport", "export_json", "export_markdown", "import_file")
        },
        "SearchHit": "search",  # with the first search, as the search itself
    },
)

__all__ = [
    "CONVERSATION_KINDS",
    "INTERRUPTED_ERROR",
    "KIND_CHAT",
    "KIND_QUICK",
    "MATCH_END",
    "MATCH_START",
    "SCHEMA_VERSION",
    "UNCHANGED",
    "AmbiguousConversation",
    "ConversationNotFound",
    "ConversationStore",
    "DatabaseBusy",
    "DatabaseTooNew",
    "DatabaseUnreadable",
    "ImportCounts",
    "ImportFailed",
    "ImportReport",
    "MessageNotFound",
    "SearchHit",
    "StoreConnection",
    "StoreError",
    "check_integrity",
    "export_json",
    "export_markdown",
    "import_file",
    "needs_upgrade",
    "open_database",
    "open_reader",
    "recover_interrupted",
    "set_aside",
]

"""What the conversation's page says before anything is asked, and its column's width.

Shared by the real parts (app.ui.composer, app.ui.transcript) and the window's start
frame (app.ui.start_frame), which must read and stand as they will. No Qt here: the
frame's path to its first paint imports it.
"""

from __future__ import annotations

MESSAGE_PLACEHOLDER = "Message Mistral…"
WELCOME = "How can I help you today?"
# The text column, like the reading width of the best chat apps; the message field is
# as wide.
COLUMN_WIDTH = 780

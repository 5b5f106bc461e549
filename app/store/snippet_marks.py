"""The characters search results mark their matches and cuts with, in titles and
snippets (see app.store.search): control characters no text shows, so no text can hold
one by accident. Apart from the search, which the window loads with the first query."""

from __future__ import annotations

MATCH_START = "\x02"
MATCH_END = "\x03"
ELLIPSIS = "…"

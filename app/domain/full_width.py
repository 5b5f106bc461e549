"""The full-width forms of ASCII, as a Japanese or Chinese keyboard types them."""

from __future__ import annotations

# Printable ASCII to U+FF01..U+FF5E: "Python" to "Ｐｙｔｈｏｎ". The space stays, as
# those keyboards mostly type it.
_WIDE = {code: code + 0xFEE0 for code in range(0x21, 0x7F)}


def wide(text: str) -> str:
    """``text`` with its printable ASCII characters in their full-width forms."""
    return text.translate(_WIDE)

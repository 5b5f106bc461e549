"""The first use of Qt's text classes, paid while the app idles after start-up.

Otherwise the first message shown pays it (about 10-20 ms more to open the first
conversation): PySide builds a few hundred Python enum classes, and Qt sets up its
rich-text machinery, on first use.
"""

from __future__ import annotations

_SAMPLE = """\
Warm-up **text** with `code` and a [link](https://example.org).

```python
print("hello")
```

| a | b |
|---|---|
| 1 | 2 |
"""


def warm_up_text_view(*, dark: bool) -> None:
    """Render a small sample in a message text view that is never shown."""
    from app.ui.transcript.markdown_document import MarkdownDocument
    from app.ui.transcript.text_view import MessageText

    view = MessageText(None)
    document = MarkdownDocument(view.document(), math=None, dark=dark)
    document.set_markdown(_SAMPLE)
    view.document().size()  # lays it out
    view.deleteLater()

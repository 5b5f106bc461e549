"""What the first answer shown would otherwise pay for, paid while the app idles after
start-up: importing and priming the markdown parser and Pygments lexers (off the GUI
thread), and the first use of Qt's text classes (on it), for which PySide builds a few
hundred Python enum classes (about 10-20 ms more to open the first conversation).
"""

from __future__ import annotations

SAMPLE = """\
Warm-up **text** with `code`, a [link](https://example.org) and $x^2$.

```python
print("hello")
```

```bash
echo hello
```

```json
{"a": 1}
```

| a | b |
|---|---|
| 1 | 2 |
"""


def warm_up_rendering(dark: bool) -> None:
    """Render the sample to HTML, and load the history's search: no Qt, so any thread."""
    import app.store.search  # noqa: F401 - loaded, for the first search typed
    from app.rendering.markdown import render_markdown

    render_markdown(SAMPLE, dark=dark)


def warm_up_text_view(*, dark: bool) -> None:
    """Show the sample in a message text view that is never on screen (GUI thread)."""
    from app.ui.transcript.markdown_document import MarkdownDocument
    from app.ui.transcript.text_view import MessageText

    view = MessageText(None)  # no formula images: without a math source, TeX stays text
    document = MarkdownDocument(view.document(), math=None, dark=dark)
    document.set_markdown(SAMPLE)
    view.document().size()  # lays it out
    view.deleteLater()

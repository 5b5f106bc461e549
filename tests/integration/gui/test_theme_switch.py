"""Dark and light: every message of the conversation takes the theme chosen."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QTextTable
from PySide6.QtWidgets import QTextEdit

from app.domain.messages import Role
from app.rendering.palette import palette
from tests.fake_mistral import Reply
from tests.integration.gui.conftest import Gui, in_loop

ANSWER = (
    "First, the setup:\n\n```python\nimport os\nprint(os.getcwd())\n```\n\n"
    "Then run it:\n\n```bash\npython setup.py\n```\n\nThat is all.\n"
)


def _code_backgrounds(text: QTextEdit) -> list[str]:
    """The background colour of each code block's box in a message's text."""
    return [
        frame.format().background().color().name()
        for frame in text.document().rootFrame().childFrames()
        if isinstance(frame, QTextTable) and frame.columns() == 2 and frame.rows() == 2
    ]


def _answers_code(gui: Gui) -> list[list[str]]:
    transcript = gui.pane.transcript
    found = []
    for message_id in transcript.message_ids:
        item = transcript.item(message_id)
        if item is not None and item.message.role is Role.ASSISTANT:
            found.append(_code_backgrounds(item.text))
    return found


def _set_theme(gui: Gui, theme: str) -> None:
    application = gui.application
    application.apply_settings(replace(application.config.settings, theme=theme))
    assert application.theme.is_dark is (theme == "dark")


@in_loop
async def test_copying_a_selection_across_code_leaves_the_answer_to_follow_the_theme(
    gui: Gui,
) -> None:
    # Copying a selection that took in a code block left the answer's document out of
    # reach of its renderer: the next theme change stopped there, and it and the
    # messages after it kept the old theme's code blocks.
    _set_theme(gui, "light")
    for question in ("Setup?", "Again?"):
        gui.server.enqueue(Reply(text=ANSWER))
        await gui.ask(question)
        await gui.until(gui.answered)
        if question == "Setup?":
            await gui.until_titled()
    transcript = gui.pane.transcript
    first = transcript.item(transcript.message_ids[1])
    assert first is not None
    first.text.setFocus()
    gui.qtbot.keyClick(first.text, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    gui.qtbot.keyClick(first.text, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert "print(os.getcwd())" in QGuiApplication.clipboard().text()
    # A copy the view made, left on the clipboard, crashes the process as it ends.
    QGuiApplication.clipboard().clear()

    _set_theme(gui, "dark")
    dark = palette(dark=True).code_bg.lower()
    assert _answers_code(gui) == [[dark, dark], [dark, dark]]
    _set_theme(gui, "light")
    light = palette(dark=False).code_bg.lower()
    assert _answers_code(gui) == [[light, light], [light, light]]


@in_loop
async def test_a_long_conversation_takes_the_theme_rendered_or_not(gui: Gui) -> None:
    _set_theme(gui, "light")
    conversation = gui.store.create_conversation(title="Long", model="mistral-large-2411")
    parent = None
    for n in range(60):
        for role, content in ((Role.USER, f"Question {n}?"), (Role.ASSISTANT, ANSWER)):
            parent = gui.store.add_message(
                conversation.id, role=role, content=content, parent_id=parent
            ).id
    transcript = gui.pane.transcript
    gui.window.open_conversation(conversation.id)
    assert transcript.rendered_count() < 120  # the rest is rendered later
    _set_theme(gui, "dark")
    await gui.until(lambda: transcript.rendered_count() == 120, timeout=20)
    dark = palette(dark=True).code_bg.lower()
    assert _answers_code(gui) == [[dark, dark]] * 60
    _set_theme(gui, "light")
    # Those on screen at once; the others, let go of while the look changed, as they
    # are rendered again.
    light = palette(dark=False).code_bg.lower()
    assert _answers_code(gui)
    assert all(code == [light, light] for code in _answers_code(gui))
    await gui.until(lambda: transcript.rendered_count() == 120, timeout=20)
    assert _answers_code(gui) == [[light, light]] * 60

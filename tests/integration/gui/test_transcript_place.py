"""The view stays on what the reader looks at while the messages above it get their
real heights: a search hit, a switched version."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from PySide6.QtGui import QTextCursor

from app.domain.messages import Role
from app.ui.transcript.entries import RERENDER_LIMIT
from app.ui.transcript.view import TranscriptView
from tests.fake_mistral import Reply
from tests.integration.gui.conftest import Gui, in_loop

T = TypeVar("T")


def long_markdown() -> str:
    """An answer far taller than its estimated height: code, tables and formulas."""
    parts = ["## Integrals in code\n"]
    for n in range(1, 7):
        parts.append("Some prose before the code, saying what it does. " * 3)
        lines = "\n".join(f"area_{n}_{i} = integrate(x ** 2, 0, {i})" for i in range(14))
        parts.append(f"```python\n{lines}\n```")
        rows = "\n".join(f"| {i} | {i * i} | {i**3 / 3:.2f} |" for i in range(6))
        parts.append(f"| x | x² | area |\n|---|---|---|\n{rows}")
        parts.append(f"$$\n\\int_0^{{{n}}} x^2 \\, dx = \\frac{{{n}^3}}{{3}}\n$$")
    return "\n\n".join(parts)


SHORT_ANSWER = "The gondola leaves from the pier at noon."
LONG_ANSWER = SHORT_ANSWER + "\n\n" + "A paragraph about the lake and its boats.\n\n" * 40


def conversation(
    gui: Gui, *, last_answer: str = SHORT_ANSWER, second_answer: bool = False
) -> list[str]:
    """A question, a long markdown answer, a short question and its answer: the
    conversation's id, then the messages' (the last, with ``second_answer``, another
    version of the last answer, the current one)."""
    store = gui.store
    created = store.create_conversation(title="Integrals", model="mistral-large-2411")
    ids: list[str] = [created.id]
    parent = None
    for role, text in [
        (Role.USER, "Show me integrals in code"),
        (Role.ASSISTANT, long_markdown()),
        (Role.USER, "And the gondola?"),
        (Role.ASSISTANT, last_answer),
    ]:
        parent = store.add_message(created.id, role=role, content=text, parent_id=parent).id
        ids.append(parent)
    if second_answer:
        ids.append(
            store.add_message(
                created.id, role=Role.ASSISTANT, content="At one.", parent_id=ids[3]
            ).id
        )
    return ids


def fast_machine(transcript: TranscriptView) -> None:
    """Every message near the view is rendered in one slice of idle time (a slow
    machine renders them one by one, in an order that may hide a wrong place)."""
    transcript._clock = lambda: 0.0


def settled(transcript: TranscriptView) -> bool:
    """Every message rendered at its final height, formulas drawn."""
    entries = transcript._entries
    return (
        all(entry.item is not None for entry in entries)
        and not any(entry.item.document.has_pending_math for entry in entries if entry.item)
        and not transcript._idle.isActive()
        and not transcript._heights.isActive()
    )


def in_view(transcript: TranscriptView, top: int, bottom: int) -> bool:
    """Whether canvas rows ``top`` to ``bottom`` are all on screen."""
    value = transcript.verticalScrollBar().value()
    return value <= top and bottom <= value + transcript.viewport().height()


def item_rows(transcript: TranscriptView, message_id: str) -> tuple[int, int]:
    item: Any = transcript.item(message_id)
    assert item is not None
    return item.y(), item.y() + item.height()


@pytest.mark.parametrize(
    ("index", "query", "last_answer"),
    [
        (4, "gondola pier", SHORT_ANSWER),  # the last answer, on the last screen
        (3, "gondola the", SHORT_ANSWER),  # the question before it
        (3, "gondola the", LONG_ANSWER),  # the question, the end far below
    ],
)
@in_loop
async def test_a_search_hit_below_a_long_answer_stays_where_it_was_shown(
    gui: Gui, index: int, query: str, last_answer: str
) -> None:
    ids = conversation(gui, last_answer=last_answer)
    hit = ids[index]
    transcript = gui.pane.transcript
    bar = transcript.verticalScrollBar()
    fast_machine(transcript)
    gui.window._on_search_result(ids[0], hit, query)
    place = item_rows(transcript, hit)[0] - bar.value()
    await gui.until(lambda: settled(transcript))
    # The long answer above got its real height, thousands of pixels more than
    # estimated, and formulas: the hit is where it was shown, not that answer's top.
    assert item_rows(transcript, hit)[0] - bar.value() == place
    assert in_view(transcript, *item_rows(transcript, hit))
    item: Any = transcript.item(hit)
    marks = item.text.extraSelections()
    assert len(marks) == 2  # each word
    for mark in marks:
        cursor: QTextCursor = mark.cursor
        rect = item.text.cursorRect(cursor)
        y = item.text.viewport().mapTo(transcript.canvas, rect.topLeft()).y()
        assert in_view(transcript, y, y + rect.height())


@pytest.mark.parametrize("first_version", [SHORT_ANSWER, LONG_ANSWER])
@in_loop
async def test_switching_the_last_answer_at_the_end_stays_at_the_end(
    gui: Gui, first_version: str
) -> None:
    ids = conversation(gui, last_answer=first_version, second_answer=True)
    transcript = gui.pane.transcript
    bar = transcript.verticalScrollBar()
    fast_machine(transcript)
    gui.window.open_conversation(ids[0])
    await gui.until(lambda: settled(transcript))
    assert transcript.following
    item: Any = transcript.item(ids[5])
    item._previous.click()  # "‹ 2/2 ›": the first version
    assert transcript.message_ids[-1] == ids[4]
    await gui.until(lambda: settled(transcript))
    # The long answer above was estimated again, then rendered: the view is still at
    # the end, on the version chosen, not at the conversation's first message; and
    # at the end of that version, as the view followed the end, with its switcher.
    assert transcript.following
    assert bar.value() == bar.maximum()
    top, bottom = item_rows(transcript, ids[4])
    assert in_view(transcript, max(top, bottom - 200), bottom)


def two_switched_answers(gui: Gui) -> list[str]:
    """Integrals, then a question whose answer has two versions, the first one followed
    by a question whose answer has three: the conversation's id, then Q1, A1, Q2, A2 (its
    first version), A2's second version (its own branch's end), Q3, A3's three versions
    (the third the current one)."""
    store = gui.store
    created = store.create_conversation(title="Gondolas", model="mistral-large-2411")

    def add(role: Role, text: str, parent: str | None) -> str:
        return store.add_message(created.id, role=role, content=text, parent_id=parent).id

    q1 = add(Role.USER, "Show me integrals in code", None)
    a1 = add(Role.ASSISTANT, long_markdown(), q1)
    q2 = add(Role.USER, "And the gondola?", a1)
    a2 = add(Role.ASSISTANT, LONG_ANSWER, q2)
    a2_other = add(Role.ASSISTANT, "At one.", q2)
    q3 = add(Role.USER, "And back?", a2)
    a3 = [add(Role.ASSISTANT, f"At {hour}, from the square.", q3) for hour in (5, 6, 7)]
    return [created.id, q1, a1, q2, a2, a2_other, q3, *a3]


@in_loop
async def test_switching_back_an_answer_that_was_last_keeps_it_in_place(gui: Gui) -> None:
    ids = two_switched_answers(gui)
    transcript = gui.pane.transcript
    bar = transcript.verticalScrollBar()
    fast_machine(transcript)
    gui.window.open_conversation(ids[0])
    await gui.until(lambda: settled(transcript))
    a2 = ids[4]
    bar.setValue(item_rows(transcript, a2)[1] - transcript.viewport().height() // 2)
    await gui.until(lambda: settled(transcript))
    item: Any = transcript.item(a2)
    item._next.click()  # "‹ 1/2 ›": the short second version, the branch's end
    assert transcript.message_ids[-1] == ids[5]
    await gui.until(lambda: settled(transcript))
    assert transcript.following  # too short to stay where the first version was
    item = transcript.item(ids[5])
    top = item.y() - bar.value()
    item._previous.click()  # "‹ 2/2 ›": the first version again, Q3 and A3 below it
    assert transcript.message_ids[-1] == ids[9]
    await gui.until(lambda: settled(transcript))
    # The first version starts where the second did, its switcher under the pointer;
    # not the conversation's end with A3's switcher there.
    assert not transcript.following
    assert item_rows(transcript, a2)[0] - bar.value() == top


def _paragraph_at_top(gui: Gui, message_id: str) -> int:
    """The number of the paragraph of ``message_id`` at the top of the view."""
    from PySide6.QtCore import QPoint

    transcript = gui.pane.transcript
    text = transcript.item(message_id).text
    viewport = transcript.viewport()
    at = viewport.mapToGlobal(QPoint(viewport.width() // 2, 2))
    return int(text.cursorForPosition(text.viewport().mapFromGlobal(at)).blockNumber())


@in_loop
async def test_zooming_keeps_the_paragraph_read_at_the_top(gui: Gui) -> None:
    # Reading the middle of a long answer, Ctrl+= twice: the text read slid down by a
    # screen, as the view kept the same pixels into the message whose text had grown.
    # (The keys change the whole window's text size: see test_text_size.)
    store = gui.store
    created = store.create_conversation(title="Lake", model="mistral-large-2411")
    question = store.add_message(created.id, role=Role.USER, content="Tell me", parent_id=None)
    paragraphs = "\n\n".join(f"Paragraph {n}: the lake, its boats and piers." for n in range(120))
    answer = store.add_message(
        created.id, role=Role.ASSISTANT, content=paragraphs, parent_id=question.id
    )
    transcript = gui.pane.transcript
    fast_machine(transcript)
    gui.window.open_conversation(created.id)
    await gui.until(lambda: settled(transcript))
    entry = transcript._by_id[answer.id]
    transcript.verticalScrollBar().setValue(entry.y + entry.height // 2)
    await gui.settle(0.1)
    read = _paragraph_at_top(gui, answer.id)
    assert 40 < read < 200  # in the middle of the answer (blocks: paragraphs and gaps)
    for action in ("zoom_in", "zoom_in", "zoom_out"):
        gui.window.actions_by_id[action].trigger()
        await gui.until(lambda: settled(transcript))
        assert abs(_paragraph_at_top(gui, answer.id) - read) <= 1


async def _open_lakes(gui: Gui, exchanges: int) -> TranscriptView:
    """A conversation of ``exchanges`` questions and answers of six paragraphs each,
    opened and rendered whole; its transcript."""
    store = gui.store
    created = store.create_conversation(title="Lakes", model="mistral-large-2411")
    parent = None
    for n in range(exchanges):
        for role, text in [
            (Role.USER, f"Question {n}: and the next lake?"),
            (Role.ASSISTANT, "\n\n".join(f"Lake {n}, paragraph {p}: boats." for p in range(6))),
        ]:
            parent = store.add_message(created.id, role=role, content=text, parent_id=parent).id
    transcript: TranscriptView = gui.pane.transcript
    fast_machine(transcript)
    gui.window.open_conversation(created.id)
    await gui.until(lambda: settled(transcript))
    return transcript


def _in_view(transcript: TranscriptView) -> list[Any]:
    top = transcript.verticalScrollBar().value()
    bottom = top + transcript.viewport().height()
    return [e for e in transcript._entries if e.y < bottom and e.y + e.height > top]


async def _zoomed_in(gui: Gui, look: Callable[[], T]) -> T:
    """Ctrl++ (applied on the next turn of the loop): what ``look`` sees just after the
    transcripts followed the new text size, before idle time renders more."""
    seen: list[T] = []
    gui.application.theme.text_size_changed.connect(lambda: seen.append(look()))
    gui.window.actions_by_id["zoom_in"].trigger()
    await gui.until(lambda: bool(seen))
    return seen[0]


@in_loop
async def test_a_new_text_size_restyles_the_messages_on_screen_first(gui: Gui) -> None:
    # Choosing a text size with a long conversation open took seconds, the window half
    # drawn meanwhile: every message rendered so far was styled, laid out and rendered
    # again at once. Those out of sight now wait for idle time (or to come into view).
    transcript = await _open_lakes(gui, 60)
    entry = transcript._entries[60]
    transcript.verticalScrollBar().setValue(entry.y + 10)
    await gui.settle(0.1)
    read = transcript.reading_place()
    assert read is not None
    seen = await _zoomed_in(gui, lambda: (_in_view(transcript), transcript.rendered_count()))
    shown, rendered = seen
    assert shown
    assert all(e.item is not None for e in shown)  # no hole on screen
    assert rendered <= len(shown) + 1
    assert (transcript.reading_place() or ("",))[0] == read[0]  # the same message on top
    await gui.until(lambda: settled(transcript))  # the others rendered on idle time
    assert transcript.rendered_count() == 120
    assert (transcript.reading_place() or ("",))[0] == read[0]


@in_loop
async def test_a_message_with_the_keyboard_in_it_keeps_its_widgets(gui: Gui) -> None:
    # Let go of out of sight, a message would take the keyboard with it (on one of its
    # links, say), which would land somewhere else.
    transcript = await _open_lakes(gui, 15)
    first = transcript._entries[1].item
    assert first is not None
    first.text.setFocus()
    transcript.scroll_to_end()
    assert first not in [e.item for e in _in_view(transcript)]
    entries = transcript._entries
    kept, let_go = await _zoomed_in(gui, lambda: (entries[1].item, entries[3].item))
    assert kept is first
    assert first.text.hasFocus()
    assert let_go is None  # out of sight, nothing in it: let go


@in_loop
async def test_the_column_stays_put_when_the_transcript_starts_to_scroll(gui: Gui) -> None:
    # A streaming answer's first overflow brought the scroll bar, which narrowed the
    # viewport: the column, centred in it, jumped sideways by half the bar's width.
    gui.window.resize(1300, 800)
    gui.server.enqueue(Reply(text="Short."), Reply(text="t"))
    await gui.ask("A question")
    await gui.until(lambda: not gui.application.controller.is_streaming(gui.pane.conversation_id))
    await gui.until_titled()
    transcript = gui.pane.transcript
    bar = transcript.verticalScrollBar()
    question = transcript.item(transcript.message_ids[0])
    assert question is not None
    assert not bar.isVisible()
    before = question.mapTo(gui.pane, question.rect().topLeft()).x()
    gui.server.enqueue(Reply(chunks=[f"Paragraph {n}.\n\n" for n in range(80)], delay=0.002))
    await gui.ask("A long one")
    await gui.until(bar.isVisible)
    await gui.until(lambda: not gui.application.controller.is_streaming(gui.pane.conversation_id))
    await gui.settle(0.1)
    assert question.mapTo(gui.pane, question.rect().topLeft()).x() == before
    # Over the message field, which is centred in the whole pane.
    field = gui.pane.composer
    assert abs(field.mapTo(gui.pane, field.rect().topLeft()).x() - before) <= 1


def _numbered_paragraph_at_top(gui: Gui, message_id: str) -> int:
    """The number the paragraph of ``message_id`` at the top of the view starts with."""
    from PySide6.QtCore import QPoint

    transcript = gui.pane.transcript
    text = transcript.item(message_id).text
    viewport = transcript.viewport()
    at = viewport.mapToGlobal(QPoint(viewport.width() // 2, 2))
    block = text.cursorForPosition(text.viewport().mapFromGlobal(at)).block().text()
    assert block.startswith("Paragraph "), block
    return int(block.split()[1].rstrip(":"))


async def _read_in_its_middle(gui: Gui, answer_text: str) -> tuple[Any, Callable[[], bool]]:
    """A conversation of a question and a long answer, opened, the answer rendered whole
    and scrolled to three fifths of the way in: the answer, and whether it is rendered
    whole (its text all there, nothing left to come)."""
    store = gui.store
    created = store.create_conversation(title="Lake", model="mistral-large-2411")
    question = store.add_message(created.id, role=Role.USER, content="Tell me", parent_id=None)
    answer = store.add_message(
        created.id, role=Role.ASSISTANT, content=answer_text, parent_id=question.id
    )
    assert len(answer_text) > RERENDER_LIMIT
    transcript = gui.pane.transcript
    fast_machine(transcript)
    gui.window.open_conversation(created.id)

    def whole() -> bool:
        item = transcript.item(answer.id)
        return (
            settled(transcript)
            and item is not None
            and not item.finishing
            and not item.document.has_gaps
        )

    await gui.until(whole)
    entry = transcript._by_id[answer.id]
    transcript.verticalScrollBar().setValue(entry.y + entry.height * 3 // 5)
    await gui.settle(0.1)
    return answer, whole


@pytest.mark.parametrize("change", ["zoom", "theme"])
@in_loop
async def test_a_long_answer_read_in_its_middle_renders_from_there_for_another_look(
    gui: Gui, change: str
) -> None:
    # A long answer in view is rendered anew for another text size or theme (restyled in
    # place took seconds). Rendered whole, 100,000 tokens held the window 0.6 s: now
    # the text read comes first, there, and the rest over the next frames.
    paragraphs = "\n\n".join(
        f"Paragraph {n}: the lake, its boats and piers, and the path around it."
        for n in range(1200)
    )
    answer, whole = await _read_in_its_middle(gui, paragraphs)
    transcript = gui.pane.transcript
    read = _numbered_paragraph_at_top(gui, answer.id)
    assert 600 < read < 800
    full = transcript.item(answer.id).text.document().characterCount()

    def look() -> tuple[int, int]:
        shown = transcript.item(answer.id).text.document().characterCount()
        return _numbered_paragraph_at_top(gui, answer.id), shown

    theme = gui.application.theme
    seen: list[tuple[int, int]] = []
    if change == "zoom":
        theme.text_size_changed.connect(lambda: seen.append(look()))
        gui.window.actions_by_id["zoom_in"].trigger()
    else:
        theme.changed.connect(lambda dark: seen.append(look()))
        theme.apply("dark", theme.font_size)
    await gui.until(lambda: bool(seen))
    at_once, shown = seen[0]
    assert at_once == read  # the same paragraph on top, at once
    assert shown < full // 4  # and little else rendered yet
    await gui.until(whole)
    assert abs(_numbered_paragraph_at_top(gui, answer.id) - read) <= 1
    assert transcript.item(answer.id).text.document().characterCount() == full


def _block_at_top(gui: Gui, message_id: str) -> int:
    """The number of the block of ``message_id``'s text at the top of the view."""
    from PySide6.QtCore import QPoint

    transcript = gui.pane.transcript
    text = transcript.item(message_id).text
    viewport = transcript.viewport()
    at = viewport.mapToGlobal(QPoint(viewport.width() // 2, 2))
    return text.cursorForPosition(text.viewport().mapFromGlobal(at)).blockNumber()


@in_loop
async def test_a_paragraph_read_among_copies_alike_is_the_one_shown_after_another_look(
    gui: Gui,
) -> None:
    # Paragraphs shown word for word alike, the first third with long link addresses
    # (not shown): the share of the way through the text was far from the same share of
    # the markdown, and the answer rendered anew from a copy dozens of paragraphs away.
    paragraphs = "\n\n".join(
        f"The lake, its boats and [piers](https://example.org/{'x' * 300 if n < 400 else n})"
        " and the path around it."
        for n in range(1200)
    )
    answer, whole = await _read_in_its_middle(gui, paragraphs)
    transcript = gui.pane.transcript
    read = _block_at_top(gui, answer.id)
    assert 600 < read < 800
    theme = gui.application.theme
    seen: list[bool] = []
    theme.changed.connect(lambda dark: seen.append(transcript.item(answer.id).document.has_gaps))
    theme.apply("dark", theme.font_size)
    await gui.until(lambda: bool(seen))
    assert seen[0]  # rendered anew from the paragraph read
    await gui.until(whole)
    assert _block_at_top(gui, answer.id) == read


@in_loop
async def test_a_long_answer_whose_start_is_in_view_renders_from_its_start(gui: Gui) -> None:
    # The reader sees a question and the start of its long answer, and changes the text
    # size: the answer's start comes first, the rest over the next frames (rendered
    # whole, it held the window), and the view stays on the question, not sent to the
    # end as the answer grows.
    store = gui.store
    created = store.create_conversation(title="Lake", model="mistral-large-2411")
    parent = None
    for role, text in [
        (Role.USER, "Tell me"),
        (Role.ASSISTANT, "Short."),
        (Role.USER, "And the lake?"),
        (
            Role.ASSISTANT,
            "\n\n".join(f"Paragraph {n}: the lake and its boats." for n in range(2500)),
        ),
        (Role.USER, "Thanks"),
        (Role.ASSISTANT, "You're welcome."),
    ]:
        parent = store.add_message(created.id, role=role, content=text, parent_id=parent).id
    transcript = gui.pane.transcript
    fast_machine(transcript)
    gui.window.open_conversation(created.id)
    ids = transcript.message_ids

    def whole() -> bool:
        item = transcript.item(ids[3])
        return settled(transcript) and not item.finishing and not item.document.has_gaps

    await gui.until(whole)
    question = transcript._by_id[ids[2]]
    transcript.verticalScrollBar().setValue(question.y)
    await gui.settle(0.1)
    assert not transcript.following
    full = transcript.item(ids[3]).text.document().characterCount()
    assert full > RERENDER_LIMIT
    seen = await _zoomed_in(
        gui,
        lambda: (
            transcript.reading_place(),
            transcript.item(ids[3]).text.document().characterCount(),
            _numbered_paragraph_at_top_of(gui, ids[3]),
        ),
    )
    place, shown, first_shown = seen
    assert place is not None
    assert place[0] == ids[2]  # the question still on top
    assert shown < full // 4  # the answer in part
    assert first_shown == 0  # from its start
    await gui.until(whole)
    assert transcript.reading_place()[0] == ids[2]
    assert not transcript.following
    assert transcript.item(ids[3]).text.document().characterCount() == full


def _numbered_paragraph_at_top_of(gui: Gui, message_id: str) -> int:
    """The number of the first paragraph of ``message_id``'s text (rendered)."""
    block = gui.pane.transcript.item(message_id).text.document().firstBlock().text()
    return int(block.split()[1].rstrip(":"))


@in_loop
async def test_a_long_last_answer_followed_to_its_end_renders_from_its_end(gui: Gui) -> None:
    # At the end of a long answer, another text size: its end comes first (from its
    # start, the end would have shown what follows it as it came, and rendered whole it
    # held the window), and the view still follows the end.
    store = gui.store
    created = store.create_conversation(title="Lake", model="mistral-large-2411")
    question = store.add_message(created.id, role=Role.USER, content="Tell me", parent_id=None)
    answer = store.add_message(
        created.id,
        role=Role.ASSISTANT,
        content="\n\n".join(f"Paragraph {n}: the lake and its boats." for n in range(2500)),
        parent_id=question.id,
    )
    transcript = gui.pane.transcript
    fast_machine(transcript)
    gui.window.open_conversation(created.id)

    def whole() -> bool:
        item = transcript.item(answer.id)
        return settled(transcript) and not item.finishing and not item.document.has_gaps

    await gui.until(whole)
    assert transcript.following
    full = transcript.item(answer.id).text.document().characterCount()

    def last_paragraph() -> str:
        return transcript.item(answer.id).text.document().lastBlock().text()

    seen = await _zoomed_in(
        gui,
        lambda: (
            transcript.following,
            transcript.item(answer.id).text.document().characterCount(),
            last_paragraph(),
        ),
    )
    following, shown, last = seen
    assert following
    assert shown < full // 4
    assert last.startswith("Paragraph 2499:")
    await gui.until(whole)
    assert transcript.following
    assert transcript.item(answer.id).text.document().characterCount() == full

"""The window's title with a Hebrew or Arabic conversation title."""

from __future__ import annotations

from tests.integration.gui.conftest import Gui, in_loop

FSI, PDI = "\u2068", "\u2069"


@in_loop
async def test_a_right_to_left_title_is_isolated_in_the_window_title(gui: Gui) -> None:
    # It showed "END — Maestrale مرحبا…": " — Maestrale" was pulled into the
    # Arabic run.
    arabic = gui.store.create_conversation(title="مرحبا END", model="mistral-large-2411")
    gui.window.sidebar.model.reload()
    gui.window.open_conversation(arabic.id)
    assert gui.window.windowTitle() == f"{FSI}مرحبا END{PDI} — Maestrale"


@in_loop
async def test_a_very_long_title_is_shortened_in_the_window_title(gui: Gui) -> None:
    words = " ".join(["שלום עולם"] * 40)
    long = gui.store.create_conversation(title=words, model="mistral-large-2411")
    gui.window.sidebar.model.reload()
    gui.window.open_conversation(long.id)
    title = gui.window.windowTitle()
    assert title.endswith(f"…{PDI} — Maestrale")
    shown = title.removeprefix(FSI).partition(PDI)[0].removesuffix("…")
    assert words.startswith(shown)
    assert len(shown) <= 80
    assert not shown.endswith(" ")

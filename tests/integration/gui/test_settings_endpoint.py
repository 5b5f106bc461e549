"""Settings → Endpoint in the whole window: what reaches the servers as an address is typed."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from tests.fake_mistral import FakeMistral
from tests.integration.gui.conftest import Gui, in_loop


@pytest.fixture
def prefix_servers() -> Iterator[tuple[FakeMistral, FakeMistral]]:
    """Two servers, the second's address the first's with one more digit
    (``http://127.0.0.1:4667`` and ``http://127.0.0.1:46675``): the first is where a
    half-typed address of the second goes."""
    for _ in range(50):
        with contextlib.ExitStack() as stack:
            full = stack.enter_context(FakeMistral(dialect="openai"))
            try:
                half = stack.enter_context(FakeMistral(dialect="openai", port=full.port // 10))
            except OSError:  # that port is taken here: try another pair
                continue
            yield half, full
            return
    pytest.skip("no free pair of ports N and N*10+d")


async def models_refreshed(gui: Gui) -> None:
    """Until no model list is being asked for (a saved endpoint starts one)."""
    task = gui.application.runner.get("models")
    if task is not None and not task.done():
        await asyncio.wait([task])


@in_loop
async def test_a_half_typed_base_url_gets_no_request_and_the_finished_one_does(
    gui: Gui, prefix_servers: tuple[FakeMistral, FakeMistral]
) -> None:
    half, full = prefix_servers
    await models_refreshed(gui)
    gui.application.open_settings("endpoint")
    dialog = gui.application._settings_dialog
    assert dialog is not None
    page = dialog.endpoint_page
    page.custom.click()
    page.url.setFocus()
    page.url.selectAll()
    gui.qtbot.keyClicks(page.url, half.base_url)
    # A pause in the typing: the window saves what changed, and would apply it.
    await gui.until(lambda: not dialog._save_timer.isActive())
    await models_refreshed(gui)
    assert half.requests == []
    assert gui.application.config.settings.base_url == gui.server.base_url

    gui.qtbot.keyClicks(page.url, full.base_url[-1])
    gui.qtbot.keyClick(page.url, Qt.Key.Key_Return)  # typed to its end
    await gui.until(lambda: gui.application.config.settings.base_url == full.base_url)
    await models_refreshed(gui)
    assert [r.path for r in full.requests if r.path == "/v1/models"]
    assert half.requests == []
    dialog.close()

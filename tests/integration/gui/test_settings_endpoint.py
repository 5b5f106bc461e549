"""Settings → Endpoint in the whole window: what reaches the servers as an address is typed."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from app.config import load_config
from app.settings import load_settings
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


@pytest.fixture
def saved_endpoint(gui_environ: dict[str, str], fake_mistral: FakeMistral) -> None:
    """The fake server saved in settings.toml, as Settings would save it, instead of
    given by MAESTRALE_BASE_URL for the run (which Settings do not change)."""
    path = load_config(gui_environ).paths.settings_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'base_url = "{fake_mistral.base_url}"\n', encoding="utf-8")
    del gui_environ["MAESTRALE_BASE_URL"]


async def models_refreshed(gui: Gui) -> None:
    """Until no model list is being asked for (a saved endpoint starts one)."""
    task = gui.application.runner.get("models")
    if task is not None and not task.done():
        await asyncio.wait([task])


@pytest.mark.usefixtures("saved_endpoint")
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


@in_loop
async def test_the_environment_s_base_url_is_said_and_never_saved_unless_changed(
    gui: Gui, fake_openai: FakeMistral
) -> None:
    # The page showed MAESTRALE_BASE_URL's address as if saved; an arrow key in the
    # choice switched the run to La Plateforme, and switching back saved the address
    # to settings.toml.
    await models_refreshed(gui)
    session_url = gui.server.base_url
    settings_file = gui.application.config.paths.settings_file
    gui.application.open_settings("endpoint")
    dialog = gui.application._settings_dialog
    assert dialog is not None
    page = dialog.endpoint_page
    assert page.mistral.isChecked()  # the saved one (the default): no file yet
    assert page.override_note.message() == (
        f"This session sends requests to {session_url}, from MAESTRALE_BASE_URL; it is "
        "not saved. Below is the saved endpoint, used when Maestrale starts without "
        "MAESTRALE_BASE_URL."
    )
    page.custom.click()  # as an arrow key in the choice does
    assert page.url.text() == ""  # not the session's address
    page.mistral.click()
    assert dialog.flush()
    assert not settings_file.exists()
    assert gui.application.config.settings.base_url == session_url

    page.custom.click()
    gui.qtbot.keyClicks(page.url, fake_openai.base_url)
    page.dialect.setCurrentIndex(page.dialect.findData("openai"))
    gui.qtbot.keyClick(page.url, Qt.Key.Key_Return)
    assert dialog.flush()
    saved = load_settings(settings_file).settings
    assert (saved.base_url, saved.dialect) == (fake_openai.base_url, "openai")
    in_effect = gui.application.config.settings
    assert (in_effect.base_url, in_effect.dialect) == (session_url, "mistral")
    assert page.override_note.message() == (
        "Your choice is saved for when Maestrale starts without MAESTRALE_BASE_URL. "
        f"This session still sends requests to {session_url}, speaking Mistral's API, "
        "from MAESTRALE_BASE_URL."  # the form says OpenAI-compatible now
    )
    await models_refreshed(gui)
    assert fake_openai.requests == []
    dialog.close()


async def _tested(gui: Gui, base_url: str) -> str:
    """Settings → Endpoint with ``base_url`` in the form, tested: the result."""
    gui.application.open_settings("endpoint")
    dialog = gui.application._settings_dialog
    assert dialog is not None
    page = dialog.endpoint_page
    page.custom.click()
    page.url.selectAll()
    gui.qtbot.keyClicks(page.url, base_url)
    page.dialect.setCurrentIndex(page.dialect.findData("openai"))
    page.test_button.click()
    await gui.until(lambda: page.result.tone in {"success", "error", "warning"})
    tip = page.test_button.toolTip()
    dialog.close()
    return f"{page.result.message()} | {tip}"


@in_loop
async def test_under_an_override_the_connection_test_says_it_is_not_the_session_s(
    gui: Gui, fake_openai: FakeMistral
) -> None:
    # The page shows the saved endpoint under MAESTRALE_BASE_URL: a working test of it
    # read as the session's connection working, another server than the one in use.
    await models_refreshed(gui)
    session_url = gui.server.base_url
    note = (
        "This tests the endpoint chosen here, for starts without MAESTRALE_BASE_URL, "
        f"not {session_url}, which this session uses."
    )
    assert await _tested(gui, fake_openai.base_url) == (
        f"Connected to {fake_openai.base_url}: 1 chat model available. {note}"
        f" | Asks {fake_openai.base_url} for its models. {note}"
    )
    assert [r.path for r in fake_openai.requests] == ["/v1/models"]
    # The session's own address in the form: nothing to tell apart.
    assert await _tested(gui, session_url) == (
        f"Connected to {session_url}: 6 chat models available. | Asks {session_url} for its models."
    )
    await models_refreshed(gui)


@in_loop
async def test_a_refused_key_names_the_server_that_refused_it(
    gui: Gui, fake_openai: FakeMistral
) -> None:
    await models_refreshed(gui)
    fake_openai.api_key = "another-key"
    result = await _tested(gui, fake_openai.base_url)
    assert result.startswith(f"Testing {fake_openai.base_url}: ")
    assert "which this session uses." in result


@pytest.mark.usefixtures("no_key_environ")
@in_loop
async def test_a_server_asking_for_a_key_none_is_saved_for_is_told_apart_from_a_refusal(
    gui: Gui, fake_openai: FakeMistral
) -> None:
    # "The endpoint refused the API key (401)": no key had been sent.
    fake_openai.api_key = "the-server-s-key"
    result = await _tested(gui, fake_openai.base_url)
    assert result.startswith(
        f"{fake_openai.base_url} asks for an API key, and none is saved for it: add it in "
        "Settings → API key, then test again."
    )
    assert "authorization" not in fake_openai.requests[0].headers


@in_loop
async def test_a_local_server_that_is_not_running_is_asked_about_not_the_network(
    gui: Gui,
) -> None:
    # "Check your network connection and the endpoint in Settings → Endpoint", on that
    # page, for a server on this machine.
    stopped = FakeMistral(dialect="openai")
    stopped.start()
    address = stopped.base_url
    stopped.stop()
    result = await _tested(gui, address)
    assert result.startswith(
        f"Could not reach {address}: the connection failed (ConnectError). Is the server "
        "running? If it is, check its address here."
    )


@in_loop
async def test_a_server_without_that_path_says_which_address_failed_and_what_to_check(
    gui: Gui, fake_openai: FakeMistral
) -> None:
    # "The endpoint rejected the request (404): Not Found.": neither the address asked
    # nor what to do.
    await models_refreshed(gui)
    address = f"{fake_openai.base_url}/api"
    result = await _tested(gui, address)
    assert f"The server has no {address}/v1/models: check the address." in result
    assert "http://localhost:8000/v1" in result
    assert [r.path for r in fake_openai.requests][-1] == "/api/v1/models"

"""Fakes shared by the settings tests: an in-memory keychain and scripted endpoints."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtGui import QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from app.api.types import ModelCard
from app.secrets import ApiKeys
from app.tasks import TaskRunner
from app.ui.theme import apply_theme
from tests.helpers.fake_keyrings import BlockingKeyring, MemoryKeyring

__all__ = ["BlockingKeyring", "MemoryKeyring"]

MISTRAL = "https://api.mistral.ai"


def finish(loop: qasync.QEventLoop, runner: TaskRunner, *names: str) -> None:
    """Run the loop until none of the named tasks runs (one may start another)."""
    while running := [t for n in names if runner.running(n) and (t := runner.get(n))]:
        loop.run_until_complete(asyncio.wait(running))
    loop.run_until_complete(asyncio.sleep(0))  # done callbacks run on the next turn


class FakeEndpoint:
    """A ``test_connection`` coroutine that records its calls and replays a script."""

    def __init__(self, result: list[ModelCard] | Exception) -> None:
        self.result = result
        self.calls: list[tuple[str, str, str | None]] = []

    async def __call__(self, base_url: str, dialect: str, key: str | None) -> list[ModelCard]:
        self.calls.append((base_url, dialect, key))
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


MODELS = [
    ModelCard("mistral-small-latest"),
    ModelCard("mistral-large-latest"),
    ModelCard("mistral-embed", chat=False),
    ModelCard("mistral-large-latest"),
]


@pytest.fixture
def backend() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def keys(backend: MemoryKeyring) -> ApiKeys:
    return ApiKeys({}, backend=backend)


@pytest.fixture
def task_errors() -> list[BaseException]:
    """Exceptions that escaped a task (a widget that lets one escape is a bug)."""
    return []


@pytest.fixture
def runner(qloop: qasync.QEventLoop, task_errors: list[BaseException]) -> TaskRunner:
    """Tasks run in ``qloop``: widgets read the keychain in tasks as they are built."""
    return TaskRunner(on_error=lambda _name, error: task_errors.append(error))


@pytest.fixture
def endpoint_factory() -> Callable[[list[ModelCard] | Exception], FakeEndpoint]:
    return FakeEndpoint


@pytest.fixture(autouse=True)
def light_theme(qapp: QApplication, tmp_path: Path) -> Iterator[None]:
    """Each test starts from the light look; the app's look is restored afterwards.

    The theme is application-wide state: other test folders must not inherit it.
    """
    style, sheet = qapp.style().name(), qapp.styleSheet()
    palette, font = QPalette(qapp.palette()), QFont(qapp.font())
    apply_theme(qapp, "light", 0, assets_dir=tmp_path / "theme")
    yield
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    qapp.setFont(font)
    qapp.setStyle(style)
    QGuiApplication.styleHints().unsetColorScheme()

"""Fakes shared by the settings tests: an in-memory keychain and scripted endpoints."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import keyring.backend
import keyring.errors
import pytest
from PySide6.QtGui import QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from app.api.types import ModelCard
from app.secrets import ApiKeys
from app.tasks import TaskRunner
from app.ui.theme import apply_theme

MISTRAL = "https://api.mistral.ai"


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keychain that lives in a dict."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.items:
            raise keyring.errors.PasswordDeleteError("no such item")
        del self.items[(service, username)]


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
def runner(task_errors: list[BaseException]) -> TaskRunner:
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

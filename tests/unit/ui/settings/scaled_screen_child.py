"""Run as a program (at a scale set by QT_SCALE_FACTOR): opens the Settings and
Parameters dialogs and prints, as JSON, the screen's free part and their sizes."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import qasync
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication

from app.api.types import ModelCard
from app.domain.messages import ChatParams
from app.secrets import ApiKeys
from app.settings import LoadedSettings, Settings
from app.tasks import TaskRunner
from app.ui.params_dialog import ParamsDialog
from app.ui.settings_dialog import SettingsDialog
from tests.helpers.fake_keyrings import MemoryKeyring


def rect(value: QRect) -> list[int]:
    return [value.x(), value.y(), value.width(), value.height()]


async def endpoint(_base_url: str, _dialect: object, _key: str) -> list[ModelCard]:
    return []


def main(folder: Path) -> None:
    app = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    runner = TaskRunner()
    settings = SettingsDialog(
        settings_path=folder / "settings.toml",
        loaded=LoadedSettings(Settings()),
        settings=Settings(),
        keys=ApiKeys({}, backend=MemoryKeyring()),
        runner=runner,
        test_connection=endpoint,
        presets_path=folder / "presets.toml",
    )
    params = ParamsDialog(None, ChatParams(), None, [], [ModelCard("mistral-large-latest")])
    params.show()
    app.processEvents()
    minimum = settings.minimumSize()
    print(
        json.dumps(
            {
                "room": rect(app.primaryScreen().availableGeometry()),
                "settings_minimum": [minimum.width(), minimum.height()],
                "params": rect(params.frameGeometry()),
                "apply_bottom": params.apply_button.mapTo(
                    params, params.apply_button.rect().bottomLeft()
                ).y(),
                "params_height": params.height(),
            }
        )
    )
    params.close()
    settings.close()
    loop.run_until_complete(runner.cancel_all())


if __name__ == "__main__":
    main(Path(sys.argv[1]))

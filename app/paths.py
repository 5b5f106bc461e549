"""Where Maestrale keeps its history, settings and logs on this machine."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

DATA_DIR_VARIABLE = "MAESTRALE_DATA_DIR"


def _app_name() -> str:
    # Lower case is the Linux convention for ~/.local/share/<app>; macOS and Windows
    # show the folder to people, so there it is spelled like the product.
    return "maestrale" if sys.platform.startswith("linux") else "Maestrale"


@dataclass(frozen=True, slots=True)
class AppPaths:
    data_dir: Path
    config_dir: Path
    log_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "history.sqlite3"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.toml"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "maestrale.log"


def resolve_paths(environ: Mapping[str, str], data_dir: str | None = None) -> AppPaths:
    """``--data-dir`` wins over ``MAESTRALE_DATA_DIR``, which wins over the platform default."""
    name = _app_name()
    chosen = data_dir or environ.get(DATA_DIR_VARIABLE)
    return AppPaths(
        data_dir=(
            Path(chosen).expanduser()
            if chosen
            else Path(platformdirs.user_data_dir(name, appauthor=False))
        ),
        config_dir=Path(platformdirs.user_config_dir(name, appauthor=False)),
        log_dir=Path(platformdirs.user_log_dir(name, appauthor=False)),
    )

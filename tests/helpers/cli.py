"""Running the installed ``maestrale`` command as a user would, in a private home."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest


def installed_command() -> str:
    """The ``maestrale`` script pip installed next to this interpreter."""
    candidate = Path(sys.executable).parent / "maestrale"
    found = str(candidate) if candidate.exists() else shutil.which("maestrale")
    if not found:
        pytest.fail("the maestrale command is not installed: pip install -e '.[test]'")
    return found


@dataclass
class Cli:
    """Runs ``maestrale`` with an environment of its own (home, data folder, endpoint)."""

    home: Path
    env: dict[str, str]

    @property
    def data_dir(self) -> Path:
        return Path(self.env["MAESTRALE_DATA_DIR"])

    @property
    def config_dir(self) -> Path:
        return Path(self.env["XDG_CONFIG_HOME"]) / "maestrale"

    @property
    def log_dir(self) -> Path:
        return Path(self.env["XDG_STATE_HOME"]) / "maestrale"

    def run(
        self, *args: str, stdin: str | None = None, timeout: float = 30
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [installed_command(), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            timeout=timeout,
            check=False,
        )

    def popen(self, *args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [installed_command(), *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=self.env,
        )


def make_cli(home: Path, base_url: str, *, key: str | None = "test-key") -> Cli:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("MAESTRALE_", "MISTRAL_", "XDG_"))
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        MAESTRALE_DATA_DIR=str(home / "data"),
        MAESTRALE_BASE_URL=base_url,
        PYTHONUNBUFFERED="1",
        PYTHONIOENCODING="utf-8",
    )
    if key is not None:
        env["MISTRAL_API_KEY"] = key
    return Cli(home=home, env=env)

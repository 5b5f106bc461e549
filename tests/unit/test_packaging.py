"""The desktop integration files are well formed and point at real commands."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from xml.etree import ElementTree

import pytest

from app.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"


def test_desktop_entry_launches_the_gui_entry_point() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(LINUX / "maestrale.desktop", encoding="utf-8")
    main = entry["Desktop Entry"]
    assert main["Type"] == "Application"
    assert main["Name"] == "Maestrale"
    # No %U: the window takes no file or address (one given was a usage error).
    assert main["Exec"] == "maestrale-gui"
    assert main["Icon"] == "maestrale"
    assert entry["Desktop Action quick"]["Exec"] == "maestrale quick"
    # "New chat" ran plain maestrale-gui, which opened on the last conversation.
    new_chat = entry["Desktop Action new-chat"]["Exec"].split()
    assert new_chat == ["maestrale-gui", "--new-chat"]
    assert build_parser().parse_args(new_chat[1:]).new_chat
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "maestrale-gui" in scripts["gui-scripts"]
    assert "maestrale" in scripts["scripts"]


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None,
    reason="desktop-file-validate is not installed (apt install desktop-file-utils)",
)
def test_desktop_entry_passes_desktop_file_validate() -> None:
    # It failed: Version 1.5 unknown, and Office;Utility;Chat; put the app in two menus.
    checked = subprocess.run(
        ["desktop-file-validate", str(LINUX / "maestrale.desktop")],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout + checked.stderr == ""  # hints too: each one a real problem


def test_metainfo_is_valid_xml_naming_the_desktop_file() -> None:
    tree = ElementTree.parse(LINUX / "io.github.maestrale.Maestrale.metainfo.xml")
    root = tree.getroot()
    assert root.tag == "component"
    assert root.findtext("launchable") == "maestrale.desktop"
    assert (ROOT / "resources" / "icons" / "app.svg").exists()


def test_a_wheel_carries_every_resource_the_app_reads() -> None:
    # `pip install .` (the README's install) shipped no templates.toml: the quick
    # prompt had no templates at all, while a source checkout had them.
    data_files = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "data-files"
    ]
    shipped = {
        (Path(target) / Path(source).name).as_posix()
        for target, sources in data_files.items()
        for pattern in sources
        for source in ROOT.glob(pattern)
    }
    resources = ROOT / "resources"
    needed = {
        ("share/maestrale" / path.relative_to(ROOT)).as_posix()
        for path in resources.rglob("*")
        if path.is_file() and "screenshots" not in path.parts  # for the README only
    }
    assert needed <= shipped, f"not in [tool.setuptools.data-files]: {sorted(needed - shipped)}"


def _stub(path: Path, text: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n{text}\n", encoding="utf-8")
    path.chmod(0o755)


def test_install_script_uses_the_clone_s_environment_and_says_nothing_needless(
    tmp_path: Path,
) -> None:
    # Run from a clone it pointed the menu at another maestrale-gui found on PATH, and
    # printed "gtk-update-icon-cache: No theme index file." twice.
    clone = tmp_path / "clone"
    shutil.copytree(LINUX, clone / "packaging" / "linux")
    shutil.copytree(ROOT / "resources" / "icons", clone / "resources" / "icons")
    _stub(clone / ".venv" / "bin" / "maestrale-gui")
    _stub(clone / ".venv" / "bin" / "maestrale")
    elsewhere = tmp_path / "elsewhere" / "bin"
    _stub(elsewhere / "maestrale-gui")
    calls = tmp_path / "icon-cache-calls"
    _stub(elsewhere / "gtk-update-icon-cache", f'echo "$@" >> {calls}')
    _stub(elsewhere / "update-desktop-database")
    data = tmp_path / "data"
    env = {
        "PATH": f"{elsewhere}:/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "XDG_DATA_HOME": str(data),
    }
    script = clone / "packaging" / "linux" / "install.sh"
    done = subprocess.run(
        ["sh", str(script)], env=env, capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    entry = (data / "applications" / "maestrale.desktop").read_text(encoding="utf-8")
    gui = clone / ".venv" / "bin" / "maestrale-gui"
    assert f"Exec={gui}\n" in entry
    assert f"Exec={gui} --new-chat\n" in entry
    assert f"Exec={clone / '.venv' / 'bin' / 'maestrale'} quick\n" in entry
    icons = data / "icons" / "hicolor"
    assert (icons / "scalable" / "apps" / "maestrale.svg").read_bytes() == (
        ROOT / "resources" / "icons" / "app.svg"
    ).read_bytes()
    # The mark drawn on the 16 px grid, where the menu shows it at 16 px.
    assert (icons / "16x16" / "apps" / "maestrale.svg").read_bytes() == (
        ROOT / "resources" / "icons" / "16" / "app.svg"
    ).read_bytes()
    assert not calls.exists()  # no theme index here: no cache to update
    (data / "icons" / "hicolor" / "index.theme").write_text("[Icon Theme]\n", encoding="utf-8")
    again = subprocess.run(
        ["sh", str(script)], env=env, capture_output=True, text=True, timeout=30, check=False
    )
    assert again.returncode == 0, again.stderr
    assert calls.read_text(encoding="utf-8") == f"-q {data / 'icons' / 'hicolor'}\n"


def test_install_script_runs_the_environment_named_or_active(tmp_path: Path) -> None:
    # It always ran the clone's .venv: Maestrale installed into another virtual
    # environment (active, or named) got a menu entry starting a different, older one.
    clone = tmp_path / "clone"
    shutil.copytree(LINUX, clone / "packaging" / "linux")
    shutil.copytree(ROOT / "resources" / "icons", clone / "resources" / "icons")
    _stub(clone / ".venv" / "bin" / "maestrale-gui")
    active, named = tmp_path / "active", tmp_path / "named"
    for venv in (active, named):
        _stub(venv / "bin" / "maestrale-gui")
        _stub(venv / "bin" / "maestrale")
    data = tmp_path / "data"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_DATA_HOME": str(data)}
    script = str(clone / "packaging" / "linux" / "install.sh")
    entry = data / "applications" / "maestrale.desktop"

    def install(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["sh", script, *args],
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )

    assert install(VIRTUAL_ENV=str(active)).returncode == 0
    assert f"Exec={active / 'bin' / 'maestrale-gui'}\n" in entry.read_text(encoding="utf-8")
    assert f"Exec={active / 'bin' / 'maestrale'} quick\n" in entry.read_text(encoding="utf-8")
    assert install(str(named), VIRTUAL_ENV=str(active)).returncode == 0
    assert f"Exec={named / 'bin' / 'maestrale-gui'}\n" in entry.read_text(encoding="utf-8")
    missing = install(str(tmp_path / "nowhere"))
    assert missing.returncode == 1
    assert "No maestrale-gui at" in missing.stderr
    assert f"Exec={named / 'bin' / 'maestrale-gui'}\n" in entry.read_text(encoding="utf-8")


def _exec_args(line: str) -> list[str]:
    """The arguments of an Exec value as a desktop's launcher reads them: the rule of
    every string (\\\\ is \\), then quoting ("…" with \\ " ` $ escaped) and %%."""
    value = re.sub(r"\\(.)", lambda m: {"s": " ", "n": "\n", "t": "\t"}.get(m[1], m[1]), line)
    args: list[str] = []
    for quoted, bare in re.findall(r'"((?:[^"\\]|\\.)*)"|(\S+)', value):
        arg = re.sub(r'\\([\\"`$])', r"\1", quoted) if quoted else bare
        args.append(arg.replace("%%", "%"))
    return args


@pytest.mark.parametrize("folder", ["my venv & co", 'odd \\ "$HOME" `x` %f |y; (z) #1'])
def test_install_script_quotes_an_environment_folder_with_spaces_and_signs(
    tmp_path: Path, folder: str
) -> None:
    # The path went into the entry as it was: a space split Exec into two words, and
    # & | \ in it garbled sed's replacement (& stood for the matched text).
    clone = tmp_path / "clone"
    shutil.copytree(LINUX, clone / "packaging" / "linux")
    shutil.copytree(ROOT / "resources" / "icons", clone / "resources" / "icons")
    venv = tmp_path / folder
    _stub(venv / "bin" / "maestrale-gui")
    _stub(venv / "bin" / "maestrale")
    data = tmp_path / "data"
    done = subprocess.run(
        ["sh", str(clone / "packaging" / "linux" / "install.sh"), str(venv)],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_DATA_HOME": str(data)},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    installed = data / "applications" / "maestrale.desktop"
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(installed, encoding="utf-8")
    gui, cli = str(venv / "bin" / "maestrale-gui"), str(venv / "bin" / "maestrale")
    main = entry["Desktop Entry"]
    assert _exec_args(main["Exec"]) == [gui]
    assert main["TryExec"].replace("\\\\", "\\") == gui
    assert _exec_args(entry["Desktop Action new-chat"]["Exec"]) == [gui, "--new-chat"]
    assert _exec_args(entry["Desktop Action quick"]["Exec"]) == [cli, "quick"]
    if shutil.which("desktop-file-validate") is not None:
        checked = subprocess.run(
            ["desktop-file-validate", str(installed)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert checked.stdout + checked.stderr == ""

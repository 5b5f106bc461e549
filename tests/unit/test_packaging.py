"""The desktop integration files are well formed and point at real commands."""

from __future__ import annotations

import configparser
import tomllib
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"


def test_desktop_entry_launches_the_gui_entry_point() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(LINUX / "maestrale.desktop", encoding="utf-8")
    main = entry["Desktop Entry"]
    assert main["Type"] == "Application"
    assert main["Name"] == "Maestrale"
    assert main["Exec"].split()[0] == "maestrale-gui"
    assert main["Icon"] == "maestrale"
    assert entry["Desktop Action quick"]["Exec"] == "maestrale quick"
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "maestrale-gui" in scripts["gui-scripts"]
    assert "maestrale" in scripts["scripts"]


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

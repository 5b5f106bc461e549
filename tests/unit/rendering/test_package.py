"""The rendering package: its exports, no Qt, and nothing heavy imported up front."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import app.rendering

PACKAGE = Path(app.rendering.__file__).parent


def test_exports_exist() -> None:
    assert sorted(app.rendering.__all__) == sorted(set(app.rendering.__all__))
    for name in app.rendering.__all__:
        assert getattr(app.rendering, name) is not None


def test_no_module_imports_qt() -> None:
    offenders: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        qt = sorted(n for n in names if n.split(".")[0] in ("PySide6", "shiboken6", "qasync"))
        if qt:
            offenders[path.name] = qt
    assert offenders == {}


def test_importing_loads_neither_ziamath_nor_pygments_nor_qt() -> None:
    code = (
        "import sys, app.rendering, app.rendering.markdown; "
        "app.rendering.render_markdown('$x$ and text', dark=False); "
        "print(sorted({m.split('.')[0] for m in sys.modules} "
        "& {'ziamath', 'ziafont', 'latex2mathml', 'pygments', 'PySide6', 'shiboken6'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"

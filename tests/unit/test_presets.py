from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from app.domain.messages import ChatParams
from app.presets import (
    Preset,
    builtin_presets,
    load_presets,
    presets_path,
    render_presets,
    save_presets,
)

TRICKY_TEXTS = [
    "",
    "plain",
    'He said "hi"',
    'ends with a quote"',
    'three """ quotes and four """" and a trailing pair ""',
    "back\\slash at the end\\",
    "line one\nline two\n",
    "\nstarts with a newline",
    "tab\there, CRLF\r\nand a lone CR\r, bell \x07 and DEL \x7f",
    "accents: è à ü — emoji 🌬️",
    "'''single quotes''' and \\n written out",
]


def test_builtin_presets_are_shipped_and_valid() -> None:
    presets, problems = builtin_presets()
    assert problems == []
    names = [p.name for p in presets]
    assert names[0] == "Default"
    assert {"Concise", "Code reviewer", "Translator", "Writing editor"} <= set(names)
    assert presets[0].system_prompt == ""
    assert all(p.system_prompt for p in presets[1:])
    assert all("\\" not in p.system_prompt for p in presets)  # line continuations folded


def test_missing_file_gives_the_builtin_presets(tmp_path: Path) -> None:
    presets, problems = load_presets(presets_path(tmp_path))
    assert presets == builtin_presets()[0]
    assert problems == []
    assert presets_path(tmp_path) == tmp_path / "presets.toml"


@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_round_trip_keeps_every_character(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config" / "presets.toml"
    presets = [
        Preset(
            name=f'Name with "quotes" and {text[:5]!r}',
            system_prompt=text,
            params=ChatParams(temperature=0.7, top_p=0.9, max_tokens=2048, random_seed=42),
            model="mistral-small-latest",
        ),
        Preset(name="Bare"),
    ]
    save_presets(path, presets)
    loaded, problems = load_presets(path)
    assert problems == []
    assert loaded == presets


def test_file_is_human_editable(tmp_path: Path) -> None:
    path = tmp_path / "presets.toml"
    save_presets(
        path,
        [Preset("Poet", "Write in verse.\nRhyme when you can.", ChatParams(temperature=1.1))],
    )
    text = path.read_text(encoding="utf-8")
    assert "[[preset]]" in text
    assert 'name = "Poet"' in text
    assert "temperature = 1.1" in text
    assert "Rhyme when you can." in text  # a multi-line string, not an escaped one-liner
    assert "top_p =" not in text  # unset parameters are left out
    assert not list(tmp_path.glob("*.tmp"))


def test_bad_entries_are_reported_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "presets.toml"
    path.write_text(
        """
[[preset]]
name = "Good"
temperature = 0.5

[[preset]]
system_prompt = "no name"

[[preset]]
name = "Hot"
temperature = 9.0
top_p = 0
colour = "blue"

[[preset]]
name = "good"

[[preset]]
name = "Bad prompt"
system_prompt = 42

[[preset]]
name = "Odd model"
model = ""
""",
        encoding="utf-8",
    )
    presets, problems = load_presets(path)
    assert [p.name for p in presets] == ["Good", "Hot", "Odd model"]
    assert presets[0].params == ChatParams(temperature=0.5)
    assert presets[1].params == ChatParams()  # bad values fall back to the model's defaults
    assert presets[2].model is None
    joined = "\n".join(problems)
    assert "preset 2: has no name" in joined
    assert "('Hot'): temperature must be at most 1.5" in joined
    assert "('Hot'): top_p must be above 0" in joined
    assert "('Hot'): unknown key 'colour' ignored" in joined
    assert "('good'): another preset already has this name" in joined
    assert "('Bad prompt'): system_prompt must be text" in joined
    assert "('Odd model'): model must be a model id" in joined


def test_wrong_shape_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "presets.toml"
    path.write_text('preset = "oops"\ntheme = 1\n', encoding="utf-8")
    presets, problems = load_presets(path)
    assert presets == []
    assert any("'preset' must be a list" in p for p in problems)
    assert any("unknown key 'theme'" in p for p in problems)


def test_an_empty_file_means_no_presets(tmp_path: Path) -> None:
    path = tmp_path / "presets.toml"
    save_presets(path, [])
    assert load_presets(path) == ([], [])


def test_unparseable_file_uses_builtins_and_is_kept_aside_on_save(tmp_path: Path) -> None:
    path = tmp_path / "presets.toml"
    path.write_text("[[preset]\nname = = broken\n", encoding="utf-8")
    presets, problems = load_presets(path)
    assert presets == builtin_presets()[0]
    assert "not valid TOML" in problems[0]
    save_presets(path, [Preset("Mine")])
    kept = list(tmp_path.glob("presets.toml.unreadable-*"))
    assert len(kept) == 1
    assert kept[0].read_text(encoding="utf-8") == "[[preset]\nname = = broken\n"
    assert load_presets(path) == ([Preset("Mine")], [])


def test_duplicate_or_empty_names_are_refused_on_save(tmp_path: Path) -> None:
    path = tmp_path / "presets.toml"
    with pytest.raises(ValueError, match="Two presets are named 'a'"):
        save_presets(path, [Preset("A"), Preset("a ")])
    with pytest.raises(ValueError, match="needs a name"):
        save_presets(path, [Preset("  ")])
    assert not path.exists()


def test_rendered_file_parses_as_toml() -> None:
    text = render_presets([Preset(t or "x", t) for t in TRICKY_TEXTS[1:]])
    data = tomllib.loads(text)
    assert [p["system_prompt"] for p in data["preset"]] == TRICKY_TEXTS[1:]


def test_presets_load_without_qt() -> None:
    # Core modules: the command line uses presets without a display.
    code = (
        "import sys, app.presets, app.resources; app.presets.builtin_presets(); "
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_save_keeps_presets_edited_in_the_file_since_it_was_read(tmp_path: Path) -> None:
    path = tmp_path / "presets.toml"
    save_presets(path, [Preset("Terse", "Be terse."), Preset("Poet", "Rhyme.")])
    read = load_presets(path)[0]
    by_hand = [Preset("Terse", "Be very terse."), Preset("Poet", "Rhyme."), Preset("Hand")]
    save_presets(path, by_hand)
    mine = [read[0], Preset("Poet", "Rhyme always.")]
    saved = save_presets(path, mine, since=read)
    expected = [Preset("Terse", "Be very terse."), Preset("Poet", "Rhyme always."), Preset("Hand")]
    assert saved.presets == expected
    assert saved.kept is None
    assert load_presets(path) == (expected, [])


def test_a_save_that_would_drop_skipped_entries_keeps_a_copy_first(tmp_path: Path) -> None:
    path = tmp_path / "presets.toml"
    text = (
        "# My presets, written by hand.\n"
        '[[preset]]\nname = "Good"\n\n'
        '[[preset]]\nname = "Numbers"\nsystem_prompt = 42\n\n'
        '[[preset]]\nname = "Noted"\nnote = "for later"\n'
    )
    path.write_text(text, encoding="utf-8")
    read, problems = load_presets(path)
    assert len(problems) == 2
    saved = save_presets(path, [*read, Preset("New preset")], since=read)
    assert saved.kept is not None
    assert saved.kept.name.startswith("presets.toml.kept-")
    assert saved.kept.read_text(encoding="utf-8") == text
    assert [p.name for p in load_presets(path)[0]] == ["Good", "Noted", "New preset"]
    # Written by Maestrale, the file loses nothing more: no further copies.
    assert save_presets(path, [Preset("Good")]).kept is None

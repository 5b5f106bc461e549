"""Quick prompt templates: placeholders, expansion, the file, import and export, completion."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from app.quick.templates import (
    PLACEHOLDERS,
    EmptyPlaceholder,
    PlaceholderError,
    Template,
    TemplateError,
    TemplateFileError,
    check_template,
    complete,
    expand,
    find_template,
    merge_templates,
    normalize_shortcut,
    parse_command,
    placeholders,
    waits_for_input,
)
from app.quick.templates_file import (
    builtin_templates,
    export_templates,
    import_templates,
    load_notice,
    load_templates,
    render_templates,
    save_templates,
    templates_path,
)

NOTHING: dict[str, str | None] = {"clipboard": None, "selection": None, "input": None}


def fill(prompt: str, **values: str | None) -> str:
    return expand(prompt, **{**NOTHING, **values})


# Placeholders


def test_placeholders_are_listed_once_in_order_of_appearance() -> None:
    assert PLACEHOLDERS == ("clipboard", "selection", "input")
    assert placeholders("{input} about {clipboard}, again {input}, then {selection}") == (
        "input",
        "clipboard",
        "selection",
    )
    assert placeholders("no placeholders at all") == ()
    assert placeholders("literal {{clipboard}} and {{ json }}") == ()


@pytest.mark.parametrize(
    ("prompt", "message"),
    [
        ("Summarize {foo}", "unknown placeholder {foo}: use {clipboard}, {selection} or {input}"),
        ("{Clipboard}", "unknown placeholder {Clipboard}: use {clipboard}, {selection} or {input}"),
        ("{}", "unknown placeholder {}: use {clipboard}, {selection} or {input}; write {{ and }}"),
        ('Return {"a": 1}', 'unknown placeholder {"a": 1}: use {clipboard}, {selection} or'),
        ("a\nb { c", "lone { in the prompt (line 2, column 3): write {{ for a literal brace"),
        ("ends with }", "lone } in the prompt (line 1, column 11): write }} for a literal brace"),
        ("{{clipboard}", "lone } in the prompt (line 1, column 12)"),
        ("{clip{board}", "lone { in the prompt (line 1, column 1)"),
    ],
)
def test_bad_braces_are_errors_that_say_what_to_write(prompt: str, message: str) -> None:
    with pytest.raises(PlaceholderError) as caught:
        placeholders(prompt)
    assert str(caught.value).startswith(message)
    with pytest.raises(PlaceholderError):
        fill(prompt, clipboard="x", selection="x", input="x")


def test_a_template_waits_for_input_only_when_its_prompt_uses_the_placeholder() -> None:
    assert waits_for_input(Template("T", "Explain {input}"))
    assert not waits_for_input(Template("T", "What does {{input}} mean in {clipboard}?"))
    assert not waits_for_input(Template("T", "Summarize {selection}"))


# Expansion


def test_every_placeholder_is_filled() -> None:
    prompt = "Clip: {clipboard}\nSel: {selection}\nAsk: {input}\nClip again: {clipboard}"
    assert fill(prompt, clipboard="C", selection="S", input="I") == (
        "Clip: C\nSel: S\nAsk: I\nClip again: C"
    )


def test_literal_braces_are_written_doubled() -> None:
    assert fill('JSON like {{"k": {{"n": 1}}}} for {clipboard}', clipboard="me") == (
        'JSON like {"k": {"n": 1}} for me'
    )
    assert fill("{{{clipboard}}}", clipboard="x") == "{x}"
    assert fill("{{clipboard}} stays a word") == "{clipboard} stays a word"


def test_inserted_text_is_taken_literally() -> None:
    clipboard = "def f(): return {'a': 1} {input} {{x}} {selection}"
    assert fill("Explain:\n{clipboard}", clipboard=clipboard, input="why?") == (
        f"Explain:\n{clipboard}\n\nwhy?"
    )
    assert fill("{input}", input="{clipboard} }{") == "{clipboard} }{"
    # Whitespace and line breaks of the copied text survive too.
    assert fill("[{selection}]", selection="  two\n lines \n") == "[  two\n lines \n]"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "clipboard",
            "The clipboard is empty: copy some text first, then run the template again.",
        ),
        (
            "selection",
            "No text is selected: select some text first, then run the template again.",
        ),
        ("input", "Type something after the template name."),
    ],
)
@pytest.mark.parametrize("value", [None, "", "  \n\t "])
def test_a_used_placeholder_without_text_says_what_to_do(
    name: str, message: str, value: str | None
) -> None:
    values = {"clipboard": "c", "selection": "s", "input": "i", name: value}
    with pytest.raises(EmptyPlaceholder) as caught:
        expand(f"Work on {{{name}}} please", **values)
    assert caught.value.name == name
    assert caught.value.message == message
    assert str(caught.value) == message


def test_an_unused_placeholder_may_be_empty() -> None:
    assert fill("Translate {selection}", selection="Bonjour", clipboard="") == "Translate Bonjour"


def test_the_first_empty_placeholder_in_the_prompt_is_reported() -> None:
    with pytest.raises(EmptyPlaceholder) as caught:
        fill("{input} about {clipboard}")
    assert caught.value.name == "input"


def test_typed_text_is_appended_after_a_blank_line_when_there_is_no_input_placeholder() -> None:
    assert fill("Summarize:\n{clipboard}\n", clipboard="notes", input="  focus on costs ") == (
        "Summarize:\nnotes\n\nfocus on costs"
    )
    assert fill("Tell a joke.", input="about cats") == "Tell a joke.\n\nabout cats"
    # Nothing typed, nothing added; the prompt is left exactly as it is.
    assert fill("Summarize:\n{clipboard}\n", clipboard="notes", input="  ") == (
        "Summarize:\nnotes\n"
    )


def test_input_fills_its_placeholder_and_is_not_appended_again() -> None:
    assert fill("Reply saying {input}.", input="yes") == "Reply saying yes."


# Shortcuts and validation


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ctrl+Alt+S", "Ctrl+Alt+S"),
        ("alt+ctrl+s", "Ctrl+Alt+S"),
        (" Shift + Ctrl + f5 ", "Ctrl+Shift+F5"),
        ("super+space", "Meta+Space"),
        ("Ctrl+Alt+Shift+Meta+k", "Meta+Ctrl+Alt+Shift+K"),
        ("Ctrl++", "Ctrl++"),
        ("Ctrl+,", "Ctrl+,"),
        ("F9", "F9"),
        ("Ctrl+Alt+escape", "Ctrl+Alt+Esc"),
    ],
)
def test_shortcuts_are_normalised_to_qt_portable_text(text: str, expected: str) -> None:
    assert normalize_shortcut(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "a shortcut needs a key"),
        ("Ctrl+K, Ctrl+C", "several key presses in a row"),
        ("Hyper+S", "'Hyper' is not a modifier; use Ctrl, Alt, Shift or Meta"),
        ("Ctrl+Ctrl+S", "Ctrl is written twice"),
        ("Ctrl+Alt", "needs a key after the modifiers"),
        ("Ctrl+", "needs a key after the modifiers"),
        ("A", "would take that key from every program"),
        ("Shift+A", "would take that key from every program"),
        ("Space", "would take that key from every program"),
        # Kept, then nothing could register them: a global shortcut cannot use them.
        ("Ctrl+Banana", "'Banana' is not a key; use a letter, a digit, F1–F35 or a named key"),
        ("Ctrl+Media Play", "'Media Play' is not a key"),
        ("Ctrl+F36", "'F36' is not a key"),
    ],
)
def test_bad_shortcuts_say_why(text: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        normalize_shortcut(text)


def test_check_template_tidies_and_names_the_bad_field() -> None:
    tidy = check_template(
        Template(" Name ", "{clipboard}", " d ", " mistral-small-latest ", 1, "ctrl+alt+n")
    )
    assert tidy == Template("Name", "{clipboard}", "d", "mistral-small-latest", 1.0, "Ctrl+Alt+N")
    cases = [
        (Template("", "p"), "a template needs a name"),
        (Template("/run", "p"), "cannot start with '/'"),
        (Template("two\nlines", "p"), "fits on one line"),
        (Template("x" * 81, "p"), "at most 80 characters"),
        (Template("n", "  "), "a template needs a prompt"),
        (Template("n", "{foo}"), "unknown placeholder {foo}"),
        (Template("n", "p", temperature=1.6), "temperature must be at most 1.5"),
        (Template("n", "p", temperature=-0.1), "temperature must be at least 0"),
        (Template("n", "p", model="two words"), "model must be a model id"),
        (Template("n", "p", shortcut="Hyper+X"), "'Hyper' is not a modifier"),
    ]
    for template, message in cases:
        with pytest.raises(TemplateError, match=re.escape(message)):
            check_template(template)


# The file


def test_missing_file_gives_the_builtin_templates(tmp_path: Path) -> None:
    assert templates_path(tmp_path) == tmp_path / "templates.toml"
    templates, problems = load_templates(templates_path(tmp_path))
    assert templates == builtin_templates()[0]
    assert problems == []


def test_builtin_templates_are_shipped_valid_and_useful() -> None:
    templates, problems = builtin_templates()
    assert problems == []
    by_name = {t.name: t for t in templates}
    assert len(templates) >= 8
    expected = {
        "Summarize": ("clipboard",),
        "Explain code": ("clipboard",),
        "Fix grammar and spelling": ("selection",),
        "Translate to English": ("clipboard",),
        "Translate to French": ("clipboard",),
        "Reply to an email": ("input", "clipboard"),
        "Make it shorter": ("clipboard",),
        "Rewrite more formally": ("clipboard",),
    }
    for name, used in expected.items():
        assert placeholders(by_name[name].prompt) == used, name
    for template in templates:
        assert check_template(template) == template
        assert template.description, template.name
        assert template.shortcut is None  # the quick window's own Ctrl+Alt+Space is enough
        assert "\\" not in template.prompt  # line continuations were folded
        assert len(template.prompt) > 150, template.name  # real instructions, not a stub
    assert "corrected text only" in by_name["Fix grammar and spelling"].prompt
    assert "French" in by_name["Translate to French"].prompt


def test_round_trip_keeps_every_field_and_character(tmp_path: Path) -> None:
    path = tmp_path / "config" / "templates.toml"
    templates = [
        Template(
            name='Quotes "and" \\ backslash',
            prompt='Line one {{literal}}\n\ttab "quoted" """ triple\n{clipboard}\r\nend"',
            description="Accents è à — 🌬️",
            model="mistral-small-latest",
            temperature=0.7,
            shortcut="Ctrl+Alt+Q",
        ),
        Template("Bare", "{input}"),
        Template("Integer temperature", "x", temperature=1.0),
    ]
    assert save_templates(path, templates) == templates
    assert load_templates(path) == (templates, [])
    text = path.read_text(encoding="utf-8")
    assert text.count("\n[[template]]\n") == 3
    assert 'shortcut = "Ctrl+Alt+Q"' in text
    assert tomllib.loads(text)["template"][1] == {"name": "Bare", "prompt": "{input}"}


def test_save_writes_tidied_templates_and_refuses_bad_sets(tmp_path: Path) -> None:
    path = tmp_path / "templates.toml"
    saved = save_templates(path, [Template(" Spaced ", "p", shortcut="alt+ctrl+x")])
    assert saved == [Template("Spaced", "p", shortcut="Ctrl+Alt+X")]
    assert load_templates(path)[0] == saved
    before = path.read_text(encoding="utf-8")
    bad_sets = [
        ([Template("A", "p"), Template("a ", "q")], "Two templates are named 'a'"),
        (
            [Template("A", "p", shortcut="Ctrl+Alt+X"), Template("B", "q", shortcut="ctrl+alt+x")],
            re.escape("'A' and 'B' both use Ctrl+Alt+X: change one."),
        ),
        ([Template("C", "{nope}")], r"Template 'C': unknown placeholder \{nope\}"),
    ]
    for templates, message in bad_sets:
        with pytest.raises(TemplateError, match=message):
            save_templates(path, templates)
    assert path.read_text(encoding="utf-8") == before
    assert not list(tmp_path.glob("*.tmp"))


def test_an_empty_file_means_no_templates(tmp_path: Path) -> None:
    path = tmp_path / "templates.toml"
    save_templates(path, [])
    assert load_templates(path) == ([], [])


def test_bad_entries_are_reported_with_their_line_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "templates.toml"
    path.write_text(
        """\
[[template]]
name = "Good"
prompt = "Summarize {clipboard}"
shortcut = "Ctrl+Alt+G"

[[template]]
name = "No prompt"

[[template]]
name = "Hot"
prompt = "x"
temperature = 3

[[template]]
name = "Typo"
prompt = "Use {clipbaord}"

[[template]]
name = "good"
prompt = "again"

[[template]]
name = "Extra"
prompt = "fine"
colour = "blue"
shortcut = "ctrl+alt+g"

[[template]]
prompt = "nameless"
""",
        encoding="utf-8",
    )
    templates, problems = load_templates(path)
    assert templates == [
        Template("Good", "Summarize {clipboard}", shortcut="Ctrl+Alt+G"),
        Template("Extra", "fine"),
    ]
    assert problems == [
        "templates.toml line 6: template 2 ('No prompt') has no prompt (prompt = \"...\"); "
        "skipped.",
        "templates.toml line 9: template 3 ('Hot'): temperature must be at most 1.5; skipped.",
        "templates.toml line 14: template 4 ('Typo'): unknown placeholder {clipbaord}: use "
        "{clipboard}, {selection} or {input}; skipped.",
        "templates.toml line 18: template 5 ('good') has the same name as template 1; skipped.",
        "templates.toml line 22: template 6 ('Extra'): unknown key 'colour' ignored.",
        "templates.toml line 22: template 6 ('Extra'): shortcut Ctrl+Alt+G is already used by "
        "'Good'; this template gets none.",
        'templates.toml line 28: template 7 has no name (name = "..."); skipped.',
        "templates.toml: saving from Maestrale first keeps a copy of the file as it is, so "
        "nothing written there is lost.",
    ]
    # Saving keeps the hand-written file (with the entries that were skipped) aside.
    original = path.read_text(encoding="utf-8")
    save_templates(path, templates)
    kept = list(tmp_path.glob("templates.toml.kept-*"))
    assert [k.read_text(encoding="utf-8") for k in kept] == [original]
    assert load_templates(path) == (templates, [])
    save_templates(path, templates)  # a clean file is not kept again
    assert len(list(tmp_path.glob("templates.toml.*"))) == 1


def test_a_shortcut_of_an_unknown_key_is_reported_and_the_template_kept(tmp_path: Path) -> None:
    # `shortcut = "Ctrl+Banana"` was loaded as it was, and nothing could register it.
    path = tmp_path / "templates.toml"
    path.write_text(
        '[[template]]\nname = "Fruity"\nprompt = "{clipboard}"\nshortcut = "Ctrl+Banana"\n',
        encoding="utf-8",
    )
    templates, problems = load_templates(path)
    assert templates == [Template("Fruity", "{clipboard}")]
    assert problems[0] == (
        "templates.toml line 1: template 1 ('Fruity'): shortcut 'Ctrl+Banana': 'Banana' is "
        "not a key; use a letter, a digit, F1–F35 or a named key such as Space, Esc, Del, "
        "Home, PgUp or Left; this template gets none."
    )
    with pytest.raises(
        TemplateFileError, match=re.escape("shortcut 'Ctrl+Banana': 'Banana' is not a key")
    ):
        import_templates(path)


def test_wrong_types_and_shapes_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "templates.toml"
    path.write_text(
        'theme = 1\n[[template]]\nname = "N"\nprompt = 5\n'
        '[[template]]\nname = "T"\nprompt = "p"\ntemperature = "warm"\n',
        encoding="utf-8",
    )
    templates, problems = load_templates(path)
    assert templates == []
    assert problems[0] == (
        "templates.toml: unknown key 'theme' ignored (templates are [[template]] tables)."
    )
    assert "template 1 ('N'): prompt must be text in quotes; skipped." in problems[1]
    assert "template 2 ('T'): temperature must be a number from 0 to 1.5; skipped." in problems[2]
    path.write_text('template = "oops"\n', encoding="utf-8")
    assert load_templates(path) == (
        [],
        [
            "templates.toml: 'template' must be a list of [[template]] tables.",
            "templates.toml: saving from Maestrale first keeps a copy of the file as it is, so "
            "nothing written there is lost.",
        ],
    )


def test_unparseable_file_uses_builtins_and_is_kept_aside_on_save(tmp_path: Path) -> None:
    path = tmp_path / "templates.toml"
    path.write_text('[[template]]\nname = "A"\nprompt = = broken\n', encoding="utf-8")
    templates, problems = load_templates(path)
    assert templates == builtin_templates()[0]
    assert problems[0] == (
        "templates.toml line 3: invalid value (column 10). Using the built-in templates "
        "until it is fixed (saving keeps a copy of the file)."
    )
    save_templates(path, [Template("Mine", "{input}")])
    kept = list(tmp_path.glob("templates.toml.unreadable-*"))
    assert len(kept) == 1
    assert kept[0].read_text(encoding="utf-8") == '[[template]]\nname = "A"\nprompt = = broken\n'
    assert load_templates(path) == ([Template("Mine", "{input}")], [])


def test_the_start_up_notice_says_what_could_not_be_read_and_where(tmp_path: Path) -> None:
    path = tmp_path / "templates.toml"
    assert load_notice(path, load_templates(path)[1]) is None  # no file: nothing to say
    path.write_text('[[template]]\nname = "Fix grammar\nprompt = "{clipboard}"\n')
    notice = load_notice(path, load_templates(path)[1])
    assert notice == (
        "Your templates file could not be read (templates.toml line 2: illegal character "
        "'\\n' (column 20)). Until it is fixed, the built-in templates are used and your template "
        f"shortcuts do nothing. The file is {path}; Settings → Templates shows the problem."
    )
    path.write_text(
        '[[template]]\nname = "Ok"\nprompt = "x"\n'
        '[[template]]\nname = "Hot"\nprompt = "y"\ntemperature = 9\n'
    )
    notice = load_notice(path, load_templates(path)[1])
    assert notice is not None
    assert notice.startswith(
        "Part of your templates file could not be used: templates.toml line 4: template 2 "
        "('Hot'): "
        "temperature must be at most 1.5; skipped."
    )
    assert notice.endswith(f"The file is {path}; Settings → Templates shows the problems.")
    path.write_text('[[template]]\nname = "Ok"\nprompt = "x"\n')
    assert load_notice(path, load_templates(path)[1]) is None


def test_a_file_that_is_not_utf8_is_reported_by_line(tmp_path: Path) -> None:
    path = tmp_path / "templates.toml"
    path.write_bytes(b'[[template]]\nname = "caf\xe9"\n')
    templates, problems = load_templates(path)
    assert templates == builtin_templates()[0]
    assert problems[0].startswith("templates.toml line 2: not UTF-8 text.")


def test_rendered_file_is_readable_toml() -> None:
    text = render_templates([Template("A", "one\ntwo", "desc", temperature=0.5)])
    assert text.startswith("# Maestrale quick prompt templates")
    assert 'prompt = """\none\ntwo"""' in text
    assert tomllib.loads(text) == {
        "template": [{"name": "A", "description": "desc", "temperature": 0.5, "prompt": "one\ntwo"}]
    }


# Import and export


def test_export_then_import_round_trips(tmp_path: Path) -> None:
    templates = [
        Template("Summarize", "Sum up {clipboard}", "short", "mistral-large-latest", 0.3),
        Template("Ask", "{input}", shortcut="Ctrl+Alt+A"),
    ]
    path = tmp_path / "shared" / "my-templates.toml"
    path.parent.mkdir()
    export_templates(path, templates)
    assert import_templates(path) == templates


def test_export_refuses_nothing_or_invalid_templates(tmp_path: Path) -> None:
    path = tmp_path / "out.toml"
    with pytest.raises(TemplateError, match=r"^There are no templates to export\.$"):
        export_templates(path, [])
    with pytest.raises(TemplateError, match=r"^Template 'X': a template needs a prompt\.$"):
        export_templates(path, [Template("X", "")])
    assert not path.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '[[template]]\nname = "A"\nprompt = "p"\n[[template]]\nname = "B"\n',
            "bad.toml line 4: template 2 ('B') has no prompt (prompt = \"...\")",
        ),
        (
            '[[template]]\nname = "A"\nprompt = "fine"\n\n[[template]\nname = "B"\n',
            "bad.toml line 5: expected ']]' at the end of an array declaration (column 11).",
        ),
        (
            '[[template]]\nname = "A"\nprompt = "{foo}"\n',
            "bad.toml line 1: template 1 ('A'): unknown placeholder {foo}: use {clipboard}, "
            "{selection} or {input}",
        ),
        (
            '[[template]]\nname = "A"\nprompt = "p"\nextra = 1\n',
            "bad.toml line 1: template 1 ('A'): unknown key 'extra'",
        ),
        (
            '[[template]]\nname = "A"\nprompt = "p"\n[[template]]\nname = "a"\nprompt = "q"\n',
            "bad.toml line 4: template 2 ('a') has the same name as template 1",
        ),
        ("# nothing here\n", "bad.toml holds no templates: each starts with a [[template]] line."),
        ('name = "A"\nprompt = "p"\n', "bad.toml: unknown key 'name'\nbad.toml: unknown key"),
    ],
)
def test_import_says_exactly_what_is_wrong(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TemplateFileError) as caught:
        import_templates(path)
    assert str(caught.value).startswith(message)


def test_import_lists_every_problem_at_once(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        '[[template]]\nname = "A"\n[[template]]\nname = "B"\nprompt = "x"\ntemperature = 9\n',
        encoding="utf-8",
    )
    with pytest.raises(TemplateFileError) as caught:
        import_templates(path)
    assert str(caught.value) == (
        "bad.toml line 1: template 1 ('A') has no prompt (prompt = \"...\")\n"
        "bad.toml line 3: template 2 ('B'): temperature must be at most 1.5"
    )


def test_import_of_missing_or_huge_files_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TemplateFileError, match="does not exist"):
        import_templates(tmp_path / "absent.toml")
    huge = tmp_path / "huge.toml"
    huge.write_text("# " + "x" * 1_100_000 + "\n", encoding="utf-8")
    with pytest.raises(TemplateFileError, match="too large to be a templates file"):
        import_templates(huge)


def test_merge_replaces_same_names_and_appends_the_rest() -> None:
    current = [Template("Summarize", "old"), Template("Mine", "m", shortcut="Ctrl+Alt+M")]
    imported = [Template("summarize", "new"), Template("Theirs", "t")]
    merged, replaced = merge_templates(current, imported)
    assert merged == [
        Template("summarize", "new"),
        Template("Mine", "m", shortcut="Ctrl+Alt+M"),
        Template("Theirs", "t"),
    ]
    assert replaced == ["Summarize"]
    with pytest.raises(
        TemplateError, match=re.escape("'Mine' and 'Clash' both use Ctrl+Alt+M: change one.")
    ):
        merge_templates(current, [Template("Clash", "c", shortcut="Ctrl+Alt+M")])


# Finding


TEMPLATES = [
    Template("Summarize", "s"),
    Template("Fix grammar and spelling", "f"),
    Template("Translate to English", "e"),
    Template("Translate to French", "f"),
    Template("Rewrite more formally", "r"),
    Template("Explain code", "c"),
]


def names(templates: list[Template]) -> list[str]:
    return [t.name for t in templates]


def test_find_template_ignores_case_and_spaces() -> None:
    assert find_template(TEMPLATES, "  translate TO french ") is TEMPLATES[3]
    assert find_template(TEMPLATES, "Translate") is None


def test_completion_puts_prefixes_first_then_word_starts_then_substrings() -> None:
    assert names(complete(TEMPLATES, "")) == names(TEMPLATES)
    assert names(complete(TEMPLATES, "tr")) == [
        "Translate to English",
        "Translate to French",
    ]
    # "re": a prefix (Rewrite), then a word start nowhere else, then substrings.
    assert names(complete(TEMPLATES, "RE")) == [
        "Rewrite more formally",
        "Translate to French",
    ]
    assert names(complete(TEMPLATES, "/e")) == [
        "Explain code",
        "Translate to English",
        "Summarize",
        "Fix grammar and spelling",
        "Translate to French",
        "Rewrite more formally",
    ]
    assert names(complete(TEMPLATES, "gram")) == ["Fix grammar and spelling"]
    assert complete(TEMPLATES, "zzz") == []


def test_parse_command_takes_the_longest_matching_name() -> None:
    templates = [Template("Translate", "t"), Template("Translate to French", "f")]
    assert parse_command(templates, "/translate to french  Bonjour à tous ") == (
        templates[1],
        "Bonjour à tous",
    )
    assert parse_command(templates, "/Translate this please") == (templates[0], "this please")
    assert parse_command(templates, "/Translate") == (templates[0], "")
    assert parse_command(templates, "/Translated") is None
    assert parse_command(templates, "Translate x") is None


def test_templates_load_without_qt() -> None:
    code = (
        "import sys, app.quick.templates, app.quick.templates_file as t; "
        "t.builtin_templates(); "
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"

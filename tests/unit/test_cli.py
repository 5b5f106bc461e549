"""The command line's arguments: what ``--help`` says and how mistakes are answered."""

from __future__ import annotations

import argparse

import pytest

from app.cli import ExitCode, build_parser, main, window_defaults


def test_quick_explains_template_in_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    # --template NAME had no help text at all.
    with pytest.raises(SystemExit):
        build_parser().parse_args(["quick", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "--template NAME run this template at once on the copied text" in shown
    assert "[text" not in shown  # the argument that catches text stays out of sight


def test_quick_with_text_says_to_name_a_template(capsys: pytest.CaptureFixture[str]) -> None:
    # `maestrale quick "Fix grammar"` answered with the top level's usage and
    # "unrecognized arguments": nothing said what to write instead.
    with pytest.raises(SystemExit) as stopped:
        main(["quick", "Fix grammar"])
    assert stopped.value.code == ExitCode.USAGE
    assert capsys.readouterr().err == (
        "maestrale quick: error: the quick prompt takes no text ('Fix grammar'); to run a "
        'template, name it with --template, as in: maestrale quick --template "Fix grammar" '
        "(see maestrale quick --help)\n"
    )


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--bogus"], "maestrale: error: unrecognized arguments: --bogus (see maestrale --help)"),
        (
            ["export", "--format", "xml"],
            "maestrale export: error: argument --format: invalid choice: 'xml' (choose from "
            "'json', 'md') (see maestrale export --help)",
        ),
    ],
)
def test_a_mistaken_argument_is_one_line_saying_where_help_is(
    capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    # argparse printed its usage, then the error: two lines where every failure is one.
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == ExitCode.USAGE
    assert capsys.readouterr().err == said + "\n"


def test_export_takes_markdown_for_md() -> None:
    # `--format markdown` was refused: only `md` was known.
    assert build_parser().parse_args(["export", "--format", "markdown"]).format == "md"
    assert build_parser().parse_args(["export", "--format", "md"]).format == "md"


def test_quick_keeps_its_contract() -> None:
    args = build_parser().parse_args(["quick", "--template", "Fix grammar"])
    assert (args.command, args.template) == ("quick", "Fix grammar")
    assert build_parser().parse_args(["quick"]).template is None


def test_ask_says_what_system_and_model_do_in_a_conversation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # --system "system prompt": nothing said it replaces a conversation's own for good.
    with pytest.raises(SystemExit):
        build_parser().parse_args(["ask", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert (
        "--system TEXT system prompt; with --conversation, that conversation's own from "
        'this question on, as the window\'s Parameters set it ("" removes it)'
    ) in shown
    assert "--model ID model to ask; with --conversation, that conversation's own" in shown
    assert "sampling temperature 0-1.5 (with --conversation: this question only)" in shown


def test_the_bare_command_gives_the_window_what_parsing_nothing_gives() -> None:
    # `maestrale` alone builds no parser: it must not change what the window is given,
    # an option added to the parser included.
    parsed = build_parser().parse_args([])
    assert vars(window_defaults()) == vars(parsed)
    assert parsed.command is None


def test_every_command_describes_itself_and_its_arguments() -> None:
    # `maestrale import --help` said nothing of what it does, nor of FILE.
    parser = build_parser()
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for name, command in commands.choices.items():
        assert command.description, f"maestrale {name} --help has no description"
        for action in command._actions:
            assert action.help, f"maestrale {name}: {action.dest} has no help"

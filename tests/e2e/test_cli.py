"""The installed ``maestrale`` command against the fake server, as a user runs it."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.fake_mistral import FakeMistral, Reply
from tests.helpers.cli import Cli, make_cli
from tests.helpers.old_format import written_as

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).resolve().parents[1] / "unit" / "store" / "fixtures"


@pytest.fixture
def cli(tmp_path: Path, fake_mistral: FakeMistral) -> Cli:
    return make_cli(tmp_path, fake_mistral.base_url)


def export(cli: Cli, *args: str) -> dict[str, Any]:
    result = cli.run("export", "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def only_answer(data: dict[str, Any]) -> dict[str, Any]:
    answers = [m for c in data["conversations"] for m in c["messages"] if m["role"] == "assistant"]
    assert len(answers) == 1
    return answers[0]


def test_ask_streams_stores_and_exports(cli: Cli, fake_mistral: FakeMistral) -> None:
    fake_mistral.enqueue(Reply(text="Lyon is in France, on the Rhône."))
    result = cli.run("ask", "Where is Lyon?", "--temperature", "0.2", "--max-tokens", "50")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Lyon is in France, on the Rhône.\n"
    body = fake_mistral.last_request.body
    assert body["temperature"] == 0.2
    assert body["max_tokens"] == 50
    assert body["model"] == "mistral-large-2411"

    data = export(cli)
    assert data["format"] == "maestrale-export"
    assert data["version"] == 1
    (conversation,) = data["conversations"]
    assert conversation["title"] == "Where is Lyon?"
    assert conversation["model"] == "mistral-large-2411"
    question, answer = conversation["messages"]
    assert question["role"] == "user"
    assert question["content"] == "Where is Lyon?"
    assert question["parent_id"] is None
    assert answer["parent_id"] == question["id"]
    assert answer["content"] == "Lyon is in France, on the Rhône."
    assert answer["status"] == "complete"
    assert answer["error"] is None
    assert set(answer["usage"]) == {"prompt_tokens", "completion_tokens"}
    assert answer["tool_calls"] == []
    assert answer["tool_call_id"] is None

    listing = cli.run("list", "--json")
    assert json.loads(listing.stdout)[0]["id"] == conversation["id"]
    markdown = cli.run("export", "--format", "md", "-o", str(cli.home / "out.md"))
    assert markdown.returncode == 0
    text = (cli.home / "out.md").read_text()
    assert "Where is Lyon?" in text
    assert "on the Rhône." in text


def test_ask_reads_stdin_and_continues_a_conversation(cli: Cli, fake_mistral: FakeMistral) -> None:
    fake_mistral.enqueue(Reply(text="First."), Reply(text="Second."))
    assert cli.run("ask", stdin="Question one\n").returncode == 0
    conversation_id = json.loads(cli.run("list", "--json").stdout)[0]["id"]
    result = cli.run("ask", "Question two", "--conversation", conversation_id[:8])
    assert result.returncode == 0, result.stderr
    sent = [m["content"] for m in fake_mistral.last_request.body["messages"]]
    assert sent == ["Question one\n", "First.", "Question two"]
    (conversation,) = export(cli)["conversations"]
    assert len(conversation["messages"]) == 4


def test_ask_json_prints_one_object_per_event(cli: Cli, fake_mistral: FakeMistral) -> None:
    fake_mistral.enqueue(Reply(text="one two"))
    result = cli.run("ask", "Count", "--json")
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert events[0]["type"] == "start"
    assert events[0]["message_id"]
    assert "".join(e["text"] for e in events if e["type"] == "content") == "one two"
    assert [e["type"] for e in events][-2:] == ["usage", "finish"]
    assert events[-1]["reason"] == "stop"


def test_system_prompt_and_tool_calls_from_the_command_line(
    cli: Cli, fake_mistral: FakeMistral
) -> None:
    fake_mistral.enqueue(
        Reply(tool_calls=[{"id": "abcDEF123", "name": "search", "arguments": {"q": "x"}}])
    )
    result = cli.run("ask", "Find x", "--system", "You are terse.")
    assert result.returncode == 0, result.stderr
    assert '[tool call search({"q": "x"})]' in result.stdout
    assert fake_mistral.last_request.body["messages"][0] == {
        "role": "system",
        "content": "You are terse.",
    }
    (conversation,) = export(cli)["conversations"]
    assert conversation["system_prompt"] == "You are terse."
    answer = conversation["messages"][-1]
    assert answer["tool_calls"][0]["function"]["name"] == "search"


def system_sent(server: FakeMistral) -> str | None:
    first = server.last_request.body["messages"][0]
    return str(first["content"]) if first["role"] == "system" else None


def test_system_with_a_conversation_becomes_its_own_and_says_so(
    cli: Cli, fake_mistral: FakeMistral
) -> None:
    # It replaced the conversation's system prompt for good, silently.
    assert cli.run("ask", "Hi", "--system", "You are terse.").returncode == 0
    conversation_id = json.loads(cli.run("list", "--json").stdout)[0]["id"]
    short = conversation_id[:8]

    result = cli.run("ask", "And?", "--conversation", short, "--system", "Answer in French.")
    assert result.returncode == 0, result.stderr
    assert system_sent(fake_mistral) == "Answer in French."
    assert result.stderr == (
        f"maestrale: conversation {short} has the system prompt given from this question "
        "on, in the window too.\n"
    )
    assert export(cli)["conversations"][0]["system_prompt"] == "Answer in French."
    # The same again changes nothing, and says nothing; without --system it holds.
    result = cli.run("ask", "Again", "--conversation", short, "--system", "Answer in French.")
    assert (result.returncode, result.stderr) == (0, "")
    assert cli.run("ask", "Still?", "--conversation", short).returncode == 0
    assert system_sent(fake_mistral) == "Answer in French."

    # An empty one removes it, as the window's empty field does.
    result = cli.run("ask", "Plain", "--conversation", short, "--system", "")
    assert result.returncode == 0, result.stderr
    assert system_sent(fake_mistral) is None
    assert result.stderr == (
        f"maestrale: conversation {short} has no system prompt from this question on, "
        "in the window too.\n"
    )
    assert export(cli)["conversations"][0]["system_prompt"] is None


def test_wrong_key_exits_3_with_one_clear_line(tmp_path: Path, fake_mistral: FakeMistral) -> None:
    cli = make_cli(tmp_path, fake_mistral.base_url, key="wrong-key")
    result = cli.run("ask", "Hi")
    assert result.returncode == 3
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "key" in lines[0]
    answer = only_answer(export(cli))
    assert answer["status"] == "error"
    assert "401" in answer["error"]


def test_no_key_exits_3_and_stores_nothing(tmp_path: Path, fake_mistral: FakeMistral) -> None:
    cli = make_cli(tmp_path, fake_mistral.base_url, key=None)
    result = cli.run("ask", "Hi")
    assert result.returncode == 3
    assert "MISTRAL_API_KEY" in result.stderr  # no keychain here: the way round it
    assert export(cli)["conversations"] == []
    assert fake_mistral.request_count == 0


def test_rate_limited_then_answered(cli: Cli, fake_mistral: FakeMistral) -> None:
    fake_mistral.enqueue(Reply(status=429, retry_after="1"), Reply(text="After waiting."))
    started = time.monotonic()
    result = cli.run("ask", "Hi")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "After waiting.\n"
    # Said while it waited, without the final failure's advice to try again later.
    assert "maestrale: Rate limit reached (429). Asking again in 1 s…" in result.stderr
    assert time.monotonic() - started >= 1.0
    assert fake_mistral.request_count == 2


def test_rate_limit_that_lasts_exits_4(cli: Cli, fake_mistral: FakeMistral) -> None:
    fake_mistral.enqueue(Reply(status=429, retry_after="3600"))
    result = cli.run("ask", "Hi")
    assert result.returncode == 4
    assert "Rate limit" in result.stderr


def test_retired_model_is_explained_with_its_replacement(
    cli: Cli, fake_mistral: FakeMistral
) -> None:
    fake_mistral.retired_models = {"mistral-large-2411"}
    result = cli.run("ask", "Hi")
    assert result.returncode == 7
    # It said "choose it instead." and nothing of how, on the command line.
    settings = cli.config_dir / "settings.toml"
    assert result.stderr == (
        "maestrale: The model mistral-large-2411 is retired or not served by this endpoint; "
        "its replacement is mistral-large-2512: choose it instead (ask with --model "
        f'mistral-large-2512, or set model = "mistral-large-2512" in {settings} for every '
        "new conversation).\n"
    )
    asked = cli.run("ask", "Hi", "--json")
    assert json.loads(asked.stdout.splitlines()[-1])["message"] in result.stderr
    assert cli.run("ask", "Hi", "--model", "mistral-large-2512").returncode == 0


def test_server_down_exits_5(tmp_path: Path) -> None:
    server = FakeMistral()
    server.start()
    url = server.base_url
    server.stop()
    result = make_cli(tmp_path, url).run("ask", "Hi")
    assert result.returncode == 5
    assert "Could not reach" in result.stderr


def test_cut_stream_exits_6_and_keeps_the_partial_answer(
    cli: Cli, fake_mistral: FakeMistral
) -> None:
    fake_mistral.enqueue(Reply(text="alpha beta gamma delta", cut_after=2))
    result = cli.run("ask", "Hi")
    assert result.returncode == 6
    assert result.stdout.startswith("alpha beta")
    answer = only_answer(export(cli))
    assert answer["status"] == "error"
    assert answer["content"] == "alpha beta"
    assert "connection" in answer["error"]


@pytest.mark.parametrize("as_json", [False, True])
def test_text_before_a_malformed_event_is_printed_as_it_is_kept(
    cli: Cli, fake_mistral: FakeMistral, as_json: bool
) -> None:
    # No delay: the broken event arrives in the same read as the text before it.
    fake_mistral.enqueue(Reply(text="alpha beta gamma delta", malformed_after=2))
    result = cli.run("ask", *(["--json"] if as_json else []), "Hi")
    kept = only_answer(export(cli))["content"]
    assert kept.startswith("alpha")
    if as_json:
        events = [json.loads(line) for line in result.stdout.splitlines()]
        printed = "".join(e["text"] for e in events if e["type"] == "content")
        assert events[-1]["type"] == "error"
    else:
        printed = result.stdout.rstrip("\n")
    assert printed == kept


def test_plain_http_to_another_machine_is_refused(tmp_path: Path) -> None:
    result = make_cli(tmp_path, "http://192.0.2.1:8000").run("ask", "Hi")
    assert result.returncode == 2
    assert "unencrypted" in result.stderr


def test_models_lists_context_and_retirement(cli: Cli) -> None:
    result = cli.run("models")
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("mistral-large-2411 "))
    assert "131,072" in line
    assert "mistral-large-2512" in line
    assert "default" in line
    cards = json.loads(cli.run("models", "--json").stdout)
    large = next(c for c in cards if c["id"] == "mistral-large-2411")
    assert large["max_context_length"] == 131072
    assert large["replacement"] == "mistral-large-2512"


def test_import_chatgpt_then_list(cli: Cli) -> None:
    sample = next(FIXTURES.glob("chatgpt*.json"))
    result = cli.run("import", str(sample))
    assert result.returncode == 0, result.stderr
    assert "Imported" in result.stdout
    assert json.loads(cli.run("list", "--json").stdout)
    again = cli.run("import", str(sample))
    assert "already here" in again.stdout


def test_import_of_a_foreign_file_exits_8_and_writes_nothing(cli: Cli) -> None:
    bogus = cli.home / "notes.json"
    bogus.write_text('{"hello": "world"}')
    result = cli.run("import", str(bogus))
    assert result.returncode == 8
    assert "notes.json" in result.stderr
    assert export(cli)["conversations"] == []


def test_damaged_history_is_named_and_left_untouched(cli: Cli) -> None:
    cli.data_dir.mkdir(parents=True)
    database = cli.data_dir / "history.sqlite3"
    garbage = os.urandom(8192)
    database.write_bytes(garbage)
    result = cli.run("list")
    assert result.returncode == 8
    assert str(database) in result.stderr
    assert database.read_bytes() == garbage


class Streaming:
    """``maestrale ask`` running in the background, its output read as it comes."""

    def __init__(
        self, cli: Cli, fake_mistral: FakeMistral, pieces: int, delay: float, *options: str
    ) -> None:
        fake_mistral.enqueue(Reply(chunks=[f"w{i:04d} " for i in range(pieces)], delay=delay))
        self.process = cli.popen("ask", "Write a lot", *options)
        self.received: list[tuple[float, str]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        while chunk := os.read(self.process.stdout.fileno(), 4096):
            self.received.append((time.monotonic(), chunk.decode()))

    def wait_for_text(self, characters: int) -> None:
        deadline = time.monotonic() + 20
        while sum(len(t) for _, t in self.received) < characters:
            assert time.monotonic() < deadline, "the answer never started streaming"
            time.sleep(0.02)

    def text(self, until: float | None = None) -> str:
        return "".join(t for at, t in self.received if until is None or at <= until)

    def finish(self) -> tuple[int, str]:
        """Waits for the process to end; returns its exit status and stderr."""
        status = self.process.wait(timeout=10)
        self._reader.join(timeout=10)
        assert self.process.stdout is not None
        assert self.process.stderr is not None
        errors = self.process.stderr.read().decode()
        self.process.stdout.close()
        self.process.stderr.close()
        return status, errors


def test_ctrl_c_keeps_the_partial_answer_as_interrupted(
    cli: Cli, fake_mistral: FakeMistral
) -> None:
    streaming = Streaming(cli, fake_mistral, pieces=400, delay=0.02)
    streaming.wait_for_text(200)
    streaming.process.send_signal(signal.SIGINT)
    status, errors = streaming.finish()
    assert status == 130
    assert "interrupted" in errors
    printed = streaming.text()
    answer = only_answer(export(cli))
    assert answer["status"] == "interrupted"
    assert printed.startswith(answer["content"].rstrip("\n"))
    assert len(answer["content"]) >= len(printed.rstrip("\n")) - 6  # at most one piece lost


STOPPED = {
    signal.SIGINT: (130, "Stopped", "Stopped with Ctrl+C"),
    signal.SIGTERM: (143, "Terminated", "Terminated"),
}


@pytest.mark.parametrize("stop", list(STOPPED))
def test_json_events_end_with_the_interruption(
    cli: Cli, fake_mistral: FakeMistral, stop: signal.Signals
) -> None:
    status, kind, said = STOPPED[stop]
    # The events just stopped: only stderr said the answer was kept as interrupted.
    streaming = Streaming(cli, fake_mistral, 400, 0.02, "--json")
    streaming.wait_for_text(2000)
    streaming.process.send_signal(stop)
    assert streaming.finish()[0] == status
    events = [json.loads(line) for line in streaming.text().splitlines()]
    answer = only_answer(export(cli))
    assert answer["status"] == "interrupted"
    assert events[0]["message_id"] == answer["id"]
    assert events[-1] == {
        "type": "error",
        "kind": kind,
        "message": f"{said}; the answer so far is kept as interrupted.",
        "message_id": answer["id"],
    }


def test_json_stopped_before_any_text_names_the_answer_kept(
    cli: Cli, fake_mistral: FakeMistral
) -> None:
    fake_mistral.enqueue(Reply(chunks=["Too late"], stall_after=0, stall_seconds=60))
    process = cli.popen("ask", "Hello", "--json")
    deadline = time.monotonic() + 20
    while not fake_mistral.chat_requests:
        assert time.monotonic() < deadline, "the question was never sent"
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=20)
    assert process.returncode == 130
    answer = only_answer(export(cli))
    assert answer["status"] == "interrupted"
    assert [json.loads(line) for line in out.decode().splitlines()] == [
        {
            "type": "error",
            "kind": "Stopped",
            "message": "Stopped with Ctrl+C; the answer so far is kept as interrupted.",
            "message_id": answer["id"],
        }
    ]


def test_sigkill_loses_at_most_the_last_second(cli: Cli, fake_mistral: FakeMistral) -> None:
    """Killed without warning, the answer is kept up to at most one second before the kill."""
    streaming = Streaming(cli, fake_mistral, pieces=2000, delay=0.005)
    streaming.wait_for_text(4000)  # a few seconds into the answer
    killed_at = time.monotonic()
    streaming.process.send_signal(signal.SIGKILL)
    streaming.finish()
    printed_a_second_before = streaming.text(until=killed_at - 1.0)
    printed = streaming.text()

    answer = only_answer(export(cli))
    assert answer["status"] == "interrupted"
    assert answer["content"], "nothing was saved while streaming"
    assert printed.startswith(answer["content"])
    assert len(answer["content"]) >= len(printed_a_second_before)
    # The database was left by a killed process: it must open cleanly, not damaged.
    with sqlite3.connect(cli.data_dir / "history.sqlite3") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_history_of_an_older_version_is_updated_with_a_notice(cli: Cli) -> None:
    from app.store import db as db_module

    cli.data_dir.mkdir(parents=True, exist_ok=True)
    with written_as(3):  # a history written by a version-3 Maestrale
        db_module.open_database(cli.data_dir / "history.sqlite3").close()
    first = cli.run("list")
    assert first.returncode == 0, first.stderr
    assert "updating the history for this version" in first.stderr
    again = cli.run("list")
    assert again.returncode == 0, again.stderr
    assert "updating" not in again.stderr


def test_export_to_a_folder_or_a_missing_one_says_what_to_do_and_leaves_nothing(
    cli: Cli, tmp_path: Path
) -> None:
    cli.run("ask", "Hello")
    folder = tmp_path / "exports"
    folder.mkdir()
    # A file problem exited 2, as a mistaken argument does.
    into_folder = cli.run("export", "--format", "json", "-o", str(folder))
    assert into_folder.returncode == 9
    assert f"{folder} is a folder: give a file name" in into_folder.stderr
    missing = cli.run("export", "-o", str(tmp_path / "nowhere" / "x.json"))
    assert missing.returncode == 9
    assert "does not exist" in missing.stderr
    # No copy of the history left beside either place.
    assert not list(tmp_path.glob("**/*.part"))
    assert list(folder.iterdir()) == []


def test_an_empty_markdown_export_says_so_and_prints_nothing(cli: Cli) -> None:
    # It printed a blank line, and nothing said why.
    result = cli.run("export", "--format", "md")
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr == (
        f"maestrale: no conversations to export in {cli.data_dir / 'history.sqlite3'}.\n"
    )


def test_import_says_what_it_added_to_conversations_already_here(
    cli: Cli, fake_mistral: FakeMistral
) -> None:
    # It said "Imported 0 conversation(s)." while it had merged new messages in.
    fake_mistral.enqueue(Reply(text="First answer."))
    assert cli.run("ask", "Hi").returncode == 0
    data = export(cli)
    [conversation] = data["conversations"]
    answer = conversation["messages"][-1]
    follow_up = {**answer, "id": "follow-up-question", "parent_id": answer["id"]}
    follow_up.update(role="user", content="And then?", model=None, usage=None)
    conversation["messages"].append(follow_up)
    grown = cli.home / "grown.json"
    grown.write_text(json.dumps(data), encoding="utf-8")
    result = cli.run("import", str(grown))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "Imported 0 conversations; added 1 message to 1 conversation already here."
    )
    again = cli.run("import", str(grown))
    assert again.stdout.strip() == (
        "Imported 0 conversations; 1 already here with every message, skipped."
    )
    # A backup brings back what was deleted since (it stayed in the trash, "skipped").
    with sqlite3.connect(cli.data_dir / "history.sqlite3") as connection:
        connection.execute("UPDATE conversations SET deleted_at = '2026-01-01T00:00:00+00:00'")
    assert cli.run("list", "--json").stdout.strip() == "[]"
    restored = cli.run("import", str(grown))
    assert restored.stdout.strip() == (
        "Imported 0 conversations; 1 deleted conversation brought back."
    )
    assert json.loads(cli.run("list", "--json").stdout)[0]["id"] == conversation["id"]


def test_piped_text_beside_a_prompt_is_not_read_and_it_says_so(
    cli: Cli, fake_mistral: FakeMistral
) -> None:
    # `cat log | maestrale ask "explain"` sent "explain" alone, without a word.
    fake_mistral.enqueue(Reply(text="An answer."))
    result = cli.run("ask", "explain", stdin="the log's text\n")
    assert result.returncode == 0, result.stderr
    assert "standard input is not read when a PROMPT is given" in result.stderr
    sent = [m["content"] for m in fake_mistral.last_request.body["messages"]]
    assert sent[-1] == "explain"  # as documented: PROMPT, or stdin when absent
    fake_mistral.enqueue(Reply(text="Another."))
    quiet = cli.run("ask", "explain", stdin="")
    assert "standard input" not in quiet.stderr  # nothing was piped in


def test_asking_in_a_conversation_being_answered_waits_its_turn(
    cli: Cli, fake_mistral: FakeMistral
) -> None:
    # The question was stored under the answer still being written, and sent without
    # it: two questions in a row, and a history claiming the model saw that answer.
    streaming = Streaming(cli, fake_mistral, pieces=400, delay=0.01)
    streaming.wait_for_text(100)
    conversation_id = json.loads(cli.run("list", "--json").stdout)[0]["id"]
    requests = len(fake_mistral.chat_requests)
    result = cli.run("ask", "Meanwhile?", "--conversation", conversation_id)
    assert result.returncode == 8
    assert "is being answered right now" in result.stderr
    assert len(fake_mistral.chat_requests) == requests  # nothing asked
    assert streaming.finish()[0] == 0
    (conversation,) = export(cli)["conversations"]
    assert [m["role"] for m in conversation["messages"]] == ["user", "assistant"]
    fake_mistral.enqueue(Reply(text="Now."))
    assert cli.run("ask", "Meanwhile?", "--conversation", conversation_id).returncode == 0


def test_a_conversation_id_too_short_or_empty_says_so(cli: Cli, fake_mistral: FakeMistral) -> None:
    fake_mistral.enqueue(Reply(text="First."))
    assert cli.run("ask", "Hi").returncode == 0
    conversation_id = json.loads(cli.run("list", "--json").stdout)[0]["id"]
    short = cli.run("ask", "Again", "--conversation", conversation_id[:1])
    assert short.returncode == 8
    assert "too short: give at least 4 characters of the id" in short.stderr
    # An unset variable in a script: refused, not taken for a new conversation.
    empty = cli.run("ask", "Again", "--conversation", "")
    assert empty.returncode == 8
    assert "No conversation id was given" in empty.stderr
    assert len(json.loads(cli.run("list", "--json").stdout)) == 1
    assert cli.run("export", "--conversation", "").returncode == 8


def test_an_empty_list_says_where_it_looked(tmp_path: Path, fake_mistral: FakeMistral) -> None:
    # A mistyped --data-dir read as an empty history, with no word of where.
    cli = make_cli(tmp_path, fake_mistral.base_url)
    typo = tmp_path / "dta"
    result = cli.run("--data-dir", str(typo), "list")
    assert result.returncode == 0
    assert str(typo / "history.sqlite3") in result.stderr

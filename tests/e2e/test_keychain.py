"""The key through a real Secret Service, and nowhere else on disk."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest

from tests.fake_mistral import FakeMistral, Reply
from tests.helpers.cli import make_cli
from tests.helpers.keychain import grep_tree, keyrings, secret_tool_lookup

pytestmark = [pytest.mark.e2e, pytest.mark.keychain]


def test_key_round_trip_and_no_copy_anywhere(
    tmp_path: Path, fake_mistral: FakeMistral, real_keychain: dict[str, str]
) -> None:
    key = "mk" + secrets.token_hex(16)
    fake_mistral.api_key = key
    cli = make_cli(tmp_path, fake_mistral.base_url, key=None)
    account = fake_mistral.base_url

    assert cli.run("key", "status").returncode == 3
    # A wrong key was saved, and the next `ask` failed with 401: it is checked first.
    wrong = cli.run("key", "set", stdin="mk-not-the-key\n")
    assert wrong.returncode == 3
    assert wrong.stderr.startswith("maestrale: Not saved:")
    assert cli.run("key", "status").returncode == 3
    stored = cli.run("key", "set", stdin=key + "\n")
    assert stored.returncode == 0, stored.stderr
    assert "The endpoint accepted it." in stored.stdout
    assert key not in stored.stdout + stored.stderr
    assert secret_tool_lookup(real_keychain, account) in (key, None)

    status = cli.run("key", "status")
    assert status.returncode == 0
    assert "keychain" in status.stdout
    assert key not in status.stdout

    fake_mistral.enqueue(Reply(text="Authenticated through the keychain."))
    asked = cli.run("ask", "Hello", "--verbose")
    assert asked.returncode == 0, asked.stderr
    assert fake_mistral.last_request.headers["authorization"] == f"Bearer {key}"

    export_file = tmp_path / "export.json"
    assert cli.run("export", "-o", str(export_file)).returncode == 0
    assert cli.run("export", "--format", "md", "-o", str(tmp_path / "export.md")).returncode == 0
    assert json.loads(export_file.read_text())["conversations"]
    for folder in (cli.data_dir, cli.config_dir, cli.log_dir, tmp_path):
        assert grep_tree(folder, key) == [], f"the key was written under {folder}"
    assert key not in asked.stdout + asked.stderr

    cleared = cli.run("key", "clear")
    assert cleared.returncode == 0
    assert cli.run("key", "status").returncode == 3
    assert secret_tool_lookup(real_keychain, account) in ("", None)
    refused = cli.run("ask", "Hello again")
    assert refused.returncode == 3


def test_environment_key_wins_and_is_not_stored(
    tmp_path: Path, fake_mistral: FakeMistral, real_keychain: dict[str, str]
) -> None:
    cli = make_cli(tmp_path, fake_mistral.base_url, key="test-key")
    status = cli.run("key", "status")
    assert status.returncode == 0
    assert "MISTRAL_API_KEY" in status.stdout
    assert secret_tool_lookup(real_keychain, fake_mistral.base_url) in ("", None)


def test_a_key_that_cannot_be_checked_now_is_saved_and_said_so(
    tmp_path: Path, real_keychain: dict[str, str]
) -> None:
    cli = make_cli(tmp_path, "http://127.0.0.1:9", key=None)  # nothing listens there
    stored = cli.run("key", "set", stdin="mk-offline-123\n")
    assert stored.returncode == 0, stored.stderr
    assert "It could not be checked now" in stored.stdout
    assert secret_tool_lookup(real_keychain, "http://127.0.0.1:9") == "mk-offline-123"


def test_no_keychain_explains_what_to_do(tmp_path: Path, fake_mistral: FakeMistral) -> None:
    cli = make_cli(tmp_path, fake_mistral.base_url, key=None)
    cli.env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    result = cli.run("key", "set", stdin="some-key-123\n")
    assert result.returncode == 3
    assert "MISTRAL_API_KEY" in result.stderr
    assert grep_tree(tmp_path, "some-key-123") == []


def test_a_keychain_with_no_keyring_yet_holds_no_key_and_is_left_as_it_is(
    tmp_path: Path, fake_mistral: FakeMistral, keychain_without_keyring: dict[str, str]
) -> None:
    # A first start where the keychain has no keyring yet (a fresh account, a desktop
    # that makes none at login): reading the key made one, behind a password prompt
    # (twice, as the window asked again), and where no prompt can show, the keychain
    # was said to have failed. Nothing is stored: that is all there is to say.
    before = keyrings(keychain_without_keyring)
    cli = make_cli(tmp_path, fake_mistral.base_url, key=None)
    status = cli.run("key", "status")
    assert status.returncode == 3, status.stderr
    assert "none is set" in status.stdout
    assert "failed" not in status.stdout + status.stderr
    assert cli.run("key", "clear").stdout.startswith("No key was stored")
    assert keyrings(keychain_without_keyring) == before
    # Saving one makes a keyring, behind a prompt for its password, which cannot show
    # here: what to do instead.
    fake_mistral.api_key = "mk-first-key-0123"
    saved = cli.run("key", "set", stdin="mk-first-key-0123\n")
    assert saved.returncode != 0
    assert "The system keychain (Secret Service) has no keyring yet" in saved.stderr
    assert "password manager" in saved.stderr
    assert "mk-first-key-0123" not in saved.stdout + saved.stderr

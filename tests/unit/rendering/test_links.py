"""Links from answers: the address shown before opening cannot pass for another."""

from __future__ import annotations

import pytest

from app.rendering.links import TIP_WIDTH, address_lines, check_link, openable, reveal


def test_an_ordinary_address_is_shown_whole_and_unwarned() -> None:
    address = (
        "https://accounts.example.com:8443/oauth/authorize?client_id=aaa&redirect_uri="
        "https%3A%2F%2Fevil.example%2Fcallback&scope=all&state=zzz#end"
    )
    check = check_link(address)
    assert check.address == address
    assert check.warnings == ()
    assert not check.mail


@pytest.mark.parametrize(
    ("address", "shown"),
    [
        ("https://аpple.com/login", "https://xn--pple-43d.com/login"),  # Cyrillic "а"
        ("https://münchen.de/", "https://xn--mnchen-3ya.de/"),
    ],
)
def test_a_site_name_in_other_alphabets_is_shown_as_the_browser_uses_it(
    address: str, shown: str
) -> None:
    check = check_link(address)
    assert check.address == shown
    [warning] = check.warnings
    assert "other alphabets" in warning
    assert address.split("/")[2] in warning  # the name as it looked, for comparison


def test_the_ascii_form_of_a_lookalike_stays_as_it_is() -> None:
    check = check_link("https://xn--pple-43d.com/login")
    assert check.address == "https://xn--pple-43d.com/login"


def test_direction_changing_and_invisible_characters_are_shown_as_codes() -> None:
    check = check_link("https://example.com/\u202egpj.exe")
    assert check.address == "https://example.com/%E2%80%AEgpj.exe"
    assert any("direction-changing" in warning for warning in check.warnings)
    assert reveal("a\u200bb\u00adc d") == "a%E2%80%8Bb%C2%ADc%20d"


def test_a_user_name_before_the_site_is_pointed_out() -> None:
    check = check_link("https://www.bank.example@evil.example/login")
    assert check.address == "https://www.bank.example@evil.example/login"
    [warning] = check.warnings
    assert "the site is evil.example" in warning


def test_an_ipv6_site_keeps_its_brackets() -> None:
    assert check_link("http://[::1]:8080/x").address == "http://[::1]:8080/x"


def test_a_mail_link_keeps_only_the_message_fields() -> None:
    check = check_link("mailto:someone@example.com?subject=Hi%20there&attach=/etc/passwd")
    assert check.mail
    assert check.address == "mailto:someone@example.com?subject=Hi%20there"
    [warning] = check.warnings
    assert "attach" in warning


def test_only_web_and_mail_links_can_be_opened() -> None:
    assert openable("https://example.com")
    assert openable("MAILTO:a@example.com")
    assert not openable("javascript:alert(1)")
    assert not openable("file:///etc/passwd")
    assert not openable("data:text/html,hi")


@pytest.mark.parametrize(
    ("address", "text", "named"),
    [
        ("https://evil.example/login", "https://bank.com", "bank.com"),
        ("https://evil.example/login", "www.bank.com/login", "bank.com"),
        ("https://evil.example/", "bank.com", "bank.com"),
        ("https://bank.com.evil.example/", "bank.com", "bank.com"),
        ("https://bank.com@evil.example/", "https://bank.com", "bank.com"),
        ("https://evil.example/", "help@bank.com", "help@bank.com"),
        ("mailto:thief@evil.example", "help@bank.com", "help@bank.com"),
        ("mailto:thief@evil.example", "bank.com", "bank.com"),
        # A site's name is not a file's, wherever it is in the address.
        ("https://evil.example/bank.com", "bank.com", "bank.com"),
        ("https://evil.example/x/PayPal.com", "paypal.com", "paypal.com"),
        ("https://evil.example/?r=paypal.com", "paypal.com", "paypal.com"),
        ("https://evil.example/#paypal.com", "paypal.com", "paypal.com"),
        ("https://evil.example/bank.io", "bank.io", "bank.io"),
        ("https://evil.example/docs.rs", "docs.rs", "docs.rs"),
        ("https://evil.example/bun.sh", "bun.sh", "bun.sh"),
        # A file's name counts only as the very file the address leads to.
        ("https://evil.example/?f=README.md", "README.md", "README.md"),
        ("https://evil.example/README.md/x", "README.md", "README.md"),
        ("https://evil.example/README.md", "docs.README.md", "docs.README.md"),
        # IP addresses.
        ("https://evil.example/", "192.168.0.1", "192.168.0.1"),
        ("https://evil.example/192.168.0.1", "http://192.168.0.1/admin", "192.168.0.1"),
        ("https://10.0.0.1/", "192.168.0.1", "192.168.0.1"),
        ("https://evil.example/", "[::1]", "::1"),
        ("mailto:thief@evil.example", "192.168.0.1", "192.168.0.1"),
    ],
)
def test_a_link_whose_text_names_another_address_is_pointed_out(
    address: str, text: str, named: str
) -> None:
    warnings = check_link(address, text).warnings
    assert warnings[0] == f"The link's text shows another address: {named}."


@pytest.mark.parametrize(
    ("address", "text"),
    [
        ("https://bank.com/login", "https://bank.com"),
        ("https://www.bank.com/login", "bank.com"),
        ("https://bank.com/", "www.bank.com"),
        ("https://help.bank.com/", "bank.com"),  # the site's own part
        ("https://xn--pple-43d.com/", "аpple.com"),  # the same name, as the browser uses it
        ("https://github.com/x/README.md", "README.md"),  # a file's name, not a site's
        ("https://github.com/x/blob/main/readme.MD", "README.md"),
        ("https://example.org/files/setup.py", "setup.py"),
        ("https://example.org/a%20b/report.pdf", "report.pdf"),
        ("http://192.168.0.1/admin", "192.168.0.1"),
        ("http://192.168.0.1:8080/", "http://192.168.0.1:8080"),
        ("http://[::1]:8080/x", "[::1]"),
        ("https://example.org/", "1.2.3"),  # a version, not an address
        ("https://example.org/", "the guide"),
        ("https://example.org/", "version 1.2"),
        ("https://example.org/", "e.g."),
        ("mailto:Help@Bank.com,b@example.org", "help@bank.com"),
        ("https://example.org/", ""),
    ],
)
def test_a_link_whose_text_is_its_address_or_no_address_is_not(address: str, text: str) -> None:
    assert check_link(address, text).warnings == ()


def test_a_long_address_is_cut_into_lines_and_at_most_so_many() -> None:
    address = "https://example.org/" + "a" * (3 * TIP_WIDTH)
    assert "".join(address_lines(address)) == address
    assert address_lines(address, 4) == address_lines(address)  # it has 4
    assert address_lines(address, 2) == [
        address[:TIP_WIDTH],
        address[TIP_WIDTH : 2 * TIP_WIDTH],
        f"… ({len(address)} characters in all)",
    ]

"""What a link in an answer really points to, said plainly before it is opened.

Model output is untrusted, and a link's text can lie: the confirmation shows the
address itself, in a form that cannot be mistaken for another. Site names with
non-Latin letters (``аpple.com`` with a Cyrillic "а") are shown in their ASCII form
(``xn--pple-43d.com``) with a warning; invisible and direction-changing characters
(a right-to-left override turns ``gpj.exe`` into ``exe.jpg`` on screen) are shown
percent-encoded; a user name before ``@`` is pointed out; a ``mailto:`` link loses
the fields that could make a mail program attach a file; a link whose text names
another address (``[https://bank.com](https://evil.example)``, ``[192.168.0.1](…)``) is
pointed out.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import (
    SplitResult,
    parse_qsl,
    quote,
    unquote,
    urlencode,
    urlsplit,
    urlunsplit,
)

OPENABLE_SCHEMES = ("http", "https", "mailto")
MAIL_FIELDS = frozenset({"to", "cc", "bcc", "subject", "body", "in-reply-to"})
# Shown percent-encoded: controls, format characters (bidi overrides, zero-width
# joiners, soft hyphens), line and paragraph separators, and every kind of space.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Zl", "Zp", "Zs"})
# A link's whole text as a web address: with its scheme or "www.", or a bare site name
# ("bank.com"); its site name is group 2.
_NAMED_SITE = re.compile(
    r"(https?://|www\.)?((?:[^\s/?#@:.]+\.)+[^\s/?#@:.\d]{2,})\.?(?::\d+)?(?:[/?#]\S*)?",
    re.IGNORECASE,
)
# A link's whole text as an IP address ("192.168.0.1", "http://[::1]:8080/x"); the
# address is group 1 (IPv4) or 2 (IPv6, in brackets or bare).
_NAMED_IP = re.compile(
    r"(?:https?://)?(?:([\d.]+)|\[([\da-f:.]+)\]|([\da-f:.]*:[\da-f:.]*))(?::\d+)?(?:[/?#]\S*)?",
    re.IGNORECASE,
)
# What ends a file's name, not a site's: link words equal to the last part of the
# address's path with one of these ("README.md") name the file it leads to. Left out:
# top-level names that well-known sites use (com, org, io, app, dev, ai, and country
# codes such as rs for docs.rs, sh for bun.sh, cc), and zip, a top-level name too.
FILE_SUFFIXES = frozenset(
    {
        "md", "txt", "rst", "py", "pyi", "ipynb", "js", "mjs", "ts", "tsx", "jsx",
        "json", "html", "htm", "css", "pdf", "java", "kt", "cpp", "hpp", "rb", "php",
        "lua", "yaml", "yml", "toml", "ini", "cfg", "conf", "lock", "bash", "ps1",
        "bat", "csv", "tsv", "xml", "svg", "png", "jpg", "jpeg", "gif", "webp", "ico",
        "tar", "gz", "tgz", "bz2", "xz", "7z", "whl", "deb", "rpm", "dmg", "exe", "msi",
        "jar", "sql", "log", "diff", "patch", "tex", "bib", "docx", "xlsx", "pptx",
        "odt", "mp3", "mp4", "wav",
    }
)  # fmt: skip
_NAMED_MAIL = re.compile(r"(?:mailto:)?([^\s@/:]+@[^\s@/]+\.[^\s@/.]{2,})", re.IGNORECASE)
TIP_WIDTH = 80  # characters of an address on each line of its tooltip


@dataclass(frozen=True)
class LinkCheck:
    """``address`` is what opens (for ``mailto:``, without its dropped fields) and is
    shown; ``warnings`` are sentences to show with it; ``mail`` tells a mail link."""

    address: str
    warnings: tuple[str, ...]
    mail: bool


def openable(address: str) -> bool:
    return urlsplit(address.strip()).scheme.lower() in OPENABLE_SCHEMES


def reveal(text: str) -> str:
    """``text`` with every invisible or direction-changing character percent-encoded."""
    return "".join(
        quote(char, safe="") if unicodedata.category(char) in _HIDDEN_CATEGORIES else char
        for char in text
    )


def check_link(address: str, text: str = "") -> LinkCheck:
    """The address to show and open, and what to warn about (``text``, the link's
    words, naming another address too). Call only for an ``openable`` address."""
    parts = urlsplit(address.strip())
    scheme = parts.scheme.lower()
    named = _named_elsewhere(text, parts)
    shown_as = [f"The link's text shows another address: {reveal(named)}."] if named else []
    if scheme == "mailto":
        return _check_mail(parts.path, parts.query, shown_as)
    warnings: list[str] = shown_as
    host = parts.hostname or ""
    shown_host = _ascii_host(host)
    if shown_host != host:
        warnings.append(
            f"The site's name contains letters from other alphabets ({reveal(host)}), "
            "which can imitate a well-known name: it is shown as the browser will use it."
        )
    netloc = shown_host if ":" not in shown_host else f"[{shown_host}]"
    if parts.port is not None:
        netloc += f":{parts.port}"
    if parts.username is not None or parts.password is not None:
        user = parts.netloc.rpartition("@")[0]
        netloc = f"{user}@{netloc}"
        warnings.append(
            f"The part before “@” ({reveal(user)}) is a user name, not the site: "
            f"the site is {shown_host}."
        )
    shown = urlunsplit((scheme, netloc, parts.path, parts.query, parts.fragment))
    return _revealed(shown, warnings, mail=False)


def _ascii_host(host: str) -> str:
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:  # not a valid international name: show every byte
        return quote(host, safe=".-")


def address_lines(address: str, most: int | None = None) -> list[str]:
    """``address`` cut every TIP_WIDTH characters: it has no spaces to wrap at. With
    ``most``, only that many lines of a longer one, then how long it is in all."""
    lines = [address[at : at + TIP_WIDTH] for at in range(0, len(address), TIP_WIDTH)]
    if most is None or len(lines) <= most:
        return lines
    return [*lines[:most], f"… ({len(address)} characters in all)"]


def _named_elsewhere(text: str, parts: SplitResult) -> str:
    """The address ``text`` names when it is not where the link goes; "" otherwise."""
    words = text.strip()
    if not words:
        return ""
    mail = parts.scheme.lower() == "mailto"
    if (named_mail := _NAMED_MAIL.fullmatch(words)) is not None:
        recipients = {unquote(to).strip().lower() for to in parts.path.split(",")}
        return "" if mail and named_mail[1].lower() in recipients else named_mail[1]
    if (named_ip := _named_ip(words)) is not None:
        return "" if not mail and _ip(parts.hostname or "") == named_ip else str(named_ip)
    site = _NAMED_SITE.fullmatch(words)
    if site is None:
        return ""
    named = _ascii_host(site[2].lower()).removeprefix("www.")
    if mail:
        return site[2]
    if site[1] is None and _names_its_file(words, parts.path):
        return ""
    real = _ascii_host((parts.hostname or "").rstrip(".")).removeprefix("www.")
    return "" if real == named or real.endswith("." + named) else site[2]


def _names_its_file(words: str, path: str) -> bool:
    """Whether ``words`` are the name of the file the address leads to ("README.md"
    for …/x/README.md), not a site's: the last part of its path, ending as files do.
    Its query and fragment do not count (``evil.example/?r=bank.com``), nor a name
    ending as sites do (``evil.example/bank.com``)."""
    last = unquote(path.rpartition("/")[2])
    suffix = words.rpartition(".")[2].lower()
    return last.lower() == words.lower() and suffix in FILE_SUFFIXES


def _named_ip(words: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address a link's whole text is, if it is one."""
    found = _NAMED_IP.fullmatch(words)
    return None if found is None else _ip(found[1] or found[2] or found[3])


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _check_mail(path: str, query: str, warnings: list[str]) -> LinkCheck:
    fields = parse_qsl(query, keep_blank_values=True)
    kept = [(name, value) for name, value in fields if name.lower() in MAIL_FIELDS]
    dropped = sorted({name for name, _ in fields if name.lower() not in MAIL_FIELDS})
    address = "mailto:" + path + (f"?{urlencode(kept, quote_via=quote)}" if kept else "")
    if dropped:
        warnings.append(
            f"Left out of the message: {', '.join(reveal(name) for name in dropped)} "
            "(a link may use such fields to make the mail program attach a file)."
        )
    return _revealed(address, warnings, mail=True)


def _revealed(address: str, warnings: list[str], *, mail: bool) -> LinkCheck:
    revealed = reveal(address)
    if revealed != address:
        warnings.append(
            "The address contains invisible or direction-changing characters, shown "
            "here as %-codes: what it displays may not be what it is."
        )
    return LinkCheck(revealed, tuple(warnings), mail=mail)

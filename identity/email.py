"""E-mail addresses: syntax check, IDNA domain and a provider-aware match key.

The match key (``canonical``) is the address two records must share to be the same mailbox.
Local parts are lowercased for every provider: RFC 5321 lets a server treat them as
case-sensitive, but practically no mailbox provider does, and customer data mixes case freely.

Provider rules applied to the local part of the key:

=================================================  ========================================
Domains                                            Rule
=================================================  ========================================
gmail.com, googlemail.com                          drop dots, drop ``+tag``; googlemail.com
                                                   becomes gmail.com (same mailboxes)
outlook.com, hotmail.*, live.*, msn.com            drop ``+tag`` (plus addressing)
icloud.com, me.com, mac.com                        drop ``+tag``
fastmail.com, fastmail.fm                          drop ``+tag``
protonmail.com, protonmail.ch, proton.me, pm.me    drop ``+tag``
yahoo.*, ymail.com, rocketmail.com                 none: Yahoo's ``base-keyword`` disposable
                                                   addresses use a *separate* base name, so
                                                   cutting at ``-`` never gives the account's
                                                   primary address and would merge strangers
every other domain                                 none: ``+`` or ``.`` may be significant
=================================================  ========================================

Quoted local parts (``"john doe"@example.com``) and IP-literal domains are refused as
unsupported: they do not occur in real customer data and cannot be keyed safely.
Domains are encoded with Python's IDNA 2003 codec, so ``ß`` maps to ``ss``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from identity._domain import encode_domain

__all__ = ["EmailResult", "normalize_email"]

# Longest address (RFC 5321 path limit minus the angle brackets) and local part, in octets.
MAX_ADDRESS_LENGTH = 254
MAX_LOCAL_LENGTH = 64
# ASCII characters allowed unquoted in a local part besides letters and digits (RFC 5322 atext).
_ATEXT_SYMBOLS = frozenset("!#$%&'*+-/=?^_`{|}~.")
# The common case, all ASCII atext, in one regex call instead of a loop over characters.
_ASCII_ATEXT = re.compile(r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]+")
# Google ignores dots and +tags; googlemail.com is an alias of gmail.com.
_GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
# Providers that deliver ``user+tag`` to ``user`` but treat dots as significant.
_PLUS_TAG_DOMAINS = frozenset(
    {
        "outlook.com", "hotmail.com", "hotmail.co.uk", "hotmail.fr", "hotmail.de", "live.com",
        "live.co.uk", "live.fr", "live.de", "msn.com", "icloud.com", "me.com", "mac.com",
        "fastmail.com", "fastmail.fm", "protonmail.com", "protonmail.ch", "proton.me", "pm.me",
    }
)  # fmt: skip
# Free consumer mailbox providers: an address there is personal, not a work address.
FREEMAIL_DOMAINS = _GMAIL_DOMAINS | _PLUS_TAG_DOMAINS | frozenset(
    {
        "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "yahoo.es", "yahoo.it",
        "yahoo.co.jp", "yahoo.com.br", "ymail.com", "rocketmail.com", "aol.com", "aim.com",
        "gmx.de", "gmx.net", "gmx.com", "gmx.at", "gmx.ch", "web.de", "t-online.de",
        "freenet.de", "posteo.de", "mailbox.org", "orange.fr", "wanadoo.fr", "free.fr",
        "laposte.net", "sfr.fr", "libero.it", "virgilio.it", "yandex.ru", "yandex.com",
        "mail.ru", "zoho.com", "tutanota.com", "tuta.io", "hey.com", "qq.com", "163.com",
        "126.com", "naver.com", "hanmail.net", "rediffmail.com", "seznam.cz", "wp.pl",
        "o2.pl", "interia.pl", "bluewin.ch", "btinternet.com", "comcast.net", "verizon.net",
        "att.net", "sbcglobal.net", "shaw.ca", "bigpond.com", "terra.com.br", "uol.com.br",
    }
)  # fmt: skip
# Local parts that name a function or a team rather than a person.
ROLE_LOCAL_PARTS = frozenset(
    {
        "info", "support", "sales", "admin", "administrator", "contact", "hello", "team",
        "office", "billing", "accounts", "accounting", "finance", "invoices", "noreply",
        "no-reply", "no_reply", "donotreply", "do-not-reply", "marketing", "help",
        "helpdesk", "jobs", "careers", "recruiting", "press", "media", "pr", "hr", "legal",
        "privacy", "abuse", "postmaster", "hostmaster", "webmaster", "security", "service",
        "customerservice", "enquiries", "inquiries", "feedback", "newsletter", "news",
        "orders", "reception", "mail", "all", "staff", "partners", "events", "it", "dev",
        "ops", "root", "notifications", "alerts", "bounce", "bounces", "mailer-daemon",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class EmailResult:
    """An e-mail address normalised, or the reason it was refused.

    ``canonical`` is the match key, ``address`` the deliverable form (local part as typed,
    domain lowercased ASCII), ``domain``/``domain_unicode`` the ASCII (punycode) and Unicode
    forms of the domain. ``code`` is a stable machine code and ``reason`` a human sentence,
    both ``None`` when the address is valid.
    """

    original: str
    canonical: str | None
    address: str | None = None
    domain: str | None = None
    domain_unicode: str | None = None
    code: str | None = None
    reason: str | None = None
    is_role: bool = False
    is_freemail: bool = False

    @property
    def is_valid(self) -> bool:
        """True when the address passed every check."""
        return self.canonical is not None


def _refuse(original: str, code: str, reason: str) -> EmailResult:
    return EmailResult(original=original, canonical=None, code=code, reason=reason)


def _local_part_problem(local: str) -> tuple[str, str] | None:
    """Return (code, reason) when the unquoted local part breaks RFC 5322/6531 rules."""
    if not local:
        return "empty_local_part", "nothing before the @"
    if local.startswith('"'):
        return "unsupported_quoted_local_part", "quoted local parts are not supported"
    if len(local.encode("utf-8")) > MAX_LOCAL_LENGTH:
        return "local_part_too_long", f"the part before @ is over {MAX_LOCAL_LENGTH} octets"
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return "bad_local_part", "the part before @ has a leading, trailing or double dot"
    if _ASCII_ATEXT.fullmatch(local):
        return None
    for char in local:
        if char.isascii() and not (char.isalnum() or char in _ATEXT_SYMBOLS):
            return "bad_local_part", f"character {char!r} is not allowed before the @"
        if not char.isascii() and unicodedata.category(char)[0] not in "LMN":
            return "bad_local_part", f"character {char!r} is not allowed before the @"
    return None


def _local_key(local: str, domain: str) -> str:
    """Apply the provider rule from the module table to a lowercased local part."""
    if domain in _GMAIL_DOMAINS:
        return local.split("+", 1)[0].replace(".", "")
    if domain in _PLUS_TAG_DOMAINS:
        return local.split("+", 1)[0]
    return local


# Pure and called again for the same values on every re-clustering; results are frozen.
@functools.lru_cache(maxsize=262_144)
def normalize_email(raw: str) -> EmailResult:
    """Check an e-mail address and build its provider-aware match key.

    Input is NFKC-folded (full-width forms become ASCII) and trimmed; the domain is
    lowercased and IDNA-encoded. Bad input never raises: the result carries ``code`` and
    ``reason`` instead.

    Example:
        >>> r = normalize_email("  John.Smith+news@GoogleMail.com ")
        >>> r.canonical, r.is_freemail
        ('johnsmith@gmail.com', True)
        >>> normalize_email("info@bücher.de").canonical
        'info@xn--bcher-kva.de'
        >>> normalize_email("john.example.com").code
        'missing_at'
    """
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return _refuse(raw, "empty", "the address is empty")
    if "@" not in text:
        return _refuse(raw, "missing_at", "the address has no @")
    local, _, domain_text = text.rpartition("@")
    if "@" in local and not local.startswith('"'):
        return _refuse(raw, "multiple_at", "the address has more than one @")
    problem = _local_part_problem(local)
    if problem is not None:
        return _refuse(raw, *problem)
    if domain_text.startswith("["):
        return _refuse(raw, "unsupported_ip_literal", "IP-literal domains are not supported")
    domain = encode_domain(domain_text)
    if domain.ascii is None or domain.code is not None:
        return _refuse(raw, domain.code or "bad_domain", domain.reason or "bad domain")
    address = f"{local}@{domain.ascii}"
    if len(address.encode("utf-8")) > MAX_ADDRESS_LENGTH:
        return _refuse(raw, "too_long", f"the address is over {MAX_ADDRESS_LENGTH} octets")
    lowered = unicodedata.normalize("NFKC", local.lower())
    key_domain = "gmail.com" if domain.ascii == "googlemail.com" else domain.ascii
    key_local = _local_key(lowered, domain.ascii)
    if not key_local:
        return _refuse(raw, "empty_mailbox", "nothing is left before the @ once the tag is cut")
    return EmailResult(
        original=raw,
        canonical=f"{key_local}@{key_domain}",
        address=address,
        domain=domain.ascii,
        domain_unicode=domain.unicode,
        is_role=lowered.split("+", 1)[0] in ROLE_LOCAL_PARTS,
        is_freemail=domain.ascii in FREEMAIL_DOMAINS,
    )

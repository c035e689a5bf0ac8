"""Unit tests of identity.email: real-world forms, refusals and properties."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from identity.email import normalize_email


def fullwidth(text: str) -> str:
    """Spell ASCII text with full-width forms (U+FF01..U+FF5E), as East Asian keyboards do."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("  John.Smith+news@GoogleMail.com ", "johnsmith@gmail.com"),
        ("j.o.h.n@gmail.com", "john@gmail.com"),
        ("John+promo@Outlook.com", "john@outlook.com"),
        ("a.b+x@hotmail.com", "a.b@hotmail.com"),
        ("me+shop@icloud.com", "me@icloud.com"),
        ("me+x@proton.me", "me@proton.me"),
        ("me+x@fastmail.com", "me@fastmail.com"),
        ("base-keyword@yahoo.com", "base-keyword@yahoo.com"),
        ("First.Last+x@Example.COM", "first.last+x@example.com"),
        (fullwidth("john@example.com"), "john@example.com"),
        ("info@bücher.de", "info@xn--bcher-kva.de"),
        ("info@xn--bcher-kva.de", "info@xn--bcher-kva.de"),
        ("müller@example.de", "müller@example.de"),
        ("o'brien@example.ie", "o'brien@example.ie"),
        ("user@example.com.", "user@example.com"),
    ],
)
def test_canonical_keys(raw: str, canonical: str) -> None:
    result = normalize_email(raw)
    assert result.canonical == canonical
    assert result.original == raw
    assert result.is_valid and result.code is None and result.reason is None


def test_unicode_domain_kept_beside_ascii() -> None:
    result = normalize_email("Info@BÜCHER.de")
    assert result.domain == "xn--bcher-kva.de"
    assert result.domain_unicode == "bücher.de"
    assert result.address == "Info@xn--bcher-kva.de"


def test_nfd_local_part_matches_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "müller@example.de")
    assert normalize_email(nfd).canonical == normalize_email("müller@example.de").canonical


@pytest.mark.parametrize(
    ("raw", "is_role", "is_freemail"),
    [
        ("info@acme.com", True, False),
        ("no-reply@acme.com", True, False),
        ("Support+eu@acme.com", True, False),
        ("jane@acme.com", False, False),
        ("jane@gmail.com", False, True),
        ("jane@gmx.de", False, True),
        ("hello@yahoo.co.uk", True, True),
    ],
)
def test_role_and_freemail_flags(raw: str, is_role: bool, is_freemail: bool) -> None:
    result = normalize_email(raw)
    assert (result.is_role, result.is_freemail) == (is_role, is_freemail)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("john.example.com", "missing_at"),
        ("a@b@example.com", "multiple_at"),
        ("@example.com", "empty_local_part"),
        ("john@", "empty_domain"),
        ("john@localhost", "bad_domain"),
        ("john@-acme.com", "bad_domain_label"),
        ("john@acme..com", "bad_domain_label"),
        ("john@acme.123", "bad_domain_label"),
        ("john@ac_me.com", "bad_domain_label"),
        (".john@acme.com", "bad_local_part"),
        ("jo..hn@acme.com", "bad_local_part"),
        ("jo hn@acme.com", "bad_local_part"),
        ("jo(hn@acme.com", "bad_local_part"),
        ('"john doe"@acme.com', "unsupported_quoted_local_part"),
        ("john@[192.0.2.1]", "unsupported_ip_literal"),
        ("x" * 65 + "@acme.com", "local_part_too_long"),
        ("john@" + "a" * 64 + ".com", "bad_domain_label"),
        ("john@" + ".".join(["a" * 60] * 5) + ".com", "domain_too_long"),
        ("x" * 64 + "@" + ".".join(["a" * 60] * 3 + ["b" * 10]) + ".com", "too_long"),
        ("+tag@gmail.com", "empty_mailbox"),
    ],
)
def test_refusals_carry_code_and_reason(raw: str, code: str) -> None:
    result = normalize_email(raw)
    assert result.canonical is None and not result.is_valid
    assert result.code == code
    assert result.reason
    assert result.original == raw


@given(st.text())
def test_never_raises(raw: str) -> None:
    result = normalize_email(raw)
    assert (result.canonical is None) == (result.code is not None)


@given(st.emails())
def test_generated_addresses_are_valid_and_idempotent(raw: str) -> None:
    result = normalize_email(raw)
    assert result.canonical is not None, result.reason
    assert normalize_email(result.canonical).canonical == result.canonical


@given(st.text(min_size=1))
def test_idempotent_on_any_accepted_text(raw: str) -> None:
    result = normalize_email(raw + "@example.com")
    if result.canonical is not None:
        assert normalize_email(result.canonical).canonical == result.canonical

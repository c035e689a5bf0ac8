"""Unit tests of identity.company: company keys and domains."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.provisional import domains

from identity.company import company_key, normalize_domain


def fullwidth(text: str) -> str:
    """Spell ASCII text with full-width forms (U+FF01..U+FF5E), as East Asian keyboards do."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Apple Inc.", "apple"),
        ("Apple, Inc", "apple"),
        ("Microsoft Corporation", "microsoft"),
        ("Acme LLC", "acme"),
        ("Acme Ltd", "acme"),
        ("Acme Limited", "acme"),
        ("ACME GmbH & Co. KG", "acme"),
        ("Siemens AG", "siemens"),
        ("Banco Santander, S.A.", "banco santander"),
        ("Danone SA", "danone"),
        ("Capgemini SAS", "capgemini"),
        ("Boulangerie Paul SARL", "boulangerie paul"),
        ("Philips N.V.", "philips"),
        ("Booking B.V.", "booking"),
        ("Nokia Oyj", "nokia"),
        ("Spotify AB", "spotify"),
        ("Volvo AB (publ)", "volvo"),
        ("Tesco PLC", "tesco"),
        ("Ford Motor Co.", "ford motor"),
        ("Oracle Corp", "oracle"),
        ("Telefónica, S.L.", "telefonica"),
        ("Fiat S.p.A.", "fiat"),
        ("BHP Group Pty Ltd", "bhp group"),
        ("The Coca-Cola Company", "coca cola"),
        ("Procter & Gamble Co.", "procter and gamble"),
        ("Société Générale", "societe generale"),
        (fullwidth("ACME Ltd"), "acme"),
        ("AB", "ab"),
        ("", ""),
    ],
)
def test_company_key(name: str, key: str) -> None:
    assert company_key(name) == key


@pytest.mark.parametrize(
    ("raw", "domain"),
    [
        ("acme.com", "acme.com"),
        ("ACME.COM.", "acme.com"),
        ("https://www.acme.com/about?x=1#team", "acme.com"),
        ("http://user:pw@WWW.Acme.com:8080/x", "acme.com"),
        ("www.acme.co.uk/contact", "acme.co.uk"),
        ("jane@acme.com", "acme.com"),
        ("HTTPS://www.Bücher.de:443/impressum", "xn--bcher-kva.de"),
        ("xn--bcher-kva.de", "xn--bcher-kva.de"),
        (fullwidth("www.acme.com"), "acme.com"),
        ("www.com", "www.com"),
        ("", None),
        ("not a domain", None),
        ("localhost", None),
        ("http://192.168.0.1/", None),
        ("http://[::1]/", None),
        ("http://[broken", None),
        ("-acme.com", None),
    ],
)
def test_normalize_domain(raw: str, domain: str | None) -> None:
    assert normalize_domain(raw) == domain


@given(st.text())
def test_company_key_is_idempotent(name: str) -> None:
    key = company_key(name)
    assert company_key(key) == key


@given(st.text())
def test_normalize_domain_never_raises_and_is_idempotent(raw: str) -> None:
    domain = normalize_domain(raw)
    if domain is not None:
        assert normalize_domain(domain) == domain


@given(domains())
def test_generated_domains_survive(domain: str) -> None:
    result = normalize_domain("https://" + domain + "/path")
    assert result is not None
    assert normalize_domain(result) == result

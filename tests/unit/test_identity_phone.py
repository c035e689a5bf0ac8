"""Unit tests of identity.phone: real-world forms, refusals and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from identity.phone import normalize_phone


def fullwidth(text: str) -> str:
    """Spell ASCII text with full-width forms (U+FF01..U+FF5E), as East Asian keyboards do."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(
    ("raw", "region", "canonical", "number_region", "number_type"),
    [
        ("030 1234567", "DE", "+49301234567", "DE", "fixed_line"),
        ("030/123 4567", "de", "+49301234567", "DE", "fixed_line"),
        ("+49 (0)30 1234567", None, "+49301234567", "DE", "fixed_line"),
        ("0049 30 1234567", "DE", "+49301234567", "DE", "fixed_line"),
        ("0151 23456789", "DE", "+4915123456789", "DE", "mobile"),
        ("+1 (650) 253-0000", None, "+16502530000", "US", "fixed_line_or_mobile"),
        ("650.253.0000", "US", "+16502530000", "US", "fixed_line_or_mobile"),
        ("+1 800 555 0199", "GB", "+18005550199", "US", "toll_free"),
        ("07400 123456", "GB", "+447400123456", "GB", "mobile"),
        ("+33 6 12 34 56 78", None, "+33612345678", "FR", "mobile"),
        (fullwidth("+49 30 1234567"), None, "+49301234567", "DE", "fixed_line"),
        ("+800 1234 5678", None, "+80012345678", "001", "toll_free"),
        ("tel:+1-650-253-0000", None, "+16502530000", "US", "fixed_line_or_mobile"),
    ],
)
def test_valid_numbers(
    raw: str, region: str | None, canonical: str, number_region: str, number_type: str
) -> None:
    result = normalize_phone(raw, region)
    assert result.canonical == canonical, result.reason
    assert (result.region, result.number_type) == (number_region, number_type)
    assert result.original == raw and result.is_valid and result.code is None


def test_extension_kept_apart_from_key() -> None:
    result = normalize_phone("+44 20 7946 0958 ext. 123", None)
    assert result.canonical == "+442079460958"
    assert result.extension == "123"


@pytest.mark.parametrize(
    ("raw", "region", "code"),
    [
        ("", "US", "empty"),
        ("   ", None, "empty"),
        ("call me", "US", "not_a_number"),
        ("0151 2345678", None, "missing_country_code"),
        ("+999 1234567", None, "invalid_country_code"),
        ("12", "US", "too_short"),
        ("+49 30 1234567891234567", None, "too_long"),
        ("+1 555 0100", None, "local_only"),
        ("+1 123 456 7890", None, "invalid_for_region"),
        ("030 1234567", "XX", "unknown_region"),
    ],
)
def test_refusals_carry_code_and_reason(raw: str, region: str | None, code: str) -> None:
    result = normalize_phone(raw, region)
    assert result.canonical is None and not result.is_valid
    assert result.code == code
    assert result.reason
    assert result.original == raw


@given(st.text(), st.sampled_from([None, "US", "DE", "GB", "FR", "JP", "IN", "BR"]))
def test_never_raises_and_is_idempotent(raw: str, region: str | None) -> None:
    result = normalize_phone(raw, region)
    assert (result.canonical is None) == (result.code is not None)
    if result.canonical is not None:
        again = normalize_phone(result.canonical, None)
        assert again.canonical == result.canonical
        assert again.number_type == result.number_type


@given(st.from_regex(r"\+?[0-9 ()./-]{1,25}", fullmatch=True), st.sampled_from([None, "DE"]))
def test_digit_strings_never_raise_and_are_idempotent(raw: str, region: str | None) -> None:
    result = normalize_phone(raw, region)
    if result.canonical is not None:
        assert normalize_phone(result.canonical, "US").canonical == result.canonical

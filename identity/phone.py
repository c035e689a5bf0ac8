"""Phone numbers: E.164 keys, validity with reasons and number type, via ``phonenumbers``.

``canonical`` is the E.164 form (``+4930123456``) and is the match key. A number without a
country code (no leading ``+`` or international prefix) needs ``default_region``, an ISO
3166-1 alpha-2 code such as ``"DE"``; numbers written with ``+`` ignore it.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType, ValidationResult

__all__ = ["PhoneResult", "has_country_code", "normalize_phone"]

# Lowercase names of libphonenumber's number types, as kept on the result.
_TYPE_NAMES: dict[int, str] = {
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
    PhoneNumberType.UNKNOWN: "unknown",
}
# Parse failures mapped to (code, reason).
_PARSE_ERRORS: dict[int, tuple[str, str]] = {
    NumberParseException.INVALID_COUNTRY_CODE: (
        "missing_country_code",
        "no valid country code and no usable default region",
    ),
    NumberParseException.NOT_A_NUMBER: ("not_a_number", "the text is not a phone number"),
    NumberParseException.TOO_SHORT_AFTER_IDD: (
        "too_short",
        "too few digits after the international prefix",
    ),
    NumberParseException.TOO_SHORT_NSN: ("too_short", "too few digits for a phone number"),
    NumberParseException.TOO_LONG: ("too_long", "too many digits for a phone number"),
}
# Length checks mapped to (code, reason); IS_POSSIBLE is not listed.
_LENGTH_ERRORS: dict[int, tuple[str, str]] = {
    ValidationResult.INVALID_COUNTRY_CODE: ("invalid_country_code", "unknown country code"),
    ValidationResult.TOO_SHORT: ("too_short", "too few digits for this country"),
    ValidationResult.TOO_LONG: ("too_long", "too many digits for this country"),
    ValidationResult.INVALID_LENGTH: ("invalid_length", "wrong number of digits for this country"),
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: (
        "local_only",
        "only dialable locally; the area code is missing",
    ),
}


@dataclass(frozen=True, slots=True)
class PhoneResult:
    """A phone number normalised to E.164, or the reason it was refused.

    ``number_type`` is a lowercase libphonenumber type (``"mobile"``, ``"fixed_line"``,
    ``"toll_free"``...), ``region`` the ISO region the number belongs to (``"001"`` for
    non-geographic numbers such as ``+800``), ``extension`` the
    dialled extension if one was written. ``code``/``reason`` are ``None`` when valid.
    """

    original: str
    canonical: str | None
    region: str | None = None
    number_type: str | None = None
    extension: str | None = None
    code: str | None = None
    reason: str | None = None

    @property
    def is_valid(self) -> bool:
        """True when the number passed every check."""
        return self.canonical is not None


def _refuse(original: str, code: str, reason: str) -> PhoneResult:
    return PhoneResult(original=original, canonical=None, code=code, reason=reason)


def _parse(raw: str, region: str | None) -> phonenumbers.PhoneNumber | tuple[str, str]:
    """Parse or return (code, reason)."""
    try:
        return phonenumbers.parse(raw, region)
    except NumberParseException as exc:
        written_plus = unicodedata.normalize("NFKC", raw).lstrip().startswith("+")
        if exc.error_type == NumberParseException.INVALID_COUNTRY_CODE and written_plus:
            return "invalid_country_code", "the country code after + does not exist"
        if exc.error_type == NumberParseException.INVALID_COUNTRY_CODE and region is None:
            return "missing_country_code", "no country code and no default region given"
        return _PARSE_ERRORS.get(exc.error_type, ("not_a_number", str(exc)))


def normalize_phone(raw: str, default_region: str | None = None) -> PhoneResult:
    """Check a phone number and return its E.164 form, type and region.

    Bad input never raises: the result carries ``code`` (``not_a_number``,
    ``missing_country_code``, ``too_short``, ``too_long``, ``invalid_length``,
    ``invalid_for_region``, ``unknown_region``...) and a human ``reason``.

    Example:
        >>> r = normalize_phone("030 1234567", "DE")
        >>> r.canonical, r.region, r.number_type
        ('+49301234567', 'DE', 'fixed_line')
        >>> normalize_phone("+1 (650) 253-0000").canonical
        '+16502530000'
        >>> normalize_phone("0151 2345678", None).code
        'missing_country_code'
    """
    region = default_region.strip().upper() if default_region else None
    if region is not None and region not in phonenumbers.SUPPORTED_REGIONS:
        return _refuse(raw, "unknown_region", f"default region {default_region!r} is unknown")
    # A number written with its country code reads the same in every region: one cache
    # entry serves the profile (no region) and survivorship (the record's country).
    return _normalize(raw, None if has_country_code(raw) else region)


def has_country_code(raw: str) -> bool:
    """True when the number is written with a leading + (full-width forms included)."""
    return unicodedata.normalize("NFKC", raw).lstrip().startswith("+")


# Pure and called again for the same values on every re-clustering; results are frozen.
@functools.lru_cache(maxsize=262_144)
def _normalize(raw: str, region: str | None) -> PhoneResult:
    if not raw.strip():
        return _refuse(raw, "empty", "the phone number is empty")
    parsed = _parse(raw, region)
    if isinstance(parsed, tuple):
        return _refuse(raw, *parsed)
    possible = phonenumbers.is_possible_number_with_reason(parsed)
    if possible in _LENGTH_ERRORS:
        return _refuse(raw, *_LENGTH_ERRORS[possible])
    if not phonenumbers.is_valid_number(parsed):
        where = phonenumbers.region_code_for_country_code(parsed.country_code or 0)
        return _refuse(raw, "invalid_for_region", f"not a valid number in region {where}")
    return PhoneResult(
        original=raw,
        canonical=phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164),
        region=phonenumbers.region_code_for_number(parsed),
        number_type=_TYPE_NAMES.get(phonenumbers.number_type(parsed), "unknown"),
        extension=parsed.extension or None,
    )

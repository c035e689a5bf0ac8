"""Valid phone numbers per country and the many ways people write them."""

from __future__ import annotations

from collections.abc import Callable
from random import Random
from typing import NamedTuple

from ingest.synthetic.seeds import between, pick


class Phone(NamedTuple):
    """A phone number: its country and national significant number (digits only)."""

    country: str
    nsn: str

    @property
    def e164(self) -> str:
        """The canonical form, e.g. +4915123456789."""
        return f"+{CALLING_CODE[self.country]}{self.nsn}"


CALLING_CODE: dict[str, str] = {
    "US": "1",
    "GB": "44",
    "DE": "49",
    "FR": "33",
    "ES": "34",
    "IT": "39",
}
# Digit dialled before the national number inside the country ("" where there is none).
TRUNK_PREFIX: dict[str, str] = {"US": "", "GB": "0", "DE": "0", "FR": "0", "ES": "", "IT": ""}

# Area codes checked valid with `phonenumbers` (see tests).
_US_AREAS = (
    "212",
    "415",
    "312",
    "617",
    "206",
    "512",
    "303",
    "404",
    "305",
    "702",
    "646",
    "718",
    "213",
    "310",
    "773",
    "202",
)
_DE_MOBILE_10 = (
    "160",
    "162",
    "163",
    "170",
    "171",
    "172",
    "173",
    "174",
    "175",
    "176",
    "177",
    "178",
    "179",
)
_IT_MOBILE = (
    "320",
    "328",
    "329",
    "333",
    "334",
    "335",
    "336",
    "338",
    "339",
    "340",
    "345",
    "346",
    "347",
    "348",
    "349",
)


def _digits(rng: Random, count: int) -> str:
    return str(int(rng.random() * (10**count))).zfill(count)


def _us(rng: Random, mobile: bool) -> str:
    return pick(rng, _US_AREAS) + str(between(rng, 2, 9)) + _digits(rng, 6)


def _gb(rng: Random, mobile: bool) -> str:
    if mobile:
        return "7" + pick(rng, "458") + _digits(rng, 8)
    if rng.random() < 0.6:
        return "20" + pick(rng, "783") + _digits(rng, 7)
    return "161" + pick(rng, "2345789") + _digits(rng, 6)


def _de(rng: Random, mobile: bool) -> str:
    if mobile:
        if rng.random() < 0.5:
            return "15" + pick(rng, "1257") + _digits(rng, 8)
        return pick(rng, _DE_MOBILE_10) + _digits(rng, 7)
    area, first = pick(rng, (("30", "2345689"), ("89", "12345"), ("40", "2345")))
    return area + pick(rng, first) + _digits(rng, 7)


def _fr(rng: Random, mobile: bool) -> str:
    if mobile:
        if rng.random() < 0.7:
            return "6" + pick(rng, "4567") + _digits(rng, 7)
        return "7" + pick(rng, "5678") + _digits(rng, 7)
    return "1" + pick(rng, "2345") + _digits(rng, 7)


def _es(rng: Random, mobile: bool) -> str:
    if mobile:
        return "6" + _digits(rng, 8)
    return pick(rng, ("91", "93")) + pick(rng, "2345") + _digits(rng, 6)


def _it(rng: Random, mobile: bool) -> str:
    if mobile:
        return pick(rng, _IT_MOBILE) + _digits(rng, 7)
    return pick(rng, ("06", "02")) + pick(rng, "3456789") + _digits(rng, 7)


_MAKERS: dict[str, Callable[[Random, bool], str]] = {
    "US": _us,
    "GB": _gb,
    "DE": _de,
    "FR": _fr,
    "ES": _es,
    "IT": _it,
}


def make_phone(rng: Random, country: str, *, mobile: bool) -> Phone:
    """A valid mobile or landline number in `country`."""
    return Phone(country, _MAKERS[country](rng, mobile))


def groups(phone: Phone) -> list[str]:
    """The digit groups people use when writing the national number."""
    nsn = phone.nsn
    sizes: tuple[int, ...]
    if phone.country == "US" or (phone.country == "IT" and nsn.startswith("3")):
        sizes = (3, 3, 4)
    elif phone.country == "FR":
        sizes = (1, 2, 2, 2, 2)
    elif phone.country == "ES":
        sizes = (3, 3, 3)
    elif phone.country == "IT":
        sizes = (2, 4, 4)
    elif phone.country == "GB":
        sizes = (4, 6) if nsn.startswith("7") else (2, 4, 4) if nsn.startswith("2") else (3, 3, 4)
    else:  # DE: area or mobile prefix, then the rest
        sizes = (3, len(nsn) - 3) if nsn.startswith("1") else (2, len(nsn) - 2)
    return _cut(nsn, sizes)


def _cut(text: str, sizes: tuple[int, ...]) -> list[str]:
    parts, start = [], 0
    for size in sizes:
        parts.append(text[start : start + size])
        start += size
    return parts


# Writing styles, from canonical to messy; every one parses back to the same E.164 number
# when read with the person's country as the default region.
PHONE_STYLES = (
    "e164",
    "intl",
    "intl_dash",
    "intl_trunk",
    "idd",
    "national",
    "national_dash",
    "national_dot",
    "national_slash",
    "compact",
    "us_one",
)


def format_phone(phone: Phone, style: str) -> str:
    """`phone` written in `style` (one of PHONE_STYLES)."""
    code, trunk, parts = CALLING_CODE[phone.country], TRUNK_PREFIX[phone.country], groups(phone)
    if style == "e164":
        return phone.e164
    if style in ("intl", "intl_trunk", "idd", "intl_dash"):
        return _international(phone, style, code, trunk, parts)
    if phone.country == "US":
        return _us_national(style, parts)
    national = [trunk + parts[0], *parts[1:]]
    separator = {"national_dash": "-", "national_dot": ".", "compact": ""}.get(style, " ")
    if style == "national_slash" and phone.country == "DE":
        return national[0] + "/" + "".join(national[1:])
    return separator.join(national)


def _international(phone: Phone, style: str, code: str, trunk: str, parts: list[str]) -> str:
    body = " ".join(parts)
    if style == "intl_dash":
        return f"+{code}-" + "-".join(parts)
    if style == "intl_trunk" and trunk:
        return f"+{code} ({trunk}){body}"
    if style == "idd" and phone.country != "US":
        return f"00{code} {body}"
    return f"+{code} {body}"


def _us_national(style: str, parts: list[str]) -> str:
    area, exchange, line = parts
    return {
        "national": f"({area}) {exchange}-{line}",
        "national_dash": f"{area}-{exchange}-{line}",
        "national_dot": f"{area}.{exchange}.{line}",
        "compact": f"{area}{exchange}{line}",
        "us_one": f"1-{area}-{exchange}-{line}",
    }.get(style, f"({area}) {exchange}-{line}")

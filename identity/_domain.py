"""Shared host-name checks: Unicode folding, IDNA encoding and label rules (private)."""

from __future__ import annotations

import encodings.idna
import functools
import re
import unicodedata
from dataclasses import dataclass

# Full stops that IDNA (RFC 3490 section 3.1) treats as label separators.
_DOTS = re.compile("[\u002e\u3002\uff0e\uff61]")
# An ASCII label after IDNA: letters, digits and inner hyphens (RFC 1123).
_LDH = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
# Longest host name in its ASCII form (RFC 1035, without the trailing dot).
MAX_DOMAIN_LENGTH = 253


@dataclass(frozen=True, slots=True)
class Domain:
    """A host name checked and encoded, or the reason it was refused."""

    ascii: str | None
    unicode: str | None
    code: str | None = None
    reason: str | None = None


def _refuse(code: str, reason: str) -> Domain:
    return Domain(ascii=None, unicode=None, code=code, reason=reason)


def _encode_label(label: str) -> tuple[str, str] | str:
    """Return (ascii, unicode) for one label, or a reason string."""
    try:
        ascii_label = encodings.idna.ToASCII(label).decode("ascii").lower()
        unicode_label = encodings.idna.ToUnicode(ascii_label)
    except UnicodeError as exc:
        return f"label {label!r} cannot be IDNA-encoded ({exc})"
    if not _LDH.match(ascii_label):
        return f"label {label!r} must be letters, digits and inner hyphens"
    return ascii_label, unicode_label


# Customers share a few thousand mail domains; IDNA-encoding each again was a quarter of
# profiling a record.
@functools.lru_cache(maxsize=65_536)
def encode_domain(raw: str) -> Domain:
    """Fold, split and IDNA-encode a host name; require at least two labels."""
    text = unicodedata.normalize("NFKC", raw).strip().lower()
    text = _DOTS.sub(".", text).removesuffix(".")
    if not text:
        return _refuse("empty_domain", "the domain is empty")
    labels = text.split(".")
    if len(labels) < 2:
        return _refuse("bad_domain", f"domain {text!r} needs at least one dot")
    ascii_labels: list[str] = []
    unicode_labels: list[str] = []
    for label in labels:
        if not label:
            return _refuse("bad_domain_label", f"domain {text!r} has an empty label")
        encoded = _encode_label(label)
        if isinstance(encoded, str):
            return _refuse("bad_domain_label", encoded)
        ascii_labels.append(encoded[0])
        unicode_labels.append(encoded[1])
    if ascii_labels[-1].isdigit():
        return _refuse("bad_domain_label", f"top-level label {labels[-1]!r} is all digits")
    ascii_name = ".".join(ascii_labels)
    if len(ascii_name) > MAX_DOMAIN_LENGTH:
        return _refuse("domain_too_long", f"domain is over {MAX_DOMAIN_LENGTH} characters")
    return Domain(ascii=ascii_name, unicode=".".join(unicode_labels))

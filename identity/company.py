"""Organisations: a folded company-name key and the company's web domain.

The domain is the company's identity; the name key is a blocking and comparison aid.
``company_key`` folds like :func:`identity.names.name_key` (case, accents, width), except
that dots are dropped rather than spaced (``S.A.`` becomes ``sa``, ``Co.`` becomes ``co``),
``&`` becomes ``and``, a leading ``the`` is dropped, and legal-form suffixes are stripped
from the end repeatedly (``GmbH & Co. KG`` goes entirely). A name made only of a legal
form (``"AB"``) keeps it, so the key is never empty for a non-empty name.
"""

from __future__ import annotations

import functools
import unicodedata
from urllib.parse import urlsplit

from identity._domain import encode_domain
from identity.names import name_key

__all__ = ["company_key", "normalize_domain"]

# Legal forms, as folded token sequences (dots removed), stripped from the end of names.
_LEGAL_FORMS: frozenset[tuple[str, ...]] = frozenset(
    tuple(form.split())
    for form in (
        "inc", "incorporated", "llc", "l l c", "ltd", "limited", "co ltd", "pty ltd", "pty",
        "gmbh", "mbh", "ag", "kg", "kgaa", "ohg", "ug", "se", "ev", "sa", "s a", "sas",
        "s a s", "sarl", "s a r l", "sasu", "eurl", "sl", "s l", "sll", "spa", "s p a", "srl",
        "s r l", "sapa", "bv", "b v", "nv", "n v", "vof", "oy", "oyj", "ab", "publ", "as",
        "asa", "aps", "a s", "plc", "co", "company", "corp", "corporation", "lp", "llp",
        "lllp", "pc", "pllc", "and co", "and company", "kk", "gk", "sdn bhd", "bhd", "pte",
        "pte ltd", "pvt ltd", "pvt", "ltda", "sa de cv", "s de rl", "cv", "zrt", "kft",
        "sp z o o", "spzoo", "doo", "d o o", "ooo", "zao", "oao", "pjsc", "jsc",
    )
)  # fmt: skip
# Longest legal form, in tokens.
_LONGEST_FORM = max(len(form) for form in _LEGAL_FORMS)


def _fold_company(name: str) -> list[str]:
    """Fold a company name into tokens: dots dropped, '&' spelled out, rest as name_key."""
    text = unicodedata.normalize("NFKC", name).replace(".", "").replace("&", " and ")
    return name_key(text).split()


def _strip_legal_forms(tokens: list[str]) -> list[str]:
    """Remove trailing legal forms while a distinctive token remains."""
    stripped = True
    while stripped:
        stripped = False
        for size in range(min(_LONGEST_FORM, len(tokens) - 1), 0, -1):
            if tuple(tokens[-size:]) in _LEGAL_FORMS:
                tokens, stripped = tokens[:-size], True
                break
    return tokens


@functools.lru_cache(maxsize=65_536)
def company_key(name: str) -> str:
    """Fold a company name and strip its legal form, for blocking and comparison.

    Example:
        >>> company_key("ACME GmbH & Co. KG")
        'acme'
        >>> company_key("Société Générale S.A.") == company_key("societe generale")
        True
        >>> company_key("The Coca-Cola Company")
        'coca cola'
    """
    tokens = _fold_company(name)
    while len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    return " ".join(_strip_legal_forms(tokens))


def normalize_domain(raw: str) -> str | None:
    """Reduce a URL, host name or e-mail address to the company's ASCII domain.

    Scheme, user info, ``www.``, port, path, query and fragment are removed; the host is
    lowercased and IDNA-encoded. Returns ``None`` when no valid domain is found.

    Example:
        >>> normalize_domain("HTTPS://www.Bücher.de:443/impressum?x=1")
        'xn--bcher-kva.de'
        >>> normalize_domain("jane@acme.com"), normalize_domain("not a domain")
        ('acme.com', None)
    """
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text or any(char.isspace() for char in text):
        return None
    if "://" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.removesuffix(".")
    if host.startswith("www.") and host.count(".") > 1:
        host = host.removeprefix("www.")
    return encode_domain(host).ascii

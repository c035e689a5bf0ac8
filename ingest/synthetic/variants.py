"""How real sources garble a person: typos, nicknames, Unicode forms, address and handle variants.

Each function takes the caller's random generator and returns one written form; the
canonical value stays in the world model as ground truth.
"""

from __future__ import annotations

import unicodedata
from random import Random

from ingest.synthetic.names import NICKNAMES
from ingest.synthetic.seeds import between, pick

_VOWELS = "aeiou"
# Words people add after `+` in a Gmail address to sort their mail.
PLUS_TAGS = ("shop", "news", "support", "brightwell", "promo", "2024", "orders", "spam")

_HANDLE_URLS: dict[str, tuple[str, ...]] = {
    "x": (
        "https://twitter.com/{h}",
        "https://x.com/{h}",
        "http://www.twitter.com/{h}",
        "twitter.com/{h}",
        "https://x.com/{h}?s=21",
        "https://mobile.twitter.com/{h}/",
        "x.com/{h}",
        "https://twitter.com/{h}?lang=en",
        "https://www.x.com/{h}/",
    ),
    "instagram": (
        "https://www.instagram.com/{h}/",
        "instagram.com/{h}",
        "https://instagram.com/{h}",
        "https://www.instagram.com/{h}/?hl=de",
        "https://instagram.com/{h}?igshid=MzRlODBiNWFlZA==",
        "http://instagr.am/{h}",
        "www.instagram.com/{h}/",
    ),
    "linkedin": (
        "https://www.linkedin.com/in/{h}/",
        "linkedin.com/in/{h}",
        "https://de.linkedin.com/in/{h}",
        "https://www.linkedin.com/in/{h}?trk=public_profile",
        "www.linkedin.com/in/{h}/",
        "http://linkedin.com/in/{h}",
    ),
}


def typo(rng: Random, text: str) -> str:
    """`text` with one slip of the keyboard (never on the first letter)."""
    if len(text) < 3:
        return text
    pos = between(rng, 1, len(text) - 2)
    kind = int(rng.random() * 4)
    if kind == 0:  # swap two neighbours
        return text[:pos] + text[pos + 1] + text[pos] + text[pos + 2 :]
    if kind == 1:  # drop a letter
        return text[:pos] + text[pos + 1 :]
    if kind == 2:  # double a letter
        return text[:pos] + text[pos] + text[pos:]
    return text[:pos] + pick(rng, _VOWELS) + text[pos + 1 :] if text[pos] in _VOWELS else text


def strip_accents(text: str) -> str:
    """`text` without diacritics (José -> Jose), as keyboards without dead keys write it."""
    decomposed = unicodedata.normalize("NFD", text.replace("ß", "ss"))
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", bare)


def to_nfd(text: str) -> str:
    """`text` in decomposed form: looks the same, compares different."""
    return unicodedata.normalize("NFD", text)


def to_fullwidth(text: str) -> str:
    """`text` in full-width forms (U+FF21...), as East Asian keyboards and stylish profiles do."""
    return "".join(
        chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else "\u3000" if ch == " " else ch for ch in text
    )


def nickname(rng: Random, given: str) -> str:
    """A nickname for `given`, or `given` itself when it has none."""
    forms = NICKNAMES.get(given)
    return pick(rng, forms) if forms else given


def garble(rng: Random, text: str, *, mess: float) -> str:
    """`text` as a careless source writes it; `mess` scales how often (0 = never)."""
    roll = rng.random()
    if roll < 0.03 * mess:
        return typo(rng, text)
    if roll < 0.06 * mess:
        return text.upper()
    if roll < 0.08 * mess:
        return text.lower()
    if roll < 0.20 * mess:
        return strip_accents(text)
    if roll < 0.26 * mess:
        return to_nfd(text)
    return text


def display_name(rng: Random, given: str, family: str) -> str:
    """The one-string name a person shows on a network."""
    roll = rng.random()
    if roll < 0.35:
        return f"{nickname(rng, given)} {family}"
    if roll < 0.5:
        return f"{given} {family[:1]}."
    if roll < 0.52:
        return to_fullwidth(f"{given} {family}")
    if roll < 0.6:
        return strip_accents(f"{given} {family}")
    return f"{given} {family}"


def full_name(rng: Random, given: str, family: str) -> str:
    """A `full_name` as forms and exports write it, sometimes family first."""
    roll = rng.random()
    if roll < 0.05:
        return f"{family}, {given}"
    if roll < 0.09:
        return f"{family.upper()} {given}"
    if roll < 0.12:
        return f"{family} {given}"
    return f"{given} {family}"


def email_variant(rng: Random, address: str, *, gmail: bool, mess: float = 1.0) -> str:
    """`address` as typed into some form: case changes, and at Gmail dots, +tags, googlemail."""
    local, _, domain = address.partition("@")
    if gmail and rng.random() < 0.5 * mess:
        local, domain = _gmail_variant(rng, local, domain)
    roll = rng.random()
    if roll < 0.1 * mess:
        local = local[:1].upper() + local[1:]
    elif roll < 0.14 * mess:
        local, domain = local.upper(), domain.upper()
    elif roll < 0.2 * mess:
        domain = domain.capitalize()
    return f"{local}@{domain}"


def _gmail_variant(rng: Random, local: str, domain: str) -> tuple[str, str]:
    """Gmail ignores dots and everything after `+`, and googlemail.com is the same mailbox."""
    roll = rng.random()
    if roll < 0.3:
        local = local.replace(".", "")
    elif roll < 0.5 and len(local) > 3:
        cut = between(rng, 1, len(local) - 2)
        if local[cut - 1] != "." and local[cut] != ".":
            local = local[:cut] + "." + local[cut:]
    elif roll < 0.85:
        local = f"{local}+{pick(rng, PLUS_TAGS)}"
    if rng.random() < 0.25:
        domain = "googlemail.com"
    return local, domain


def handle_form(rng: Random, platform: str, handle: str, *, url_share: float = 0.4) -> str:
    """`handle` written as a name, an `@name`, or a profile URL, in any letter case."""
    if platform != "linkedin":
        roll = rng.random()
        if roll < 0.15:
            handle = handle[:1].upper() + handle[1:]
        elif roll < 0.18:
            handle = handle.upper()
    if rng.random() < url_share:
        return pick(rng, _HANDLE_URLS[platform]).format(h=handle)
    if platform != "linkedin" and rng.random() < 0.5:
        return "@" + handle
    return handle


def handle_mention(platform: str, handle: str) -> str:
    """How a person is tagged inside a post on `platform`."""
    return "@" + handle

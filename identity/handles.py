"""Social handles: platform aliases, profile URLs and per-platform username rules.

``normalize_handle`` accepts a bare handle (``@Jack``), a profile URL in any usual form
(http or https or none, ``www.``/``m.``/``mobile.`` hosts, trailing slash, query string,
fragment, mixed case) or, for Mastodon, ``user@instance``. It returns the canonical
platform name and a canonical handle that is the match key within that platform.

========== =============================================== ===============================
Platform   Rule checked                                    Canonical form
========== =============================================== ===============================
x          1-15 of ``[A-Za-z0-9_]``                        lowercase name
instagram  1-30 of ``[a-z0-9._]``, no edge dot, no ``..``  lowercase name
linkedin   3-100 of ``[a-z0-9-]`` (``/in/`` or ``/pub/``)  lowercase slug; ``/pub/n/a/b/c``
                                                           becomes ``n-cba`` (LinkedIn's
                                                           own redirect rule)
github     1-39 alphanumerics or single inner hyphens      lowercase name
facebook   5-50 of ``[a-z0-9]`` once dots are removed,     lowercase without dots (Facebook
           or a numeric profile id                         ignores them), or the id digits
tiktok     2-24 of ``[a-z0-9._]``                          lowercase name
youtube    ``@handle`` (3-30 of ``[a-z0-9._-]``),          ``@handle``, ``c/name``,
           ``/c/name``, ``/user/name``, ``/channel/UC…``   ``user/name`` lowercase;
                                                           ``channel/UC…`` as typed (ids
                                                           are case-sensitive)
mastodon   user of ``[a-z0-9_]`` (1-30) at a valid domain  ``user@instance`` lowercase,
                                                           instance IDNA-encoded
========== =============================================== ===============================
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from identity._domain import encode_domain

__all__ = ["PLATFORMS", "HandleResult", "canonical_platform", "normalize_handle"]

# Canonical platform names, in the order of the module table.
PLATFORMS = (
    "x", "instagram", "linkedin", "github", "facebook", "tiktok", "youtube", "mastodon",
)  # fmt: skip
# Spellings of platform names (letters and digits only, lowercased) to canonical names.
_PLATFORM_ALIASES: dict[str, str] = {
    **{name: name for name in PLATFORMS},
    "twitter": "x", "xcom": "x", "twittercom": "x", "xtwitter": "x", "twitterx": "x",
    "ig": "instagram", "insta": "instagram", "instagramcom": "instagram",
    "li": "linkedin", "linkedincom": "linkedin",
    "gh": "github", "githubcom": "github",
    "fb": "facebook", "facebookcom": "facebook", "meta": "facebook",
    "tiktokcom": "tiktok", "douyin": "tiktok",
    "yt": "youtube", "youtubecom": "youtube",
    "fediverse": "mastodon", "mastodonsocial": "mastodon",
}  # fmt: skip
# Web hosts (after dropping www./m./mobile.) to canonical platform names.
_HOSTS: dict[str, str] = {
    "twitter.com": "x", "x.com": "x",
    "instagram.com": "instagram", "instagr.am": "instagram",
    "linkedin.com": "linkedin",
    "github.com": "github",
    "facebook.com": "facebook", "fb.com": "facebook", "fb.me": "facebook",
    "tiktok.com": "tiktok",
    "youtube.com": "youtube",
}  # fmt: skip
# Host prefixes that name the same site (mobile and regional LinkedIn hosts included).
_HOST_PREFIX = re.compile(r"^(?:www\.|m\.|mobile\.|web\.|[a-z]{2}\.(?=linkedin\.com$))")
# Text that looks like a URL: a scheme, or host-with-dot followed by a slash.
_URL_LIKE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|[^\s/@]+\.[^\s/@]+/)", re.IGNORECASE)
# First path segments that are site pages, not profiles.
_NOT_PROFILES: dict[str, frozenset[str]] = {
    "x": frozenset({"home", "i", "intent", "share", "search", "hashtag", "explore",
                    "settings", "messages", "notifications", "login", "signup", "tos"}),
    "instagram": frozenset({"p", "reel", "reels", "explore", "accounts", "direct", "tv"}),
    "github": frozenset({"settings", "marketplace", "explore", "topics", "features",
                         "about", "login", "join", "search", "sponsors", "apps"}),
    "facebook": frozenset({"groups", "events", "pages", "watch", "marketplace", "login",
                           "sharer", "sharer.php", "photo.php", "story.php", "hashtag"}),
}  # fmt: skip

_X_NAME = re.compile(r"^[a-z0-9_]{1,15}$")
_INSTAGRAM_NAME = re.compile(r"^[a-z0-9._]{1,30}$")
_LINKEDIN_SLUG = re.compile(r"^[a-z0-9-]{3,100}$")
_GITHUB_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}$")
_FACEBOOK_NAME = re.compile(r"^[a-z0-9]{5,50}$")
_DIGITS = re.compile(r"^[0-9]{1,20}$")
_TIKTOK_NAME = re.compile(r"^[a-z0-9._]{2,24}$")
_YOUTUBE_HANDLE = re.compile(r"^[a-z0-9._-]{3,30}$")
_YOUTUBE_NAME = re.compile(r"^[a-z0-9._-]{1,100}$")
_YOUTUBE_CHANNEL = re.compile(r"^UC[A-Za-z0-9_-]{22}$")
_MASTODON_USER = re.compile(r"^[a-z0-9_]{1,30}$")


@dataclass(frozen=True, slots=True)
class HandleResult:
    """A social handle normalised, or the reason it was refused.

    ``platform`` is the canonical platform name when one was given or inferred, even when
    the handle itself is refused. ``code``/``reason`` are ``None`` when valid.
    """

    original: str
    platform: str | None
    canonical: str | None
    code: str | None = None
    reason: str | None = None

    @property
    def is_valid(self) -> bool:
        """True when the handle passed its platform's rules."""
        return self.canonical is not None


class _Rejected(Exception):
    """Internal signal carrying (code, reason); never leaves this module."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True, slots=True)
class _Input:
    """The raw text split into a URL's parts, or a bare handle in ``segments[0]``."""

    host: str | None
    segments: tuple[str, ...]
    query: dict[str, list[str]]


def canonical_platform(name: str) -> str | None:
    """Map a platform name or alias to its canonical name, or ``None`` if unknown.

    Example:
        >>> canonical_platform("Twitter"), canonical_platform("X"), canonical_platform("?")
        ('x', 'x', None)
    """
    key = re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKC", name).casefold())
    return _PLATFORM_ALIASES.get(key)


def _split_input(text: str) -> _Input:
    """Split URL-like text into host and path segments; keep other text whole."""
    if not _URL_LIKE.match(text):
        return _Input(host=None, segments=(text,), query={})
    parts = urlsplit(text if "://" in text else "//" + text)
    host = (parts.hostname or "").removesuffix(".")
    host = _HOST_PREFIX.sub("", host)
    segments = tuple(unquote(s) for s in parts.path.split("/") if s)
    return _Input(host=host, segments=segments, query=parse_qs(parts.query))


def _need(pattern: re.Pattern[str], value: str, rule: str) -> str:
    if not pattern.match(value):
        raise _Rejected("bad_handle", f"{value!r} breaks the rule: {rule}")
    return value


def _first_segment(data: _Input, platform: str) -> str:
    if not data.segments:
        raise _Rejected("not_a_profile", "the URL names no profile")
    first = data.segments[0]
    if data.host is not None and first.lower() in _NOT_PROFILES.get(platform, frozenset()):
        raise _Rejected("not_a_profile", f"/{first} is a {platform} page, not a profile")
    return first.removeprefix("@").lower()


def _parse_x(data: _Input) -> str:
    return _need(_X_NAME, _first_segment(data, "x"), "1-15 letters, digits or _")


def _parse_instagram(data: _Input) -> str:
    if data.host is not None and len(data.segments) > 1 and data.segments[0] == "stories":
        data = _Input(data.host, data.segments[1:], {})
    name = _need(_INSTAGRAM_NAME, _first_segment(data, "instagram"), "1-30 of a-z 0-9 . _")
    if name.startswith(".") or name.endswith(".") or ".." in name:
        raise _Rejected("bad_handle", f"{name!r} breaks the rule: no edge dot and no '..'")
    return name


def _parse_linkedin(data: _Input) -> str:
    segments = [s.lower() for s in data.segments]
    if data.host is None and len(segments) == 1 and "/" in segments[0]:
        segments = [s for s in segments[0].split("/") if s]
    if segments and segments[0] == "pub" and len(segments) >= 2:
        slug = segments[1] + ("-" + "".join(reversed(segments[2:5])) if segments[2:] else "")
    elif segments and segments[0] == "in" and len(segments) >= 2:
        slug = segments[1]
    elif data.host is None and len(segments) == 1:
        slug = segments[0]
    else:
        raise _Rejected("not_a_profile", "a LinkedIn profile URL has /in/<slug> or /pub/")
    return _need(_LINKEDIN_SLUG, slug, "3-100 of a-z 0-9 -")


def _parse_github(data: _Input) -> str:
    if data.host is not None and len(data.segments) > 1 and data.segments[0] == "orgs":
        data = _Input(data.host, data.segments[1:], {})
    rule = "1-39 letters or digits with single inner hyphens"
    return _need(_GITHUB_NAME, _first_segment(data, "github"), rule)


def _parse_facebook(data: _Input) -> str:
    ids = data.query.get("id", [])
    if data.segments[:1] == ("profile.php",) and ids:
        return _need(_DIGITS, ids[0].strip(), "a profile id is digits only")
    if data.segments[:1] == ("people",) and len(data.segments) >= 3:
        return _need(_DIGITS, data.segments[2], "a profile id is digits only")
    name = _first_segment(data, "facebook")
    if _DIGITS.match(name):
        return name
    if not re.fullmatch(r"[a-z0-9.]+", name):
        raise _Rejected("bad_handle", f"{name!r} breaks the rule: only a-z 0-9 and dots")
    return _need(_FACEBOOK_NAME, name.replace(".", ""), "5-50 letters or digits besides dots")


def _parse_tiktok(data: _Input) -> str:
    return _need(_TIKTOK_NAME, _first_segment(data, "tiktok"), "2-24 of a-z 0-9 . _")


def _parse_youtube(data: _Input) -> str:
    segments = list(data.segments)
    if data.host is None and "/" in segments[0]:
        segments = [s for s in segments[0].split("/") if s]
    if not segments:
        raise _Rejected("not_a_profile", "the URL names no channel")
    kind, rest = segments[0], segments[1:]
    if kind.lower() in ("channel", "c", "user") and not rest:
        raise _Rejected("not_a_profile", f"/{kind}/ is not followed by a name")
    if kind == "channel" or (not rest and _YOUTUBE_CHANNEL.match(kind)):
        channel = rest[0] if rest else kind
        return "channel/" + _need(_YOUTUBE_CHANNEL, channel, "UC and 22 id characters")
    if kind.lower() in ("c", "user"):
        return kind.lower() + "/" + _need(_YOUTUBE_NAME, rest[0].lower(), "a-z 0-9 . _ -")
    if kind.startswith("@") or data.host is None:
        handle = kind.removeprefix("@").lower()
        return "@" + _need(_YOUTUBE_HANDLE, handle, "3-30 of a-z 0-9 . _ -")
    return "c/" + _need(_YOUTUBE_NAME, kind.lower(), "a-z 0-9 . _ -")


def _parse_mastodon(data: _Input) -> str:
    if data.host is not None:
        segments = data.segments
        if len(segments) >= 2 and segments[0] == "users":
            user = segments[1]
        elif segments and segments[0].startswith("@"):
            user = segments[0][1:].split("@", 1)[0]
        else:
            raise _Rejected("not_a_profile", "a Mastodon profile URL has /@user or /users/")
        instance = data.host
    else:
        user, at, instance = data.segments[0].removeprefix("@").partition("@")
        if not at:
            raise _Rejected("missing_instance", "a Mastodon handle needs user@instance")
    user = _need(_MASTODON_USER, user.lower(), "1-30 of a-z 0-9 _")
    domain = encode_domain(instance)
    if domain.ascii is None:
        raise _Rejected("bad_instance", domain.reason or "the instance is not a domain")
    return f"{user}@{domain.ascii}"


# Parser of each canonical platform; each returns the canonical handle or raises _Rejected.
_PARSERS: dict[str, Callable[[_Input], str]] = {
    "x": _parse_x, "instagram": _parse_instagram, "linkedin": _parse_linkedin,
    "github": _parse_github, "facebook": _parse_facebook, "tiktok": _parse_tiktok,
    "youtube": _parse_youtube, "mastodon": _parse_mastodon,
}  # fmt: skip


def _infer_platform(data: _Input) -> str | None:
    """Guess the platform from the host, or from Mastodon's ``@user@instance`` shapes."""
    if data.host is not None:
        if data.host in _HOSTS:
            return _HOSTS[data.host]
        return "mastodon" if data.segments[:1] and data.segments[0][:1] == "@" else None
    return "mastodon" if re.fullmatch(r"@?[^@\s]+@[^@\s]+\.[^@\s]+", data.segments[0]) else None


def _resolve_platform(platform: str | None, data: _Input) -> str:
    inferred = _infer_platform(data)
    if platform is None:
        if inferred is None:
            raise _Rejected("unknown_platform", "no platform given and none can be inferred")
        return inferred
    named = canonical_platform(platform)
    if named is None:
        raise _Rejected("unknown_platform", f"platform {platform!r} is not supported")
    if data.host is not None and inferred not in (None, named) and named != "mastodon":
        raise _Rejected("platform_mismatch", f"the URL is for {inferred}, not {named}")
    return named


# Pure and called again for the same values on every re-clustering; results are frozen.
@functools.lru_cache(maxsize=262_144)
def normalize_handle(platform: str | None, raw: str) -> HandleResult:
    """Normalise a social handle or profile URL to a per-platform match key.

    ``platform`` may be any alias (``"Twitter"``, ``"X"``, ``"fb"``...) or ``None`` to infer
    it from a URL or a Mastodon ``user@instance``. Bad input never raises: the result carries
    ``code`` (``unknown_platform``, ``bad_handle``, ``not_a_profile``...) and a ``reason``
    naming the rule broken.

    Example:
        >>> normalize_handle(None, "https://mobile.twitter.com/Jack?lang=en").canonical
        'jack'
        >>> normalize_handle("linkedin", "linkedin.com/in/Jane-Doe-123/").canonical
        'jane-doe-123'
        >>> normalize_handle(None, "@Gargron@Mastodon.Social").canonical
        'gargron@mastodon.social'
        >>> normalize_handle("x", "@this_is_far_too_long").code
        'bad_handle'
    """
    text = unicodedata.normalize("NFKC", raw).strip()
    named = canonical_platform(platform) if platform is not None else None
    if not text:
        return HandleResult(raw, named, None, "empty", "the handle is empty")
    data = _split_input(text)
    try:
        resolved = _resolve_platform(platform, data)
    except _Rejected as exc:
        return HandleResult(raw, named, None, exc.code, exc.reason)
    try:
        canonical = _PARSERS[resolved](data)
    except _Rejected as exc:
        return HandleResult(raw, resolved, None, exc.code, exc.reason)
    return HandleResult(raw, resolved, canonical)

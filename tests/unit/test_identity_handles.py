"""Unit tests of identity.handles: URL forms, platform rules, refusals and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from identity.handles import PLATFORMS, canonical_platform, normalize_handle


def fullwidth(text: str) -> str:
    """Spell ASCII text with full-width forms (U+FF01..U+FF5E), as East Asian keyboards do."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(
    ("platform", "raw", "expected_platform", "canonical"),
    [
        (None, "https://mobile.twitter.com/Jack?lang=en", "x", "jack"),
        (None, "http://www.twitter.com/jack/", "x", "jack"),
        (None, "x.com/Jack/status/20#top", "x", "jack"),
        ("Twitter", "@Jack", "x", "jack"),
        ("X", "jack_dorsey", "x", "jack_dorsey"),
        ("x", fullwidth("@Jack"), "x", "jack"),
        (None, "HTTPS://WWW.INSTAGRAM.COM/Some.User/", "instagram", "some.user"),
        ("ig", "@natgeo", "instagram", "natgeo"),
        (None, "instagram.com/stories/natgeo/123", "instagram", "natgeo"),
        (None, "https://de.linkedin.com/in/Jane-Doe-123/?trk=x#a", "linkedin", "jane-doe-123"),
        ("LinkedIn", "linkedin.com/pub/john-doe/5/a43/b21", "linkedin", "john-doe-b21a435"),
        ("linkedin", "jane-doe-123", "linkedin", "jane-doe-123"),
        (None, "github.com/Torvalds", "github", "torvalds"),
        (None, "https://github.com/orgs/python/people", "github", "python"),
        ("GH", "@some-user", "github", "some-user"),
        (None, "https://www.facebook.com/profile.php?id=100004123456789", "facebook",
         "100004123456789"),
        (None, "https://m.facebook.com/people/Jane-Doe/100004123456789/", "facebook",
         "100004123456789"),
        (None, "fb.com/John.Smith.7", "facebook", "johnsmith7"),
        ("facebook", "johnsmith7", "facebook", "johnsmith7"),
        (None, "https://www.tiktok.com/@Some.One?lang=en", "tiktok", "some.one"),
        ("TikTok", "@some_one", "tiktok", "some_one"),
        (None, "https://www.youtube.com/@MrBeast/videos", "youtube", "@mrbeast"),
        (None, "youtube.com/channel/UCX6OQ3DkcsbYNE6H8uQQuVA", "youtube",
         "channel/UCX6OQ3DkcsbYNE6H8uQQuVA"),
        (None, "https://m.youtube.com/c/Foo", "youtube", "c/foo"),
        (None, "youtube.com/user/Foo", "youtube", "user/foo"),
        (None, "youtube.com/SomeLegacyName", "youtube", "c/somelegacyname"),
        ("yt", "@MrBeast", "youtube", "@mrbeast"),
        (None, "@Gargron@Mastodon.Social", "mastodon", "gargron@mastodon.social"),
        (None, "gargron@mastodon.social", "mastodon", "gargron@mastodon.social"),
        (None, "https://fosstodon.org/@Alice", "mastodon", "alice@fosstodon.org"),
        ("mastodon", "https://hachyderm.io/users/bob", "mastodon", "bob@hachyderm.io"),
        ("fediverse", "@anna@bücher.social", "mastodon", "anna@xn--bcher-kva.social"),
    ],
)  # fmt: skip
def test_real_world_forms(
    platform: str | None, raw: str, expected_platform: str, canonical: str
) -> None:
    result = normalize_handle(platform, raw)
    assert (result.platform, result.canonical) == (expected_platform, canonical), result.reason
    assert result.original == raw and result.is_valid and result.code is None


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [("Twitter", "x"), ("X", "x"), ("x.com", "x"), ("LinkedIn", "linkedin"), ("FB", "facebook"),
     ("Instagram", "instagram"), ("YouTube", "youtube"), ("Tik Tok", "tiktok"), ("nope", None)],
)  # fmt: skip
def test_platform_aliases(alias: str, canonical: str | None) -> None:
    assert canonical_platform(alias) == canonical


@pytest.mark.parametrize(
    ("platform", "raw", "code", "words"),
    [
        ("x", "", "empty", "empty"),
        (None, "@jack", "unknown_platform", "inferred"),
        ("myspace", "tom", "unknown_platform", "myspace"),
        ("x", "@this_is_far_too_long", "bad_handle", "1-15"),
        ("x", "jack-dorsey", "bad_handle", "1-15"),
        ("x", "https://twitter.com/home", "not_a_profile", "home"),
        ("x", "instagram.com/jack", "platform_mismatch", "instagram"),
        ("instagram", ".natgeo", "bad_handle", "edge dot"),
        ("instagram", "nat..geo", "bad_handle", "'..'"),
        ("instagram", "a" * 31, "bad_handle", "1-30"),
        ("instagram", "https://instagram.com/p/Cxyz/", "not_a_profile", "/p"),
        ("linkedin", "https://linkedin.com/company/acme", "not_a_profile", "/in/"),
        ("linkedin", "jd", "bad_handle", "3-100"),
        ("github", "-bad", "bad_handle", "hyphens"),
        ("github", "a--b", "bad_handle", "hyphens"),
        ("github", "a" * 40, "bad_handle", "1-39"),
        ("facebook", "abc", "bad_handle", "5-50"),
        ("facebook", "john_smith", "bad_handle", "dots"),
        ("tiktok", "a", "bad_handle", "2-24"),
        ("youtube", "youtube.com/channel/XYZ", "bad_handle", "UC"),
        ("youtube", "youtube.com/c/", "not_a_profile", "followed by a name"),
        ("mastodon", "alice", "missing_instance", "user@instance"),
        ("mastodon", "alice@localhost", "bad_instance", "dot"),
        ("mastodon", "https://fosstodon.org/about", "not_a_profile", "/@user"),
    ],
)
def test_refusals_name_the_rule(platform: str | None, raw: str, code: str, words: str) -> None:
    result = normalize_handle(platform, raw)
    assert result.canonical is None and not result.is_valid
    assert result.code == code
    assert result.reason is not None and words in result.reason
    assert result.original == raw


@given(st.sampled_from([None, *PLATFORMS, "twitter", "nope"]), st.text())
def test_never_raises_and_is_idempotent(platform: str | None, raw: str) -> None:
    result = normalize_handle(platform, raw)
    assert (result.canonical is None) == (result.code is not None)
    if result.canonical is not None:
        again = normalize_handle(result.platform, result.canonical)
        assert again.canonical == result.canonical, again.reason


@given(
    st.sampled_from(PLATFORMS),
    st.from_regex(r"@?[A-Za-z0-9._-]{1,40}(@[a-z]{1,10}\.[a-z]{2,5})?", fullmatch=True),
)
def test_handle_shaped_text_is_idempotent(platform: str, raw: str) -> None:
    result = normalize_handle(platform, raw)
    if result.canonical is not None:
        assert normalize_handle(platform, result.canonical).canonical == result.canonical

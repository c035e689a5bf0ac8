"""API keys, pure logic: generation, hashing, parsing, header extraction and role checks."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from graph_service import keys
from graph_service.keys import ANY_ROLE, INGEST_ROLES, AuthError, Role


def stored_row(text: str, *, role: str = "ingest", revoked: bool = False) -> dict[str, Any]:
    """A keys/credentials row for the key `text`, as the store returns it."""
    return {
        "id": keys.parse_key_id(text),
        "name": "robot",
        "role": role,
        "hash": keys.hash_key(text),
        "revoked": revoked,
        "used_seconds_ago": None,
    }


def test_generated_keys_have_the_documented_shape_and_parse_back() -> None:
    key = keys.generate_key()
    prefix, key_id, secret = key.text.split("_", 2)
    assert prefix == "gsk" and key_id == key.id and len(key_id) == 16
    assert len(secret) == 43  # 32 bytes, base64url without padding: 256 bits
    assert keys.parse_key_id(key.text) == key.id


def test_generated_keys_are_unique() -> None:
    generated = [keys.generate_key() for _ in range(200)]
    assert len({k.text for k in generated}) == 200
    assert len({k.id for k in generated}) == 200


@pytest.mark.parametrize(
    "text",
    [
        "",
        "gsk_",
        "gsk_0123456789abcdef",
        "gsk_0123456789abcdef_short",
        "xyz_0123456789abcdef_" + "a" * 43,
        "gsk_0123456789ABCDEF_" + "a" * 43,
        "gsk_0123456789abcdef_" + "a" * 43 + "\n",
        " gsk_0123456789abcdef_" + "a" * 43,
        "gsk_0123456789abcdef_" + "a" * 42 + "!",
    ],
)
def test_malformed_key_texts_have_no_id(text: str) -> None:
    assert keys.parse_key_id(text) is None


def test_hash_is_sha256_of_the_text_and_never_the_text() -> None:
    key = keys.generate_key()
    digest = keys.hash_key(key.text)
    assert digest == hashlib.sha256(key.text.encode()).hexdigest()
    assert key.text not in digest and key.text.split("_", 2)[2] not in digest


def test_verify_accepts_only_the_exact_key() -> None:
    key = keys.generate_key()
    stored = keys.hash_key(key.text)
    assert keys.verify_key(key.text, stored)
    tampered = key.text[:-1] + ("A" if key.text[-1] != "A" else "B")
    assert not keys.verify_key(tampered, stored)
    assert not keys.verify_key(keys.generate_key().text, stored)


def test_roles_and_what_they_allow() -> None:
    assert {r.value for r in Role} >= {"admin", "ingest", "read"}
    assert keys.role_allows("admin", INGEST_ROLES)
    assert keys.role_allows("ingest", INGEST_ROLES)
    assert not keys.role_allows("read", INGEST_ROLES)
    assert all(keys.role_allows(r.value, ANY_ROLE) for r in Role)
    assert not keys.role_allows("superuser", ANY_ROLE)


def test_parse_role_names_the_choices() -> None:
    assert keys.parse_role("read") is Role.READ
    with pytest.raises(keys.InvalidApiKeyInputError, match=r"role: 'root' is not one of admin"):
        keys.parse_role("root")


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"authorization": "Bearer gsk_a_b"}, "gsk_a_b"),
        ({"authorization": "bearer   gsk_a_b  "}, "gsk_a_b"),
        ({"x-api-key": "gsk_a_b"}, "gsk_a_b"),
        ({"authorization": "Basic dXNlcjpwYXNz", "x-api-key": "gsk_c_d"}, "gsk_c_d"),
        ({"authorization": "Bearer gsk_a_b", "x-api-key": "gsk_c_d"}, "gsk_a_b"),
        ({"authorization": "Bearer "}, None),
        ({"x-api-key": "  "}, None),
        ({}, None),
    ],
)
def test_extract_key_from_headers(headers: dict[str, str], expected: str | None) -> None:
    assert keys.extract_key(headers) == expected


def test_valid_key_with_an_allowed_role_authenticates() -> None:
    key = keys.generate_key()
    principal = keys.check_credentials(key.text, stored_row(key.text), INGEST_ROLES)
    assert principal == keys.Principal(key_id=key.id, name="robot", role=Role.INGEST)


@pytest.mark.parametrize("case", ["unknown", "wrong_secret", "revoked"])
def test_unknown_wrong_and_revoked_keys_get_the_same_401(case: str) -> None:
    key = keys.generate_key()
    row: dict[str, Any] | None = stored_row(key.text, revoked=case == "revoked")
    presented = key.text
    if case == "unknown":
        row = None
    elif case == "wrong_secret":
        presented = f"gsk_{key.id}_{keys.generate_key().text.split('_', 2)[2]}"
    with pytest.raises(AuthError) as caught:
        keys.check_credentials(presented, row, ANY_ROLE)
    assert (caught.value.status, caught.value.code) == (401, "unauthorized")
    assert caught.value.message == keys.unauthenticated().message


def test_revoked_key_with_the_wrong_role_is_401_not_403() -> None:
    key = keys.generate_key()
    with pytest.raises(AuthError) as caught:
        keys.check_credentials(
            key.text, stored_row(key.text, role="read", revoked=True), INGEST_ROLES
        )
    assert caught.value.status == 401


def test_wrong_role_is_403() -> None:
    key = keys.generate_key()
    with pytest.raises(AuthError) as caught:
        keys.check_credentials(key.text, stored_row(key.text, role="read"), INGEST_ROLES)
    assert (caught.value.status, caught.value.code) == (403, "forbidden")


@pytest.mark.parametrize(
    ("seconds", "expected"), [(None, True), (0, False), (59, False), (60, True)]
)
def test_last_used_is_written_at_most_once_a_minute(seconds: int | None, expected: bool) -> None:
    assert keys.needs_touch({"used_seconds_ago": seconds}) is expected


def test_error_bodies_leak_nothing_and_401_asks_for_bearer() -> None:
    response = keys.error_response(401, "unauthorized", keys.unauthenticated().message)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.body == b'{"error":"unauthorized","message":"a valid API key is required"}'
    assert "www-authenticate" not in keys.error_response(403, "forbidden", "x").headers

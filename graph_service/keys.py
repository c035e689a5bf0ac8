"""API keys: generation, hashing, role checks, the Neo4j store and request authentication.

A key reads `gsk_<id>_<secret>`: `id` (16 hex characters) is public and is what the key is
looked up by; `secret` is 256 random bits. Only a hash of the key text is stored, in
`(:ApiKey {id, name, role, hash, created_at, revoked_at, last_used_at})`.

Roles, and what each may do:

- `read`: query the GraphQL API and read the progress of ingest batches.
- `ingest`: everything `read` may, plus submit records (`POST /ingest`) and list, retry
  and purge quarantined records.
- `admin`: everything; key management is reserved to it once keys can be managed over
  the API (today the `graph-service keys` CLI manages them directly in Neo4j).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from typing import Any

from neo4j import AsyncDriver
from neo4j.exceptions import ServiceUnavailable, SessionExpired
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from graph_service.cypher import CypherLibrary
from graph_service.db import GraphClient
from graph_service.errors import GraphServiceError

logger = logging.getLogger(__name__)

# First part of every key's text, so leaked keys are easy to recognise and scan for.
KEY_PREFIX = "gsk"
# Bytes of the public key id (16 hex characters).
KEY_ID_BYTES = 8
# Bytes of the secret part: 256 bits from the OS's CSPRNG.
SECRET_BYTES = 32
# Seconds between two writes of a key's last_used_at (not one write per request).
TOUCH_INTERVAL_S = 60
# Longest key name accepted.
MAX_NAME_LENGTH = 200

_KEY_RE = re.compile(r"gsk_(?P<id>[0-9a-f]{16})_(?P<secret>[A-Za-z0-9_-]{43})")
# Hashed when a request names an unknown key id, so that path costs the same as a known one.
_DUMMY_HASH = hashlib.sha256(b"graph-service unknown key").hexdigest()


class Role(StrEnum):
    """What a key may do (see the module docstring)."""

    ADMIN = "admin"
    INGEST = "ingest"
    READ = "read"


# Roles accepted by endpoints that read only.
ANY_ROLE: frozenset[Role] = frozenset(Role)
# Roles accepted by endpoints that submit records or change the quarantine.
INGEST_ROLES: frozenset[Role] = frozenset({Role.ADMIN, Role.INGEST})


class ApiKeyError(GraphServiceError):
    """Root of API key errors."""


class InvalidApiKeyInputError(ApiKeyError):
    """A key cannot be created as asked (bad name or role)."""


class UnknownApiKeyError(ApiKeyError):
    """No key has the given id."""


class AuthError(ApiKeyError):
    """A request is not authenticated (401) or its key may not do this (403)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def unauthenticated() -> AuthError:
    """The one 401 for every missing, malformed, unknown, wrong or revoked key (leaks nothing)."""
    return AuthError(401, "unauthorized", "a valid API key is required")


def forbidden() -> AuthError:
    """The 403 for a valid key whose role may not do this."""
    return AuthError(403, "forbidden", "this API key's role may not do this")


@dataclass(frozen=True, slots=True)
class NewKey:
    """A freshly generated key: its public id and its full text (shown once)."""

    id: str
    text: str


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    """A stored key as listed: never its secret or hash."""

    id: str
    name: str
    role: str
    created_at: str
    revoked_at: str | None
    last_used_at: str | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> ApiKeyInfo:
        """Build from a row of the keys/* queries."""
        return cls(
            id=row["id"],
            name=row["name"],
            role=row["role"],
            created_at=row["created_at"],
            revoked_at=row["revoked_at"],
            last_used_at=row["last_used_at"],
        )


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request authenticated as."""

    key_id: str
    name: str
    role: Role


def generate_key() -> NewKey:
    """A new random key `gsk_<id>_<secret>`."""
    key_id = secrets.token_hex(KEY_ID_BYTES)
    return NewKey(key_id, f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(SECRET_BYTES)}")


def parse_key_id(text: str) -> str | None:
    """The id part of a well-formed key text, or None."""
    match = _KEY_RE.fullmatch(text)
    return match["id"] if match else None


def hash_key(text: str) -> str:
    """The stored form of a key: hex sha256 of its text.

    A fast hash is right here, unlike for passwords: the secret is 256 uniformly random
    bits, so there is no dictionary to try and brute force is out of reach however fast
    each guess is; a slow KDF (bcrypt, argon2) would only add latency to every request.
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def verify_key(text: str, stored_hash: str) -> bool:
    """True when `text` hashes to `stored_hash`, compared in constant time."""
    return hmac.compare_digest(hash_key(text), stored_hash)


def parse_role(value: str) -> Role:
    """The role called `value`, or InvalidApiKeyInputError naming the choices."""
    try:
        return Role(value)
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise InvalidApiKeyInputError(f"role: {value!r} is not one of {choices}") from None


def role_allows(role: str, allowed: Collection[Role]) -> bool:
    """True when a key of `role` may use an endpoint that accepts `allowed`."""
    return role in {r.value for r in allowed}


def extract_key(headers: Mapping[str, str]) -> str | None:
    """The key a request presents: `Authorization: Bearer <key>`, else `X-API-Key`."""
    authorization = headers.get("authorization", "")
    scheme, _, credentials = authorization.strip().partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    api_key = headers.get("x-api-key", "").strip()
    return api_key or None


def check_credentials(
    text: str, row: Mapping[str, Any] | None, allowed: Collection[Role]
) -> Principal:
    """Decide on a presented key given its stored row (None: unknown id); raise AuthError."""
    if row is None:
        verify_key(text, _DUMMY_HASH)
        raise unauthenticated()
    if not verify_key(text, row["hash"]) or row["revoked"]:
        raise unauthenticated()
    if not role_allows(row["role"], allowed):
        raise forbidden()
    return Principal(key_id=row["id"], name=row["name"], role=Role(row["role"]))


def needs_touch(row: Mapping[str, Any]) -> bool:
    """True when the key's last_used_at is unset or older than TOUCH_INTERVAL_S."""
    seconds = row.get("used_seconds_ago")
    return seconds is None or seconds >= TOUCH_INTERVAL_S


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise InvalidApiKeyInputError("name: must not be empty")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidApiKeyInputError(f"name: longer than {MAX_NAME_LENGTH} characters")
    return name


# --- the store, on the sync GraphClient (CLI, workers, tests) -----------------------------


def create_api_key(graph: GraphClient, *, name: str, role: str) -> tuple[ApiKeyInfo, str]:
    """Store a new key; returns what is listed about it and its text (show it once)."""
    checked_name, checked_role = _check_name(name), parse_role(role)
    key = generate_key()
    rows = graph.write(
        "keys/create",
        id=key.id,
        name=checked_name,
        role=checked_role.value,
        hash=hash_key(key.text),
    )
    return ApiKeyInfo.from_row(rows[0]), key.text


def list_api_keys(graph: GraphClient) -> list[ApiKeyInfo]:
    """Every key, oldest first, without secrets or hashes."""
    return [ApiKeyInfo.from_row(row) for row in graph.read("keys/list")]


def revoke_api_key(graph: GraphClient, key_id: str) -> ApiKeyInfo:
    """Revoke a key (again: no change); UnknownApiKeyError when no key has this id."""
    rows = graph.write("keys/revoke", id=key_id)
    if not rows:
        raise UnknownApiKeyError(f"id: no API key {key_id!r}")
    return ApiKeyInfo.from_row(rows[0])


def authenticate_key(graph: GraphClient, text: str, allowed: Collection[Role]) -> Principal:
    """Check a key's text and role against the store; raises AuthError."""
    key_id = parse_key_id(text)
    if key_id is None:
        raise unauthenticated()
    rows = graph.read("keys/credentials", id=key_id)
    principal = check_credentials(text, rows[0] if rows else None, allowed)
    if needs_touch(rows[0]):
        graph.write("keys/touch", id=key_id)
    return principal


# --- the same on the API's async driver --------------------------------------------------


@dataclass(frozen=True, slots=True)
class AsyncKeyStore:
    """Reads key credentials through the app's async driver."""

    driver: AsyncDriver
    library: CypherLibrary
    database: str

    async def credentials(self, key_id: str) -> dict[str, Any] | None:
        """The keys/credentials row of `key_id`, or None."""
        records, _, _ = await self.driver.execute_query(
            self.library.text("keys/credentials"), id=key_id, database_=self.database, routing_="r"
        )
        return records[0].data() if records else None

    async def touch(self, key_id: str) -> None:
        """Record a use of the key; a failure is logged, never fails the request."""
        try:
            await self.driver.execute_query(
                self.library.text("keys/touch"), id=key_id, database_=self.database, routing_="w"
            )
        except Exception as exc:  # last_used_at is informative; the request goes on
            logger.warning("could not record the use of API key %s: %s", key_id, exc)

    async def authenticate(self, text: str | None, allowed: Collection[Role]) -> Principal:
        """Check a presented key (None: none presented); raises AuthError."""
        key_id = parse_key_id(text) if text else None
        if text is None or key_id is None:
            raise unauthenticated()
        row = await self.credentials(key_id)
        principal = check_credentials(text, row, allowed)
        if row is not None and needs_touch(row):
            await self.touch(key_id)
        return principal


def key_store_of(request: Request) -> AsyncKeyStore:
    """The key store on the app's driver (filled in by the app's lifespan)."""
    state = request.app.state
    return AsyncKeyStore(state.driver, state.library, state.settings.neo4j_database)


async def authorize(request: Request, allowed: Collection[Role]) -> Principal:
    """Authenticate the request's key and check its role; raises AuthError (401/403)."""
    return await key_store_of(request).authenticate(extract_key(request.headers), allowed)


def error_response(status: int, code: str, message: str) -> JSONResponse:
    """The JSON error body every API endpoint uses: `{"error": code, "message": ...}`."""
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": code, "message": message}, status_code=status, headers=headers)


KeyedEndpoint = Callable[[Request, Principal], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def requires_key(allowed: Collection[Role]) -> Callable[[KeyedEndpoint], Endpoint]:
    """Decorate a Starlette endpoint `(request, principal)`: it runs only for a key whose
    role is in `allowed`; otherwise 401/403, or 503 when the key store is unreachable."""

    def decorate(endpoint: KeyedEndpoint) -> Endpoint:
        @wraps(endpoint)
        async def wrapper(request: Request) -> Response:
            try:
                principal = await authorize(request, allowed)
            except AuthError as exc:
                return error_response(exc.status, exc.code, exc.message)
            except (ServiceUnavailable, SessionExpired) as exc:
                logger.warning("API key store unreachable: %s", exc)
                return error_response(503, "unavailable", "keys cannot be checked right now")
            return await endpoint(request, principal)

        return wrapper

    return decorate

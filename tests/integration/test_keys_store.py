"""The API key store on the real Neo4j: create, list, authenticate, revoke, constraint."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Iterator

import pytest
from neo4j.exceptions import ConstraintError

from graph_service import keys
from graph_service.cypher import CypherLibrary
from graph_service.db import GraphClient, create_async_driver
from graph_service.keys import ANY_ROLE, INGEST_ROLES, AuthError, Role
from graph_service.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture
def created(graph: GraphClient) -> Iterator[list[str]]:
    """Ids of keys a test created; revoked afterwards so no test key stays usable."""
    ids: list[str] = []
    yield ids
    for key_id in ids:
        keys.revoke_api_key(graph, key_id)


def make_key(graph: GraphClient, created: list[str], name: str, role: str) -> tuple[str, str]:
    info, text = keys.create_api_key(graph, name=name, role=role)
    created.append(info.id)
    return info.id, text


def test_create_lists_the_key_without_secret_or_hash(
    graph: GraphClient, created: list[str], unique_id: str
) -> None:
    info, text = keys.create_api_key(graph, name=f"  {unique_id}  ", role="ingest")
    created.append(info.id)
    assert keys.parse_key_id(text) == info.id
    assert (info.name, info.role, info.revoked_at, info.last_used_at) == (
        unique_id,
        "ingest",
        None,
        None,
    )
    listed = {k.id: k for k in keys.list_api_keys(graph)}
    assert listed[info.id] == info
    secret = text.split("_", 2)[2]
    assert secret not in json.dumps(dataclasses.asdict(listed[info.id]))
    stored = graph.read("keys/credentials", id=info.id)[0]
    assert stored["hash"] == keys.hash_key(text) and secret not in stored["hash"]


def test_authenticate_checks_role_and_records_use(
    graph: GraphClient, created: list[str], unique_id: str
) -> None:
    key_id, text = make_key(graph, created, unique_id, "read")
    principal = keys.authenticate_key(graph, text, ANY_ROLE)
    assert principal == keys.Principal(key_id=key_id, name=unique_id, role=Role.READ)
    listed = {k.id: k for k in keys.list_api_keys(graph)}
    assert listed[key_id].last_used_at is not None
    with pytest.raises(AuthError) as caught:
        keys.authenticate_key(graph, text, INGEST_ROLES)
    assert caught.value.status == 403


def test_revoked_key_is_refused_and_revoking_again_keeps_the_first_time(
    graph: GraphClient, created: list[str], unique_id: str
) -> None:
    key_id, text = make_key(graph, created, unique_id, "admin")
    first = keys.revoke_api_key(graph, key_id)
    assert first.revoked_at is not None
    assert keys.revoke_api_key(graph, key_id).revoked_at == first.revoked_at
    with pytest.raises(AuthError) as caught:
        keys.authenticate_key(graph, text, ANY_ROLE)
    assert caught.value.status == 401


def test_unknown_and_forged_keys_are_401(
    graph: GraphClient, created: list[str], unique_id: str
) -> None:
    key_id, _ = make_key(graph, created, unique_id, "admin")
    forged = f"gsk_{key_id}_{keys.generate_key().text.split('_', 2)[2]}"
    for text in (keys.generate_key().text, forged, "not-a-key"):
        with pytest.raises(AuthError) as caught:
            keys.authenticate_key(graph, text, ANY_ROLE)
        assert caught.value.status == 401


def test_revoke_unknown_id_names_it(graph: GraphClient) -> None:
    with pytest.raises(keys.UnknownApiKeyError, match="ffffffffffffffff"):
        keys.revoke_api_key(graph, "ffffffffffffffff")


def test_bad_input_stores_nothing(graph: GraphClient, unique_id: str) -> None:
    with pytest.raises(keys.InvalidApiKeyInputError, match="role"):
        keys.create_api_key(graph, name=unique_id, role="root")
    with pytest.raises(keys.InvalidApiKeyInputError, match="name"):
        keys.create_api_key(graph, name="   ", role="read")
    assert unique_id not in {k.name for k in keys.list_api_keys(graph)}


def test_key_ids_are_unique_in_the_graph(
    graph: GraphClient, created: list[str], unique_id: str
) -> None:
    key_id, _ = make_key(graph, created, unique_id, "read")
    with pytest.raises(ConstraintError):
        graph.write("keys/create", id=key_id, name=unique_id, role="admin", hash="0" * 64)


def test_async_store_authenticates_like_the_sync_one(
    graph: GraphClient,
    created: list[str],
    unique_id: str,
    settings: Settings,
    library: CypherLibrary,
) -> None:
    key_id, text = make_key(graph, created, unique_id, "ingest")

    async def check() -> tuple[keys.Principal, list[int]]:
        driver = create_async_driver(settings)
        try:
            store = keys.AsyncKeyStore(driver, library, settings.neo4j_database)
            principal = await store.authenticate(text, INGEST_ROLES)
            statuses = []
            for presented, allowed in ((None, ANY_ROLE), (text, {Role.ADMIN})):
                try:
                    await store.authenticate(presented, allowed)
                except AuthError as exc:
                    statuses.append(exc.status)
            return principal, statuses
        finally:
            await driver.close()

    principal, statuses = asyncio.run(check())
    assert principal.key_id == key_id and principal.role is Role.INGEST
    assert statuses == [401, 403]

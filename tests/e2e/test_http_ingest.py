"""HTTP ingest through the real app: API keys, POST /ingest, GET /ingest/{batch}, a worker."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from redis import Redis
from starlette.testclient import TestClient

from graph_service import keys
from graph_service.app import create_app
from graph_service.db import GraphClient
from graph_service.local import free_port
from graph_service.settings import Settings
from tests.e2e.conftest import run_cli

pytestmark = pytest.mark.e2e

# Seconds a batch may take to reach "done" with one worker (its first chunk loads models).
DONE_TIMEOUT_S = 240


@pytest.fixture
def make_key(graph: GraphClient) -> Iterator[Any]:
    """Creates keys of a role; every one is revoked after the test."""
    made: list[str] = []

    def make(role: str, name: str = "e2e http ingest") -> str:
        info, text = keys.create_api_key(graph, name=name, role=role)
        made.append(info.id)
        return text

    yield make
    for key_id in made:
        keys.revoke_api_key(graph, key_id)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def contact(source: str, source_id: str, email: str) -> dict[str, Any]:
    return {
        "kind": "contact",
        "source": source,
        "source_id": source_id,
        "observed_at": "2026-01-02T03:04:05Z",
        "given_name": "Ada",
        "family_name": "Lovelace",
        "emails": [email],
    }


def wait_done(api: TestClient, status_url: str, key: str) -> dict[str, Any]:
    deadline = time.monotonic() + DONE_TIMEOUT_S
    while True:
        response = api.get(status_url, headers=bearer(key))
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if body["status"] == "done":
            return body
        assert time.monotonic() < deadline, f"batch not done after {DONE_TIMEOUT_S}s: {body}"
        time.sleep(0.5)


@pytest.mark.slow
def test_ingest_is_accepted_and_reaches_done(
    api: TestClient, graph: GraphClient, make_key: Any, worker: object, unique_id: str
) -> None:
    key = make_key("ingest")
    records = [contact(unique_id, str(n), f"{unique_id}-{n}@example.com") for n in range(3)]
    response = api.post("/ingest", json=records, headers=bearer(key))
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["lines"] == 3
    assert body["status_url"] == f"/ingest/{body['batch_id']}"
    assert response.headers["location"] == body["status_url"]
    done = wait_done(api, body["status_url"], key)
    assert done["batch_id"] == body["batch_id"]
    assert (done["chunks"], done["done_chunks"], done["lines"]) == (1, 1, 3)
    assert done["accepted"] == 3 and done["rejected"] == 0
    landed = graph.read("ingest/count_source_records")
    assert sum(row["records"] for row in landed if row["source"] == unique_id) == 3


@pytest.mark.slow
def test_one_bad_record_is_rejected_to_quarantine_and_the_batch_is_done(
    api: TestClient,
    settings: Settings,
    make_key: Any,
    worker: object,
    unique_id: str,
    redis_client: Redis[bytes],
) -> None:
    key = make_key("admin")
    lines = [
        json.dumps(contact(unique_id, "1", f"{unique_id}@example.com")),
        json.dumps({**contact(unique_id, "2", "x@example.com"), "observed_at": "yesterday"}),
        json.dumps(contact(unique_id, "3", f"{unique_id}-3@example.com")),
    ]
    small = settings.model_copy(update={"ingest_chunk_size": 2})
    with TestClient(create_app(small)) as client:
        response = client.post(
            "/ingest",
            content="\n".join(lines) + "\n",
            headers={**bearer(key), "Content-Type": "application/x-ndjson"},
        )
        assert response.status_code == 202, response.text
        done = wait_done(client, response.json()["status_url"], key)
    assert (done["chunks"], done["lines"]) == (2, 3)
    assert (done["accepted"], done["rejected"]) == (2, 1)
    key_id = keys.parse_key_id(key)
    entry = redis_client.hget("graph-service:quarantine", f"{done['batch_id']}:http/{key_id}:2")
    assert entry is not None
    quarantined = json.loads(entry)
    assert quarantined["payload"] == lines[1]
    assert {error["field"] for error in quarantined["errors"]} == {"observed_at"}


@pytest.mark.parametrize("header", ["Authorization", "X-API-Key"])
def test_unknown_key_is_401_and_says_nothing_more(api: TestClient, header: str) -> None:
    unknown = keys.generate_key().text
    value = f"Bearer {unknown}" if header == "Authorization" else unknown
    response = api.post("/ingest", json={"kind": "contact"}, headers={header: value})
    assert response.status_code == 401
    assert response.json() == {"error": "unauthorized", "message": "a valid API key is required"}
    assert response.headers["www-authenticate"] == "Bearer"


def test_missing_key_is_401_on_both_routes(api: TestClient) -> None:
    assert api.post("/ingest", json={"kind": "contact"}).status_code == 401
    assert api.get("/ingest/" + "0" * 32).status_code == 401


def test_revoked_key_is_401(api: TestClient, graph: GraphClient, make_key: Any) -> None:
    key = make_key("ingest")
    keys.revoke_api_key(graph, keys.parse_key_id(key) or "")
    response = api.post("/ingest", json={"kind": "contact"}, headers={"X-API-Key": key})
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert "revoked" not in response.text


def test_read_key_may_not_ingest_and_a_batch_is_seen_by_its_key_or_an_admin(
    api: TestClient, make_key: Any, unique_id: str
) -> None:
    reader, ingester, other = make_key("read"), make_key("ingest"), make_key("ingest")
    refused = api.post("/ingest", json=contact(unique_id, "1", "a@b.c"), headers=bearer(reader))
    assert refused.status_code == 403
    assert refused.json() == {
        "error": "forbidden",
        "message": "this API key's role may not do this",
    }
    accepted = api.post("/ingest", json=contact(unique_id, "1", "a@b.c"), headers=bearer(ingester))
    assert accepted.status_code == 202, accepted.text
    status_url = accepted.json()["status_url"]
    for owner_or_admin in (ingester, make_key("admin")):
        progress = api.get(status_url, headers=bearer(owner_or_admin))
        assert progress.status_code == 200
        assert progress.json()["lines"] == 1
        assert progress.json()["status"] in {"queued", "running", "done"}
    for stranger in (reader, other):  # as if the batch did not exist
        hidden = api.get(status_url, headers=bearer(stranger))
        assert hidden.status_code == 404
        assert hidden.json() == {"error": "not_found", "message": "no such ingest batch"}


def test_unknown_batch_is_404(api: TestClient, make_key: Any) -> None:
    key = make_key("read")
    for batch in ("f" * 32, "not-a-batch"):
        response = api.get(f"/ingest/{batch}", headers=bearer(key))
        assert response.status_code == 404
        assert response.json()["error"] == "not_found"


def test_malformed_json_is_400_naming_the_reason(api: TestClient, make_key: Any) -> None:
    key = make_key("ingest")
    response = api.post(
        "/ingest",
        content=b'[{"kind": "contact",',
        headers={**bearer(key), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"
    assert "not valid JSON" in response.json()["message"]


def test_wrong_content_type_is_415(api: TestClient, make_key: Any) -> None:
    key = make_key("ingest")
    response = api.post(
        "/ingest", content=b"kind=contact", headers={**bearer(key), "Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert "application/x-ndjson" in response.json()["message"]


def test_oversized_body_is_413_declared_or_not(settings: Settings, make_key: Any) -> None:
    key = make_key("ingest")
    headers = {**bearer(key), "Content-Type": "application/x-ndjson"}
    limited = settings.model_copy(update={"ingest_max_body_bytes": 1024})
    body = (json.dumps({"kind": "contact", "pad": "x" * 100}) + "\n").encode() * 20
    with TestClient(create_app(limited)) as client:
        declared = client.post("/ingest", content=body, headers=headers)
        streamed = client.post("/ingest", content=iter([body]), headers=headers)
    for response in (declared, streamed):
        assert response.status_code == 413
        assert "1024 bytes" in response.json()["message"]


@pytest.fixture
def served(settings: Settings, graph: object, redis_client: object) -> Iterator[str]:
    """The app under a real uvicorn on a loopback port, with a 1 KiB body limit."""
    limited = settings.model_copy(update={"ingest_max_body_bytes": 1024})
    config = uvicorn.Config(create_app(limited), host="127.0.0.1", port=free_port(), lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{config.port}"
    server.should_exit = True
    thread.join(timeout=30)


def test_chunked_body_cannot_bypass_the_limit(served: str, make_key: Any) -> None:
    key = make_key("ingest")
    sent: list[int] = []

    def parts() -> Iterator[bytes]:
        for _ in range(200):  # 200 x 100 bytes, no Content-Length: Transfer-Encoding: chunked
            sent.append(100)
            yield b" " * 99 + b"\n"

    headers = {**bearer(key), "Content-Type": "application/x-ndjson"}
    with httpx.Client(timeout=30) as client:
        try:
            response = client.post(f"{served}/ingest", content=parts(), headers=headers)
        except httpx.TransportError:
            pytest.fail("the server dropped the connection instead of answering 413")
    assert response.status_code == 413
    assert sum(sent) > 1024


def test_keys_cli_creates_lists_and_revokes(unique_id: str, graph: GraphClient) -> None:
    created = run_cli("keys", "create", "--name", unique_id, "--role", "read")
    assert created.returncode == 0, created.stderr
    text = created.stdout.strip()
    key_id = keys.parse_key_id(text)
    assert key_id is not None and "cannot be shown again" in created.stderr
    listed = run_cli("keys", "list", "--json")
    rows = {row["id"]: row for row in map(json.loads, listed.stdout.splitlines())}
    assert rows[key_id]["name"] == unique_id and rows[key_id]["revoked_at"] is None
    assert text.split("_", 2)[2] not in listed.stdout
    assert "hash" not in rows[key_id]
    table = run_cli("keys", "list").stdout
    assert table.splitlines()[0].split() == [
        "id",
        "name",
        "role",
        "created_at",
        "revoked_at",
        "last_used_at",
    ]
    assert key_id in table
    revoked = run_cli("keys", "revoke", key_id)
    assert revoked.returncode == 0, revoked.stderr
    rows = {
        row["id"]: row
        for row in map(json.loads, run_cli("keys", "list", "--json").stdout.splitlines())
    }
    assert rows[key_id]["revoked_at"] is not None
    unknown = run_cli("keys", "revoke", "ffffffffffffffff")
    assert unknown.returncode == 2 and "no API key" in unknown.stderr
    bad_role = run_cli("keys", "create", "--name", unique_id, "--role", "root")
    assert bad_role.returncode == 2 and "root" in bad_role.stderr


@pytest.mark.slow
def test_quarantine_list_show_retry_and_delete(
    api: TestClient, make_key: Any, worker: object, unique_id: str
) -> None:
    key = make_key("ingest")
    fixed = contact(unique_id, "1", f"{unique_id}@example.com")
    broken = [{**fixed, "observed_at": "yesterday"}, {**fixed, "source_id": "2", "kind": "nope"}]
    posted = api.post("/ingest", json=broken, headers=bearer(key))
    assert posted.status_code == 202, posted.text
    batch = posted.json()["batch_id"]
    assert wait_done(api, posted.json()["status_url"], key)["rejected"] == 2

    first_page = api.get("/quarantine", params={"run_id": batch, "limit": 1}, headers=bearer(key))
    assert first_page.status_code == 200, first_page.text
    assert first_page.json()["next_cursor"] == 1
    second_page = api.get(
        "/quarantine", params={"run_id": batch, "cursor": 1}, headers=bearer(key)
    ).json()
    assert second_page["next_cursor"] is None
    records = {r["line_no"]: r for r in first_page.json()["records"] + second_page["records"]}
    assert [json.loads(records[n]["payload"]) for n in (1, 2)] == broken
    assert records[1]["errors"][0]["field"] == "observed_at"
    assert records[2]["errors"][0]["field"] == "kind"
    shown = api.get(f"/quarantine/{records[1]['id']}", headers=bearer(key))
    assert shown.json() == records[1]

    retry = api.post(
        "/quarantine/retry",
        json={"ids": [records[1]["id"]], "payloads": {records[1]["id"]: json.dumps(fixed)}},
        headers=bearer(key),
    )
    assert retry.status_code == 202, retry.text
    assert retry.json()["lines"] == 1
    retried = wait_done(api, retry.json()["status_url"], key)
    assert (retried["accepted"], retried["rejected"]) == (1, 0)
    assert api.get(f"/quarantine/{records[1]['id']}", headers=bearer(key)).status_code == 404

    deleted = api.delete(f"/quarantine/{records[2]['id']}", headers=bearer(key))
    assert deleted.status_code == 200, deleted.text
    assert deleted.json() == {"id": records[2]["id"], "purged": True}
    assert api.delete(f"/quarantine/{records[2]['id']}", headers=bearer(key)).status_code == 404
    left = api.get("/quarantine", params={"run_id": batch}, headers=bearer(key)).json()
    assert left == {"records": [], "next_cursor": None}


def test_a_key_sees_only_its_own_quarantine_and_an_admin_sees_all(
    api: TestClient, make_key: Any, worker: object, unique_id: str
) -> None:
    owner_key = make_key("ingest")
    owner, other, admin = bearer(owner_key), bearer(make_key("ingest")), bearer(make_key("admin"))
    bad = contact(unique_id, "1", f"{unique_id}@example.com") | {"kind": "nope"}
    posted = api.post("/ingest", json=bad, headers=owner)
    assert posted.status_code == 202, posted.text
    batch = posted.json()["batch_id"]
    assert wait_done(api, posted.json()["status_url"], owner_key)["rejected"] == 1
    page = api.get("/quarantine", params={"run_id": batch}, headers=owner).json()
    qid = page["records"][0]["id"]

    assert api.get("/quarantine", params={"run_id": batch}, headers=other).status_code == 404
    everything = api.get("/quarantine", headers=other)
    assert everything.status_code == 403 and everything.json()["message"].startswith("run_id:")
    assert api.get(f"/quarantine/{qid}", headers=other).status_code == 404
    assert api.delete(f"/quarantine/{qid}", headers=other).status_code == 404
    retried = api.post("/quarantine/retry", json={"ids": [qid]}, headers=other)
    assert retried.status_code == 404 and qid in retried.json()["message"]
    every = api.post("/quarantine/retry", json={"all": True}, headers=other)
    assert every.status_code == 403 and every.json()["message"].startswith("all:")

    assert api.get(f"/quarantine/{qid}", headers=admin).json()["id"] == qid
    listed = api.get("/quarantine", params={"run_id": batch}, headers=admin).json()
    assert [r["id"] for r in listed["records"]] == [qid]
    assert api.delete(f"/quarantine/{qid}", headers=owner).status_code == 200


def test_quarantine_needs_an_ingest_or_admin_key(api: TestClient, make_key: Any) -> None:
    reader = bearer(make_key("read"))
    calls = [
        ("GET", "/quarantine", None),
        ("GET", "/quarantine/abc", None),
        ("POST", "/quarantine/retry", {"ids": ["abc"]}),
        ("DELETE", "/quarantine/abc", None),
    ]
    for method, path, body in calls:
        assert api.request(method, path, json=body).status_code == 401, path
        assert api.request(method, path, json=body, headers=reader).status_code == 403, path


def test_unknown_quarantine_ids_are_404(api: TestClient, make_key: Any) -> None:
    admin = bearer(make_key("admin"))
    unknown = "0" * 24
    assert api.get(f"/quarantine/{unknown}", headers=admin).status_code == 404
    assert api.delete(f"/quarantine/{unknown}", headers=admin).status_code == 404
    retry = api.post("/quarantine/retry", json={"ids": [unknown]}, headers=admin)
    assert retry.status_code == 404
    assert unknown in retry.json()["message"]
    bad = api.post("/quarantine/retry", json={"ids": []}, headers=admin)
    assert bad.status_code == 400 and bad.json()["message"].startswith("ids:")

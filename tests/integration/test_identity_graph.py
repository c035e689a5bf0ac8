"""Identity resolution against the real Neo4j: decisions, erasure, concurrency, evidence."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from graph_service.db import GraphClient
from graph_service.settings import Settings
from ingest import persons
from ingest.batches import RawLine
from ingest.records import parse_chunk
from ingest.resolution import ChunkOutcome, ResolverConfig, store_and_resolve

pytestmark = pytest.mark.integration

ACTOR = persons.Actor(by="test-suite", reason="integration test")


@pytest.fixture
def config(settings: Settings) -> ResolverConfig:
    return ResolverConfig.from_settings(settings)


def contact(source: str, source_id: str, **fields: Any) -> dict[str, Any]:
    record = {
        "kind": "contact",
        "source": source,
        "source_id": source_id,
        "observed_at": "2025-01-02T03:04:05Z",
    }
    record.update(fields)
    return record


def ingest(graph: GraphClient, config: ResolverConfig, *records: dict[str, Any]) -> ChunkOutcome:
    lines = [RawLine("test", i, json.dumps(r)) for i, r in enumerate(records)]
    parsed = parse_chunk(lines)
    assert not parsed.rejections, parsed.rejections
    return store_and_resolve(graph, parsed.rows, config, batch_id="test")


def surname(unique_id: str) -> str:
    """A family name no other test run uses: leftover records of earlier runs must not
    become probabilistic matches of this run's records."""
    letters = unique_id.removeprefix("test-").translate(str.maketrans("0123456789", "ghijklmnop"))
    return letters.capitalize()


def person_of(graph: GraphClient, source: str, source_id: str) -> str | None:
    rows = graph.read("persons/person_of_record", source=source, source_id=source_id)
    return rows[0]["person"] if rows else None


def test_shared_email_joins_records_with_evidence(
    graph: GraphClient, config: ResolverConfig, unique_id: str
) -> None:
    email = f"ann.lee.{unique_id}@example.org"
    outcome = ingest(
        graph,
        config,
        contact(
            "crm",
            f"{unique_id}-1",
            given_name="Ann",
            family_name=surname(unique_id),
            emails=[email],
        ),
        contact(
            "shop", f"{unique_id}-2", full_name=f"Ann {surname(unique_id)}", emails=[email.upper()]
        ),
    )
    assert outcome.accepted == 2
    first, second = (
        person_of(graph, "crm", f"{unique_id}-1"),
        person_of(graph, "shop", f"{unique_id}-2"),
    )
    assert first is not None and first == second
    why = persons.explain(graph, config, f"crm|{unique_id}-1", f"shop|{unique_id}-2")
    assert why["same_person_now"] is True
    rules = {entry["rule"] for entry in why["evidence"].values()}
    assert rules == {"identifier"}
    assert why["shared_identifiers"][0]["identifier"] == f"email:{email}"


@pytest.mark.parametrize("crm_first", [True, False], ids=["crm-first", "profile-first"])
def test_stored_evidence_says_why_a_probabilistic_pair_is_one_person_in_either_order(
    graph: GraphClient, config: ResolverConfig, unique_id: str, crm_first: bool
) -> None:
    family, company = surname(unique_id), {"name": f"Acme {surname(unique_id)}"}
    crm = contact("crm", f"{unique_id}-cy", given_name="Cy", family_name=family,
                  emails=[f"cy.{unique_id}@example.org"], company=company, title="CTO")  # fmt: skip
    profile = contact("linkedin", f"{unique_id}-li", given_name="Cy", family_name=family,
                      company=company, title="CTO") | {"kind": "social_profile",
                      "platform": "linkedin", "handle": f"cy-{family.lower()}-7"}  # fmt: skip
    for record in [crm, profile] if crm_first else [profile, crm]:
        ingest(graph, config, record)  # one chunk each
    keys = [f"crm|{unique_id}-cy", f"linkedin|{unique_id}-li"]
    why = persons.explain(graph, config, *keys)
    assert why["same_person_now"] is True
    # Whichever record the clustering hangs the link on, the graph stores it, pointing at
    # the other; the other is the person's first record.
    stored = {key: why["evidence"][key]["evidence"][0] for key in keys}
    linked = [key for key, e in stored.items() if e["rule"] == "probabilistic"]
    assert len(linked) == 1, stored
    (other,) = set(keys) - set(linked)
    assert stored[linked[0]]["linked_to"] == other and stored[other]["rule"] == "new"


@pytest.mark.parametrize("shop_first", [True, False])
def test_a_record_citing_another_systems_id_joins_that_systems_record(
    graph: GraphClient, config: ResolverConfig, unique_id: str, shop_first: bool
) -> None:
    """A CRM contact citing shop customer C-1 is the shop's contact record C-1 (its own id
    in its source), in either order, though they share no e-mail, phone or name spelling."""
    uid = unique_id
    shop = contact("shop", f"{uid}-C1", given_name="Robert", family_name=surname(uid),
                   emails=[f"rob.{uid}@example.org"])  # fmt: skip
    crm = contact("crm", f"{uid}-R9", full_name=f"Bob {surname(uid)}",
                  emails=[f"bob@{uid}.example.com"],
                  external_ids=[{"system": "shop", "value": f"{uid}-C1"}])  # fmt: skip
    for record in (shop, crm) if shop_first else (crm, shop):
        ingest(graph, config, record)
    person = person_of(graph, "shop", f"{uid}-C1")
    assert person is not None
    assert person_of(graph, "crm", f"{uid}-R9") == person
    why = persons.explain(graph, config, f"shop|{uid}-C1", f"crm|{uid}-R9")
    assert why["same_person_now"] is True
    assert f"external:shop:{uid}-C1" in [s["identifier"] for s in why["shared_identifiers"]]
    later = f"crm|{uid}-R9" if shop_first else f"shop|{uid}-C1"
    assert why["evidence"][later]["rule"] == "identifier"


def test_replay_is_duplicate_and_changes_nothing(
    graph: GraphClient, config: ResolverConfig, unique_id: str
) -> None:
    record = contact(
        "crm",
        unique_id,
        full_name=f"Bo {surname(unique_id)}",
        emails=[f"bo.{unique_id}@example.org"],
    )
    ingest(graph, config, record)
    before = person_of(graph, "crm", unique_id)
    replay = ingest(graph, config, record)
    assert (replay.accepted, replay.duplicate) == (0, 1)
    assert person_of(graph, "crm", unique_id) == before


def test_a_second_delivery_of_a_committed_chunk_counts_as_the_first(
    graph: GraphClient, config: ResolverConfig, unique_id: str
) -> None:
    """A chunk delivered again after its transaction committed (its worker died before the
    chunk was marked done) is not a duplicate of itself; another chunk's replay is."""
    fresh = contact("crm", unique_id, emails=[f"cy.{unique_id}@example.org"])
    seen = contact("crm", f"{unique_id}-seen", emails=[f"cy2.{unique_id}@example.org"])
    ingest(graph, config, seen)  # stored by an earlier run: a true duplicate below
    rows = parse_chunk([RawLine("test", i, json.dumps(r)) for i, r in enumerate([fresh, seen])])
    chunk = f"{unique_id}-chunk"
    counts = []
    for chunk_id in (chunk, chunk, f"{chunk}-other"):
        outcome = store_and_resolve(graph, rows.rows, config, batch_id="run", chunk_id=chunk_id)
        counts.append((outcome.accepted, outcome.duplicate))
    assert counts == [(1, 1), (1, 1), (0, 2)]


def stored_title(graph: GraphClient, source_id: str) -> tuple[str, str]:
    """The stored version's title and its person's golden title."""
    rows = graph.run_text(
        "MATCH (r:SourceRecord {source: 'crm', source_id: $id})-[:RESOLVED_TO]->(p:Person) "
        "RETURN r.payload AS payload, p.golden AS golden",
        id=source_id,
    )
    golden = json.loads(rows[0]["golden"])
    return json.loads(rows[0]["payload"])["title"], golden["title"]["value"]


@pytest.mark.parametrize("newest_first", [True, False])
def test_the_newest_version_of_a_record_wins_in_any_order(
    graph: GraphClient, config: ResolverConfig, unique_id: str, newest_first: bool
) -> None:
    """Versions arrive out of order (two workers, affinity chunks): the one observed last
    is stored and resolved; an older one arriving later is counted, not applied."""
    email = f"cy.{unique_id}@example.org"
    base = contact("crm", unique_id, full_name=f"Cy {surname(unique_id)}", emails=[email])
    old = base | {"title": "Intern", "observed_at": "2025-01-01T00:00:00Z"}
    new = base | {"title": "Director", "observed_at": "2025-06-01T00:00:00+02:00"}
    first, second = (new, old) if newest_first else (old, new)
    ingest(graph, config, first)
    later = ingest(graph, config, second)
    assert (later.accepted, later.duplicate) == ((0, 1) if newest_first else (1, 0))
    assert stored_title(graph, unique_id) == ("Director", "Director")
    both = ingest(graph, config, new, old)  # in one chunk too
    assert (both.accepted, both.duplicate) == (0, 2)
    assert stored_title(graph, unique_id) == ("Director", "Director")


def test_malformed_optional_fields_are_set_aside_with_warnings(
    graph: GraphClient, config: ResolverConfig, unique_id: str
) -> None:
    record = contact(
        "crm",
        unique_id,
        full_name=f"Cy {surname(unique_id)}",
        emails=[f"cy.{unique_id}@example.org"],
        phones=["+1 555 0100"],
        birth_date="2023-02-30",
        handles=[{"platform": "x", "handle": "this-handle-is-far-too-long-for-x"}],
    )
    outcome = ingest(graph, config, record)
    assert outcome.accepted == 1
    assert person_of(graph, "crm", unique_id) is not None
    (row,) = graph.run_text(
        "MATCH (r:SourceRecord {source: 'crm', source_id: $id}) RETURN r.warnings AS w",
        id=unique_id,
    )
    fields = {w["field"] for w in json.loads(row["w"])}
    assert {"birth_date", "phones[0]", "handles[0]"} <= fields


def test_split_survives_reingest(
    graph: GraphClient, config: ResolverConfig, unique_id: str
) -> None:
    email = f"dee.{unique_id}@example.org"
    records = [
        contact("crm", f"{unique_id}-1", full_name=f"Dee {surname(unique_id)}", emails=[email]),
        contact("shop", f"{unique_id}-2", full_name=f"Dee {surname(unique_id)}", emails=[email]),
        contact("support", f"{unique_id}-3", full_name=f"Dee {surname(unique_id)}", emails=[email]),
    ]
    ingest(graph, config, *records)
    person = person_of(graph, "crm", f"{unique_id}-1")
    assert person is not None
    kept, split_off = persons.split(graph, config, person, [f"support|{unique_id}-3"], ACTOR)
    assert kept != split_off
    assert person_of(graph, "support", f"{unique_id}-3") == split_off
    ingest(graph, config, *records)  # a plain replay
    changed = dict(records[2], title="Manager")  # and a changed version of the split record
    ingest(graph, config, changed)
    assert person_of(graph, "support", f"{unique_id}-3") == split_off
    assert person_of(graph, "crm", f"{unique_id}-1") == person_of(graph, "shop", f"{unique_id}-2")
    why = persons.explain(graph, config, kept, split_off)
    assert why["never_the_same_decision"] is True and why["same_person_now"] is False


def test_split_rebuilds_the_person_that_lost_records(
    graph: GraphClient, config: ResolverConfig, unique_id: str
) -> None:
    shared, own = f"eve.{unique_id}@example.org", f"eve.work.{unique_id}@example.org"
    name = f"Eve {surname(unique_id)}"
    ingest(
        graph,
        config,
        contact("crm", f"{unique_id}-1", full_name=name, emails=[shared]),
        contact("support", f"{unique_id}-2", full_name=name, emails=[shared, own]),
    )
    person = person_of(graph, "crm", f"{unique_id}-1")
    assert person is not None
    kept, split_off = persons.split(graph, config, person, [f"support|{unique_id}-2"], ACTOR)
    rows = graph.run_text(
        "MATCH (p:Person) WHERE p.id IN $ids "
        "RETURN p.id AS id, p.record_count AS records, "
        "[(p)-[:HAS_IDENTIFIER]->(i) | i.key] AS identifiers",
        ids=[kept, split_off],
    )
    by_id = {r["id"]: r for r in rows}
    assert by_id[kept]["records"] == 1, by_id
    assert f"email:{own}" not in by_id[kept]["identifiers"], by_id
    assert f"email:{own}" in by_id[split_off]["identifiers"], by_id


def test_merge_keeps_old_ids_resolving(
    graph: GraphClient, config: ResolverConfig, unique_id: str
) -> None:
    ingest(
        graph,
        config,
        contact(
            "crm",
            f"{unique_id}-1",
            full_name=f"Eve {surname(unique_id)}",
            emails=[f"e1.{unique_id}@ex.org"],
        ),
        contact(
            "shop",
            f"{unique_id}-2",
            full_name=f"Eva {surname(unique_id)}",
            emails=[f"e2.{unique_id}@ex.org"],
        ),
    )
    a, b = person_of(graph, "crm", f"{unique_id}-1"), person_of(graph, "shop", f"{unique_id}-2")
    assert a and b and a != b
    survivor = persons.merge(graph, config, a, b, ACTOR)
    assert survivor in (a, b)
    assert person_of(graph, "crm", f"{unique_id}-1") == survivor
    assert person_of(graph, "shop", f"{unique_id}-2") == survivor
    loser = b if survivor == a else a
    rows = graph.read("persons/records", ids=[loser])
    assert {r["person"] for r in rows} == {survivor}
    decision = graph.run_text(
        "MATCH (d:Decision {type: 'merge'}) WHERE $a IN d.persons RETURN d.by AS by, d.reason AS r",
        a=a,
    )
    assert decision == [{"by": "test-suite", "r": "integration test"}]


def test_never_merge_is_honoured_by_later_resolution(
    graph: GraphClient, config: ResolverConfig, unique_id: str
) -> None:
    one, two = f"f1.{unique_id}@ex.org", f"f2.{unique_id}@ex.org"
    ingest(
        graph,
        config,
        contact(
            "crm",
            f"{unique_id}-1",
            full_name=f"Finn {surname(unique_id)}",
            emails=[one],
            address={"locality": "Lyon", "country": "FR"},
            birth_date="1971-03-04",
        ),
        contact(
            "shop",
            f"{unique_id}-2",
            full_name=f"Finn {surname(unique_id)}",
            emails=[two],
            address={"locality": "Leeds", "country": "GB"},
            birth_date="1994-11-12",
        ),
    )
    a, b = person_of(graph, "crm", f"{unique_id}-1"), person_of(graph, "shop", f"{unique_id}-2")
    assert a and b and a != b  # same name, other birth date and country
    persons.never_merge(graph, config, a, b, ACTOR)
    bridge = contact(
        "support", f"{unique_id}-3", full_name=f"Finn {surname(unique_id)}", emails=[one, two]
    )
    ingest(graph, config, bridge)
    assert person_of(graph, "crm", f"{unique_id}-1") != person_of(graph, "shop", f"{unique_id}-2")


def test_forgotten_person_stays_forgotten(
    graph: GraphClient, config: ResolverConfig, unique_id: str
) -> None:
    email = f"gus.{unique_id}@example.org"
    records = [
        contact(
            "crm",
            f"{unique_id}-1",
            full_name=f"Gus {surname(unique_id)}",
            emails=[email],
        ),
        contact("shop", f"{unique_id}-2", full_name=f"Gus {surname(unique_id)}", emails=[email]),
    ]
    post = {
        "kind": "conversation",
        "source": "reviews",
        "source_id": f"{unique_id}-post",
        "observed_at": "2025-01-02T03:04:05Z",
        "channel": "review",
        "author": {"emails": [email]},
        "text": "Private words of Gus",
        "at": "2025-01-02T03:04:05Z",
    }
    ingest(graph, config, *records, post)
    person = person_of(graph, "crm", f"{unique_id}-1")
    assert person is not None
    counts = persons.forget(graph, config, person, ACTOR)
    assert counts["records"] == 3
    leftovers = graph.run_text(
        "MATCH (r:SourceRecord) WHERE r.source_id STARTS WITH $id RETURN count(r) AS n "
        "UNION ALL MATCH (i:Identifier {key: $key}) RETURN count(i) AS n",
        id=unique_id,
        key=f"email:{email}",
    )
    assert [row["n"] for row in leftovers] == [0, 0]
    replay = ingest(graph, config, *records, post)
    assert (replay.suppressed, replay.accepted) == (3, 0)
    fresh = contact(
        "support", f"{unique_id}-9", full_name=f"G. {surname(unique_id)}", emails=[email]
    )
    assert ingest(graph, config, fresh).suppressed == 1
    audit = graph.run_text(
        "MATCH (a:AuditEntry {action: 'forget'}) WHERE a.records = 3 AND a.by = 'test-suite' "
        "RETURN properties(a) AS a ORDER BY a.at DESC LIMIT 1"
    )
    assert audit and email not in json.dumps(audit, default=str)


def test_concurrent_resolution_never_duplicates_an_identifier(
    graph: GraphClient, config: ResolverConfig, unique_id: str
) -> None:
    emails = [f"h{i}.{unique_id}@example.org" for i in range(20)]
    batches = [
        [
            contact(
                f"src{w}",
                f"{unique_id}-{w}-{i}",
                full_name=f"Hal {surname(unique_id)}{i}",
                emails=[e],
            )
            for i, e in enumerate(emails)
        ]
        for w in range(2)
    ]
    errors: list[BaseException] = []

    def run(batch: list[dict[str, Any]]) -> None:
        try:
            ingest(graph, config, *batch)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(b,)) for b in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    rows = graph.run_text(
        "UNWIND $keys AS k MATCH (i:Identifier {key: k})<-[:CARRIES]-(r)-[:RESOLVED_TO]->(p) "
        "RETURN k, count(DISTINCT i) AS idents, count(DISTINCT p) AS people",
        keys=[f"email:{e}" for e in emails],
    )
    assert len(rows) == 20
    assert all(row["idents"] == 1 and row["people"] == 1 for row in rows)

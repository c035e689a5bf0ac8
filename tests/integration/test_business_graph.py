"""The business graph against the real Neo4j, through `store_and_resolve`: every record kind
links to the persons it names; late arrivals, merges, splits, replays and erasure keep the
derived relationships right. Every test uses its own ids, emails, SKUs and domains."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from typing import Any

import pytest

from graph_service.db import GraphClient, GraphTx
from graph_service.settings import Settings
from identity.company import company_key
from ingest import persons
from ingest.batches import RawLine
from ingest.records import parse_chunk
from ingest.resolution import ChunkOutcome, ResolverConfig, store_and_resolve

pytestmark = pytest.mark.integration

ACTOR = persons.Actor(by="test-suite", reason="business graph test")
AT = "2025-03-01T10:00:00Z"


@pytest.fixture
def config(settings: Settings) -> ResolverConfig:
    return ResolverConfig.from_settings(settings)


def record(kind: str, source: str, source_id: str, **fields: Any) -> dict[str, Any]:
    return {"kind": kind, "source": source, "source_id": source_id, "observed_at": AT, **fields}


def surname(unique_id: str) -> str:
    """A family name no other run uses, so no earlier record matches by name."""
    letters = unique_id.removeprefix("test-").translate(str.maketrans("0123456789", "ghijklmnop"))
    return letters.capitalize()


def ingest(graph: GraphClient, config: ResolverConfig, *records: dict[str, Any]) -> ChunkOutcome:
    lines = [RawLine("test", i, json.dumps(r)) for i, r in enumerate(records)]
    parsed = parse_chunk(lines)
    assert not parsed.rejections, parsed.rejections
    return store_and_resolve(graph, parsed.rows, config, batch_id="test")


def person_of(graph: GraphClient, source: str, source_id: str) -> str:
    rows = graph.read("persons/person_of_record", source=source, source_id=source_id)
    assert rows, f"{source}|{source_id} resolved to nobody"
    return str(rows[0]["person"])


def links(graph: GraphClient, uid: str) -> list[tuple[str, str, str]]:
    """(type, start, end) of every derived relationship of this test's records, sorted;
    persons appear by id, other nodes by their key."""
    rows = graph.run_text(
        "MATCH (a)-[x]->(b) WHERE x.source_id STARTS WITH $uid "
        "RETURN type(x) AS type, coalesce(a.id, a.key, a.sku) AS a, "
        "coalesce(b.id, b.key, b.sku) AS b",
        uid=uid,
    )
    return sorted((r["type"], r["a"], r["b"]) for r in rows)


def counts(graph: GraphClient, uid: str) -> dict[str, int]:
    """This test's business nodes and derived relationships, counted."""
    (row,) = graph.run_text(
        "CALL () { MATCH ()-[x]->() WHERE x.source_id STARTS WITH $uid RETURN count(x) AS rels } "
        "CALL () { MATCH (n) WHERE (n:Conversation OR n:SupportCase OR n:Deal OR n:Campaign "
        "  OR n:ConsentChange) AND n.id CONTAINS $uid RETURN count(n) AS nodes } "
        "CALL () { MATCH (n) WHERE (n:Product AND n.sku CONTAINS $uid) "
        "  OR ((n:Company OR n:Department) AND n.key CONTAINS $uid) RETURN count(n) AS shared } "
        "RETURN rels, nodes, shared",
        uid=uid,
    )
    return dict(row)


def contact(uid: str, source: str, name: str, email: str, **fields: Any) -> dict[str, Any]:
    return record(
        "contact",
        source,
        f"{uid}-{name}",
        given_name=name.capitalize(),
        family_name=surname(uid),
        emails=[email],
        **fields,
    )


def email(uid: str, name: str) -> str:
    return f"{name}.{uid}@example.org"


def ref(uid: str, name: str) -> dict[str, Any]:
    return {"emails": [email(uid, name)]}


def every_kind(uid: str) -> list[dict[str, Any]]:
    """One record of each linked kind among ann (customer), bob (her friend), tom (an
    agent) and ana (tom's manager)."""
    sku, dept, domain = f"SKU-{uid}", f"Care {uid}", f"{uid}.example"
    product = {"sku": sku, "name": "Hub"}
    return [
        contact(uid, "crm", "ann", email(uid, "ann"), company={"name": f"Crm Co {uid}"}),
        contact(uid, "shop", "bob", email(uid, "bob")),
        record(
            "employee", "hr", f"{uid}-tom", given_name="Tom", family_name=surname(uid),
            emails=[email(uid, "tom")], department=dept, title="Agent",
            manager=ref(uid, "ana"), hired_on="2021-09-01",
        ),
        record(
            "employee", "hr", f"{uid}-ana", given_name="Ana", family_name=surname(uid),
            emails=[email(uid, "ana")], department=dept, title="Lead",
        ),
        record(
            "conversation", "x", f"{uid}-c1", channel="post", author=ref(uid, "ann"),
            text="Loving the hub", at=AT,
            mentions={"people": [ref(uid, "bob")], "products": [product],
                      "companies": [{"name": "Acme", "domain": domain}]},
        ),
        record(
            "conversation", "x", f"{uid}-c2", channel="comment", author=ref(uid, "bob"),
            text="Me too", at=AT, in_reply_to=f"{uid}-c1",
        ),
        record(
            "referral", "referrals", f"{uid}-r1", referrer=ref(uid, "ann"),
            referee=ref(uid, "bob"), product=product, at=AT, converted=True,
            revenue={"amount": 249.0, "currency": "EUR"},
        ),
        record(
            "purchase", "shop", f"{uid}-p1", person=ref(uid, "bob"), product=product,
            amount={"amount": 249.0, "currency": "EUR"}, type="purchase", at=AT,
        ),
        record(
            "purchase", "shop", f"{uid}-p2", person=ref(uid, "ann"), product=product,
            amount={"amount": 9.0, "currency": "EUR"}, type="subscription", at=AT,
        ),
        record(
            "support_case", "support", f"{uid}-t1", case_id=f"{uid}-48", person=ref(uid, "ann"),
            status="open", priority="high", satisfaction=2, private_notes="call back",
            department=dept, assignee=ref(uid, "tom"), product=product, opened_at=AT,
        ),
        record(
            "deal", "crm", f"{uid}-d1", deal_id=f"{uid}-D1", people=[ref(uid, "ann")],
            company={"name": "Acme", "domain": domain}, stage="proposal",
            owner=ref(uid, "tom"), products=[product], at=AT,
        ),
        record(
            "campaign_touch", "marketing", f"{uid}-ct1", campaign_id=f"{uid}-CMP",
            campaign_name="Spring", person=ref(uid, "ann"), channel="email", action="click",
            at=AT,
        ),
        record(
            "follow", "x", f"{uid}-f1", follower=ref(uid, "bob"), followed=ref(uid, "ann"),
            platform="x", relation="follow",
        ),
        record(
            "follow", "linkedin", f"{uid}-f2", follower=ref(uid, "ann"), followed=ref(uid, "tom"),
            platform="linkedin", relation="connection",
        ),
        record(
            "job_change", "linkedin", f"{uid}-j1", person=ref(uid, "ann"),
            old_company={"name": f"Old {uid}"}, new_company={"name": "Acme", "domain": domain},
            new_title="CTO", at=AT,
        ),
        record(
            "consent_change", "marketing", f"{uid}-cc1", person=ref(uid, "ann"),
            channel="email", granted=False, at=AT, reason="too many emails",
        ),
    ]  # fmt: skip


def test_every_kind_links_its_persons_and_business_nodes(
    graph: GraphClient, config: ResolverConfig, unique_id: str
) -> None:
    uid = unique_id
    ingest(graph, config, *every_kind(uid))
    ann, bob = person_of(graph, "crm", f"{uid}-ann"), person_of(graph, "shop", f"{uid}-bob")
    tom, ana = person_of(graph, "hr", f"{uid}-tom"), person_of(graph, "hr", f"{uid}-ana")
    sku, dept, acme = f"SKU-{uid}", f"care {uid}", f"domain:{uid}.example"
    c1, c2, case, deal = f"x|{uid}-c1", f"x|{uid}-c2", f"support|{uid}-48", f"crm|{uid}-D1"
    expected = {
        ("AUTHORED", ann, c1), ("AUTHORED", bob, c2), ("REPLIED_TO", c2, c1),
        ("MENTIONS", c1, bob), ("MENTIONS", c1, sku), ("MENTIONS", c1, acme),
        ("REFERRED", ann, bob), ("PURCHASED", bob, sku), ("SUBSCRIBED_TO", ann, sku),
        ("OPENED", ann, case), ("ASSIGNED_TO", case, tom), ("HANDLED_BY", case, dept),
        ("CONCERNS", case, sku), ("PARTICIPATES_IN", ann, deal), ("OWNS_DEAL", tom, deal),
        ("FOR_COMPANY", deal, acme), ("INCLUDES", deal, sku),
        ("TOUCHED_BY", ann, f"marketing|{uid}-CMP"), ("FOLLOWS", bob, ann),
        ("CONNECTED_TO", ann, tom), ("WORKS_AT", ann, acme),
        ("WORKS_AT", ann, f"name:{company_key(f'Crm Co {uid}')}"),
        ("WORKS_AT", ann, f"name:{company_key(f'Old {uid}')}"),
        ("CHANGED_CONSENT", ann, f"marketing|{uid}-cc1"),
        ("MEMBER_OF", tom, dept), ("MEMBER_OF", ana, dept), ("REPORTS_TO", tom, ana),
    }  # fmt: skip
    assert set(links(graph, uid)) == expected
    assert len(links(graph, uid)) == len(expected)  # nothing doubled
    (row,) = graph.run_text(
        "MATCH (p:Person {id: $ann})-[r:REFERRED]->() "
        "MATCH (s:SupportCase {id: $case}) MATCH (c:Conversation {id: $c1}) "
        "RETURN r.revenue AS revenue, r.converted AS converted, r.product AS product, "
        "s.private_notes AS notes, s.status AS status, c.text AS text, c.channel AS channel, "
        "p.consent_email AS consent, p.consent AS why",
        ann=ann, case=case, c1=c1,
    )  # fmt: skip
    assert (row["revenue"], row["converted"], row["product"]) == (249.0, True, sku)
    assert (row["notes"], row["status"]) == ("call back", "open")
    assert (row["text"], row["channel"]) == ("Loving the hub", "post")
    assert row["consent"] is False
    assert json.loads(row["why"])["email"]["source_record"] == f"marketing|{uid}-cc1"


def test_contacts_and_profiles_say_where_their_person_works_and_follow_merges(
    graph: GraphClient, config: ResolverConfig, unique_id: str
) -> None:
    uid = unique_id
    domain = f"{uid}.example"
    crm = contact(uid, "crm", "cy", email(uid, "cy"), title="CTO",
                  company={"name": f"Acme {surname(uid)}", "domain": domain})  # fmt: skip
    # No name: nothing but the later record's mailboxes says this profile is Cy's.
    profile = record("social_profile", "linkedin", f"{uid}-li", platform="linkedin",
                     handle=f"acme-cto-{surname(uid).lower()}", emails=[email(uid, "cy-home")],
                     company={"name": f"Acme {surname(uid)} GmbH"},
                     title="Chief Technology Officer")  # fmt: skip
    ingest(graph, config, crm)
    ingest(graph, config, profile)
    assert person_of(graph, "crm", f"{uid}-cy") != person_of(graph, "linkedin", f"{uid}-li")
    # A later record carrying both mailboxes makes them one person: both jobs move to it.
    ingest(graph, config, record("contact", "shop", f"{uid}-cy",
                                 emails=[email(uid, "cy"), email(uid, "cy-home")]))  # fmt: skip
    cy = person_of(graph, "crm", f"{uid}-cy")
    assert person_of(graph, "linkedin", f"{uid}-li") == cy
    rows = graph.run_text(
        "MATCH (p:Person)-[x:WORKS_AT]->(c:Company) WHERE x.source_id STARTS WITH $uid "
        "RETURN p.id AS person, c.key AS company, x.title AS title, x.current AS current, "
        "toString(x.as_of) AS as_of, x.source + '|' + x.source_id AS record ORDER BY record",
        uid=uid,
    )
    assert [(r["person"], r["company"], r["title"], r["record"]) for r in rows] == [
        (cy, f"domain:{domain}", "CTO", f"crm|{uid}-cy"),
        # "Acme GmbH" by name alone reaches the one domain company of that name.
        (cy, f"domain:{domain}", "Chief Technology Officer", f"linkedin|{uid}-li"),
    ]
    assert all(r["current"] is None and r["as_of"].startswith("2025-03-01") for r in rows)


def test_replay_changes_nothing_and_an_update_relinks_without_doubling(
    graph: GraphClient, config: ResolverConfig, unique_id: str
) -> None:
    records = every_kind(unique_id)
    ingest(graph, config, *records)
    before, linked = counts(graph, unique_id), links(graph, unique_id)
    replay = ingest(graph, config, *records)
    assert replay.duplicate == len(records) and replay.accepted == 0
    assert counts(graph, unique_id) == before
    assert links(graph, unique_id) == linked
    later = "2025-04-01T10:00:00Z"
    updated = [r | {"observed_at": later} for r in records]  # changed payloads: all relinked
    assert ingest(graph, config, *updated).accepted == len(records)
    assert counts(graph, unique_id) == before
    assert links(graph, unique_id) == linked


def company_records(uid: str, *, domains: tuple[str, ...]) -> list[dict[str, Any]]:
    """A deal naming the company by name alone, and job changes naming it with a domain."""
    name = f"Zeta {surname(uid)} GmbH"
    deal = record(
        "deal",
        "crm",
        f"{uid}-d1",
        deal_id=f"{uid}-D1",
        people=[ref(uid, "ann")],
        company={"name": f"ZETA {surname(uid)}"},
        stage="won",
        at=AT,
    )
    jobs = [
        record(
            "job_change",
            "linkedin",
            f"{uid}-j{i}",
            person=ref(uid, "ann"),
            new_company={"name": name, "domain": domain},
            new_title="CTO",
            at=AT,
        )
        for i, domain in enumerate(domains)
    ]
    return [contact(uid, "crm", "ann", email(uid, "ann")), deal, *jobs]  # fmt: skip


def companies_of(graph: GraphClient, uid: str) -> dict[str, list[str]]:
    """Company key -> sorted types of this test's relationships that reach it."""
    rows = graph.run_text(
        "MATCH ()-[x]->(c:Company) WHERE x.source_id STARTS WITH $uid "
        "RETURN c.key AS key, collect(type(x)) AS types",
        uid=uid,
    )
    return {row["key"]: sorted(row["types"]) for row in rows}


@pytest.mark.parametrize("name_first", [True, False], ids=["name-first", "domain-first"])
def test_company_named_alone_is_its_domain_company_in_either_order(
    graph: GraphClient, config: ResolverConfig, unique_id: str, name_first: bool
) -> None:
    uid = unique_id
    ann, deal, job = company_records(uid, domains=(f"zeta-{uid}.example",))
    batches = [[ann, deal], [job]] if name_first else [[ann, job], [deal]]
    for batch in batches:
        ingest(graph, config, *batch)
    assert companies_of(graph, uid) == {f"domain:zeta-{uid}.example": ["FOR_COMPANY", "WORKS_AT"]}
    folded = company_key(f"Zeta {surname(uid)}")
    (row,) = graph.run_text(
        "MATCH (c:Company {key: $key}) "
        "RETURN c.name_key AS name_key, COUNT { (:Company {key: $gone}) } AS left",
        key=f"domain:zeta-{uid}.example", gone=f"name:{folded}",
    )  # fmt: skip
    assert (row["name_key"], row["left"]) == (folded, 0)
    # The moved relationship is still the record's: an update relinks it, not doubles it.
    ingest(graph, config, deal | {"observed_at": "2025-04-01T10:00:00Z", "stage": "lost"})
    assert companies_of(graph, uid) == {f"domain:zeta-{uid}.example": ["FOR_COMPANY", "WORKS_AT"]}


ARRIVALS = {
    "domains-first": ["ann", "job0", "job1", "deal"],
    "name-between": ["ann", "job0", "deal", "job1"],
    "name-first": ["ann", "deal", "job0", "job1"],
}


@pytest.mark.parametrize("order", sorted(ARRIVALS))
def test_company_name_two_domains_share_keeps_its_own_node_in_every_order(
    graph: GraphClient, config: ResolverConfig, unique_id: str, order: str
) -> None:
    uid = unique_id
    one, two = f"zeta-{uid}.example", f"zeta-{uid}.test"
    ann, deal, job0, job1 = company_records(uid, domains=(one, two))
    by_name = {"ann": ann, "deal": deal, "job0": job0, "job1": job1}
    for name in ARRIVALS[order]:  # one chunk each
        ingest(graph, config, by_name[name])
    name_key = f"name:{company_key(f'Zeta {surname(uid)}')}"
    assert companies_of(graph, uid) == {
        f"domain:{one}": ["WORKS_AT"], f"domain:{two}": ["WORKS_AT"], name_key: ["FOR_COMPANY"],
    }  # fmt: skip
    (row,) = graph.run_text(
        "MATCH ()-[x:FOR_COMPANY {source_id: $deal}]->() RETURN x.via_name AS via",
        deal=f"{uid}-d1",
    )
    assert row["via"] is None


# Concurrent chunks, paused at the steps that race: chunk `first[0]` stops after its query
# `first[1]` until chunk `second[0]` has run its query `second[1]` (which waits for that
# pause), or PAUSE_S has passed: where locks serialise the two, the second waits for the
# first's commit instead, and the pause runs out.
PAUSE_S = 4.0
Step = tuple[int, str]


def ingest_racing(
    graph: GraphClient,
    config: ResolverConfig,
    monkeypatch: pytest.MonkeyPatch,
    records: Sequence[dict[str, Any]],
    *,
    first: Step,
    second: Step,
) -> None:
    """Ingest each record as its own chunk, all at once, with `first` paced before `second`."""
    first_done, second_done = threading.Event(), threading.Event()
    run_query = GraphTx.run

    def paced_run(tx: GraphTx, query_name: str, /, **params: Any) -> list[dict[str, Any]]:
        step = (int(threading.current_thread().name.removeprefix("chunk")), query_name)
        if step == second:
            first_done.wait(30)
        rows = run_query(tx, query_name, **params)
        if step == first:
            first_done.set()
            second_done.wait(PAUSE_S)
        elif step == second:
            second_done.set()
        return rows

    monkeypatch.setattr(GraphTx, "run", paced_run)
    errors: list[BaseException] = []

    def chunk(record: dict[str, Any]) -> None:
        try:
            ingest(graph, config, record)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [
        threading.Thread(target=chunk, args=(r,), name=f"chunk{i}") for i, r in enumerate(records)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert first_done.is_set()


# A mention by name alone (the deal, chunk 0) and the second domain company of the name
# (job1, chunk 1): "mention-first" has the mention look the name up before the other chunk
# moves what reached the first domain company by name back; "domain-first" the reverse.
MENTION_RACES = {
    "mention-first": ((0, "link/company_domains"), (1, "link/unfold_company_names")),
    "domain-first": ((1, "link/unfold_company_names"), (0, "link/company_domains")),
}


@pytest.mark.parametrize("race", sorted(MENTION_RACES))
def test_company_name_two_domains_share_under_concurrent_chunks(
    graph: GraphClient,
    config: ResolverConfig,
    unique_id: str,
    race: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    uid = unique_id
    one, two = f"zeta-{uid}.example", f"zeta-{uid}.test"
    ann, deal, job0, job1 = company_records(uid, domains=(one, two))
    # Bob's deal: chunks about one person would be serialised by that person's locks.
    bob = contact(uid, "crm", "bob", email(uid, "bob"))
    deal = deal | {"people": [ref(uid, "bob")]}
    ingest(graph, config, ann, bob, job0)
    first, second = MENTION_RACES[race]
    ingest_racing(graph, config, monkeypatch, [deal, job1], first=first, second=second)
    name_key = f"name:{company_key(f'Zeta {surname(uid)}')}"
    assert companies_of(graph, uid) == {
        f"domain:{one}": ["WORKS_AT"], f"domain:{two}": ["WORKS_AT"], name_key: ["FOR_COMPANY"],
    }  # fmt: skip


def test_two_domain_companies_of_a_name_at_once_leave_the_name_company_alone(
    graph: GraphClient, config: ResolverConfig, unique_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The deal made a name-only company; two chunks then create its two domain companies.
    The first folds the name company into its domain company while the second, not seeing
    that uncommitted company, settles the name as its own; both fold and neither moves back
    unless the name's settling is serialised."""
    uid = unique_id
    one, two = f"zeta-{uid}.example", f"zeta-{uid}.test"
    ann, deal, job0, job1 = company_records(uid, domains=(one, two))
    bob = contact(uid, "crm", "bob", email(uid, "bob"))
    job1 = job1 | {"person": ref(uid, "bob")}
    ingest(graph, config, ann, bob, deal)
    ingest_racing(
        graph, config, monkeypatch, [job0, job1],
        first=(0, "link/fold_company_names"), second=(1, "link/unfold_company_names"),
    )  # fmt: skip
    name_key = f"name:{company_key(f'Zeta {surname(uid)}')}"
    assert companies_of(graph, uid) == {
        f"domain:{one}": ["WORKS_AT"], f"domain:{two}": ["WORKS_AT"], name_key: ["FOR_COMPANY"],
    }  # fmt: skip


def test_referral_before_referee_contact_is_linked_when_the_contact_arrives(
    graph: GraphClient, config: ResolverConfig, unique_id: str
) -> None:
    uid = unique_id
    referral = record(
        "referral", "referrals", f"{uid}-r1", referrer=ref(uid, "ann"), referee=ref(uid, "bob"),
        at=AT, converted=False,
    )  # fmt: skip
    ingest(graph, config, contact(uid, "crm", "ann", email(uid, "ann")), referral)
    assert links(graph, uid) == []
    ingest(graph, config, contact(uid, "shop", "bob", email(uid, "bob")))
    ann, bob = person_of(graph, "crm", f"{uid}-ann"), person_of(graph, "shop", f"{uid}-bob")
    assert links(graph, uid) == [("REFERRED", ann, bob)]


def test_external_id_names_the_record_with_that_key_in_its_system(
    graph: GraphClient, config: ResolverConfig, unique_id: str
) -> None:
    """A shop purchase naming customer `shop:C-1` links to the shop contact whose source_id
    is C-1, whichever arrives first."""
    uid = unique_id
    customer = {"external_ids": [{"system": "shop", "value": f"{uid}-C1"}]}
    purchase = record(
        "purchase", "shop", f"{uid}-p1", person=customer, product={"sku": f"SKU-{uid}"},
        amount={"amount": 5.0, "currency": "EUR"}, type="purchase", at=AT,
    )  # fmt: skip
    ingest(graph, config, purchase)
    assert links(graph, uid) == []
    buyer = record(
        "contact", "shop", f"{uid}-C1", given_name="Cy", family_name=surname(uid),
        emails=[email(uid, "cy")],
    )  # fmt: skip
    ingest(graph, config, buyer)
    cy = person_of(graph, "shop", f"{uid}-C1")
    assert links(graph, uid) == [("PURCHASED", cy, f"SKU-{uid}")]


def test_reference_to_an_unknown_person_is_kept(
    graph: GraphClient, config: ResolverConfig, unique_id: str
) -> None:
    uid = unique_id
    post = record(
        "conversation", "x", f"{uid}-c1", channel="post", author=ref(uid, "zed"), text="hi", at=AT
    )
    ingest(graph, config, post)
    rows = graph.run_text(
        "MATCH (c:Conversation {id: $id}) "
        "OPTIONAL MATCH (:SourceRecord {source: 'x', source_id: $sid})-[r:REFERS_TO]->(i) "
        "RETURN c.text AS text, r.role AS role, i.key AS key, COUNT { (c)<-[:AUTHORED]-() } AS n",
        id=f"x|{uid}-c1",
        sid=f"{uid}-c1",
    )
    assert [(r["text"], r["role"], r["key"], r["n"]) for r in rows] == [
        ("hi", "author", f"email:{email(uid, 'zed')}", 0)
    ]
    ingest(graph, config, contact(uid, "crm", "zed", email(uid, "zed")))
    assert links(graph, uid) == [("AUTHORED", person_of(graph, "crm", f"{uid}-zed"), f"x|{uid}-c1")]


def test_merge_keeps_relationships_on_the_survivor(
    graph: GraphClient, config: ResolverConfig, unique_id: str
) -> None:
    uid = unique_id
    ingest(
        graph,
        config,
        contact(uid, "crm", "ann", email(uid, "ann")),
        contact(uid, "shop", "kai", email(uid, "kai")),
        contact(uid, "crm", "bob", email(uid, "bob")),
        record(
            "follow", "x", f"{uid}-f1", follower=ref(uid, "bob"), followed=ref(uid, "kai"),
            platform="x", relation="follow",
        ),
        record(
            "conversation", "x", f"{uid}-c1", channel="post", author=ref(uid, "ann"),
            text="hello", at=AT,
        ),
    )  # fmt: skip
    ann, kai = person_of(graph, "crm", f"{uid}-ann"), person_of(graph, "shop", f"{uid}-kai")
    bob = person_of(graph, "crm", f"{uid}-bob")
    assert ann != kai
    survivor = persons.merge(graph, config, ann, kai, ACTOR)
    assert links(graph, uid) == sorted(
        [("AUTHORED", survivor, f"x|{uid}-c1"), ("FOLLOWS", bob, survivor)]
    )


def test_split_moves_relationships_with_the_records(
    graph: GraphClient, config: ResolverConfig, unique_id: str
) -> None:
    uid = unique_id
    shared, own = email(uid, "dee"), email(uid, "dee2")
    ingest(
        graph,
        config,
        contact(uid, "crm", "dee", shared),
        record(
            "contact", "shop", f"{uid}-dee2", given_name="Dee", family_name=surname(uid),
            emails=[shared, own],
        ),
        record(
            "conversation", "x", f"{uid}-c1", channel="post", author={"emails": [own]},
            text="hello", at=AT,
        ),
    )  # fmt: skip
    person = person_of(graph, "crm", f"{uid}-dee")
    assert links(graph, uid) == [("AUTHORED", person, f"x|{uid}-c1")]
    kept, split_off = persons.split(graph, config, person, [f"shop|{uid}-dee2"], ACTOR)
    assert links(graph, uid) == [("AUTHORED", split_off, f"x|{uid}-c1")]
    assert kept != split_off


def test_forget_removes_what_the_person_authored_and_opened(
    graph: GraphClient, config: ResolverConfig, unique_id: str
) -> None:
    uid = unique_id
    records = every_kind(uid)
    ingest(graph, config, *records)
    ann = person_of(graph, "crm", f"{uid}-ann")
    persons.forget(graph, config, ann, ACTOR)
    rows = graph.run_text(
        "MATCH (n) WHERE n.id IN $ids RETURN n.id AS id",
        ids=[f"x|{uid}-c1", f"support|{uid}-48", f"marketing|{uid}-cc1"],
    )
    assert rows == []
    assert all(ann not in (a, b) for _, a, b in links(graph, uid))
    remaining = {t for t, _, _ in links(graph, uid)}
    assert {"AUTHORED", "PURCHASED", "MEMBER_OF", "REPORTS_TO"} <= remaining

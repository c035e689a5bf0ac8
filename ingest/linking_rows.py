"""Rows that materialise the business graph of source records (pure, no I/O).

Each record kind with something to link has a `KindLinks`: the query that writes its rows,
the relationship types those rows create, and a builder turning the record (its payload)
and the persons its references resolve to now into one row. Every relationship written
from a row carries the record's `source` and `source_id`, so relinking a record deletes
exactly what it derived and builds it again. Model and reasons: docs/graph-model.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from identity.company import company_key, normalize_domain

# Persons per role, as `resolve_roles` returns them.
RolePersons = Mapping[str, Sequence[str]]
Row = dict[str, Any]
Builder = Callable[[Mapping[str, Any], RolePersons], Row]

# Roles that name one person: the person most of the reference's identifiers lead to.
SINGLE_ROLES = frozenset(
    {"author", "subject", "referrer", "referee", "follower", "followed"}
    | {"manager", "assignee", "owner"}
)
# The role under which an identity record's own person (RESOLVED_TO) is listed.
SELF_ROLE = "self"
# Key prefix of a company known by name only (a domain company's is "domain:").
NAME_KEY_PREFIX = "name:"
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Target:
    """One record to link, with the persons its references lead to in the graph now."""

    source: str
    source_id: str
    kind: str
    refs: tuple[tuple[str, str, int], ...] = ()  # (role, person id, identifiers leading there)
    subject: str | None = None  # identity records: the person the record resolved to
    # What the record was last linked to; None: never linked, so it derived nothing yet.
    signature: str | None = None

    @property
    def key(self) -> str:
        return f"{self.source}|{self.source_id}"


@dataclass(frozen=True, slots=True)
class KindLinks:
    """How one record kind is linked: its write query, relationship types and row builder."""

    query: str
    relationships: tuple[str, ...]
    build: Builder


@dataclass(slots=True)
class LinkBatch:
    """Everything one relink writes: rows per query, what to unlink, new signatures."""

    rows: dict[str, list[Row]] = field(default_factory=dict)
    unlink: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    signatures: list[dict[str, str]] = field(default_factory=list)
    consent_persons: set[str] = field(default_factory=set)


def resolve_roles(
    refs: Iterable[tuple[str, str, int]], subject: str | None
) -> dict[str, list[str]]:
    """Persons per role: the best-supported one for single roles (ties: the smaller id),
    every one, sorted, for list roles (deal participants, mentioned people)."""
    hits: dict[str, dict[str, int]] = {}
    for role, person, count in refs:
        counts = hits.setdefault(role, {})
        counts[person] = counts.get(person, 0) + count
    persons: dict[str, list[str]] = {}
    for role, counts in sorted(hits.items()):
        ranked = sorted(counts, key=lambda p: (-counts[p], p))
        persons[role] = ranked[:1] if role in SINGLE_ROLES else sorted(ranked)
    if subject is not None:
        persons[SELF_ROLE] = [subject]
    return persons


def link_signature(persons: RolePersons) -> str:
    """A stable text of the persons a record links to; equal text means nothing to redo."""
    return json.dumps({r: list(p) for r, p in persons.items()}, sort_keys=True)


def signature_persons(signature: str | None) -> set[str]:
    """Every person id a stored signature names."""
    if not signature:
        return set()
    return {p for persons in json.loads(signature).values() for p in persons}


def needs_relink(target: Target, persons: RolePersons, *, force: bool) -> bool:
    """A record is relinked when forced (its payload changed) or its persons changed."""
    return force or target.signature != link_signature(persons)


def build_batch(
    items: Iterable[tuple[Target, RolePersons, Mapping[str, Any]]],
) -> LinkBatch:
    """Rows, unlink keys and signatures for (target, persons, record) triples."""
    batch = LinkBatch()
    for target, persons, record in items:
        links = KIND_LINKS[target.kind]
        ref = {"source": target.source, "source_id": target.source_id}
        if target.signature is not None:  # never linked before: nothing to delete
            for rel in links.relationships:
                batch.unlink.setdefault(rel, []).append(ref)
        batch.rows.setdefault(links.query, []).append(links.build(record, persons))
        batch.signatures.append({**ref, "signature": link_signature(persons)})
        if target.kind == "consent_change":
            batch.consent_persons |= signature_persons(target.signature)
            batch.consent_persons.update(persons.get("subject", ()))
    return batch


# --- value helpers ---------------------------------------------------------------------


def scoped_id(source: str, value: str) -> str:
    """The key of a business node named by a source: "support|48210"."""
    return f"{source}|{value}"


def one(persons: RolePersons, role: str) -> str | None:
    """The person of a single role, or None when the reference leads to nobody yet."""
    found = persons.get(role) or ()
    return found[0] if found else None


def company_row(company: Mapping[str, Any] | None) -> Row | None:
    """A company keyed by its normalised domain, else by its folded name (`name_key`,
    by which a name-only mention finds its domain company: ingest.companies)."""
    if not company:
        return None
    domain = normalize_domain(company["domain"]) if company.get("domain") else None
    name = company.get("name")
    folded = company_key(name) if name else ""
    if domain:
        named = folded or None
        return {"key": f"domain:{domain}", "domain": domain, "name": name, "name_key": named}
    if not folded:
        return None
    return {"key": f"{NAME_KEY_PREFIX}{folded}", "domain": None, "name": name, "name_key": folded}


def department_row(name: str | None) -> Row | None:
    """A department keyed by its case- and space-folded name; `name` as first written."""
    if not name or not name.strip():
        return None
    return {"key": _SPACES.sub(" ", name.strip()).casefold(), "name": name.strip()}


def product_row(product: Mapping[str, Any] | None) -> Row | None:
    """A product keyed by SKU."""
    if not product:
        return None
    return {"sku": product["sku"], "name": product.get("name")}


def money(value: Mapping[str, Any] | None) -> tuple[float | None, str | None]:
    """(amount, currency) of a Money object; properties cannot hold maps."""
    if not value:
        return None, None
    return float(value["amount"]), value["currency"]


def _present(rows: Iterable[Row | None]) -> list[Row]:
    return [row for row in rows if row is not None]


def _base(record: Mapping[str, Any]) -> Row:
    return {
        "source": record["source"],
        "source_id": record["source_id"],
        "observed_at": record["observed_at"],
    }


# --- one builder per kind -------------------------------------------------------------


def conversation_row(record: Mapping[str, Any], persons: RolePersons) -> Row:
    """A Conversation with author, parent, mentions, support case and department."""
    source = record["source"]
    mentions = record.get("mentions") or {}
    return {
        **_base(record),
        "id": scoped_id(source, record["source_id"]),
        **{name: record.get(name) for name in _CONVERSATION_FIELDS},
        "author": one(persons, "author"),
        "parent": scoped_id(source, record["in_reply_to"]) if record.get("in_reply_to") else None,
        "case": scoped_id(source, record["case_id"]) if record.get("case_id") else None,
        "department": department_row(record.get("department")),
        "mentioned": list(persons.get("mentioned", ())),
        "products": _present(product_row(p) for p in mentions.get("products") or []),
        "companies": _present(company_row(c) for c in mentions.get("companies") or []),
    }


# Conversation fields copied as they are.
_CONVERSATION_FIELDS = (
    "channel", "platform", "text", "subject", "at", "thread_id", "direction", "url", "language",
)  # fmt: skip


def referral_row(record: Mapping[str, Any], persons: RolePersons) -> Row:
    """REFERRED from referrer to referee, with the product and the revenue it brought."""
    product = product_row(record.get("product"))
    revenue, currency = money(record.get("revenue"))
    return {
        **_base(record),
        "referrer": one(persons, "referrer"),
        "referee": one(persons, "referee"),
        "product": product,
        "at": record["at"],
        "code": record.get("code"),
        "converted": record["converted"],
        "converted_at": record.get("converted_at"),
        "revenue": revenue,
        "currency": currency,
    }


def purchase_row(record: Mapping[str, Any], persons: RolePersons) -> Row:
    """PURCHASED or SUBSCRIBED_TO from the buyer to the product."""
    amount, currency = money(record.get("amount"))
    return {
        **_base(record),
        "person": one(persons, "subject"),
        "product": product_row(record["product"]),
        "type": record["type"],
        "order_id": record.get("order_id"),
        "quantity": record.get("quantity"),
        "amount": amount,
        "currency": currency,
        "at": record["at"],
    }


def support_case_row(record: Mapping[str, Any], persons: RolePersons) -> Row:
    """A SupportCase (latest observed state wins), its requester, assignee, department."""
    return {
        **_base(record),
        "id": scoped_id(record["source"], record["case_id"]),
        **{name: record.get(name) for name in _CASE_FIELDS},
        "requester": one(persons, "subject"),
        "assignee": one(persons, "assignee"),
        "department": department_row(record.get("department")),
        "product": product_row(record.get("product")),
    }


# Support case fields copied as they are (private_notes stays on the node only).
_CASE_FIELDS = (
    "case_id", "status", "priority", "satisfaction", "subject", "private_notes",
    "opened_at", "closed_at",
)  # fmt: skip


def deal_row(record: Mapping[str, Any], persons: RolePersons) -> Row:
    """A Deal (latest observed state wins) with its contacts, owner, company, products."""
    amount, currency = money(record.get("amount"))
    return {
        **_base(record),
        "id": scoped_id(record["source"], record["deal_id"]),
        "deal_id": record["deal_id"],
        "name": record.get("name"),
        "stage": record["stage"],
        "amount": amount,
        "currency": currency,
        "at": record["at"],
        "participants": list(persons.get("participant", ())),
        "owner": one(persons, "owner"),
        "company": company_row(record.get("company")),
        "products": _present(product_row(p) for p in record.get("products") or []),
    }


def campaign_touch_row(record: Mapping[str, Any], persons: RolePersons) -> Row:
    """TOUCHED_BY from the person to the Campaign, with channel and action."""
    return {
        **_base(record),
        "campaign": {
            "id": scoped_id(record["source"], record["campaign_id"]),
            "campaign_id": record["campaign_id"],
            "name": record.get("campaign_name"),
        },
        "person": one(persons, "subject"),
        "channel": record["channel"],
        "action": record["action"],
        "at": record["at"],
    }


def employee_row(record: Mapping[str, Any], persons: RolePersons) -> Row:
    """MEMBER_OF the department (title, since, until) and REPORTS_TO the manager."""
    person = one(persons, SELF_ROLE)
    manager = one(persons, "manager")
    return {
        **_base(record),
        "person": person,
        "department": department_row(record["department"]),
        "title": record.get("title"),
        "employee_id": record.get("employee_id"),
        "since": record.get("hired_on"),
        "until": record.get("left_on"),
        "manager": manager if manager != person else None,
    }


def follow_row(record: Mapping[str, Any], persons: RolePersons) -> Row:
    """FOLLOWS (one-way) or CONNECTED_TO (mutual); never from a person to itself."""
    follower, followed = one(persons, "follower"), one(persons, "followed")
    if follower == followed:
        follower = followed = None
    return {
        **_base(record),
        "follower": follower,
        "followed": followed,
        "relation": record["relation"],
        "platform": record["platform"],
        "at": record.get("at"),
    }


def job_change_row(record: Mapping[str, Any], persons: RolePersons) -> Row:
    """WORKS_AT the new company since `at`, and at the old one until `at`."""
    jobs = [
        {"company": company_row(record["new_company"]), "title": record.get("new_title")}
        | {"since": record["at"], "until": None, "current": True}
    ]
    old = company_row(record.get("old_company"))
    if old is not None:
        jobs.append(
            {"company": old, "title": record.get("old_title")}
            | {"since": None, "until": record["at"], "current": False}
        )
    return {
        **_base(record),
        "person": one(persons, "subject"),
        "jobs": [job for job in jobs if job["company"] is not None],
    }


def employer_row(record: Mapping[str, Any], persons: RolePersons) -> Row:
    """A contact's or profile's own person WORKS_AT the company it names, with its title,
    as of when the source observed it: a CRM card or a LinkedIn profile says where
    someone works, not since when nor whether they still do (job changes do)."""
    company = company_row(record.get("company"))
    jobs = []
    if company is not None:
        jobs.append(
            {"company": company, "title": record.get("title")}
            | {"since": None, "until": None, "current": None, "as_of": record["observed_at"]}
        )
    return {**_base(record), "person": one(persons, SELF_ROLE), "jobs": jobs}


def consent_change_row(record: Mapping[str, Any], persons: RolePersons) -> Row:
    """A ConsentChange node (the history), linked from the person who stated it."""
    return {
        **_base(record),
        "id": scoped_id(record["source"], record["source_id"]),
        "person": one(persons, "subject"),
        "channel": record["channel"],
        "granted": record["granted"],
        "at": record["at"],
        "reason": record.get("reason"),
    }


# Every kind that materialises something, with its query and relationship types.
KIND_LINKS: dict[str, KindLinks] = {
    "conversation": KindLinks(
        "link/conversations",
        ("AUTHORED", "REPLIED_TO", "MENTIONS", "PART_OF", "HANDLED_BY"),
        conversation_row,
    ),
    "referral": KindLinks("link/referrals", ("REFERRED",), referral_row),
    "purchase": KindLinks("link/purchases", ("PURCHASED", "SUBSCRIBED_TO"), purchase_row),
    "support_case": KindLinks(
        "link/support_cases",
        ("OPENED", "ASSIGNED_TO", "HANDLED_BY", "CONCERNS"),
        support_case_row,
    ),
    "deal": KindLinks(
        "link/deals", ("PARTICIPATES_IN", "OWNS_DEAL", "FOR_COMPANY", "INCLUDES"), deal_row
    ),
    "campaign_touch": KindLinks("link/campaign_touches", ("TOUCHED_BY",), campaign_touch_row),
    "employee": KindLinks("link/employees", ("MEMBER_OF", "REPORTS_TO"), employee_row),
    "follow": KindLinks("link/follows", ("FOLLOWS", "CONNECTED_TO"), follow_row),
    "job_change": KindLinks("link/job_changes", ("WORKS_AT",), job_change_row),
    "contact": KindLinks("link/job_changes", ("WORKS_AT",), employer_row),
    "social_profile": KindLinks("link/job_changes", ("WORKS_AT",), employer_row),
    "consent_change": KindLinks("link/consent_changes", ("CHANGED_CONSENT",), consent_change_row),
}
# Identity kinds linked only for the employer they name (see `employer_row`).
EMPLOYER_KINDS = frozenset({"contact", "social_profile"})


def derives_anything(kind: str, record: Mapping[str, Any]) -> bool:
    """Whether a record of a linked kind derives any relationship: a contact or profile
    only when it names an employer; every other kind always (its own node at least)."""
    return kind not in EMPLOYER_KINDS or company_row(record.get("company")) is not None


# Every derived relationship type (each has a (source, source_id) index, migration V6).
DERIVED_RELATIONSHIPS = tuple(sorted({r for k in KIND_LINKS.values() for r in k.relationships}))

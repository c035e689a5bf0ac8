"""Row builders of the business graph: one record and its resolved persons in, rows out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ingest.linking_rows import (
    DERIVED_RELATIONSHIPS,
    KIND_LINKS,
    SELF_ROLE,
    Target,
    build_batch,
    company_row,
    department_row,
    derives_anything,
    link_signature,
    needs_relink,
    resolve_roles,
    signature_persons,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "v1"


def example(kind: str) -> dict[str, Any]:
    """The first documented example record of a kind."""
    line = (EXAMPLES / f"{kind}.jsonl").read_text(encoding="utf-8").splitlines()[0]
    record: dict[str, Any] = json.loads(line)
    return record


def build(kind: str, record: dict[str, Any], persons: dict[str, list[str]]) -> dict[str, Any]:
    return KIND_LINKS[kind].build(record, persons)


def test_single_role_takes_best_supported_person_and_list_roles_take_all() -> None:
    refs = [
        ("referrer", "p-b", 1),
        ("referrer", "p-a", 2),
        ("referee", "p-z", 1),
        ("referee", "p-y", 1),
        ("mentioned", "p-2", 1),
        ("mentioned", "p-1", 1),
    ]
    persons = resolve_roles(refs, None)
    assert persons == {"referrer": ["p-a"], "referee": ["p-y"], "mentioned": ["p-1", "p-2"]}


def test_identity_record_lists_its_own_person() -> None:
    assert resolve_roles([], "p-9") == {SELF_ROLE: ["p-9"]}


def test_signature_is_stable_and_lists_persons() -> None:
    a = link_signature({"referee": ["p-2"], "referrer": ["p-1"]})
    b = link_signature({"referrer": ["p-1"], "referee": ["p-2"]})
    assert a == b
    assert signature_persons(a) == {"p-1", "p-2"}
    assert signature_persons(None) == set()


def test_relink_only_when_forced_or_persons_changed() -> None:
    persons = {"author": ["p-1"]}
    target = Target("x", "1", "conversation", signature=link_signature(persons))
    assert not needs_relink(target, persons, force=False)
    assert needs_relink(target, {"author": ["p-2"]}, force=False)
    assert needs_relink(target, persons, force=True)


def test_conversation_row_names_parent_case_mentions() -> None:
    record = example("conversation") | {"in_reply_to": "17", "case_id": "C-1"}
    row = build("conversation", record, {"author": ["p-1"], "mentioned": ["p-2"]})
    assert row["id"] == f"x|{record['source_id']}"
    assert (row["author"], row["parent"], row["case"]) == ("p-1", "x|17", "x|C-1")
    assert row["text"] == record["text"] and row["channel"] == "post"
    assert row["mentioned"] == ["p-2"]
    assert [p["sku"] for p in row["products"]] == ["BW-HUB-PRO"]
    assert row["companies"] == [
        {
            "key": "domain:brightwell.example",
            "domain": "brightwell.example",
            "name": "Brightwell",
            "name_key": "brightwell",
        }
    ]


def test_conversation_of_unknown_author_still_gives_a_node_row() -> None:
    row = build("conversation", example("conversation"), {})
    assert row["author"] is None and row["mentioned"] == [] and row["parent"] is None


def test_referral_row_flattens_product_and_revenue() -> None:
    row = build("referral", example("referral"), {"referrer": ["p-1"], "referee": ["p-2"]})
    assert (row["referrer"], row["referee"], row["converted"]) == ("p-1", "p-2", True)
    assert (row["revenue"], row["currency"]) == (249.0, "EUR")
    assert row["product"] == {"sku": "BW-HUB-PRO", "name": "Brightwell Hub Pro"}


def test_purchase_row_keeps_type() -> None:
    record = example("purchase") | {"type": "subscription"}
    row = build("purchase", record, {"subject": ["p-1"]})
    assert (row["person"], row["type"], row["amount"]) == ("p-1", "subscription", 249.0)


def test_support_case_row_is_keyed_by_case_and_keeps_notes() -> None:
    row = build("support_case", example("support_case"), {"subject": ["p-1"], "assignee": ["e"]})
    assert row["id"] == "support|48210"
    assert (row["requester"], row["assignee"]) == ("p-1", "e")
    assert row["private_notes"].startswith("Firmware")
    assert row["department"] == {"key": "technical support", "name": "Technical Support"}


def test_deal_row_lists_participants_owner_company_products() -> None:
    persons = {"participant": ["p-1", "p-2"], "owner": ["e"]}
    row = build("deal", example("deal"), persons)
    assert row["id"] == "crm|D-3301"
    assert (row["participants"], row["owner"]) == (["p-1", "p-2"], "e")
    assert row["company"]["key"] == "domain:nordwind-logistik.de"
    assert [p["sku"] for p in row["products"]] == ["BW-HUB-PRO"]


def test_campaign_touch_row_names_campaign_by_source() -> None:
    row = build("campaign_touch", example("campaign_touch"), {"subject": ["p-1"]})
    assert row["campaign"]["id"] == "marketing|CMP-2025-03"
    assert (row["person"], row["action"]) == ("p-1", "click")


def test_employee_row_links_department_and_manager_but_not_itself() -> None:
    record = example("employee")
    row = build("employee", record, {SELF_ROLE: ["p-1"], "manager": ["p-2"]})
    assert (row["person"], row["manager"], row["since"]) == ("p-1", "p-2", "2021-09-01")
    assert row["department"]["key"] == "customer service"
    row = build("employee", record, {SELF_ROLE: ["p-1"], "manager": ["p-1"]})
    assert row["manager"] is None


@pytest.mark.parametrize("relation", ["follow", "connection"])
def test_follow_row_drops_self_loops(relation: str) -> None:
    record = example("follow") | {"relation": relation}
    row = build("follow", record, {"follower": ["p-1"], "followed": ["p-2"]})
    assert (row["follower"], row["followed"], row["relation"]) == ("p-1", "p-2", relation)
    row = build("follow", record, {"follower": ["p-1"], "followed": ["p-1"]})
    assert (row["follower"], row["followed"]) == (None, None)


def test_job_change_row_has_new_and_old_job() -> None:
    row = build("job_change", example("job_change"), {"subject": ["p-1"]})
    new, old = row["jobs"]
    assert new["company"]["key"] == "domain:ironbridge-foods.de" and new["current"] is True
    assert (new["title"], new["since"], new["until"]) == (
        "VP Operations",
        row["jobs"][0]["since"],
        None,
    )
    assert old["company"]["key"] == "domain:nordwind-logistik.de" and old["current"] is False
    assert old["until"] == new["since"]


def test_contact_and_profile_rows_say_where_their_own_person_works_as_of_then() -> None:
    contact = example("contact")
    row = build("contact", contact, {SELF_ROLE: ["p-1"]})
    (job,) = row["jobs"]
    assert row["person"] == "p-1" and job["company"]["key"] == "domain:nordwind-logistik.de"
    assert (job["title"], job["as_of"]) == ("Head of Procurement", contact["observed_at"])
    # A CRM card or profile does not say since when, nor whether it is still true.
    assert (job["since"], job["until"], job["current"]) == (None, None, None)
    profile = example("social_profile") | {"company": {"name": "Acme GmbH"}}
    (job,) = build("social_profile", profile, {SELF_ROLE: ["p-2"]})["jobs"]
    assert job["company"]["key"] == "name:acme" and job["title"] is None
    assert build("social_profile", example("social_profile"), {SELF_ROLE: ["p-2"]})["jobs"] == []


def test_only_contacts_and_profiles_naming_an_employer_derive_anything() -> None:
    assert derives_anything("contact", example("contact"))
    assert not derives_anything("social_profile", example("social_profile"))
    assert not derives_anything("contact", {"company": {"name": "  "}})  # folds to nothing
    assert derives_anything("referral", {})


def test_consent_change_row() -> None:
    row = build("consent_change", example("consent_change"), {"subject": ["p-1"]})
    assert (row["person"], row["channel"], row["granted"]) == ("p-1", "email", False)
    assert row["id"] == "marketing|CC-20250211-77"


def test_company_without_domain_is_keyed_by_folded_name() -> None:
    assert company_row({"name": "Acme GmbH"}) == {
        "key": "name:acme",
        "domain": None,
        "name": "Acme GmbH",
        "name_key": "acme",
    }
    assert company_row({"domain": "https://www.ACME.com/"}) == {
        "key": "domain:acme.com",
        "domain": "acme.com",
        "name": None,
        "name_key": None,
    }
    # A domain company keeps the folded name it came with, for name-only mentions.
    assert company_row({"name": "ACME Inc.", "domain": "acme.com"})["name_key"] == "acme"  # type: ignore[index]
    assert company_row(None) is None


def test_department_key_folds_case_and_spaces() -> None:
    assert department_row("  Customer   service ") == {
        "key": "customer service",
        "name": "Customer   service",
    }
    assert department_row(" ") is None


def test_batch_unlinks_every_type_of_the_kind_and_tracks_consent_persons() -> None:
    old = link_signature({"subject": ["p-old"]})
    target = Target("marketing", "CC-1", "consent_change", signature=old)
    record = example("consent_change") | {"source_id": "CC-1"}
    batch = build_batch([(target, {"subject": ["p-new"]}, record)])
    assert batch.unlink == {"CHANGED_CONSENT": [{"source": "marketing", "source_id": "CC-1"}]}
    assert list(batch.rows) == ["link/consent_changes"]
    assert batch.consent_persons == {"p-old", "p-new"}
    assert batch.signatures[0]["signature"] == link_signature({"subject": ["p-new"]})


def test_first_link_deletes_nothing() -> None:
    target = Target("marketing", "CC-1", "consent_change", signature=None)
    record = example("consent_change") | {"source_id": "CC-1"}
    batch = build_batch([(target, {"subject": ["p-1"]}, record)])
    assert batch.unlink == {} and len(batch.rows["link/consent_changes"]) == 1


def test_every_kind_with_references_is_linked() -> None:
    kinds = {"conversation", "referral", "purchase", "support_case", "deal", "campaign_touch"}
    kinds |= {"employee", "follow", "job_change", "consent_change", "contact", "social_profile"}
    assert set(KIND_LINKS) == kinds
    assert len(DERIVED_RELATIONSHIPS) == len(set(DERIVED_RELATIONSHIPS))


def test_identifier_rows_carry_their_node_label_and_fields() -> None:
    from ingest.linking import identifier_row

    assert identifier_row("email:ann@x.org") == {
        "key": "email:ann@x.org",
        "label": "Email",
        "props": {"address": "ann@x.org"},
    }
    assert identifier_row("phone:+4930123456")["props"] == {"e164": "+4930123456"}
    account = identifier_row("account:mastodon:ann@social.example")
    assert (account["label"], account["props"]) == (
        "Account",
        {"platform": "mastodon", "handle": "ann@social.example"},
    )
    assert identifier_row("external:crm:42:7")["props"] == {"system": "crm", "value": "42:7"}

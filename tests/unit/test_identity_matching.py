"""Unit tests of identity.matching: comparison levels, weights, conflicts and name frequency."""

from __future__ import annotations

from typing import Any

from identity.matching import (
    Weights,
    compare,
    count_names,
    names_conflict,
    score_groups,
    score_pair,
)
from identity.profile import Profile, blocking_keys, build_profile


def profile(source_id: str, **fields: Any) -> Profile:
    """Build a contact profile from contract fields (source "shop" unless given)."""
    record = {"kind": "contact", "source": fields.pop("source", "shop"), "source_id": source_id}
    record.update(fields)
    return build_profile(record)


HOME = {"street_number": "12", "street": "Rosenweg", "locality": "Köln", "postcode": "50667",
        "country": "DE"}  # fmt: skip


def test_shared_address_is_one_comparison_with_ordered_levels() -> None:
    a = profile("1", given_name="Lea", family_name="Fuchs", address=HOME)
    b = profile("2", given_name="Lea", family_name="Fuchs", address=HOME)
    c = profile("3", given_name="Lea", family_name="Fuchs", address={**HOME, "street": "Ring"})
    d = profile("4", given_name="Lea", family_name="Fuchs", address={"locality": "Bonn"})
    assert compare(a, b)["address"] == "street"
    assert compare(a, c)["address"] == "other_street"
    assert compare(a, d)["address"] == "different"
    assert "locality" not in compare(a, b) and "postcode" not in compare(a, b)


def test_household_same_name_different_mobiles_scores_below_threshold() -> None:
    weights = Weights()
    a = profile("1", given_name="Zoe", family_name="Dubois", address=HOME,
                phones=["+33 1 50 22 07 30", "+33 7 82 26 74 94"],
                emails=["zoe_dubois9394@laposte.net"])  # fmt: skip
    b = profile("2", given_name="Zoe", family_name="Dubois", address=HOME,
                phones=["+33 1 50 22 07 30", "+33 6 12 34 56 78"],
                emails=["zdubois1876@orange.fr"])  # fmt: skip
    levels = compare(a, b)
    assert levels["mobile"] == "different" and levels["personal_email"] == "different"
    assert score_pair(a, b, weights).total < weights.threshold


def test_nickname_and_reused_number_link_a_social_profile() -> None:
    weights = Weights()
    shop = profile("1", given_name="Jennifer", family_name="Green",
                   emails=["jgreen3918@gmail.com"],
                   address={"locality": "Seattle", "country": "US"})  # fmt: skip
    social = build_profile({"kind": "social_profile", "source": "instagram", "source_id": "9",
                            "platform": "instagram", "handle": "jennifer_green3918",
                            "full_name": "Jen Green", "bio": "sailing | Seattle"})  # fmt: skip
    levels = compare(shop, social)
    assert levels["name"] == "nickname"
    assert levels["username"] == "digits4"
    assert levels["address"] == "mentioned"
    assert score_pair(shop, social, weights).total >= weights.threshold


def test_bio_title_and_company_are_read_from_a_social_bio() -> None:
    social = build_profile({"kind": "social_profile", "source": "x", "source_id": "1",
                            "platform": "x", "handle": "ejackson5146", "full_name": "Ed Jackson",
                            "bio": "CEO at Nordwind Logistics · dog person"})  # fmt: skip
    assert (social.company, social.title) == ("nordwind logistics", "ceo")


def test_names_conflict_but_not_for_initials_nicknames_or_swaps() -> None:
    mia = profile("1", given_name="Mia", family_name="Jäger")
    assert not names_conflict(mia, profile("2", full_name="Mia J."))
    assert not names_conflict(mia, profile("3", given_name="Jäger", family_name="Mia"))
    assert names_conflict(mia, profile("4", given_name="Lena", family_name="Jäger"))
    assert names_conflict(mia, profile("5", given_name="Mia", family_name="Schmidt"))


def test_name_frequency_weighs_common_names_down() -> None:
    a = profile("1", given_name="William", family_name="Williams")
    b = profile("2", full_name="Will Williams")
    rare = count_names([a, b])
    common = {**rare, "william|williams": 40.0}
    weights = Weights()
    assert (
        score_pair(a, b, weights, name_frequency=common).total
        < score_pair(a, b, weights, name_frequency=rare).total
    )


def test_group_score_combines_evidence_from_several_records() -> None:
    crm = profile("1", source="crm", given_name="Manuel", family_name="Ortiz",
                  company={"name": "Bluepeak Health"}, title="HR Manager")  # fmt: skip
    shop = profile("2", given_name="Manuel", family_name="Ortiz",
                   address={"locality": "Barcelona", "country": "ES"})  # fmt: skip
    linkedin = build_profile({"kind": "social_profile", "source": "linkedin", "source_id": "3",
                              "platform": "linkedin", "handle": "manuel-ortiz-5367",
                              "given_name": "Manuel", "family_name": "Ortiz",
                              "company": {"name": "Bluepeak Health"}, "title": "HR Manager",
                              "address": {"locality": "Barcelona", "country": "ES"}})  # fmt: skip
    weights = Weights()
    group = score_groups([crm, shop], [linkedin], weights)
    assert group.levels["company"] == "exact" and group.levels["address"] == "locality"
    assert group.total > max(
        score_pair(crm, linkedin, weights).total, score_pair(shop, linkedin, weights).total
    )


def test_profile_round_trips_through_json_with_new_fields() -> None:
    p = profile("1", given_name="Ada", family_name="Lovelace", emails=["ada99@gmail.com"],
                phones=["+44 7911 123456"])  # fmt: skip
    assert p.mobiles == ("phone:+447911123456",)
    assert p.personal_emails == ("email:ada99@gmail.com",)
    assert Profile.from_json(p.to_json()) == p


def test_work_mailbox_domain_agrees_with_a_stated_employer_but_never_disagrees() -> None:
    support = profile("1", source="support", full_name="Susan King",
                      emails=["susan.king7166@riverside-security.com", "sk@gmail.com",
                              "info@riverside-security.com"])  # fmt: skip
    assert support.work_companies == ("riverside security",)  # not gmail, not a role address
    linkedin = build_profile({"kind": "social_profile", "source": "linkedin", "source_id": "2",
                              "platform": "linkedin", "handle": "susan-king-1026",
                              "given_name": "Susan", "family_name": "King",
                              "company": {"name": "Riverside Security Ltd"}})  # fmt: skip
    moved = profile("3", given_name="Susan", family_name="King", company={"name": "IBM"})
    weights = Weights()
    assert compare(support, linkedin)["company"] == "exact"
    assert score_pair(support, linkedin, weights).total >= weights.threshold
    assert "company" not in compare(support, moved)  # ibm.com or a former employer: no evidence
    colleague = profile("4", full_name="Susan King", emails=["s.king@riverside-security.com"])
    assert "company" not in compare(support, colleague)  # two mailboxes: only names decide
    assert Profile.from_json(support.to_json()) == support


def test_full_name_and_employer_make_a_block_that_stays_small() -> None:
    def company_blocks(p: Profile) -> set[str]:
        return {key for key in blocking_keys(p) if key.startswith("c:")}

    crm = profile("1", given_name="Noemi", family_name="Rizzo", company={"name": "Acme GmbH"})
    swapped = profile("2", given_name="Rizzo", family_name="Noemi",
                      emails=["noemi.rizzo@acme.com"])  # fmt: skip
    elsewhere = profile("3", given_name="Noemi", family_name="Rizzo", company={"name": "Initech"})
    nameless_employer = profile("4", given_name="Noemi", emails=["nr@acme.com"])
    assert company_blocks(crm) == {"c:noemi|rizzo|acme"}
    assert company_blocks(crm) & company_blocks(swapped)  # names in either order, mailbox employer
    assert not company_blocks(crm) & company_blocks(elsewhere)
    assert company_blocks(nameless_employer) == set()  # a given name alone is too common

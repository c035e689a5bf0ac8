"""Unit tests of identity.survivorship: golden-record rules, tie-breaks and provenance."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import fields
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from identity.errors import IdentityError, SurvivorshipError
from identity.names import name_key
from identity.survivorship import (
    DEFAULT_SOURCE_PRIORITY,
    CarriedValue,
    GoldenRecord,
    Survivor,
    SurvivorInput,
    SurvivorshipRules,
    build_golden_record,
    golden_to_dict,
)


def rec(source: str, source_id: str, observed_at: str, **record: Any) -> SurvivorInput:
    """A survivorship input shaped like a validated contact record."""
    payload = {"kind": "contact", "source": source, "source_id": source_id, **record}
    payload["observed_at"] = observed_at
    return SurvivorInput(f"{source}|{source_id}", source, observed_at, payload)


# Robert Miller as five systems know him: formal name in the systems of record, "Bob" on X.
ROBERT = [
    rec("crm", "C-1001", "2023-02-01T09:00:00Z", given_name="Robert", family_name="Miller",
        emails=["Robert.Miller@acme-tools.com", "info@acme-tools.com"],
        phones=["030 1234567"], birth_date="1984-07-12",
        address={"street": "Invalidenstraße", "street_number": "117", "locality": "Berlin",
                 "postcode": "10115", "country": "DE"},
        company={"name": "Acme Tools GmbH", "domain": "acme-tools.com"}, title="Buyer",
        consent={"email": True, "phone": True, "updated_at": "2023-01-15T10:00:00Z"}),
    rec("shop", "88412", "2024-06-03T18:22:10+02:00", full_name="Robert Miller",
        emails=["bob.miller84@gmail.com"], phones=["+49 151 23456789"], birth_date="1984-07-12",
        address={"locality": "Potsdam", "postcode": "14467", "country": "DE"},
        consent={"email": False, "updated_at": "2024-06-03T16:00:00Z"}),
    rec("support", "T-5521", "2024-09-10T08:00:00Z", given_name="Bob", family_name="Miller",
        emails=["BobMiller84@googlemail.com", "info@acme-tools.com"], phones=["030/1234567"],
        consent={"profiling": False}),
    rec("x", "bobmiller84", "2025-01-20T12:00:00Z", full_name="Bob Miller",
        handles=[{"platform": "twitter", "handle": "@BobMiller84"}], bio="Tools, bikes, BBQ."),
    rec("linkedin", "robert-miller-84", "2025-03-01T07:30:00Z", given_name="Robert",
        family_name="Miller", company={"name": "Globex Corporation", "domain": "globex.com"},
        title="Head of Procurement",
        handles=[{"platform": "linkedin", "handle": "https://www.linkedin.com/in/robert-miller-84/"}]),
]  # fmt: skip


@pytest.fixture
def golden() -> GoldenRecord:
    return build_golden_record(ROBERT)


def test_formal_name_outnumbers_nickname(golden: GoldenRecord) -> None:
    assert golden["given_name"].value == "Robert"
    assert golden["given_name"].rule == "most_frequent"
    assert golden["given_name"].candidates == 5
    assert golden["family_name"].value == "Miller"


def test_name_representative_comes_from_best_source() -> None:
    records = [
        rec("x", "1", "2025-01-01T00:00:00Z", given_name="ROBERT"),
        rec("crm", "2", "2020-01-01T00:00:00Z", given_name="Robert"),
        rec("instagram", "3", "2025-02-01T00:00:00Z", given_name="Bob"),
    ]
    chosen = build_golden_record(records)["given_name"]
    assert (chosen.value, chosen.source_record) == ("Robert", "crm|2")


def test_name_tie_goes_to_source_priority_then_recency() -> None:
    by_priority = [
        rec("instagram", "1", "2025-01-01T00:00:00Z", given_name="Bob"),
        rec("crm", "2", "2020-01-01T00:00:00Z", given_name="Robert"),
    ]
    chosen = build_golden_record(by_priority)["given_name"]
    assert (chosen.value, chosen.rule) == ("Robert", "most_frequent>source_priority")
    by_recency = [
        rec("crm", "1", "2025-01-01T00:00:00Z", given_name="Bob"),
        rec("crm", "2", "2020-01-01T00:00:00Z", given_name="Robert"),
    ]
    chosen = build_golden_record(by_recency)["given_name"]
    assert (chosen.value, chosen.rule) == ("Bob", "most_frequent>source_priority>most_recent")


def test_final_tie_break_is_record_key() -> None:
    same = "2024-05-01T10:00:00Z"
    records = [rec("crm", "B", same, given_name="Bob"), rec("crm", "A", same, given_name="Rob")]
    chosen = build_golden_record(records)["given_name"]
    assert (chosen.value, chosen.source_record) == ("Rob", "crm|A")
    assert chosen.rule == "most_frequent>source_priority>most_recent>record_key"


def test_full_name_split_and_derived() -> None:
    only_full = build_golden_record(
        [rec("x", "1", "2025-01-01T00:00:00Z", full_name="Curie, Marie")]
    )
    assert only_full["given_name"].value == "Marie"
    assert only_full["family_name"].value == "Curie"
    assert only_full["full_name"].value == "Curie, Marie"
    parts_only = build_golden_record(
        [rec("hr", "7", "2025-01-01T00:00:00Z", given_name="Ludwig", family_name="van Beethoven")]
    )
    derived = parts_only["full_name"]
    assert (derived.value, derived.rule, derived.candidates) == (
        "Ludwig van Beethoven",
        "derived",
        0,
    )
    assert derived.source_record == "hr|7"


def test_job_change_picks_latest_company_and_title(golden: GoldenRecord) -> None:
    assert golden["company"].value == {"name": "Globex Corporation", "domain": "globex.com"}
    assert golden["company"].rule == "most_recent"
    assert golden["company"].source_record == "linkedin|robert-miller-84"
    assert golden["title"].value == "Head of Procurement"


def test_address_is_one_whole_object(golden: GoldenRecord) -> None:
    # The newest address lacks a street; the older street must not leak into it.
    assert golden["address"].value == {
        "locality": "Potsdam", "postcode": "14467", "country": "DE"
    }  # fmt: skip
    assert golden["address"].source_record == "shop|88412"
    assert golden["address"].observed_at == "2024-06-03T18:22:10+02:00"


def test_most_recent_compares_instants_not_text() -> None:
    # 10:30+02:00 is 08:30Z, earlier than 09:00Z although it sorts later as text.
    records = [
        rec("crm", "1", "2024-01-01T10:30:00+02:00", title="Buyer"),
        rec("crm", "2", "2024-01-01T09:00:00Z", title="Head of Buying"),
    ]
    assert build_golden_record(records)["title"].value == "Head of Buying"


def test_birth_date_most_frequent_and_impossible_dates_dropped() -> None:
    records = [
        rec("crm", "1", "2024-01-01T00:00:00Z", birth_date="1984-07-12"),
        rec("shop", "2", "2024-01-01T00:00:00Z", birth_date="1984-07-12"),
        rec("hr", "3", "2024-01-01T00:00:00Z", birth_date="1984-12-07"),
        rec("hr", "4", "2024-01-01T00:00:00Z", birth_date="2031-01-01"),
        rec("hr", "5", "2024-01-01T00:00:00Z", birth_date="1984-02-30"),
    ]
    chosen = build_golden_record(records)["birth_date"]
    assert (chosen.value, chosen.rule, chosen.candidates) == ("1984-07-12", "most_frequent", 3)


def test_role_address_is_never_primary(golden: GoldenRecord) -> None:
    # info@ is carried by two records, the personal gmail by two, the work address by one.
    assert golden["primary_email"].value == "bob.miller84@gmail.com"
    emails = {e.key: e for e in golden.emails}
    assert emails["info@acme-tools.com"].is_role
    assert emails["info@acme-tools.com"].records == ("crm|C-1001", "support|T-5521")
    assert emails["bobmiller84@gmail.com"].records == ("shop|88412", "support|T-5521")
    only_role = build_golden_record(
        [rec("crm", "1", "2024-01-01T00:00:00Z", emails=["sales@acme.com", "info@acme.com"])]
    )
    assert "primary_email" not in only_role
    assert [e.is_role for e in only_role.emails] == [True, True]


def test_invalid_identifiers_are_kept_out() -> None:
    too_long = {"platform": "x", "handle": "@this_is_far_too_long"}
    record = rec("crm", "1", "2024-01-01T00:00:00Z", emails=["jane@@example.com"],
                 phones=["12"], handles=[too_long])  # fmt: skip
    golden = build_golden_record([record])
    assert (golden.emails, golden.phones, golden.handles) == ((), (), ())
    assert "primary_email" not in golden and "primary_phone" not in golden


def test_phones_read_in_address_country_and_mobile_preferred(golden: GoldenRecord) -> None:
    phones = {p.value: p for p in golden.phones}
    # crm and support wrote the Berlin landline two ways; both are one number.
    assert phones["+49301234567"].records == ("crm|C-1001", "support|T-5521")
    assert phones["+49301234567"].number_type == "fixed_line"
    # The landline is more frequent, but a mobile number reaches the person.
    assert golden["primary_phone"].value == "+4915123456789"
    assert golden["primary_phone"].candidates == 1


def test_handles_merge_urls_and_at_names() -> None:
    social = rec("x", "2", "2025-01-01T00:00:00Z", kind="social_profile", platform="x",
                 handle="https://twitter.com/bobmiller84")  # fmt: skip
    golden = build_golden_record([*ROBERT, social])
    handles = {h.key: h for h in golden.handles}
    assert set(handles) == {"x:bobmiller84", "linkedin:robert-miller-84"}
    assert handles["x:bobmiller84"].records == ("x|2", "x|bobmiller84")
    assert golden.handles[0].key == "x:bobmiller84"


def test_consent_most_recent_statement_per_channel(golden: GoldenRecord) -> None:
    assert (golden["consent.email"].value, golden["consent.email"].source_record) == (
        False,
        "shop|88412",
    )
    assert golden["consent.email"].observed_at == "2024-06-03T16:00:00Z"
    assert (golden["consent.phone"].value, golden["consent.phone"].source_record) == (
        True,
        "crm|C-1001",
    )
    # No updated_at: the support record's observed_at dates the statement.
    assert golden["consent.profiling"].value is False
    assert golden["consent.profiling"].observed_at == "2024-09-10T08:00:00Z"


def test_consent_updated_at_beats_later_observation() -> None:
    records = [
        rec("crm", "1", "2025-05-01T00:00:00Z",
            consent={"email": True, "updated_at": "2021-03-01T00:00:00Z"}),
        rec("shop", "2", "2024-01-01T00:00:00Z", consent={"email": False}),
    ]  # fmt: skip
    assert build_golden_record(records)["consent.email"].value is False


def test_configured_rules_and_priority() -> None:
    records = [
        rec("linkedin", "1", "2025-01-01T00:00:00Z", title="Head of Procurement"),
        rec("hr", "2", "2022-01-01T00:00:00Z", title="Procurement Lead"),
    ]
    assert build_golden_record(records)["title"].value == "Head of Procurement"
    by_hr = SurvivorshipRules(field_rules={"title": "source_priority"})
    chosen = build_golden_record(records, by_hr)["title"]
    assert (chosen.value, chosen.rule) == ("Procurement Lead", "source_priority")
    by_social = SurvivorshipRules(source_priority=("linkedin", "hr"), field_rules=by_hr.field_rules)
    assert build_golden_record(records, by_social)["title"].value == "Head of Procurement"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"field_rules": {"nickname": "most_recent"}},
        {"field_rules": {"title": "longest"}},
        {"source_priority": ("crm", "hr", "crm")},
    ],
)
def test_bad_rules_raise(kwargs: dict[str, Any]) -> None:
    with pytest.raises(SurvivorshipError):
        SurvivorshipRules(**kwargs)


def test_empty_input_raises_identity_error() -> None:
    with pytest.raises(IdentityError, match="at least one source record"):
        build_golden_record([])


def test_repeated_key_and_bad_time_raise() -> None:
    record = rec("crm", "1", "2024-01-01T00:00:00Z", given_name="Ann")
    with pytest.raises(SurvivorshipError, match="more than once"):
        build_golden_record([record, record])
    with pytest.raises(SurvivorshipError, match="RFC 3339"):
        build_golden_record([rec("crm", "2", "2024-01-01 00:00", given_name="Ann")])


def test_golden_to_dict_is_json_ready(golden: GoldenRecord) -> None:
    data = json.loads(json.dumps(golden_to_dict(golden)))
    assert data["given_name"] == {
        "value": "Robert",
        "provenance": {
            "rule": "most_frequent",
            "source_record": "crm|C-1001",
            "observed_at": "2023-02-01T09:00:00Z",
            "candidates": 5,
        },
    }
    assert data["address"]["value"]["locality"] == "Potsdam"
    assert {"platform": "x", "handle": "bobmiller84", "records": ["x|bobmiller84"]} in data[
        "handles"
    ]
    assert len(data["records"]) == len(ROBERT)


# --------------------------------------------------------------------------- memos


def test_same_records_give_the_same_golden_record_every_time() -> None:
    first = golden_to_dict(build_golden_record(ROBERT))
    first["address"]["value"]["locality"] = "Changed by a caller"
    first["emails"][0]["records"].append("crm|nobody")
    first["records"].clear()
    again = build_golden_record(ROBERT)
    assert golden_to_dict(again) == golden_to_dict(build_golden_record(list(reversed(ROBERT))))
    assert golden_to_dict(again)["address"]["value"]["locality"] == "Potsdam"
    assert "crm|nobody" not in again.emails[0].records
    address: Any = again["address"].value
    with pytest.raises(TypeError):  # read-only, and shared with later calls
        address["locality"] = "Berlin"


def test_a_record_changed_in_place_is_read_again() -> None:
    payload: dict[str, Any] = {"title": "Buyer", "emails": ["a@acme.com"],
                               "address": {"locality": "Berlin", "country": "DE"}}  # fmt: skip
    record = SurvivorInput("crm|1", "crm", "2024-01-01T00:00:00Z", payload)
    assert build_golden_record([record])["title"].value == "Buyer"
    payload["title"] = "Head of Buying"
    payload["emails"].append("b@acme.com")
    payload["address"]["locality"] = "Potsdam"
    golden = build_golden_record([record])
    assert golden["title"].value == "Head of Buying"
    assert [e.value for e in golden.emails] == ["a@acme.com", "b@acme.com"]
    assert golden_to_dict(golden)["address"]["value"]["locality"] == "Potsdam"


def test_results_equal_the_public_constructors(golden: GoldenRecord) -> None:
    # Survivors, carried values and the record itself are built without their __init__.
    built: list[Survivor | CarriedValue] = [*golden.values(), *golden.emails, *golden.phones]
    for value in [*built, *golden.handles]:
        rebuilt = type(value)(**{f.name: getattr(value, f.name) for f in fields(value)})
        assert (value, repr(value)) == (rebuilt, repr(rebuilt))
    rebuilt_golden = GoldenRecord(**{f.name: getattr(golden, f.name) for f in fields(golden)})
    assert (golden, vars(golden)) == (rebuilt_golden, vars(rebuilt_golden))


def test_values_that_cannot_be_memo_keys_are_read_as_ever() -> None:
    record = rec("crm", "1", "2024-01-01T00:00:00Z", given_name=["Bob"], family_name="Miller",
                 address={"locality": {"name": "Berlin"}, "country": "DE"})  # fmt: skip
    golden = build_golden_record([record])
    assert "given_name" not in golden
    assert golden_to_dict(golden)["address"]["value"] == {"country": "DE"}


def test_malformed_records_fail_in_field_order() -> None:
    # Addresses are read before handles, whichever record comes first.
    bad_handles = rec("crm", "A", "2024-01-01T00:00:00Z", handles=5)
    bad_address = rec("crm", "B", "2024-01-01T00:00:00Z", address="Berlin")
    with pytest.raises(AttributeError, match="'str' object has no attribute 'get'"):
        build_golden_record([bad_handles, bad_address])
    # Times come first of all, and consent before handles.
    late = rec("crm", "C", "yesterday")
    with pytest.raises(SurvivorshipError, match=r"crm\|C: observed_at"):
        build_golden_record([bad_address, late])
    both = rec("crm", "D", "2024-01-01T00:00:00Z", handles=[{"platform": "x", "handle": 5}],
               consent={"phone": True, "updated_at": "soon"})  # fmt: skip
    with pytest.raises(SurvivorshipError, match=r"consent\.updated_at is 'soon'"):
        build_golden_record([both])
    with pytest.raises(TypeError, match="must be str, not int"):
        build_golden_record(
            [rec("crm", "E", "2024-01-01T00:00:00Z", handles=both.record["handles"])]
        )


# --------------------------------------------------------------------------- properties

SOURCES = (*DEFAULT_SOURCE_PRIORITY, "reddit")
# Few distinct times, so ties on recency (and on everything but the key) are common.
TIMES = ("2024-01-01T00:00:00Z", "2024-01-01T01:00:00+01:00", "2025-06-01T12:00:00Z")
GIVEN = ("Robert", "robert", "Rob", "Bob", "Bobby")
EMAILS = ("bob@gmail.com", "b.o.b@gmail.com", "info@acme.com", "rob@acme.com", "bad@@x")


@st.composite
def person_records(draw: st.DrawFn) -> list[SurvivorInput]:
    """Up to eight records of one person with values drawn from small pools."""
    count = draw(st.integers(min_value=1, max_value=8))
    records = []
    for i in range(count):
        maybe = draw(st.fixed_dictionaries({}, optional={
            "given_name": st.sampled_from(GIVEN),
            "title": st.sampled_from(("Buyer", "Head of Buying")),
            "address": st.sampled_from(({"locality": "Berlin", "country": "DE"},
                                        {"locality": "Paris", "country": "FR"})),
            "emails": st.lists(st.sampled_from(EMAILS), max_size=3),
            "phones": st.lists(st.sampled_from(("030 1234567", "+4915123456789")), max_size=2),
            "consent": st.fixed_dictionaries({"email": st.booleans()},
                                             optional={"updated_at": st.sampled_from(TIMES)}),
        }))  # fmt: skip
        source, when = draw(st.sampled_from(SOURCES)), draw(st.sampled_from(TIMES))
        records.append(rec(source, f"id{i}", when, **maybe))
    return records


@settings(max_examples=150, deadline=None)
@given(data=st.data(), records=person_records())
def test_order_of_records_never_matters(data: st.DataObject, records: list[SurvivorInput]) -> None:
    shuffled = data.draw(st.permutations(records))
    assert golden_to_dict(build_golden_record(shuffled)) == golden_to_dict(
        build_golden_record(records)
    )


@settings(max_examples=150, deadline=None)
@given(records=person_records())
def test_most_frequent_name_matches_brute_force(records: list[SurvivorInput]) -> None:
    named = [r for r in records if "given_name" in r.record]
    golden = build_golden_record(records)
    if not named:
        assert "given_name" not in golden
        return
    counts = Counter(name_key(r.record["given_name"]) for r in named)
    top = max(counts.values())
    rank = SurvivorshipRules().source_rank
    best_rank = min(
        rank(r.source) for r in named if counts[name_key(r.record["given_name"])] == top
    )
    chosen = golden["given_name"]
    assert counts[name_key(str(chosen.value))] == top
    assert rank(chosen.source_record.split("|", 1)[0]) == best_rank

"""Faulty optional parts are set aside with a warning; records that need them are rejected."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from ingest.batches import RawLine
from ingest.contract import parse_record, validation_errors
from ingest.records import Rejection, parse_chunk, parse_line

CONTACT: dict[str, Any] = {
    "kind": "contact",
    "source": "crm",
    "source_id": "c-1",
    "observed_at": "2026-01-02T03:04:05Z",
    "full_name": "Liz Mueller",
    "emails": ["liz@example.com"],
    "phones": ["+49 151 23456789", "0151 23456789"],
    "handles": [{"platform": "instagram", "handle": "liz.mueller84"}],
    "address": {"locality": "Berlin", "country": "DE"},
    "birth_date": "1984-05-01",
}


def _line(obj: dict[str, Any], line_no: int = 1) -> RawLine:
    return RawLine("test.jsonl", line_no, json.dumps(obj))


def _accepted(obj: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The stored row and its decoded warnings, failing if the line was rejected."""
    row = parse_line(_line(obj))
    assert not isinstance(row, Rejection), row.errors
    return row, json.loads(row["warnings"])


def _rejected(obj: dict[str, Any]) -> Rejection:
    result = parse_line(_line(obj))
    assert isinstance(result, Rejection), result
    return result


def _fields(notes: list[dict[str, str]]) -> list[str]:
    return [note["field"] for note in notes]


def test_valid_record_is_unchanged_with_no_warnings_and_no_original() -> None:
    row, warnings = _accepted(CONTACT)
    assert warnings == []
    assert row["warnings"] == "[]"
    assert "original" not in row
    assert json.loads(row["payload"])["phones"] == CONTACT["phones"]


def test_impossible_calendar_date_fails_the_contract() -> None:
    # 30 February matches YYYY-MM-DD, so only the calendar check can catch it.
    with pytest.raises(ValidationError) as info:
        parse_record({**CONTACT, "birth_date": "2023-02-30"})
    assert [e.field for e in validation_errors(info.value)] == ["birth_date"]


def test_impossible_birth_date_is_set_aside() -> None:
    obj = {**CONTACT, "birth_date": "2023-02-30"}
    row, warnings = _accepted(obj)
    assert _fields(warnings) == ["birth_date"]
    assert "day value is outside expected range" in warnings[0]["reason"]
    payload = json.loads(row["payload"])
    assert "birth_date" not in payload
    assert payload["emails"] == CONTACT["emails"]
    assert row["original"] == json.dumps(obj)


def test_phone_with_letters_drops_only_that_phone() -> None:
    row, warnings = _accepted({**CONTACT, "phones": ["+49 151 23456789", "call me", "030 1234"]})
    assert _fields(warnings) == ["phones[1]"]
    assert "digits" in warnings[0]["reason"]
    assert json.loads(row["payload"])["phones"] == ["+49 151 23456789", "030 1234"]


def test_handle_with_bad_platform_token_is_set_aside_as_a_whole() -> None:
    handles = [{"platform": "Insta Gram!", "handle": "liz"}, {"platform": "x", "handle": "@liz"}]
    row, warnings = _accepted({**CONTACT, "handles": handles})
    # The token is named first; the handle cannot stand without it, so it goes as well.
    assert _fields(warnings) == ["handles[0].platform", "handles[0]"]
    assert "platform token" in warnings[0]["reason"]
    assert json.loads(row["payload"])["handles"] == [handles[1]]


def test_bad_nested_country_drops_only_the_country() -> None:
    row, warnings = _accepted({**CONTACT, "address": {"locality": "Berlin", "country": "Germany"}})
    assert _fields(warnings) == ["address.country"]
    assert json.loads(row["payload"])["address"] == {"locality": "Berlin"}


def test_several_bad_fields_are_all_named_and_the_rest_is_kept() -> None:
    obj = {
        **CONTACT,
        "birth_date": "2023-02-30",
        "phones": ["abc", "+49 151 23456789", "12-xyz"],
        "handles": [{"platform": "x", "handle": "liz"}, {"platform": "X", "handle": "liz"}],
        "address": {"locality": "Berlin", "country": "de"},
    }
    row, warnings = _accepted(obj)
    assert set(_fields(warnings)) == {
        "birth_date",
        "phones[0]",
        "phones[2]",
        "handles[1].platform",
        "handles[1]",
        "address.country",
    }
    payload = json.loads(row["payload"])
    assert payload["phones"] == ["+49 151 23456789"]
    assert payload["handles"] == [{"platform": "x", "handle": "liz"}]
    assert payload["address"] == {"locality": "Berlin"}
    assert payload["full_name"] == "Liz Mueller"
    assert row["original"] == json.dumps(obj)


def test_warnings_name_fields_as_sent_even_after_earlier_elements_went() -> None:
    people = [
        {"emails": ["not-an-email"]},
        {"emails": ["ok@example.com"]},
        {"handles": [{"platform": "Bad Token", "handle": "h"}]},
    ]
    obj = {
        "kind": "conversation",
        "source": "x",
        "source_id": "p-1",
        "observed_at": "2026-01-02T03:04:05Z",
        "channel": "post",
        "author": {"handles": [{"platform": "x", "handle": "liz"}]},
        "text": "Love it",
        "at": "2026-01-02T03:00:00Z",
        "mentions": {"people": people},
    }
    row, warnings = _accepted(obj)
    # people[2] is reported as people[2], although people[0] was gone when it emptied.
    assert {"mentions.people[0]", "mentions.people[2]"} <= set(_fields(warnings))
    assert json.loads(row["payload"])["mentions"]["people"][0]["emails"] == ["ok@example.com"]


def test_contact_whose_only_identifier_is_bad_and_has_no_name_is_rejected() -> None:
    obj = {key: CONTACT[key] for key in ("kind", "source", "source_id", "observed_at")}
    rejection = _rejected({**obj, "emails": ["liz-at-example"]})
    fields = _fields(rejection.errors)
    assert fields[0] == "emails[0]"
    assert "email address" in rejection.errors[0]["reason"]
    # And why setting the email aside could not save the record.
    assert "$" in fields
    assert any("needs at least one" in error["reason"] for error in rejection.errors)


def test_required_field_broken_is_rejected_with_every_error() -> None:
    rejection = _rejected({**CONTACT, "source_id": " ", "phones": ["abc"]})
    assert _fields(rejection.errors) == ["source_id", "phones[0]"]
    assert rejection.payload == json.dumps({**CONTACT, "source_id": " ", "phones": ["abc"]})


def test_broken_required_object_of_the_kind_is_rejected() -> None:
    purchase = {
        "kind": "purchase",
        "source": "shop",
        "source_id": "o-1",
        "observed_at": "2026-01-02T03:04:05Z",
        "person": {"emails": ["liz@example.com"]},
        "product": {"sku": "SKU-1"},
        "amount": {"amount": 10.0, "currency": "euro"},
        "type": "purchase",
        "at": "2026-01-02T03:00:00Z",
    }
    rejection = _rejected(purchase)
    assert _fields(rejection.errors) == ["amount.currency"]


def test_bad_optional_part_inside_a_required_object_is_set_aside() -> None:
    purchase = {
        "kind": "purchase",
        "source": "shop",
        "source_id": "o-2",
        "observed_at": "2026-01-02T03:04:05Z",
        "person": {"emails": ["liz@example.com"], "phones": ["no phone"]},
        "product": {"sku": "SKU-1"},
        "amount": {"amount": 10.0, "currency": "EUR"},
        "type": "purchase",
        "at": "2026-01-02T03:00:00Z",
    }
    row, warnings = _accepted(purchase)
    assert _fields(warnings) == ["person.phones[0]"]
    assert json.loads(row["payload"])["person"]["emails"] == ["liz@example.com"]


def test_unknown_kind_and_unknown_field_are_still_rejected() -> None:
    assert _fields(_rejected({**CONTACT, "kind": "contactt"}).errors) == ["kind"]
    assert _fields(_rejected({**CONTACT, "emial": "liz@example.com"}).errors) == ["emial"]


def test_a_salvaged_record_does_not_stop_its_batch() -> None:
    lines = [
        _line(CONTACT, 1),
        _line({**CONTACT, "source_id": "c-2", "birth_date": "2023-02-30"}, 2),
        _line({**CONTACT, "source_id": ""}, 3),
        _line({**CONTACT, "source_id": "c-4"}, 4),
    ]
    parsed = parse_chunk(lines)
    assert [row["source_id"] for row in parsed.rows] == ["c-1", "c-2", "c-4"]
    assert [r.line_no for r in parsed.rejections] == [3]
    assert [row["warnings"] != "[]" for row in parsed.rows] == [False, True, False]


def test_salvaged_row_keeps_the_parsed_types_of_what_is_left() -> None:
    row, _ = _accepted({**CONTACT, "phones": ["abc"]})
    record = parse_record(json.loads(row["payload"]))
    assert record.kind == "contact"
    assert getattr(record, "birth_date", None) == date(1984, 5, 1)


def test_identity_record_with_nothing_usable_is_rejected_naming_each_field() -> None:
    line = RawLine(
        "t.jsonl",
        7,
        json.dumps(
            {
                "kind": "contact",
                "source": "crm",
                "source_id": "nothing-usable",
                "observed_at": "2025-01-02T03:04:05Z",
                "phones": ["0301234567"],  # national number, no region known
            }
        ),
    )
    result = parse_line(line)
    assert isinstance(result, Rejection)
    fields = [e["field"] for e in result.errors]
    assert fields == ["phones[0]", "$"]
    assert "no usable identifier and no name" in result.errors[-1]["reason"]
    # With the source's region configured, the same number is usable.
    assert not isinstance(parse_line(line, {"crm": "DE"}), Rejection)

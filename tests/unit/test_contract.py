"""The ingest record contract: models, published JSON Schema, examples and error paths."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import ValidationError

from ingest.contract import KINDS, RECORD_MODELS, FieldError, parse_record, validation_errors
from ingest.contract.schema import CONTRACT_VERSION, SCHEMA_DIR, render_schemas

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples" / "v1"
SCHEMAS = ROOT / SCHEMA_DIR
DOC = ROOT / "docs" / "ingest-contract.md"


def _example(kind: str) -> dict[str, Any]:
    lines = (EXAMPLES / f"{kind}.jsonl").read_text(encoding="utf-8").splitlines()
    return dict(json.loads(lines[0]))


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _errors(obj: object) -> list[FieldError]:
    with pytest.raises(ValidationError) as info:
        parse_record(obj)
    return validation_errors(info.value)


def _fields(obj: object) -> set[str]:
    return {error.field for error in _errors(obj)}


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_an_example_that_parses_and_matches_the_schema(kind: str) -> None:
    for line in (EXAMPLES / f"{kind}.jsonl").read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        record = parse_record(obj)
        assert record.kind == kind
        _validator(f"{kind}.json").validate(obj)
        _validator("record.json").validate(obj)


def test_example_folder_holds_one_file_per_kind() -> None:
    assert sorted(path.stem for path in EXAMPLES.glob("*.jsonl")) == sorted(KINDS)


def test_published_schemas_equal_a_fresh_regeneration() -> None:
    fresh = render_schemas()
    on_disk = {path.name: path.read_text(encoding="utf-8") for path in SCHEMAS.glob("*.json")}
    assert on_disk == fresh, "run `python -m ingest.contract.schema` and commit the result"


def test_record_schema_selects_by_kind() -> None:
    schema = json.loads((SCHEMAS / "record.json").read_text(encoding="utf-8"))
    assert set(schema["discriminator"]["mapping"]) == set(KINDS)
    assert schema["x-contract-version"] == CONTRACT_VERSION


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_is_described_in_the_schema(kind: str) -> None:
    for model in _models_reachable_from(RECORD_MODELS[kind]):
        for name, info in model.model_fields.items():
            assert info.description, f"{model.__name__}.{name} lacks a description"


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_of_every_kind_is_documented(kind: str) -> None:
    section = _doc_section(kind)
    for name in RECORD_MODELS[kind].model_fields:
        assert f"`{name}`" in section, f"docs: {kind} does not document {name}"


def _doc_section(kind: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"^### `{kind}`$(.*?)(?=^### |\Z)", text, flags=re.M | re.S)
    assert match, f"docs/ingest-contract.md has no '### `{kind}`' section"
    return match.group(1)


def _models_reachable_from(model: type[Any]) -> list[type[Any]]:
    """The model and every nested contract model its fields use."""
    seen: list[type[Any]] = []
    todo = [model]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.append(current)
        for info in current.model_fields.values():
            todo.extend(_nested_models(info.annotation))
    return seen


def _nested_models(annotation: Any) -> list[type[Any]]:
    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _nested_models(arg)]


# --------------------------------------------------------------------------- bad records


def test_missing_source_id_names_the_field() -> None:
    obj = _example("contact")
    del obj["source_id"]
    errors = _errors(obj)
    assert [(e.field, e.code) for e in errors] == [("source_id", "missing")]


def test_wrong_type_in_a_list_names_the_index() -> None:
    obj = _example("contact")
    obj["emails"] = ["ok@example.com", 42]
    assert _fields(obj) == {"emails[1]"}


def test_wrong_type_for_a_list_names_the_list() -> None:
    obj = _example("contact")
    obj["emails"] = "ok@example.com"
    assert _fields(obj) == {"emails"}


def test_unknown_kind_names_kind_and_lists_the_kinds() -> None:
    obj = _example("contact") | {"kind": "contactt"}
    (error,) = _errors(obj)
    assert error.field == "kind"
    assert "contactt" in error.reason and "consent_change" in error.reason


def test_missing_kind_names_kind() -> None:
    obj = _example("contact")
    del obj["kind"]
    assert _fields(obj) == {"kind"}


@pytest.mark.parametrize(
    "value", ["yesterday", "2025-05-30", "2025-05-30T08:15:00", 1748592900, "2025-13-01T00:00:00Z"]
)
def test_bad_dates_name_the_field(value: object) -> None:
    obj = _example("contact") | {"observed_at": value}
    assert _fields(obj) == {"observed_at"}


def test_bad_birth_date_names_the_field() -> None:
    obj = _example("contact") | {"birth_date": "12/03/1984"}
    assert _fields(obj) == {"birth_date"}


def test_nested_errors_name_the_full_path() -> None:
    obj = _example("conversation")
    obj["mentions"]["people"][0]["handles"][0]["platform"] = "X Corp"
    assert _fields(obj) == {"mentions.people[0].handles[0].platform"}


def test_unknown_field_is_rejected_by_name() -> None:
    obj = _example("contact") | {"emial": "typo@example.com"}
    (error,) = _errors(obj)
    assert (error.field, error.code) == ("emial", "extra_forbidden")


def test_person_ref_without_identifier_is_rejected() -> None:
    obj = _example("purchase") | {"person": {"full_name": "Jörg Schröder"}}
    (error,) = _errors(obj)
    assert (error.field, error.code) == ("person", "person_ref_empty")


def test_contact_without_any_identifier_is_rejected() -> None:
    obj = {k: v for k, v in _example("contact").items() if k in ("kind", "source", "source_id")}
    obj["observed_at"] = "2025-01-01T00:00:00Z"
    assert [e.code for e in _errors(obj)] == ["contact_empty"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("satisfaction", 6),
        ("satisfaction", "5"),
        ("status", "done"),
        ("closed_at", "2025-05-01T00:00:00Z"),
    ],
)
def test_support_case_values_are_checked(field: str, value: object) -> None:
    obj = _example("support_case") | {field: value}
    errors = _errors(obj)
    assert {e.field for e in errors} <= {field, "$"}


@pytest.mark.parametrize("value", ["1", True, -3])
def test_money_amount_must_be_a_non_negative_number(value: object) -> None:
    obj = _example("purchase")
    obj["amount"] = {"amount": value, "currency": "EUR"}
    assert _fields(obj) == {"amount.amount"}


def test_strings_are_not_coerced_from_numbers() -> None:
    obj = _example("contact") | {"source_id": 123}
    assert _fields(obj) == {"source_id"}


def test_blank_strings_are_rejected() -> None:
    obj = _example("contact") | {"title": "   "}
    assert _fields(obj) == {"title"}


def test_non_object_record_is_rejected_at_the_root() -> None:
    assert _fields(["kind", "contact"]) == {"$"}


def test_unsupported_schema_version_is_rejected() -> None:
    obj = _example("contact") | {"schema_version": "2.0"}
    assert _fields(obj) == {"schema_version"}


def test_schema_version_defaults_to_the_contract_version() -> None:
    obj = _example("social_profile")
    obj.pop("schema_version", None)
    assert parse_record(obj).schema_version == CONTRACT_VERSION


@pytest.mark.parametrize(
    ("kind", "mutate"),
    [
        ("contact", lambda o: o.update(emails=["not-an-email"])),
        ("contact", lambda o: o.update(phones=["call me"])),
        ("contact", lambda o: o["address"].update(country="Germany")),
        ("referral", lambda o: o.update(converted="yes")),
        ("follow", lambda o: o.update(relation="friend")),
        ("purchase", lambda o: o.update(quantity=0)),
        ("deal", lambda o: o.update(people=[])),
    ],
)
def test_bad_records_fail_both_the_models_and_the_schema(kind: str, mutate: Any) -> None:
    obj = copy.deepcopy(_example(kind))
    mutate(obj)
    assert _errors(obj)
    assert list(_validator(f"{kind}.json").iter_errors(obj))

"""Generic CSV files read through a TOML column mapping."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ingest.batches import RawLine
from ingest.formats import FormatError, InputOptions, convert_file, load_mapping, plan_inputs
from ingest.formats.mapping import parse_mapping
from ingest.records import parse_chunk

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


def write_mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.toml"
    path.write_text(text)
    return path


def convert(path: Path, mapping: Path, **options: Any) -> list[RawLine]:
    chosen = InputOptions(mapping=load_mapping(mapping), **options)
    [item] = plan_inputs([path], chosen)
    assert item.format == "csv"
    return list(convert_file(item, chosen.mapping))


BASIC = """
source = "shop_export"
source_id = "id"
observed_at = { column = "changed", format = "%d.%m.%Y %H:%M", timezone = "Europe/Berlin" }

[columns]
"first" = "given_name"
"mail" = "emails[]"
"mail2" = "emails[]"
"twitter" = "handles[twitter]"
"company" = "company.name"
"city" = "address.locality"
"customer" = "external_ids[shop]"
"tags" = { field = "phones[]", split = "|" }
"born" = { field = "birth_date", format = "%d/%m/%Y" }
"optin" = { field = "consent.email", type = "boolean" }

[constants]
"address.country" = "DE"
"""


def test_columns_fill_field_paths(tmp_path: Path) -> None:
    csv_path = tmp_path / "export.csv"
    csv_path.write_text(
        "id,first,mail,mail2,twitter,company,city,customer,tags,born,optin,changed\n"
        "7,Ana,ana@example.org,,@ana,Acme,Köln,C-7,+49 1 | +49 2,15/04/1985,yes,14.01.2025 09:12\n"
    )
    [line] = convert(csv_path, write_mapping(tmp_path, BASIC))
    assert json.loads(line.text) == {
        "kind": "contact",
        "source": "shop_export",
        "source_id": "7",
        "observed_at": "2025-01-14T09:12:00+01:00",
        "given_name": "Ana",
        "emails": ["ana@example.org"],
        "handles": [{"platform": "twitter", "handle": "@ana"}],
        "company": {"name": "Acme"},
        "address": {"country": "DE", "locality": "Köln"},
        "external_ids": [{"system": "shop", "value": "C-7"}],
        "phones": ["+49 1", "+49 2"],
        "birth_date": "1985-04-15",
        "consent": {"email": True},
    }


def test_value_that_cannot_be_read_is_set_aside_by_the_contract(tmp_path: Path) -> None:
    csv_path = tmp_path / "export.csv"
    csv_path.write_text(
        "id,first,mail,mail2,twitter,company,city,customer,tags,born,optin,changed\n"
        "7,Ana,ana@example.org,,,,,,,April 1985,vielleicht,14.01.2025 09:12\n"
    )
    [row] = parse_chunk(convert(csv_path, write_mapping(tmp_path, BASIC))).rows
    fields = {w["field"] for w in json.loads(row["warnings"])}
    assert fields == {"birth_date", "consent.email"}


def test_bad_observed_at_rejects_the_row_naming_the_column(tmp_path: Path) -> None:
    csv_path = tmp_path / "export.csv"
    csv_path.write_text(
        "id,first,mail,mail2,twitter,company,city,customer,tags,born,optin,changed\n"
        "7,Ana,ana@example.org,,,,,,,,,last tuesday\n"
    )
    [line] = convert(csv_path, write_mapping(tmp_path, BASIC))
    assert line.errors[0][0] == "changed"
    assert "not a date-time: 'last tuesday'" in line.errors[0][1]
    assert line.text.startswith("7,Ana,")


def test_without_key_and_date_the_row_hash_and_file_time_are_used(tmp_path: Path) -> None:
    mapping = write_mapping(tmp_path, 'source = "x1"\n[columns]\n"mail" = "emails[]"\n')
    csv_path = tmp_path / "export.csv"
    csv_path.write_text("mail\nana@example.org\nbob@example.org\n")
    first = convert(csv_path, mapping)
    assert first == convert(csv_path, mapping)
    ids = [json.loads(line.text)["source_id"] for line in first]
    assert all(i.startswith("row-") for i in ids) and ids[0] != ids[1]


def test_constant_observed_at_semicolons_and_cli_source(tmp_path: Path) -> None:
    mapping = write_mapping(
        tmp_path,
        'source = "x1"\nobserved_at = 2025-01-31T00:00:00Z\ndelimiter = ";"\n'
        'kind = "employee"\n[columns]\n"Name" = "full_name"\n[constants]\ndepartment = "Sales"\n',
    )
    csv_path = tmp_path / "staff.csv"
    csv_path.write_text("Name;Other\nAna Lima;x\n")
    [line] = convert(csv_path, mapping, source="hr_import")
    got = json.loads(line.text)
    assert got["observed_at"] == "2025-01-31T00:00:00Z"
    assert (got["kind"], got["source"], got["department"]) == ("employee", "hr_import", "Sales")
    assert not parse_chunk([line]).rejections


def test_sample_mapping() -> None:
    lines = convert(SAMPLES / "crm-export.csv", SAMPLES / "crm-export.mapping.toml")
    parsed = parse_chunk(lines)
    assert len(parsed.rows) == 6 and not parsed.rejections
    first = json.loads(parsed.rows[0]["payload"])
    assert first["source_id"] == "K-20417" and first["company"]["domain"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[columns]\n"a" = "emial"\n', "contact records have no field 'emial'"),
        ('[columns]\n"a" = "source_id"\n', "no field 'source_id' to fill"),
        ('[columns]\n"a" = "emails[].x"\n', "only the last step may have"),
        ('[columns]\n"a" = "given_name[x]"\n', "[key] only for handles and external_ids"),
        ('kind = "contactt"\n[columns]\n"a" = "emails[]"\n', "unknown kind 'contactt'"),
        ('[columns]\n"a" = { field = "emails[]", type = "date" }\n', "type must be one of"),
        ('[columns]\n"a" = { field = "bio", timezone = "Mars/Base" }\n', "unknown time zone"),
        ('colums = 1\n[columns]\n"a" = "emails[]"\n', "unknown key(s) colums"),
        ('observed_at = "soon"\n[columns]\n"a" = "emails[]"\n', "observed_at: an RFC 3339"),
        ("", "columns: a table"),
    ],
)
def test_mapping_mistakes_are_named(text: str, message: str) -> None:
    import tomllib

    with pytest.raises(ValueError, match=None) as caught:
        parse_mapping(tomllib.loads(text))
    assert message in str(caught.value)


def test_mapping_file_errors_name_the_file(tmp_path: Path) -> None:
    path = write_mapping(tmp_path, "columns = [")
    with pytest.raises(FormatError, match=str(path)):
        load_mapping(path)


def test_missing_column_or_source_fails_before_anything_is_read(tmp_path: Path) -> None:
    csv_path = tmp_path / "export.csv"
    csv_path.write_text("mail\nana@example.org\n")
    mapping = load_mapping(write_mapping(tmp_path, '[columns]\n"E-Mail" = "emails[]"\n'))
    with pytest.raises(FormatError, match="no source"):
        plan_inputs([csv_path], InputOptions(mapping=mapping))
    with pytest.raises(FormatError, match=r"'E-Mail' of mapping .* not in the header"):
        plan_inputs([csv_path], InputOptions(mapping=mapping, source="crm"))

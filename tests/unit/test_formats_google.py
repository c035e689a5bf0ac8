"""Google Contacts CSV exports (current and older header sets) to contact records."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ingest.batches import RawLine
from ingest.formats import InputOptions, convert_file, plan_inputs
from ingest.formats.common import row_id
from ingest.records import parse_chunk

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
CURRENT = [
    "First Name", "Middle Name", "Last Name", "Nickname", "Organization Name",
    "Organization Title", "Birthday", "Notes", "Labels", "E-mail 1 - Label", "E-mail 1 - Value",
    "E-mail 2 - Label", "E-mail 2 - Value", "Phone 1 - Label", "Phone 1 - Value",
    "Address 1 - Street", "Address 1 - City", "Address 1 - Postal Code", "Address 1 - Country",
    "Website 1 - Label", "Website 1 - Value",
]  # fmt: skip
OLDER = [
    "Name", "Given Name", "Additional Name", "Family Name", "Birthday", "Notes",
    "Group Membership", "E-mail 1 - Type", "E-mail 1 - Value", "Phone 1 - Type",
    "Phone 1 - Value", "Organization 1 - Type", "Organization 1 - Name", "Organization 1 - Title",
]  # fmt: skip


def csv_text(header: list[str], *rows: dict[str, str]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return out.getvalue()


def convert(path: Path, **options: Any) -> list[RawLine]:
    chosen = InputOptions(**options)
    [item] = plan_inputs([path], chosen)
    assert item.format == "google"
    return list(convert_file(item, chosen.mapping))


def convert_text(tmp_path: Path, text: str, encoding: str = "utf-8") -> list[dict[str, Any]]:
    path = tmp_path / "contacts.csv"
    path.write_bytes(text.encode(encoding))
    return [json.loads(line.text) for line in convert(path)]


def test_current_header_with_multi_values(tmp_path: Path) -> None:
    row = {
        "First Name": "Maria", "Middle Name": "Luisa", "Last Name": "García",
        "Organization Name": "Cervecería Sol", "Organization Title": "Owner",
        "Birthday": "1984-04-15", "Notes": "Prefers WhatsApp",
        "E-mail 1 - Label": "* Home ::: Work",
        "E-mail 1 - Value": "m@example.org ::: mg@example.com",
        "E-mail 2 - Value": "m@example.org",
        "Phone 1 - Value": "+34 612 345 678 ::: +34 912 345 678",
        "Address 1 - Street": "Calle Mayor 5", "Address 1 - City": "Madrid",
        "Address 1 - Postal Code": "28013", "Address 1 - Country": "Spain",
        "Website 1 - Value": "https://twitter.com/maria_sample ::: https://maria.example",
    }  # fmt: skip
    [record] = convert_text(tmp_path, csv_text(CURRENT, row))
    assert record["source"] == "google_contacts"
    assert record["source_id"].startswith("row-")
    assert (record["given_name"], record["family_name"]) == ("Maria", "García")
    assert record["full_name"] == "Maria Luisa García"
    assert record["emails"] == ["m@example.org", "mg@example.com"]
    assert record["phones"] == ["+34 612 345 678", "+34 912 345 678"]
    assert record["handles"] == [{"platform": "x", "handle": "https://twitter.com/maria_sample"}]
    assert record["company"] == {"name": "Cervecería Sol"}
    assert record["title"] == "Owner"
    assert record["birth_date"] == "1984-04-15"
    assert record["bio"] == "Prefers WhatsApp"
    assert record["address"] == {
        "street": "Calle Mayor 5", "locality": "Madrid", "postcode": "28013", "country": "ES"
    }  # fmt: skip


def test_older_header_is_read_too(tmp_path: Path) -> None:
    row = {
        "Name": "Jürgen Maßmann", "Given Name": "Jürgen", "Family Name": "Maßmann",
        "E-mail 1 - Type": "* Work", "E-mail 1 - Value": "jm@example.org",
        "Phone 1 - Value": "+49 89 2345678", "Organization 1 - Name": "Bäckerei KG",
        "Organization 1 - Title": "Inhaber",
    }  # fmt: skip
    [record] = convert_text(tmp_path, csv_text(OLDER, row), "cp1252")
    assert record["full_name"] == "Jürgen Maßmann"
    assert record["emails"] == ["jm@example.org"] and record["phones"] == ["+49 89 2345678"]
    assert record["company"] == {"name": "Bäckerei KG"} and record["title"] == "Inhaber"


def test_birthday_without_year_is_set_aside_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    row = {"First Name": "Tom", "Birthday": "--04-15", "E-mail 1 - Value": "tom@example.org"}
    path.write_text(csv_text(CURRENT, row))
    parsed = parse_chunk(convert(path))
    [stored] = parsed.rows
    assert "birth_date" not in json.loads(stored["payload"])
    warnings = json.loads(stored["warnings"])
    assert [w["field"] for w in warnings] == ["birth_date"]
    assert '"--04-15"' in stored["original"]


def test_blank_rows_are_skipped_and_bad_rows_rejected(tmp_path: Path) -> None:
    text = csv_text(CURRENT, {"First Name": "Ana", "E-mail 1 - Value": "ana@example.org"})
    text += "," * (len(CURRENT) - 1) + "\r\n" + "Bob,Stone\r\n"
    path = tmp_path / "contacts.csv"
    path.write_text(text)
    lines = convert(path)
    assert len(lines) == 2
    assert lines[1].line_no == 4
    assert lines[1].errors == (("$", f"row has 2 fields, the header has {len(CURRENT)}"),)


def test_samples_convert_without_rejections() -> None:
    for name in ("google-contacts.csv", "google-contacts-outlook-latin1.csv"):
        parsed = parse_chunk(convert(SAMPLES / name))
        assert not parsed.rejections, name
        assert len(parsed.rows) >= 5
    latin = [json.loads(r["payload"]) for r in parse_chunk(convert(SAMPLES / name)).rows]
    assert latin[0]["family_name"] == "Maßmann" and latin[0]["address"]["country"] == "DE"


def test_bom_sample_header_is_recognised() -> None:
    assert (SAMPLES / "google-contacts.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    records = [json.loads(line.text) for line in convert(SAMPLES / "google-contacts.csv")]
    assert records[0]["given_name"] == "Jonas"


@given(
    st.dictionaries(
        st.sampled_from(CURRENT), st.text(min_size=1, max_size=20), min_size=1, max_size=8
    )
)
def test_row_id_ignores_column_order_and_padding(cells: dict[str, str]) -> None:
    padded = {key: f"  {value} " for key, value in reversed(list(cells.items()))}
    assert row_id(padded) == row_id(cells)

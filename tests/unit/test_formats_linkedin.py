"""LinkedIn connections export (Connections.csv) to contact records."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.batches import RawLine
from ingest.formats import InputOptions, convert_file, plan_inputs
from ingest.records import Rejection, parse_chunk

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "Connections.csv"
PREAMBLE = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    'are missing. You will only see email addresses for connections who have allowed it."\n'
    "\n"
)
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def convert(path: Path, **options: Any) -> list[RawLine]:
    chosen = InputOptions(**options)
    [item] = plan_inputs([path], chosen)
    return list(convert_file(item, chosen.mapping))


def write(tmp_path: Path, body: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "Connections.csv"
    path.write_bytes((PREAMBLE + HEADER + body).encode(encoding))
    return path


def test_sample_becomes_contacts_keyed_by_profile_url() -> None:
    lines = convert(SAMPLE)
    records = [json.loads(line.text) for line in lines]
    assert len(records) == 8 and not any(line.errors for line in lines)
    jonas = records[1]
    assert jonas == {
        "kind": "contact",
        "source": "linkedin_connections",
        "source_id": "https://www.linkedin.com/in/jonas-brueckner-sample",
        "observed_at": "2023-01-03T00:00:00Z",
        "given_name": "Jonas",
        "family_name": "Brückner",
        "emails": ["jonas.brueckner@sample-mail.example"],
        "handles": [
            {"platform": "linkedin", "handle": "https://www.linkedin.com/in/jonas-brueckner-sample"}
        ],
        "company": {"name": "Brückner & Söhne GmbH, Köln"},
        "title": "Geschäftsführer",
    }
    # Line numbers count the preamble, so the quarantine points at the right line.
    assert [line.line_no for line in lines][:2] == [5, 6]
    parsed = parse_chunk(lines)
    assert len(parsed.rows) == 8 and not parsed.rejections


def test_source_option_replaces_the_default_source(tmp_path: Path) -> None:
    path = write(tmp_path, "Ana,Lima,https://www.linkedin.com/in/ana-lima,,,,01 Feb 2024\n")
    [line] = convert(path, source="li_team")
    assert json.loads(line.text)["source"] == "li_team"


def test_replaying_the_same_file_gives_the_same_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "Ana,Lima,,ana@example.org,,,\n")
    first, second = convert(path), convert(path)
    assert first == second
    record = json.loads(first[0].text)
    # No URL: a hash of the row is the key; no date: the file's time, in UTC.
    assert record["source_id"].startswith("row-")
    mtime = datetime.fromtimestamp(os.stat(path).st_mtime, tz=UTC).replace(microsecond=0)
    assert record["observed_at"] == mtime.isoformat().replace("+00:00", "Z")


def test_row_with_wrong_column_count_is_rejected_with_its_text(tmp_path: Path) -> None:
    body = (
        "Ana,Lima,https://www.linkedin.com/in/ana-lima,,Acme,CEO,01 Feb 2024\n"
        "Bob,Stone,https://www.linkedin.com/in/bob-stone,Acme,CEO\n"
        "Cy,Wu,https://www.linkedin.com/in/cy-wu,,,,02 Feb 2024\n"
    )
    lines = convert(write(tmp_path, body))
    assert [bool(line.errors) for line in lines] == [False, True, False]
    bad = lines[1]
    assert bad.line_no == 6
    assert bad.text == "Bob,Stone,https://www.linkedin.com/in/bob-stone,Acme,CEO"
    assert bad.errors == (("$", "row has 5 fields, the header has 7"),)
    [rejection] = parse_chunk(lines).rejections
    assert isinstance(rejection, Rejection)
    assert rejection.errors == [{"field": "$", "reason": "row has 5 fields, the header has 7"}]
    assert rejection.payload == bad.text


def test_unreadable_connected_on_rejects_the_row_naming_the_column(tmp_path: Path) -> None:
    lines = convert(write(tmp_path, "Ana,Lima,https://www.linkedin.com/in/ana,,,,yesterday\n"))
    assert lines[0].errors == (("Connected On", "not a date like 12 Mar 2024: 'yesterday'"),)


def test_broken_quoting_rejects_one_row_and_the_rest_is_read(tmp_path: Path) -> None:
    body = (
        'Ana,"Lima"x,https://www.linkedin.com/in/ana,,,,01 Feb 2024\n'
        "Bob,Stone,https://www.linkedin.com/in/bob,,,,01 Feb 2024\n"
    )
    lines = convert(write(tmp_path, body))
    assert lines[0].errors and lines[0].errors[0][1].startswith("malformed CSV")
    assert json.loads(lines[1].text)["family_name"] == "Stone"


def test_undecodable_field_rejects_the_row_naming_the_column(tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    good = "Zoë,Müller,https://www.linkedin.com/in/zoe,,Café Ünder,,01 Feb 2024\n"
    path.write_bytes(
        (PREAMBLE + HEADER + good + "Ana,Lima,https://www.linkedin.com/in/ana,,").encode()
        + b"Caf\xe9 Bar,,01 Feb 2024\n"
    )
    lines = convert(path)
    assert json.loads(lines[0].text)["company"] == {"name": "Café Ünder"}
    assert lines[1].errors == (("Company", "bytes not valid in utf-8: 0xe9"),)
    assert "Caf\\xe9 Bar" in lines[1].text


def test_latin1_export_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path, "Jürgen,Maßmann,https://www.linkedin.com/in/jm,,Bäckerei,,01 Feb 2024\n", "cp1252"
    )
    record = json.loads(convert(path)[0].text)
    assert (record["given_name"], record["family_name"]) == ("Jürgen", "Maßmann")


def test_bom_export_is_read(tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    body = "Zoë,Müller,https://www.linkedin.com/in/zoe,,,,01 Feb 2024\n"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + body).encode())
    [line] = convert(path)
    assert json.loads(line.text)["given_name"] == "Zoë"

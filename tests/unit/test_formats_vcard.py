"""vCard 3.0 / 4.0 files to contact records: syntax, properties and broken cards."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ingest.batches import RawLine
from ingest.formats import InputOptions, convert_file, plan_inputs
from ingest.formats.vcard_lines import BadBlock, iter_cards, parse_property, unescape
from ingest.records import parse_chunk

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "contacts.vcf"


def card(*lines: str, version: str = "4.0") -> str:
    return "\r\n".join(["BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD"]) + "\r\n"


def convert(tmp_path: Path, text: str, encoding: str = "utf-8") -> list[RawLine]:
    path = tmp_path / "people.vcf"
    path.write_bytes(text.encode(encoding))
    options = InputOptions()
    [item] = plan_inputs([path], options)
    return list(convert_file(item, options.mapping))


def record(tmp_path: Path, *lines: str, version: str = "4.0") -> dict[str, Any]:
    [line] = convert(tmp_path, card(*lines, version=version))
    assert not line.errors, line.errors
    result: dict[str, Any] = json.loads(line.text)
    return result


def test_names_org_title_note_uid_rev(tmp_path: Path) -> None:
    got = record(
        tmp_path,
        "FN:Dr. Catherine O'Neill",
        "N:O'Neill;Catherine,Anne;;Dr.;",
        "ORG:Harbour Logistics\\, Ltd;Procurement",
        "TITLE:Head of Procurement",
        "NOTE:Line one\\nLine two\\; with \\\\ backslash",
        "UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1",
        "REV:20250110T083000Z",
    )
    assert got["full_name"] == "Dr. Catherine O'Neill"
    assert (got["given_name"], got["family_name"]) == ("Catherine", "O'Neill")
    assert got["company"] == {"name": "Harbour Logistics, Ltd"}
    assert got["title"] == "Head of Procurement"
    assert got["bio"] == "Line one\nLine two; with \\ backslash"
    assert got["source_id"] == "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"
    assert got["observed_at"] == "2025-01-10T08:30:00Z"


def test_folded_lines_are_unfolded(tmp_path: Path) -> None:
    got = record(
        tmp_path, "FN:Ana Lima", "NOTE:Prefers calls in the morn", " ing, never", "\t after 4."
    )
    assert got["bio"] == "Prefers calls in the morning, never after 4."


def test_emails_and_phones_preferred_first_tel_uri_and_extension(tmp_path: Path) -> None:
    got = record(
        tmp_path,
        "FN:Ana Lima",
        "EMAIL;TYPE=home:ana@home.example",
        "EMAIL;TYPE=work;PREF=1:ana@work.example",
        'TEL;VALUE=uri;TYPE="voice,work":tel:+44-20-7946-0958;ext=214',
        "TEL;VALUE=uri;TYPE=cell;PREF=1:tel:+44-7700-900456",
    )
    assert got["emails"] == ["ana@work.example", "ana@home.example"]
    assert got["phones"] == ["+44-7700-900456", "+44-20-7946-0958 ext. 214"]


def test_version_3_types_and_pref(tmp_path: Path) -> None:
    got = record(
        tmp_path,
        "N:Brückner;Jonas;;;",
        "FN:Jonas Brückner",
        "item1.EMAIL;type=INTERNET;type=WORK:jb@work.example",
        "EMAIL;type=INTERNET;type=HOME;type=pref:jb@home.example",
        "TEL;WORK;VOICE:+49 221 1234567",
        version="3.0",
    )
    assert got["emails"] == ["jb@home.example", "jb@work.example"]
    assert got["phones"] == ["+49 221 1234567"]


def test_birthdays(tmp_path: Path) -> None:
    forms = {
        "BDAY:1985-04-15": "1985-04-15",
        "BDAY:19850415": "1985-04-15",
        "BDAY:1985-04-15T00:00:00Z": "1985-04-15",
        "BDAY:--0415": "--0415",
        "BDAY;VALUE=text:circa 1800": "circa 1800",
    }
    for line, expected in forms.items():
        assert record(tmp_path, "FN:Ana Lima", line)["birth_date"] == expected


def test_birthday_without_year_is_set_aside_with_a_warning(tmp_path: Path) -> None:
    lines = convert(tmp_path, card("FN:Ana Lima", "EMAIL:ana@example.org", "BDAY:--0415"))
    [row] = parse_chunk(lines).rows
    assert "birth_date" not in json.loads(row["payload"])
    assert [w["field"] for w in json.loads(row["warnings"])] == ["birth_date"]


def test_address_and_country_names(tmp_path: Path) -> None:
    got = record(
        tmp_path,
        "FN:Ana Lima",
        'ADR;TYPE=work;LABEL="1 Dock Road\\nLondon":;;1 Dock Road;London;;E16 1AA;United Kingdom',
    )
    assert got["address"] == {
        "street": "1 Dock Road", "locality": "London", "postcode": "E16 1AA", "country": "GB"
    }  # fmt: skip


def test_handles_from_url_socialprofile_impp_and_x_properties(tmp_path: Path) -> None:
    got = record(
        tmp_path,
        "FN:Ana Lima",
        "URL:https://ana.example",
        "URL;TYPE=home:https://twitter.com/ana_sample",
        "X-SOCIALPROFILE;type=linkedin:https://www.linkedin.com/in/ana-lima",
        "X-SOCIALPROFILE;type=instagram;x-user=ana.lima:x-apple:ana.lima",
        "IMPP;X-SERVICE-TYPE=Skype:skype:ana.lima.sample",
        "IMPP:xmpp:ana@chat.example",
        "X-GITHUB:analima",
    )
    assert got["handles"] == [
        {"platform": "x", "handle": "https://twitter.com/ana_sample"},
        {"platform": "linkedin", "handle": "https://www.linkedin.com/in/ana-lima"},
        {"platform": "instagram", "handle": "ana.lima"},
        {"platform": "skype", "handle": "ana.lima.sample"},
        {"platform": "xmpp", "handle": "ana@chat.example"},
        {"platform": "github", "handle": "analima"},
    ]


def test_card_without_uid_gets_a_stable_content_id(tmp_path: Path) -> None:
    first = record(tmp_path, "FN:Ana Lima", "EMAIL:ana@example.org", "REV:20240101T000000Z")
    reordered = record(tmp_path, "EMAIL:ana@example.org", "FN:Ana Lima", "REV:20250101T000000Z")
    other = record(tmp_path, "FN:Ana Lima", "EMAIL:ana@example.com")
    assert first["source_id"] == reordered["source_id"] != other["source_id"]
    assert first["source_id"].startswith("row-")


def test_several_cards_and_broken_ones_in_one_file(tmp_path: Path) -> None:
    text = (
        card("FN:Ana Lima", "EMAIL:ana@example.org")
        + "END:VCARD\r\n"
        + "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:No End\r\n"
        + card("FN:Bob Stone", "this line has no colon")
        + card("KIND:org", "FN:Acme Ltd")
        + card("FN:Cy Wu")
        + "BEGIN:VCARD\r\nFN:Cut off\r\n"
    )
    lines = convert(tmp_path, text)
    outcome = [(line.line_no, line.errors[0][1] if line.errors else "ok") for line in lines]
    assert outcome == [
        (1, "ok"),
        (6, "END:VCARD without BEGIN:VCARD"),
        (7, "BEGIN:VCARD at line 10 before END:VCARD"),
        (10, "not a vCard property (no ':'): 'this line has no colon'"),
        (15, "a 'org' card does not describe a person"),
        (20, "ok"),
        (24, "END:VCARD missing at the end of the file"),
    ]
    assert lines[2].text == "BEGIN:VCARD\nVERSION:4.0\nFN:No End"
    assert lines[4].errors[0][0] == "KIND"
    rejected = parse_chunk(lines).rejections
    assert [r.line_no for r in rejected] == [6, 7, 10, 15, 24]


def test_latin1_vcard(tmp_path: Path) -> None:
    got = record(tmp_path, "FN:Søren Ødegård", version="3.0")
    assert got["full_name"] == "Søren Ødegård"
    [line] = convert(tmp_path, card("FN:Søren Ødegård", version="3.0"), "cp1252")
    assert json.loads(line.text)["full_name"] == "Søren Ødegård"


def test_undecodable_bytes_reject_the_card_naming_the_field(tmp_path: Path) -> None:
    path = tmp_path / "people.vcf"
    broken = b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ana\r\nNOTE:caf\xe9\r\nEND:VCARD\r\n"
    path.write_bytes(card("FN:Zoë Müller").encode() + broken)
    [item] = plan_inputs([path], InputOptions())
    lines = list(convert_file(item))
    assert json.loads(lines[0].text)["full_name"] == "Zoë Müller"
    assert lines[1].errors[0][0] == "bio"
    assert "NOTE:caf\\xe9" in lines[1].text


def test_sample_file() -> None:
    options = InputOptions()
    [item] = plan_inputs([SAMPLE], options)
    parsed = parse_chunk(list(convert_file(item)))
    assert len(parsed.rows) == 5
    [org] = parsed.rejections
    assert org.errors == [{"field": "KIND", "reason": "a 'org' card does not describe a person"}]
    assert "FN:Harbour Logistics Ltd" in org.payload


def test_parameters_with_quoted_colons() -> None:
    prop = parse_property('ADR;LABEL="a:b;c";TYPE=work,pref:;;x')
    assert prop is not None
    assert prop.params == {"LABEL": ["a:b;c"], "TYPE": ["work", "pref"]}
    assert prop.value == ";;x"


def test_text_outside_cards_is_a_bad_block() -> None:
    items = list(iter_cards("hello\r\n" + card("FN:Ana")))
    assert isinstance(items[0], BadBlock) and items[0].reason.startswith("text outside")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"))))
def test_escaping_round_trips(text: str) -> None:
    escaped = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    assert unescape(escaped.replace("\n", "\\n")) == text

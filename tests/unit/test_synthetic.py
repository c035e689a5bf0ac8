"""The synthetic world generator: byte determinism, truth consistency, realistic mess."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import subprocess
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
from click.testing import CliRunner

from identity.handles import normalize_handle
from ingest.contract import parse_record
from ingest.synthetic import generate_world
from ingest.synthetic.cli import demo_group
from ingest.synthetic.names import NICKNAMES
from ingest.synthetic.output import (
    ALL_FILES,
    SOURCE_FILES,
    TRUTH_KNOWS,
    TRUTH_PEOPLE,
    TRUTH_RECORDS,
    TRUTH_SHARED,
)
from ingest.synthetic.phones import CALLING_CODE, PHONE_STYLES, format_phone, make_phone
from ingest.synthetic.seeds import DigitTag, IdScrambler, iso
from ingest.synthetic.texts import INTENTS, SENTIMENTS, TEMPLATES
from ingest.synthetic.variants import email_variant, handle_form

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 1500
SEED = 7
SOCIAL_SOURCES = ("x", "instagram", "linkedin")
GMAIL_DOMAINS = ("gmail.com", "googlemail.com")


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def world_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate_world(people=PEOPLE, seed=SEED, out_dir=out, workers=1, chunk_size=400)
    return out


@pytest.fixture(scope="module")
def records(world_dir: Path) -> list[dict[str, Any]]:
    return [row for name in SOURCE_FILES.values() for row in _rows(world_dir / name)]


@pytest.fixture(scope="module")
def truth(world_dir: Path) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["source"], r["source_id"]): r for r in _rows(world_dir / TRUTH_RECORDS)}


@pytest.fixture(scope="module")
def people(world_dir: Path) -> dict[str, dict[str, Any]]:
    return {row["person_key"]: row for row in _rows(world_dir / TRUTH_PEOPLE)}


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def _digests(folder: Path) -> dict[str, str]:
    names = [*ALL_FILES, "manifest.json"]
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in names}


def _owner(truth: dict[tuple[str, str], dict[str, Any]], record: dict[str, Any]) -> str:
    return str(truth[(record["source"], record["source_id"])]["person_key"])


# --------------------------------------------------------------------------- determinism


def test_same_seed_gives_same_bytes_whatever_the_workers_and_chunks(
    world_dir: Path, tmp_path: Path
) -> None:
    generate_world(people=PEOPLE, seed=SEED, out_dir=tmp_path / "a", workers=2, chunk_size=250)
    generate_world(people=PEOPLE, seed=SEED, out_dir=tmp_path / "b", workers=1, chunk_size=1000)
    expected = _digests(world_dir)
    assert _digests(tmp_path / "a") == expected
    assert _digests(tmp_path / "b") == expected


def test_bytes_do_not_depend_on_the_string_hash_seed(tmp_path: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from ingest.synthetic import generate_world; "
        "generate_world(people=300, seed=5, out_dir=Path(sys.argv[1]), chunk_size=64)"
    )
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / hash_seed)], check=True, env=env, cwd=ROOT
        )
    assert _digests(tmp_path / "1") == _digests(tmp_path / "2")


def test_another_seed_gives_another_world(world_dir: Path, tmp_path: Path) -> None:
    generate_world(people=PEOPLE, seed=SEED + 1, out_dir=tmp_path, chunk_size=400)
    assert _digests(tmp_path)["crm.jsonl"] != _digests(world_dir)["crm.jsonl"]


def test_manifest_counts_and_checksums_match_the_files(world_dir: Path) -> None:
    manifest = json.loads((world_dir / "manifest.json").read_text(encoding="utf-8"))
    digests = _digests(world_dir)
    assert manifest["people"] == PEOPLE and manifest["seed"] == SEED
    for name, entry in manifest["files"].items():
        lines = (world_dir / name).read_bytes().count(b"\n")
        assert (entry["lines"], entry["sha256"]) == (lines, digests[name]), name
    sources = sum(manifest["files"][name]["lines"] for name in SOURCE_FILES.values())
    assert manifest["records"] == sources == sum(manifest["records_by_kind"].values())


# --------------------------------------------------------------------------- contract


def test_every_record_parses_with_the_contract(records: list[dict[str, Any]]) -> None:
    kinds = Counter(parse_record(record).kind for record in records)
    expected = {
        "contact",
        "social_profile",
        "employee",
        "conversation",
        "referral",
        "purchase",
        "support_case",
        "deal",
        "campaign_touch",
        "follow",
        "job_change",
        "consent_change",
    }
    assert set(kinds) == expected


def test_each_file_holds_only_its_source(world_dir: Path) -> None:
    for source, name in SOURCE_FILES.items():
        assert {row["source"] for row in _rows(world_dir / name)} == {source}


# --------------------------------------------------------------------------- truth


def test_every_record_has_exactly_one_truth_row_and_back(
    world_dir: Path, records: list[dict[str, Any]], truth: dict[tuple[str, str], dict[str, Any]]
) -> None:
    keys = [(r["source"], r["source_id"]) for r in records]
    truth_rows = list(_rows(world_dir / TRUTH_RECORDS))
    assert len(truth_rows) == len(truth) == len(keys)
    assert set(keys) == set(truth)
    for record in records:
        assert truth[(record["source"], record["source_id"])]["kind"] == record["kind"]


def test_source_ids_are_unique_per_source(records: list[dict[str, Any]]) -> None:
    counts = Counter((r["source"], r["source_id"]) for r in records)
    assert max(counts.values()) == 1


def test_every_person_key_in_the_truth_exists(
    world_dir: Path, truth: dict[tuple[str, str], dict[str, Any]], people: dict[str, Any]
) -> None:
    assert len(people) == PEOPLE
    for row in truth.values():
        assert row["person_key"] in people
        for value in row.get("refs", {}).values():
            for key in value if isinstance(value, list) else [value]:
                assert key in people
    for row in _rows(world_dir / TRUTH_KNOWS):
        assert row["a"] in people and row["b"] in people and row["a"] != row["b"]


def test_referrals_and_conversations_refer_to_real_people(
    truth: dict[tuple[str, str], dict[str, Any]], people: dict[str, Any]
) -> None:
    referrals = [row for row in truth.values() if row["kind"] == "referral"]
    assert referrals
    for row in referrals:
        assert {row["refs"]["referrer"], row["refs"]["referee"]} <= set(people)
        assert people[row["refs"]["referee"]]["referred_by"] == row["refs"]["referrer"]
    replies = [row for row in truth.values() if "in_reply_to_author" in row.get("refs", {})]
    assert replies


def test_referral_chains_exist(people: dict[str, dict[str, Any]]) -> None:
    referred_by = {key: row["referred_by"] for key, row in people.items() if "referred_by" in row}
    chains = [key for key, parent in referred_by.items() if parent in referred_by]
    assert chains, "no one was referred by someone who was referred themselves"


def test_converted_referrals_carry_revenue_and_a_matching_purchase(
    records: list[dict[str, Any]], truth: dict[tuple[str, str], dict[str, Any]]
) -> None:
    bought = {(_owner(truth, r), r["product"]["sku"]) for r in records if r["kind"] == "purchase"}
    converted = [r for r in records if r["kind"] == "referral" and r["converted"]]
    assert converted
    for record in converted:
        assert record["revenue"]["amount"] > 0
        referee = truth[(record["source"], record["source_id"])]["refs"]["referee"]
        assert (referee, record["product"]["sku"]) in bought


def test_conversations_carry_sentiment_and_intent_truth(
    records: list[dict[str, Any]], truth: dict[tuple[str, str], dict[str, Any]]
) -> None:
    rows = [truth[(r["source"], r["source_id"])] for r in records if r["kind"] == "conversation"]
    assert {row["sentiment"] for row in rows} == set(SENTIMENTS)
    assert {row["intent"] for row in rows} == set(INTENTS)


# Words that carry the tone of each template; a template edit that breaks tone fails here.
_POSITIVE = re.compile(
    r"love|best|thanks|brilliant|impressed|recommend|fantastic|credit where|begeistert|ravi|"
    r"encantada|can't wait|beautiful|happy to help|great news|worth every",
    re.I,
)
_NEGATIVE = re.compile(
    r"unacceptable|worst|don't buy|disappointed|terrible|katastrophe|déçu|fatal|cancel|"
    r"done with|not worth|kündige|résilier|cheaper and actually works|delayed again",
    re.I,
)


@pytest.mark.parametrize("intent", INTENTS)
def test_template_words_reflect_their_sentiment(intent: str) -> None:
    for template in TEMPLATES[intent]:
        text = template.text
        assert bool(_POSITIVE.search(text)) == (template.sentiment == "positive"), text
        assert bool(_NEGATIVE.search(text)) == (template.sentiment == "negative"), text


def test_intents_have_their_expected_tone() -> None:
    assert {t.sentiment for t in TEMPLATES["praise"]} == {"positive"}
    assert {t.sentiment for t in TEMPLATES["recommendation"]} == {"positive"}
    assert {t.sentiment for t in TEMPLATES["complaint"]} == {"negative"}
    assert {t.sentiment for t in TEMPLATES["churn_risk"]} == {"negative"}
    assert {t.sentiment for t in TEMPLATES["question"]} == {"neutral"}


# --------------------------------------------------------------------------- identity mess


def _identifiers(record: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(type, raw value) of every email and phone a contact-like record carries."""
    for email in record.get("emails", []):
        yield "email", email
    for phone in record.get("phones", []):
        yield "phone", phone


def _canonical(kind: str, value: str, country: str) -> str:
    if kind == "email":
        return value.lower()
    number = phonenumbers.parse(value, country)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def test_shared_identifiers_really_occur_for_several_people(
    world_dir: Path,
    records: list[dict[str, Any]],
    truth: dict[tuple[str, str], dict[str, Any]],
    people: dict[str, dict[str, Any]],
) -> None:
    holders: dict[tuple[str, str], set[str]] = defaultdict(set)
    for record in records:
        owner = _owner(truth, record)
        for kind, value in _identifiers(record):
            holders[(kind, _canonical(kind, value, people[owner]["country"]))].add(owner)
    shared = list(_rows(world_dir / TRUTH_SHARED))
    assert {row["reason"] for row in shared} == {"family_phone", "role_mailbox"}
    for row in shared:
        listed = set(row["person_keys"])
        seen = holders[(row["type"], row["value"])] & listed
        assert len(seen) >= 2, row
        if row["reason"] == "family_phone":
            assert len({people[key]["family_name"] for key in listed}) == 1


def test_personal_identifiers_are_not_shared_by_accident(people: dict[str, Any]) -> None:
    emails = Counter(row["email"] for row in people.values())
    phones = Counter(row["phone"] for row in people.values())
    assert max(emails.values()) == 1
    assert max(phones.values()) == 1


def test_someone_appears_in_at_least_four_sources(
    records: list[dict[str, Any]], truth: dict[tuple[str, str], dict[str, Any]]
) -> None:
    sources: dict[str, set[str]] = defaultdict(set)
    for record in records:
        sources[_owner(truth, record)].add(record["source"])
    spread = Counter(len(s) for s in sources.values())
    assert sum(n for k, n in spread.items() if k >= 4) > PEOPLE // 10
    assert max(spread) >= 6


def _all_emails(records: list[dict[str, Any]]) -> list[str]:
    emails = [e for r in records for e in r.get("emails", [])]
    for record in records:
        for field in ("person", "author", "referrer", "referee"):
            emails += record.get(field, {}).get("emails", [])
    return emails


def test_email_variants_occur_and_plus_tags_stay_at_gmail(records: list[dict[str, Any]]) -> None:
    emails = _all_emails(records)
    tagged = [e for e in emails if "+" in e]
    assert tagged
    assert all(e.lower().endswith(GMAIL_DOMAINS) for e in tagged)
    assert any(e.lower().endswith("@googlemail.com") for e in emails)
    assert any(e != e.lower() for e in emails)
    assert any(
        e.split("@")[0] in ("info", "office", "contact", "hello", "sales", "team") for e in emails
    )


def test_phone_variants_occur_and_are_valid(
    records: list[dict[str, Any]],
    truth: dict[tuple[str, str], dict[str, Any]],
    people: dict[str, dict[str, Any]],
) -> None:
    written = [
        (p, people[_owner(truth, r)]["country"]) for r in records for p in r.get("phones", [])
    ]
    assert any(not p.startswith(("+", "00")) for p, _ in written), "no national formats"
    assert any(p.startswith("+") and " " in p for p, _ in written)
    assert any("(" in p for p, _ in written) and any("-" in p for p, _ in written)
    for phone, country in written:
        assert phonenumbers.is_valid_number(phonenumbers.parse(phone, country)), phone


def test_handle_variants_occur(records: list[dict[str, Any]]) -> None:
    handles = [h["handle"] for r in records for h in r.get("handles", [])]
    handles += [
        h["handle"]
        for r in records
        for key in ("follower", "followed", "person")
        for h in r.get(key, {}).get("handles", [])
    ]
    assert any(h.startswith("@") for h in handles)
    assert any("instagram.com/" in h for h in handles)
    assert any("twitter.com/" in h for h in handles) and any("x.com/" in h for h in handles)
    assert any("?" in h for h in handles) and any(h.endswith("/") for h in handles)
    assert any(h != h.lower() for h in handles)


def test_every_handle_is_one_its_platform_accepts(records: list[dict[str, Any]]) -> None:
    handles = [(r["platform"], r["handle"]) for r in records if r["kind"] == "social_profile"]
    handles += [
        (h["platform"], h["handle"])
        for r in records
        for ref in (r, r.get("follower", {}), r.get("followed", {}), r.get("person", {}))
        for h in ref.get("handles", [])
    ]
    assert {"x", "instagram", "linkedin"} <= {platform for platform, _ in handles}
    refused = [h for h in handles if normalize_handle(*h).canonical is None]
    assert not refused, refused[:5]  # e.g. X handles over 15 characters


def _names(records: list[dict[str, Any]]) -> list[str]:
    return [r[f] for r in records for f in ("given_name", "family_name", "full_name") if f in r]


def test_name_variants_occur(
    records: list[dict[str, Any]],
    truth: dict[tuple[str, str], dict[str, Any]],
    people: dict[str, dict[str, Any]],
) -> None:
    names = _names(records)
    assert any(not unicodedata.is_normalized("NFC", n) for n in names), "no NFD names"
    assert any(any("\uff01" <= ch <= "\uff5e" for ch in n) for n in names), "no full-width"
    assert any("," in n for n in names), "no 'Family, Given' names"
    nicknamed = swapped = 0
    for record in records:
        if "given_name" not in record:
            continue
        person = people[_owner(truth, record)]
        nicknamed += record["given_name"] in NICKNAMES.get(person["given_name"], ())
        swapped += record["given_name"] == person["family_name"] != person["given_name"]
    assert nicknamed and swapped


def test_some_people_change_jobs_and_the_crm_is_stale(
    records: list[dict[str, Any]],
    truth: dict[tuple[str, str], dict[str, Any]],
    people: dict[str, dict[str, Any]],
) -> None:
    changes = [r for r in records if r["kind"] == "job_change"]
    assert changes
    for record in changes:
        person = people[_owner(truth, record)]
        assert record["new_company"]["domain"] == person["new_company_domain"]
        assert record["old_company"]["domain"] == person["company_domain"]


def test_staff_have_departments_and_managers(records: list[dict[str, Any]]) -> None:
    staff = [r for r in records if r["kind"] == "employee"]
    assert len({r["department"] for r in staff}) >= 5
    assert sum("manager" in r for r in staff) >= len(staff) // 2


# --------------------------------------------------------------------------- building blocks


@pytest.mark.parametrize("country", sorted(CALLING_CODE))
def test_every_phone_style_parses_back_to_the_same_number(country: str) -> None:
    rng = random.Random(country)
    for _ in range(200):
        phone = make_phone(rng, country, mobile=rng.random() < 0.5)
        for style in PHONE_STYLES:
            parsed = phonenumbers.parse(format_phone(phone, style), country)
            assert phonenumbers.is_valid_number(parsed)
            e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            assert e164 == phone.e164


def test_gmail_variants_lead_to_the_same_mailbox() -> None:
    rng = random.Random(1)
    for _ in range(500):
        variant = email_variant(rng, "liz.mueller42@gmail.com", gmail=True, mess=2.0)
        local, domain = variant.lower().split("@")
        assert domain in GMAIL_DOMAINS
        assert local.split("+")[0].replace(".", "") == "lizmueller42"


def test_other_providers_only_vary_in_case() -> None:
    rng = random.Random(2)
    for _ in range(200):
        variant = email_variant(rng, "liz.mueller42@web.de", gmail=False, mess=2.0)
        assert variant.lower() == "liz.mueller42@web.de"


@pytest.mark.parametrize("platform", SOCIAL_SOURCES)
def test_handle_forms_keep_the_handle(platform: str) -> None:
    rng = random.Random(platform)
    for _ in range(200):
        form = handle_form(rng, platform, "liz_mueller42", url_share=0.5)
        assert "liz_mueller42" in form.lower()


def test_digit_tags_and_id_scramblers_are_one_to_one() -> None:
    tag = DigitTag(5, "email-tag", 5000)
    assert len({tag(i) for i in range(10_000)}) == 10_000
    scramble = IdScrambler(5, "space")
    assert len({scramble(i) for i in range(50_000)}) == 50_000


def test_iso_writes_rfc3339_utc() -> None:
    assert iso(1_748_736_000) == "2025-06-01T00:00:00Z"
    assert iso(1_748_736_000 + 3661) == "2025-06-01T01:01:01Z"


# --------------------------------------------------------------------------- cli


def test_cli_generate_writes_a_world(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        demo_group,
        [
            "generate",
            "--people",
            "120",
            "--seed",
            "3",
            "--out",
            str(tmp_path),
            "--workers",
            "1",
            "--no-progress",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "records about 120 people" in result.output
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["people"] == 120
    assert all((tmp_path / name).exists() for name in ALL_FILES)

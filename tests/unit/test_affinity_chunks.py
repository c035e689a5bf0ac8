"""Affinity chunking: records that may meet in a name block travel in the same chunks."""

from __future__ import annotations

import itertools
import json
import random
import zlib

from hypothesis import given
from hypothesis import strategies as st

from identity.profile import affinity_key, blocking_keys, build_profile
from ingest.batches import RawLine
from ingest.submit import affinity_chunks

GIVEN = ["Noemi", "Robert", "Bob", "Émile", "Zoë", "Jan", "Mary Ann"]
FAMILY = ["Rizzo", "Zola", "Smith", "Østergaard", "de la Cruz", "Nowak"]


def _line(n: int, record: dict[str, object]) -> RawLine:
    return RawLine("test", n, json.dumps(record))


def _contact(n: int, given: str, family: str) -> dict[str, object]:
    return {
        "kind": "contact",
        "source": "crm",
        "source_id": f"c{n}",
        "given_name": given,
        "family_name": family,
        "company": {"name": "Acme"},
    }


def test_affinity_key_ignores_name_order_accents_and_case() -> None:
    assert affinity_key({"given_name": "Noemi", "family_name": "Rizzo"}) == "nr"
    assert affinity_key({"given_name": "RIZZO", "family_name": "noemi"}) == "nr"
    assert affinity_key({"full_name": "Émile Zola"}) == affinity_key({"full_name": "emile zola"})
    assert affinity_key({"full_name": "Zola"}) == "z"
    assert affinity_key({"emails": ["a@b.example"]}) is None


def test_records_sharing_a_name_block_share_the_affinity_key() -> None:
    records = [
        _contact(i, g, f) for i, (g, f) in enumerate(itertools.product(GIVEN + FAMILY, repeat=2))
    ]
    by_block: dict[str, set[str | None]] = {}
    for record in records:
        for block in blocking_keys(build_profile(record)):
            if block[:2] in ("n:", "o:", "c:"):
                by_block.setdefault(block, set()).add(affinity_key(record))
    assert by_block and all(len(keys) == 1 for keys in by_block.values())


@given(
    st.lists(st.tuples(st.sampled_from(GIVEN), st.sampled_from(FAMILY)), max_size=80),
    st.integers(min_value=1, max_value=9),
)
def test_affinity_chunks_keep_every_line_once_and_respect_the_size(
    names: list[tuple[str, str]], size: int
) -> None:
    lines = [_line(i, _contact(i, g, f)) for i, (g, f) in enumerate(names)]
    lines.append(RawLine("test", 999, "{not json"))
    lines.append(RawLine("test", 1000, "x", errors=(("row", "bad"),)))
    chunks = list(affinity_chunks(lines, size))
    assert sorted(line.line_no for chunk in chunks for line in chunk) == sorted(
        line.line_no for line in lines
    )
    assert all(0 < len(chunk) <= size for chunk in chunks)


def test_full_chunks_hold_one_affinity_group() -> None:
    rng = random.Random(7)
    lines = [_line(i, _contact(i, rng.choice(GIVEN), rng.choice(FAMILY))) for i in range(400)]
    keys = {line.line_no: affinity_key(json.loads(line.text)) for line in lines}
    chunks = list(affinity_chunks(lines, 10, groups=4))
    full = [chunk for chunk in chunks if len(chunk) == 10]
    assert len(full) >= 30
    for chunk in chunks:
        assert len({_group_of(keys[line.line_no]) for line in chunk}) == 1


def _group_of(key: str | None) -> int:
    return -1 if key is None else zlib.crc32(key.encode("utf-8")) % 4


def test_other_kinds_and_nameless_records_share_one_group() -> None:
    lines = [
        _line(0, {"kind": "deal", "source": "crm", "source_id": "d1"}),
        _line(1, {"kind": "contact", "source": "crm", "source_id": "c1", "emails": ["a@b.co"]}),
        _line(2, _contact(2, "Noemi", "Rizzo")),
    ]
    chunks = list(affinity_chunks(lines, 2))
    assert [[line.line_no for line in chunk] for chunk in chunks] == [[0, 1], [2]]

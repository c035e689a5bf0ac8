"""Bios are embedded only for candidate pairs that their similarity could still link.

`identity.clustering` scores candidate cluster pairs without the text model first and asks
the model only where "similar" bios could lift the pair to the threshold. These tests
check that this gives exactly the clusters and evidence of scoring every pair with the
model, on a generated world, while asking the model about fewer bios.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from identity import clustering
from identity.clustering import Resolution, resolve
from identity.matching import Weights
from identity.profile import IDENTITY_KINDS, Profile, build_profile
from ingest.synthetic import generate_world
from ingest.synthetic.output import SOURCE_FILES


class WordOverlap:
    """A deterministic stand-in for the sentence model: Jaccard overlap of the words, which
    calls "runner | Lyon" and "Lyon runner, coffee" similar where rapidfuzz does not."""

    def __init__(self) -> None:
        self.primed: set[str] = set()
        self.compared: set[str] = set()

    def prime(self, texts: list[str]) -> None:
        self.primed.update(texts)

    def __call__(self, a: str, b: str) -> float:
        self.compared.update((a, b))
        words_a, words_b = set(a.lower().split()), set(b.lower().split())
        return len(words_a & words_b) / max(1, len(words_a | words_b))


@pytest.fixture(scope="module")
def profiles(tmp_path_factory: pytest.TempPathFactory) -> list[Profile]:
    out = tmp_path_factory.mktemp("world")
    generate_world(people=600, seed=11, out_dir=out, workers=1, chunk_size=600)
    rows = [
        json.loads(line)
        for name in SOURCE_FILES.values()
        for line in Path(out, name).read_text(encoding="utf-8").splitlines()
    ]
    return [build_profile(row) for row in rows if row.get("kind") in IDENTITY_KINDS]


def comparable(result: Resolution) -> tuple[Any, ...]:
    evidence = {k: [e.to_dict(6.0) for e in v] for k, v in result.evidence.items()}
    return result.clusters, evidence, result.shared


def test_lazy_scoring_equals_scoring_every_pair_with_the_model(
    profiles: list[Profile], monkeypatch: pytest.MonkeyPatch
) -> None:
    lazy_model = WordOverlap()
    lazy = resolve(profiles, Weights(), semantic=lazy_model)

    def every_pair(touching: Any, *_args: Any) -> dict[Any, Any]:
        return dict(touching)

    monkeypatch.setattr(clustering, "_worth_scoring", every_pair)
    eager_model = WordOverlap()
    eager = resolve(profiles, Weights(), semantic=eager_model)

    assert comparable(lazy) == comparable(eager)
    assert any(
        e.score is not None and e.score.levels.get("bio") == "similar"
        for found in lazy.evidence.values()
        for e in found
    ), "the world should contain links that bios helped make"
    assert lazy_model.compared <= lazy_model.primed, "every compared bio was batch-embedded"
    assert lazy_model.compared <= eager_model.compared
    # Before, every bio of the neighbourhood was embedded; now only those a pair that can
    # still reach the threshold compares (136 of 357 distinct bios in this world).
    assert len(lazy_model.primed) < len({p.bio for p in profiles if p.bio}) / 2


def test_without_a_model_nothing_is_filtered(profiles: list[Profile]) -> None:
    plain = resolve(profiles, Weights())
    assert len(plain.clusters) < len(profiles)
    assert comparable(plain) == comparable(resolve(list(reversed(profiles)), Weights()))

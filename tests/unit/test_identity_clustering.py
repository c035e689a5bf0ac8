"""Unit tests of identity.clustering: identifiers, shared lines, links, constraints, order."""

from __future__ import annotations

import random
from typing import Any

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from identity.clustering import Constraints, resolve
from identity.matching import Weights
from identity.profile import Profile, build_profile

WEIGHTS = Weights()


def profile(source_id: str, **fields: Any) -> Profile:
    """Build a contact profile from contract fields (source "shop" unless given)."""
    record = {"kind": "contact", "source": fields.pop("source", "shop"), "source_id": source_id}
    record.update(fields)
    return build_profile(record)


def social(source_id: str, platform: str, handle: str, **fields: Any) -> Profile:
    record = {"kind": "social_profile", "source": platform, "source_id": source_id,
              "platform": platform, "handle": handle}  # fmt: skip
    record.update(fields)
    return build_profile(record)


def together(result_clusters: list[tuple[str, ...]], *keys: str) -> bool:
    return any(set(keys) <= set(cluster) for cluster in result_clusters)


HOME = {"street_number": "3", "street": "Rue Neuve", "locality": "Toulouse",
        "postcode": "31000", "country": "FR"}  # fmt: skip


def household() -> list[Profile]:
    """Two Zoe Dubois at one address with one landline, each with her own mobile and email."""
    return [
        profile("zoe1", given_name="Zoe", family_name="Dubois", address=HOME,
                phones=["+33 1 50 22 07 30", "+33 7 82 26 74 94"],
                emails=["zoe_dubois9394@laposte.net"]),
        profile("zoe2", given_name="Zoe", family_name="Dubois", address=HOME,
                phones=["+33 1 50 22 07 30", "+33 6 12 34 56 78"],
                emails=["zdubois1876@orange.fr"]),
    ]  # fmt: skip


def test_household_landline_with_same_names_is_shared_not_joined() -> None:
    result = resolve(household(), WEIGHTS)
    assert "phone:+33150220730" in result.shared
    assert not together(result.clusters, "shop|zoe1", "shop|zoe2")


def test_unshared_identifier_joins_and_nickname_with_reused_number_links() -> None:
    records = [
        profile("a", given_name="Jennifer", family_name="Green",
                emails=["jgreen3918@gmail.com"], address={"locality": "Seattle", "country": "US"}),
        profile("b", source="support", full_name="Jennifer Green",
                emails=["J.Green3918@gmail.com"]),
        social("c", "instagram", "jennifer_green3918", full_name="Jen Green",
               bio="sailing | Seattle"),
    ]  # fmt: skip
    result = resolve(records, WEIGHTS)
    assert together(result.clusters, "shop|a", "support|b", "instagram|c")
    assert any(e.rule == "probabilistic" for e in result.evidence["instagram|c"])


def test_weak_bridge_record_does_not_chain_two_strong_clusters() -> None:
    strong_a = [
        profile("a1", given_name="Anna", family_name="Berg", emails=["anna.berg1111@gmail.com"],
                phones=["+49 151 11111111"], address={"locality": "Berlin", "country": "DE"}),
        profile("a2", source="crm", given_name="Anna", family_name="Berg",
                emails=["anna.berg1111@gmail.com"]),
    ]  # fmt: skip
    strong_b = [
        profile("b1", given_name="Anna", family_name="Berg", emails=["aberg2222@web.de"],
                phones=["+49 151 22222222"], address={"locality": "Berlin", "country": "DE"}),
        profile("b2", source="crm", given_name="Anna", family_name="Berg",
                emails=["aberg2222@web.de"]),
    ]  # fmt: skip
    bridge = social("x", "x", "anna_b", full_name="Anna Berg", bio="chess | Berlin")
    result = resolve([*strong_a, *strong_b, bridge], Weights(threshold=0.0))
    assert not together(result.clusters, "shop|a1", "shop|b1")


def test_pins_join_and_never_constraints_are_honoured() -> None:
    a = profile("1", given_name="Ola", family_name="Nord", emails=["ola1@gmail.com"])
    b = profile("2", given_name="Kari", family_name="Sand", emails=["kari2@gmail.com"])
    c = profile("3", given_name="Ola", family_name="Nord", emails=["ola1@gmail.com"])
    rules = Constraints(
        pins={"shop|1": "p1", "shop|2": "p1", "shop|3": "p3"},
        never=frozenset({frozenset({"p1", "p3"})}),
    )
    result = resolve([a, b, c], WEIGHTS, rules)
    assert together(result.clusters, "shop|1", "shop|2")
    assert not together(result.clusters, "shop|1", "shop|3")


def population(seed: int) -> list[Profile]:
    """A small messy population: households, duplicates and social profiles."""
    rng = random.Random(seed)
    out: list[Profile] = []
    for i in range(12):
        given = rng.choice(["Zoe", "Lea", "Lena", "Tom"])
        family = rng.choice(["Dubois", "Fuchs"])
        tag = rng.randrange(100, 999)
        fields: dict[str, Any] = {"given_name": given, "family_name": family}
        if rng.random() < 0.7:
            fields["emails"] = [f"{given.lower()}{tag}@gmail.com"]
        if rng.random() < 0.5:
            fields["phones"] = [rng.choice(["+33 1 50 22 07 30", f"+33 6 12 34 5{i % 10} 78"])]
        if rng.random() < 0.5:
            fields["address"] = HOME
        out.append(profile(f"r{i}", **fields))
        if rng.random() < 0.4:
            out.append(social(f"s{i}", "x", f"{given.lower()}{family.lower()}{tag}",
                              full_name=f"{given} {family}"))  # fmt: skip
    return out


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.randoms(use_true_random=False))
def test_resolution_depends_only_on_the_set_of_records(seed: int, shuffler: random.Random) -> None:
    records = population(seed)
    shuffled = list(records)
    shuffler.shuffle(shuffled)
    first, second = resolve(records, WEIGHTS), resolve(shuffled, WEIGHTS)
    assert first.clusters == second.clusters
    assert first.shared == second.shared


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 30), st.lists(st.tuples(st.integers(0, 29), st.integers(0, 9)), max_size=40))
def test_identifier_clustering_matches_networkx_components(
    nodes: int, edges: list[tuple[int, int]]
) -> None:
    """Records without names share identifiers on a random bipartite graph: the clusters are
    exactly the connected components (no identifier is demoted without names)."""
    ids: dict[int, list[str]] = {n: [] for n in range(nodes)}
    graph = nx.Graph()
    graph.add_nodes_from(f"r{n}" for n in range(nodes))
    for node, ident in edges:
        if node < nodes:
            ids[node].append(f"ext{ident}")
            graph.add_edge(f"r{node}", f"i{ident}")
    records = [
        profile(f"r{n}", external_ids=[{"system": "crm", "value": v} for v in ids[n]])
        for n in range(nodes)
    ]
    result = resolve(records, WEIGHTS)
    expected = sorted(
        tuple(sorted(f"shop|{k}" for k in comp if k.startswith("r")))
        for comp in nx.connected_components(graph)
    )
    assert result.clusters == expected


def test_a_record_carries_its_own_id_in_its_source() -> None:
    """The shop's customer C-1 and a CRM contact citing shop id C-1 are one person, even
    with different names, e-mails and no shared phone."""
    shop = profile("C-1", source="shop", given_name="Robert", family_name="Lang",
                   emails=["rob@example.org"])  # fmt: skip
    crm = profile("R-9", source="crm", full_name="Bob Lang", emails=["bob@lang.example.com"],
                  external_ids=[{"system": "shop", "value": "C-1"}])  # fmt: skip
    assert "external:shop:C-1" in shop.strong
    assert together(resolve([shop, crm], WEIGHTS).clusters, shop.key, crm.key)

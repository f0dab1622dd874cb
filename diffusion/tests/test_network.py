"""The organisation network's metrics against networkx (an independent implementation) and hand-worked cases."""

import random
from pathlib import Path

import networkx as nx
import pytest
from networkx.algorithms.community import louvain_communities, modularity

from diffusion.maths.network import (
    DISTANCES,
    NetworkError,
    OrgMetrics,
    build_network,
    flow_matrix,
    load_region_adjacency,
    organisation_metrics,
    peer_comparison,
    peer_comparisons,
    recency_weight,
    region_adjacency,
    region_flows,
    travel_distance,
    travel_distances,
)

TOPOLOGY = Path(__file__).resolve().parents[2] / "reference_data" / "finland-regions-2020.topo.json"


def random_adoptions(seed: int, n: int = 25, m: int = 90) -> list[tuple[str, str, int]]:
    rng = random.Random(seed)
    orgs = [f"o{i:02d}" for i in range(n)]
    rows: list[tuple[str, str, int]] = []
    while len(rows) < m:
        a, b = rng.sample(orgs, 2)
        rows.append((a, b, rng.randint(2008, 2026)))
    return rows


def random_partnerships(seed: int, n: int = 25, m: int = 30) -> list[tuple[str, str]]:
    rng = random.Random(seed + 1000)
    orgs = [f"o{i:02d}" for i in range(n)]
    return [tuple(rng.sample(orgs, 2)) for _ in range(m)]  # type: ignore[misc]


def nx_learning_graph(adoptions, now_year, half_life=5.0):
    graph = nx.DiGraph()
    for s, t, year in adoptions:
        w = 0.5 ** (max(0, now_year - year) / half_life)
        if graph.has_edge(s, t):
            graph[s][t]["weight"] += w
            graph[s][t]["count"] += 1
        else:
            graph.add_edge(s, t, weight=w, count=1)
    return graph


def test_recency_weight_halves_every_half_life():
    assert recency_weight(2025, 2025, 5) == 1.0
    assert recency_weight(2020, 2025, 5) == pytest.approx(0.5)
    assert recency_weight(2015, 2025, 5) == pytest.approx(0.25)
    assert recency_weight(2027, 2025, 5) == 1.0  # a future year counts as this year


def test_ties_weighted_by_count_and_recency():
    network = build_network([("a", "b", 2025), ("a", "b", 2020), ("b", "a", 2015)], now_year=2025)
    ties = {(t.source, t.target): t for t in network.learning}
    assert ties[("a", "b")].count == 2
    assert ties[("a", "b")].weight == pytest.approx(1.5)
    assert (ties[("a", "b")].first_year, ties[("a", "b")].last_year) == (2020, 2025)
    assert ties[("b", "a")].weight == pytest.approx(0.25)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_metrics_match_networkx_on_random_graphs(seed):
    adoptions = random_adoptions(seed)
    partnerships = random_partnerships(seed)
    network = build_network(adoptions, partnerships, now_year=2026, organisations=["lonely"])
    metrics = organisation_metrics(network, seed=seed)

    graph = nx_learning_graph(adoptions, 2026)
    graph.add_nodes_from(network.organisations)
    betweenness = nx.betweenness_centrality(graph, normalized=True)
    pagerank = nx.pagerank(graph.reverse(copy=True), alpha=0.85, weight="weight", tol=1e-12, max_iter=1000)
    partner_graph = nx.Graph()
    partner_graph.add_edges_from(partnerships)
    for key in network.organisations:
        m = metrics[key]
        assert m.learned_from == graph.in_degree(key)
        assert m.taught == graph.out_degree(key)
        assert m.adoptions_in == graph.in_degree(key, weight="count")
        assert m.adoptions_out == graph.out_degree(key, weight="count")
        assert m.partners == (partner_graph.degree(key) if key in partner_graph else 0)
        assert m.betweenness == pytest.approx(betweenness[key], abs=1e-12)
        assert m.influence == pytest.approx(pagerank[key], abs=1e-8)
    assert sum(m.influence for m in metrics.values()) == pytest.approx(1.0)
    assert metrics["lonely"].role == "isolated"


def projection(adoptions, partnerships, now_year):
    graph = nx.Graph()
    for s, t, year in adoptions:
        w = 0.5 ** (max(0, now_year - year) / 5.0)
        graph.add_edge(s, t, weight=graph.get_edge_data(s, t, {"weight": 0.0})["weight"] + w)
    for a, b in partnerships:
        graph.add_edge(a, b, weight=graph.get_edge_data(a, b, {"weight": 0.0})["weight"] + 1.0)
    return graph


def partition(metrics: dict[str, OrgMetrics]) -> list[set[str]]:
    groups: dict[int, set[str]] = {}
    for key, m in metrics.items():
        groups.setdefault(m.community, set()).add(key)
    return [groups[c] for c in sorted(groups)]


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_communities_reproducible_and_as_good_as_networkx_louvain(seed):
    adoptions = random_adoptions(seed, n=40, m=120)
    partnerships = random_partnerships(seed, n=40, m=40)
    network = build_network(adoptions, partnerships, now_year=2026)
    first = organisation_metrics(network, seed=seed)
    second = organisation_metrics(network, seed=seed)
    assert {k: m.community for k, m in first.items()} == {k: m.community for k, m in second.items()}
    graph = projection(adoptions, partnerships, 2026)
    ours = modularity(graph, partition(first), weight="weight")
    theirs = modularity(graph, louvain_communities(graph, weight="weight", seed=seed), weight="weight")
    assert ours >= theirs - 0.02
    sizes = [len(group) for group in partition(first)]
    assert sizes == sorted(sizes, reverse=True)  # numbered by size, largest first


def test_two_cliques_joined_by_one_tie_are_two_communities():
    left = [f"l{i}" for i in range(5)]
    right = [f"r{i}" for i in range(5)]
    adoptions = [(a, b, 2024) for group in (left, right) for a in group for b in group if a != b]
    adoptions.append(("l0", "r0", 2024))
    metrics = organisation_metrics(build_network(adoptions, now_year=2025))
    groups = sorted(sorted(g) for g in partition(metrics))
    assert groups == [sorted(left), sorted(right)]


def test_roles_on_a_hand_case():
    # a -> b -> c -> d, and e -> b: b and c carry every path between others; a and e only teach; d only learns.
    adoptions = [("a", "b", 2020), ("b", "c", 2021), ("c", "d", 2022), ("e", "b", 2020)]
    metrics = organisation_metrics(build_network(adoptions, now_year=2025), broker_quantile=0.0)
    # b lies on a->c, a->d, e->c, e->d: 4 of (5-1)(5-2) = 12 ordered pairs; c on a->d, b->d, e->d: 3.
    assert metrics["b"].betweenness == pytest.approx(4 / 12)
    assert metrics["c"].betweenness == pytest.approx(3 / 12)
    assert [metrics[k].role for k in "abcde"] == ["source", "broker", "broker", "adopter", "source"]
    # With the default quantile only the top quarter of positive betweenness brokers.
    metrics = organisation_metrics(build_network(adoptions, now_year=2025))
    assert metrics["b"].role == "broker"
    assert metrics["c"].role == "source"  # taught 1, learned 1: not a broker at this threshold
    # Influence flows to the sources: a, learned from by b, outranks d, who taught nobody.
    assert metrics["a"].influence > metrics["d"].influence


def test_sampled_betweenness_is_exact_with_every_source_and_close_with_most():
    adoptions = random_adoptions(7, n=60, m=300)
    network = build_network(adoptions, now_year=2026)
    exact = organisation_metrics(network)
    everyone = organisation_metrics(network, betweenness_sample=len(network.organisations))
    assert [m.betweenness for m in exact.values()] == [m.betweenness for m in everyone.values()]
    sampled = organisation_metrics(network, betweenness_sample=45, seed=3)
    total = sum(m.betweenness for m in exact.values())
    error = sum(abs(sampled[k].betweenness - exact[k].betweenness) for k in exact)
    assert error / total < 0.3


def test_edge_cases():
    assert organisation_metrics(build_network([], now_year=2025)) == {}
    one = organisation_metrics(build_network([], now_year=2025, organisations=["only"]))
    assert one["only"] == OrgMetrics("only", 0, 0, 0, 0, 0, 0.0, 1.0, 0, "isolated")
    with pytest.raises(NetworkError):
        build_network([("a", "a", 2020)], now_year=2025)
    with pytest.raises(NetworkError):
        build_network([], [("a", "a")], now_year=2025)
    with pytest.raises(NetworkError):
        build_network([], now_year=2025, half_life=0)
    pair = organisation_metrics(build_network([("a", "b", 2020)], now_year=2025))
    assert (pair["a"].role, pair["b"].role) == ("source", "adopter")
    assert pair["a"].betweenness == pair["b"].betweenness == 0.0
    partners_only = organisation_metrics(build_network([], [("a", "b"), ("b", "a")], now_year=2025))
    assert partners_only["a"].partners == 1
    assert partners_only["a"].community == partners_only["b"].community


REGION = {"hki": "01", "espoo": "01", "turku": "02", "tampere": "06", "oulu": "17", "nowhere": ""}
NEIGHBOURS = {"01": {"02", "05"}, "02": {"01", "04"}, "06": {"02"}}


def test_region_flows_and_matrix():
    adoptions = [
        ("hki", "espoo", 2020),
        ("hki", "turku", 2021),
        ("hki", "turku", 2022),
        ("turku", "oulu", 2023),
        ("nowhere", "hki", 2023),
        ("unlisted", "hki", 2023),
    ]
    flows = region_flows(adoptions, REGION)
    assert flows == {("01", "01"): 1, ("01", "02"): 2, ("02", "17"): 1}
    assert flow_matrix(flows, ["01", "02", "17"]) == [[1, 2, 0], [0, 0, 1], [0, 0, 0]]


def test_travel_distance_hand_cases():
    assert travel_distance("01", "01", NEIGHBOURS) == "same_region"
    assert travel_distance("01", "02", NEIGHBOURS) == "neighbouring"
    assert travel_distance("02", "06", NEIGHBOURS) == "neighbouring"  # a one-sided mapping still counts
    assert travel_distance("01", "17", NEIGHBOURS) == "across_country"
    assert travel_distance(None, "17", NEIGHBOURS) == "unknown"
    assert travel_distance("", "17", NEIGHBOURS) == "unknown"
    counts = travel_distances(
        [("hki", "espoo", 1), ("hki", "turku", 1), ("turku", "oulu", 1), ("nowhere", "hki", 1)], REGION, NEIGHBOURS
    )
    assert counts == {"same_region": 1, "neighbouring": 1, "across_country": 1, "unknown": 1}
    assert tuple(counts) == DISTANCES


def test_region_adjacency_from_shared_arcs():
    # Three squares in a row sharing arcs 1 and 3 (one of them referenced reversed), a fourth apart.
    topology = {
        "objects": {
            "r": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]], "properties": {"maakunta": "A"}},
                    {"type": "Polygon", "arcs": [[~1, 2, 3]], "properties": {"maakunta": "B"}},
                    {"type": "MultiPolygon", "arcs": [[[~3, 4]], [[5]]], "properties": {"maakunta": "C"}},
                    {"type": "Polygon", "arcs": [[6]], "properties": {"maakunta": "D"}},
                ],
            }
        }
    }
    assert region_adjacency(topology) == {
        "A": frozenset({"B"}),
        "B": frozenset({"A", "C"}),
        "C": frozenset({"B"}),
        "D": frozenset(),
    }


def test_finnish_regions_adjacency():
    adjacency = load_region_adjacency(TOPOLOGY)
    assert len(adjacency) == 19
    assert adjacency["01"] == {"02", "05", "07", "08"}  # Uusimaa: Varsinais-Suomi, Kanta-Häme, Päijät-Häme, Kymenlaakso
    assert adjacency["19"] == {"17"}  # Lappi borders only Pohjois-Pohjanmaa
    assert adjacency["21"] == frozenset()  # Åland has no land border
    for code, others in adjacency.items():  # symmetric
        assert all(code in adjacency[other] for other in others)


def test_peer_comparison_percentiles_by_hand():
    def m(key, taught):
        return OrgMetrics(key, 0, taught, 0, taught, 0, 0.0, 0.25, 0, "source")

    metrics = {"a": m("a", 1), "b": m("b", 2), "c": m("c", 2), "d": m("d", 5)}
    size = {"a": "lt5k", "b": "lt5k", "c": "lt5k", "d": "100k+"}
    region = {"a": "01", "b": "01", "c": "02", "d": "01"}
    result = peer_comparison(metrics, "b", size_class_of=size, region_of=region)
    by_group = {g.group: g for g in result.groups}
    # size class lt5k: taught values 1, 2, 2 -> below 1, equal 2 -> (1 + 2/2) / 3 = 66.7 %
    assert by_group["size_class"].peers == 3
    assert by_group["size_class"].percentiles["taught"] == pytest.approx(200 / 3)
    # region 01: taught 1, 2, 5 -> (1 + 1/2) / 3 = 50 %
    assert by_group["region"].value == "01"
    assert by_group["region"].percentiles["taught"] == pytest.approx(50.0)
    assert by_group["region"].percentiles["influence"] == pytest.approx(50.0)  # all equal
    assert peer_comparison(metrics, "a", size_class_of={}, region_of=region).groups[0].group == "region"
    with pytest.raises(KeyError):
        peer_comparison(metrics, "zz", size_class_of=size, region_of=region)


def test_peer_comparisons_of_everyone_equal_one_at_a_time():
    adoptions = random_adoptions(21, n=40, m=150)
    metrics = organisation_metrics(build_network(adoptions, random_partnerships(21, n=40), now_year=2026))
    rng = random.Random(4)
    size = {key: rng.choice(["lt5k", "5k-10k", "100k+"]) for key in metrics if rng.random() < 0.9}
    region = {key: rng.choice(["01", "02", "06", ""]) for key in metrics}
    everyone = peer_comparisons(metrics, size_class_of=size, region_of=region)
    for key in metrics:
        one = peer_comparison(metrics, key, size_class_of=size, region_of=region)
        assert [(g.group, g.value, g.peers) for g in everyone[key].groups] == [
            (g.group, g.value, g.peers) for g in one.groups
        ]
        for ours, theirs in zip(everyone[key].groups, one.groups, strict=True):
            assert ours.percentiles == pytest.approx(theirs.percentiles)

"""Lineage walks over the graph: upstream/downstream neighbourhoods, impact of a system, shortest paths.

Lineage runs from department → system → dataset → derived dataset → indicator, with service → system and
service → dataset (DESIGN.md). Every edge below is written in the direction data flows (``source`` feeds
``target``). The walk is breadth-first with one store query per hop (all edge kinds at once, for the whole
frontier), so a depth-5 walk costs a handful of queries however wide it is. It only ever steps onto nodes
the caller may see (:mod:`yuanshu.visibility`), never revisits a node (cycle safety), stops at the depth
cap and keeps at most ``per_hop`` new nodes per hop (DataHub's ``entitiesExploredPerHopLimit``), saying so
with ``truncated``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

import pyoxigraph as ox

from yuanshu.store import GraphStore
from yuanshu.visibility import Caller

MAX_DEPTH = 10


class Direction(StrEnum):
    UPSTREAM = "UPSTREAM"
    DOWNSTREAM = "DOWNSTREAM"
    BOTH = "BOTH"


@dataclass(frozen=True)
class EdgeKind:
    """One kind of lineage edge: a SPARQL pattern binding ``?source`` (upstream) and ``?target``."""

    name: str
    label: str
    pattern: str
    dependency: bool = True  # whether the target breaks when the source goes (used by impact analysis)


EDGE_KINDS: tuple[EdgeKind, ...] = (
    EdgeKind("OPERATES", "运维", "?target ys:operatedBy ?source .", dependency=False),
    EdgeKind("PUBLISHES", "提供", "?target dct:publisher ?source .", dependency=False),
    EdgeKind("COMPETENT_FOR", "实施", "?target cv:hasCompetentAuthority ?source .", dependency=False),
    EdgeKind("FEEDS_SYSTEM", "上游系统", "?target ys:dependsOn ?source ."),
    EdgeKind("PRODUCES", "产生", "?target ys:sourceSystem ?source ."),
    EdgeKind("HANDLES", "支撑办理", "?target ys:handledBy ?source ."),
    EdgeKind("DERIVES", "派生", "?target prov:wasDerivedFrom ?source . ?target a dcat:Dataset ."),
    EdgeKind("FEEDS", "数据来源", "?target prov:wasDerivedFrom ?source . ?target a ys:Indicator ."),
    EdgeKind("USED_BY", "使用", "?target ys:usesDataset ?source ."),
    # a computable indicator is evaluated over the service items of its scope area (and the areas below it)
    EdgeKind("MEASURED_BY", "计入指标", "?target a ys:Indicator ; ys:computable true ; ys:scopeArea ?scope ."
             " ?source a cpsv:PublicService ; ys:area/ys:parentArea* ?scope .", dependency=False),
)
_KINDS = {k.name: k for k in EDGE_KINDS}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str


@dataclass
class Node:
    iri: str
    depth: int
    types: list[str] = field(default_factory=list)
    label: str | None = None


@dataclass
class LineageGraph:
    root: str
    nodes: dict[str, Node]
    edges: list[Edge]
    truncated: bool = False


def _values(iris: Iterable[str]) -> str:
    return " ".join(f"<{i}>" for i in iris)


def _step_query(frontier: Iterable[str], downstream: bool, caller: Caller, kinds: Iterable[EdgeKind]) -> str:
    """One hop for the whole frontier, every edge kind at once.

    The frontier's VALUES and the guard go inside each UNION branch: Oxigraph then starts every branch
    from the known nodes instead of joining whole branches afterwards (10× faster, measured)."""
    known, new = ("source", "target") if downstream else ("target", "source")
    values = f"VALUES ?{known} {{ {_values(frontier)} }}"
    unions = " UNION ".join(f'{{ {values} {k.pattern} {caller.guard(new)} BIND("{k.name}" AS ?kind) }}'
                            for k in kinds)
    return f"SELECT DISTINCT ?source ?target ?kind WHERE {{ {unions} }}"


def neighbours(store: GraphStore, frontier: Iterable[str], downstream: bool, caller: Caller,
               kinds: Iterable[EdgeKind] = EDGE_KINDS) -> list[Edge]:
    """The edges one hop up- or downstream of the frontier, to nodes the caller may see."""
    frontier = list(frontier)
    if not frontier:
        return []
    rows = store.select(_step_query(frontier, downstream, caller, kinds))
    return [Edge(r["source"].value, r["target"].value, r["kind"].value) for r in rows
            if isinstance(r["source"], ox.NamedNode) and isinstance(r["target"], ox.NamedNode)]


def describe(store: GraphStore, nodes: dict[str, Node]) -> None:
    """Fill in the types and (Chinese) labels of the nodes, in one query."""
    if not nodes:
        return
    rows = store.select(f"""SELECT ?n ?type ?label WHERE {{ VALUES ?n {{ {_values(nodes)} }}
        {{ ?n a ?type }} UNION {{ ?n dct:title|skos:prefLabel ?label }} }}""")
    for row in rows:
        node = nodes[row["n"].value]
        if "type" in row and row["type"].value not in node.types:
            node.types.append(row["type"].value)
        label = row.get("label")
        if isinstance(label, ox.Literal) and (node.label is None or label.language == "zh"):
            node.label = label.value


def visible(store: GraphStore, iri: str, caller: Caller) -> bool:
    return store.ask(f"ASK {{ VALUES ?n {{ <{iri}> }} ?n ?p ?o . {caller.guard('n')} }}")


def lineage(store: GraphStore, root: str, caller: Caller, *, direction: Direction = Direction.BOTH,
            depth: int = 3, per_hop: int = 200, kinds: Iterable[EdgeKind] = EDGE_KINDS) -> LineageGraph | None:
    """Nodes and typed edges reachable from ``root`` within ``depth`` hops (None if the caller can't see it)."""
    if not visible(store, root, caller):
        return None
    depth = max(0, min(depth, MAX_DEPTH))
    kinds = list(kinds)
    graph = LineageGraph(root, {root: Node(root, 0)}, [])
    seen_edges: set[Edge] = set()
    directions = [d for d in (True, False)
                  if direction is Direction.BOTH or (direction is Direction.DOWNSTREAM) == d]
    for downstream in directions:
        frontier = [root]
        for hop in range(1, depth + 1):
            found: list[str] = []
            for edge in neighbours(store, frontier, downstream, caller, kinds):
                new = edge.target if downstream else edge.source
                if new not in graph.nodes:
                    if len(found) >= per_hop:
                        graph.truncated = True
                        continue
                    graph.nodes[new] = Node(new, hop)
                    found.append(new)
                if edge not in seen_edges:
                    seen_edges.add(edge)
                    graph.edges.append(edge)
            frontier = found
            if not frontier:
                break
    describe(store, graph.nodes)
    return graph


@dataclass
class Affected:
    """Something that breaks when a system is retired, and the dependency path from the system to it."""

    node: Node
    path: list[Edge]


def impact(store: GraphStore, system: str, caller: Caller, *, max_nodes: int = 10_000) -> list[Affected] | None:
    """Every system, dataset, service and indicator depending on ``system``, directly or transitively.

    Breadth-first over the dependency edges, so each path is a shortest one. None if the caller cannot see
    the system."""
    if not visible(store, system, caller):
        return None
    kinds = [k for k in EDGE_KINDS if k.dependency]
    parents: dict[str, Edge | None] = {system: None}
    nodes: dict[str, Node] = {}
    frontier, hop = [system], 0
    while frontier and len(nodes) < max_nodes and hop < 50:
        hop += 1
        found = []
        for edge in neighbours(store, frontier, True, caller, kinds):
            if edge.target not in parents and len(nodes) < max_nodes:
                parents[edge.target] = edge
                nodes[edge.target] = Node(edge.target, hop)
                found.append(edge.target)
        frontier = found
    describe(store, nodes)
    return [Affected(node, _path_to(parents, iri)) for iri, node in nodes.items()]


def _path_to(parents: dict[str, Edge | None], iri: str) -> list[Edge]:
    path: list[Edge] = []
    edge = parents[iri]
    while edge is not None:
        path.append(edge)
        edge = parents[edge.source]
    return path[::-1]


def shortest_path(store: GraphStore, start: str, end: str, caller: Caller, *,
                  max_depth: int = MAX_DEPTH) -> list[Edge] | None:
    """A shortest lineage path from ``start`` to ``end``, following the flow of data either way round.

    Searches downstream from ``start`` first, then upstream; None when neither reaches ``end``."""
    if not (visible(store, start, caller) and visible(store, end, caller)):
        return None
    if start == end:
        return []
    for downstream in (True, False):
        parents: dict[str, Edge | None] = {start: None}
        frontier = [start]
        for _ in range(max_depth):
            found = []
            for edge in neighbours(store, frontier, downstream, caller):
                new = edge.target if downstream else edge.source
                if new not in parents:
                    parents[new] = edge
                    found.append(new)
            if end in parents:
                return _walk_back(parents, end, downstream)
            frontier = found
            if not frontier:
                break
    return None


def _walk_back(parents: dict[str, Edge | None], end: str, downstream: bool) -> list[Edge]:
    path: list[Edge] = []
    node = end
    while (edge := parents[node]) is not None:
        path.append(edge)
        node = edge.source if downstream else edge.target
    return path[::-1] if downstream else path


def edge_label(kind: str) -> str:
    return _KINDS[kind].label

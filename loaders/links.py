"""Cross-file links, resolved whatever the load order.

Loaders store a reference to an entity of another file as a literal (a department's name, a system's
name, a dataset's code or name). After every load the links graph is rebuilt: each reference is matched
against the identifiers and labels of the entities now in the store (code first, then exact name or
alias; where a name matches several, the one in the referrer's own area wins). A department that
matches nothing becomes a *provisional* department, reported for review; other unmatched references are
kept as literals and resolve when their target arrives.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from loaders.triples import CV, DCAT, DCT, ORG, PROV, RDF_TYPE, SKOS, YS, QuadWriter, text, typed
from ontology.codelists import match_key
from yuanshu.store import GraphStore


@dataclass(frozen=True)
class Reference:
    """A literal property that names another entity, and the link it resolves to."""

    name: ox.NamedNode
    link: ox.NamedNode
    target: ox.NamedNode
    label: str
    code: ox.NamedNode | None = None
    provisional: bool = False  # unmatched names become provisional departments


REFERENCES = (
    Reference(YS.publisherName, DCT.publisher, ORG.Organization, "资源提供方", YS.publisherCode, True),
    Reference(YS.competentAuthorityName, CV.hasCompetentAuthority, ORG.Organization, "实施主体",
              YS.competentAuthorityCode, True),
    Reference(YS.operatedByName, YS.operatedBy, ORG.Organization, "所属部门", None, True),
    Reference(YS.responsibleDepartmentName, YS.responsibleDepartment, ORG.Organization, "责任部门", None, True),
    Reference(YS.parentDepartmentName, ORG.subOrganizationOf, ORG.Organization, "上级部门", None, True),
    Reference(YS.sourceSystemName, YS.sourceSystem, YS.InformationSystem, "来源系统"),
    Reference(YS.handledByName, YS.handledBy, YS.InformationSystem, "办理系统"),
    Reference(YS.dependsOnName, YS.dependsOn, YS.InformationSystem, "上游系统"),
    Reference(YS.usesDatasetRef, YS.usesDataset, DCAT.Dataset, "所需数据"),
    Reference(YS.dataSourceRef, PROV.wasDerivedFrom, DCAT.Dataset, "数据来源"),
)

_LABELS = (DCT.identifier, SKOS.prefLabel, SKOS.altLabel, DCT.title)


@dataclass
class LinkReport:
    """What the last resolution found: links made, names left open, provisional departments."""

    resolved: Counter[str] = field(default_factory=Counter)
    unresolved: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    ambiguous: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    provisional: Counter[str] = field(default_factory=Counter)


class _Index:
    """Lookup of one target class's entities by identifier and label (``match_key``-normalised)."""

    def __init__(self, store: GraphStore, target: ox.NamedNode, areas: dict[str, str], skip: str) -> None:
        self.by_key: dict[str, set[str]] = defaultdict(set)
        self.areas = areas
        members = {q.subject for q in store.ox.quads_for_pattern(None, RDF_TYPE, target)
                   if not q.graph_name.value.startswith(skip)}
        labels = _LABELS
        for member in members:
            for prop in labels:
                for q in store.ox.quads_for_pattern(member, prop, None):
                    self.by_key[match_key(q.object.value)].add(member.value)

    def find(self, key: str, area: str | None) -> set[str]:
        found = self.by_key.get(match_key(key), set())
        if len(found) > 1 and area:
            local = {t for t in found if self.areas.get(t) == area}
            if local:
                return local
        return found


def resolve_links(store: GraphStore, run_id: int | str) -> LinkReport:
    """Rebuild the links graph from the references now in the store; returns what was found."""
    report = LinkReport()
    graph = store.minter.links_graph
    version = f"{graph}/run/{run_id}"
    quads = list(_resolve_all(store, report, graph, ox.NamedNode(version)))
    store.replace(graph, version, quads)
    return report


def _resolve_all(store: GraphStore, report: LinkReport, links_graph: str,
                 version: ox.NamedNode) -> Iterator[ox.Quad]:
    indexes: dict[ox.NamedNode, _Index] = {}
    provisional: dict[str, tuple[str, str | None]] = {}
    areas = {s: o.value for s, o in store.values(YS.area).items()}
    for ref in REFERENCES:
        refs = [(q.subject, q.object.value) for q in store.ox.quads_for_pattern(None, ref.name, None)]
        if not refs:
            continue
        index = indexes.get(ref.target) or indexes.setdefault(
            ref.target, _Index(store, ref.target, areas, links_graph))
        codes = {s: o.value for s, o in store.values(ref.code).items()} if ref.code else {}
        link = ref.link
        for subject, name in refs:
            area = areas.get(subject.value)
            code = codes.get(subject.value)
            targets = index.find(code, None) if code else set()
            if len(targets) != 1:
                targets = index.find(name, area)
            if len(targets) == 1:
                report.resolved[ref.label] += 1
                yield ox.Quad(subject, link, ox.NamedNode(next(iter(targets))), version)
            elif len(targets) > 1:
                report.ambiguous[ref.label][name] += 1
            elif ref.provisional:
                iri = store.minter.department(name=name)
                provisional.setdefault(iri, (name, area))
                report.provisional[name] += 1
                yield ox.Quad(subject, link, ox.NamedNode(iri), version)
            else:
                report.unresolved[ref.label][name] += 1
    for iri, (name, area) in provisional.items():
        yield from _provisional_department(iri, name, area, version)


def _provisional_department(iri: str, name: str, area: str | None, graph: ox.NamedNode) -> Iterator[ox.Quad]:
    """A department named in a file but absent from the registry, flagged for review."""
    w = QuadWriter(iri, graph)
    w.a(ORG.Organization)
    w.add(SKOS.prefLabel, text(name))
    w.add(YS.provisional, typed(True))
    w.link(YS.area, area)
    yield from w

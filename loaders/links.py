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
from yuanshu.visibility import Audience


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
    """Finds the entities of one class that a name, alias or code denotes.

    Departments are few and named loosely (简称, spacing, full-width letters), so they are matched through
    an in-memory index of ``match_key``-normalised labels. Systems and datasets can be hundreds of
    thousands; they are matched by exact lookups in the store's object index (both sides were cleaned by
    the same normaliser), so memory does not grow with the graph.
    """

    def __init__(self, store: GraphStore, target: ox.NamedNode, skip: str, fuzzy: bool) -> None:
        self.store, self.target, self.skip = store, target, skip
        self.fuzzy: dict[str, set[str]] | None = None
        self._exact_cache: dict[str, frozenset[str]] = {}
        if fuzzy:
            self.fuzzy = defaultdict(set)
            for q in store.ox.quads_for_pattern(None, RDF_TYPE, target):
                if q.graph_name.value.startswith(skip):
                    continue
                for prop in _LABELS:
                    for label in store.ox.quads_for_pattern(q.subject, prop, None):
                        self.fuzzy[match_key(label.object.value)].add(q.subject.value)

    def find(self, key: str) -> set[str]:
        """The entities ``key`` names (an identifier, a name or an alias)."""
        return set(self.fuzzy.get(match_key(key), ())) if self.fuzzy is not None else set(self._exact(key))

    def in_area(self, found: set[str], area: str | None) -> set[str]:
        """Of several candidates, those in the referrer's area (all of them if none is)."""
        if len(found) > 1 and area:
            local = {t for t in found if _value(self.store, ox.NamedNode(t), YS.area) == area}
            if local:
                return local
        return found

    def _exact(self, key: str) -> frozenset[str]:
        found = self._exact_cache.get(key)
        if found is None:
            if len(self._exact_cache) > 100_000:
                self._exact_cache.clear()
            found = frozenset()
            for prop, literal in ((DCT.identifier, ox.Literal(key)), (DCT.title, ox.Literal(key, language="zh")),
                                  (SKOS.prefLabel, ox.Literal(key, language="zh")),
                                  (SKOS.altLabel, ox.Literal(key, language="zh"))):
                found = frozenset(q.subject.value for q in self.store.ox.quads_for_pattern(None, prop, literal)
                                  if not q.graph_name.value.startswith(self.skip) and self._is_target(q.subject))
                if found:
                    break
            self._exact_cache[key] = found
        return found

    def _is_target(self, subject: ox.NamedNode) -> bool:
        return any(not q.graph_name.value.startswith(self.skip)
                   for q in self.store.ox.quads_for_pattern(subject, RDF_TYPE, self.target))


def resolve_links(store: GraphStore, run_id: int | str) -> LinkReport:
    """Rebuild the links graph from the references now in the store; returns what was found."""
    report = LinkReport()
    graph = store.minter.links_graph
    version = f"{graph}/run/{run_id}"
    store.replace(graph, version, _resolve_all(store, report, graph, ox.NamedNode(version)))
    return report


def _resolve_all(store: GraphStore, report: LinkReport, links_graph: str,
                 version: ox.NamedNode) -> Iterator[ox.Quad]:
    """Stream every reference once; each distinct (name, code) is looked up once and remembered.

    Memory grows with the number of distinct names, not with the number of references.
    """
    provisional: dict[str, tuple[str, str | None]] = {}
    for ref in REFERENCES:
        index: _Index | None = None
        decided: dict[tuple[str, str | None], set[str]] = {}
        for quad in store.ox.quads_for_pattern(None, ref.name, None):
            index = index or _Index(store, ref.target, links_graph, fuzzy=ref.provisional)
            subject, name = quad.subject, quad.object.value
            code = _value(store, subject, ref.code) if ref.code else None
            targets = decided.get((name, code))
            if targets is None:
                targets = index.find(code) if code else set()
                if len(targets) != 1:
                    targets = index.find(name)
                decided[(name, code)] = targets
            area = None
            if len(targets) > 1:
                area = _value(store, subject, YS.area)
                targets = index.in_area(targets, area)
            if len(targets) == 1:
                report.resolved[ref.label] += 1
                yield ox.Quad(subject, ref.link, ox.NamedNode(next(iter(targets))), version)
            elif len(targets) > 1:
                report.ambiguous[ref.label][name] += 1
            elif ref.provisional:
                iri = store.minter.department(name=name)
                if iri not in provisional:
                    provisional[iri] = (name, area or _value(store, subject, YS.area))
                report.provisional[name] += 1
                yield ox.Quad(subject, ref.link, ox.NamedNode(iri), version)
            else:
                report.unresolved[ref.label][name] += 1
    for iri, (name, area) in provisional.items():
        yield from _provisional_department(iri, name, area, version)


def _value(store: GraphStore, subject: ox.NamedNode, prop: ox.NamedNode) -> str | None:
    return next((q.object.value for q in store.ox.quads_for_pattern(subject, prop, None)), None)


def _provisional_department(iri: str, name: str, area: str | None, graph: ox.NamedNode) -> Iterator[ox.Quad]:
    """A department named in a file but absent from the registry, flagged for review."""
    w = QuadWriter(iri, graph)
    w.a(ORG.Organization)
    w.audience(Audience.PUBLIC)
    w.add(SKOS.prefLabel, text(name))
    w.add(YS.provisional, typed(True))
    w.link(YS.area, area)
    yield from w

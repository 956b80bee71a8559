"""Search documents built from the graph: datasets, services, departments, systems and indicators.

One SPARQL query per kind of entity returns every (entity, field, value) row in long form, so the whole
index is built with a handful of queries whatever the number of entities (demo ×100: 190k datasets). A
:class:`Record` is what the graph says about one entity; its :func:`Record.source_hash` (which includes the
labels of the departments, areas and codes it points to) tells the indexer whether the indexed document is
stale. Only changed records are analysed into :class:`~search.backend.SearchDocument`s.

What a document holds follows the visibility rule (:mod:`yuanshu.visibility`): its ``ys:audience`` values and
its owning departments (a dataset's publisher, a system's operator — the rule's ownership links); its text
holds only the entity's own metadata and the labels of public entities (departments, areas, code lists),
never names of systems or datasets it links to, which the caller may not be allowed to see.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from search.analysis import Analyzer, title_pinyin
from search.backend import DocType, Facet, SearchDocument
from yuanshu.store import GraphStore


@dataclass(frozen=True)
class Kind:
    """How one kind of entity is read: its class and field → property path (one query)."""

    type: DocType
    cls: str
    fields: tuple[tuple[str, str], ...]
    facets: tuple[tuple[Facet, str], ...]  # facet ← record field
    owner_field: str | None = None  # the visibility rule's ownership link, if the kind has one


_COMMON = (("title", "dct:title"), ("identifier", "dct:identifier"), ("audience", "ys:audience"), ("area", "ys:area"))
KINDS: tuple[Kind, ...] = (
    Kind(DocType.DATASET, "dcat:Dataset", (
        *_COMMON, ("description", "dct:description"), ("publisher", "dct:publisher"), ("theme", "dcat:theme"),
        ("open_type", "dct:accessRights"), ("sharing_type", "ys:sharingType"),
        ("frequency", "dct:accrualPeriodicity"), ("format", "dcat:distribution/dct:title"),
        ("element", "ys:dataElement/dct:title"), ("issued", "dct:issued"), ("code", "ys:resourceCategory"),
        ("code", "ys:sharingMethod"), ("text", "ys:openCondition"), ("text", "ys:sharingCondition"),
    ), (
        (Facet.PUBLISHER, "publisher"), (Facet.AREA, "area"), (Facet.THEME, "theme"), (Facet.FORMAT, "format"),
        (Facet.OPEN_TYPE, "open_type"), (Facet.SHARING_TYPE, "sharing_type"), (Facet.FREQUENCY, "frequency"),
        (Facet.TAG, "element"),
    ), owner_field="publisher"),
    Kind(DocType.SERVICE, "cpsv:PublicService", (
        *_COMMON, ("publisher", "cv:hasCompetentAuthority"), ("service_type", "ys:serviceType"),
        ("code", "ys:exerciseLevel"), ("code", "ys:caseType"), ("text", "ys:basicCode"),
    ), ((Facet.PUBLISHER, "publisher"), (Facet.AREA, "area"), (Facet.SERVICE_TYPE, "service_type"))),
    Kind(DocType.DEPARTMENT, "org:Organization", (
        ("title", "skos:prefLabel"), ("identifier", "dct:identifier"), ("audience", "ys:audience"),
        ("area", "ys:area"), ("alias", "skos:altLabel"), ("text", "ys:departmentType"),
        ("parent", "org:subOrganizationOf"),
    ), ((Facet.AREA, "area"),)),
    Kind(DocType.SYSTEM, "ys:InformationSystem", (
        *_COMMON, ("description", "dct:description"), ("publisher", "ys:operatedBy"),
        ("system_status", "ys:status"), ("code", "ys:buildLevel"), ("code", "ys:deployment"),
        ("year", "ys:builtYear"),
    ), ((Facet.PUBLISHER, "publisher"), (Facet.AREA, "area"), (Facet.SYSTEM_STATUS, "system_status")),
        owner_field="publisher"),
    Kind(DocType.INDICATOR, "ys:Indicator", (
        *_COMMON, ("description", "ys:formula"), ("publisher", "ys:responsibleDepartment"),
        ("area", "ys:scopeArea"), ("text", "ys:unit"),
    ), ((Facet.PUBLISHER, "publisher"), (Facet.AREA, "area"))),
)
# fields whose values are IRIs shown by their labels (and indexed as text in Chinese and English)
_LABELLED = frozenset({"publisher", "area", "theme", "open_type", "sharing_type", "frequency", "service_type",
                       "system_status", "code", "parent"})


def _kind_query(kind: Kind) -> str:
    branches = " UNION ".join(f'{{ ?s {path} ?o BIND("{name}" AS ?f) }}' for name, path in kind.fields)
    return f"SELECT ?s ?f ?o WHERE {{ ?s a {kind.cls} . {branches} }}"


@dataclass
class Record:
    """What the graph says about one entity: field → values (IRIs or literal text), sorted."""

    iri: str
    kind: Kind
    values: dict[str, list[str]]

    def first(self, name: str) -> str:
        values = self.values.get(name)
        return values[0] if values else ""

    def iris(self) -> set[str]:
        return {v for name in _LABELLED for v in self.values.get(name, ())}

    def source_hash(self, labels: Labels) -> str:
        """Hash of the record and the labels it shows: changes exactly when its document would."""
        shown = {iri: labels.zh.get(iri, "") for iri in sorted(self.iris())}
        data = json.dumps([self.kind.type, self.values, shown], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(data.encode()).hexdigest()[:32]


@dataclass
class Labels:
    """Chinese (display) and English labels of departments, areas and code-list concepts."""

    zh: dict[str, str]
    en: dict[str, str]

    @classmethod
    def load(cls, store: GraphStore) -> Labels:
        zh: dict[str, str] = {}
        en: dict[str, str] = {}
        solutions = store.query("SELECT ?s ?l WHERE { ?s skos:prefLabel ?l FILTER(isIRI(?s)) }")
        assert isinstance(solutions, ox.QuerySolutions)
        for row in solutions:
            literal = row["l"]
            assert isinstance(literal, ox.Literal)
            target = en if literal.language == "en" else zh
            target.setdefault(row["s"].value, literal.value)
        return cls(zh, en)


def iter_records(store: GraphStore) -> Iterator[Record]:
    """Every indexable entity in the graph, one query per kind."""
    for kind in KINDS:
        grouped: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        solutions = store.query(_kind_query(kind))
        assert isinstance(solutions, ox.QuerySolutions)
        for row in solutions:
            subject = row["s"]
            if isinstance(subject, ox.NamedNode):
                grouped[subject.value][row["f"].value].add(row["o"].value)
        for iri, fields in grouped.items():
            yield Record(iri, kind, {name: sorted(values) for name, values in sorted(fields.items())})


def build_document(record: Record, labels: Labels, analyzer: Analyzer, source_hash: str = "") -> SearchDocument:
    """Analyse one record into the document every backend indexes."""
    values = record.values
    title = record.first("title") or record.first("identifier") or record.iri
    description = record.first("description")
    shown = {iri: labels.zh[iri] for iri in record.iris() if iri in labels.zh}
    label_text = [labels.zh.get(i, "") + " " + labels.en.get(i, "") for i in sorted(record.iris())]
    text_parts = [description, *values.get("alias", ()), *values.get("element", ()), *values.get("format", ()),
                  *values.get("text", ()), *label_text, record.first("identifier")]
    facets: dict[str, list[str]] = {Facet.TYPE: [record.kind.type]}
    for facet, name in record.kind.facets:
        if values.get(name):
            facets[facet] = list(values[name])
    suggest_keys = [key for name in (title, *values.get("alias", ())) for key in analyzer.suggest_keys(name)]
    return SearchDocument(
        iri=record.iri,
        type=record.kind.type,
        title=title,
        description=description,
        identifier=record.first("identifier"),
        title_tokens=analyzer.index_text(title),
        text_tokens=analyzer.index_text(*text_parts),
        title_sort=title_pinyin(title),
        suggest_keys=list(dict.fromkeys(suggest_keys)),
        issued=_date(record),
        audiences=list(values.get("audience", ())),
        owners=list(values.get(record.kind.owner_field, ())) if record.kind.owner_field else [],
        facets=facets,
        labels=shown,
        source_hash=source_hash,
    )


def _date(record: Record) -> str | None:
    issued = record.first("issued")
    if issued:
        return issued[:10]
    year = record.first("year")
    return f"{year[:4]}-01-01" if year[:4].isdigit() else None


def names_for_dictionary(records: list[Record]) -> set[str]:
    """The graph's names for the segmenter's user dictionary: departments (and aliases), systems, services."""
    kinds = {DocType.DEPARTMENT, DocType.SYSTEM, DocType.SERVICE}
    return {name for r in records if r.kind.type in kinds for name in (*r.values.get("title", ()),
                                                                       *r.values.get("alias", ()))}

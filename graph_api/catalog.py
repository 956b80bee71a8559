"""The DCAT catalog at ``/catalog`` (DCAT-AP 3.0.1) and the public services at ``/catalog/services`` (CPSV-AP 3.2.0).

Both export what the caller may see (:mod:`yuanshu.visibility`, through
:func:`graph_api.resources.visible_triples`), in Turtle, JSON-LD, RDF/XML or N-Triples by content
negotiation (:mod:`graph_api.rdf_negotiation`), one Hydra page at a time: ``?page=`` (from 1) and
``?pageSize=`` (default :data:`DEFAULT_PAGE_SIZE`, at most :data:`MAX_PAGE_SIZE`). Members are ordered by
IRI, so every visible dataset (service) appears on exactly one page. The collection carries
``hydra:totalItems`` and a ``hydra:PartialCollectionView`` with first/previous/next/last links.

The native graph is not changed; the export maps it to the application profile (:class:`Profile`): values
get the classes the profile's shapes expect (publishers ``foaf:Agent`` with ``foaf:name``, formats
``dct:MediaTypeOrExtent``, landing pages ``foaf:Document``, themes ``skos:Concept`` in a
``skos:ConceptScheme``, …), code-list values are replaced by the EU authority-table concepts they match
(access rights, frequencies), ``ys:area`` becomes ``dct:spatial``, and an entity without a description gets
its title as one.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from math import ceil
from threading import Lock

import pyoxigraph as ox
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from graph_api.identity import caller_of
from graph_api.rdf_negotiation import RDF_FORMATS, negotiate, rdf_response
from graph_api.resources import visible_triples
from ontology.namespaces import CODE, CPSV, CV, DCAT, DCT, PROV, RDF, RDFS, SKOS, XSD, YS
from yuanshu.runtime import Runtime
from yuanshu.store import GraphStore
from yuanshu.visibility import Caller

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000

FOAF = "http://xmlns.com/foaf/0.1/"
HYDRA = "http://www.w3.org/ns/hydra/core#"
EU_LANGUAGE_ZHO = "http://publications.europa.eu/resource/authority/language/ZHO"

router = APIRouter(tags=["catalog"])


def _n(iri: object) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


Node = ox.NamedNode | ox.BlankNode
Predicates = Mapping[str, tuple[str, ...]]


def _same(*iris: object) -> dict[str, tuple[str, ...]]:
    """Properties exported under their own name."""
    return {str(i): (str(i),) for i in iris}


@dataclass(frozen=True)
class Profile:
    """How the native statements of an entity kind become an application profile's.

    ``entity``: native property → exported properties of the listed entities; ``described``: the same for
    the entities they link to, by the class the link gives them (``ranges``: exported property → class of
    its values); ``single``: properties the profile allows once (the first value in IRI/lexical order is
    kept); ``eu_mapped``: properties whose code-list values are replaced by their ``skos:exactMatch``.
    """

    entity: Predicates
    ranges: Mapping[str, str]
    described: Mapping[str, Predicates]
    single: frozenset[str] = field(default_factory=frozenset)
    eu_mapped: frozenset[str] = field(default_factory=frozenset)


_CONCEPTS: dict[str, Predicates] = {
    str(SKOS.Concept): _same(SKOS.prefLabel, SKOS.inScheme),
    str(SKOS.ConceptScheme): _same(DCT.title),
    str(DCT.Location): _same(SKOS.prefLabel),
}

DCAT_AP = Profile(
    entity={
        **_same(RDF.type, DCT.identifier, DCT.title, DCT.description, DCT.issued, DCT.modified, DCAT.keyword,
                DCAT.theme, DCT.publisher, DCT.accessRights, DCT.accrualPeriodicity, DCAT.landingPage,
                DCAT.distribution, PROV.wasDerivedFrom, YS.resourceCategory, YS.sharingType, YS.sharingCondition,
                YS.sharingMethod, YS.openCondition, YS.recordCount, YS.sourceSystem),
        str(YS.area): (str(DCT.spatial),),
    },
    ranges={
        str(DCT.publisher): FOAF + "Agent", str(DCAT.theme): str(SKOS.Concept),
        str(SKOS.inScheme): str(SKOS.ConceptScheme), str(DCAT.themeTaxonomy): str(SKOS.ConceptScheme),
        str(DCT.accessRights): str(DCT.RightsStatement), str(DCT.accrualPeriodicity): str(DCT.Frequency),
        str(DCT.spatial): str(DCT.Location), str(DCAT.landingPage): FOAF + "Document",
        FOAF + "homepage": FOAF + "Document", str(DCAT.distribution): str(DCAT.Distribution),
        str(DCT.format): str(DCT.MediaTypeOrExtent), str(DCAT.mediaType): str(DCT.MediaType),
        str(DCT.license): str(DCT.LicenseDocument), str(DCT.language): str(DCT.LinguisticSystem),
    },
    described={
        **_CONCEPTS,
        FOAF + "Agent": {str(SKOS.prefLabel): (FOAF + "name",)},
        str(DCAT.Distribution): _same(RDF.type, DCT.title, DCT.description, DCAT.accessURL, DCAT.downloadURL,
                                      DCT.format, DCAT.mediaType, DCT.license, DCAT.byteSize, DCT.issued,
                                      DCT.modified),
    },
    single=frozenset(str(p) for p in (DCT.publisher, DCT.accessRights, DCT.accrualPeriodicity, DCT.issued,
                                      DCT.modified, DCT.format, DCAT.mediaType, DCT.license, DCAT.byteSize)),
    eu_mapped=frozenset((str(DCT.accessRights), str(DCT.accrualPeriodicity))),
)

CPSV_AP = Profile(
    entity={
        **_same(RDF.type, DCT.identifier, DCT.title, DCT.description, CV.hasCompetentAuthority, YS.basicCode,
                YS.exerciseLevel, YS.caseType, YS.legalTimeLimit, YS.promisedTimeLimit, YS.onSiteVisits,
                YS.onlineService, YS.onlineDepth, YS.oneWindow, YS.crossRegion, YS.electronicLicence, YS.charged,
                YS.highFrequency, YS.handledBy, YS.usesDataset, YS.implementationAreaCode),
        str(YS.serviceType): (str(DCT.type),),
        str(YS.area): (str(DCT.spatial),),
    },
    ranges={
        str(CV.hasCompetentAuthority): str(CV.PublicOrganisation), str(DCT.type): str(SKOS.Concept),
        str(SKOS.inScheme): str(SKOS.ConceptScheme), str(DCT.spatial): str(DCT.Location),
        str(DCT.publisher): FOAF + "Agent",
    },
    described={
        **_CONCEPTS,
        str(CV.PublicOrganisation): {**_same(SKOS.prefLabel), str(YS.area): (str(DCT.spatial),)},
        FOAF + "Agent": {str(SKOS.prefLabel): (FOAF + "name", str(DCT.title)), **_same(DCT.identifier)},
    },
    single=frozenset(str(p) for p in (DCT.identifier, DCT.publisher)),
)


def _sort_key(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return term.value


class Export:
    """The triples of one exported page, built through a :class:`Profile`."""

    def __init__(self, store: GraphStore, caller: Caller, profile: Profile) -> None:
        self.store, self.caller, self.profile = store, caller, profile
        self.triples: dict[ox.Triple, None] = {}
        self.classes: dict[Node, set[str]] = {}

    def add(self, subject: Node, predicate: str, obj: ox.NamedNode | ox.BlankNode | ox.Literal) -> None:
        """Add a statement; a value of a property with a range gets that class (and is described later)."""
        predicate = str(predicate)
        self.triples[ox.Triple(subject, _n(predicate), obj)] = None
        cls = self.profile.ranges.get(predicate)
        if cls is not None and not isinstance(obj, ox.Literal):
            self.classes.setdefault(obj, set()).add(cls)

    def _map(self, native: list[ox.Triple], mapping: Mapping[Node, Predicates]) -> None:
        """Add the exported form of native statements (``mapping``: subject → its property map)."""
        codes = [t.object.value for t in native if isinstance(t.object, ox.NamedNode)
                 and any(p in self.profile.eu_mapped for p in mapping[t.subject].get(t.predicate.value, ()))]
        eu = {t.subject.value: t.object for t in visible_triples(
            self.store, self.caller, codes, [str(SKOS.exactMatch)], as_links=True)}
        given: set[tuple[Node, str]] = set()  # (subject, property) pairs of the single-valued properties
        for t in sorted(native, key=lambda t: (_sort_key(t.subject), _sort_key(t.object))):
            for predicate in mapping[t.subject].get(t.predicate.value, ()):
                if predicate in self.profile.single:
                    if (t.subject, predicate) in given:
                        continue
                    given.add((t.subject, predicate))
                obj = eu.get(t.object.value, t.object) if predicate in self.profile.eu_mapped else t.object
                self.add(t.subject, predicate, obj)

    def entities(self, subjects: list[str]) -> None:
        """The listed entities (which must pass the caller's guard), in the profile's form."""
        native = visible_triples(self.store, self.caller, subjects, self.profile.entity)
        self._map(native, {_n(s): self.profile.entity for s in subjects})
        description, title = str(DCT.description), str(DCT.title)
        described = {t.subject for t in self.triples if t.predicate.value == description}
        for t in native:  # DCAT-AP and CPSV-AP require a description: the title stands in for a missing one
            if t.predicate.value == title and t.subject not in described:
                self.add(t.subject, description, t.object)

    def describe_linked(self) -> None:
        """Give every linked value its class and the description its class calls for, level by level."""
        done: set[Node] = set()
        rdf_type = _n(RDF.type)
        while pending := {node: classes for node, classes in self.classes.items() if node not in done}:
            done.update(pending)
            mapping: dict[Node, dict[str, tuple[str, ...]]] = {}
            for node, classes in pending.items():
                for cls in sorted(classes):
                    self.triples[ox.Triple(node, rdf_type, _n(cls))] = None
                    for native, exported in self.profile.described.get(cls, {}).items():
                        mapping.setdefault(node, {})[native] = (*mapping.get(node, {}).get(native, ()), *exported)
            iris = [n.value for n in mapping if isinstance(n, ox.NamedNode)]
            predicates = {p for m in mapping.values() for p in m}
            native = visible_triples(self.store, self.caller, iris, predicates, as_links=True)
            self._map(native, mapping)

    def result(self) -> list[ox.Triple]:
        self.describe_linked()
        return list(self.triples)


# ------------------------------------------------------------------------------------------ paging
@dataclass(frozen=True)
class Paging:
    page: int
    size: int

    @classmethod
    def of(cls, request: Request) -> Paging:
        """``?page=`` and ``?pageSize=`` of a request (400 with a clear message when out of range)."""
        values = []
        for name, default, top in (("page", 1, None), ("pageSize", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)):
            raw = request.query_params.get(name)
            try:
                value = default if raw is None else int(raw)
            except ValueError:
                value = 0
            if value < 1 or (top is not None and value > top):
                limit = f"1 到 {top}" if top else "正整数"
                raise HTTPException(400, f"参数 {name}=“{raw}” 无效：须为{limit} / invalid {name}: must be "
                                         + (f"an integer from 1 to {top}" if top else "a positive integer"))
            values.append(value)
        return cls(*values)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


class MemberIndex:
    """The IRIs of the members of a class a caller may see, sorted, remembered per state of the store.

    Oxigraph's ``ORDER BY`` compares decoded strings and is many times slower than fetching the members
    and sorting them here; a page is then a slice, and the count is exact by construction. The sorted list
    is kept (a few, most recent first) until the store changes (:meth:`yuanshu.store.GraphStore.generation`).
    """

    def __init__(self, keep: int = 16) -> None:
        self.keep = keep
        self._lists: OrderedDict[tuple[object, ...], list[str]] = OrderedDict()
        self._lock = Lock()

    def members(self, store: GraphStore, caller: Caller, cls: str) -> list[str]:
        key = (str(store.path), store.generation(), cls, caller)
        with self._lock:
            if key in self._lists:
                self._lists.move_to_end(key)
                return self._lists[key]
        every = f"{{ SELECT DISTINCT ?m WHERE {{ ?m a <{cls}> }} }}"
        rows = store.select(f"SELECT ?m WHERE {{ {every} {caller.guard('m')} }}")
        found = sorted(row["m"].value for row in rows)
        with self._lock:
            self._lists[key] = found
            while len(self._lists) > self.keep:
                self._lists.popitem(last=False)
        return found


MEMBERS = MemberIndex()


def _paged(export: Export, request: Request, collection: ox.NamedNode, total: int, paging: Paging) -> None:
    """``hydra:totalItems`` and the ``hydra:PartialCollectionView`` of this page with its neighbours."""
    last = max(1, ceil(total / paging.size))
    fmt = request.query_params.get("format")

    def view(page: int) -> ox.NamedNode:
        suffix = f"&format={fmt}" if fmt else ""
        return ox.NamedNode(f"{collection.value}?page={page}&pageSize={paging.size}{suffix}")

    here = view(paging.page)
    export.add(collection, RDF.type, _n(HYDRA + "Collection"))
    export.add(collection, HYDRA + "totalItems", ox.Literal(str(total), datatype=_n(XSD.nonNegativeInteger)))
    export.add(collection, HYDRA + "view", here)
    export.add(here, RDF.type, _n(HYDRA + "PartialCollectionView"))
    export.add(here, HYDRA + "first", view(1))
    export.add(here, HYDRA + "last", view(last))
    if paging.page > 1:
        export.add(here, HYDRA + "previous", view(min(paging.page - 1, last)))
    if paging.page < last:
        export.add(here, HYDRA + "next", view(paging.page + 1))


def _publisher(export: Export, runtime: Runtime) -> Node:
    """The catalog's publisher: the department named by ``catalog_publisher``, else an agent of that name."""
    name = runtime.settings.catalog_publisher
    literal = ox.Literal(name, language="zh")
    rows = runtime.store.select(f"""SELECT ?d WHERE {{ ?d a org:Organization ; skos:prefLabel {literal} .
                                    {export.caller.guard("d")} }} ORDER BY ?d LIMIT 1""")
    if rows:
        node = rows[0]["d"]
        assert isinstance(node, ox.NamedNode)
        return node
    node = ox.BlankNode("publisher")
    for predicate in (FOAF + "name", str(DCT.title)):
        export.add(node, predicate, literal)
    export.add(node, DCT.identifier, ox.Literal(name))
    return node


def _runtime(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


def _collection(request: Request, path: str, kind: str, members_of: str, member: str, profile: Profile,
                title: tuple[str, str], description: tuple[str, str],
                extra: tuple[tuple[str, ox.NamedNode], ...] = ()) -> Response:
    """One Hydra page of the collection at ``path`` (class ``kind``): the instances of ``members_of`` the
    caller may see, listed by the ``member`` property and exported through ``profile``."""
    representation = negotiate(request, RDF_FORMATS)
    paging = Paging.of(request)
    runtime, caller = _runtime(request), caller_of(request)
    node = ox.NamedNode(str(request.base_url) + path)
    everything = MEMBERS.members(runtime.store, caller, str(members_of))
    page = everything[paging.offset:paging.offset + paging.size]
    export = Export(runtime.store, caller, profile)
    export.add(node, RDF.type, _n(kind))
    for predicate, (zh, en) in ((DCT.title, title), (DCT.description, description)):
        export.add(node, predicate, ox.Literal(zh, language="zh"))
        export.add(node, predicate, ox.Literal(en, language="en"))
    export.add(node, DCT.publisher, _publisher(export, runtime))
    for predicate, value in extra:
        export.add(node, predicate, value)
    for iri in page:
        export.add(node, member, ox.NamedNode(iri))
    _paged(export, request, node, len(everything), paging)
    export.entities(page)
    return rdf_response(export.result(), representation)


@router.get("/catalog", summary="DCAT 数据目录 / DCAT catalog (DCAT-AP 3.0.1, Hydra-paged)")
def catalog(request: Request) -> Response:
    """调用者可见的数据集目录（DCAT-AP 3.0.1），按页提供 / the datasets the caller may see, one page at a time.

    参数 / parameters: `page`（从 1 起 / from 1）, `pageSize`（默认 100，最大 1000 / default 100, at most 1000）,
    `format` = ttl | jsonld | rdfxml | nt（或 Accept 头 / or the Accept header）.
    """
    base = str(request.base_url)
    return _collection(
        request, "catalog", DCAT.Catalog, DCAT.Dataset, DCAT.dataset, DCAT_AP,
        ("源数公共数据目录", "Yuanshu public data catalogue"),
        ("调用者可见的数据集及其分发、发布机构与主题（DCAT-AP 3.0.1），按页提供。",
         "The datasets the caller may see, with their distributions, publishers and themes (DCAT-AP 3.0.1), "
         "one Hydra page at a time."),
        extra=((FOAF + "homepage", ox.NamedNode(base)), (DCT.language, ox.NamedNode(EU_LANGUAGE_ZHO)),
               (DCAT.themeTaxonomy, _n(CODE.theme)), (RDFS.seeAlso, ox.NamedNode(base + "catalog/services"))))


@router.get("/catalog/services", summary="政务服务事项目录 / public services (CPSV-AP 3.2.0, Hydra-paged)")
def services(request: Request) -> Response:
    """政务服务事项（CPSV-AP 3.2.0 的 cpsv:PublicService），按页提供 / public service items, one page at a time.

    参数同 /catalog / same parameters as /catalog.
    """
    return _collection(
        request, "catalog/services", DCAT.Dataset, CPSV.PublicService, DCT.hasPart, CPSV_AP,
        ("政务服务事项目录", "Public service catalogue"),
        ("政务服务事项实施清单中的事项（CPSV-AP 3.2.0），按页提供。",
         "The service items of the implementation lists (CPSV-AP 3.2.0), one Hydra page at a time."))

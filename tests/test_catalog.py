"""The DCAT catalog (/catalog) and the public services (/catalog/services) of the real demo server.

Every visible dataset is listed exactly once across the Hydra pages, and for an anonymous caller those are
exactly the demo's open datasets (无条件开放 / 有条件开放, read from the demo generator itself); the output
parses in every format and conforms to the official DCAT-AP 3.0.1 and CPSV-AP 3.2.0 SHACL shapes.
"""

from __future__ import annotations

import re

import httpx
import pytest
from pyshacl import validate
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, SH, SKOS

from ontology.iri import IriMinter
from ontology.namespaces import CPSV, CV, DCAT, EU_ACCESS, YS
from tests.conftest import ADMIN_TOKEN, STAFF_TOKEN, Server, auth, shared_path
from yuanshu.demo import catalog as demo_catalog
from yuanshu.demo.names import AREAS
from yuanshu.demo.registry import DemoPlan
from yuanshu.published import REFERENCE_LITERALS

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")


# ------------------------------------------------------------------------------------------ helpers
def demo_datasets() -> tuple[set[str], set[str]]:
    """(IRIs of the demo's open datasets, IRIs of all its datasets), from the generator's own rows."""
    plan, minter = DemoPlan(20211, 1.0), IriMinter("http://127.0.0.1:8000/id/")
    open_, every = set(), set()
    for area in AREAS:
        for row in demo_catalog.catalog_rows(plan, area, cells=area.name == "市直"):
            every.add(minter.dataset(row.code))
            if row.values[demo_catalog.COLUMNS.index("开放类型")] in ("无条件开放", "有条件开放"):
                open_.add(minter.dataset(row.code))
    return open_, every


def get_graph(url: str, headers: dict[str, str] | None = None, media: str = "text/turtle") -> Graph:
    response = httpx.get(url, headers={"Accept": media, **(headers or {})}, timeout=120)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media)
    return Graph().parse(data=response.content, format=media)  # rdflib names its parsers by media type too


def walk(server: Server, path: str, member: URIRef, *, token: str | None = None,
         page_size: int = 400) -> tuple[list[Graph], list[str], int]:
    """Follow ``hydra:next`` from the first page: (the pages, the members they list in order, totalItems)."""
    collection = URIRef(f"{server.url}{path}")
    url: str | None = f"{server.url}{path}?pageSize={page_size}"
    pages, members, totals = [], [], set()
    while url:
        page = get_graph(url, auth(token) if token else None)
        pages.append(page)
        members += [str(m) for m in page.objects(collection, member)]
        totals.add(int(page.value(collection, HYDRA.totalItems)))
        view = page.value(collection, HYDRA.view)
        assert (view, RDF.type, HYDRA.PartialCollectionView) in page
        assert page.value(view, HYDRA.first) is not None and page.value(view, HYDRA.last) is not None
        following = page.value(view, HYDRA.next)
        url = str(following) if following is not None else None
        assert len(pages) <= 50, "paging does not end"
    assert len(totals) == 1, "hydra:totalItems must be the same on every page"
    return pages, members, totals.pop()


@pytest.fixture(scope="module")
def anonymous_catalog(demo_server: Server) -> tuple[list[Graph], list[str], int]:
    return walk(demo_server, "/catalog", DCAT.dataset)


@pytest.fixture(scope="module")
def admin_catalog(demo_server: Server) -> tuple[list[Graph], list[str], int]:
    return walk(demo_server, "/catalog", DCAT.dataset, token=ADMIN_TOKEN, page_size=1000)


def conformance_shapes(*parts: str) -> Graph:
    """Official shapes from ../shared/conformance, without the property shapes the files only refer to.

    The DCAT-AP range file points at property shapes that live in the mdr-vocabularies part (EU authority
    tables imported over the network), which ../shared leaves out (DESIGN.md "Validation offline").
    """
    shapes = Graph()
    for part in parts:
        shapes.parse(shared_path("conformance", *part.split("/")))
    for shape, prop in list(shapes.subject_objects(SH.property)):
        if shapes.value(prop, SH.path) is None:
            shapes.remove((shape, SH.property, prop))
    return shapes


def dcat_ap_shapes() -> Graph:
    return conformance_shapes("dcat-ap-3.0.1/dcat-ap-SHACL.ttl", "dcat-ap-3.0.1/ranges.ttl")


def violations(data: Graph, shapes: Graph) -> tuple[bool, set[tuple[str, str]]]:
    """(conforms, {(focus node, result path)} of the violations)."""
    conforms, report, _ = validate(data, shacl_graph=shapes)
    found = {(str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultPath)))
             for r in report.subjects(RDF.type, SH.ValidationResult)}
    return bool(conforms), found


# ------------------------------------------------------------------------------------------ membership
def test_anonymous_catalog_lists_exactly_the_open_datasets_once(anonymous_catalog, admin_catalog) -> None:
    pages, members, total = anonymous_catalog
    open_, every = demo_datasets()
    assert len(pages) > 1, "the scale-1 demo spans several pages"
    assert len(members) == len(set(members)) == total, "every dataset exactly once across the pages"
    assert set(members) == open_
    assert members == sorted(members), "stable order: by IRI"
    _, admin_members, admin_total = admin_catalog
    assert len(admin_members) == len(set(admin_members)) == admin_total
    assert set(admin_members) == every
    assert total < admin_total


def test_open_means_public_or_restricted_access_rights(admin_catalog) -> None:
    pages, members, _ = admin_catalog
    open_, _ = demo_datasets()
    rights = {str(d): str(r) for page in pages for d, r in page.subject_objects(DCTERMS.accessRights)}
    assert {d for d in members if rights[d] in (str(EU_ACCESS.PUBLIC), str(EU_ACCESS.RESTRICTED))} == open_
    assert {rights[d] for d in members} == {str(EU_ACCESS[r]) for r in ("PUBLIC", "RESTRICTED", "NON_PUBLIC")}


def test_staff_see_more_than_the_public_and_less_than_an_administrator(demo_server, anonymous_catalog,
                                                                        admin_catalog) -> None:
    staff = get_graph(f"{demo_server.url}/catalog?pageSize=1", auth(STAFF_TOKEN))
    staff_total = int(staff.value(URIRef(f"{demo_server.url}/catalog"), HYDRA.totalItems))
    assert anonymous_catalog[2] < staff_total < admin_catalog[2]


def test_hidden_datasets_and_their_parts_appear_nowhere_for_the_public(anonymous_catalog) -> None:
    pages, _, _ = anonymous_catalog
    open_, every = demo_datasets()
    hidden = every - open_
    mentioned = {str(term) for page in pages for triple in page for term in triple if isinstance(term, URIRef)}
    leaks = {iri for iri in mentioned if iri in hidden or iri.rsplit("/", 2)[0] in hidden}
    assert not leaks
    references = {YS[name] for name in REFERENCE_LITERALS}
    assert not any(p in references for page in pages for p in page.predicates()), "reference literals"


def test_distributions_follow_the_data_audience(demo_server, anonymous_catalog) -> None:
    """有条件开放: the public sees the metadata and requests the data; staff get the distributions."""
    pages, _, _ = anonymous_catalog
    rights = {d: r for page in pages for d, r in page.subject_objects(DCTERMS.accessRights)}
    with_data = {d for page in pages for d in page.subjects(DCAT.distribution, None)}
    assert with_data, "open datasets come with their distributions"
    assert {rights[d] for d in with_data} == {EU_ACCESS.PUBLIC}
    assert {d for d, r in rights.items() if r == EU_ACCESS.RESTRICTED} - with_data, "有条件开放 listed, no data"
    staff = get_graph(f"{demo_server.url}/catalog?pageSize=1000", auth(STAFF_TOKEN))
    restricted = set(staff.subjects(DCTERMS.accessRights, EU_ACCESS.RESTRICTED))
    assert restricted and any(staff.value(d, DCAT.distribution) is not None for d in restricted)


# ------------------------------------------------------------------------------------------ formats, errors
@pytest.mark.parametrize("media", ["application/ld+json", "application/rdf+xml", "application/n-triples"])
def test_every_format_gives_the_same_graph(demo_server: Server, media: str) -> None:
    url = f"{demo_server.url}/catalog?pageSize=20&page=2"
    turtle = get_graph(url)
    other = get_graph(url, media=media)
    assert len(turtle) > 200
    assert set(other) == set(turtle)


def test_format_parameter_overrides_accept(demo_server: Server) -> None:
    response = httpx.get(f"{demo_server.url}/catalog?pageSize=5&format=jsonld", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    assert len(Graph().parse(data=response.content, format="json-ld")) > 50
    browser = httpx.get(f"{demo_server.url}/catalog?pageSize=5",
                        headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert browser.headers["content-type"].startswith("text/turtle")


@pytest.mark.parametrize(("query", "headers", "status", "says"), [
    ("", {"Accept": "image/png"}, 406, "text/turtle"),
    ("?format=xml", {}, 400, "rdfxml"),
    ("?page=0", {}, 400, "page"),
    ("?page=abc", {}, 400, "page"),
    ("?pageSize=100000", {}, 400, "1000"),
])
def test_bad_requests_get_clear_errors(demo_server: Server, query: str, headers: dict[str, str], status: int,
                                       says: str) -> None:
    for path in ("/catalog", "/catalog/services"):
        response = httpx.get(f"{demo_server.url}{path}{query}", headers=headers)
        assert response.status_code == status
        message = response.json()["error"]
        assert says in message
        chinese, _, english = message.partition(" / ")
        assert re.search("[\u4e00-\u9fff]", chinese) and english.isascii() and english, "中文 / English"


def test_a_page_past_the_end_is_empty_not_an_error(demo_server: Server, anonymous_catalog) -> None:
    collection = URIRef(f"{demo_server.url}/catalog")
    page = get_graph(f"{demo_server.url}/catalog?page=999&pageSize=100")
    assert list(page.objects(collection, DCAT.dataset)) == []
    assert int(page.value(collection, HYDRA.totalItems)) == anonymous_catalog[2]
    view = page.value(collection, HYDRA.view)
    assert str(page.value(view, HYDRA.previous)) == str(page.value(view, HYDRA.last))


# ------------------------------------------------------------------------------------------ DCAT-AP 3.0.1
def test_catalog_conforms_to_dcat_ap(demo_server: Server) -> None:
    shapes = dcat_ap_shapes()
    catalog = URIRef(f"{demo_server.url}/catalog")
    for headers in (None, auth(ADMIN_TOKEN)):
        page = get_graph(f"{demo_server.url}/catalog?pageSize=150&page=2", headers)
        assert len(list(page.objects(catalog, DCAT.dataset))) == 150
        conforms, found = violations(page, shapes)
        assert conforms, sorted(found)[:10]


def test_a_broken_copy_of_the_catalog_fails_dcat_ap(demo_server: Server) -> None:
    """The validation can fail: a dataset without a description, a publisher without a name."""
    page = get_graph(f"{demo_server.url}/catalog?pageSize=30")
    dataset = next(iter(page.objects(URIRef(f"{demo_server.url}/catalog"), DCAT.dataset)))
    publisher = page.value(dataset, DCTERMS.publisher)
    page.remove((dataset, DCTERMS.description, None))
    page.remove((publisher, FOAF.name, None))
    conforms, found = violations(page, dcat_ap_shapes())
    assert not conforms
    assert {(str(dataset), str(DCTERMS.description)), (str(publisher), str(FOAF.name))} <= found


def test_catalog_uses_the_dcat_ap_shapes_of_things(demo_server: Server) -> None:
    catalog = URIRef(f"{demo_server.url}/catalog")
    page = get_graph(f"{demo_server.url}/catalog?pageSize=100", auth(ADMIN_TOKEN))
    assert {t.language for t in page.objects(catalog, DCTERMS.title)} == {"zh", "en"}
    assert (page.value(catalog, FOAF.homepage), RDF.type, FOAF.Document) in page
    assert (page.value(catalog, DCTERMS.publisher), RDF.type, FOAF.Agent) in page
    datasets = list(page.objects(catalog, DCAT.dataset))
    themes = {t for d in datasets for t in page.objects(d, DCAT.theme)}
    distributions = {x for d in datasets for x in page.objects(d, DCAT.distribution)}
    formats = {f for x in distributions for f in page.objects(x, DCTERMS["format"])}
    assert len(datasets) == 100 and themes and distributions and formats
    for theme in themes:
        assert (theme, RDF.type, SKOS.Concept) in page
        assert (page.value(theme, SKOS.inScheme), RDF.type, SKOS.ConceptScheme) in page
    for distribution in distributions:
        assert page.value(distribution, DCAT.accessURL) is not None
    for fmt in formats:
        assert (fmt, RDF.type, DCTERMS.MediaTypeOrExtent) in page
    for dataset in datasets:
        assert page.value(dataset, DCTERMS.description) is not None
        assert str(page.value(dataset, DCTERMS.accrualPeriodicity)).startswith(
            "http://publications.europa.eu/resource/authority/frequency/")


# ------------------------------------------------------------------------------------------ CPSV-AP 3.2.0
def test_services_are_public_services_conforming_to_cpsv_ap(demo_server: Server) -> None:
    collection = URIRef(f"{demo_server.url}/catalog/services")
    page = get_graph(f"{demo_server.url}/catalog/services?pageSize=200&page=3")
    items = list(page.objects(collection, DCTERMS.hasPart))
    assert len(items) == 200
    for item in items:
        assert (item, RDF.type, CPSV.PublicService) in page
        assert (page.value(item, CV.hasCompetentAuthority), RDF.type, CV.PublicOrganisation) in page
    shapes = conformance_shapes("cpsv-ap-3.2.0/cpsv-ap-SHACL.ttl")
    conforms, found = violations(page, shapes)
    assert conforms, sorted(found)[:10]
    authority = page.value(items[0], CV.hasCompetentAuthority)
    page.remove((authority, DCTERMS.spatial, None))
    page.add((items[0], DCTERMS.title, Literal("没有语言标记的名称")))  # CPSV-AP wants rdf:langString
    conforms, found = violations(page, shapes)
    assert not conforms
    assert {(str(authority), str(DCTERMS.spatial)), (str(items[0]), str(DCTERMS.title))} <= found


def test_every_public_service_is_listed_once(demo_server: Server) -> None:
    _, members, total = walk(demo_server, "/catalog/services", DCTERMS.hasPart, page_size=1000)
    assert len(members) == len(set(members)) == total > 4000
    admin = get_graph(f"{demo_server.url}/catalog/services?pageSize=1", auth(ADMIN_TOKEN))
    collection = URIRef(f"{demo_server.url}/catalog/services")
    assert int(admin.value(collection, HYDRA.totalItems)) == total, "service items are public"

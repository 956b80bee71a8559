"""Entity IRIs dereference on the real demo server: RDF for machines, a Chinese-first page for browsers.

What the caller may not see answers exactly like what does not exist (404, same body), and links to hidden
entities are left out of the descriptions and pages of visible ones.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import httpx
import pytest
from rdflib import FOAF, RDF, Graph, URIRef

from ontology.namespaces import DCAT, DCT, EU_ACCESS, PROV, SKOS, YS
from tests.conftest import ADMIN_TOKEN, STAFF_TOKEN, Server, auth
from yuanshu.published import REFERENCE_LITERALS

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def url_of(server: Server, iri: object) -> str:
    """Where the server answers an entity IRI (minted under the default base, served under /id/)."""
    return server.url + urlsplit(str(iri)).path


def fetch(server: Server, iri: object, accept: str = "text/turtle", token: str | None = None,
          query: str = "") -> httpx.Response:
    headers = {"Accept": accept, **(auth(token) if token else {})}
    return httpx.get(url_of(server, iri) + query, headers=headers, timeout=60)


def described(server: Server, iri: object, token: str | None = None, accept: str = "text/turtle") -> Graph:
    response = fetch(server, iri, accept, token)
    assert response.status_code == 200, (iri, response.text)
    assert response.headers["content-type"].startswith(accept)
    return Graph().parse(data=response.content, format=accept)  # rdflib names its parsers by media type too


@pytest.fixture(scope="module")
def everything(demo_server: Server) -> Graph:
    """The administrator's view of the catalog (every dataset, with its links) and of some services."""
    graph = Graph()
    for path in ("/catalog?pageSize=1000&page=1", "/catalog?pageSize=1000&page=2", "/catalog/services?pageSize=400"):
        response = httpx.get(demo_server.url + path, headers=auth(ADMIN_TOKEN), timeout=120)
        assert response.status_code == 200
        graph.parse(data=response.content, format="turtle")
    return graph


def with_access(graph: Graph, right: str) -> list[URIRef]:
    return sorted(graph.subjects(DCT.accessRights, EU_ACCESS[right]))


@pytest.fixture(scope="module")
def hidden(everything: Graph) -> set[URIRef]:
    return set(with_access(everything, "NON_PUBLIC"))


def test_an_open_dataset_is_described_with_the_labels_of_what_it_links_to(demo_server, everything) -> None:
    dataset = next(d for d in with_access(everything, "PUBLIC") if everything.value(d, DCAT.distribution))
    graph = described(demo_server, dataset)
    assert (dataset, RDF.type, DCAT.Dataset) in graph
    assert graph.value(dataset, DCT.title) == everything.value(dataset, DCT.title)
    publisher = graph.value(dataset, DCT.publisher)
    assert graph.value(publisher, SKOS.prefLabel) is not None, "the linked department's name comes along"
    assert (dataset, DCAT.distribution, everything.value(dataset, DCAT.distribution)) in graph
    assert not {YS[name] for name in REFERENCE_LITERALS} & set(graph.predicates())
    for media in ("application/ld+json", "application/rdf+xml", "application/n-triples"):
        assert set(described(demo_server, dataset, accept=media)) == set(graph)


def test_a_browser_gets_a_chinese_page_with_links_to_linked_entities(demo_server, everything) -> None:
    dataset = with_access(everything, "PUBLIC")[0]
    response = fetch(demo_server, dataset, BROWSER)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert 'lang="zh-CN"' in page and str(everything.value(dataset, DCT.title)) in page
    assert "发布机构" in page and "数据集" in page
    publisher = everything.value(dataset, DCT.publisher)
    link = f'href="{urlsplit(str(publisher)).path}"'
    assert link in page
    publisher_page = fetch(demo_server, publisher, BROWSER)
    assert publisher_page.status_code == 200
    assert str(everything.value(publisher, FOAF.name)) in publisher_page.text


def test_hidden_and_unknown_entities_get_the_same_404(demo_server, everything, hidden) -> None:
    secret = sorted(hidden)[0]
    system = next(iter(everything.objects(None, YS.sourceSystem)))
    staff_data = next(everything.value(d, DCAT.distribution) for d in with_access(everything, "RESTRICTED")
                      if everything.value(d, DCAT.distribution) is not None)
    secret_data = next(x for d in sorted(hidden) for x in everything.objects(d, DCAT.distribution))
    unknown = str(secret).rsplit("/", 1)[0] + "/NO-SUCH-DATASET"
    answers = []
    for iri in (secret, secret_data, system, staff_data, unknown):
        for accept in ("text/turtle", BROWSER):
            response = fetch(demo_server, iri, accept)
            answers.append((response.status_code, response.content))
    assert set(answers) == {(404, answers[0][1])}, "no difference between hidden and absent"
    assert fetch(demo_server, unknown, token=ADMIN_TOKEN).status_code == 404
    assert fetch(demo_server, secret, token=ADMIN_TOKEN).status_code == 200
    assert fetch(demo_server, secret_data, token=ADMIN_TOKEN).status_code == 200
    assert fetch(demo_server, system, token=STAFF_TOKEN).status_code == 200
    assert fetch(demo_server, staff_data, token=STAFF_TOKEN).status_code == 200


def test_links_to_hidden_entities_are_left_out(demo_server, everything, hidden) -> None:
    dataset = next(d for d in with_access(everything, "PUBLIC")
                   if set(everything.objects(d, PROV.wasDerivedFrom)) & hidden
                   and everything.value(d, YS.sourceSystem) is not None)
    secret = next(iter(set(everything.objects(dataset, PROV.wasDerivedFrom)) & hidden))
    public = described(demo_server, dataset)
    assert (dataset, PROV.wasDerivedFrom, secret) not in public
    assert secret not in {o for _, _, o in public}
    assert public.value(dataset, YS.sourceSystem) is None, "systems are for staff"
    page = fetch(demo_server, dataset, BROWSER).text
    assert urlsplit(str(secret)).path not in page and str(secret) not in page
    admin = described(demo_server, dataset, ADMIN_TOKEN)
    assert (dataset, PROV.wasDerivedFrom, secret) in admin
    assert admin.value(dataset, YS.sourceSystem) is not None


def test_a_service_page_omits_the_hidden_datasets_it_uses(demo_server, everything, hidden) -> None:
    service = next(s for s in everything.subjects(YS.usesDataset, None)
                   if set(everything.objects(s, YS.usesDataset)) & hidden)
    secrets = set(everything.objects(service, YS.usesDataset)) & hidden
    public = described(demo_server, service)
    assert not secrets & {o for _, _, o in public}
    page = fetch(demo_server, service, BROWSER).text
    assert not any(urlsplit(str(s)).path in page for s in secrets)
    assert secrets <= set(described(demo_server, service, ADMIN_TOKEN).objects(service, YS.usesDataset))


def test_negotiation_override_and_errors(demo_server, everything) -> None:
    dataset = with_access(everything, "PUBLIC")[0]
    forced = fetch(demo_server, dataset, BROWSER, query="?format=nt")
    assert forced.status_code == 200 and forced.headers["content-type"].startswith("application/n-triples")
    weighted = fetch(demo_server, dataset, "application/rdf+xml;q=0.5, application/ld+json")
    assert weighted.headers["content-type"].startswith("application/ld+json")
    assert "Accept" in weighted.headers["vary"]
    refused = fetch(demo_server, dataset, "image/png")
    assert refused.status_code == 406 and "text/turtle" in refused.json()["error"]
    bad = fetch(demo_server, dataset, query="?format=pdf")
    assert bad.status_code == 400 and "ttl" in bad.json()["error"]


def test_iris_with_chinese_segments_resolve_however_the_path_is_spelt(demo_server, everything) -> None:
    area = next(a for a in everything.subjects(RDF.type, DCT.Location) if "%" in str(a))
    path = urlsplit(str(area)).path
    lower_hex = re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), path)
    for spelling in (path, lower_hex, unquote(path)):  # as minted, lower-case escapes, raw UTF-8 characters
        response = httpx.get(demo_server.url + spelling, headers={"Accept": "text/turtle"})
        assert response.status_code == 200, spelling
        assert (area, RDF.type, DCT.Location) in Graph().parse(data=response.content, format="turtle")

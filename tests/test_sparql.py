"""The SPARQL 1.1 Protocol endpoint, driven by a real client (SPARQLWrapper) against the demo server."""

from __future__ import annotations

import time
import urllib.error

import httpx
import pytest
from rdflib import Graph
from SPARQLWrapper import JSON, POST, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from tests.conftest import ADMIN_TOKEN, Server, auth

OPEN = "code:open-type-unconditional, code:open-type-conditional"
PREFIXES = """PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX dct: <http://purl.org/dc/terms/>
PREFIX ys: <https://w3id.org/yuanshu/ns#> PREFIX code: <https://w3id.org/yuanshu/code/>
PREFIX prov: <http://www.w3.org/ns/prov#> """


def client(server: Server, token: str | None = None) -> SPARQLWrapper:
    wrapper = SPARQLWrapper(f"{server.url}/sparql")
    if token:
        wrapper.addCustomHttpHeader("Authorization", f"Bearer {token}")
    return wrapper


def count(server: Server, where: str, token: str | None = None) -> int:
    sparql = client(server, token)
    sparql.setQuery(f"{PREFIXES} SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}")
    sparql.setReturnFormat(JSON)
    result = sparql.queryAndConvert()
    return int(result["results"]["bindings"][0]["n"]["value"])


def test_anonymous_callers_see_exactly_the_open_datasets(demo_server: Server) -> None:
    visible = count(demo_server, "?x a dcat:Dataset")
    all_datasets = count(demo_server, "?x a dcat:Dataset", ADMIN_TOKEN)
    open_datasets = count(demo_server, f"?x a dcat:Dataset ; dct:accessRights ?r FILTER(?r IN ({OPEN}))", ADMIN_TOKEN)
    assert 0 < visible == open_datasets < all_datasets
    assert count(demo_server, "?x a dcat:Dataset ; dct:accessRights code:open-type-closed") == 0
    assert count(demo_server, "?x a ys:InformationSystem") == 0 < count(demo_server, "?x a ys:InformationSystem",
                                                                        ADMIN_TOKEN)
    assert count(demo_server, "?x a ys:LoadRun") == 0
    assert count(demo_server, "?x a <http://purl.org/vocab/cpsv#PublicService>") > 0


def test_a_hidden_dataset_is_not_even_mentioned(demo_server: Server) -> None:
    sparql = client(demo_server, ADMIN_TOKEN)
    sparql.setQuery(f"{PREFIXES} SELECT ?d WHERE {{ ?d a dcat:Dataset ; dct:accessRights code:open-type-closed ;"
                    " ^prov:wasDerivedFrom|^ys:usesDataset ?user } LIMIT 5")
    sparql.setReturnFormat(JSON)
    hidden = [b["d"]["value"] for b in sparql.queryAndConvert()["results"]["bindings"]]
    assert hidden, "the demo data links to closed datasets"
    for iri in hidden:
        ask = client(demo_server)
        ask.setQuery(f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}")
        ask.setReturnFormat(JSON)
        assert ask.queryAndConvert()["boolean"] is False


def test_xml_results_equal_json_results(demo_server: Server) -> None:
    query = f"{PREFIXES} SELECT ?d ?t WHERE {{ ?d a dcat:Dataset ; dct:title ?t }} ORDER BY ?d LIMIT 20"
    as_json = client(demo_server)
    as_json.setQuery(query)
    as_json.setReturnFormat(JSON)
    rows = [(b["d"]["value"], b["t"]["value"]) for b in as_json.queryAndConvert()["results"]["bindings"]]
    as_xml = client(demo_server)
    as_xml.setQuery(query)
    as_xml.setReturnFormat(XML)
    document = as_xml.queryAndConvert()
    ns = "http://www.w3.org/2005/sparql-results#"
    xml_rows = []
    for result in document.getElementsByTagNameNS(ns, "result"):
        values = {b.getAttribute("name"): b.firstChild.firstChild.nodeValue
                  for b in result.getElementsByTagNameNS(ns, "binding")}
        xml_rows.append((values["d"], values["t"]))
    assert len(rows) == 20 and xml_rows == rows
    assert any("\u4e00" <= ch <= "\u9fff" for _, title in rows for ch in title)


def test_construct_returns_turtle(demo_server: Server) -> None:
    sparql = client(demo_server)
    sparql.setQuery(f"{PREFIXES} CONSTRUCT {{ ?d dct:title ?t }} WHERE {{ ?d a dcat:Dataset ; dct:title ?t }} LIMIT 7")
    sparql.setReturnFormat(TURTLE)
    graph = Graph().parse(data=sparql.queryAndConvert(), format="turtle")
    assert len(graph) == 7


def test_updates_are_refused(demo_server: Server) -> None:
    sparql = client(demo_server)
    sparql.setMethod(POST)
    sparql.setQuery("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)) as refused:
        sparql.query()
    assert "403" in str(refused.value) or "read-only" in str(refused.value)
    response = httpx.post(f"{demo_server.url}/sparql", content="DROP ALL",
                          headers={"Content-Type": "application/sparql-update", **auth(ADMIN_TOKEN)})
    assert response.status_code == 403 and "只读" in response.json()["error"]
    assert count(demo_server, "?x a dcat:Dataset", ADMIN_TOKEN) > 0


def test_a_runaway_query_is_stopped_by_the_time_limit(demo_server: Server) -> None:
    started = time.monotonic()
    response = httpx.get(f"{demo_server.url}/sparql", timeout=60, params={
        "query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
    assert response.status_code == 503
    assert "时限" in response.json()["error"]
    assert time.monotonic() - started < 30
    assert count(demo_server, "?x a dcat:Dataset") > 0, "the endpoint answers again after a stopped query"


@pytest.mark.parametrize("query", ["SELEKT * WHERE { ?s ?p ?o }", ""])
def test_bad_queries_get_a_400_with_a_message(demo_server: Server, query: str) -> None:
    response = httpx.get(f"{demo_server.url}/sparql", params={"query": query})
    assert response.status_code == 400
    assert response.json()["error"]


def test_an_unknown_token_is_refused(demo_server: Server) -> None:
    response = httpx.get(f"{demo_server.url}/sparql", params={"query": "ASK {}"}, headers=auth("nope"))
    assert response.status_code == 401


@pytest.mark.parametrize(("accept", "fmt", "media"), [
    ("text/csv;q=0.5, application/sparql-results+xml", None, "application/sparql-results+xml"),
    ("text/tab-separated-values", None, "text/tab-separated-values"),
    ("*/*", None, "application/sparql-results+json"),
    ("text/html, image/png", None, "application/sparql-results+json"),  # nothing offered: the default
    ("application/sparql-results+xml", "csv", "text/csv"),  # ?format= wins over Accept
])
def test_result_formats_follow_accept_and_format(demo_server: Server, accept: str, fmt: str | None,
                                                 media: str) -> None:
    params = {"query": "SELECT ?x WHERE { VALUES ?x { 1 } }", **({"format": fmt} if fmt else {})}
    response = httpx.get(f"{demo_server.url}/sparql", params=params, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media)


def test_graph_formats_follow_accept(demo_server: Server) -> None:
    query = "CONSTRUCT { <urn:a> <urn:b> 1 } WHERE {}"
    response = httpx.get(f"{demo_server.url}/sparql", params={"query": query},
                         headers={"Accept": "text/turtle;q=0.2, application/n-triples"})
    assert response.headers["content-type"].startswith("application/n-triples")
    assert len(Graph().parse(data=response.text, format="nt")) == 1
    unknown = httpx.get(f"{demo_server.url}/sparql", params={"query": query, "format": "yaml"})
    assert unknown.status_code == 400 and "format" in unknown.json()["error"]

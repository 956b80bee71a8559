"""The search API against the real demo server (scale-1 Heyuan demo, indexed by ``yuanshu demo``).

Counts are checked against the graph itself: SPARQL ``COUNT`` queries sent to ``/sparql`` as an
administrator (the whole store), restricted to the public audience where the search is anonymous.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import ADMIN_TOKEN, STAFF_TOKEN, Server, auth

PUBLIC = "<https://w3id.org/yuanshu/code/audience-public>"
# facet → the dataset property it counts (one SPARQL pattern per facet)
FACET_PATHS = {"publisher": "dct:publisher", "area": "ys:area", "theme": "dcat:theme", "open_type": "dct:accessRights",
               "sharing_type": "ys:sharingType", "frequency": "dct:accrualPeriodicity",
               "format": "dcat:distribution/dct:title"}


def search(server: Server, token: str | None = None, **params: Any) -> dict[str, Any]:
    response = httpx.get(f"{server.url}/api/search", params=params, headers=auth(token) if token else {},
                         timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def sparql(server: Server, query: str) -> list[dict[str, str]]:
    prefixes = ("PREFIX dct: <http://purl.org/dc/terms/> PREFIX dcat: <http://www.w3.org/ns/dcat#> "
                "PREFIX ys: <https://w3id.org/yuanshu/ns#> ")
    response = httpx.post(f"{server.url}/sparql", data={"query": prefixes + query}, timeout=60,
                          headers={**auth(ADMIN_TOKEN), "Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


def graph_counts(server: Server, facet: str, filters: dict[str, str], public_only: bool) -> dict[str, int]:
    """Datasets per value of ``facet`` under ``filters`` (facet → value), counted by SPARQL."""
    patterns = [f"?d {FACET_PATHS[f]} {_term(f, v)} ." for f, v in filters.items()]
    if public_only:
        patterns.append(f"?d ys:audience {PUBLIC} .")
    rows = sparql(server, f"SELECT ?v (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d a dcat:Dataset ; "
                          f"{FACET_PATHS[facet]} ?v . {' '.join(patterns)} }} GROUP BY ?v")
    return {r["v"]: int(r["n"]) for r in rows}


def _term(facet: str, value: str) -> str:
    return f'"{value}"@zh' if facet == "format" else f"<{value}>"


def facet_counts(result: dict[str, Any], facet: str) -> dict[str, int]:
    return {item["value"]: item["count"] for item in result["facets"][facet]["items"]}


def titles(result: dict[str, Any]) -> list[str]:
    return [r["title"] for r in result["results"]]


# ----------------------------------------------------------------------------------------------- Chinese
def test_segmentation_finds_longer_titles(demo_server: Server) -> None:
    found = titles(search(demo_server, q="不动产登记", type="dataset", size=20))
    assert "不动产登记信息" in found and all("不动产" in t for t in found[:5])


def test_synonyms_find_the_full_name(demo_server: Server) -> None:
    found = titles(search(demo_server, q="社保", type="dataset", size=20))
    assert any(t.startswith("社会保险") for t in found[:5])


def test_traditional_input_finds_the_same(demo_server: Server) -> None:
    traditional = search(demo_server, q="社會保險", size=50)
    simplified = search(demo_server, q="社会保险", size=50)
    assert traditional["total"] == simplified["total"] > 0
    assert [r["iri"] for r in traditional["results"]] == [r["iri"] for r in simplified["results"]]


def test_mixed_chinese_and_english(demo_server: Server) -> None:
    assert titles(search(demo_server, q="A级景区", type="dataset"))[0] == "A级旅游景区信息"
    assert titles(search(demo_server, q="12345 工单", type="dataset"))[0].startswith("12345热线工单")


def test_english_words_with_typos(demo_server: Server) -> None:
    exact = search(demo_server, q="education", type="dataset", facets="theme")
    typo = search(demo_server, q="educaton", type="dataset", facets="theme")
    assert exact["total"] == typo["total"] > 0
    assert set(facet_counts(typo, "theme")) == {"https://w3id.org/yuanshu/code/theme-education"}


def test_pinyin_initials_suggest_the_name(demo_server: Server) -> None:
    response = httpx.get(f"{demo_server.url}/api/search/suggest", params={"q": "gjj"})
    assert response.status_code == 200
    suggestions = [s["text"] for s in response.json()["suggestions"]]
    assert suggestions and all("公积金" in s for s in suggestions)


def test_highlights(demo_server: Server) -> None:
    result = search(demo_server, q="社保", highlight="true", type="dataset", size=3)
    assert "<em>社会保险</em>" in result["results"][0]["highlights"]["title"]


# ----------------------------------------------------------------------------------------- who sees what
def all_results(server: Server, token: str | None = None, **params: Any) -> list[dict[str, Any]]:
    out, page = [], 1
    while True:
        result = search(server, token, size=100, page=page, sort="title_asc", **params)
        out += result["results"]
        if len(out) >= result["total"]:
            return out
        page += 1


def test_anonymous_callers_never_see_non_open_datasets(demo_server: Server) -> None:
    public = {r["d"] for r in sparql(demo_server, f"SELECT ?d WHERE {{ ?d a dcat:Dataset ; ys:audience {PUBLIC} }}")}
    every = {r["d"] for r in sparql(demo_server, "SELECT ?d WHERE { ?d a dcat:Dataset }")}
    assert public < every  # the demo has datasets the public may not see
    listed = all_results(demo_server, type="dataset")
    assert {r["iri"] for r in listed} == public and len(listed) == len(public)
    counts = search(demo_server, type="dataset", facets="open_type,sharing_type", size=0)
    assert counts["total"] == len(public)
    assert set(facet_counts(counts, "open_type")) <= {"https://w3id.org/yuanshu/code/open-type-unconditional",
                                                      "https://w3id.org/yuanshu/code/open-type-conditional"}
    hidden_titles = {r["t"] for r in sparql(demo_server, f"SELECT ?t WHERE {{ ?d a dcat:Dataset ; dct:title ?t "
                                                         f"FILTER NOT EXISTS {{ ?d ys:audience {PUBLIC} }} }}")}
    hidden_iris = every - public
    for title in sorted(hidden_titles)[:15]:
        anonymous = httpx.get(f"{demo_server.url}/api/search/suggest", params={"q": title, "limit": 50}).json()
        assert not {s["iri"] for s in anonymous["suggestions"]} & hidden_iris
        assert not {r["iri"] for r in search(demo_server, q=title, size=100)["results"]} & hidden_iris


def test_staff_and_administrators_see_more(demo_server: Server) -> None:
    anonymous = search(demo_server, type="dataset", size=0)["total"]
    staff = search(demo_server, STAFF_TOKEN, type="dataset", size=0)["total"]
    admin = search(demo_server, ADMIN_TOKEN, type="dataset", size=0)["total"]
    staff_graph = sparql(demo_server, "SELECT (COUNT(?d) AS ?n) WHERE { ?d a dcat:Dataset ; ys:audience ?a "
                                      f"FILTER(?a IN ({PUBLIC}, <https://w3id.org/yuanshu/code/audience-staff>)) }}")
    assert anonymous < staff == int(staff_graph[0]["n"]) < admin
    systems = search(demo_server, type="system", size=0)["total"]
    assert systems == 0 < search(demo_server, STAFF_TOKEN, type="system", size=0)["total"]


# ------------------------------------------------------------------------------------ facets = the graph
COMBINATIONS: list[dict[str, str]] = [
    {},
    {"area": "AREA"},
    {"theme": "https://w3id.org/yuanshu/code/theme-social-security"},
    {"format": "CSV"},
    {"area": "AREA", "frequency": "https://w3id.org/yuanshu/code/frequency-monthly"},
    {"open_type": "https://w3id.org/yuanshu/code/open-type-conditional", "format": "API"},
]


@pytest.mark.parametrize("token", [None, ADMIN_TOKEN], ids=["anonymous", "admin"])
@pytest.mark.parametrize("combination", COMBINATIONS, ids=lambda c: "+".join(c) or "none")
def test_facet_counts_equal_the_graph(demo_server: Server, combination: dict[str, str], token: str | None) -> None:
    area = sparql(demo_server, "SELECT ?a WHERE { ?a a ys:AdministrativeArea ; <http://www.w3.org/2004/02/skos/core"
                               "#prefLabel> \"源城区\"@zh }")[0]["a"]
    filters = {f: area if v == "AREA" else v for f, v in combination.items()}
    result = search(demo_server, token, type="dataset", size=0, facet_limit=500, facets=",".join(FACET_PATHS),
                    **filters)
    for facet in FACET_PATHS:
        assert facet_counts(result, facet) == graph_counts(demo_server, facet, filters, token is None), facet
    total = sparql(demo_server, "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a dcat:Dataset . "
                   + " ".join(f"?d {FACET_PATHS[f]} {_term(f, v)} ." for f, v in filters.items())
                   + (f" ?d ys:audience {PUBLIC} ." if token is None else "") + " }")
    assert result["total"] == int(total[0]["n"])


def test_type_facet_counts_every_kind(demo_server: Server) -> None:
    result = search(demo_server, ADMIN_TOKEN, facets="type", size=0)
    kinds = {"dataset": "dcat:Dataset", "service": "<http://purl.org/vocab/cpsv#PublicService>",
             "department": "<http://www.w3.org/ns/org#Organization>", "system": "ys:InformationSystem",
             "indicator": "ys:Indicator"}
    graph = {k: int(sparql(demo_server, f"SELECT (COUNT(?s) AS ?n) WHERE {{ ?s a {c} }}")[0]["n"])
             for k, c in kinds.items()}
    assert facet_counts(result, "type") == graph
    assert {i["value"]: i["label"] for i in result["facets"]["type"]["items"]}["dataset"] == "数据集"


def test_filters_and_sort_and_paging(demo_server: Server) -> None:
    newest = search(demo_server, type="dataset", sort="date_desc", size=20)["results"]
    dates = [r["issued"] for r in newest if r["issued"]]
    assert dates == sorted(dates, reverse=True)
    first, second = (search(demo_server, type="dataset", sort="title_asc", size=10, page=p) for p in (1, 2))
    assert not {r["iri"] for r in first["results"]} & {r["iri"] for r in second["results"]}
    assert first["total"] == second["total"]
    health = search(demo_server, theme="https://w3id.org/yuanshu/code/theme-health", type="dataset", size=50)
    assert health["results"] and all(
        r["facets"]["theme"][0]["value"].endswith("theme-health") and r["facets"]["theme"][0]["label"] == "卫生健康"
        for r in health["results"])


# ------------------------------------------------------------------------------------------ bad requests
@pytest.mark.parametrize(("params", "fragment"), [
    ({"sort": "newest"}, "sort"),
    ({"page": "0"}, "page"),
    ({"page": "x"}, "page"),
    ({"size": "1000"}, "size"),
    ({"facets": "colour"}, "facet"),
    ({"publsher": "x"}, "unknown parameters"),
    ({"issued_from": "2021-13-01"}, "issued_from"),
    ({"highlight": "maybe"}, "highlight"),
    ({"q": "长" * 201}, "q is longer"),
])
def test_bad_parameters_get_a_400_in_chinese_and_english(demo_server: Server, params: dict[str, str],
                                                         fragment: str) -> None:
    response = httpx.get(f"{demo_server.url}/api/search", params=params)
    assert response.status_code == 400
    message = response.json()["error"]
    assert fragment in message and any("\u4e00" <= c <= "\u9fff" for c in message)


def test_bad_suggest_parameters_and_tokens(demo_server: Server) -> None:
    assert httpx.get(f"{demo_server.url}/api/search/suggest", params={"limit": "0"}).status_code == 400
    assert httpx.get(f"{demo_server.url}/api/search/suggest", params={"x": "1"}).status_code == 400
    assert httpx.get(f"{demo_server.url}/api/search/suggest", params={"q": ""}).json()["suggestions"] == []
    assert httpx.get(f"{demo_server.url}/api/search", headers=auth("wrong")).status_code == 401


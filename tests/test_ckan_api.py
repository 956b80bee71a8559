"""The CKAN-compatible Action API, driven by the real ``ckanapi`` client against the demo server.

What the API answers is compared with SPARQL over the same graph: the server's own ``/sparql`` endpoint,
queried as an administrator, with the visibility rule of the caller under test (``Caller.guard``) written
into the query.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import ckanapi
import httpx
import pytest

from graph_api.ckan_query import QuerySyntaxError, Term, parse_filter, parse_sort, split_q
from tests.conftest import ADMIN_TOKEN, STAFF_TOKEN, Server, auth
from yuanshu.visibility import ADMIN, ANONYMOUS, Caller, Role

OPEN_LICENSES = {"open-type-unconditional", "open-type-conditional"}
STAFF = Caller(Role.STAFF)
CALLERS: dict[str, tuple[Caller, str | None]] = {"anonymous": (ANONYMOUS, None), "staff": (STAFF, STAFF_TOKEN),
                                                 "admin": (ADMIN, ADMIN_TOKEN)}
PREFIXES = """PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX dct: <http://purl.org/dc/terms/>
PREFIX ys: <https://w3id.org/yuanshu/ns#> PREFIX code: <https://w3id.org/yuanshu/code/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX org: <http://www.w3.org/ns/org#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> """


# ------------------------------------------------------------------------------------------- query syntax
def test_harvester_filters_are_read() -> None:
    """ckanext-harvest sends ``organization:a OR organization:b``, ``-groups:x`` and a modified-since range."""
    assert parse_filter("organization:a OR organization:b") == [Term("organization", ("a", "b"))]
    assert parse_filter("-groups:x -groups:y") == [Term("groups", ("x",), negated=True),
                                                   Term("groups", ("y",), negated=True)]
    assert parse_filter("metadata_modified:[2024-01-01T00:00:00Z TO *]") == [
        Term("metadata_modified", low="2024-01-01T00:00:00Z")]
    assert parse_filter('+dataset_type:dataset tags:"两个 词" res_format:(CSV OR XLSX)') == [
        Term("dataset_type", ("dataset",)), Term("tags", ("两个 词",)), Term("res_format", ("CSV", "XLSX"))]
    assert parse_filter("(organization:a OR organization:b) AND NOT (tags:x OR tags:y)") == [
        Term("organization", ("a", "b")), Term("tags", ("x", "y"), negated=True)]
    assert parse_filter("*:*") == [] == parse_filter("*:* OR tags:a")


@pytest.mark.parametrize("text", ["organization:a OR tags:b", "just words", "tags:(a b)", "tags:",
                                  "metadata_modified:[2020 TO]", "(tags:a", "-*:*", "tags:a OR -tags:b"])
def test_unreadable_filters_are_refused(text: str) -> None:
    with pytest.raises(QuerySyntaxError):
        parse_filter(text)


def test_q_keeps_text_and_takes_filter_fields() -> None:
    assert split_q("*:*", frozenset({"tags"})) == ("", [])
    assert split_q('社保 tags:"姓名" AND title:公积金', frozenset({"tags"})) == (
        "社保 公积金", [Term("tags", ("姓名",))])
    assert [(c.field, c.descending) for c in parse_sort("score desc, metadata_modified desc")] == [
        ("score", True), ("metadata_modified", True)]
    with pytest.raises(QuerySyntaxError):
        parse_sort("title upward")


# ----------------------------------------------------------------------------------------------- helpers
def sparql(server: Server, query: str) -> list[dict[str, str]]:
    """Rows of a SELECT on the server's /sparql as an administrator (variable → value)."""
    response = httpx.post(f"{server.url}/sparql", data={"query": PREFIXES + query}, timeout=60,
                          headers={**auth(ADMIN_TOKEN), "Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


def visible_datasets(server: Server, caller: Caller, pattern: str = "") -> dict[str, str]:
    """Identifier → IRI of the datasets ``caller`` may see (matching ``pattern`` on ``?d``)."""
    rows = sparql(server, f"SELECT ?d ?id WHERE {{ ?d a dcat:Dataset ; dct:identifier ?id . {caller.guard('d')}"
                          f" {pattern} }}")
    return {r["id"]: r["d"] for r in rows}


def ckan(server: Server, token: str | None = None) -> ckanapi.RemoteCKAN:
    """The real client; it sends the token bare (``Authorization: <token>``) as CKAN clients do."""
    return ckanapi.RemoteCKAN(server.url, apikey=token)


def raw(server: Server, name: str, method: str = "GET", token: str | None = None, headers: dict[str, str] | None = None,
        **kwargs: Any) -> httpx.Response:
    headers = {**(auth(token) if token else {}), **(headers or {})}
    return httpx.request(method, f"{server.url}/api/3/action/{name}", headers=headers, timeout=60, **kwargs)


def every_page(client: ckanapi.RemoteCKAN, rows: int, **params: Any) -> list[dict[str, Any]]:
    """Page through package_search as ckanapi users (and harvesters) do: until an empty page."""
    found: list[dict[str, Any]] = []
    start = 0
    while True:
        page = client.action.package_search(rows=rows, start=start, **params)["results"]
        if not page:
            return found
        found.extend(page)
        start += rows


# ------------------------------------------------------------------------------------------------ the API
def test_status_show(demo_server: Server) -> None:
    status = ckan(demo_server).action.status_show()
    assert status["ckan_version"].startswith("2.")
    assert status["site_url"] == demo_server.url and status["site_title"].startswith("源数")


@pytest.mark.parametrize("who", list(CALLERS))
def test_package_search_counts_what_the_caller_may_see(demo_server: Server, who: str) -> None:
    caller, token = CALLERS[who]
    expected = visible_datasets(demo_server, caller)
    result = ckan(demo_server, token).action.package_search(rows=0)
    assert result["count"] == len(expected) > 0
    assert result["results"] == []
    listed = ckan(demo_server, token).action.package_list()
    assert sorted(listed) == sorted(i.lower() for i in expected)


def test_paging_until_an_empty_page_yields_every_visible_dataset_once(demo_server: Server) -> None:
    expected = visible_datasets(demo_server, ANONYMOUS)
    for sort in ("score desc, metadata_modified desc", "title_string asc", "id asc", "metadata_modified asc"):
        found = every_page(ckan(demo_server), rows=100, sort=sort)
        ids = [p["id"] for p in found]
        assert len(ids) == len(set(ids)), f"duplicates with sort {sort}"
        assert set(ids) == set(expected), sort
    dates = [p["metadata_modified"] for p in found]  # the last order: metadata_modified asc
    assert dates == sorted(dates)


def test_a_ckan_harvester_gathers_what_it_asked_for(demo_server: Server) -> None:
    """The requests ckanext-harvest's CKAN harvester sends: GET, string parameters, ``sort=id asc``, its
    organization filter and modified-since range joined by spaces, paging until an empty page, refusing a
    page identical to the previous one."""
    orgs = sorted(ckan(demo_server).action.package_search(rows=0, **{"facet.field": ["organization"]})[
        "facets"]["organization"])[:2]
    fq = " ".join([" OR ".join(f"organization:{o}" for o in orgs), "metadata_modified:[2021-06-01T00:00:00Z TO *]"])
    params = {"rows": "100", "start": "0", "include_private": "true", "sort": "id asc", "fq": fq}
    gathered: dict[str, dict[str, Any]] = {}
    previous = None
    while True:
        response = httpx.get(f"{demo_server.url}/api/3/action/package_search", params=params, timeout=60)
        assert response.status_code == 200 and response.text != previous
        previous = response.text
        page = response.json()["result"]["results"]
        if not page:
            break
        gathered.update((p["id"], p) for p in page)
        params["start"] = str(int(params["start"]) + int(params["rows"]))
    expected = visible_datasets(demo_server, ANONYMOUS, f"""?d dct:publisher ?org ; dct:issued ?issued .
        ?org dct:identifier ?code FILTER(LCASE(?code) IN ("{orgs[0]}", "{orgs[1]}"))
        FILTER(?issued >= "2021-06-01"^^xsd:date)""")
    assert set(gathered) == set(expected) and gathered
    assert {p["organization"]["name"] for p in gathered.values()} <= set(orgs)


def test_anonymous_never_sees_a_dataset_that_is_not_open(demo_server: Server) -> None:
    client = ckan(demo_server)
    found = every_page(client, rows=1000)
    assert found and {p["license_id"] for p in found} <= OPEN_LICENSES
    assert not any(p["private"] for p in found)
    facets = client.action.package_search(rows=0, **{"facet.field": ["license_id"]})["search_facets"]
    assert {i["name"] for i in facets["license_id"]["items"]} <= OPEN_LICENSES
    hidden = set(visible_datasets(demo_server, ADMIN)) - set(visible_datasets(demo_server, ANONYMOUS))
    assert hidden and not hidden & {p["id"] for p in found}
    admin = ckan(demo_server, ADMIN_TOKEN).action.package_search(rows=0, **{"facet.field": ["license_id"]})
    assert "open-type-closed" in {i["name"] for i in admin["search_facets"]["license_id"]["items"]}


def test_a_hidden_dataset_is_not_found_exactly_like_a_missing_one(demo_server: Server) -> None:
    closed = visible_datasets(demo_server, ADMIN, "?d dct:accessRights code:open-type-closed ;"
                                                  " ys:sharingType code:sharing-type-unconditional .")
    identifier = sorted(closed)[0]
    client = ckan(demo_server)
    with pytest.raises(ckanapi.NotFound) as hidden:
        client.action.package_show(id=identifier)
    with pytest.raises(ckanapi.NotFound) as missing:
        client.action.package_show(id="no-such-dataset")
    assert str(hidden.value) == str(missing.value)
    for token in (STAFF_TOKEN, ADMIN_TOKEN):  # staff may see what is shared without conditions
        assert ckan(demo_server, token).action.package_show(id=identifier)["id"] == identifier
    response = raw(demo_server, "package_show", params={"id": identifier.lower()})
    assert response.status_code == 404 and response.json()["error"]["__type"] == "Not Found Error"


def test_package_show_is_what_the_graph_holds(demo_server: Server) -> None:
    expected = visible_datasets(demo_server, ANONYMOUS, "?d ys:sourceSystem ?s ; dcat:distribution ?x .")
    identifier = sorted(expected)[0]
    iri = expected[identifier]
    facts = sparql(demo_server, f"""SELECT ?title ?notes ?publisher ?theme ?rights ?issued WHERE {{
        <{iri}> dct:title ?title ; dct:description ?notes ; dct:publisher/skos:prefLabel ?publisher ;
          dcat:theme/skos:prefLabel ?theme ; dct:accessRights/skos:prefLabel ?rights ; dct:issued ?issued .
        FILTER(LANG(?theme) = "zh" && LANG(?rights) = "zh") }}""")[0]
    elements = {r["n"] for r in sparql(demo_server, f"SELECT ?n WHERE {{ <{iri}> ys:dataElement/dct:title ?n }}")}
    distributions = sparql(demo_server, f"""SELECT ?x WHERE {{ <{iri}> dcat:distribution ?x .
        {ANONYMOUS.guard("x")} }}""")
    client = ckan(demo_server)
    package = client.action.package_show(id=identifier)
    assert package["name"] == identifier.lower()
    assert (package["title"], package["notes"], package["organization"]["title"], package["license_title"]) == (
        facts["title"], facts["notes"], facts["publisher"], facts["rights"])
    assert [g["title"] for g in package["groups"]] == [facts["theme"]]
    assert {t["name"] for t in package["tags"]} == elements and package["num_tags"] == len(elements)
    assert len(package["resources"]) == package["num_resources"] == len(distributions)
    assert package["metadata_created"].startswith(facts["issued"])
    assert {"key": "uri", "value": iri} in package["extras"]
    assert package["owner_org"] == package["organization"]["id"]
    # the system it comes from is internal: the anonymous view does not name it
    assert not any(e["key"] == "来源系统" for e in package["extras"])
    assert any(e["key"] == "来源系统" for e in ckan(demo_server, STAFF_TOKEN).action.package_show(id=identifier)[
        "extras"])
    assert client.action.package_show(id=identifier.lower()) == package == client.action.package_show(id=iri)


def test_organizations_count_only_what_the_caller_may_see(demo_server: Server) -> None:
    departments = sparql(demo_server, f"SELECT ?org WHERE {{ ?org a org:Organization . {ANONYMOUS.guard('org')} }}")
    client = ckan(demo_server)
    names = client.action.organization_list()
    assert len(names) == len(set(names)) == len(departments)
    orgs = client.action.organization_list(all_fields=True, sort="package_count desc")
    per_publisher = Counter(r["id"].lower() for r in sparql(demo_server, f"""SELECT ?d ?id WHERE {{
        ?d a dcat:Dataset ; dct:publisher ?org . {ANONYMOUS.guard("d")}
        OPTIONAL {{ ?org dct:identifier ?code }} ?org skos:prefLabel ?label BIND(COALESCE(?code, ?label) AS ?id) }}"""))
    assert {o["name"]: o["package_count"] for o in orgs if o["package_count"]} == dict(per_publisher)
    counts = [o["package_count"] for o in orgs]
    assert counts == sorted(counts, reverse=True)
    busiest = orgs[0]
    shown = client.action.organization_show(id=busiest["name"], include_datasets=True)
    assert shown["title"] == busiest["title"] and shown["package_count"] == busiest["package_count"]
    assert len(shown["packages"]) == busiest["package_count"]
    assert {p["license_id"] for p in shown["packages"]} <= OPEN_LICENSES
    assert client.action.organization_show(id=busiest["title"])["id"] == busiest["id"]
    admin = ckan(demo_server, ADMIN_TOKEN).action.organization_show(id=busiest["id"])
    assert admin["package_count"] > busiest["package_count"]  # its closed datasets count for the admin only
    with pytest.raises(ckanapi.NotFound):
        client.action.organization_show(id="no-such-department")


def test_groups_are_the_themes(demo_server: Server) -> None:
    themes = sparql(demo_server, "SELECT ?t WHERE { ?t skos:inScheme code:theme }")
    per_theme = Counter(r["t"].removeprefix("https://w3id.org/yuanshu/code/theme-") for r in sparql(
        demo_server, f"SELECT ?d ?t WHERE {{ ?d a dcat:Dataset ; dcat:theme ?t . {ANONYMOUS.guard('d')} }}"))
    client = ckan(demo_server)
    assert len(client.action.group_list()) == len(themes)
    groups = client.action.group_list(all_fields=True)
    assert {g["name"]: g["package_count"] for g in groups if g["package_count"]} == dict(per_theme)
    name = per_theme.most_common(1)[0][0]
    assert client.action.group_show(id=name)["package_count"] == per_theme[name]
    found = client.action.package_search(fq=f"groups:{name}", rows=0)["count"]
    assert found == per_theme[name]


def test_tags_are_the_data_elements_of_visible_datasets(demo_server: Server) -> None:
    expected = {r["name"] for r in sparql(demo_server, f"""SELECT DISTINCT ?name WHERE {{ ?d a dcat:Dataset .
        {ANONYMOUS.guard("d")} ?d ys:dataElement/dct:title ?name }}""")}
    client = ckan(demo_server)
    tags = client.action.tag_list()
    assert set(tags) == expected and len(tags) == len(expected)
    admin_tags = set(ckan(demo_server, ADMIN_TOKEN).action.tag_list())
    assert expected < admin_tags  # some data elements occur only in closed datasets
    assert set(client.action.tag_list(query="身份证")) == {t for t in expected if "身份证" in t}
    tag = sorted(expected)[0]
    with_tag = visible_datasets(demo_server, ANONYMOUS, f'?d ys:dataElement/dct:title "{tag}"@zh .')
    assert client.action.package_search(fq=f'tags:"{tag}"', rows=0)["count"] == len(with_tag)


def test_facets_and_filters_match_the_graph(demo_server: Server) -> None:
    client = ckan(demo_server)
    result = client.action.package_search(rows=0, **{"facet.field": ["organization", "license_id", "groups"],
                                                     "facet.limit": -1})
    rights = Counter(r["r"].removeprefix("https://w3id.org/yuanshu/code/") for r in sparql(
        demo_server, f"SELECT ?d ?r WHERE {{ ?d a dcat:Dataset ; dct:accessRights ?r . {ANONYMOUS.guard('d')} }}"))
    assert result["facets"]["license_id"] == dict(rights)
    items = result["search_facets"]["license_id"]["items"]
    assert {i["display_name"] for i in items} == {"无条件开放", "有条件开放"}
    assert sum(result["facets"]["organization"].values()) == result["count"]
    a, b = sorted(result["facets"]["organization"])[:2]
    both = client.action.package_search(fq=f"organization:{a} OR organization:{b}", rows=0)["count"]
    assert both == result["facets"]["organization"][a] + result["facets"]["organization"][b]
    without = client.action.package_search(fq=f"-organization:{a}", rows=0)["count"]
    assert without == result["count"] - result["facets"]["organization"][a]
    assert client.action.package_search(fq=f"organization:{a} organization:{b}", rows=0)["count"] == 0
    assert client.action.package_search(fq="organization:no-such-department", rows=0)["count"] == 0
    open_only = client.action.package_search(fq="license_id:open-type-unconditional", rows=0)["count"]
    assert open_only == rights["open-type-unconditional"]
    assert client.action.package_search(fq="license_id:无条件开放", rows=0)["count"] == open_only
    # metadata_modified reports dct:issued (the catalog's 发布日期), so a modified-since range selects on it
    since = visible_datasets(demo_server, ANONYMOUS, '?d dct:issued ?issued FILTER(?issued >= "2023-01-01"^^xsd:date)')
    assert since
    modified = client.action.package_search(fq="metadata_modified:[2023-01-01T00:00:00Z TO *]", rows=0)["count"]
    assert modified == len(since)
    harvest = client.action.package_search(fq="+dataset_type:dataset", sort="id asc", rows=0)
    assert harvest["count"] == result["count"] and harvest["warnings"]  # the order is by title, and it says so
    assert client.action.package_search(fq="dataset_type:harvest", rows=0)["count"] == 0


def test_get_with_a_json_facet_list_and_post_agree(demo_server: Server) -> None:
    params = {"q": "社会保险", "fq": "license_id:open-type-unconditional", "rows": "5",
              "facet.field": '["organization", "groups"]', "facet.limit": "3"}
    got = raw(demo_server, "package_search", params=params)
    posted = raw(demo_server, "package_search", "POST", json={**params, "facet.field": ["organization", "groups"]})
    assert got.status_code == posted.status_code == 200
    assert got.json()["result"] == posted.json()["result"]
    result = got.json()["result"]
    assert got.json()["success"] is True and got.json()["help"].endswith("help_show?name=package_search")
    assert result["count"] > 0 and len(result["results"]) <= 5
    assert all(len(f["items"]) <= 3 for f in result["search_facets"].values())
    assert all(set(i) == {"name", "display_name", "count"} for f in result["search_facets"].values()
               for i in f["items"])
    assert result["results"][0]["title"] in got.text  # Chinese kept as it is, not \u-escaped
    names_only = raw(demo_server, "package_search", params={**params, "facet.limit": "0"}).json()["result"]
    assert names_only["search_facets"] == {"organization": {"title": "organization", "items": []},
                                           "groups": {"title": "groups", "items": []}}


def test_rows_are_capped_and_the_response_says_so(demo_server: Server) -> None:
    result = ckan(demo_server, ADMIN_TOKEN).action.package_search(rows=5000)
    assert len(result["results"]) == 1000 < result["count"]
    assert any("1000" in w for w in result["warnings"])
    past = ckan(demo_server).action.package_search(start=10_000_000)
    assert past["results"] == [] and past["count"] > 0


@pytest.mark.parametrize(("name", "params", "status", "kind"), [
    ("no_such_action", {}, 400, "Bad Request"),
    ("package_create", {}, 403, "Authorization Error"),
    ("package_search", {"rows": "ten"}, 409, "Validation Error"),
    ("package_search", {"rows": "-1"}, 409, "Validation Error"),
    ("package_search", {"start": "x"}, 409, "Validation Error"),
    ("package_search", {"fq": "colour:blue"}, 400, "Search Query Error"),
    ("package_search", {"fq": "organization:(a b"}, 400, "Search Query Error"),
    ("package_search", {"fq": "tags:a tags:b"}, 400, "Search Query Error"),
    ("package_search", {"fq": "metadata_modified:[yesterday TO *]"}, 400, "Search Query Error"),
    ("package_search", {"sort": "colour asc"}, 400, "Search Query Error"),
    ("package_search", {"facet.field": "[organization"}, 409, "Validation Error"),
    ("package_search", {"facet.field": '["colour"]'}, 400, "Search Query Error"),
    ("package_search", {"bogus": "1"}, 400, "Search Query Error"),
    ("package_show", {}, 409, "Validation Error"),
    ("package_show", {"id": "http://exa mple/x"}, 409, "Validation Error"),
    ("organization_list", {"sort": "colour"}, 409, "Validation Error"),
    ("organization_list", {"all_fields": "maybe"}, 409, "Validation Error"),
    ("tag_list", {"vocabulary_id": "genres"}, 404, "Not Found Error"),
    ("help_show", {"name": "nope"}, 404, "Not Found Error"),
])
def test_bad_input_gets_a_ckan_shaped_error(demo_server: Server, name: str, params: dict[str, str], status: int,
                                            kind: str) -> None:
    response = raw(demo_server, name, params=params)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False and body["error"]["__type"] == kind
    assert body["error"]["message"] and "help" in body


def test_bad_bodies_and_tokens(demo_server: Server) -> None:
    not_json = raw(demo_server, "package_show", "POST", content=b"{not json",
                   headers={"Content-Type": "application/json"})
    assert not_json.status_code == 400 and not_json.json()["error"]["__type"] == "Bad Request"
    a_list = raw(demo_server, "package_show", "POST", json=["x"])
    assert a_list.status_code == 400
    bad_token = raw(demo_server, "package_list", token="not-a-token")
    assert bad_token.status_code == 403 and bad_token.json()["error"]["__type"] == "Authorization Error"
    # curl -d '{"id": …}' posts JSON with a form content type; CKAN reads it as JSON, so does Yuanshu
    identifier = sorted(visible_datasets(demo_server, ANONYMOUS))[0]
    curl = raw(demo_server, "package_show", "POST", content=f'{{"id": "{identifier}"}}'.encode(),
               headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert curl.status_code == 200 and curl.json()["result"]["id"] == identifier
    with pytest.raises(ckanapi.SearchQueryError):
        ckan(demo_server).action.package_search(fq="colour:blue")
    with pytest.raises(ckanapi.ValidationError):
        ckan(demo_server).action.package_search(rows="many")

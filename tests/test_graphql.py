"""GraphQL at /graphql against the real demo server: every entity type and link, pages, filters, batching,
limits, visibility, lineage, impact and paths."""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph_api import lineage as walks
from tests.conftest import ADMIN_TOKEN, CATALOG_HEADER, STAFF_TOKEN, Server, auth, write_csv
from yuanshu.runtime import Runtime
from yuanshu.visibility import ANONYMOUS

DATASET = "http://www.w3.org/ns/dcat#Dataset"
SYSTEM = "https://w3id.org/yuanshu/ns#InformationSystem"
SERVICE = "http://purl.org/vocab/cpsv#PublicService"
DEPARTMENT = "http://www.w3.org/ns/org#Organization"


def gql(server: Server, query: str, token: str | None = None, **variables: Any) -> dict[str, Any]:
    """The response body of a GraphQL request (errors included)."""
    response = httpx.post(f"{server.url}/graphql", json={"query": query, "variables": variables},
                          headers=auth(token) if token else {}, timeout=120)
    assert response.status_code == 200, response.text
    return response.json()


def data(server: Server, query: str, token: str | None = None, **variables: Any) -> dict[str, Any]:
    body = gql(server, query, token, **variables)
    assert not body.get("errors"), body["errors"]
    return body["data"]


def sparql_count(server: Server, where: str, token: str | None = None) -> int:
    query = f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}"
    response = httpx.get(f"{server.url}/sparql", params={"query": query}, headers=auth(token) if token else {})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def all_pages(server: Server, field: str, token: str | None = None, size: int = 100,
              filter_: dict[str, Any] | None = None) -> tuple[list[str], int]:
    """Every id of a connection, page by page, and the reported total."""
    ids: list[str] = []
    after = None
    total = -1
    while True:
        page = data(server, f"""query($after: String, $filter: {_filter_type(field)}) {{
            {field}(first: {size}, after: $after, filter: $filter) {{
              totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ id }} }} }}""",
                    token, after=after, filter=filter_)[field]
        total = page["totalCount"]
        ids += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            return ids, total
        after = page["pageInfo"]["endCursor"]


def _filter_type(field: str) -> str:
    return {"datasets": "DatasetFilter", "services": "ServiceFilter", "systems": "SystemFilter"}.get(
        field, "BasicFilter")


# ------------------------------------------------------------------------------------ entity types, links
def test_datasets_with_every_link(demo_server: Server) -> None:
    nodes = data(demo_server, """{ datasets(first: 200) { nodes { id identifier title description issued
        publisher { id name } area { name } category { label } themes { code label } keywords openType { label }
        sharingType { label } frequency { label labelEn } distributions { title format accessUrl }
        dataElements { name concept { id name } dataset { id } } sourceSystems { id name datasets { id } }
        derivedFrom { id derivedDatasets { id } } usedByServices { id datasets { id } }
        indicators { id datasets { id } } } } }""", ADMIN_TOKEN)["datasets"]["nodes"]
    assert len(nodes) == 200
    assert all(n["title"] and n["publisher"] and n["openType"] for n in nodes)
    with_elements = [n for n in nodes if n["dataElements"]]
    assert with_elements and all(e["dataset"]["id"] == n["id"] and e["concept"]
                                 for n in with_elements for e in n["dataElements"])
    # every link is visible from both ends
    linked = 0
    for n in nodes:
        for system in n["sourceSystems"]:
            assert n["id"] in {d["id"] for d in system["datasets"]}
            linked += 1
        for parent in n["derivedFrom"]:
            assert n["id"] in {d["id"] for d in parent["derivedDatasets"]}
            linked += 1
        for service in n["usedByServices"]:
            assert n["id"] in {d["id"] for d in service["datasets"]}
            linked += 1
    assert linked > 0
    assert any(n["distributions"] for n in nodes) and any(n["themes"] for n in nodes)


def test_indicators_in_the_page_feed_from_their_datasets(demo_server: Server) -> None:
    nodes = data(demo_server, """{ indicators(first: 50) { totalCount nodes { id code title unit formula
        baselineValue baselineYear targetValue targetYear computable responsibleDepartment { name }
        scopeArea { name } datasets { id title indicators { id } } } } }""")["indicators"]
    assert nodes["totalCount"] == 21
    for indicator in nodes["nodes"]:
        assert indicator["title"] and indicator["targetValue"] is not None
        for dataset in indicator["datasets"]:
            assert indicator["id"] in {i["id"] for i in dataset["indicators"]}
    assert sum(i["computable"] for i in nodes["nodes"]) >= 8


def test_departments_systems_and_services_link_both_ways(demo_server: Server) -> None:
    departments = data(demo_server, """{ departments(first: 400) { totalCount nodes { id name aliases creditCode
        area { id name } parent { id } children { id }
        datasets { id publisher { id } } systems { id operator { id } } services { id authority { id } } } } }""",
                       ADMIN_TOKEN)["departments"]
    nodes = departments["nodes"]
    assert departments["totalCount"] == len(nodes) >= 306, "every department on this page"
    by_id = {d["id"]: d for d in nodes}
    for d in nodes:
        assert all(x["publisher"]["id"] == d["id"] for x in d["datasets"])
        assert all(x["operator"]["id"] == d["id"] for x in d["systems"])
        assert all(x["authority"]["id"] == d["id"] for x in d["services"])
    children = [d for d in nodes if d["parent"]]
    assert children, "the demo registry has sub-departments"
    assert all(d["id"] in {c["id"] for c in by_id[d["parent"]["id"]]["children"]} for d in children)
    # the links listed from the departments' side are all of them
    for field, where in (("datasets", "?x a dcat:Dataset ; dct:publisher ?d"),
                         ("systems", "?x a ys:InformationSystem ; ys:operatedBy ?d"),
                         ("services", "?x a cpsv:PublicService ; cv:hasCompetentAuthority ?d")):
        assert sum(len(d[field]) for d in nodes) == sparql_count(demo_server, f"{where} . ?d a org:Organization",
                                                                 ADMIN_TOKEN) > 0
    systems = data(demo_server, """{ systems(first: 500) { totalCount nodes { id code name buildLevel { label }
        deployment { label } status { label } builtYear buildCost annualOpsCost connectedToSharingPlatform
        area { name } dependsOn { id dependents { id } } services { id systems { id } } } } }""",
                   ADMIN_TOKEN)["systems"]
    assert systems["totalCount"] == 574
    for s in systems["nodes"]:
        assert all(s["id"] in {x["id"] for x in up["dependents"]} for up in s["dependsOn"])
        assert all(s["id"] in {x["id"] for x in svc["systems"]} for svc in s["services"])
    services = data(demo_server, """{ services(first: 100) { totalCount nodes { id code basicCode title
        serviceType { label } exerciseLevel { label } caseType { label } legalTimeLimit promisedTimeLimit
        onSiteVisits onlineDepth online oneWindow crossRegion highFrequency area { name } authority { name } } } }""")
    assert services["services"]["totalCount"] == sparql_count(demo_server, "?x a cpsv:PublicService")
    assert all(s["title"] and s["serviceType"] for s in services["services"]["nodes"])


def test_areas_concepts_load_runs_and_any_entity(demo_server: Server) -> None:
    areas = data(demo_server, "{ areas(first: 50) { nodes { id name code parent { name } children { name }"
                              " departments { id } } } }")["areas"]["nodes"]
    names = {a["name"] for a in areas}
    assert {"河源市", "源城区", "东源县", "市直", "江东新区"} <= names
    yuancheng = next(a for a in areas if a["name"] == "源城区")
    assert yuancheng["parent"]["name"] == "河源市" and yuancheng["code"] == "441602" and yuancheng["departments"]
    concepts = data(demo_server, '{ concepts(first: 5, text: "统一社会信用代码") { nodes { id name'
                                 ' elements { name } datasets { id publisher { name } } } } }')["concepts"]["nodes"]
    assert concepts and concepts[0]["name"] == "统一社会信用代码"
    publishers = {d["publisher"]["name"] for d in concepts[0]["datasets"]}
    assert len(publishers) > 1, "the same data collected by several departments (一数一源)"
    runs = data(demo_server, "{ loadRuns(first: 50) { totalCount nodes { id kind sourceFile { name sha256 } rowsRead"
                             " rowsLoaded rowsRejected startedAt endedAt graph } } }", ADMIN_TOKEN)["loadRuns"]
    assert runs["totalCount"] == len(list((demo_server.home / "demo").iterdir()))
    assert all(len(r["sourceFile"]["sha256"]) == 64 and r["rowsRead"] > 0 for r in runs["nodes"])
    entity = data(demo_server, """query($id: String!) { entity(id: $id) { __typename ... on Area { name } } }""",
                  id=yuancheng["id"])["entity"]
    assert entity == {"__typename": "Area", "name": "源城区"}


# ------------------------------------------------------------------------------------------ pages, filters
def test_paging_through_every_dataset_has_no_gaps_or_repeats(demo_server: Server) -> None:
    ids, total = all_pages(demo_server, "datasets", size=97)
    assert len(ids) == len(set(ids)) == total
    assert total == sparql_count(demo_server, "?x a dcat:Dataset")  # the public view: open datasets only
    again, _ = all_pages(demo_server, "datasets", size=211)
    assert again == ids, "stable order"


@pytest.mark.parametrize(("filter_", "where"), [
    ({"openType": "有条件开放"}, "?x dct:accessRights code:open-type-conditional"),
    ({"openType": "open-type-unconditional"}, "?x dct:accessRights code:open-type-unconditional"),
    ({"sharingType": "无条件共享"}, "?x ys:sharingType code:sharing-type-unconditional"),
    ({"frequency": "每月"}, "?x dct:accrualPeriodicity code:frequency-monthly"),
    ({"area": "源城区"}, "?x ys:area/skos:prefLabel \"源城区\"@zh"),
    ({"department": "河源市民政局"}, "?x dct:publisher/skos:prefLabel \"河源市民政局\"@zh"),
    ({"theme": "民政"}, "?x dcat:theme code:theme-civil-affairs"),
    ({"area": "源城区", "openType": "无条件开放"},
     "?x ys:area/skos:prefLabel \"源城区\"@zh ; dct:accessRights code:open-type-unconditional"),
    ({"text": "不动产"}, "?x dct:title ?t FILTER(CONTAINS(?t, \"不动产\"))"),
])
def test_dataset_filters_match_the_graph(demo_server: Server, filter_: dict[str, str], where: str) -> None:
    for token in (None, ADMIN_TOKEN):
        ids, total = all_pages(demo_server, "datasets", token, size=500, filter_=filter_)
        expected = sparql_count(demo_server, f"?x a dcat:Dataset . {where}", token)
        assert len(set(ids)) == total == expected


def test_service_and_system_filters(demo_server: Server) -> None:
    ids, total = all_pages(demo_server, "services", size=500, filter_={"serviceType": "行政许可", "area": "源城区"})
    assert total == len(ids) == sparql_count(
        demo_server, "?x a cpsv:PublicService ; ys:serviceType code:service-type-licensing ;"
                     " ys:area/skos:prefLabel \"源城区\"@zh")
    assert total > 0
    ids, total = all_pages(demo_server, "systems", ADMIN_TOKEN, size=500, filter_={"status": "在用"})
    assert 0 < total == len(ids) == sparql_count(demo_server, "?x a ys:InformationSystem ;"
                                                 " ys:status code:system-status-in-use", ADMIN_TOKEN)


def test_bad_arguments_are_graphql_errors_not_500s(demo_server: Server) -> None:
    for query in ('{ datasets(filter: {openType: "乱写"}) { totalCount } }',
                  '{ datasets(after: "%%%") { totalCount } }',
                  "{ datasets(first: 100000) { totalCount } }",
                  '{ dataset(id: "not an <iri>") { id } }',
                  '{ lineage(id: "http://x/y", depth: 99) { root } }'):
        body = gql(demo_server, query)
        assert body.get("errors") and body["errors"][0]["message"], query


# ------------------------------------------------------------------------------------------ N+1, limits
PAGE_WITH_LINKS = """query($n: Int!) { datasets(first: $n) { nodes { id title publisher { name area { name } }
    sourceSystems { name operator { name } } } } }"""


def test_a_page_of_datasets_with_publishers_and_systems_costs_a_bounded_number_of_queries(
        demo_server: Server) -> None:
    def store_queries(n: int) -> int:
        body = gql(demo_server, PAGE_WITH_LINKS, ADMIN_TOKEN, n=n)
        assert not body.get("errors") and len(body["data"]["datasets"]["nodes"]) == n
        assert sum(bool(d["sourceSystems"]) for d in body["data"]["datasets"]["nodes"]) > 0 or n < 100
        return body["extensions"]["storeQueries"]

    small, large = store_queries(10), store_queries(100)
    assert large == small <= 7, (small, large)


def test_fragments_aliases_and_links_below_custom_resolvers_give_the_plain_answer(demo_server: Server) -> None:
    plain = data(demo_server, """{ datasets(first: 40) { nodes { id title publisher { id name area { name } }
        derivedFrom { id title } } } }""", ADMIN_TOKEN)["datasets"]["nodes"]
    dressed = data(demo_server, """fragment Pub on Department { id name }
        { datasets(first: 40) { edges { node { ... on Dataset { id title } a: publisher { ...Pub }
          b: publisher { area { name } } derivedFrom { ... on Node { id } title } } } } }""",
                   ADMIN_TOKEN)["datasets"]["edges"]
    assert [d["node"]["id"] for d in dressed] == [d["id"] for d in plain]
    assert any(d["derivedFrom"] for d in plain) and all(d["publisher"] for d in plain)
    for edge, expected in zip(dressed, plain, strict=True):
        node = edge["node"]
        assert node["title"] == expected["title"] and node["derivedFrom"] == expected["derivedFrom"]
        assert node["a"] == {"id": expected["publisher"]["id"], "name": expected["publisher"]["name"]}
        assert node["b"] == {"area": expected["publisher"]["area"]}
    # a named fragment on the connection itself, and one on its edges
    spread = data(demo_server, """fragment Page on DatasetConnection { edges { ...Edge } }
        fragment Edge on DatasetEdge { node { id title publisher { name } } }
        { datasets(first: 40) { ...Page } }""", ADMIN_TOKEN)["datasets"]["edges"]
    assert [(e["node"]["id"], e["node"]["title"], e["node"]["publisher"]["name"]) for e in spread] == [
        (d["id"], d["title"], d["publisher"]["name"]) for d in plain]
    # a data element's dataset is a custom resolver: the links below it are loaded by the batch loaders
    dataset = next(d for d in plain if d["publisher"])
    elements = data(demo_server, """query($id: String!) { dataset(id: $id) { dataElements { name
        dataset { id publisher { name } } } } }""", ADMIN_TOKEN, id=dataset["id"])["dataset"]["dataElements"]
    assert elements and {(e["dataset"]["id"], e["dataset"]["publisher"]["name"]) for e in elements} == {
        (dataset["id"], dataset["publisher"]["name"])}


def test_an_over_deep_query_is_refused(demo_server: Server) -> None:
    deep = "{ datasets(first: 1) { nodes { " + "derivedFrom { " * 14 + "id" + " }" * 14 + " } } }"
    body = gql(demo_server, deep)
    assert body["data"] is None
    assert "depth" in body["errors"][0]["message"].lower()


def test_an_over_costly_query_is_refused(demo_server: Server) -> None:
    costly = ("{ datasets(first: 500) { nodes { dataElements { concept { datasets { dataElements { name } } } } } } }")
    body = gql(demo_server, costly)
    assert body["data"] is None
    assert "代价" in body["errors"][0]["message"] and "cost" in body["errors"][0]["message"]


def test_graphiql_is_served_to_browsers(demo_server: Server) -> None:
    response = httpx.get(f"{demo_server.url}/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200 and "graphiql" in response.text.lower()


# ------------------------------------------------------------------------------------------ visibility
def test_anonymous_callers_see_no_hidden_dataset_or_system(demo_server: Server) -> None:
    hidden = data(demo_server, '{ datasets(first: 50, filter: {openType: "不予开放"}) { totalCount nodes { id } } }',
                  ADMIN_TOKEN)["datasets"]
    assert hidden["totalCount"] > 0
    anonymous = data(demo_server, '{ datasets(filter: {openType: "不予开放"}) { totalCount } systems { totalCount }'
                                  ' loadRuns { totalCount } }')
    assert anonymous == {"datasets": {"totalCount": 0}, "systems": {"totalCount": 0}, "loadRuns": {"totalCount": 0}}
    for node in hidden["nodes"][:10]:
        found = data(demo_server, """query($id: String!) { dataset(id: $id) { id } entity(id: $id) { __typename }
            lineage(id: $id) { root } path(from: $id, to: $id) { kind } }""", id=node["id"])
        assert found == {"dataset": None, "entity": None, "lineage": None, "path": None}
    # links from visible entities to hidden ones are not followed, forward or reverse (the administrator's
    # answer to the same query shows there are such links to leave out)
    links = ("{ services(first: 500) { nodes { id datasets { id openType { code } } systems { id } } }"
             " departments(first: 500) { nodes { id datasets { id openType { code } } } } }")
    public, full = data(demo_server, links), data(demo_server, links, ADMIN_TOKEN)
    for answer in (public, full):
        answer["closed"] = sum(d["openType"]["code"] == "open-type-closed" for kind in ("services", "departments")
                               for n in answer[kind]["nodes"] for d in n["datasets"])
        answer["systems"] = sum(len(s["systems"]) for s in answer["services"]["nodes"])
    assert public["closed"] == 0 < full["closed"]
    assert public["systems"] == 0 < full["systems"]


def test_staff_see_shared_datasets_but_not_unshared_ones(demo_server: Server) -> None:
    staff = data(demo_server, '{ shared: datasets(filter: {openType: "不予开放", sharingType: "无条件共享"})'
                              ' { totalCount } unshared: datasets(filter: {sharingType: "不予共享"}) { totalCount }'
                              ' systems { totalCount } }', STAFF_TOKEN)
    admin = data(demo_server, '{ unshared: datasets(filter: {sharingType: "不予共享"}) { totalCount } }', ADMIN_TOKEN)
    assert staff["shared"]["totalCount"] > 0 and staff["systems"]["totalCount"] == 574
    assert staff["unshared"]["totalCount"] == 0 < admin["unshared"]["totalCount"]


# ------------------------------------------------------------------------------------------ lineage
def test_lineage_of_an_indicator_reaches_its_service_items_systems_and_departments(demo_server: Server) -> None:
    indicators = data(demo_server, '{ indicators(first: 30, filter: {text: "YCSZ"}) { nodes { id computable } } }')
    indicator = next(i["id"] for i in indicators["indicators"]["nodes"] if i["computable"])
    graph = data(demo_server, """query($id: String!) { lineage(id: $id, direction: UPSTREAM, depth: 3, perHop: 1000) {
        root truncated nodes { id types depth label } edges { source target kind label } } }""", STAFF_TOKEN,
                 id=indicator)["lineage"]
    types = Counter(t for n in graph["nodes"] for t in n["types"])
    kinds = Counter(e["kind"] for e in graph["edges"])
    assert types[SERVICE] > 0 and types[SYSTEM] > 0 and types[DEPARTMENT] > 0 and types[DATASET] > 0
    assert {"MEASURED_BY", "HANDLES", "FEEDS"} <= set(kinds)
    assert {"OPERATES", "COMPETENT_FOR"} & set(kinds)
    ids = {n["id"] for n in graph["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in graph["edges"])
    # a system reached is upstream of a service counted by the indicator
    services = {e["source"] for e in graph["edges"] if e["kind"] == "MEASURED_BY"}
    assert any(e["kind"] == "HANDLES" and e["target"] in services for e in graph["edges"])
    # the same walk asked through a fragment describes the same nodes
    spread = data(demo_server, """fragment Walk on LineageGraph { nodes { id types depth label } }
        query($id: String!) { lineage(id: $id, direction: UPSTREAM, depth: 3, perHop: 1000) { ...Walk } }""",
                  STAFF_TOKEN, id=indicator)["lineage"]
    assert spread["nodes"] == graph["nodes"]
    # anonymous callers get the same walk without the systems (staff only)
    public = data(demo_server, """query($id: String!) { lineage(id: $id, direction: UPSTREAM, depth: 3, perHop: 1000)
        { nodes { types } } }""", id=indicator)["lineage"]
    assert not any(SYSTEM in n["types"] for n in public["nodes"]) and len(public["nodes"]) < len(graph["nodes"])


def most_used_system(server: Server) -> str:
    systems = data(server, "{ systems(first: 500) { nodes { id datasets { id } services { id } } } }",
                   ADMIN_TOKEN)["systems"]["nodes"]
    return max(systems, key=lambda s: (len(s["datasets"]) + len(s["services"]), s["id"]))["id"]


def test_impact_of_a_system_lists_what_breaks_with_paths(demo_server: Server) -> None:
    system = most_used_system(demo_server)
    report = data(demo_server, """query($id: String!) { impact(systemId: $id) { system truncated datasetCount
        serviceCount indicatorCount affected { node { id types depth } path { source target kind } } } }""",
                  ADMIN_TOKEN, id=system)["impact"]
    assert report["datasetCount"] > 0 and report["serviceCount"] > 0
    for field, cls in (("datasetCount", "http://www.w3.org/ns/dcat#Dataset"),
                       ("serviceCount", "http://purl.org/vocab/cpsv#PublicService"),
                       ("indicatorCount", "https://w3id.org/yuanshu/ns#Indicator")):
        assert report[field] == sum(cls in a["node"]["types"] for a in report["affected"]), field
    counts_only = data(demo_server, """query($id: String!) { impact(systemId: $id) { datasetCount serviceCount
        indicatorCount } }""", ADMIN_TOKEN, id=system)["impact"]
    assert counts_only == {k: report[k] for k in ("datasetCount", "serviceCount", "indicatorCount")}
    through_fragment = data(demo_server, """fragment Report on ImpactReport { datasetCount serviceCount
        indicatorCount affected { node { id types } } } query($id: String!) { impact(systemId: $id) { ...Report } }""",
                            ADMIN_TOKEN, id=system)["impact"]
    assert {k: through_fragment[k] for k in counts_only} == counts_only
    assert [a["node"] for a in through_fragment["affected"]] == [
        {"id": a["node"]["id"], "types": a["node"]["types"]} for a in report["affected"]]
    for affected in report["affected"]:
        path = affected["path"]
        assert path[0]["source"] == system and path[-1]["target"] == affected["node"]["id"]
        assert all(a["target"] == b["source"] for a, b in itertools.pairwise(path))
        assert len(path) == affected["node"]["depth"]
    direct = data(demo_server, """query($id: String!) { system(id: $id) { datasets { id } services { id } } }""",
                  ADMIN_TOKEN, id=system)["system"]
    affected_ids = {a["node"]["id"] for a in report["affected"]}
    assert {d["id"] for d in direct["datasets"]} | {s["id"] for s in direct["services"]} <= affected_ids
    assert report["truncated"] is False
    capped = data(demo_server, """query($id: String!) { impact(systemId: $id, limit: 5) { truncated
        affected { node { depth } } } }""", ADMIN_TOKEN, id=system)["impact"]
    assert capped["truncated"] is True and len(capped["affected"]) == 5
    assert max(a["node"]["depth"] for a in capped["affected"]) == 1, "the nearest come first"
    # the path query finds a path as short as impact's
    far = max(report["affected"], key=lambda a: len(a["path"]))
    path = data(demo_server, """query($a: String!, $b: String!) { path(from: $a, to: $b) { source target kind } }""",
                ADMIN_TOKEN, a=system, b=far["node"]["id"])["path"]
    assert len(path) == len(far["path"]) and path[0]["source"] == system


def test_observation_provenance_reaches_the_source_files_sha256(demo_server: Server) -> None:
    indicators = data(demo_server, """{ indicators(first: 30) { nodes { code observations { value numerator
        denominator datasets { id } loadRuns { sourceFile { name sha256 } } } } } }""",
                      ADMIN_TOKEN)["indicators"]["nodes"]
    observed = [i for i in indicators if i["observations"]]
    assert len(observed) >= 8
    for indicator in observed:
        latest = indicator["observations"][0]
        assert latest["loadRuns"] and latest["datasets"]
        for run in latest["loadRuns"]:
            source = demo_server.home / "demo" / run["sourceFile"]["name"]
            assert hashlib.sha256(source.read_bytes()).hexdigest() == run["sourceFile"]["sha256"]


# ------------------------------------------------------------------------------------------ cycles
def test_a_cycle_in_derived_from_links_terminates(runtime: Runtime, tmp_path: Path) -> None:
    common = ["河源市民政局", "市直", "民政", "csv", "姓名", "无条件共享", "无条件开放", "每月", "2021-03-01", ""]
    rows = [["441600-A-1", "甲", *common, "441600-A-3", ""], ["441600-A-2", "乙", *common, "441600-A-1", ""],
            ["441600-A-3", "丙", *common, "441600-A-2", ""]]
    runtime.load([write_csv(tmp_path / "cycle.csv", CATALOG_HEADER, rows)])
    first = runtime.minter.dataset("441600-A-1")
    graph = walks.lineage(runtime.store, first, ANONYMOUS, direction=walks.Direction.BOTH, depth=10)
    assert graph is not None
    datasets = {runtime.minter.dataset(f"441600-A-{i}") for i in (1, 2, 3)}
    assert datasets <= set(graph.nodes)
    assert Counter(e.kind for e in graph.edges if e.kind != "PUBLISHES") == {"DERIVES": 3}
    path = walks.shortest_path(runtime.store, first, runtime.minter.dataset("441600-A-3"), ANONYMOUS)
    assert path is not None and [e.kind for e in path] == ["DERIVES", "DERIVES"]


def test_a_cursor_from_before_a_load_is_refused_not_silently_skipping(runtime: Runtime, tmp_path: Path) -> None:
    from graph_api.graphql.data import GraphReader
    from graph_api.graphql.pages import InputError, fetch_page

    common = ["河源市民政局", "市直", "民政", "csv", "姓名", "无条件共享", "无条件开放", "每月", "2021-03-01",
              "", "", ""]
    rows = [[f"441600-B-{i}", f"数据{i}", *common] for i in range(5)]
    runtime.load([write_csv(tmp_path / "first.csv", CATALOG_HEADER, rows)])
    reader = GraphReader(runtime.store, ANONYMOUS)
    page = fetch_page(reader, "http://www.w3.org/ns/dcat#Dataset", [], 2, None)
    rest = fetch_page(reader, "http://www.w3.org/ns/dcat#Dataset", [], 10, page.cursor(1))
    assert len(page.iris) == 2 and len(rest.iris) == 3 and not set(page.iris) & set(rest.iris)
    runtime.load([write_csv(tmp_path / "second.csv", CATALOG_HEADER, [["441600-C-1", "新", *common]])])
    with pytest.raises(InputError, match="重新分页"):
        fetch_page(reader, "http://www.w3.org/ns/dcat#Dataset", [], 10, page.cursor(1))


def test_search_field_uses_the_index_with_the_callers_visibility(demo_server: Server) -> None:
    query = """query($q: String!) { search(q: $q, facets: [OPEN_TYPE, TYPE], first: 50, highlight: true) {
        total hits { id type title highlights { field text } entity { __typename } }
        facets { facet title values { value label count } } } }"""
    anonymous = data(demo_server, query, q="社保")["search"]
    admin = data(demo_server, query, ADMIN_TOKEN, q="社保")["search"]
    assert 0 < anonymous["total"] < admin["total"]
    assert anonymous["hits"] and all(h["entity"] is not None for h in anonymous["hits"])
    open_types = {v["value"] for f in anonymous["facets"] if f["facet"] == "OPEN_TYPE" for v in f["values"]}
    assert open_types and not any(v.endswith("open-type-closed") for v in open_types)
    assert any("<em>" in h["text"] for hit in anonymous["hits"] for h in hit["highlights"])
    rest = httpx.get(f"{demo_server.url}/api/search", params={"q": "社保"}).json()
    assert rest["total"] == anonymous["total"]
    bad = gql(demo_server, "{ search(first: 100000) { total } }")
    assert bad["errors"] and "limit" in bad["errors"][0]["message"]

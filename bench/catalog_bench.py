"""Latency of the DCAT catalog pages and of dereferencing, beside plain SPARQL on the same store.

    python -m bench.catalog_bench [--scales 1 10] [--requests 30]

For each scale the demo generator writes CSV files and the real loader loads them into a fresh data
directory; the catalog and resource routes then answer requests in-process (FastAPI test client, the
same code as the server). Baselines, measured in the same run on the same store:

* *plain CONSTRUCT*: one ``CONSTRUCT { ?s ?p ?o }`` of the same page's datasets serialised as Turtle
  with no visibility rule and no DCAT-AP mapping — the floor a page can cost;
* *SPARQL ORDER BY paging*: the visible members of one page chosen by ``ORDER BY ... LIMIT/OFFSET`` in
  SPARQL, against :class:`graph_api.catalog.MemberIndex` (fetch, sort in Python, remembered per store state).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[max(0, round(0.95 * len(ordered)) - 1)] * 1000


def timed(call: Callable[[], object], times: int) -> list[float]:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def run(scale: float, requests: int, root: Path) -> list[tuple[str, float, float]]:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from graph_api import catalog
    from graph_api.resources import resource_router
    from tests.conftest import ADMIN_TOKEN, auth
    from yuanshu.config import Settings
    from yuanshu.demo import generate
    from yuanshu.runtime import Runtime
    from yuanshu.visibility import ANONYMOUS

    files = generate(root / "files", scale=scale, formats="csv")
    runtime = Runtime.open(Settings(home=root / "data", api_tokens={ADMIN_TOKEN: "admin"}))
    runtime.loader().load(files)
    app = FastAPI()
    app.state.runtime = runtime
    app.include_router(catalog.router)
    app.include_router(resource_router(runtime.settings.base_iri))
    client = TestClient(app)
    store, rng = runtime.store, random.Random(7)
    datasets = catalog.MEMBERS.members(store, ANONYMOUS, str(catalog.DCAT.Dataset))
    pages = max(1, len(datasets) // 100)
    rows: list[tuple[str, float, float]] = []

    def page(path: str, size: int, headers: dict[str, str] | None = None) -> Callable[[], object]:
        def call() -> object:
            response = client.get(f"{path}?pageSize={size}&page={rng.randint(1, max(1, pages * 100 // size))}",
                                  headers=headers)
            assert response.status_code == 200, response.text
            return response
        return call

    catalog.MEMBERS = catalog.MemberIndex()  # cold: the first request fetches and sorts the members
    rows.append(("/catalog first request (member list cold)", *percentiles(timed(page("/catalog", 100), 1))))
    rows.append(("/catalog page of 100, anonymous", *percentiles(timed(page("/catalog", 100), requests))))
    admin = auth(ADMIN_TOKEN)
    rows.append(("/catalog page of 100, administrator", *percentiles(timed(page("/catalog", 100, admin), requests))))
    rows.append(("/catalog page of 1000, anonymous", *percentiles(timed(page("/catalog", 1000), 5))))
    rows.append(("/catalog/services page of 100", *percentiles(timed(page("/catalog/services", 100), requests))))

    def floor() -> object:
        start = rng.randint(0, max(0, len(datasets) - 100))
        values = " ".join(f"<{d}>" for d in datasets[start:start + 100])
        triples = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}")
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE)
    rows.append(("baseline: plain CONSTRUCT of 100 datasets → Turtle", *percentiles(timed(floor, requests))))

    guard = ANONYMOUS.guard("m")

    def sparql_paging() -> object:
        offset = rng.randint(0, pages - 1) * 100
        return store.select(f"SELECT DISTINCT ?m WHERE {{ ?m a dcat:Dataset . {guard} }} "
                            f"ORDER BY ?m LIMIT 100 OFFSET {offset}")

    def index_paging() -> object:
        catalog.MEMBERS = catalog.MemberIndex()
        return catalog.MEMBERS.members(store, ANONYMOUS, str(catalog.DCAT.Dataset))[:100]
    rows.append(("baseline: one page's members by SPARQL ORDER BY/OFFSET", *percentiles(timed(sparql_paging, 10))))
    rows.append(("member index, cold (fetch all + sort in Python)", *percentiles(timed(index_paging, 10))))

    def dereference(accept: str) -> Callable[[], object]:
        def call() -> object:
            path = "/" + rng.choice(datasets).split("/", 3)[3]
            response = client.get(path, headers={"Accept": accept})
            assert response.status_code == 200
            return response
        return call
    rows.append(("dereference a dataset, Turtle", *percentiles(timed(dereference("text/turtle"), requests))))
    rows.append(("dereference a dataset, HTML page", *percentiles(timed(dereference("text/html"), requests))))
    runtime.close()
    print(f"scale ×{scale:g}: {len(datasets)} datasets visible to the public")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0])
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    for scale in args.scales:
        with tempfile.TemporaryDirectory(prefix="catalog-bench-") as tmp:
            rows = run(scale, args.requests, Path(tmp))
        print("| scale | request | p50 ms | p95 ms |\n|---|---|---|---|")
        for name, p50, p95 in rows:
            print(f"| ×{scale:g} | {name} | {p50:.0f} | {p95:.0f} |")


if __name__ == "__main__":
    main()

"""GraphQL latency beside hand-written SPARQL answering the same question on the same store, same run.

    python -m bench.graph_api_bench [--scale 100] [--runs 50] [--out bench/out]

Builds (once, cached in ``<out>/graph-home-<scale>``) a data directory with the demo data at the given
scale, loaded by the real loader. Then, in one process on that store, times three questions, each asked
as a GraphQL query (executed by the real schema, with an administrator's context: batching, guard,
resolvers, serialisation — no HTTP) and as one hand-written SPARQL query on the same pyoxigraph store:

1. a depth-5 upstream lineage of a derived dataset (nodes with types and labels; the SPARQL is the
   upstream closure ``<root> (p1|…|p5)* ?n``, which reaches the same nodes here — written as five
   optional steps ``(…)?/(…)?/…`` Oxigraph took 14 s at ×100);
2. a 100-item dataset page with nested publishers;
3. ``impact`` of the most-used system (every transitive dependant; GraphQL asked for the nodes only, as
   the SPARQL property path gives no paths).

Runs of the two (and of the floor below) are taken in turns. Prints p50/p95 for each and the GraphQL/SPARQL
ratio of the p50s, and beside them the *executor floor*: graphql-core executing the same document over the
same answer already in memory (a schema built from the real schema's SDL, default resolvers, no store) —
what GraphQL execution costs before reading anything.
``floor ratio`` = (floor + SPARQL) / SPARQL is the ratio GraphQL would have if its store reads cost no
more than the one hand-written query.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import multiprocessing
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graphql import build_schema as schema_from_sdl
from graphql import execute_sync, parse

from graph_api.graphql.data import GraphReader
from graph_api.graphql.schema import build_schema
from graph_api.graphql.types import Context
from yuanshu.config import Settings
from yuanshu.demo import generate
from yuanshu.runtime import Runtime
from yuanshu.visibility import ADMIN

UPSTREAM = "(prov:wasDerivedFrom|ys:sourceSystem|dct:publisher|ys:dependsOn|ys:operatedBy)"
DEPENDANTS = "(^ys:dependsOn|^ys:sourceSystem|^ys:handledBy|^prov:wasDerivedFrom|^ys:usesDataset)"


def build(out: Path, scale: float) -> Settings:
    home = out / f"graph-home-{scale:g}"
    settings = Settings(home=home)
    if (home / "built").exists():
        return settings
    files = generate(out / f"scale-{scale:g}", scale=scale, formats="csv")
    runtime = Runtime.open(settings, refresh=False)
    started = time.perf_counter()
    runtime.loader(agent="bench").load(files)
    runtime.close()
    (home / "built").write_text(f"loaded in {time.perf_counter() - started:.0f} s\n")
    return settings


def pick_subjects(settings: Settings) -> tuple[str, str, int, int]:
    """The lineage root (the dataset with the most derived-from ancestors), the most-used system, its direct
    dependants and the number of datasets. Run in a child process: these aggregations sweep the whole store,
    and afterwards every query in the same process ran up to twice as slowly (measured at ×100, both sides) —
    the server never runs such a query in its own process (SPARQL requests run in worker processes)."""
    runtime = Runtime.open(settings, refresh=False)
    store = runtime.store
    derived = store.select("""SELECT ?d (COUNT(DISTINCT ?up) AS ?n) WHERE {
        ?d prov:wasDerivedFrom/prov:wasDerivedFrom ?up . ?d a dcat:Dataset } GROUP BY ?d ORDER BY DESC(?n) STR(?d)
        LIMIT 1""")[0]["d"].value
    system = store.select("""SELECT ?s (COUNT(?x) AS ?n) WHERE { ?s a ys:InformationSystem .
        { ?x ys:sourceSystem ?s } UNION { ?x ys:handledBy ?s } } GROUP BY ?s ORDER BY DESC(?n) STR(?s) LIMIT 1""")[0]
    datasets = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?d a dcat:Dataset }")[0]["n"].value
    runtime.close()
    return derived, system["s"].value, int(system["n"].value), int(datasets)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def interleaved(fns: list[Callable[[], Any]], runs: int) -> list[list[float]]:
    """Times (ms) of ``runs`` runs of each (warmed-up) function, taken in turns, one of each per round, so that
    all of them see the same machine: this VM's speed drifts by ±20% within minutes."""
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, times in zip(fns, samples, strict=True):
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=100)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--only", nargs="*", type=int, help="question numbers (1 lineage, 2 page, 3 impact)")
    parser.add_argument("--out", type=Path, default=Path("bench/out"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    settings = build(args.out, args.scale)
    with multiprocessing.get_context("spawn").Pool(1) as pool:  # see pick_subjects
        derived, system, dependants, datasets = pool.apply(pick_subjects, (settings,))
    runtime = Runtime.open(settings, refresh=False)
    store = runtime.store
    schema = build_schema(settings)
    loop = asyncio.new_event_loop()

    def graphql(query: str, **variables: Any) -> dict[str, Any]:
        context = Context(GraphReader(store, ADMIN))
        result = loop.run_until_complete(schema.execute(query, variable_values=variables, context_value=context))
        assert not result.errors, result.errors
        assert result.data is not None
        return result.data

    def sparql(query: str) -> list[dict[str, Any]]:
        return store.select(query)

    in_memory = schema_from_sdl(str(schema))  # the same types, default resolvers: reads the answer given

    def executor_floor(query: str, variables: dict[str, Any], answer: dict[str, Any]) -> Callable[[], Any]:
        document = parse(query)
        check = execute_sync(in_memory, document, root_value=answer, variable_values=variables)
        assert not check.errors and check.data == answer, check.errors  # the same document, the same answer
        return lambda: execute_sync(in_memory, document, root_value=answer, variable_values=variables)

    print(f"scale ×{args.scale:g}: {len(store):,} quads, {datasets:,} datasets; {args.runs} runs each")
    print(f"lineage root {derived}; most-used system {system} ({dependants:,} direct dependants)")

    lineage_query = """query($id: String!) { lineage(id: $id, direction: UPSTREAM, depth: 5, perHop: 1000) {
        nodes { id label types depth } edges { source target kind } } }"""
    page_query = "{ datasets(first: 100) { nodes { id title publisher { id name } } } }"
    impact_query = "query($id: String!) { impact(systemId: $id, limit: 1000000) { affected { node { id } } } }"
    questions: list[tuple[str, str, dict[str, Any], Callable[[], Any], Callable[[Any, Any], str]]] = [
        ("depth-5 lineage (upstream)", lineage_query, {"id": derived},
         lambda: sparql(f"""SELECT ?n ?type ?label WHERE {{
            {{ SELECT DISTINCT ?n WHERE {{ <{derived}> {UPSTREAM}* ?n }} }}
            {{ ?n a ?type }} UNION {{ ?n dct:title|skos:prefLabel ?label }} }}"""),
         lambda g, s: f"{len(g['lineage']['nodes'])} nodes / {len({r['n'].value for r in s})} nodes"),
        ("100 datasets with publishers", page_query, {},
         lambda: sparql("""SELECT ?d ?title ?p ?name WHERE { { SELECT ?d WHERE { ?d a dcat:Dataset } LIMIT 100 }
            ?d dct:title ?title . OPTIONAL { ?d dct:publisher ?p . ?p skos:prefLabel ?name } }"""),
         lambda g, s: f"{len(g['datasets']['nodes'])} rows / {len({r['d'].value for r in s})} rows"),
        ("impact of the most-used system", impact_query, {"id": system},
         lambda: sparql(f"""SELECT DISTINCT ?n WHERE {{ <{system}> {DEPENDANTS}+ ?n }}"""),
         lambda g, s: f"{len(g['impact']['affected'])} affected / {len(s)} affected"),
    ]
    print(f"\n{'question':34} {'GraphQL p50':>11} {'p95':>8} {'SPARQL p50':>11} {'p95':>8} {'ratio':>6}"
          f" {'floor p50':>10} {'floor ratio':>11}  answers")
    for number, (name, query, variables, ask_sparql, answers) in enumerate(questions, 1):
        if args.only and number not in args.only:
            continue
        ask_graphql = functools.partial(graphql, query, **variables)
        g_result, s_result = ask_graphql(), ask_sparql()  # the answers, and the warm-up
        g_samples, s_samples, f_samples = interleaved(
            [ask_graphql, ask_sparql, executor_floor(query, variables, g_result)], args.runs)
        (g50, g95), (s50, s95), (f50, _) = percentiles(g_samples), percentiles(s_samples), percentiles(f_samples)
        print(f"{name:34} {g50:9.1f}ms {g95:6.1f}ms {s50:9.1f}ms {s95:6.1f}ms {g50 / s50:6.2f}"
              f" {f50:8.2f}ms {(f50 + s50) / s50:11.2f}  {answers(g_result, s_result)}")
    runtime.close()


if __name__ == "__main__":
    main()

"""Search benchmark: index build time, query latency (raw engine and through the HTTP API) and sustained
queries per second, at 100k and 1M indexed documents; and the embedded engine choice (tantivy vs SQLite FTS5).

Documents: the Heyuan demo generated at the scale that gives ``--base`` documents (default 100k; ≈ ×14) is
loaded into a real graph and read back with :mod:`search.documents`. Larger sizes replicate those graph
records with fresh IRIs and codes (``…/copy-N``) — loading the demo at ×140 through the graph would take
about an hour and the generator at that scale only repeats the same templates more often — and every copy
is analysed again by the real document builder (with its caches, as a real re-index would be).

Queries (all as an anonymous caller, so the visibility filter is always part of the query):

* common — frequent words (信息, 登记, 许可, 服务);
* rare — words in a handful of documents (古树名木, 雷电防护, 犬类, 殡葬);
* filtered — a common word with type, area and 开放类型 filters;
* faceted — the portal's search page: each of the 60 judged queries (tests/search_judgments.json: 社保,
  不动产登记, 公积金贷款, …) with counts of seven facets;
* faceted-common — the worst case: a word in a fifth of all documents (信息, 登记, …) with seven facet counts;
* faceted-all — no text, counts of seven facets over everything visible (the portal's landing page).

Sustained queries/s are measured for two mixes: *typical* (the faceted judged queries) and *worst case*
(common, rare, filtered and faceted-common queries in equal parts).

Raw engine: ``EmbeddedBackend.search`` in this process — sequential queries for latency, and one thread
per core for ``--seconds`` for its sustained ceiling (no HTTP). HTTP floor: the same server answering an
empty result without searching (asked after every fourth query), so ``(floor + raw) / raw`` is the API/raw
ratio a query would have if the API cost nothing beyond serving HTTP. HTTP: ``GET /api/search`` on a uvicorn
server (one process, the real search router and backend) in a subprocess, from a minimal keep-alive
asyncio client — sequential requests for latency, ``--connections`` concurrent ones for ``--seconds`` for
throughput. Client and server share the machine's two cores.

Run::

    .venv/bin/python -m bench.search_bench --sizes 100000 1000000
    .venv/bin/python -m bench.search_bench --sizes 100000 1000000 --engines 100000   # + SQLite FTS5 at 100k
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from search.analysis import get_analyzer
from search.backend import Facet, SearchDocument, SearchQuery
from search.documents import Labels, Record, build_document, iter_records, names_for_dictionary
from search.embedded import EmbeddedBackend
from yuanshu.visibility import ANONYMOUS

DOCS_AT_SCALE_1 = 7286  # documents the scale-1 demo yields
FACETS = (Facet.TYPE, Facet.PUBLISHER, Facet.AREA, Facet.THEME, Facet.FORMAT, Facet.OPEN_TYPE, Facet.FREQUENCY)
OPEN = "https://w3id.org/yuanshu/code/open-type-unconditional"
COMMON = ("信息", "登记", "许可", "服务")
RARE = ("古树名木", "雷电防护", "犬类", "殡葬")


@dataclasses.dataclass(frozen=True)
class Case:
    kind: str
    params: dict[str, object]  # API parameters (also turned into a SearchQuery)
    share: float = 1.0  # runs per round (the 60 judged queries run a tenth as often as the others)

    def query(self) -> SearchQuery:
        p = self.params
        filters = {Facet(k): (str(v),) for k, v in p.items() if k in Facet._value2member_map_}
        facets = tuple(Facet(f) for f in str(p.get("facets", "")).split(",") if f)
        return SearchQuery(text=str(p.get("q", "")), filters=filters, facets=facets, limit=int(p.get("size", 10)))


def cases(area: str) -> list[Case]:
    from bench.relevance_bench import load_judgments

    facets = ",".join(FACETS)
    return ([Case("common", {"q": q, "size": 10}) for q in COMMON]
            + [Case("rare", {"q": q, "size": 10}) for q in RARE]
            + [Case("filtered", {"q": q, "type": "dataset", "area": area, "open_type": OPEN, "size": 10})
               for q in COMMON]
            + [Case("faceted", {"q": j.q, "facets": facets, "size": 10}, share=0.1) for j in load_judgments()]
            + [Case("faceted-common", {"q": q, "facets": facets, "size": 10}) for q in COMMON]
            + [Case("faceted-all", {"facets": facets, "size": 10})])


def scheduled(all_cases: list[Case], rounds: int) -> list[Case]:
    """The cases to run, in order, for ``rounds`` rounds (each case ``share × rounds`` times)."""
    out: list[Case] = []
    for r in range(rounds):
        out += [c for i, c in enumerate(all_cases) if (r * len(all_cases) + i) % round(1 / c.share) == 0]
    return out


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(values: Sequence[float]) -> str:
    return (f"p50 {percentile(values, 50):7.2f}  p95 {percentile(values, 95):7.2f}  "
            f"p99 {percentile(values, 99):7.2f} ms")


# ------------------------------------------------------------------------------------------------ documents
def graph_records(home: Path, base: int) -> tuple[list[Record], Labels, float]:
    """Generate and load the demo at the scale giving ``base`` documents; returns its records, labels and the
    load time."""
    from yuanshu.config import Settings
    from yuanshu.demo import generate
    from yuanshu.runtime import Runtime

    scale = max(1.0, base / DOCS_AT_SCALE_1)
    runtime = Runtime.open(Settings(home=home))
    files = generate(home / "demo", scale=scale, formats="csv")
    started = time.perf_counter()
    runtime.loader().load(files)
    loaded = time.perf_counter() - started
    records = list(iter_records(runtime.store))
    labels = Labels.load(runtime.store)
    runtime.close()
    return records, labels, loaded


def replicate(records: Sequence[Record], n: int) -> Iterator[Record]:
    """``n`` records: the graph's, then copies with their own IRIs and codes."""
    for i in range(n):
        record = records[i % len(records)]
        copy = i // len(records)
        if copy == 0:
            yield record
            continue
        values = dict(record.values)
        values["identifier"] = [f"{v}-C{copy}" for v in values.get("identifier", ())]
        yield Record(f"{record.iri}/copy-{copy}", record.kind, values)


def documents(records: Iterator[Record], labels: Labels) -> Iterator[SearchDocument]:
    analyzer = get_analyzer()
    for record in records:
        yield build_document(record, labels, analyzer, record.source_hash(labels))


# ---------------------------------------------------------------------------------------------- raw engine
def raw_latencies(search: Callable[[Case], object], all_cases: list[Case], rounds: int) -> dict[str, list[float]]:
    for case in all_cases:  # warm up
        search(case)
    times: dict[str, list[float]] = {}
    for case in scheduled(all_cases, rounds):
        started = time.perf_counter()
        search(case)
        times.setdefault(case.kind, []).append((time.perf_counter() - started) * 1000)
    return times


def raw_throughput(search: Callable[[Case], object], mix: list[Case], threads: int, seconds: float) -> float:
    """Queries/s the engine itself answers with ``threads`` threads in this process (no HTTP): the ceiling of
    any API in front of it on this machine."""
    deadline = time.perf_counter() + seconds
    done = [0] * threads

    def worker(offset: int) -> None:
        i = offset
        while time.perf_counter() < deadline:
            search(mix[i % len(mix)])
            done[offset] += 1
            i += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(worker, range(threads)))
    return sum(done) / (time.perf_counter() - started)


# ------------------------------------------------------------------------------------------ SQLite FTS5
class Fts5Engine:
    """The same documents in SQLite FTS5 (BM25 with column weights), for the engine choice only.

    Single-valued facets are indexed columns of ``docs`` (filters are column tests, counts GROUP BYs over
    the matches); multi-valued ones (formats, tags) rows of ``facets``."""

    SINGLE = (Facet.TYPE, Facet.PUBLISHER, Facet.AREA, Facet.THEME, Facet.OPEN_TYPE, Facet.SHARING_TYPE,
              Facet.FREQUENCY)

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        columns = ", ".join(f"{f.value} TEXT" for f in self.SINGLE)
        self.db.executescript(f"""
            PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
            CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize = "unicode61 remove_diacritics 0");
            CREATE TABLE docs (id INTEGER PRIMARY KEY, payload TEXT, audience TEXT, {columns});
            CREATE TABLE facets (id INTEGER, name TEXT, value TEXT);
        """)

    def build(self, docs: Iterator[SearchDocument]) -> int:
        count = 0
        marks = ", ".join("?" * (3 + len(self.SINGLE)))
        for i, doc in enumerate(docs, start=1):
            self.db.execute("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)", (i, doc.title_tokens,
                                                                                   doc.text_tokens))
            single = [(doc.facets.get(f) or [None])[0] for f in self.SINGLE]
            self.db.execute(f"INSERT INTO docs VALUES ({marks})",
                            (i, json.dumps({"iri": doc.iri, "title": doc.title}),
                             doc.audiences[0] if doc.audiences else "", *single))
            self.db.executemany("INSERT INTO facets VALUES (?, ?, ?)",
                                [(i, str(f), v) for f, values in doc.facets.items() if f not in self.SINGLE
                                 for v in values])
            count = i
        self.db.executescript("CREATE INDEX facets_by_id ON facets(id, name, value); "
                              "CREATE INDEX docs_audience ON docs(audience, type, area, open_type); ANALYZE;")
        self.db.commit()
        return count

    def search(self, case: Case) -> object:
        query = case.query()
        terms = [g.alternatives[0][0] for g in get_analyzer().parse_query(query.text).groups]
        conditions = ["d.audience = 'https://w3id.org/yuanshu/code/audience-public'"]
        args: list[object] = []
        for facet, values in query.filters.items():
            conditions.append(f"d.{facet.value} = ?")
            args.append(values[0])
        if terms:
            match = " AND ".join(f'"{t}"' for t in terms)
            matched = (f"SELECT d.id, bm25(fts, 3.0, 1.0) AS score FROM fts JOIN docs d ON d.id = fts.rowid "
                       f"WHERE fts MATCH ? AND {' AND '.join(conditions)}")
            args = [match, *args]
        else:
            matched = f"SELECT d.id, 0 AS score FROM docs d WHERE {' AND '.join(conditions)}"
        self.db.execute("DROP TABLE IF EXISTS temp.hits")
        self.db.execute(f"CREATE TEMP TABLE hits AS {matched}", args)
        top = self.db.execute("SELECT d.payload FROM hits h JOIN docs d ON d.id = h.id ORDER BY h.score LIMIT ?",
                              (query.limit,)).fetchall()
        total = self.db.execute("SELECT count(*) FROM hits").fetchone()[0]
        facets = {}
        for f in query.facets:
            if f in self.SINGLE:
                sql = (f"SELECT d.{f.value}, count(*) AS n FROM hits h JOIN docs d ON d.id = h.id "
                       f"GROUP BY d.{f.value} ORDER BY n DESC LIMIT 50")
                facets[f] = self.db.execute(sql).fetchall()
            else:
                facets[f] = self.db.execute("SELECT value, count(*) AS n FROM hits h JOIN facets x ON x.id = h.id "
                                            "AND x.name = ? GROUP BY value ORDER BY n DESC LIMIT 50",
                                            (str(f),)).fetchall()
        return top, total, facets


# -------------------------------------------------------------------------------------------------- HTTP
def serve(index: Path, dictionary: Path, port: int) -> None:
    """The server side (run in a subprocess): the search router over the benchmark's index."""
    from types import SimpleNamespace

    import uvicorn
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse

    from graph_api.search_api import router
    from yuanshu.config import Settings

    get_analyzer().add_words(dictionary.read_text(encoding="utf-8").splitlines())
    app = FastAPI()
    app.include_router(router)

    @app.get(FLOOR_PATH)
    async def floor() -> JSONResponse:  # the same server answering without searching: what HTTP costs
        return JSONResponse({"total": 0, "page": 1, "size": 20, "results": [], "facets": {}})

    app.state.runtime = SimpleNamespace(search=EmbeddedBackend(index), settings=Settings(home=index.parent))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


class Client:
    """A minimal HTTP/1.1 keep-alive client (the load generator must cost the shared cores little)."""

    def __init__(self, port: int) -> None:
        self.port = port

    async def __aenter__(self) -> Client:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        return self

    async def __aexit__(self, *_: object) -> None:
        self.writer.close()

    async def get(self, path: str) -> tuple[int, bytes]:
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        body = await self.reader.readexactly(length)
        return int(status_line.split()[1]), body


def path_of(case: Case) -> str:
    return "/api/search?" + urlencode(case.params)


FLOOR_PATH = "/bench/floor"
HTTP_FLOOR = "http floor"


async def http_latencies(port: int, all_cases: list[Case], rounds: int) -> dict[str, list[float]]:
    """Latencies by query kind, and under :data:`HTTP_FLOOR` those of an answer that searches nothing (an
    empty result from the same server, asked after every fourth query)."""
    times: dict[str, list[float]] = {}
    async with Client(port) as client:
        for case in all_cases:
            await client.get(path_of(case))
        for i, case in enumerate(scheduled(all_cases, rounds)):
            for kind, path in [(case.kind, path_of(case))] + ([(HTTP_FLOOR, FLOOR_PATH)] if i % 4 == 0 else []):
                started = time.perf_counter()
                status, _ = await client.get(path)
                assert status == 200
                times.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    return times


MIXES = {"typical": ("faceted",), "worst case": ("common", "rare", "filtered", "faceted-common")}


async def throughput(port: int, mix: list[Case], connections: int, seconds: float) -> tuple[float, int]:
    paths = [path_of(c) for c in mix]
    done, errors = 0, 0
    deadline = time.perf_counter() + seconds

    async def worker(offset: int) -> None:
        nonlocal done, errors
        async with Client(port) as client:
            i = offset
            while time.perf_counter() < deadline:
                status, _ = await client.get(paths[i % len(paths)])
                done += status == 200
                errors += status != 200
                i += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(connections)))
    return done / (time.perf_counter() - started), errors


def start_server(index: Path, dictionary: Path) -> tuple[subprocess.Popen[bytes], int]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "bench.search_bench", "--serve", str(index), str(dictionary),
                             str(port)])
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            async def ping() -> int:
                async with Client(port) as client:
                    return (await client.get("/api/search?size=0"))[0]

            if asyncio.run(ping()) == 200:
                return proc, port
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("the benchmark server did not start")


# ---------------------------------------------------------------------------------------------------- run
def run_size(n: int, records: list[Record], labels: Labels, work: Path, args: argparse.Namespace) -> None:
    print(f"\n=== {n:,} documents ===", flush=True)
    index = work / f"index-{n}"
    reuse = args.reuse and (index / "meta.sqlite").exists()
    if not reuse:
        shutil.rmtree(index, ignore_errors=True)
    backend = EmbeddedBackend(index)
    if reuse and backend.count() == n:
        print(f"index of {n:,} documents reused from an earlier run (--reuse): build time not measured")
    else:
        started = time.perf_counter()
        built = backend.rebuild(documents(replicate(records, n), labels))
        build_seconds = time.perf_counter() - started
        print(f"index build (analysis + tantivy): {built:,} documents in {build_seconds:.1f} s "
              f"({built / build_seconds:,.0f} docs/s)", flush=True)
    size_mb = sum(f.stat().st_size for f in index.rglob("*") if f.is_file()) / 1e6
    print(f"index on disk: {size_mb:,.0f} MB", flush=True)
    area = next(v for r in records for v in r.values.get("area", ()) if r.kind.type == "dataset")
    all_cases = cases(area)
    mixes = {name: [c for c in all_cases if c.kind in kinds] for name, kinds in MIXES.items()}

    def search(case: Case) -> object:
        return backend.search(case.query(), ANONYMOUS)

    raw = raw_latencies(search, all_cases, args.rounds)
    threads = os.cpu_count() or 1
    raw_rates = {name: raw_throughput(search, mix, threads, args.seconds) for name, mix in mixes.items()}
    compare = n in args.engines
    if compare:
        fts_path = work / f"fts-{n}.sqlite"
        fts_path.unlink(missing_ok=True)
        fts = Fts5Engine(fts_path)
        started = time.perf_counter()
        fts.build(documents(replicate(records, n), labels))
        print(f"SQLite FTS5 build (analysis + FTS5): {time.perf_counter() - started:.1f} s", flush=True)
        fts_times = raw_latencies(fts.search, all_cases, max(1, args.rounds // 4))
    backend.close()
    dictionary = work / "dictionary.txt"
    proc, port = start_server(index, dictionary)
    try:
        http = asyncio.run(http_latencies(port, all_cases, args.rounds))
        rates = {name: asyncio.run(throughput(port, mix, args.connections, args.seconds))
                 for name, mix in mixes.items()}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    floor = statistics.median(http[HTTP_FLOOR])
    print(f"{'query':<12} {'raw engine (tantivy, in process)':<44} {'HTTP API (/api/search)':<44} {'API/raw p50':<11}"
          f" (floor + raw) / raw p50")
    for kind in raw:
        ratio = statistics.median(http[kind]) / statistics.median(raw[kind])
        floor_ratio = (floor + statistics.median(raw[kind])) / statistics.median(raw[kind])
        print(f"{kind:<12} {summary(raw[kind]):<44} {summary(http[kind]):<44} {ratio:<11.2f} {floor_ratio:.2f}")
    print(f"{HTTP_FLOOR:<12} {'':<44} {summary(http[HTTP_FLOOR]):<44} (an empty answer from the same server)")
    if compare:
        print("SQLite FTS5 (same documents, same process):")
        for kind in fts_times:
            ratio = statistics.median(fts_times[kind]) / statistics.median(raw[kind])
            print(f"{kind:<12} {summary(fts_times[kind]):<44} FTS5/tantivy p50 {ratio:.1f}")
    for name, (qps, errors) in rates.items():
        print(f"sustained through HTTP, {name} mix: {qps:,.0f} queries/s with {args.connections} connections for "
              f"{args.seconds:.0f} s, {errors} errors; the raw engine alone, {threads} threads in process: "
              f"{raw_rates[name]:,.0f} queries/s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--base", type=int, default=100_000, help="documents loaded through the graph")
    parser.add_argument("--rounds", type=int, default=50, help="runs of each query for latency")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--engines", type=int, nargs="*", default=[],
                        help="sizes at which to also time SQLite FTS5 on the same documents")
    parser.add_argument("--work", type=Path, help="working directory (default: a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="reuse an index of the right size left in --work")
    parser.add_argument("--serve", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(Path(args.serve[0]), Path(args.serve[1]), int(args.serve[2]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        records, labels, loaded = graph_records(work / "graph", args.base)
        print(f"demo loaded through the graph: {len(records):,} records in {loaded:.0f} s "
              f"(pid {os.getpid()}, {os.cpu_count()} cores)", flush=True)
        names = names_for_dictionary(records)
        get_analyzer().add_words(names)
        (work / "dictionary.txt").write_text("\n".join(sorted(names)), encoding="utf-8")
        for n in args.sizes:
            run_size(n, records, labels, work, args)


if __name__ == "__main__":
    main()

"""Running SPARQL queries with a hard time limit: worker processes that are killed when a query overruns.

pyoxigraph evaluates a query in Rust and cannot be interrupted from Python, so each query runs in a worker
process that opens the store read-only (a consistent snapshot, reopened when the store's generation
changes). The parent waits at most the time limit for the answer; a worker that overruns is killed and
replaced, and the caller gets :class:`QueryTimeoutError`.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

import pyoxigraph as ox

from ontology.namespaces import PREFIXES

MAX_RESULT_BYTES = 64 * 1024 * 1024


class QueryTimeoutError(RuntimeError):
    """The query ran longer than the time limit and was stopped."""


class QueryFailedError(ValueError):
    """The query is invalid or failed (syntax error, unsupported feature, result too large)."""


@dataclass(frozen=True)
class QueryJob:
    """One query: which store snapshot, which graphs, and the preferred result formats."""

    store_path: str
    generation: str
    query: str
    results_format: str  # media type for SELECT/ASK results
    graph_format: str  # media type for CONSTRUCT/DESCRIBE results
    default_graph: str | None = None  # the one graph to query (None: union of all graphs)


def _serve(conn: Connection) -> None:  # pragma: no cover - runs in the worker process
    store: ox.Store | None = None
    opened: tuple[str, str] | None = None
    conn.send(("ready",))
    while True:
        try:
            job: QueryJob = conn.recv()
        except EOFError:
            return
        try:
            if opened != (job.store_path, job.generation):
                store = ox.Store.read_only(job.store_path)
                opened = (job.store_path, job.generation)
            assert store is not None
            conn.send(("ok", *_evaluate(store, job)))
        except SyntaxError as exc:
            conn.send(("error", f"SPARQL 语法错误 / syntax error: {exc}"))
        except Exception as exc:  # the query's own failure, reported to the caller
            conn.send(("error", f"查询失败 / query failed: {exc}"))


def _evaluate(store: ox.Store, job: QueryJob) -> tuple[bytes, str]:
    options: dict[str, object] = {"prefixes": PREFIXES}
    if job.default_graph is None:
        options["use_default_graph_as_union"] = True
    else:
        options["default_graph"] = ox.NamedNode(job.default_graph)
        options["named_graphs"] = []
    result = store.query(job.query, **options)  # type: ignore[arg-type]
    if isinstance(result, ox.QueryTriples):
        rdf_format = ox.RdfFormat.from_media_type(job.graph_format) or ox.RdfFormat.TURTLE
        data = result.serialize(format=rdf_format)
        media_type = rdf_format.media_type
    else:
        results_format = ox.QueryResultsFormat.from_media_type(job.results_format) or ox.QueryResultsFormat.JSON
        data = result.serialize(format=results_format)
        media_type = results_format.media_type
    assert data is not None
    if len(data) > MAX_RESULT_BYTES:
        raise ValueError(f"结果超过 {MAX_RESULT_BYTES // 2**20} MB，请加 LIMIT / result too large, add a LIMIT")
    return data, media_type


class _Worker:
    def __init__(self, context: mp.context.SpawnContext) -> None:
        self.conn, child = context.Pipe()
        self.process: BaseProcess = context.Process(target=_serve, args=(child,), daemon=True,
                                                    name="yuanshu-sparql")
        self.process.start()
        child.close()
        if not self.conn.poll(60) or self.conn.recv() != ("ready",):
            self.kill()
            raise RuntimeError("SPARQL worker did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class SparqlRunner:
    """A small pool of query worker processes with a per-query time limit."""

    def __init__(self, timeout: float, workers: int = 2) -> None:
        self.timeout = timeout
        self._context = mp.get_context("spawn")
        self._size = workers
        self._idle: asyncio.Queue[_Worker] | None = None

    async def start(self) -> None:
        """Start the worker processes (done on first use otherwise)."""
        await self._pool()

    async def _pool(self) -> asyncio.Queue[_Worker]:
        if self._idle is None:
            self._idle = asyncio.Queue()
            workers = await asyncio.gather(*(asyncio.to_thread(_Worker, self._context) for _ in range(self._size)))
            for worker in workers:
                self._idle.put_nowait(worker)
        return self._idle

    async def run(self, job: QueryJob) -> tuple[bytes, str]:
        """The serialised result and its media type; raises QueryTimeoutError or QueryFailedError."""
        idle = await self._pool()
        worker = await idle.get()
        try:
            worker.conn.send(job)
            ready = await asyncio.to_thread(worker.conn.poll, self.timeout)
            if not ready:
                worker.kill()
                worker = await asyncio.to_thread(_Worker, self._context)
                raise QueryTimeoutError(
                    f"查询超过 {self.timeout:g} 秒时限，已被终止 / query exceeded the {self.timeout:g} s time limit")
            status, *payload = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            worker.kill()
            worker = await asyncio.to_thread(_Worker, self._context)
            raise QueryFailedError("查询进程异常退出 / the query worker stopped") from None
        finally:
            idle.put_nowait(worker)
        if status == "error":
            raise QueryFailedError(payload[0])
        return payload[0], payload[1]

    def close(self) -> None:
        if self._idle is not None:
            while not self._idle.empty():
                self._idle.get_nowait().kill()


"""Loading source files: read → validate → triples → swap the file's named graph → record the run.

Each file is one load run (SQL row + ``prov:Activity``). A file's triples are streamed into a new
version of its named graph; the version becomes current only when the whole file has been read, so an
error or a crash mid-load leaves the previous version in place. Bad rows are reported with file, row,
column and reason; good rows still load unless ``strict`` asks for all-or-nothing. After the files,
cross-file links are rebuilt and the computable indicators re-evaluated.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pyoxigraph as ox
from sqlalchemy.orm import Session, sessionmaker

from loaders.columns import SourceKind, parse_row
from loaders.context import LoadContext, RowProblem
from loaders.errors import RowError, SourceFileError
from loaders.indicator_values import IndicatorValue, compute_indicators
from loaders.kinds import KINDS, detect_kind, known_headers
from loaders.links import LinkReport, resolve_links
from loaders.reading import Table, read_tables
from loaders.triples import DCT, PROV, YS, QuadWriter, plain, text, typed
from yuanshu.db import LoadRun, RejectedRow, RunStatus, utcnow
from yuanshu.store import GraphStore
from yuanshu.visibility import Audience

ProgressCallback = Callable[[int], None]


@dataclass
class FileResult:
    """The outcome of loading one file."""

    path: Path
    run_id: int
    status: RunStatus
    kind: str | None = None
    encoding: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    triples: int = 0
    seconds: float = 0.0
    errors: list[RowError] = field(default_factory=list)
    message: str | None = None

    @property
    def rows_rejected(self) -> int:
        return len({e.row for e in self.errors if e.row is not None})


@dataclass
class LoadReport:
    files: list[FileResult]
    links: LinkReport | None = None
    indicators: list[IndicatorValue] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Loader:
    """Loads source files into the graph store and records every run in the SQL database."""

    def __init__(self, store: GraphStore, sessions: sessionmaker[Session], agent: str = "yuanshu-cli") -> None:
        self.store = store
        self.sessions = sessions
        self.agent = agent

    def load(self, paths: Sequence[Path], *, kind: str | None = None, strict: bool = False,
             progress: Callable[[Path], ProgressCallback] | None = None) -> LoadReport:
        """Load several files (of any kinds, in any order), then rebuild links and indicators."""
        results = [self.load_file(p, kind=kind, strict=strict,
                                  on_rows=progress(p) if progress else None) for p in paths]
        report = LoadReport(results)
        changed = [r for r in results if r.status == RunStatus.finished]
        if changed:
            report.links = resolve_links(self.store, max(r.run_id for r in changed))
            report.indicators = compute_indicators(self.store)
        self.store.flush()
        return report

    def load_file(self, path: Path, *, kind: str | None = None, strict: bool = False,
                  on_rows: ProgressCallback | None = None) -> FileResult:
        """Load one file as one run; never raises for bad input (the result says what went wrong)."""
        path = Path(path)
        sha = sha256_of(path)
        run = self._start_run(path, sha, kind, strict)
        result = FileResult(path, run.id, RunStatus.running, kind=kind)
        started = utcnow()
        graph = self.store.minter.source_graph(path.name)
        version = self.store.minter.version_graph(path.name, run.id)
        try:
            current = self.store.current(graph)
            if current is not None and current.sha256 == sha:
                result.status = RunStatus.unchanged
                result.message = "文件未变化，未重新加载 / unchanged since the last load"
            else:
                quads = self._quads(path, ox.NamedNode(version), kind, result, on_rows)
                result.triples = self.store.write_version(version, quads)
                if strict and result.errors:
                    self.store.discard(version)
                    result.status = RunStatus.rejected
                    result.rows_loaded = 0
                    result.triples = 0
                    result.message = "严格模式：文件含错误行，未加载任何内容 / strict: nothing loaded"
                else:
                    result.status = RunStatus.finished
                    ended = utcnow()
                    self.store.publish(graph, version, sha256=sha,
                                       provenance=self._provenance(run.id, path, sha, result, started, ended))
        except SourceFileError as exc:
            self.store.discard(version)
            result.status = RunStatus.failed
            result.errors.append(RowError(exc.file, exc.row, exc.column, exc.reason))
            result.message = str(exc)
        except BaseException as exc:  # not bad input: record the run as failed, then let it propagate
            self.store.discard(version)
            result.status = RunStatus.failed
            result.message = f"{path.name}：加载失败 / load failed: {exc!r}"
            self._finish_run(run.id, result, started)
            raise
        self._finish_run(run.id, result, started)
        return result

    # reading and building ---------------------------------------------------------------------
    def _quads(self, path: Path, graph: ox.NamedNode, kind_name: str | None, result: FileResult,
               on_rows: ProgressCallback | None) -> Iterator[ox.Quad]:
        ctx = LoadContext(self.store.minter, path.name, graph)
        kinds_seen: list[str] = []
        for index, table in enumerate(read_tables(path, known_headers())):
            kind = self._kind_of(table, kind_name if index == 0 else None)
            if kind is None:
                continue
            kinds_seen.append(kind.name)
            result.encoding = result.encoding or table.encoding
            yield from self._table_quads(table, kind, ctx, result, on_rows)
        if not kinds_seen:
            raise SourceFileError(path.name, "无法识别文件类型：表头不符合任何已知清单（机构名录、资源目录、事项清单、"
                                             "系统清单、指标表）/ unknown file kind")
        result.kind = "+".join(dict.fromkeys(kinds_seen))

    def _kind_of(self, table: Table, requested: str | None) -> SourceKind | None:
        if requested:
            if requested not in KINDS:
                raise SourceFileError(table.file, f"未知的清单类型“{requested}”，可选：{'、'.join(KINDS)}")
            return KINDS[requested]
        return detect_kind(table.headers)

    def _table_quads(self, table: Table, kind: SourceKind, ctx: LoadContext, result: FileResult,
                     on_rows: ProgressCallback | None) -> Iterator[ox.Quad]:
        mapped = kind.header_map(table.headers)
        missing = kind.missing_required(mapped)
        if missing:
            names = "、".join(c.header for c in missing)
            raise SourceFileError(table.file, f"{kind.label}缺少必需的列：{names}", row=None)
        seen: dict[str, int] = {}
        for row in table.rows:
            result.rows_read += 1
            if on_rows and result.rows_read % 500 == 0:
                on_rows(500)
            record = parse_row(row, mapped, kind, table.file)
            if isinstance(record, list):
                result.errors.extend(record)
                continue
            try:
                subject = kind.subject(record, ctx)
                if subject in seen:
                    raise RowProblem(kind.columns[0].header, f"与第{seen[subject]}行重复（同一标识）")
                quads = list(kind.build(record, ctx))
            except RowProblem as problem:
                result.errors.append(RowError(table.file, row.number, problem.column, str(problem)))
                continue
            seen[subject] = row.number
            result.rows_loaded += 1
            yield from quads
            yield from ctx.drain()
        if on_rows:
            on_rows(result.rows_read % 500)

    # runs and provenance ----------------------------------------------------------------------
    def _start_run(self, path: Path, sha: str, kind: str | None, strict: bool) -> LoadRun:
        with self.sessions.begin() as session:
            run = LoadRun(source_path=str(path.resolve()), source_name=path.name, sha256=sha, kind=kind,
                          strict=strict, status=RunStatus.running, started_at=utcnow())
            session.add(run)
            session.flush()
            session.expunge(run)
        return run

    def _finish_run(self, run_id: int, result: FileResult, started: datetime) -> None:
        finished = utcnow()
        result.seconds = (finished - started).total_seconds()
        with self.sessions.begin() as session:
            run = session.get(LoadRun, run_id)
            assert run is not None
            run.status = result.status
            run.kind = result.kind
            run.encoding = result.encoding
            run.finished_at = finished
            run.rows_read = result.rows_read
            run.rows_loaded = result.rows_loaded
            run.rows_rejected = result.rows_rejected
            run.triples = result.triples
            run.error = result.message if result.status == RunStatus.failed else None
            if result.status in (RunStatus.finished, RunStatus.rejected):
                run.graph_version = self.store.minter.version_graph(result.path.name, run_id)
            session.add_all(RejectedRow(run_id=run_id, row_number=e.row, column=e.column, value=e.value,
                                        reason=e.reason) for e in result.errors)

    def _provenance(self, run_id: int, path: Path, sha: str, result: FileResult, started: datetime,
                    ended: datetime) -> Iterator[ox.Quad]:
        minter = self.store.minter
        graph = ox.NamedNode(minter.provenance_graph)
        source = QuadWriter(minter.source_file(sha), graph)
        source.a(YS.SourceFile, PROV.Entity)
        source.audience(Audience.STAFF)
        source.add(DCT.title, text(path.name))
        source.add(YS.sha256, plain(sha))
        run = QuadWriter(minter.load_run(run_id), graph)
        run.a(YS.LoadRun, PROV.Activity)
        run.audience(Audience.STAFF)
        run.add(PROV.startedAtTime, typed(started))
        run.add(PROV.endedAtTime, typed(ended))
        run.link(PROV.used, source.subject.value)
        run.link(PROV.generated, minter.version_graph(path.name, run_id))
        run.add(YS.sourceKind, plain(result.kind or ""))
        run.link(PROV.wasAssociatedWith, minter.agent(self.agent))
        for prop, value in ((YS.rowsRead, result.rows_read), (YS.rowsLoaded, result.rows_loaded),
                            (YS.rowsRejected, result.rows_rejected)):
            run.add(prop, typed(value))
        yield from source
        yield from run

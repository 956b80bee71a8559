"""The ``yuanshu`` command: demo, load, validate, index, export, serve."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from loaders.kinds import KINDS
from loaders.pipeline import FileResult, LoadReport
from yuanshu.config import get_settings
from yuanshu.db import RunStatus
from yuanshu.runtime import Runtime
from yuanshu.store import EXPORT_FORMATS, StoreLockedError

app = typer.Typer(help="源数 Yuanshu — 政务数据开放与知识图谱 / open government data knowledge graph",
                  no_args_is_help=True, add_completion=False)
console = Console()
err = Console(stderr=True)

STATUS_TEXT = {
    RunStatus.finished: "[green]已加载 loaded[/]",
    RunStatus.unchanged: "[cyan]未变化 unchanged[/]",
    RunStatus.rejected: "[red]已拒绝 rejected (strict)[/]",
    RunStatus.failed: "[red]失败 failed[/]",
    RunStatus.running: "running",
}


class ExportFormat(StrEnum):
    ttl = "ttl"
    jsonld = "jsonld"
    nt = "nt"
    rdfxml = "rdfxml"
    nq = "nq"
    trig = "trig"


def _open() -> Runtime:
    try:
        return Runtime.open()
    except StoreLockedError as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc


@app.command()
def load(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, readable=True,
                                                help="源文件 CSV / XLSX / JSON")],
    kind: Annotated[str | None, typer.Option(help=f"清单类型（默认按表头识别）: {', '.join(KINDS)}")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="有任何错误行则整个文件不加载 / all-or-nothing")] = False,
    show: Annotated[int, typer.Option(help="每个文件显示的错误行数 / rejected rows shown per file")] = 20,
) -> None:
    """加载源文件（可多个、多种类型）/ load source files of any kinds."""
    if kind and kind not in KINDS:
        err.print(f"[red]未知的清单类型 {kind}，可选：{', '.join(KINDS)}[/]")
        raise typer.Exit(2)
    runtime = _open()
    report = load_with_progress(runtime, files, kind=kind, strict=strict)
    print_report(report, show=show)
    runtime.close()
    if any(f.status in (RunStatus.failed, RunStatus.rejected) for f in report.files):
        raise typer.Exit(1)


def load_with_progress(runtime: Runtime, files: list[Path], *, kind: str | None = None,
                       strict: bool = False) -> LoadReport:
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("行 rows"), TimeElapsedColumn(), console=console, transient=True) as progress:

        def track(path: Path) -> Callable[[int], None]:
            task = progress.add_task(path.name, total=None)
            return lambda n: progress.advance(task, n)

        return runtime.load(files, kind=kind, strict=strict, progress=track)


def print_report(report: LoadReport, *, show: int = 20) -> None:
    table = Table(title="加载结果 / load summary")
    for header in ("文件 file", "类型 kind", "编码 encoding", "状态 status", "读取 read", "加载 loaded",
                   "拒绝 rejected", "三元组 triples", "用时 time"):
        table.add_column(header, justify="right" if header[0] in "读加拒三用" else "left")
    for f in report.files:
        table.add_row(f.path.name, f.kind or "-", f.encoding or "-", STATUS_TEXT[f.status], str(f.rows_read),
                      str(f.rows_loaded), str(f.rows_rejected), str(f.triples), f"{f.seconds:.1f}s")
    console.print(table)
    for f in report.files:
        _print_problems(f, show)
    if report.links is not None:
        _print_links(report)
    if report.indicators:
        ind = Table(title="计算指标 / computed indicators")
        for header in ("指标 indicator", "计算值 value", "分子/分母", "现状值 baseline", "目标值 target"):
            ind.add_column(header)
        for v in report.indicators:
            ind.add_row(v.title, f"{v.value}", f"{v.numerator}/{v.denominator}", str(v.baseline or "-"),
                        str(v.target or "-"))
        console.print(ind)


def _print_problems(f: FileResult, show: int) -> None:
    if f.message and f.status != RunStatus.finished:
        console.print(f"[yellow]{f.message}[/]")
    if not f.errors:
        return
    console.print(f"[red]{f.path.name}: {len(f.errors)} 个错误 / errors[/]")
    for e in f.errors[:show]:
        console.print(f"  {e}" + (f"（值 value: {e.value}）" if e.value else ""))
    if len(f.errors) > show:
        console.print(f"  … 另有 {len(f.errors) - show} 个 / {len(f.errors) - show} more (--show N)")


def _print_links(report: LoadReport) -> None:
    links = report.links
    assert links is not None
    if links.provisional:
        names = "、".join(f"{n}({c})" for n, c in links.provisional.most_common(20))
        console.print(f"[yellow]临时部门（名录中未找到，待核实）/ provisional departments: {len(links.provisional)}[/] "
                      f"{names}")
    for kind, found in (("未解析 / unresolved", links.unresolved), ("有歧义 / ambiguous", links.ambiguous)):
        for label, names in found.items():
            console.print(f"[yellow]{label} {kind}: {sum(names.values())}[/] "
                          + "、".join(n for n, _ in names.most_common(10)))


@app.command()
def validate(
    show: Annotated[int, typer.Option(help="每类问题显示的实体数 / focus nodes shown per problem")] = 5,
) -> None:
    """用 SHACL 校验图谱 / validate the graph against the SHACL shapes."""
    from yuanshu.validation import format_report, validate_store

    runtime = _open()
    with console.status("校验中 / validating…"):
        result = validate_store(runtime.store)
    console.print(format_report(result, show=show))
    runtime.close()
    if not result.conforms:
        raise typer.Exit(1)


@app.command()
def index(
    full: Annotated[bool, typer.Option(
        "--rebuild/--update", help="全部重建或只更新变化部分 / rebuild all or update changes")] = True,
    show: Annotated[int, typer.Option(help="显示的歧义名称数 / ambiguous names shown")] = 10,
) -> None:
    """由图谱重建搜索索引并链接描述中提到的部门和系统 / (re)build the search index from the graph."""
    from search.indexer import rebuild, sync

    runtime = _open()
    with console.status(f"索引中 / indexing ({runtime.search.name})…"):
        if full:
            report = rebuild(runtime.store, runtime.search, runtime.settings.home)
        else:
            report = sync(runtime.store, runtime.search, runtime.settings.home, force=True)
        runtime.published.refresh(runtime.store)
    runtime.close()
    links = report.links
    console.print(f"搜索索引 / search index ({runtime.search.name}): 实体 {report.documents}，写入 indexed "
                  f"{report.indexed}，删除 deleted {report.deleted}，新词 new dictionary words {report.new_words}，"
                  f"用时 {report.seconds:.1f}s")
    console.print(f"实体链接 / entity linking: 扫描描述 descriptions scanned {links.scanned}，"
                  f"写入链接 links written {len(links.links)} (dct:references)，有歧义的名称 ambiguous names "
                  f"{len(links.ambiguous)}")
    for name, candidates in sorted(links.ambiguous.items())[:show]:
        console.print(f"  [yellow]{name}[/] → {len(candidates)} 个实体 entities: " + "、".join(sorted(candidates)[:3]))


@app.command()
def export(
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="RDF 格式")] = ExportFormat.ttl,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="输出文件（默认标准输出）")] = None,
) -> None:
    """导出图谱 / export the graph (Turtle, JSON-LD, N-Triples, RDF/XML, N-Quads, TriG)."""
    assert format.value in EXPORT_FORMATS
    runtime = _open()
    if output is None:
        runtime.store.export(format.value, sys.stdout.buffer)
        sys.stdout.flush()
    else:
        with output.open("wb") as fh:
            runtime.store.export(format.value, fh)
        err.print(f"已导出到 / written to {output}")
    runtime.close()


class Walk(StrEnum):
    upstream = "upstream"
    downstream = "downstream"
    both = "both"
    impact = "impact"


@app.command()
def lineage(
    iri: Annotated[str, typer.Argument(help="实体 IRI / the entity's IRI")],
    walk: Annotated[Walk, typer.Option("--walk", help="上游、下游、双向，或系统下线影响 / which walk")] = Walk.both,
    depth: Annotated[int, typer.Option(help="深度 / depth (1–10)")] = 3,
) -> None:
    """血缘与影响分析 / lineage around an entity, or what retiring a system breaks (impact)."""
    from graph_api import lineage as walks
    from yuanshu.visibility import ADMIN

    try:
        ox.NamedNode(iri)
    except ValueError as exc:
        err.print(f"[red]无效的 IRI：{iri} / invalid IRI ({exc})[/]")
        raise typer.Exit(2) from None
    runtime = _open()
    if walk is Walk.impact:
        impact = walks.impact(runtime.store, iri, ADMIN, max_nodes=walks.MAX_IMPACT)
        found = None if impact is None else [(a.node.iri, a.node.depth, a.path) for a in impact.affected]
    else:
        graph = walks.lineage(runtime.store, iri, ADMIN, direction=walks.Direction(walk.value.upper()), depth=depth)
        found = None if graph is None else [(n.iri, n.depth, []) for n in graph.nodes.values() if n.iri != iri]
    if found is None:
        runtime.close()
        err.print(f"[red]图中没有 {iri} / no such entity[/]")
        raise typer.Exit(1)
    described = walks.describe(runtime.store, [node for node, _, _ in found])
    runtime.close()
    table = Table(title=f"{walk.value}: {iri}")
    for header in ("距离 hops", "类型 type", "名称 label", "IRI", "路径 path"):
        table.add_column(header)
    for node, hops, path in sorted(found, key=lambda f: (f[1], f[0])):
        kinds = " → ".join(e.kind for e in path)
        types = ", ".join(t.rsplit("#", 1)[-1].rsplit("/", 1)[-1] for t in described[node].types)
        table.add_row(str(hops), types, described[node].label or "", node, kinds)
    console.print(table)
    console.print(f"共 {len(found)} 个 / {len(found)} entities")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="监听地址")] = None,
    port: Annotated[int | None, typer.Option(help="端口")] = None,
) -> None:
    """启动 HTTP 服务 / start the HTTP server."""
    _serve(_open(), host, port)


def _serve(runtime: Runtime, host: str | None, port: int | None) -> None:
    import uvicorn

    from graph_api.app import create_app

    settings = runtime.settings
    host, port = host or settings.host, port or settings.port
    console.print(f"源数 Yuanshu 服务 / serving on [bold]http://{host}:{port}/[/]  (数据目录 {settings.home})")
    uvicorn.run(create_app(runtime), host=host, port=port, log_level="info")


@app.command()
def demo(
    scale: Annotated[float, typer.Option(help="数据规模倍数 / scale factor")] = 1.0,
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve", help="加载后启动服务")] = True,
    host: Annotated[str | None, typer.Option(help="监听地址")] = None,
    port: Annotated[int | None, typer.Option(help="端口")] = None,
) -> None:
    """生成并加载河源市演示数据，然后启动服务 / generate, load and serve the Heyuan demo data."""
    from yuanshu.demo import generate

    settings = get_settings()
    out = settings.demo_dir
    with console.status(f"生成演示数据 / generating demo files in {out}…"):
        files = generate(out, scale=scale)
    runtime = _open()
    report = load_with_progress(runtime, files)
    print_report(report, show=5)
    if serve_after:
        _serve(runtime, host, port)
    else:
        runtime.close()


if __name__ == "__main__":  # pragma: no cover
    app()

"""Loading files into named graphs: reloads, bad rows, strict mode, crashes, encodings, links."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from loaders import pipeline
from tests.conftest import CATALOG_HEADER, CATALOG_ROWS, DEPARTMENT_HEADER, DEPARTMENT_ROWS, write_csv
from yuanshu.config import Settings
from yuanshu.db import LoadRun, RejectedRow, RunStatus
from yuanshu.runtime import Runtime

BASE = "http://example.org/id/"


def all_quads(runtime: Runtime) -> set[str]:
    return {str(q) for q in runtime.store.ox}


def source_triples(runtime: Runtime, name: str) -> set[str]:
    current = runtime.store.current(runtime.minter.source_graph(name))
    assert current is not None, f"{name} has no current graph"
    return {str(t) for t in runtime.store.triples(current.version)}


def test_load_reports_counts_and_keeps_extra_columns(runtime: Runtime, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "catalog.csv", CATALOG_HEADER, CATALOG_ROWS)
    report = runtime.loader().load([path])
    (result,) = report.files
    assert (result.status, result.kind, result.rows_read, result.rows_loaded, result.rows_rejected) == (
        RunStatus.finished, "catalog", 3, 3, 0)
    rows = runtime.store.select(f"""SELECT ?v WHERE {{ <{BASE}dataset/441600-MZJ-001> ?p ?v .
                                    ?p rdfs:label "备注"@zh }}""")
    assert [r["v"].value for r in rows] == ["按季度更新"]
    assert runtime.store.ask(f"ASK {{ <{BASE}dataset/441600-MZJ-002> prov:wasDerivedFrom "
                             f"<{BASE}dataset/441600-MZJ-001> }}")


def test_reload_unchanged_file_changes_nothing(runtime: Runtime, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "catalog.csv", CATALOG_HEADER, CATALOG_ROWS)
    runtime.loader().load([path])
    before = all_quads(runtime)
    (result,) = runtime.loader().load([path]).files
    assert result.status == RunStatus.unchanged
    assert all_quads(runtime) == before


def test_reload_with_a_row_removed_removes_exactly_its_triples(runtime: Runtime, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "catalog.csv", CATALOG_HEADER, CATALOG_ROWS)
    runtime.loader().load([path])
    before = source_triples(runtime, "catalog.csv")
    write_csv(path, CATALOG_HEADER, CATALOG_ROWS[:2])
    runtime.loader().load([path])
    after = source_triples(runtime, "catalog.csv")
    removed = before - after
    gone = f"<{BASE}dataset/441600-SJJ-001"
    assert after <= before, "a removed row must not add triples"
    assert removed
    # besides the row's own entity, only the audience of concepts no remaining row records goes with it
    others = sorted(t for t in removed if not t.startswith(gone))
    assert all(" <https://w3id.org/yuanshu/ns#audience> " in t for t in others), others
    remaining = "\n".join(after)
    assert all(f"<https://w3id.org/yuanshu/ns#concept> {t.split()[0]}" not in remaining for t in others)
    assert {t for t in before if t.startswith(gone)} <= removed
    assert not runtime.store.select(f"SELECT ?p WHERE {{ {gone}> ?p ?o }}")


def test_bad_rows_are_reported_and_good_rows_load(runtime: Runtime, tmp_path: Path) -> None:
    bad = [*CATALOG_ROWS,
           ["441600-X-1", "坏日期", "河源市民政局", "市直", "民政", "csv", "姓名", "无条件共享", "无条件开放", "每月",
            "2021-13-01", "", "", ""],
           ["441600-X-2", "", "河源市民政局", "市直", "民政", "csv", "姓名", "无条件共享", "乱写", "每月",
            "", "", "", ""],
           ["441600-MZJ-001", "重复代码", "河源市民政局", "市直", "民政", "csv", "姓名", "无条件共享", "无条件开放",
            "每月", "", "", "", ""]]
    path = write_csv(tmp_path / "catalog.csv", CATALOG_HEADER, bad)
    (result,) = runtime.loader().load([path]).files
    assert (result.status, result.rows_read, result.rows_loaded, result.rows_rejected) == (
        RunStatus.finished, 6, 3, 3)
    by_row = {(e.row, e.column) for e in result.errors}
    assert {(5, "发布日期"), (6, "信息资源名称"), (6, "开放类型"), (7, "信息资源代码")} <= by_row
    assert all(e.file == "catalog.csv" and e.reason for e in result.errors)
    assert "第5行" in str(next(e for e in result.errors if e.row == 5))
    with runtime.sessions() as session:
        run = session.get(LoadRun, result.run_id)
        assert run is not None and (run.rows_loaded, run.rows_rejected) == (3, 3)
        stored = session.scalars(select(RejectedRow).where(RejectedRow.run_id == result.run_id)).all()
        assert {(r.row_number, r.column) for r in stored} == by_row
    assert len(runtime.store.select("SELECT ?d WHERE { ?d a dcat:Dataset }")) == 3


def test_strict_mode_loads_nothing_from_a_file_with_bad_rows(runtime: Runtime, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "catalog.csv", CATALOG_HEADER, CATALOG_ROWS)
    runtime.loader().load([path])
    before = all_quads(runtime)
    broken = [*CATALOG_ROWS[:2], [*CATALOG_ROWS[2][:10], "不是日期", *CATALOG_ROWS[2][11:]]]
    write_csv(path, CATALOG_HEADER, broken)
    (result,) = runtime.loader().load([path], strict=True).files
    assert result.status == RunStatus.rejected and result.rows_loaded == 0
    assert all_quads(runtime) == before, "strict mode must leave the previous version untouched"


def test_an_error_mid_load_leaves_the_previous_version(runtime: Runtime, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_csv(tmp_path / "catalog.csv", CATALOG_HEADER, CATALOG_ROWS)
    runtime.loader().load([path])
    before = all_quads(runtime)
    write_csv(path, CATALOG_HEADER, CATALOG_ROWS[:1])
    real_parse_row = pipeline.parse_row
    calls = {"n": 0}

    def failing_parse_row(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] > 1:
            raise OSError("disk went away")
        return real_parse_row(*args, **kwargs)

    monkeypatch.setattr(pipeline, "parse_row", failing_parse_row)
    write_csv(path, CATALOG_HEADER, [*CATALOG_ROWS, *CATALOG_ROWS])
    with pytest.raises(OSError):
        runtime.loader().load([path])
    assert all_quads(runtime) == before
    with runtime.sessions() as session:
        assert session.scalars(select(LoadRun.status).order_by(LoadRun.id.desc())).first() == RunStatus.failed


def test_a_load_killed_half_way_leaves_the_previous_version(tmp_path: Path) -> None:
    home = tmp_path / "data"
    env = {**os.environ, "YUANSHU_HOME": str(home), "YUANSHU_BASE_IRI": BASE}
    path = write_csv(tmp_path / "catalog.csv", CATALOG_HEADER, CATALOG_ROWS)
    cli = [sys.executable, "-m", "yuanshu.cli"]
    subprocess.run([*cli, "load", str(path)], env=env, check=True, capture_output=True)
    settings = Settings(home=home, base_iri=BASE)
    rt = Runtime.open(settings)
    before = all_quads(rt)
    rt.close()
    del rt
    big = [[f"441600-BIG-{i:06d}", f"数据集{i}", "河源市民政局", "市直", "民政", "csv、xlsx",
            "姓名、身份证号码、联系电话、住址、出生日期", "无条件共享", "无条件开放", "每月", "2021-03-01", "", "", ""]
           for i in range(150_000)]
    write_csv(path, CATALOG_HEADER, big)
    proc = subprocess.Popen([*cli, "load", str(path)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    database = home / "yuanshu.db"
    deadline = time.time() + 60
    while time.time() < deadline:
        with sqlite3.connect(database) as db:
            if db.execute("SELECT count(*) FROM load_runs WHERE status = 'running'").fetchone()[0]:
                break
        time.sleep(0.05)
    time.sleep(1.5)  # well into the file, long before its end
    assert proc.poll() is None, "the load finished before it could be killed; make the file larger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    rt = Runtime.open(settings)
    try:
        assert all_quads(rt) == before
        with rt.sessions() as session:
            last = session.scalars(select(LoadRun).order_by(LoadRun.id.desc())).first()
            assert last is not None and last.status == RunStatus.failed and last.finished_at is not None
    finally:
        rt.close()


def test_gbk_csv_and_xlsx_of_the_same_content_give_the_same_graph(runtime: Runtime, tmp_path: Path) -> None:
    gbk = write_csv(tmp_path / "目录-GBK.csv", CATALOG_HEADER, CATALOG_ROWS, encoding="gbk")
    xlsx = tmp_path / "目录.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["河源市政务信息资源目录（2021年）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(CATALOG_HEADER))
    ws.append(CATALOG_HEADER)
    for row in CATALOG_ROWS:
        ws.append(row)
    wb.save(xlsx)
    report = runtime.loader().load([gbk, xlsx])
    assert report.files[0].encoding == "GBK"
    assert all(f.rows_loaded == 3 for f in report.files)
    assert source_triples(runtime, gbk.name) == source_triples(runtime, xlsx.name)


def test_links_resolve_whatever_the_load_order(runtime: Runtime, tmp_path: Path) -> None:
    catalog = write_csv(tmp_path / "catalog.csv", CATALOG_HEADER, CATALOG_ROWS)
    (first,) = runtime.loader().load([catalog]).files
    assert first.status == RunStatus.finished
    provisional = runtime.store.select("SELECT ?d ?n WHERE { ?d ys:provisional true ; skos:prefLabel ?n }")
    assert {r["n"].value for r in provisional} == {"河源市民政局", "市民政局", "河源市市场监督管理局"}
    departments = write_csv(tmp_path / "departments.csv", DEPARTMENT_HEADER, DEPARTMENT_ROWS)
    report = runtime.loader().load([departments])
    assert not report.links.provisional
    publishers = runtime.store.select("""SELECT ?code ?p WHERE { ?d dct:identifier ?code ;
                                                                   dct:publisher ?p } ORDER BY ?code""")
    assert [(r["code"].value, r["p"].value) for r in publishers] == [
        ("441600-MZJ-001", f"{BASE}department/11441600007000001X"),
        ("441600-MZJ-002", f"{BASE}department/11441600007000001X"),  # by its alias 市民政局
        ("441600-SJJ-001", f"{BASE}department/11441600007000002X"),
    ]
    assert not runtime.store.select("SELECT ?d WHERE { ?d ys:provisional true }")
    assert runtime.store.ask(f"ASK {{ <{BASE}department/12441600007000003X> org:subOrganizationOf "
                             f"<{BASE}department/11441600007000001X> }}")


def test_several_kinds_at_once_are_told_apart_by_their_headers(runtime: Runtime, tmp_path: Path) -> None:
    systems = write_csv(tmp_path / "系统.csv", ["系统名称", "系统编码", "所属部门", "建设层级", "运行状态"],
                        [["河源市婚姻登记系统", "SYS-001", "河源市民政局", "市本级", "在用"]])
    departments = write_csv(tmp_path / "机构.csv", DEPARTMENT_HEADER, DEPARTMENT_ROWS)
    catalog = write_csv(tmp_path / "目录.csv", CATALOG_HEADER, CATALOG_ROWS)
    report = runtime.loader().load([systems, departments, catalog])
    assert [f.kind for f in report.files] == ["systems", "departments", "catalog"]
    assert runtime.store.ask(f"ASK {{ <{BASE}dataset/441600-MZJ-001> ys:sourceSystem <{BASE}system/SYS-001> }}")


def test_an_unrecognised_file_fails_with_a_clear_reason(runtime: Runtime, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "notes.csv", ["甲", "乙"], [["1", "2"]])
    (result,) = runtime.loader().load([path]).files
    assert result.status == RunStatus.failed
    assert "notes.csv" in result.message and "无法识别文件类型" in result.message

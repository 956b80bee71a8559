"""The ``yuanshu`` command as a user runs it (real subprocesses, real data directory)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib

from tests.conftest import CATALOG_HEADER, CATALOG_ROWS, DEPARTMENT_HEADER, DEPARTMENT_ROWS, write_csv


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "YUANSHU_HOME": str(home), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "yuanshu.cli", *args], env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    bad = [*CATALOG_ROWS, ["441600-X-1", "坏日期", "河源市民政局", "市直", "民政", "csv", "姓名", "无条件共享",
                           "无条件开放", "每月", "2021-13-01", "", "", ""]]
    return (write_csv(tmp_path / "目录.csv", CATALOG_HEADER, bad),
            write_csv(tmp_path / "机构.csv", DEPARTMENT_HEADER, DEPARTMENT_ROWS))


def test_load_prints_a_summary_and_each_rejected_row(tmp_path: Path, files: tuple[Path, Path]) -> None:
    result = run(tmp_path / "data", "load", *map(str, files))
    assert result.returncode == 0, result.stderr
    assert "目录.csv" in result.stdout and "机构.csv" in result.stdout
    assert "catalog" in result.stdout and "departments" in result.stdout
    assert "目录.csv 第5行 “发布日期” 列" in result.stdout


def test_strict_load_of_a_file_with_bad_rows_fails_and_loads_nothing(tmp_path: Path,
                                                                      files: tuple[Path, Path]) -> None:
    home = tmp_path / "data"
    result = run(home, "load", "--strict", str(files[0]))
    assert result.returncode == 1
    assert "严格模式" in result.stdout
    exported = run(home, "export", "--format", "nt")
    assert "441600-MZJ-001" not in exported.stdout


def test_unknown_kind_is_refused(tmp_path: Path, files: tuple[Path, Path]) -> None:
    result = run(tmp_path / "data", "load", "--kind", "nonsense", str(files[0]))
    assert result.returncode == 2
    assert "未知的清单类型" in result.stderr


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("ttl", "turtle"), ("jsonld", "json-ld"), ("nt", "nt"),
                                                     ("rdfxml", "xml"), ("nq", "nquads"), ("trig", "trig")])
def test_export_formats_parse(tmp_path: Path, files: tuple[Path, Path], fmt: str, rdflib_format: str) -> None:
    home = tmp_path / "data"
    assert run(home, "load", *map(str, files)).returncode == 0
    out = tmp_path / f"graph.{fmt}"
    result = run(home, "export", "--format", fmt, "--output", str(out))
    assert result.returncode == 0, result.stderr
    graph = rdflib.Dataset() if fmt in ("nq", "trig", "jsonld") else rdflib.Graph()
    graph.parse(out, format=rdflib_format)
    title = rdflib.Literal("婚姻登记信息", lang="zh")
    dataset = rdflib.URIRef("http://127.0.0.1:8000/id/dataset/441600-MZJ-001")
    if isinstance(graph, rdflib.Dataset):
        assert any(True for _ in graph.quads((dataset, rdflib.DCTERMS.title, title, None)))
    else:
        assert (dataset, rdflib.DCTERMS.title, title) in graph


def test_export_to_stdout(tmp_path: Path, files: tuple[Path, Path]) -> None:
    home = tmp_path / "data"
    run(home, "load", *map(str, files))
    result = run(home, "export", "--format", "ttl")
    graph = rdflib.Graph().parse(data=result.stdout, format="turtle")
    assert len(graph) > 100


def test_lineage_and_impact_from_the_command_line(tmp_path: Path) -> None:
    home = tmp_path / "data"
    catalog = write_csv(tmp_path / "目录.csv", CATALOG_HEADER, CATALOG_ROWS)
    systems = write_csv(tmp_path / "系统.csv", ["系统名称", "系统编码", "所属部门"],
                        [["河源市社会救助信息系统", "HYXT-1", "河源市民政局"]])
    assert run(home, "load", str(catalog), str(systems)).returncode == 0
    system = "http://127.0.0.1:8000/id/system/HYXT-1"
    impact = run(home, "lineage", system, "--walk", "impact")
    assert impact.returncode == 0, impact.stderr
    assert "低保对象信息" in impact.stdout and "PRODUCES" in impact.stdout and "共 1 个" in impact.stdout
    upstream = run(home, "lineage", "http://127.0.0.1:8000/id/dataset/441600-MZJ-002", "--walk", "upstream")
    assert "婚姻登记信息" in upstream.stdout and "河源市社会救助信息系统" in upstream.stdout
    missing = run(home, "lineage", "http://127.0.0.1:8000/id/dataset/nothing")
    assert missing.returncode == 1 and "no such entity" in missing.stderr
    injected = run(home, "lineage", "http://x/a> } ?s ?p ?o . { <http://x/b")
    assert injected.returncode == 2 and "invalid IRI" in injected.stderr

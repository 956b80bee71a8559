"""Keeping the index in step with the graph: documents from the graph, incremental sync after each load,
rebuild, the saved user dictionary, and mention links in the derived graph."""

from __future__ import annotations

from pathlib import Path

from search.analysis import get_analyzer
from search.backend import DocType, Facet, SearchQuery
from search.documents import Labels, build_document, iter_records
from search.indexer import dictionary_path, mentions_graph, rebuild, sync
from tests.conftest import CATALOG_HEADER, CATALOG_ROWS, DEPARTMENT_HEADER, DEPARTMENT_ROWS, write_csv
from yuanshu.runtime import Runtime
from yuanshu.visibility import ADMIN, ANONYMOUS

SYSTEM_HEADER = ["系统名称", "系统编码", "所属部门", "所属区域", "运行状态", "系统描述"]
SYSTEM_ROWS = [["河源市婚姻登记系统", "XT-001", "河源市民政局", "市直", "在用",
                "支撑婚姻登记，与河源市市场监督管理局的企业登记系统交换数据。"]]


def _load(runtime: Runtime, tmp_path: Path, catalog_rows: list[list[str]]) -> None:
    runtime.load([write_csv(tmp_path / "departments.csv", DEPARTMENT_HEADER, DEPARTMENT_ROWS),
                  write_csv(tmp_path / "systems.csv", SYSTEM_HEADER, SYSTEM_ROWS),
                  write_csv(tmp_path / "catalog.csv", CATALOG_HEADER, catalog_rows)])


def _titles(runtime: Runtime, text: str = "", caller=ADMIN) -> list[str]:
    result = runtime.search.search(SearchQuery(text=text, filters={Facet.TYPE: ("dataset",)}, limit=50), caller)
    return sorted(h.title for h in result.hits)


def test_documents_are_built_from_the_graph(runtime: Runtime, tmp_path: Path) -> None:
    _load(runtime, tmp_path, CATALOG_ROWS)
    records = {r.iri: r for r in iter_records(runtime.store)}
    labels = Labels.load(runtime.store)
    dataset = records[runtime.minter.dataset("441600-MZJ-001")]
    doc = build_document(dataset, labels, get_analyzer())
    assert doc.type is DocType.DATASET and doc.title == "婚姻登记信息" and doc.issued == "2021-03-01"
    publisher = runtime.minter.department("11441600007000001X")
    assert doc.facets[Facet.PUBLISHER] == [publisher] and doc.labels[publisher] == "河源市民政局"
    assert doc.owners == [publisher]
    assert set(doc.facets[Facet.TAG]) == {"姓名", "身份证号码", "登记日期"}
    assert {"csv", "xlsx"} <= {f.lower() for f in doc.facets[Facet.FORMAT]}
    assert "婚姻登记" in doc.title_tokens.split() and "民政局" in doc.text_tokens.split()
    kinds = {r.kind.type for r in records.values()}
    assert kinds == {DocType.DATASET, DocType.DEPARTMENT, DocType.SYSTEM}
    system = build_document(records[runtime.minter.system("XT-001")], labels, get_analyzer())
    assert system.audiences == ["https://w3id.org/yuanshu/code/audience-staff"]


def test_each_load_updates_the_index_and_a_removed_dataset_disappears(runtime: Runtime, tmp_path: Path) -> None:
    _load(runtime, tmp_path, CATALOG_ROWS)
    assert _titles(runtime) == ["企业登记信息", "低保对象信息", "婚姻登记信息"]
    assert _titles(runtime, caller=ANONYMOUS) == ["企业登记信息", "婚姻登记信息"]  # 低保: 不予开放
    hashes = runtime.search.hashes()
    # reload the catalog without 婚姻登记信息 and with 企业登记信息 renamed
    changed = [CATALOG_ROWS[1], [*CATALOG_ROWS[2][:1], "企业注册登记信息", *CATALOG_ROWS[2][2:]]]
    write_csv(tmp_path / "catalog.csv", CATALOG_HEADER, changed)
    runtime.load([tmp_path / "catalog.csv"])
    assert _titles(runtime) == ["企业注册登记信息", "低保对象信息"]
    assert _titles(runtime, "婚姻") == []
    gone = runtime.minter.dataset("441600-MZJ-001")
    assert gone not in runtime.search.hashes()
    after = runtime.search.hashes()
    unchanged = runtime.minter.dataset("441600-MZJ-002")
    assert after[unchanged] == hashes[unchanged]  # untouched document not rewritten
    assert after[runtime.minter.dataset("441600-SJJ-001")] != hashes[runtime.minter.dataset("441600-SJJ-001")]


def test_sync_skips_when_the_graph_is_unchanged_and_rebuild_swaps(runtime: Runtime, tmp_path: Path) -> None:
    _load(runtime, tmp_path, CATALOG_ROWS)
    home = runtime.settings.home
    assert sync(runtime.store, runtime.search, home).skipped
    forced = sync(runtime.store, runtime.search, home, force=True)
    assert not forced.skipped and forced.indexed == 0 and forced.deleted == 0
    before = runtime.search.count(ADMIN)
    report = rebuild(runtime.store, runtime.search, home)
    assert report.indexed == report.documents == before == runtime.search.count(ADMIN)
    assert _titles(runtime, "婚姻登记") == ["婚姻登记信息"]


def test_user_dictionary_is_saved_with_the_graph_names(runtime: Runtime, tmp_path: Path) -> None:
    _load(runtime, tmp_path, CATALOG_ROWS)
    words = set(dictionary_path(runtime.settings.home).read_text(encoding="utf-8").split())
    assert {"河源市民政局", "河源市社会福利院", "河源市婚姻登记系统", "市民政局"} <= words
    assert "河源市社会福利院" in get_analyzer().tokens("河源市社会福利院的档案")


def test_names_in_descriptions_are_linked_when_unambiguous(runtime: Runtime, tmp_path: Path) -> None:
    _load(runtime, tmp_path, CATALOG_ROWS)
    report = rebuild(runtime.store, runtime.search, runtime.settings.home)
    system = runtime.minter.system("XT-001")
    market = runtime.minter.department("11441600007000002X")
    assert (system, market) in report.links.links  # the system's description names 河源市市场监督管理局
    rows = runtime.store.select(f"SELECT ?s ?o WHERE {{ GRAPH <{mentions_graph(runtime.store)}> "
                                f"{{ ?s dct:references ?o }} }}")
    assert (system, market) in {(r["s"].value, r["o"].value) for r in rows}
    # its own operator (河源市民政局 is not named, but the link would be redundant) is never added
    assert all(o != runtime.minter.department("11441600007000001X") for s, o in report.links.links if s == system)

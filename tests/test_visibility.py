"""DESIGN.md "Who sees what", row by row, on a real store: what each kind of caller may see of datasets,
their distributions (the data) and data elements, and of systems — through the SPARQL guard every surface
uses, and through ``Caller.may_see`` (the search index's form of the same rule), which must agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CATALOG_HEADER, DEPARTMENT_HEADER, DEPARTMENT_ROWS, write_csv
from yuanshu.runtime import Runtime
from yuanshu.visibility import ADMIN, ANONYMOUS, Caller, Role

# (code, 共享类型, 开放类型) — one dataset per row of the table, all published by 河源市民政局
ROWS = [("OPEN", "无条件共享", "无条件开放"), ("ON-REQUEST", "无条件共享", "有条件开放"),
        ("SHARED", "无条件共享", "不予开放"), ("SHARED-COND", "有条件共享", "不予开放"),
        ("UNSHARED", "不予共享", "不予开放")]
CIVIL_AFFAIRS = "11441600007000001X"  # 河源市民政局
MARKET = "11441600007000002X"  # 河源市市场监督管理局

# what each caller sees: dataset codes whose metadata / whose data (distributions) are visible
EXPECTED = {
    "anonymous": ({"OPEN", "ON-REQUEST"}, {"OPEN"}),
    "staff of another department": ({"OPEN", "ON-REQUEST", "SHARED", "SHARED-COND"}, {"OPEN", "ON-REQUEST", "SHARED"}),
    "staff of the owner": ({code for code, _, _ in ROWS}, {code for code, _, _ in ROWS}),
    "administrator": ({code for code, _, _ in ROWS}, {code for code, _, _ in ROWS}),
}


@pytest.fixture
def loaded(runtime: Runtime, tmp_path: Path) -> Runtime:
    catalog = [[f"441600-V-{code}", f"数据{code}", "河源市民政局", "市直", "民政", "csv", "姓名", sharing, opening,
                "每月", "2021-03-01", "河源市民政业务系统", "", ""] for code, sharing, opening in ROWS]
    systems = [["河源市民政业务系统", "HYXT-V-1", "河源市民政局"]]
    runtime.load([write_csv(tmp_path / "departments.csv", DEPARTMENT_HEADER, DEPARTMENT_ROWS),
                  write_csv(tmp_path / "catalog.csv", CATALOG_HEADER, catalog),
                  write_csv(tmp_path / "systems.csv", ["系统名称", "系统编码", "所属部门"], systems)])
    return runtime


def callers(runtime: Runtime) -> dict[str, Caller]:
    return {"anonymous": ANONYMOUS,
            "staff of another department": Caller(Role.STAFF, runtime.minter.department(MARKET)),
            "staff of the owner": Caller(Role.STAFF, runtime.minter.department(CIVIL_AFFAIRS)),
            "administrator": ADMIN}


def visible_codes(runtime: Runtime, caller: Caller, pattern: str) -> set[str]:
    """Codes of the datasets whose entity matched by ``pattern`` (binding ?x from ?d) the guard lets through."""
    rows = runtime.store.select(f"SELECT DISTINCT ?code WHERE {{ ?d a dcat:Dataset ; dct:identifier ?code . "
                                f"{pattern} {caller.guard('x')} }}")
    return {r["code"].value.removeprefix("441600-V-") for r in rows}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_each_caller_sees_what_the_table_says(loaded: Runtime, who: str) -> None:
    caller = callers(loaded)[who]
    metadata, data = EXPECTED[who]
    assert visible_codes(loaded, caller, "BIND(?d AS ?x)") == metadata
    assert visible_codes(loaded, caller, "?d ys:dataElement ?x .") == metadata, "data elements are metadata"
    assert visible_codes(loaded, caller, "?d dcat:distribution ?x .") == data, "distributions are the data"
    system = loaded.minter.system("HYXT-V-1")
    sees_system = loaded.store.ask(f"ASK {{ VALUES ?s {{ <{system}> }} ?s a ys:InformationSystem ."
                                   f" {caller.guard('s')} }}")
    assert sees_system == (who != "anonymous"), "system inventories are for staff and above"


@pytest.mark.parametrize("who", list(EXPECTED))
def test_may_see_agrees_with_the_guard(loaded: Runtime, who: str) -> None:
    caller = callers(loaded)[who]
    rows = loaded.store.select("""SELECT ?x (GROUP_CONCAT(DISTINCT STR(?a)) AS ?audiences)
        (GROUP_CONCAT(DISTINCT STR(?owner)) AS ?owners) WHERE {
          ?x ys:audience ?a . OPTIONAL { ?x (dct:publisher|^dcat:distribution/dct:publisher
                                             |^ys:dataElement/dct:publisher|ys:operatedBy) ?owner }
        } GROUP BY ?x""")
    assert len(rows) > 20
    for row in rows:
        x = row["x"].value
        by_guard = loaded.store.ask(f"ASK {{ VALUES ?x {{ <{x}> }} ?x ?p ?o . {caller.guard('x')} }}")
        owners = row["owners"].value.split() if "owners" in row else []
        by_rule = caller.role is Role.ADMIN or caller.may_see(row["audiences"].value.split(), owners)
        assert by_guard == by_rule, x

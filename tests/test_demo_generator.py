"""The Heyuan demo-data generator: seed counts, formats, determinism, cross-references, scale."""

from __future__ import annotations

import collections
import csv
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from ontology.codelists import code_list
from yuanshu.demo import generate
from yuanshu.demo.__main__ import main
from yuanshu.demo.codes import uscc_is_valid

AREAS = ("市直", "源城区", "江东新区", "东源县", "连平县", "和平县", "龙川县", "紫金县")
DEPARTMENTS = dict(zip(AREAS, (44, 39, 9, 48, 38, 44, 38, 46), strict=True))  # seeds/000 表5
CATALOG = dict(zip(AREAS, (294, 237, 209, 290, 217, 214, 197, 231), strict=True))  # seeds/000 表5
LICENSING = dict(zip(AREAS, (398, 223, 145, 448, 353, 519, 375, 341), strict=True))  # seeds/000 表6
PUBLIC = dict(zip(AREAS, (211, 166, 89, 172, 87, 166, 64, 176), strict=True))  # seeds/000 表6
NOT_ON_APPLICATION = {"行政处罚", "行政强制", "行政检查", "行政征收"}
YES = {"是", "Y"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    generate(out)
    return out


@pytest.fixture(scope="module")
def demo_csv2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo-csv2")
    generate(out, scale=2, formats="csv")
    return out


def read_csv(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with open(path, encoding=encoding, newline="") as f:
        return list(csv.DictReader(f))


def catalog_encoding(area: str) -> str:
    return {"源城区": "gbk", "东源县": "utf-8-sig"}.get(area, "utf-8")


def two_row_header(rows: list[tuple]) -> list[str]:
    """Column names of a sheet whose header is two rows with grouped (merged) columns."""
    return [str(low or top) for top, low in zip(rows[0], rows[1], strict=True)]


def xlsx_catalog(demo: Path) -> tuple[list[dict], list[dict]]:
    wb = openpyxl.load_workbook(demo / "catalog-市直.xlsx")
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    names = two_row_header(rows[1:3])
    main_rows = [dict(zip(names, r, strict=True)) for r in rows[3:]]
    items = list(wb["信息项"].iter_rows(values_only=True))
    item_rows = [dict(zip(items[0], r, strict=True)) for r in items[1:]]
    return main_rows, item_rows


def all_catalog_rows(demo: Path) -> dict[str, list[dict]]:
    result = {"市直": [{k: "" if v is None else v for k, v in r.items()} for r in xlsx_catalog(demo)[0]]}
    for area in AREAS[1:]:
        result[area] = read_csv(demo / f"catalog-{area}.csv", catalog_encoding(area))
    return result


def departments(demo: Path) -> list[dict]:
    wb = openpyxl.load_workbook(demo / "departments.xlsx")
    rows = list(wb.active.iter_rows(values_only=True))
    names = two_row_header(rows[1:3])
    return [dict(zip(names, r, strict=True)) for r in rows[3:]]


def systems(demo: Path) -> list[dict]:
    rows = list(openpyxl.load_workbook(demo / "systems.xlsx").active.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


# ---------------------------------------------------------------------------------------------------


def test_files_and_determinism(demo: Path, tmp_path: Path) -> None:
    expected = {"departments.xlsx", "catalog-市直.xlsx", "systems.xlsx", "indicators.csv"}
    expected |= {f"catalog-{a}.csv" for a in AREAS[1:]} | {f"services-{a}.csv" for a in AREAS}
    paths = generate(tmp_path / "again")
    assert {p.name for p in paths} == expected
    assert {p.name for p in demo.iterdir()} == expected
    for path in paths:
        assert path.read_bytes() == (demo / path.name).read_bytes(), path.name
    other = generate(tmp_path / "other-seed", seed=7)
    assert any(p.read_bytes() != (demo / p.name).read_bytes() for p in other)


def test_encodings(demo: Path) -> None:
    gbk = (demo / "catalog-源城区.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")
    assert gbk.decode("gbk").startswith("信息资源代码,")
    assert (demo / "catalog-东源县.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    for name in ("catalog-江东新区.csv", "services-源城区.csv", "indicators.csv"):
        data = (demo / name).read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        data.decode("utf-8")


def test_departments(demo: Path) -> None:
    wb = openpyxl.load_workbook(demo / "departments.xlsx")
    merged = {str(r) for r in wb.active.merged_cells.ranges}
    assert {"A1:G1", "E2:G2", "B2:B3"} <= merged  # title row, grouped header band, vertically merged header
    rows = departments(demo)
    assert collections.Counter(r["所属区域"] for r in rows) == DEPARTMENTS
    names = [r["部门名称"] for r in rows]
    codes = [r["统一社会信用代码"] for r in rows]
    assert len(set(names)) == len(names) and len(set(codes)) == len(codes)
    assert all(uscc_is_valid(c) for c in codes)
    aliases = [a for r in rows for a in (r["简称"] or "").split("、") if a]
    assert len(set(aliases)) == len(aliases) and not set(aliases) & set(names)
    assert {"河源市人社局", "市人社局", "河源市市场监管局", "市市监局"} <= set(aliases)
    parents = {r["部门名称"]: r["上级部门"] for r in rows if r["上级部门"]}
    assert parents["河源市不动产登记中心"] == "河源市自然资源局"
    assert parents["河源市社会保险基金管理局"] == "河源市人力资源和社会保障局"
    assert set(parents.values()) <= set(names)
    assert {r["部门类型"] for r in rows} == {"党政机关", "事业单位", "群团组织", "垂直管理单位"}


def test_catalog_counts_codes_and_values(demo: Path) -> None:
    catalogs = all_catalog_rows(demo)
    assert {a: len(rows) for a, rows in catalogs.items()} == CATALOG
    rows = [r for area_rows in catalogs.values() for r in area_rows]
    codes = [r["信息资源代码"] for r in rows]
    assert len(set(codes)) == len(codes) == 1889
    assert all(re.fullmatch(r"4416(\d\d|JD)-[A-Z]+-\d{5}", c) for c in codes)
    for column, scheme in (
        ("开放类型", "open-type"),
        ("共享类型", "sharing-type"),
        ("共享方式", "sharing-method"),
        ("更新周期", "frequency"),
        ("信息资源分类", "resource-category"),
        ("主题分类", "theme"),
    ):
        codes_ = code_list(scheme)
        for r in rows:
            codes_.match(str(r[column]))
    opened = collections.Counter(r["开放类型"] for r in rows)
    assert abs(opened["无条件开放"] / len(rows) - 0.40) < 0.05
    assert abs(opened["有条件开放"] / len(rows) - 0.15) < 0.05
    assert abs(opened["不予开放"] / len(rows) - 0.45) < 0.05
    assert all(r["共享类型"] == "无条件共享" for r in rows if r["开放类型"] == "无条件开放")
    closed = {r["共享类型"] for r in rows if r["开放类型"] == "不予开放"}
    assert closed == {"无条件共享", "有条件共享", "不予共享"}
    dates = [str(r["发布日期"]) for r in rows]
    assert any(re.fullmatch(r"\d{4}-\d\d-\d\d", d) for d in dates)
    assert any(re.fullmatch(r"\d{4}/\d{1,2}/\d{1,2}", d) for d in dates)
    assert any(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", d) for d in dates)
    assert all(r["信息资源名称"] and r["资源提供方"] for r in rows)
    for area in AREAS[1:]:
        for r in catalogs[area]:
            elements = re.split("[、；，]", r["信息项"])
            assert 5 <= len(elements) <= 15


def test_xlsx_catalog_has_merged_header_and_element_sheet(demo: Path) -> None:
    wb = openpyxl.load_workbook(demo / "catalog-市直.xlsx")
    assert wb.sheetnames == ["政务信息资源目录", "信息项"]
    merged = {str(r) for r in wb.worksheets[0].merged_cells.ranges}
    assert {"A1:V1", "L2:N2", "O2:P2", "B2:B3"} <= merged
    main_rows, items = xlsx_catalog(demo)
    assert len(main_rows) == 294
    assert all(r["信息项"] is None for r in main_rows)
    assert any(hasattr(r["发布日期"], "year") for r in main_rows)  # Excel date cells
    per_code = collections.Counter(i["信息资源代码"] for i in items)
    assert set(per_code) == {r["信息资源代码"] for r in main_rows}
    assert all(5 <= n <= 15 for n in per_code.values())
    assert {i["数据类型"] for i in items} <= {"字符型", "数值型", "整数型", "日期型"}


def test_catalog_references_and_overlaps(demo: Path) -> None:
    catalogs = all_catalog_rows(demo)
    rows = [r for area_rows in catalogs.values() for r in area_rows]
    codes = {r["信息资源代码"] for r in rows}
    system_names = {s["系统名称"] for s in systems(demo)}
    related = {r["信息资源代码"]: [c for c in r["关联资源代码"].split("、") if c] for r in rows}
    assert all(len(v) <= 2 and set(v) <= codes for v in related.values())
    assert any(
        b in related and a in related[b] for a, refs in related.items() for b in refs
    )  # a cycle A -> B -> A
    sources = [s for r in rows for s in str(r["来源系统"]).split("、") if s]
    assert set(sources) <= system_names
    assert 0.05 < sum(1 for r in rows if not r["来源系统"]) / len(rows) < 0.3
    # 一数一源: the same elements collected by several departments.
    _, items = xlsx_catalog(demo)
    elements: dict[str, set[str]] = collections.defaultdict(set)
    for i in items:
        elements[i["信息资源代码"]].add(i["信息项名称"])
    by_provider = {r["信息资源代码"]: r["资源提供方"].strip() for r in catalogs["市直"]}
    person = {"身份证号码", "姓名", "性别", "出生日期"}
    firm = {"统一社会信用代码", "企业名称", "法定代表人"}
    assert len({by_provider[c] for c, e in elements.items() if person <= e}) >= 5
    assert len({by_provider[c] for c, e in elements.items() if firm <= e}) >= 5
    # A handful of rows name a department missing from the registry (they become provisional).
    known = set()
    for d in departments(demo):
        known |= {d["部门名称"], d["统一社会信用代码"], *(d["简称"] or "").split("、")}
    unknown = [r for r in rows if r["资源提供方"].strip() not in known]
    assert 0 < len(unknown) <= 0.01 * len(rows)
    assert all(r["提供方代码"] == "" for r in unknown)


def test_service_items(demo: Path) -> None:
    catalog_codes = {r["信息资源代码"] for rows in all_catalog_rows(demo).values() for r in rows}
    system_names = {s["系统名称"] for s in systems(demo)}
    kinds, levels, case_types = code_list("service-type"), code_list("exercise-level"), code_list("case-type")
    all_codes: list[str] = []
    for area in AREAS:
        rows = read_csv(demo / f"services-{area}.csv")
        types = collections.Counter(r["事项类型"] for r in rows)
        assert types["行政许可"] == LICENSING[area] and types["公共服务"] == PUBLIC[area]
        assert 0 < len(rows) - LICENSING[area] - PUBLIC[area] < 0.2 * len(rows)
        for r in rows:
            kinds.match(r["事项类型"])
            levels.match(r["行使层级"])
            case_types.match(r["办件类型"])
            assert int(r["承诺办结时限"]) <= int(
                r["法定办结时限"].translate(str.maketrans("０１２３４５６７８９", "0123456789"))
            )
            assert r["实施编码"].startswith(r["基本编码"] + "-")
            assert not r["办理系统"] or r["办理系统"] in system_names
            for ref in filter(None, r["所需数据"].split("、")):
                assert ref in catalog_codes or not re.fullmatch(r"4416.*-\d{5}", ref)
        all_codes += [r["实施编码"] for r in rows]
    assert len(set(all_codes)) == len(all_codes)


def test_yuancheng_service_rates_match_the_plan_baselines(demo: Path) -> None:
    rows = read_csv(demo / "services-源城区.csv")
    licensing = [r for r in rows if r["事项类型"] == "行政许可"]
    applied = [r for r in rows if r["事项类型"] not in NOT_ON_APPLICATION]
    high = [r for r in applied if r["是否高频事项"] in YES]

    def pct(part: int, whole: int) -> float:
        return 100 * part / whole

    assert abs(pct(sum(r["到办事现场次数"] == "0" for r in licensing), len(licensing)) - 88.88) < 0.5
    assert abs(pct(sum(r["是否一窗受理"] in YES for r in applied), len(applied)) - 92) < 0.5
    assert len(high) == 96 and sum(r["是否跨域通办"] in YES for r in high) == 10  # 10.41%
    assert abs(pct(sum(r["是否使用电子证照"] in YES for r in licensing), len(licensing)) - 24) < 0.5


def test_systems(demo: Path) -> None:
    wb = openpyxl.load_workbook(demo / "systems.xlsx")
    assert wb.active.max_row == 575
    rows = systems(demo)
    levels = collections.Counter(r["建设层级"] for r in rows)
    assert levels == {"国家垂直": 131, "省垂直": 205, "市本级": 238}
    assert sum(Decimal(str(r["建设资金(万元)"])) for r in rows) == Decimal("150000")
    assert sum(Decimal(str(r["年运维资金(万元)"])) for r in rows) == Decimal("7230")
    deployment = collections.Counter(r["部署位置"] for r in rows)
    assert deployment["业务专网"] == 85 and deployment["自建机房"] == 163
    assert sum("自建局域网" in r["系统描述"] for r in rows) == 60
    assert {r["所属区域"] for r in rows} == {"市直"}
    names = [r["系统名称"] for r in rows]
    assert len(set(names)) == len(names) and len({r["系统编码"] for r in rows}) == len(rows)
    assert {
        "广东政务服务网",
        "全国一体化在线政务服务平台",
        "金税三期工程核心征管系统",
        "河源市不动产登记信息平台",
        "河源市住房公积金管理信息系统",
        "全民参保登记系统",
        "河源市社会救助信息系统",
    } <= set(names)
    assert {"停用", "拟整合"} <= {r["运行状态"] for r in rows}
    for scheme, column in (
        ("build-level", "建设层级"),
        ("deployment", "部署位置"),
        ("system-status", "运行状态"),
    ):
        for r in rows:
            code_list(scheme).match(r[column])
    upstream = {r["系统名称"]: [u for u in (r["上游系统"] or "").split("、") if u] for r in rows}
    assert all(set(v) <= set(names) for v in upstream.values())

    depth: dict[str, int] = {}

    def longest(name: str, path: frozenset[str]) -> int:
        if name in path:
            return 0
        if name not in depth:
            depth[name] = 1 + max((longest(u, path | {name}) for u in upstream[name]), default=0)
        return depth[name]

    assert max(longest(n, frozenset()) for n in names) >= 6  # a chain of depth >= 5
    in_cycle = [n for n in names if _reaches(upstream, n, n)]
    assert len(in_cycle) == 3


def _reaches(graph: dict[str, list[str]], start: str, goal: str) -> bool:
    seen: set[str] = set()
    todo = list(graph[start])
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(graph[node])
    return False


def test_indicators(demo: Path) -> None:
    rows = read_csv(demo / "indicators.csv")
    assert len(rows) == 21
    yc = [r for r in rows if r["所属区域"] == "源城区"]
    assert len(yc) == 15 and all((r["基准年"], r["目标年"]) == ("2020", "2025") for r in yc)
    first = yc[0]
    assert (first["指标名称"], first["现状值"], first["目标值"]) == ("“零跑动”事项覆盖率", "88.88", "90")
    assert first["计算方法"] == "“零跑动”事项数/许可事项总数×100%"
    assert [r["现状值"] for r in yc if r["现状值"] == ""] == ["", "", ""]  # the table's '-'
    hy = [r for r in rows if r["所属区域"] == "河源市"]
    assert [(r["现状值"], r["目标值"]) for r in hy] == [
        ("86", "95"),
        ("75", "95"),
        ("73", "92"),
        ("84", "90"),
        ("21", "35"),
        ("18", "30"),
    ]
    catalog_codes = {r["信息资源代码"] for rs in all_catalog_rows(demo).values() for r in rs}
    for r in rows:
        refs = r["数据来源"].split("、")
        assert refs and set(refs) <= catalog_codes and all("-ZSJ-" in c for c in refs)


def test_scale_two_doubles_counts_in_csv_only_mode(demo_csv2: Path) -> None:
    names = {p.name for p in demo_csv2.iterdir()}
    assert {"departments.csv", "catalog-市直.csv", "catalog-市直-信息项.csv", "systems.csv"} <= names
    assert not any(n.endswith(".xlsx") for n in names)
    for name in names:
        assert not (demo_csv2 / name).read_bytes().startswith(b"\xef\xbb\xbf")
    assert len(read_csv(demo_csv2 / "departments.csv")) == sum(DEPARTMENTS.values())
    codes: set[str] = set()
    for area in AREAS:
        rows = read_csv(demo_csv2 / f"catalog-{area}.csv")
        assert len(rows) == 2 * CATALOG[area]
        codes |= {r["信息资源代码"] for r in rows}
        services = read_csv(demo_csv2 / f"services-{area}.csv")
        types = collections.Counter(r["事项类型"] for r in services)
        assert (types["行政许可"], types["公共服务"]) == (2 * LICENSING[area], 2 * PUBLIC[area])
        assert len({r["实施编码"] for r in services}) == len(services)
    assert len(codes) == 2 * 1889
    items = read_csv(demo_csv2 / "catalog-市直-信息项.csv")
    assert {i["信息资源代码"] for i in items} == {c for c in codes if c.startswith("441600-")}
    rows = read_csv(demo_csv2 / "systems.csv")
    assert len(rows) == 2 * 574 and len({r["系统名称"] for r in rows}) == len(rows)
    assert collections.Counter(r["建设层级"] for r in rows) == {"国家垂直": 262, "省垂直": 410, "市本级": 476}
    assert sum(Decimal(r["建设资金(万元)"]) for r in rows) == Decimal("300000")
    high = [r for r in read_csv(demo_csv2 / "services-源城区.csv") if r["是否高频事项"] in YES]
    assert len(high) == 192 and sum(r["是否跨域通办"] in YES for r in high) == 20


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path), "--scale", "0.1", "--seed", "3", "--csv-only"]) == 0
    printed = capsys.readouterr().out.split()
    assert len(printed) == 20 and all(Path(p).exists() for p in printed)
    assert len(read_csv(tmp_path / "catalog-市直.csv")) == round(294 * 0.1)

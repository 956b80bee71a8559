"""Write the Heyuan demo source files: the registry, catalogs, service lists, systems and indicators."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from yuanshu.demo import catalog, services, systems
from yuanshu.demo.names import AREA_BY_NAME, AREAS, HEYUAN_INDICATORS, YUANCHENG_INDICATORS, Area
from yuanshu.demo.registry import DemoPlan
from yuanshu.demo.writers import CsvSink, XlsxBook

Formats = Literal["mixed", "csv"]

DEPARTMENT_COLUMNS = ("部门名称", "统一社会信用代码", "所属区域", "上级部门", "简称", "部门类型")
INDICATOR_COLUMNS = (
    "指标编码",
    "指标名称",
    "单位",
    "计算方法",
    "现状值",
    "目标值",
    "基准年",
    "目标年",
    "责任部门",
    "数据来源",
    "所属区域",
)

# How each area's catalog is handed in (mixed mode): 市直 sends an Excel workbook, the others CSV exports in
# whatever encoding their office software produced.
CATALOG_ENCODINGS = {"源城区": "gbk", "东源县": "utf-8-sig"}


def generate(out_dir: Path, scale: float = 1.0, seed: int = 20211, formats: Formats = "mixed") -> list[Path]:
    """Write the demo source files into ``out_dir`` and return their paths (load order does not matter)."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    if formats not in ("mixed", "csv"):
        raise ValueError("formats must be 'mixed' or 'csv'")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    plan = DemoPlan(seed, scale)
    csv_only = formats == "csv"
    paths = [write_departments(plan, out_dir, csv_only)]
    for area in AREAS:
        paths += write_catalog(plan, area, out_dir, csv_only)
    for area in AREAS:
        paths.append(write_services(plan, area, out_dir))
    paths.append(write_systems(plan, out_dir, csv_only))
    paths.append(write_indicators(plan, out_dir))
    return paths


def _write_csv(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], encoding: str = "utf-8"
) -> Path:
    with CsvSink(path, header, encoding) as sink:
        for row in rows:
            sink.write(row)
    return path


def department_rows(plan: DemoPlan) -> Iterable[tuple[str, ...]]:
    for area in AREAS:
        for d in plan.departments[area.name]:
            yield d.name, d.code, area.name, d.parent or "", "、".join(d.aliases), d.kind


def write_departments(plan: DemoPlan, out_dir: Path, csv_only: bool) -> Path:
    if csv_only:
        return _write_csv(out_dir / "departments.csv", DEPARTMENT_COLUMNS, department_rows(plan))
    path = out_dir / "departments.xlsx"
    book = XlsxBook(path)
    sheet = book.sheet("机构名录")
    columns = ("序号", *DEPARTMENT_COLUMNS)
    sheet.title_row("河源市政务部门机构名录（2021年）", len(columns))
    sheet.header(columns, groups=(("机构属性", 4, 6),))
    for i, row in enumerate(department_rows(plan), start=1):
        sheet.write((i, *row))
    book.save()
    return path


def write_catalog(plan: DemoPlan, area: Area, out_dir: Path, csv_only: bool) -> list[Path]:
    stem = f"catalog-{area.name}"
    if area.name == "市直":  # the data elements are listed on a separate sheet / file keyed by 信息资源代码
        if csv_only:
            main, elements = out_dir / f"{stem}.csv", out_dir / f"{stem}-信息项.csv"
            with CsvSink(main, catalog.COLUMNS) as rows, CsvSink(elements, catalog.ELEMENT_COLUMNS) as items:
                for row in catalog.catalog_rows(plan, area):
                    rows.write(catalog.with_elements_elsewhere(row))
                    for item in catalog.element_rows(row):
                        items.write(item)
            return [main, elements]
        path = out_dir / f"{stem}.xlsx"
        book = XlsxBook(path)
        sheet = book.sheet("政务信息资源目录")
        items_sheet = book.sheet("信息项")
        columns = ("序号", *catalog.COLUMNS)
        sheet.title_row("河源市市直单位政务信息资源目录", len(columns))
        sheet.header(columns, groups=tuple((label, a + 1, b + 1) for label, a, b in catalog.XLSX_GROUPS))
        items_sheet.header(catalog.ELEMENT_COLUMNS)
        for i, row in enumerate(catalog.catalog_rows(plan, area, cells=True), start=1):
            sheet.write((i, *catalog.with_elements_elsewhere(row)))
            for item in catalog.element_rows(row):
                items_sheet.write(item)
        book.save()
        return [path]
    encoding = "utf-8" if csv_only else CATALOG_ENCODINGS.get(area.name, "utf-8")
    path = out_dir / f"{stem}.csv"
    return [_write_csv(path, catalog.COLUMNS, (r.values for r in catalog.catalog_rows(plan, area)), encoding)]


def write_services(plan: DemoPlan, area: Area, out_dir: Path) -> Path:
    return _write_csv(
        out_dir / f"services-{area.name}.csv", services.COLUMNS, services.service_rows(plan, area)
    )


def write_systems(plan: DemoPlan, out_dir: Path, csv_only: bool) -> Path:
    if csv_only:
        return _write_csv(out_dir / "systems.csv", systems.COLUMNS, systems.system_rows(plan))
    path = out_dir / "systems.xlsx"
    book = XlsxBook(path)
    sheet = book.sheet("政务信息系统清单")
    sheet.header(systems.COLUMNS)
    for row in systems.system_rows(plan, cells=True):
        sheet.write(row)
    book.save()
    return path


def indicator_rows(plan: DemoPlan) -> Iterable[tuple[str, ...]]:
    sets = (
        (YUANCHENG_INDICATORS, AREA_BY_NAME["源城区"], "2020", "2025", "源城区"),
        (HEYUAN_INDICATORS, AREA_BY_NAME["市直"], "2017", "2020", "河源市"),
    )
    for indicators, area, base_year, target_year, scope in sets:
        owner = next(d.name for d in plan.departments[area.name] if d.domain_key == "zs")
        for code, name, unit, formula, status, target, sources in indicators:
            refs = [plan.find_dataset(area, "zs", s) for s in sources]
            refs = list(dict.fromkeys(r for r in refs if r))
            yield (
                code,
                name,
                unit,
                formula,
                status,
                target,
                base_year,
                target_year,
                owner,
                "、".join(refs),
                scope,
            )


def write_indicators(plan: DemoPlan, out_dir: Path) -> Path:
    return _write_csv(out_dir / "indicators.csv", INDICATOR_COLUMNS, indicator_rows(plan))

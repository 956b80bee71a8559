"""指标 — indicators with formulas, baseline and target values."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyoxigraph as ox

from loaders.columns import Column, Record, SourceKind
from loaders.context import LoadContext
from loaders.indicator_values import parse_formula
from loaders.normalize import parse_decimal, parse_year
from loaders.triples import DCT, YS, plain, text, typed, year
from yuanshu.visibility import Audience

_UNIT_IN_NAME = re.compile(r"[（(]\s*([^（）()]{1,6})\s*[)）]\s*$")

COLUMNS = (
    Column("code", "指标编码", ("指标代码", "编码", "indicator_code", "code"), required=True),
    Column("name", "指标名称", ("主要指标", "指标", "indicator", "name"), required=True),
    Column("unit", "单位", ("计量单位", "unit")),
    Column("formula", "计算方法", ("计算公式", "公式", "计算口径", "formula")),
    Column("baseline", "现状值", ("基准值", "现状", "baseline", "baseline_value"), parse=parse_decimal),
    Column("target", "目标值", ("目标", "target", "target_value"), parse=parse_decimal),
    Column("baseline_year", "基准年", ("现状年份", "基准年份", "baseline_year"), parse=parse_year),
    Column("target_year", "目标年", ("目标年份", "target_year"), parse=parse_year),
    Column("department", "责任部门", ("牵头部门", "责任单位", "responsible_department")),
    Column("sources", "数据来源", ("来源数据", "数据来源资源", "data_source", "data_sources"), many=True),
    Column("area", "所属区域", ("区域", "适用区域", "area", "region")),
)


def subject(record: Record, ctx: LoadContext) -> str:
    return ctx.minter.indicator(record["code"])


def build(record: Record, ctx: LoadContext) -> Iterator[ox.Quad]:
    w = ctx.writer(subject(record, ctx))
    w.a(YS.Indicator)
    w.audience(Audience.PUBLIC)
    w.add(DCT.identifier, plain(record["code"]))
    w.add(DCT.title, text(record["name"]))
    unit = record["unit"] or _unit_from_name(record["name"])
    if unit:
        w.add(YS.unit, text(unit))
    if record["formula"]:
        w.add(YS.formula, text(record["formula"]))
        if parse_formula(record["formula"]) is not None:
            w.add(YS.computable, typed(True))
    for key, prop in (("baseline", YS.baselineValue), ("target", YS.targetValue)):
        if record[key] is not None:
            w.add(prop, typed(record[key]))
    for key, prop in (("baseline_year", YS.baselineYear), ("target_year", YS.targetYear)):
        if record[key] is not None:
            w.add(prop, year(record[key]))
    if record["department"]:
        w.add(YS.responsibleDepartmentName, text(record["department"]))
    for ref in record.get("sources", []):
        w.add(YS.dataSourceRef, plain(ref))
    w.link(YS.scopeArea, ctx.area(record["area"]))
    ctx.add_extras(w, record)
    yield from w


def _unit_from_name(name: str) -> str | None:
    match = _UNIT_IN_NAME.search(name)
    return match.group(1) if match else None


KIND = SourceKind("indicators", "指标表", COLUMNS, subject=subject, build=build, distinctive=("name",))

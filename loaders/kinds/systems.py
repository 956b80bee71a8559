"""政务信息系统清单 — the information-system inventory."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from loaders.codes import coded
from loaders.columns import Column, Record, SourceKind
from loaders.context import LoadContext
from loaders.normalize import parse_bool, parse_decimal, parse_year
from loaders.triples import DCT, YS, plain, text, typed, year
from yuanshu.visibility import Audience

COLUMNS = (
    Column("name", "系统名称", ("信息系统名称", "系统名", "system_name"), required=True),
    Column("code", "系统编码", ("信息系统编码", "系统代码", "system_code")),
    Column("department", "所属部门", ("建设单位", "主管部门", "使用部门", "department", "owner"), required=True),
    Column("level", "建设层级", ("建设级别", "build_level"), parse=coded("build-level")),
    Column("area", "所属区域", ("区域", "所属地区", "area", "region")),
    Column("deployment", "部署位置", ("部署方式", "部署环境", "deployment"), parse=coded("deployment")),
    Column("year", "建设年份", ("建成年份", "上线年份", "建设时间", "built_year"), parse=parse_year),
    Column("cost", "建设资金(万元)", ("建设资金", "建设投资(万元)", "建设金额(万元)", "build_cost"),
           parse=parse_decimal),
    Column("ops_cost", "年运维资金(万元)", ("年运维资金", "运维资金(万元)", "年度运维费用(万元)", "annual_ops_cost"),
           parse=parse_decimal),
    Column("status", "运行状态", ("系统状态", "状态", "status"), parse=coded("system-status")),
    Column("shared", "是否接入共享平台", ("接入共享平台", "是否接入共享交换平台", "connected_to_sharing_platform"),
           parse=parse_bool),
    Column("upstream", "上游系统", ("依赖系统", "上游依赖系统", "depends_on", "upstream"), many=True),
    Column("description", "系统描述", ("系统简介", "系统功能", "描述", "description")),
)


def subject(record: Record, ctx: LoadContext) -> str:
    return ctx.minter.system(record["code"] or record["name"])


def build(record: Record, ctx: LoadContext) -> Iterator[ox.Quad]:
    w = ctx.writer(subject(record, ctx))
    w.a(YS.InformationSystem)
    w.audience(Audience.STAFF)
    w.add(DCT.identifier, plain(record["code"] or record["name"]))
    w.add(DCT.title, text(record["name"]))
    if record["description"]:
        w.add(DCT.description, text(record["description"]))
    w.add(YS.operatedByName, text(record["department"]))
    w.link(YS.buildLevel, record["level"])
    w.link(YS.area, ctx.area(record["area"]))
    w.link(YS.deployment, record["deployment"])
    if record["year"] is not None:
        w.add(YS.builtYear, year(record["year"]))
    for key, prop in (("cost", YS.buildCost), ("ops_cost", YS.annualOpsCost), ("shared",
                                                                                YS.connectedToSharingPlatform)):
        if record[key] is not None:
            w.add(prop, typed(record[key]))
    w.link(YS.status, record["status"])
    w.texts(YS.dependsOnName, [u for u in record.get("upstream", []) if u != record["name"]])
    ctx.add_extras(w, record)
    yield from w


KIND = SourceKind("systems", "政务信息系统清单", COLUMNS, subject=subject, build=build, distinctive=("name",
                                                                                               "department"))

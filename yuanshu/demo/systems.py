"""政务信息系统清单 of the 市直 units (seeds/000 表1, 表2): 574 systems at scale 1, costs summing exactly to
15 亿元 built and 0.723 亿元 a year."""

from __future__ import annotations

from collections.abc import Iterator

from yuanshu.demo import names
from yuanshu.demo.codes import apportion
from yuanshu.demo.messy import maybe_full_width, weighted, yes_no
from yuanshu.demo.registry import DemoPlan, SystemRecord

COLUMNS = (
    "系统名称",
    "系统编码",
    "所属部门",
    "建设层级",
    "所属区域",
    "部署位置",
    "建设年份",
    "建设资金(万元)",
    "年运维资金(万元)",
    "运行状态",
    "是否接入共享平台",
    "上游系统",
    "系统描述",
)

_STATUS = (("在用", 0.84), ("拟整合", 0.06), ("停用", 0.05), ("在建", 0.04), ("拟建", 0.01))
# Locally funded share of a system's cost: vertical systems are mostly paid for by the ministry / province.
_LOCAL_SHARE = {"国家垂直": 0.25, "省垂直": 0.6, "市本级": 1.5}


def _yuan(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def system_rows(plan: DemoPlan, cells: bool = False) -> Iterator[tuple[object, ...]]:
    rng = plan.rng("systems")
    systems = plan.systems
    statuses = [weighted(rng, _STATUS) for _ in systems]
    build_weights = [rng.lognormvariate(0, 1.0) * _LOCAL_SHARE[s.level] for s in systems]
    ops_weights = [
        w * rng.uniform(0.5, 1.5) * (0.3 if st in ("在建", "拟建") else 1.0)
        for w, st in zip(build_weights, statuses, strict=True)
    ]
    build = apportion(round(names.BUILD_COST_WAN * 100 * plan.scale), build_weights)
    ops = apportion(round(names.OPS_COST_WAN * 100 * plan.scale), ops_weights)
    for s, status, b, o in zip(systems, statuses, build, ops, strict=True):
        yield _row(plan, s, status, b, o, rng, cells)


def _row(
    plan: DemoPlan, s: SystemRecord, status: str, build: int, ops: int, rng, cells: bool
) -> tuple[object, ...]:
    label, _ = plan.department_label(s.dept, rng)
    if status == "拟建":
        year = rng.choice((2022, 2023))
    elif status == "在建":
        year = rng.choice((2020, 2021))
    else:
        year = rng.randint(2006 if s.level == "市本级" else 2008, 2021)
    connected = rng.random() < (0.15 if status in ("停用", "拟建", "在建") else 0.7)
    upstream = "、".join(plan.systems[i].name for i in s.upstream)
    where = "，部署于本单位自建局域网" if s.own_lan else ""
    description = (
        f"{s.name}是{s.dept.name}的{s.level}{s.subject}业务系统{where}，支撑{s.subject}业务办理与数据管理。"
    )
    build_value: object = build / 100 if cells else _yuan(build)
    ops_value: object = ops / 100 if cells else _yuan(ops)
    year_value: object = year if cells else maybe_full_width(str(year), rng)
    return (
        s.name,
        s.code,
        label,
        s.level,
        "市直",
        s.deployment,
        year_value,
        build_value,
        ops_value,
        status,
        yes_no(connected, rng),
        upstream,
        description,
    )

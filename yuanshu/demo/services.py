"""政务服务事项实施清单: one file per area. Per area the number of 行政许可 and 公共服务 rows equals seeds/000
表6; a modest number of other item types is added. Flags are drawn with exact-count samplers so that, e.g.,
源城区's rates reproduce seeds/001 表1's baselines."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from yuanshu.demo.codes import ExactSampler, apportion
from yuanshu.demo.domains import DOMAINS
from yuanshu.demo.messy import maybe_full_width, weighted, yes_no
from yuanshu.demo.names import SERVICE_RATES, Area
from yuanshu.demo.registry import DemoPlan, Department, dataset_code, dataset_spec

COLUMNS = (
    "事项名称",
    "基本编码",
    "实施编码",
    "事项类型",
    "实施主体",
    "行使层级",
    "所属区域",
    "办件类型",
    "法定办结时限",
    "承诺办结时限",
    "到办事现场次数",
    "是否网办",
    "网办深度",
    "是否一窗受理",
    "是否跨域通办",
    "是否使用电子证照",
    "是否收费",
    "办理系统",
    "所需数据",
    "是否高频事项",
)

LICENSING, PUBLIC = "行政许可", "公共服务"
# Types not applied for by the public; every other type is 依申请 (seeds/001 一窗综合受理率's denominator).
NOT_ON_APPLICATION = frozenset({"行政处罚", "行政强制", "行政检查", "行政征收"})
OTHER_SHARE = 0.14  # other item types, relative to 许可 + 公共服务
PORTAL = "广东政务服务网"

# Letters in the 基本编码 by type (our own convention, in the spirit of the national item codes).
_TYPE_LETTER = {
    "行政许可": "A",
    "行政处罚": "B",
    "公共服务": "C",
    "行政强制": "D",
    "行政征收": "E",
    "行政给付": "F",
    "行政检查": "G",
    "行政确认": "H",
    "行政奖励": "J",
    "行政裁决": "K",
    "其他行政权力": "Z",
}
_VARIANTS = {
    "行政许可": ("", "（新办）", "（变更）", "（延续）", "（注销）", "（补办）"),
    "公共服务": ("", "（个人）", "（单位）", "（线上办理）", "（窗口办理）"),
    "行政处罚": ("", "（一般程序）", "（简易程序）"),
}
_DEFAULT_VARIANTS = ("", "（首次）", "（变更）", "（补办）")


def _template_index() -> dict[tuple[str, str, str], int]:
    """(type, domain, template) -> a number stable across areas, the 主项 part of the 基本编码."""
    index: dict[tuple[str, str, str], int] = {}
    for key, domain in DOMAINS.items():
        items = (
            [(LICENSING, n) for n in domain.licensing]
            + [(PUBLIC, n) for n in domain.public]
            + list(domain.other)
        )
        for kind, name in items:
            index.setdefault((kind, key, name), len(index) + 1)
    return index


TEMPLATE_INDEX = _template_index()


def _templates(dept: Department, kind: str) -> tuple[str, ...]:
    domain = dept.domain
    if kind == LICENSING:
        return domain.licensing
    if kind == PUBLIC:
        return domain.public
    return tuple(name for k, name in domain.other if k == kind)


@dataclass(frozen=True)
class AreaServicePlan:
    """How many items of each type each department of the area implements."""

    counts: list[dict[str, int]]  # per department, type -> count

    def total(self, kinds: frozenset[str] | None = None, exclude: frozenset[str] = frozenset()) -> int:
        return sum(
            n for c in self.counts for k, n in c.items() if (kinds is None or k in kinds) and k not in exclude
        )


def plan_services(plan: DemoPlan, area: Area) -> AreaServicePlan:
    depts = plan.departments[area.name]
    counts: list[dict[str, int]] = [{} for _ in depts]
    for kind, total in (
        (LICENSING, round(area.licensing * plan.scale)),
        (PUBLIC, round(area.public_services * plan.scale)),
    ):
        for i, n in enumerate(apportion(total, [len(_templates(d, kind)) for d in depts])):
            if n:
                counts[i][kind] = n
    other_kinds = sorted({k for d in depts for k, _ in d.domain.other})
    weights = [sum(len(_templates(d, k)) for d in depts) for k in other_kinds]
    extra = round((area.licensing + area.public_services) * OTHER_SHARE * plan.scale)
    for kind, total in zip(other_kinds, apportion(extra, weights), strict=True):
        for i, n in enumerate(apportion(total, [len(_templates(d, kind)) for d in depts])):
            if n:
                counts[i][kind] = n
    return AreaServicePlan(counts)


class _Flags:
    """Exact-count samplers for the flags the indicators measure."""

    def __init__(self, area: Area, service_plan: AreaServicePlan, scale: float) -> None:
        rates = SERVICE_RATES[area.name]
        licensing = service_plan.total(frozenset({LICENSING}))
        applied = service_plan.total(exclude=NOT_ON_APPLICATION)
        if isinstance(rates.high_frequency, int):
            high = round(rates.high_frequency * scale)
        else:
            high = round(rates.high_frequency * applied)
        self.zero_visit = ExactSampler(round(rates.zero_visit * licensing), licensing)
        self.e_licence = ExactSampler(round(rates.e_licence * licensing), licensing)
        self.one_window = ExactSampler(round(rates.one_window * applied), applied)
        self.high = ExactSampler(high, applied)
        self.cross_region = ExactSampler(round(rates.cross_region * high), high)
        self.online = rates.online


def service_rows(plan: DemoPlan, area: Area) -> Iterator[tuple[object, ...]]:
    rng = plan.rng("services", area.name)
    service_plan = plan_services(plan, area)
    flags = _Flags(area, service_plan, plan.scale)
    for dept, counts in zip(plan.departments[area.name], service_plan.counts, strict=True):
        kinds = [k for k in (LICENSING, PUBLIC) if k in counts] + sorted(
            k for k in counts if k not in (LICENSING, PUBLIC)
        )
        for kind in kinds:
            templates = _templates(dept, kind)
            variants = _VARIANTS.get(kind, _DEFAULT_VARIANTS)
            for j in range(counts[kind]):
                template = templates[j % len(templates)]
                cycle = j // len(templates)
                variant, rnd = cycle % len(variants), cycle // len(variants)
                yield _row(plan, area, dept, kind, template, variant, variants[variant], rnd, flags, rng)


def _row(
    plan: DemoPlan,
    area: Area,
    dept: Department,
    kind: str,
    template: str,
    variant: int,
    suffix: str,
    rnd: int,
    flags: _Flags,
    rng: random.Random,
) -> tuple[object, ...]:
    city = area.name == "市直"
    main = TEMPLATE_INDEX[(kind, dept.domain_key, template)]
    basic = f"44{0 if city else 1}{_TYPE_LETTER[kind]}{main:04d}{variant:03d}{rnd:03d}"
    implementation = f"{basic}-{area.code}000000-000-{dept.code}-1-00"
    label, _ = plan.department_label(dept, rng)

    applied = kind not in NOT_ON_APPLICATION
    if kind == LICENSING:
        zero = flags.zero_visit.take(rng)
        visits = 0 if zero else weighted(rng, (("1", 0.7), ("2", 0.25), ("3", 0.05)))
        e_licence = flags.e_licence.take(rng)
    else:
        visits = weighted(rng, (("0", 0.3), ("1", 0.55), ("2", 0.12), ("3", 0.03))) if applied else "1"
        e_licence = rng.random() < 0.12
    visits = int(visits)
    one_window = flags.one_window.take(rng) if applied else False
    high = flags.high.take(rng) if applied else False
    cross = flags.cross_region.take(rng) if high else (applied and rng.random() < 0.03)

    if visits == 0:
        online, depth = True, "4"
    elif applied and rng.random() < flags.online:
        online, depth = True, weighted(rng, (("3", 0.6), ("2", 0.4)))
    else:
        online, depth = False, ""
    immediate = visits == 0 and kind != LICENSING and rng.random() < 0.6
    if immediate:
        legal, promised = rng.choice((1, 5, 10)), 0
    else:
        legal = rng.choice((20, 20, 30, 15, 45, 60, 10) if kind == LICENSING else (5, 10, 15, 20, 30))
        promised = max(1, round(legal * rng.choice((0.2, 0.3, 0.5, 0.5, 1.0))))

    system = PORTAL if rng.random() < 0.65 else plan.pick_system(dept, rng) or PORTAL
    if rng.random() < 0.04:
        system = ""
    needed = _needed_data(plan, dept, rng)

    level = ("市" if city else "县") if rng.random() < 0.9 else ("市级" if city else "县级")
    if not city and kind == PUBLIC and rng.random() < 0.05:
        level = "镇"
    return (
        template + suffix,
        basic,
        implementation,
        kind,
        label,
        level,
        area.name,
        "即办件" if immediate else "承诺件",
        maybe_full_width(str(legal), rng),
        promised,
        visits,
        yes_no(online, rng),
        depth,
        yes_no(one_window, rng),
        yes_no(cross, rng),
        yes_no(e_licence, rng),
        yes_no(rng.random() < 0.08, rng),
        system,
        needed,
        yes_no(high, rng),
    )


def _needed_data(plan: DemoPlan, dept: Department, rng: random.Random) -> str:
    """所需数据: 1–3 of the department's own datasets, by code or (less often) by name."""
    count = plan.department_datasets(dept)
    if not count:
        return ""
    picks = sorted(set(rng.randint(1, count) for _ in range(rng.choice((1, 1, 2, 3)))))
    refs = [dataset_code(dept, s) if rng.random() < 0.7 else dataset_spec(dept.domain, s)[1] for s in picks]
    return "、".join(refs)

"""The cross-references every demo file needs: departments, how many datasets each department keeps (and
so their codes and names), and the information systems. Everything here is a pure function of the seed
and the scale, so each file can be written on its own, in any order."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from functools import cached_property

from yuanshu.demo import names
from yuanshu.demo.codes import apportion, department_code
from yuanshu.demo.domains import DOMAINS, DatasetSpec, Domain
from yuanshu.demo.messy import stray_spaces
from yuanshu.demo.names import AREAS, Area


@dataclass(frozen=True)
class Department:
    name: str
    code: str  # 统一社会信用代码
    area: Area
    abbr: str
    domain_key: str
    kind: str
    aliases: tuple[str, ...]
    parent: str | None

    @property
    def domain(self) -> Domain:
        return DOMAINS[self.domain_key]

    @property
    def old_names(self) -> tuple[str, ...]:
        return tuple(names.fill(t, self.area) for t in names.OLD_NAMES.get(self.domain_key, ()))


def build_departments(seed: int) -> dict[str, list[Department]]:
    """Every area's departments (表5 counts), with deterministic credit codes."""
    result: dict[str, list[Department]] = {}
    codes: set[str] = set()
    for area in AREAS:
        depts: list[Department] = []
        abbrs: set[str] = set()
        for t in names.templates_for(area):
            name = names.fill(t.name, area)
            aliases = tuple(
                dict.fromkeys(names.fill(a, area) for a in t.aliases if area.unique_level or "{l}" not in a)
            )
            aliases = tuple(a for a in aliases if a != name)
            rng = random.Random(f"{seed}:credit:{area.name}:{name}")
            code = department_code(names.KIND_PREFIX[t.kind], area.code, rng)
            while code in codes:
                code = department_code(names.KIND_PREFIX[t.kind], area.code, rng)
            codes.add(code)
            if t.abbr in abbrs:
                raise ValueError(f"{area.name}: abbreviation {t.abbr} used twice")
            abbrs.add(t.abbr)
            parent = names.fill(t.parent, area) if t.parent else None
            depts.append(Department(name, code, area, t.abbr, t.domain, t.kind, aliases, parent))
        result[area.name] = depts
    return result


def dataset_code(dept: Department, serial: int) -> str:
    """信息资源代码: area token, department abbreviation, serial (441600-MZJ-00012)."""
    return f"{dept.area.token}-{dept.abbr}-{serial:05d}"


def dataset_spec(domain: Domain, serial: int) -> tuple[DatasetSpec, str, int]:
    """The spec, the name and the round of a department's ``serial``-th dataset.

    A department with more datasets than its domain lists keeps statistics and yearly editions of them:
    婚姻登记信息, then 婚姻登记统计信息, then 婚姻登记信息（2017年度） …
    """
    index, rnd = (serial - 1) % len(domain.datasets), (serial - 1) // len(domain.datasets)
    spec = domain.datasets[index]
    name = spec.name
    if rnd == 1:
        name = name[:-2] + "统计信息" if name.endswith("信息") else name + "统计"
    elif 2 <= rnd <= 7:
        name = f"{name}（{2015 + rnd}年度）"
    elif rnd > 7:
        name = f"{name}（历史库{rnd - 7}）"
    return spec, name, rnd


def serial_of(domain: Domain, dataset_name: str) -> int | None:
    """The serial of a domain's dataset in its first round (None if the domain has no such dataset)."""
    index = domain.dataset_index.get(dataset_name)
    return None if index is None else index + 1


# ---------------------------------------------------------------------------------------------------
# Information systems

LEVELS = ("国家垂直", "省垂直", "市本级")
_PATTERNS = {
    "国家垂直": ("全国{}信息系统", "国家{}管理平台", "全国{}数据库"),
    "省垂直": ("广东省{}信息系统", "广东省{}综合管理平台", "广东省{}业务系统"),
    "市本级": (
        "河源市{}管理系统",
        "河源市{}服务平台",
        "河源市{}监管平台",
        "河源市{}数据库",
        "河源市{}移动应用",
    ),
}
_PHASES = ("（二期）", "（三期）")


@dataclass
class SystemRecord:
    index: int
    name: str
    code: str
    dept: Department
    level: str
    subject: str
    deployment: str = "政务云"
    own_lan: bool = False
    upstream: tuple[int, ...] = ()


def _system_names(domain: Domain, level: str, count: int, taken: set[str]) -> list[tuple[str, str]]:
    """``count`` unique (name, subject) pairs for one department and level."""
    explicit = {"国家垂直": domain.national, "省垂直": domain.provincial, "市本级": domain.city}[level]
    subjects = domain.subjects or ("业务",)
    candidates: list[tuple[str, str]] = [(n, subjects[i % len(subjects)]) for i, n in enumerate(explicit)]
    candidates += [(p.format(s).replace("管理管理", "管理"), s) for p in _PATTERNS[level] for s in subjects]
    result: list[tuple[str, str]] = []
    rnd = 0
    while len(result) < count:
        for base, subject in candidates:
            if len(result) >= count:
                break
            if rnd == 0:
                name = base
            elif rnd <= len(_PHASES):
                name = base + _PHASES[rnd - 1]
            else:
                name = f"{base}（{rnd + 1}期）"
            if name not in taken:
                taken.add(name)
                result.append((name, subject))
        rnd += 1
    return result


def plan_systems(city_depts: list[Department], scale: float, seed: int) -> list[SystemRecord]:
    """The 市直 systems: 表1's level split, 表2's deployment split, upstream links with chains and a cycle."""
    totals = {
        "国家垂直": round(names.SYSTEMS_NATIONAL * scale),
        "省垂直": round(names.SYSTEMS_PROVINCIAL * scale),
        "市本级": round(names.SYSTEMS_CITY * scale),
    }
    per_level = {
        "国家垂直": apportion(totals["国家垂直"], [len(d.domain.national) for d in city_depts]),
        "省垂直": apportion(totals["省垂直"], [len(d.domain.provincial) for d in city_depts]),
        "市本级": apportion(totals["市本级"], [len(d.domain.city) + 1 for d in city_depts]),
    }
    taken: set[str] = set()
    systems: list[SystemRecord] = []
    by_dept: dict[str, list[int]] = {}
    for i, dept in enumerate(city_depts):
        serial = 0
        for level in LEVELS:
            for name, subject in _system_names(dept.domain, level, per_level[level][i], taken):
                serial += 1
                record = SystemRecord(
                    len(systems), name, f"HYXT-{dept.abbr}-{serial:04d}", dept, level, subject
                )
                by_dept.setdefault(dept.domain_key, []).append(record.index)
                systems.append(record)
    rng = random.Random(f"{seed}:systems-plan")
    _assign_deployment(systems, scale, rng)
    _assign_upstream(systems, by_dept, rng)
    return systems


def _assign_deployment(systems: list[SystemRecord], scale: float, rng: random.Random) -> None:
    by_level = {level: [s for s in systems if s.level == level] for level in LEVELS}
    for group in by_level.values():
        rng.shuffle(group)
    free = {s.index for s in systems}

    def take(order: list[SystemRecord], count: int, value: str) -> list[SystemRecord]:
        chosen = [s for s in order if s.index in free][:count]
        for s in chosen:
            s.deployment = value
            free.discard(s.index)
        return chosen

    nat, prov, city = by_level["国家垂直"], by_level["省垂直"], by_level["市本级"]
    take(nat + prov + city, round(names.DEPLOY_SPECIAL_NETWORK * scale), "业务专网")
    rooms = take(city + prov + nat, round(names.DEPLOY_OWN_ROOM * scale), "自建机房")
    for s in rooms[: round(names.DEPLOY_OWN_LAN * scale)]:
        s.own_lan = True
    mixed = city + prov + nat
    rng.shuffle(mixed)
    take(mixed, round(names.DEPLOY_INTERNET * scale), "互联网")


def _assign_upstream(systems: list[SystemRecord], by_dept: dict[str, list[int]], rng: random.Random) -> None:
    """上游系统. A system is fed by earlier systems of its own department (national before provincial before
    city) or by the national / provincial platforms of the 政务服务数据管理局 (the hubs). Hubs are only fed by
    earlier hubs, so these links never form a cycle; the one cycle is added on purpose at the end."""
    upstream: dict[int, list[int]] = {s.index: [] for s in systems}
    hubs = [i for i in by_dept.get("zs", []) if systems[i].level != "市本级"]
    hub_set = set(hubs)
    position = {i: p for members in by_dept.values() for p, i in enumerate(members)}
    for s in systems:
        if rng.random() >= 0.25:
            continue
        own = by_dept[s.dept.domain_key][: position[s.index]]
        is_hub = s.index in hub_set
        for _ in range(rng.choice((1, 1, 2))):
            pool = own if is_hub or (own and rng.random() < 0.6) else hubs
            if not pool:
                continue
            pick = rng.choice(pool)
            if pick != s.index and pick not in upstream[s.index]:
                upstream[s.index].append(pick)
    # Long chains (depth >= 5): each system of these departments feeds the next one.
    for key in ("zs", "sc", "ga", "rs", "zr"):
        chain = by_dept.get(key, [])[:7]
        for prev, cur in itertools.pairwise(chain):
            if prev not in upstream[cur]:
                upstream[cur].insert(0, prev)
    # One cycle: 一体化平台 -> 统一申办受理 -> 企业开办 -> 一体化平台.
    index = {s.name: s.index for s in systems}
    ring = [
        index.get(n)
        for n in ("河源市政务服务一体化平台", "河源市统一申办受理系统", "河源市企业开办一网通办系统")
    ]
    if None in ring:
        ring = [s.index for s in systems[:3]]
    if len(systems) >= 3:
        for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
            if a not in upstream[b]:
                upstream[b].append(a)  # type: ignore[arg-type]
    for s in systems:
        s.upstream = tuple(upstream[s.index][:3])


# ---------------------------------------------------------------------------------------------------


class DemoPlan:
    """Everything shared between files, computed once per ``generate`` call."""

    def __init__(self, seed: int, scale: float) -> None:
        self.seed = seed
        self.scale = scale
        self.departments = build_departments(seed)

    def rng(self, *parts: object) -> random.Random:
        """An independent RNG for one file or one area, so adding a file never shifts another."""
        return random.Random(":".join(str(p) for p in (self.seed, *parts)))

    def catalog_counts(self, area: Area) -> list[int]:
        depts = self.departments[area.name]
        weights = [len(d.domain.datasets) * d.domain.catalog_weight for d in depts]
        return apportion(round(area.catalog * self.scale), weights, minimum=1)

    @cached_property
    def dataset_counts(self) -> dict[tuple[str, str], int]:
        """(area name, department name) -> number of datasets it keeps."""
        counts: dict[tuple[str, str], int] = {}
        for area in AREAS:
            for dept, n in zip(self.departments[area.name], self.catalog_counts(area), strict=True):
                counts[(area.name, dept.name)] = n
        return counts

    def department_datasets(self, dept: Department) -> int:
        return self.dataset_counts[(dept.area.name, dept.name)]

    def find_dataset(self, area: Area, domain_key: str, dataset_name: str) -> str | None:
        """The code of a named dataset (first round) of the area's department of that domain."""
        for dept in self.departments[area.name]:
            if dept.domain_key == domain_key:
                serial = serial_of(dept.domain, dataset_name)
                if serial is not None and serial <= self.department_datasets(dept):
                    return dataset_code(dept, serial)
        return None

    @cached_property
    def systems(self) -> list[SystemRecord]:
        return plan_systems(self.departments["市直"], self.scale, self.seed)

    @cached_property
    def systems_by_domain(self) -> dict[str, list[SystemRecord]]:
        result: dict[str, list[SystemRecord]] = {}
        for s in self.systems:
            result.setdefault(s.dept.domain_key, []).append(s)
        return result

    def pick_system(self, dept: Department, rng: random.Random) -> str:
        """A system the department's data comes from: its own (市直) or its 市直 counterpart's; counties use
        the vertical (national / provincial) ones where there are any."""
        pool = self.systems_by_domain.get(dept.domain_key, [])
        if not pool:
            return ""
        if dept.area.name != "市直":
            vertical = [s for s in pool if s.level != "市本级"]
            pool = vertical or pool
        return rng.choice(pool).name

    def department_label(self, dept: Department, rng: random.Random) -> tuple[str, bool]:
        """How a row names its department: mostly the full name, sometimes an alias or stray spaces, and
        about one row in 200 overall a pre-reform name that is not in the registry (provisional)."""
        roll = rng.random()
        if roll < 0.011 and dept.old_names:
            return rng.choice(dept.old_names), True
        if roll < 0.09 and dept.aliases:
            return rng.choice(dept.aliases), False
        return stray_spaces(dept.name, rng, 0.03), False

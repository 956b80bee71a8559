"""Indicators computed from the graph: the seeds' service-item formulas evaluated on the loaded rows.

An indicator's 计算方法 is read as ``A/B×100%``. B names a population of service items (事项总数, 许可事项总数,
依申请…事项总数, 高频事项清单总数); A adds conditions (零跑动, 不超过1次, 一窗/综合窗口, 跨域通办, 电子证照,
全流程网办, 网上办理). A is counted within B's population, so the ratio is a share of B. Formulas that
name nothing the graph records (镇街, 部门, 行业, 单点登录, "数据统计") are left to their declared values.
Each computed value is stored as an observation with its time, the numerator and denominator, and PROV
links to the datasets the indicator names and to the source-file versions (and so load runs) it counted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

import pyoxigraph as ox

from loaders.triples import DQV, PROV, YS, QuadWriter, typed
from ontology.namespaces import CODE
from yuanshu.store import GraphStore
from yuanshu.visibility import Audience


@dataclass(frozen=True)
class ServiceItem:
    """The facts of loaded service items that the formulas can count (one combination of them)."""

    graph: str
    type: str | None
    area: str | None
    visits: int | None
    one_window: bool
    cross_region: bool
    electronic_licence: bool
    online: bool
    online_depth: int | None
    high_frequency: bool


Condition = tuple[str, Callable[[ServiceItem], bool]]

_LICENSING = str(CODE["service-type-licensing"])
# 依申请 items: every type except those the administration starts itself (依职权: 处罚, 强制, 检查, 征收)
_ON_APPLICATION = {str(CODE[f"service-type-{t}"]) for t in (
    "licensing", "benefit", "confirmation", "reward", "adjudication", "other-power", "public-service")}

# keyword in the numerator → condition; longer phrases first, each phrase consumed once
_CONDITIONS: tuple[Condition, ...] = (
    ("不超过1次", lambda s: s.visits is not None and s.visits <= 1),
    ("最多跑一次", lambda s: s.visits is not None and s.visits <= 1),
    ("零跑动", lambda s: s.visits == 0),
    ("综合窗口", lambda s: s.one_window),
    ("一窗", lambda s: s.one_window),
    ("跨域通办", lambda s: s.cross_region),
    ("电子证照", lambda s: s.electronic_licence),
    ("全流程网上办理", lambda s: s.online_depth == 4),
    ("网上全流程办理", lambda s: s.online_depth == 4),
    ("全流程网办", lambda s: s.online_depth == 4),
    ("网上办理", lambda s: s.online),
    ("可网办", lambda s: s.online),
)
_POPULATIONS: tuple[Condition, ...] = (
    ("高频", lambda s: s.high_frequency),
    ("依申请", lambda s: s.type in _ON_APPLICATION),
    ("许可", lambda s: s.type == _LICENSING),
)
_NOT_SERVICE_ITEMS = ("镇街", "部门数", "行业", "单点登录", "一体机", "终端", "用户")
_RATIO = re.compile(r"^(?P<a>.+?)/(?P<b>.+?)[×x*]\s*100\s*%$")


@dataclass(frozen=True)
class Formula:
    """A parsed ratio formula: the population counted in the denominator and the extra numerator conditions."""

    population: tuple[Condition, ...]
    subset: tuple[Condition, ...]

    def describe(self) -> str:
        return " ∧ ".join(label for label, _ in self.population + self.subset)


@dataclass(frozen=True)
class IndicatorValue:
    indicator: str
    code: str
    title: str
    value: Decimal
    numerator: int
    denominator: int
    baseline: Decimal | None
    target: Decimal | None


def parse_formula(text: str) -> Formula | None:
    """The computable reading of a 计算方法 text, or None when it needs data the graph does not hold."""
    compact = re.sub(r"[\s“”\"'‘’]", "", text)
    match = _RATIO.match(compact)
    if not match or any(word in compact for word in _NOT_SERVICE_ITEMS):
        return None
    a, b = match.group("a"), match.group("b")
    if not all("事项" in part or "清单" in part for part in (a, b)):
        return None
    population = tuple(c for c in _POPULATIONS if c[0] in b or (b == "清单总数" and c[0] in a))
    conditions = _conditions(a)
    if not conditions:
        return None
    extra = tuple(c for c in _POPULATIONS if c[0] in a and c not in population)
    return Formula(population, conditions + extra)


def _conditions(text: str) -> tuple[Condition, ...]:
    found: list[Condition] = []
    for condition in _CONDITIONS:
        if condition[0] in text:
            found.append(condition)
            text = text.replace(condition[0], "")
    return tuple(found)


@dataclass
class _Tally:
    """Running counts for one indicator while the service items stream past."""

    population: int = 0
    counted: int = 0
    graphs: set[str] = field(default_factory=set)


def compute_indicators(store: GraphStore, now: datetime | None = None) -> list[IndicatorValue]:
    """Evaluate every computable indicator; store a new observation where the value or its inputs changed.

    The store groups the service items by the facts the formulas use, so Python sees each combination of
    facts once with its count: memory and time in Python do not grow with the number of items.
    """
    now = now or datetime.now(UTC)
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    graph = ox.NamedNode(store.minter.indicators_graph)
    computation = store.minter.computation(stamp)
    rows = [(row, formula) for row in _indicators(store) if (formula := parse_formula(row["formula"].value))]
    scopes = [_scope_areas(store, row.get("scope")) for row, _ in rows]
    tallies = [_Tally() for _ in rows]
    for item, n in _service_items(store) if rows else ():
        for (_, formula), scope, tally in zip(rows, scopes, tallies, strict=True):
            if (scope is None or item.area in scope) and all(test(item) for _, test in formula.population):
                tally.population += n
                tally.graphs.add(item.graph)
                tally.counted += n if all(test(item) for _, test in formula.subset) else 0
    values: list[IndicatorValue] = []
    quads: list[ox.Quad] = []
    for (row, _), tally in zip(rows, tallies, strict=True):
        if not tally.population:
            continue
        value = (Decimal(tally.counted) * 100 / tally.population).quantize(Decimal("0.01"), ROUND_HALF_UP)
        result = IndicatorValue(row["i"].value, row["code"].value, row["title"].value, value, tally.counted,
                                tally.population, _decimal(row.get("baseline")), _decimal(row.get("target")))
        values.append(result)
        if not _unchanged(store, result):
            quads.extend(_observation(store, result, stamp, computation, now, sorted(tally.graphs), graph))
    if quads:
        c = QuadWriter(computation, graph)
        c.a(YS.Computation, PROV.Activity)
        c.audience(Audience.PUBLIC)
        c.add(PROV.endedAtTime, typed(now))
        for g in sorted(set().union(*(t.graphs for t in tallies))):
            c.link(PROV.used, g)
        store.append([*quads, *c])
    return values


def _indicators(store: GraphStore) -> list[dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]]:
    return store.select("""
        SELECT ?i ?code ?title ?formula ?scope ?baseline ?target WHERE {
          ?i a ys:Indicator ; dct:identifier ?code ; dct:title ?title ; ys:formula ?formula .
          OPTIONAL { ?i ys:scopeArea ?scope } OPTIONAL { ?i ys:baselineValue ?baseline }
          OPTIONAL { ?i ys:targetValue ?target }
        } ORDER BY ?code""")


_FACTS = ("serviceType", "area", "onSiteVisits", "oneWindow", "crossRegion", "electronicLicence", "onlineService",
          "onlineDepth", "highFrequency")
_SERVICE_FACTS = f"""
    SELECT ?g {" ".join("?" + f for f in _FACTS)} (COUNT(?s) AS ?n) WHERE {{
      GRAPH ?g {{ ?s a cpsv:PublicService }}
      {" ".join(f"OPTIONAL {{ ?s ys:{f} ?{f} }}" for f in _FACTS)}
    }} GROUP BY ?g {" ".join("?" + f for f in _FACTS)}"""


def _service_items(store: GraphStore) -> Iterator[tuple[ServiceItem, int]]:
    """Each combination of the facts the formulas use, with how many loaded service items have it."""
    for row in store.query(_SERVICE_FACTS):
        facts = {f: row[f].value if row[f] is not None else None for f in _FACTS}
        visits, depth = facts["onSiteVisits"], facts["onlineDepth"]
        item = ServiceItem(
            graph=row["g"].value, type=facts["serviceType"], area=facts["area"],
            visits=int(visits) if visits is not None else None,
            one_window=facts["oneWindow"] == "true", cross_region=facts["crossRegion"] == "true",
            electronic_licence=facts["electronicLicence"] == "true", online=facts["onlineService"] == "true",
            online_depth=int(depth) if depth is not None else None, high_frequency=facts["highFrequency"] == "true")
        yield item, int(row["n"].value)


def _scope_areas(store: GraphStore, scope: ox.NamedNode | None) -> set[str] | None:
    """The scope area and every area below it (None: the indicator counts all items)."""
    if scope is None:
        return None
    areas = {r["a"].value for r in store.select(f"SELECT ?a WHERE {{ ?a ys:parentArea* <{scope.value}> }}")}
    return areas | {scope.value}


def _unchanged(store: GraphStore, value: IndicatorValue) -> bool:
    rows = store.select(f"""
        SELECT ?num ?den WHERE {{
          ?o dqv:isMeasurementOf <{value.indicator}> ; prov:generatedAtTime ?t ; ys:numerator ?num ;
             ys:denominator ?den .
        }} ORDER BY DESC(?t) LIMIT 1""")
    return bool(rows) and (int(rows[0]["num"].value), int(rows[0]["den"].value)) == (value.numerator,
                                                                                    value.denominator)


def _observation(store: GraphStore, value: IndicatorValue, stamp: str, computation: str, now: datetime,
                 graphs: list[str], graph: ox.NamedNode) -> list[ox.Quad]:
    w = QuadWriter(store.minter.observation(value.code, stamp), graph)
    w.a(YS.IndicatorObservation, DQV.QualityMeasurement)
    w.audience(Audience.PUBLIC)
    w.link(DQV.isMeasurementOf, value.indicator)
    w.add(DQV.value, typed(value.value))
    w.add(YS.numerator, typed(value.numerator))
    w.add(YS.denominator, typed(value.denominator))
    w.add(PROV.generatedAtTime, typed(now))
    w.link(PROV.wasGeneratedBy, computation)
    for dataset in store.select(f"SELECT ?d WHERE {{ <{value.indicator}> prov:wasDerivedFrom ?d }}"):
        w.link(PROV.wasDerivedFrom, dataset["d"].value)
    for source in graphs:
        w.link(PROV.wasDerivedFrom, source)
    return list(w)


def _decimal(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> Decimal | None:
    return Decimal(term.value) if term is not None else None

"""Indicators computed from the graph: the seeds' service-item formulas evaluated on the loaded rows.

An indicator's 计算方法 is read as ``A/B×100%``. B names a population of service items (事项总数, 许可事项总数,
依申请…事项总数, 高频事项清单总数); A adds conditions (零跑动, 不超过1次跑动, 一窗/综合窗口, 跨域通办, 电子证照,
全流程网办, 网上办理). A is counted within B's population, so the ratio is a share of B. Formulas that
name nothing the graph records (镇街, 部门, 行业, 单点登录, "数据统计") are left to their declared values.
Each computed value is stored as an observation with its time, the numerator and denominator, and PROV
links to the datasets the indicator names and to the source-file versions (and so load runs) it counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

import pyoxigraph as ox

from loaders.triples import TripleWriter, typed
from ontology.namespaces import CODE, DQV, PROV, YS
from yuanshu.store import GraphStore

# 依申请 items: every type except those the administration starts itself (依职权)
_ON_APPLICATION = ("licensing", "benefit", "confirmation", "reward", "adjudication", "other-power",
                   "public-service")

# keyword → SPARQL condition on ?s; first matching keywords win, longer phrases before shorter ones
_CONDITIONS: tuple[tuple[str, str], ...] = (
    ("不超过1次跑动", "?s ys:onSiteVisits ?visits . FILTER(?visits <= 1)"),
    ("最多跑一次", "?s ys:onSiteVisits ?visits . FILTER(?visits <= 1)"),
    ("零跑动", "?s ys:onSiteVisits 0"),
    ("综合窗口", "?s ys:oneWindow true"),
    ("一窗", "?s ys:oneWindow true"),
    ("跨域通办", "?s ys:crossRegion true"),
    ("电子证照", "?s ys:electronicLicence true"),
    ("全流程网上办理", "?s ys:onlineDepth 4"),
    ("全流程网办", "?s ys:onlineDepth 4"),
    ("网上办理", "?s ys:onlineService true"),
    ("可网办", "?s ys:onlineService true"),
)
_POPULATIONS: tuple[tuple[str, str], ...] = (
    ("高频", "?s ys:highFrequency true"),
    ("依申请", "?s ys:serviceType ?type . VALUES ?type { "
               + " ".join(f"<{CODE['service-type-' + t]}>" for t in _ON_APPLICATION) + " }"),
    ("许可", f"?s ys:serviceType <{CODE['service-type-licensing']}>"),
)
_NOT_SERVICE_ITEMS = ("镇街", "部门数", "行业", "单点登录", "一体机", "终端", "用户")
_RATIO = re.compile(r"^(?P<a>.+?)/(?P<b>.+?)[×x*]\s*100\s*%$")


@dataclass(frozen=True)
class Formula:
    """A parsed ratio formula: SPARQL conditions for the population and the counted subset."""

    population: tuple[str, ...]
    subset: tuple[str, ...]


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
    population = tuple(cond for word, cond in _POPULATIONS if word in b or (b == "清单总数" and word in a))
    conditions = _conditions(a)
    if not conditions:
        return None
    extra_population = tuple(cond for word, cond in _POPULATIONS if word in a and cond not in population)
    return Formula(population, conditions + extra_population)


def _conditions(text: str) -> tuple[str, ...]:
    found: list[str] = []
    for word, condition in _CONDITIONS:
        if word in text and condition not in found:
            found.append(condition)
            text = text.replace(word, "")
    return tuple(found)


def compute_indicators(store: GraphStore, now: datetime | None = None) -> list[IndicatorValue]:
    """Evaluate every computable indicator; store a new observation where the value or its inputs changed."""
    now = now or datetime.now(UTC)
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    rows = store.select("""
        SELECT ?i ?code ?title ?formula ?scope ?baseline ?target WHERE {
          ?i a ys:Indicator ; dct:identifier ?code ; dct:title ?title ; ys:formula ?formula .
          OPTIONAL { ?i ys:scopeArea ?scope } OPTIONAL { ?i ys:baselineValue ?baseline }
          OPTIONAL { ?i ys:targetValue ?target }
        } ORDER BY ?code""")
    values: list[IndicatorValue] = []
    triples: list[ox.Triple] = []
    computation = store.minter.computation(stamp)
    used_graphs: set[str] = set()
    for row in rows:
        formula = parse_formula(row["formula"].value)
        if formula is None:
            continue
        scope = _scope(row.get("scope"))
        denominator = _count(store, formula.population, scope)
        numerator = _count(store, formula.population + formula.subset, scope)
        if denominator == 0:
            continue
        value = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        result = IndicatorValue(row["i"].value, row["code"].value, row["title"].value, value, numerator,
                                denominator, _decimal(row.get("baseline")), _decimal(row.get("target")))
        values.append(result)
        graphs = _source_graphs(store, formula.population, scope)
        used_graphs.update(graphs)
        if _unchanged(store, result):
            continue
        triples.extend(_observation(store, result, stamp, computation, now, graphs))
    if triples:
        c = TripleWriter(computation)
        c.a(YS.Computation)
        c.add(PROV.endedAtTime, typed(now))
        for g in sorted(used_graphs):
            c.link(PROV.used, g)
        store.append(store.minter.indicators_graph, [*triples, *c])
    return values


def _scope(area: ox.NamedNode | None) -> str:
    return f"?s ys:area ?area . ?area ys:parentArea* <{area.value}> ." if area is not None else ""


def _count(store: GraphStore, conditions: tuple[str, ...], scope: str) -> int:
    body = " . ".join(conditions)
    rows = store.select(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a cpsv:PublicService . {scope} {body} }}")
    return int(rows[0]["n"].value)


def _source_graphs(store: GraphStore, conditions: tuple[str, ...], scope: str) -> list[str]:
    body = " . ".join(conditions)
    rows = store.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s a cpsv:PublicService }} {scope} {body} }}")
    return sorted(r["g"].value for r in rows)


def _unchanged(store: GraphStore, value: IndicatorValue) -> bool:
    rows = store.select(f"""
        SELECT ?num ?den WHERE {{
          ?o dqv:isMeasurementOf <{value.indicator}> ; prov:generatedAtTime ?t ; ys:numerator ?num ;
             ys:denominator ?den .
        }} ORDER BY DESC(?t) LIMIT 1""")
    return bool(rows) and (int(rows[0]["num"].value), int(rows[0]["den"].value)) == (value.numerator,
                                                                                    value.denominator)


def _observation(store: GraphStore, value: IndicatorValue, stamp: str, computation: str, now: datetime,
                 graphs: list[str]) -> list[ox.Triple]:
    w = TripleWriter(store.minter.observation(value.code, stamp))
    w.a(YS.IndicatorObservation, DQV.QualityMeasurement)
    w.link(DQV.isMeasurementOf, value.indicator)
    w.add(DQV.value, typed(value.value))
    w.add(YS.numerator, typed(value.numerator))
    w.add(YS.denominator, typed(value.denominator))
    w.add(PROV.generatedAtTime, typed(now))
    w.link(PROV.wasGeneratedBy, computation)
    for dataset in store.select(f"SELECT ?d WHERE {{ <{value.indicator}> prov:wasDerivedFrom ?d }}"):
        w.link(PROV.wasDerivedFrom, dataset["d"].value)
    for graph in graphs:
        w.link(PROV.wasDerivedFrom, graph)
    return list(w)


def _decimal(term: ox.Literal | None) -> Decimal | None:
    return Decimal(term.value) if term is not None else None

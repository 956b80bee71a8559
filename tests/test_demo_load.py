"""The demo data set: generated, loaded, and checked against the seeds' tables and formulas."""

from __future__ import annotations

import csv
import unicodedata
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from loaders.pipeline import LoadReport
from yuanshu.config import Settings
from yuanshu.db import RunStatus
from yuanshu.demo import generate
from yuanshu.runtime import Runtime
from yuanshu.validation import format_report, validate_store

CODE = "https://w3id.org/yuanshu/code/"
# seeds/000 表5 (涉及单位总数, 信息类总数) and 表6 (许可事项数, 公共服务事项数)
SEED_AREAS = {
    "市直": (44, 294, 398, 211), "源城区": (39, 237, 223, 166), "江东新区": (9, 209, 145, 89),
    "东源县": (48, 290, 448, 172), "连平县": (38, 217, 353, 87), "和平县": (44, 214, 519, 166),
    "龙川县": (38, 197, 375, 64), "紫金县": (46, 231, 341, 176),
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Runtime, LoadReport, list[Path]]:
    root = tmp_path_factory.mktemp("demo")
    files = generate(root / "files", scale=1.0)
    runtime = Runtime.open(Settings(home=root / "data"))
    report = runtime.loader().load(files)
    yield runtime, report, files
    runtime.close()


def per_area(runtime: Runtime, pattern: str) -> Counter[str]:
    rows = runtime.store.select(f"""SELECT ?name (COUNT(DISTINCT ?x) AS ?n) WHERE {{
        {pattern} ?x ys:area ?area . ?area skos:prefLabel ?name FILTER(LANG(?name) = "zh") }} GROUP BY ?name""")
    return Counter({r["name"].value: int(r["n"].value) for r in rows})


def count(runtime: Runtime, where: str) -> int:
    return int(runtime.store.select(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}")[0]["n"].value)


def test_every_demo_file_loads_without_rejections(demo: tuple[Runtime, LoadReport, list[Path]]) -> None:
    _, report, files = demo
    assert len(report.files) == len(files)
    for f in report.files:
        assert f.status == RunStatus.finished and not f.errors, (f.path.name, f.errors[:3])
    assert {f.encoding for f in report.files if f.path.name == "catalog-源城区.csv"} == {"GBK"}


def test_counts_per_area_are_the_seeds(demo: tuple[Runtime, LoadReport, list[Path]]) -> None:
    runtime, _, _ = demo
    departments = per_area(runtime, "?x a org:Organization FILTER NOT EXISTS { ?x ys:provisional true }")
    datasets = per_area(runtime, "?x a dcat:Dataset .")
    licensing = per_area(runtime, f"?x ys:serviceType <{CODE}service-type-licensing> .")
    public = per_area(runtime, f"?x ys:serviceType <{CODE}service-type-public-service> .")
    for area, (n_departments, n_datasets, n_licensing, n_public) in SEED_AREAS.items():
        assert (departments[area], datasets[area], licensing[area], public[area]) == (
            n_departments, n_datasets, n_licensing, n_public), area
    assert count(runtime, "?x a dcat:Dataset") == 1889


def test_systems_are_the_seeds(demo: tuple[Runtime, LoadReport, list[Path]]) -> None:
    runtime, _, _ = demo
    levels = runtime.store.select("""SELECT ?level (COUNT(?s) AS ?n) WHERE { ?s a ys:InformationSystem ;
        ys:buildLevel ?level } GROUP BY ?level""")
    by_level = {r["level"].value.removeprefix(CODE): int(r["n"].value) for r in levels}
    assert sum(by_level.values()) == 574
    assert by_level["build-level-national"] + by_level["build-level-provincial"] == 336
    assert by_level["build-level-city"] == 238
    totals = runtime.store.select("""SELECT (SUM(?c) AS ?build) (SUM(?o) AS ?ops) WHERE {
        ?s a ys:InformationSystem ; ys:buildCost ?c ; ys:annualOpsCost ?o }""")[0]
    assert (Decimal(totals["build"].value), Decimal(totals["ops"].value)) == (Decimal(150000), Decimal(7230))
    deployments = per_area(runtime, "?x ys:deployment ?d .")
    assert sum(deployments.values()) == 574


def test_indicators_and_links(demo: tuple[Runtime, LoadReport, list[Path]]) -> None:
    runtime, report, _ = demo
    assert count(runtime, "?x a ys:Indicator") == 21
    assert count(runtime, "?x a ys:Indicator ; ys:baselineValue ?b ; ys:targetValue ?t") == 18
    # every dataset, service and system is linked to a department (registered or provisional)
    assert count(runtime, "?x a dcat:Dataset FILTER NOT EXISTS { ?x dct:publisher ?p }") == 0
    assert count(runtime, "?x a cpsv:PublicService FILTER NOT EXISTS { ?x cv:hasCompetentAuthority ?p }") == 0
    assert count(runtime, "?x a ys:InformationSystem FILTER NOT EXISTS { ?x ys:operatedBy ?p }") == 0
    assert report.links is not None and report.links.provisional, "the demo names a few unregistered units"
    assert not report.links.unresolved and not report.links.ambiguous, (report.links.unresolved,
                                                                        report.links.ambiguous)
    assert count(runtime, "?x ys:sourceSystem ?s") > 1000
    assert count(runtime, "?x ys:usesDataset ?d") > 1000
    # 一数一源: the same concept collected by datasets of different departments
    shared = runtime.store.select("""SELECT ?x WHERE { ?d ys:dataElement ?e ; dct:publisher ?p . ?e ys:concept ?x }
        GROUP BY ?x HAVING (COUNT(DISTINCT ?p) > 1)""")
    assert len(shared) >= 5


def _norm(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip()


def _services(files: list[Path], area: str | None) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in files:
        if path.name.startswith("services-") and (area is None or path.stem == f"services-{area}"):
            with path.open(encoding="utf-8-sig") as fh:
                rows.extend({k: _norm(v) for k, v in r.items()} for r in csv.DictReader(fh))
    return rows


def _yes(value: str) -> bool:
    return value.upper() in ("是", "Y")


def _ratio(numerator: int, denominator: int) -> Decimal:
    return (Decimal(numerator) * 100 / denominator).quantize(Decimal("0.01"), ROUND_HALF_UP)


def test_computed_indicators_equal_the_formulas_on_the_loaded_rows(
        demo: tuple[Runtime, LoadReport, list[Path]]) -> None:
    """Each formula recomputed here straight from the source files, independently of the loader."""
    _, report, files = demo
    computed = {v.code: v for v in report.indicators}
    yc = _services(files, "源城区")
    licensing = [r for r in yc if r["事项类型"] == "行政许可"]
    on_application = [r for r in yc if r["事项类型"] not in ("行政处罚", "行政强制", "行政检查", "行政征收")]
    frequent = [r for r in yc if _yes(r["是否高频事项"])]
    city = _services(files, None)
    expected = {
        "YCSZ-2025-01": (sum(r["到办事现场次数"] == "0" for r in licensing), len(licensing)),
        "YCSZ-2025-02": (sum(_yes(r["是否一窗受理"]) for r in on_application), len(on_application)),
        "YCSZ-2025-05": (sum(_yes(r["是否跨域通办"]) for r in frequent), len(frequent)),
        "YCSZ-2025-13": (sum(_yes(r["是否使用电子证照"]) for r in licensing), len(licensing)),
        "HYZW-2020-01": (sum(r["网办深度"] == "4" for r in city), len(city)),
        "HYZW-2020-02": (sum(_yes(r["是否网办"]) for r in city), len(city)),
        "HYZW-2020-04": (sum(r["到办事现场次数"] in ("0", "1") for r in city), len(city)),
        "HYZW-2020-05": (sum(r["到办事现场次数"] == "0" for r in city), len(city)),
    }
    assert set(computed) == set(expected), "exactly the formulas that count service items are computed"
    for code, (numerator, denominator) in expected.items():
        value = computed[code]
        assert (value.numerator, value.denominator, value.value) == (
            numerator, denominator, _ratio(numerator, denominator)), code
    # the generator draws 源城区 to the plan's baselines: the computed values sit beside them
    assert abs(computed["YCSZ-2025-01"].value - Decimal("88.88")) < 1


def test_observations_carry_their_provenance(demo: tuple[Runtime, LoadReport, list[Path]]) -> None:
    runtime, _, _ = demo
    rows = runtime.store.select("""SELECT ?value ?sha WHERE {
        ?o dqv:isMeasurementOf ?i ; dqv:value ?value ; prov:wasDerivedFrom ?g .
        ?i dct:identifier "YCSZ-2025-01" .
        ?run prov:generated ?g ; prov:used ?file . ?file ys:sha256 ?sha }""")
    assert rows, "the observation leads to the load run and the source file's sha256"
    datasets = count(runtime, """?o dqv:isMeasurementOf ?i . ?i dct:identifier "YCSZ-2025-01" .
                                 ?o prov:wasDerivedFrom ?x . ?x a dcat:Dataset""")
    assert datasets == 2


@pytest.mark.slow
def test_the_demo_graph_passes_shacl_validation(demo: tuple[Runtime, LoadReport, list[Path]]) -> None:
    runtime, _, _ = demo
    result = validate_store(runtime.store)
    assert result.conforms, format_report(result)

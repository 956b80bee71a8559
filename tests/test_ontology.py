"""The vocabulary, code lists, reference areas and SHACL shapes, and validation with them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import SH

from ontology import AREAS_FILE, CODELISTS_FILE, SHAPES_FILE, VOCABULARY_FILE
from ontology import namespaces as ns
from ontology.iri import IriMinter, iri_key
from ontology.namespaces import (
    CODE,
    CPSV,
    CV,
    DCT,
    DQV,
    EU_ACCESS,
    EU_FILE_TYPE,
    EU_FREQ,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
    YS,
    YS_IRI,
)
from yuanshu.demo import generate
from yuanshu.runtime import Runtime
from yuanshu.validation import ValidationResult, Violation, format_report, validate_graph, validate_store

AREA_PLACEHOLDER = "urn:yuanshu:area:"
MINTER = IriMinter("http://127.0.0.1:8000/id/")

# The EU frequency authority table (publications.europa.eu/resource/authority/frequency).
EU_FREQUENCIES = {
    "TRIENNIAL", "BIENNIAL", "ANNUAL", "ANNUAL_2", "ANNUAL_3", "BIMONTHLY", "SEMIMONTHLY", "BIWEEKLY",
    "MONTHLY", "MONTHLY_2", "MONTHLY_3", "WEEKLY", "WEEKLY_2", "WEEKLY_3", "DAILY", "DAILY_2", "CONT",
    "UPDATE_CONT", "IRREG", "QUARTERLY", "HOURLY", "DECENNIAL", "QUADRENNIAL", "QUINQUENNIAL", "NEVER",
    "OTHER", "UNKNOWN",
}


def _parse(path: object) -> Graph:
    return Graph().parse(str(path), format="turtle")


@pytest.fixture(scope="module")
def vocabulary() -> Graph:
    return _parse(VOCABULARY_FILE)


@pytest.fixture(scope="module")
def codelists() -> Graph:
    return _parse(CODELISTS_FILE)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return _parse(SHAPES_FILE)


def _langs(graph: Graph, subject: URIRef, prop: URIRef) -> set[str]:
    return {o.language for o in graph.objects(subject, prop) if isinstance(o, Literal) and o.language}


def rebase_areas(graph: Graph, minter: IriMinter) -> Graph:
    """areas.ttl with ``urn:yuanshu:area:<name>`` replaced by ``minter.base + "area/" + iri_key(name)``."""

    def term(node):  # type: ignore[no-untyped-def]
        if isinstance(node, URIRef) and node.startswith(AREA_PLACEHOLDER):
            return URIRef(minter.base + "area/" + iri_key(node[len(AREA_PLACEHOLDER):]))
        return node

    rebased = Graph()
    for s, p, o in graph:
        rebased.add((term(s), p, term(o)))
    return rebased


# --------------------------------------------------------------------------------------------- vocabulary


def test_vocabulary_is_an_offline_ontology(vocabulary: Graph) -> None:
    ontology = URIRef(YS_IRI.rstrip("#"))
    assert (ontology, RDF.type, OWL.Ontology) in vocabulary
    assert _langs(vocabulary, ontology, DCT.title) >= {"zh", "en"}
    assert vocabulary.value(ontology, OWL.versionInfo) is not None
    assert not list(vocabulary.objects(None, OWL.imports))


@pytest.mark.parametrize("name", sorted(YS.__annotations__))
def test_every_ys_term_is_declared_with_zh_and_en_labels(vocabulary: Graph, name: str) -> None:
    term = YS[name]
    types = set(vocabulary.objects(term, RDF.type))
    expected = {OWL.Class} if name[0].isupper() else {OWL.ObjectProperty, OWL.DatatypeProperty}
    assert types & expected, f"ys:{name} is not declared as {expected}"
    assert _langs(vocabulary, term, RDFS.label) >= {"zh", "en"}
    assert _langs(vocabulary, term, RDFS.comment) >= {"zh", "en"}


def test_vocabulary_declares_only_ys_terms(vocabulary: Graph) -> None:
    declared = {str(s) for s in vocabulary.subjects() if isinstance(s, URIRef) and s.startswith(YS_IRI)}
    assert declared == {YS_IRI + name for name in YS.__annotations__}


def test_shapes_and_areas_use_only_declared_ys_terms(shapes: Graph) -> None:
    used = {n for g in (shapes, _parse(AREAS_FILE)) for t in g for n in t if isinstance(n, URIRef)}
    unknown = {str(n) for n in used if n.startswith(YS_IRI)} - {YS_IRI + name for name in YS.__annotations__}
    assert not unknown


def test_classes_extend_the_standard_vocabularies(vocabulary: Graph) -> None:
    expected = {
        YS.AdministrativeArea: DCT.Location,
        YS.Indicator: DQV.Metric,
        YS.IndicatorObservation: DQV.QualityMeasurement,
        YS.LoadRun: PROV.Activity,
        YS.SourceFile: PROV.Entity,
        YS.Computation: PROV.Activity,
        YS.InformationSystem: PROV.SoftwareAgent,
    }
    for cls, parent in expected.items():
        assert (cls, RDFS.subClassOf, parent) in vocabulary


def test_reference_literals_point_to_the_link_they_resolve_to(vocabulary: Graph) -> None:
    resolved = {
        YS.publisherName: DCT.publisher,
        YS.publisherCode: DCT.publisher,
        YS.competentAuthorityName: CV.hasCompetentAuthority,
        YS.competentAuthorityCode: CV.hasCompetentAuthority,
        YS.operatedByName: YS.operatedBy,
        YS.sourceSystemName: YS.sourceSystem,
        YS.handledByName: YS.handledBy,
        YS.dependsOnName: YS.dependsOn,
        YS.usesDatasetRef: YS.usesDataset,
        YS.dataSourceRef: PROV.wasDerivedFrom,
        YS.responsibleDepartmentName: YS.responsibleDepartment,
        YS.parentDepartmentName: ORG.subOrganizationOf,
    }
    for literal_property, link in resolved.items():
        assert (literal_property, RDFS.seeAlso, link) in vocabulary
        assert any("解析" in c for c in vocabulary.objects(literal_property, RDFS.comment))


def test_coded_properties_name_an_existing_scheme(vocabulary: Graph, codelists: Graph) -> None:
    coded = [p for p in vocabulary.subjects(RDFS.range, SKOS.Concept) if p != YS.concept]
    assert len(coded) == 10
    for prop in coded:
        schemes = [s for s in vocabulary.objects(prop, RDFS.seeAlso) if s.startswith(str(CODE))]
        assert len(schemes) == 1 and (schemes[0], RDF.type, SKOS.ConceptScheme) in codelists, prop


# --------------------------------------------------------------------------------------------- code lists


def test_every_code_list_concept_has_zh_and_en_pref_labels(codelists: Graph) -> None:
    concepts = set(codelists.subjects(RDF.type, SKOS.Concept))
    assert concepts
    for concept in concepts:
        assert _langs(codelists, concept, SKOS.prefLabel) >= {"zh", "en"}, concept
    for scheme in codelists.subjects(RDF.type, SKOS.ConceptScheme):
        assert _langs(codelists, scheme, SKOS.prefLabel) >= {"zh", "en"}, scheme
        assert _langs(codelists, scheme, DCT.title) >= {"zh", "en"}, scheme  # DCAT-AP requires a title


def test_open_types_map_to_eu_access_rights(codelists: Graph) -> None:
    mapping = {
        CODE["open-type-unconditional"]: EU_ACCESS.PUBLIC,
        CODE["open-type-conditional"]: EU_ACCESS.RESTRICTED,
        CODE["open-type-closed"]: EU_ACCESS.NON_PUBLIC,
    }
    assert set(codelists.subjects(SKOS.inScheme, CODE["open-type"])) == set(mapping)
    for concept, eu in mapping.items():
        assert list(codelists.objects(concept, SKOS.exactMatch)) == [eu]


def test_every_frequency_maps_to_an_eu_frequency(codelists: Graph) -> None:
    concepts = list(codelists.subjects(SKOS.inScheme, CODE.frequency))
    assert len(concepts) == 8
    for concept in concepts:
        matches = [m for m in codelists.objects(concept, SKOS.exactMatch) if m.startswith(str(EU_FREQ))]
        assert len(matches) == 1, concept
        assert matches[0][len(str(EU_FREQ)):] in EU_FREQUENCIES


# --------------------------------------------------------------------------------------------- areas


def test_areas_rebase_to_the_minted_iris() -> None:
    areas = _parse(AREAS_FILE)
    names = {str(s)[len(AREA_PLACEHOLDER):] for s in areas.subjects(RDF.type, YS.AdministrativeArea)}
    assert names == {"广东省", "河源市", "市直", "源城区", "江东新区", "东源县", "和平县", "龙川县", "紫金县",
                     "连平县"}
    for base in ("http://127.0.0.1:8000/id/", "https://data.heyuan.gov.cn/id"):
        minter = IriMinter(base)
        rebased = rebase_areas(areas, minter)
        for name in names:
            area = URIRef(minter.area(name))
            assert (area, RDF.type, YS.AdministrativeArea) in rebased
            assert (area, SKOS.prefLabel, Literal(name, lang="zh")) in rebased
        assert not [n for t in rebased for n in t if str(n).startswith(AREA_PLACEHOLDER)]


def test_areas_carry_gb_codes_and_parents() -> None:
    areas = rebase_areas(_parse(AREAS_FILE), MINTER)
    codes = {
        "广东省": "440000", "河源市": "441600", "源城区": "441602", "东源县": "441625", "和平县": "441624",
        "龙川县": "441622", "紫金县": "441621", "连平县": "441623", "市直": None, "江东新区": None,
    }
    for name, code in codes.items():
        area = URIRef(MINTER.area(name))
        assert (area, RDF.type, DCT.Location) in areas
        assert areas.value(area, DCT.identifier) == (Literal(code) if code else None), name
        parent = "广东省" if name == "河源市" else None if name == "广东省" else "河源市"
        assert areas.value(area, YS.parentArea) == (URIRef(MINTER.area(parent)) if parent else None), name
    assert validate_graph(areas).conforms


# --------------------------------------------------------------------------------------------- shapes


def test_shapes_are_valid_shacl(shapes: Graph) -> None:
    meta = Graph().parse(str(files("pyshacl").joinpath("assets/shacl-shacl.ttl")), format="turtle")
    conforms, _, text = pyshacl.validate(shapes, shacl_graph=meta, inference="none")
    assert conforms, text


def test_every_entity_has_a_shape(shapes: Graph) -> None:
    targets = set(shapes.objects(None, SH.targetClass))
    assert targets >= {
        YS.AdministrativeArea, ORG.Organization, YS.InformationSystem, ns.DCAT.Dataset, ns.DCAT.Distribution,
        YS.DataElement, SKOS.Concept, CPSV.PublicService, YS.Indicator, YS.IndicatorObservation, YS.LoadRun,
        YS.SourceFile,
    }
    assert YS.provisional in set(shapes.objects(None, SH.targetSubjectsOf))


def test_code_list_shapes_name_existing_schemes(shapes: Graph, codelists: Graph) -> None:
    schemes = {o for o in shapes.objects(None, SH.hasValue) if o.startswith(str(CODE))}
    assert len(schemes) == 12
    for scheme in schemes:
        assert (scheme, RDF.type, SKOS.ConceptScheme) in codelists


def test_property_shapes_speak_chinese_and_english(shapes: Graph) -> None:
    named = [s for s in shapes.subjects(RDF.type, SH.PropertyShape)]
    assert len(named) > 100
    for shape in named:
        assert _langs(shapes, shape, SH.message) == {"zh", "en"}, shape
        assert _langs(shapes, shape, SH.name) == {"zh", "en"}, shape


# --------------------------------------------------------------------------------------------- validation

DATASET = URIRef(MINTER.dataset("A001"))
SERVICE = URIRef(MINTER.service("11441600MB2C12345X4442016001000"))
SYSTEM = URIRef(MINTER.system("SYS-001"))
DEPARTMENT = URIRef(MINTER.department("11441600007189539N"))
PROVISIONAL = URIRef(MINTER.department(name="河源市某临时办公室"))
OBSERVATION = URIRef(MINTER.observation("YC-01", "1"))


def conforming_graph() -> Graph:
    """One entity of every kind in docs/graph-model.md, as the loaders write them."""
    g = rebase_areas(_parse(AREAS_FILE), MINTER)
    zh = {"lang": "zh"}
    area = URIRef(MINTER.area("源城区"))
    g.add((DEPARTMENT, RDF.type, ORG.Organization))
    g.add((DEPARTMENT, SKOS.prefLabel, Literal("河源市政务服务数据管理局", **zh)))
    g.add((DEPARTMENT, SKOS.altLabel, Literal("市政数局", **zh)))
    g.add((DEPARTMENT, DCT.identifier, Literal("11441600007189539N")))
    g.add((DEPARTMENT, YS.area, URIRef(MINTER.area("市直"))))
    g.add((DEPARTMENT, YS.departmentType, Literal("政府部门", **zh)))
    g.add((PROVISIONAL, RDF.type, ORG.Organization))
    g.add((PROVISIONAL, SKOS.prefLabel, Literal("河源市某临时办公室", **zh)))
    g.add((PROVISIONAL, YS.provisional, Literal(True)))
    g.add((PROVISIONAL, ORG.subOrganizationOf, DEPARTMENT))

    upstream = URIRef(MINTER.system("SYS-000"))
    for s, title in ((SYSTEM, "不动产登记系统"), (upstream, "统一身份认证平台")):
        g.add((s, RDF.type, YS.InformationSystem))
        g.add((s, DCT.identifier, Literal(s.rsplit("/", 1)[1])))
        g.add((s, DCT.title, Literal(title, **zh)))
        g.add((s, YS.operatedBy, DEPARTMENT))
    g.add((SYSTEM, DCT.description, Literal("不动产登记业务办理", **zh)))
    g.add((SYSTEM, YS.operatedByName, Literal("市政数局", **zh)))
    g.add((SYSTEM, YS.buildLevel, CODE["build-level-city"]))
    g.add((SYSTEM, YS.area, area))
    g.add((SYSTEM, YS.deployment, CODE["deployment-gov-cloud"]))
    g.add((SYSTEM, YS.builtYear, Literal("2019", datatype=ns.XSD.gYear)))
    g.add((SYSTEM, YS.buildCost, Literal(Decimal("120.5"))))
    g.add((SYSTEM, YS.annualOpsCost, Literal(Decimal("12"))))
    g.add((SYSTEM, YS.status, CODE["system-status-in-use"]))
    g.add((SYSTEM, YS.connectedToSharingPlatform, Literal(True)))
    g.add((SYSTEM, YS.dependsOn, upstream))
    g.add((SYSTEM, YS.dependsOnName, Literal("统一身份认证平台", **zh)))

    source = URIRef(MINTER.dataset("A000"))
    distribution = URIRef(MINTER.distribution("A001", "csv"))
    element = URIRef(MINTER.data_element("A001", "统一社会信用代码"))
    concept = URIRef(MINTER.concept("不动产单元"))
    for d, title in ((DATASET, "不动产登记信息"), (source, "土地供应信息")):
        g.add((d, RDF.type, ns.DCAT.Dataset))
        g.add((d, DCT.identifier, Literal(d.rsplit("/", 1)[1])))
        g.add((d, DCT.title, Literal(title, **zh)))
        g.add((d, DCT.publisher, DEPARTMENT))
        g.add((d, DCT.accessRights, CODE["open-type-conditional"]))
    g.add((DATASET, DCT.description, Literal("不动产登记结果", **zh)))
    g.add((DATASET, YS.publisherName, Literal("市政数局", **zh)))
    g.add((DATASET, YS.publisherCode, Literal("11441600007189539N")))
    g.add((DATASET, YS.area, area))
    g.add((DATASET, YS.resourceCategory, CODE["resource-category-basic"]))
    g.add((DATASET, ns.DCAT.theme, CODE["theme-housing"]))
    g.add((DATASET, ns.DCAT.keyword, Literal("不动产", **zh)))
    g.add((DATASET, YS.sharingType, CODE["sharing-type-conditional"]))
    g.add((DATASET, YS.sharingCondition, Literal("用于不动产业务办理", **zh)))
    g.add((DATASET, YS.sharingMethod, CODE["sharing-method-api"]))
    g.add((DATASET, YS.openCondition, Literal("依申请", **zh)))
    g.add((DATASET, DCT.accrualPeriodicity, CODE["frequency-daily"]))
    g.add((DATASET, DCT.issued, Literal(date(2021, 3, 1))))
    g.add((DATASET, DCT.modified, Literal(datetime(2024, 5, 1, 8, 30, tzinfo=UTC))))
    g.add((DATASET, YS.sourceSystem, SYSTEM))
    g.add((DATASET, YS.sourceSystemName, Literal("不动产登记系统", **zh)))
    g.add((DATASET, PROV.wasDerivedFrom, source))
    g.add((DATASET, YS.recordCount, Literal(12000)))
    g.add((DATASET, ns.DCAT.landingPage, URIRef("https://data.heyuan.gov.cn/dataset/A001")))
    g.add((DATASET, ns.DCAT.distribution, distribution))
    g.add((distribution, RDF.type, ns.DCAT.Distribution))
    g.add((distribution, DCT["format"], EU_FILE_TYPE.CSV))
    g.add((distribution, DCT.title, Literal("CSV", **zh)))
    g.add((distribution, ns.DCAT.accessURL, URIRef("https://data.heyuan.gov.cn/dataset/A001")))
    g.add((DATASET, YS.dataElement, element))
    g.add((element, RDF.type, YS.DataElement))
    g.add((element, DCT.title, Literal("不动产单元号", **zh)))
    g.add((element, YS.concept, concept))
    g.add((concept, RDF.type, SKOS.Concept))
    g.add((concept, SKOS.prefLabel, Literal("不动产单元", **zh)))

    g.add((SERVICE, RDF.type, CPSV.PublicService))
    g.add((SERVICE, DCT.identifier, Literal("11441600MB2C12345X4442016001000")))
    g.add((SERVICE, YS.basicCode, Literal("000116001000")))
    g.add((SERVICE, DCT.title, Literal("不动产首次登记", **zh)))
    g.add((SERVICE, YS.serviceType, CODE["service-type-confirmation"]))
    g.add((SERVICE, CV.hasCompetentAuthority, DEPARTMENT))
    g.add((SERVICE, YS.competentAuthorityName, Literal("市政数局", **zh)))
    g.add((SERVICE, YS.competentAuthorityCode, Literal("11441600007189539N")))
    g.add((SERVICE, YS.exerciseLevel, CODE["exercise-level-city"]))
    g.add((SERVICE, YS.area, area))
    g.add((SERVICE, YS.caseType, CODE["case-type-promised"]))
    for prop, value in ((YS.legalTimeLimit, 30), (YS.promisedTimeLimit, 5), (YS.onSiteVisits, 0),
                        (YS.onlineDepth, 4)):
        g.add((SERVICE, prop, Literal(value)))
    for prop in (YS.onlineService, YS.oneWindow, YS.crossRegion, YS.electronicLicence, YS.charged,
                 YS.highFrequency):
        g.add((SERVICE, prop, Literal(True)))
    g.add((SERVICE, YS.handledBy, SYSTEM))
    g.add((SERVICE, YS.handledByName, Literal("不动产登记系统", **zh)))
    g.add((SERVICE, YS.usesDataset, DATASET))
    g.add((SERVICE, YS.usesDatasetRef, Literal("A001")))
    g.add((SERVICE, YS.implementationAreaCode, Literal("441600")))

    indicator = URIRef(MINTER.indicator("YC-01"))
    g.add((indicator, RDF.type, YS.Indicator))
    g.add((indicator, DCT.identifier, Literal("YC-01")))
    g.add((indicator, DCT.title, Literal("“零跑动”事项覆盖率", **zh)))
    g.add((indicator, YS.unit, Literal("%", **zh)))
    g.add((indicator, YS.formula, Literal("零跑动事项数 / 许可事项总数 × 100%", **zh)))
    g.add((indicator, YS.baselineValue, Literal(Decimal("60"))))
    g.add((indicator, YS.targetValue, Literal(Decimal("95.5"))))
    g.add((indicator, YS.baselineYear, Literal("2020", datatype=ns.XSD.gYear)))
    g.add((indicator, YS.targetYear, Literal("2025", datatype=ns.XSD.gYear)))
    g.add((indicator, YS.responsibleDepartment, DEPARTMENT))
    g.add((indicator, YS.responsibleDepartmentName, Literal("市政数局", **zh)))
    g.add((indicator, PROV.wasDerivedFrom, DATASET))
    g.add((indicator, YS.dataSourceRef, Literal("A001")))
    g.add((indicator, YS.scopeArea, area))
    g.add((indicator, YS.computable, Literal(True)))

    run, sha = URIRef(MINTER.load_run(7)), "ab" * 32
    source_file, version = URIRef(MINTER.source_file(sha)), URIRef(MINTER.version_graph("services.csv", 7))
    g.add((run, RDF.type, YS.LoadRun))
    g.add((run, RDF.type, PROV.Activity))
    g.add((run, PROV.startedAtTime, Literal(datetime(2024, 5, 1, 8, 0, tzinfo=UTC))))
    g.add((run, PROV.endedAtTime, Literal(datetime(2024, 5, 1, 8, 1, tzinfo=UTC))))
    g.add((run, PROV.used, source_file))
    g.add((run, PROV.generated, version))
    g.add((run, PROV.wasAssociatedWith, URIRef(MINTER.agent("yuanshu-cli"))))
    g.add((run, YS.sourceKind, Literal("services")))
    for prop, value in ((YS.rowsRead, 10), (YS.rowsLoaded, 9), (YS.rowsRejected, 1)):
        g.add((run, prop, Literal(value)))
    g.add((source_file, RDF.type, YS.SourceFile))
    g.add((source_file, RDF.type, PROV.Entity))
    g.add((source_file, DCT.title, Literal("services.csv", **zh)))
    g.add((source_file, YS.sha256, Literal(sha)))

    computation, observation = URIRef(MINTER.computation("20240501")), OBSERVATION
    g.add((computation, RDF.type, YS.Computation))
    g.add((computation, PROV.endedAtTime, Literal(datetime(2024, 5, 1, 9, 0, tzinfo=UTC))))
    g.add((observation, RDF.type, YS.IndicatorObservation))
    g.add((observation, RDF.type, DQV.QualityMeasurement))
    g.add((observation, DQV.isMeasurementOf, indicator))
    g.add((observation, DQV.value, Literal(Decimal("87.50"))))
    g.add((observation, YS.numerator, Literal(7)))
    g.add((observation, YS.denominator, Literal(8)))
    g.add((observation, PROV.generatedAtTime, Literal(datetime(2024, 5, 1, 9, 0, tzinfo=UTC))))
    g.add((observation, PROV.wasGeneratedBy, computation))
    g.add((observation, PROV.wasDerivedFrom, DATASET))
    g.add((observation, PROV.wasDerivedFrom, version))

    extra = URIRef(MINTER.extra_property("备注"))
    g.add((extra, RDF.type, RDF.Property))
    g.add((extra, RDF.type, YS.ExtraProperty))
    g.add((extra, RDFS.label, Literal("备注", **zh)))
    g.add((DATASET, extra, Literal("无", **zh)))
    return g


def test_conforming_graph_conforms() -> None:
    result = validate_graph(conforming_graph())
    assert result.conforms, format_report(result)
    assert result.violations == []


def test_named_graphs_are_validated_as_one() -> None:
    data = Dataset()
    links = data.graph(URIRef(MINTER.links_graph))
    for s, p, o in conforming_graph():
        target = links if p in (DCT.publisher, YS.operatedBy) else data.graph(URIRef(MINTER.base + "graph/x"))
        target.add((s, p, o))
    assert validate_graph(data).conforms


def _set(subject: URIRef, prop: URIRef, value: object) -> Callable[[Graph], None]:
    def mutate(g: Graph) -> None:
        g.remove((subject, prop, None))
        if value is not None:
            g.add((subject, prop, value))  # type: ignore[arg-type]

    return mutate


NON_CONFORMING = {
    "dataset without publisher": (
        _set(DATASET, DCT.publisher, None), DATASET, "数据集缺少资源提供方（dct:publisher）"),
    "open type outside its code list": (
        _set(DATASET, DCT.accessRights, CODE["sharing-type-unconditional"]), DATASET,
        "数据集的开放类型（dct:accessRights）须为“开放类型”代码表（code:open-type）中的一个概念"),
    "open type as text": (
        _set(DATASET, DCT.accessRights, Literal("无条件开放", lang="zh")), DATASET,
        "数据集的开放类型（dct:accessRights）须为“开放类型”代码表（code:open-type）中的一个概念"),
    "service with a non-boolean one-window flag": (
        _set(SERVICE, YS.oneWindow, Literal("是")), SERVICE,
        "政务服务事项的是否一窗受理（ys:oneWindow）须为一个布尔值（xsd:boolean）"),
    "system with a string build cost": (
        _set(SYSTEM, YS.buildCost, Literal("120万")), SYSTEM,
        "信息系统的建设资金（ys:buildCost）须为一个非负小数（xsd:decimal，单位万元）"),
    "system without operator": (
        _set(SYSTEM, YS.operatedBy, None), SYSTEM, "信息系统缺少所属部门（ys:operatedBy）"),
    "service type from another code list": (
        _set(SERVICE, YS.serviceType, CODE["case-type-promised"]), SERVICE,
        "政务服务事项的事项类型（ys:serviceType）须为“事项类型”代码表（code:service-type）中的一个概念"),
    "publisher that is not a department": (
        _set(DATASET, DCT.publisher, SYSTEM), DATASET,
        "数据集的资源提供方（dct:publisher）须为一个部门（org:Organization）"),
    "dataset title without language": (
        _set(DATASET, DCT.title, Literal("不动产登记信息")), DATASET,
        "数据集的名称（dct:title）须为带中文或英文语言标签的文本，每种语言至多一个"),
    "online depth out of range": (
        _set(SERVICE, YS.onlineDepth, Literal(5)), SERVICE,
        "政务服务事项的网办深度（ys:onlineDepth）须为 1 至 4 之间的一个整数（xsd:integer）"),
    "department without name": (
        _set(DEPARTMENT, SKOS.prefLabel, None), DEPARTMENT, "部门缺少名称（skos:prefLabel）"),
    "untyped provisional department": (
        _set(PROVISIONAL, RDF.type, None), PROVISIONAL,
        "带待确认标记（ys:provisional）的节点须为部门（org:Organization）"),
    "observation without value": (
        _set(OBSERVATION, DQV.value, None), OBSERVATION,
        "指标观测值缺少数值（dqv:value）"),
    "load run without source file": (
        _set(URIRef(MINTER.load_run(7)), PROV.used, None), URIRef(MINTER.load_run(7)),
        "加载运行缺少所用源文件（prov:used）"),
}


@pytest.mark.parametrize("case", sorted(NON_CONFORMING))
def test_non_conforming_variants_fail_with_the_expected_message(case: str) -> None:
    mutate, focus, message = NON_CONFORMING[case]
    graph = conforming_graph()
    mutate(graph)
    result = validate_graph(graph)
    assert not result.conforms
    assert {(v.focus, v.message) for v in result.violations} == {(focus, message)}
    assert all(v.severity == "Violation" and v.message_en for v in result.violations)
    assert message in format_report(result)


def test_bad_credit_code_is_a_warning_only() -> None:
    graph = conforming_graph()
    _set(DEPARTMENT, DCT.identifier, Literal("12345"))(graph)
    result = validate_graph(graph)
    assert result.conforms
    assert [(v.severity, v.path, v.value) for v in result.violations] == [
        ("Warning", DCT.identifier, Literal("12345"))
    ]


def test_extra_shapes_are_applied() -> None:
    extra = Graph()
    shape, prop = URIRef("urn:test:shape"), BNode()
    extra.add((shape, RDF.type, SH.NodeShape))
    extra.add((shape, SH.targetClass, ns.DCAT.Dataset))
    extra.add((shape, SH.property, prop))
    extra.add((prop, SH.path, ns.DCAT.contactPoint))
    extra.add((prop, SH.minCount, Literal(1)))
    result = validate_graph(conforming_graph(), extra_shapes=extra)
    assert not result.conforms
    assert {v.path for v in result.violations} == {ns.DCAT.contactPoint}
    assert "dcat:contactPoint (MinCount)" in format_report(result, "en")


def test_report_groups_results_with_counts_and_examples() -> None:
    focus = [URIRef(MINTER.dataset(f"B{i}")) for i in range(5)]
    result = ValidationResult(False, [
        Violation(f, DCT.publisher, None, "数据集缺少资源提供方（dct:publisher）", "Violation",
                  "A dataset has no publisher (dct:publisher)", URIRef("urn:s"), "MinCount") for f in focus
    ])
    zh = format_report(result)
    assert zh.splitlines()[0] == "校验未通过：5 项违规，0 项警告，0 项提示。"
    assert "[违规] 数据集缺少资源提供方（dct:publisher） — 5 处" in zh
    assert str(focus[0]) in zh and str(focus[4]) not in zh and "另有 2 处" in zh
    en = format_report(result, "en")
    assert "[violation] A dataset has no publisher (dct:publisher) — 5 ×" in en and "… and 2 more" in en
    assert format_report(ValidationResult(True)).startswith("校验通过")


def test_loaded_demo_conforms_and_store_problems_are_found(runtime: Runtime, tmp_path: Path) -> None:
    runtime.loader().load(generate(tmp_path / "demo", scale=0.03))
    result = validate_store(runtime.store)
    assert result.conforms, format_report(result)
    service = runtime.store.select("SELECT ?s WHERE { ?s a cpsv:PublicService } LIMIT 1")[0]["s"]
    assert isinstance(service, ox.NamedNode)
    bad = ox.Quad(service, ox.NamedNode(str(YS.oneWindow)), ox.Literal("是"), ox.NamedNode(runtime.minter.links_graph))
    runtime.store.append([bad])
    result = validate_store(runtime.store)
    assert {(str(v.focus), v.message) for v in result.violations} == {
        (service.value, "政务服务事项的是否一窗受理（ys:oneWindow）须为一个布尔值（xsd:boolean）")
    }

"""GraphQL types for the graph's entities, with their links in both directions.

Each object wraps an :class:`~graph_api.graphql.data.Entity` holding the properties the query selected
(see :mod:`graph_api.graphql.fields`), already filtered by the caller's guard; links resolve through the
request's batch loaders, so they never cost one query per row. Fields are named in English; values keep
the source's Chinese text.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from strawberry.fastapi import BaseContext
from strawberry.types import Info

from graph_api.graphql.data import Entity, GraphReader
from graph_api.graphql.fields import (
    Code,
    Link,
    bool_field,
    code_field,
    codes_field,
    date_field,
    datetime_field,
    decimal_field,
    flag_field,
    int_field,
    iri_field,
    link_field,
    linked_from_field,
    links_field,
    load_many,
    reader_of,
    register,
    text_field,
    texts_field,
    wrap_as,
)
from graph_api.graphql.pages import Page
from ontology.namespaces import CPSV, CV, DCAT, DCT, DQV, ORG, PROV, SKOS, YS
from search.backend import SearchBackend

DATASET, DISTRIBUTION, SYSTEM = str(DCAT.Dataset), str(DCAT.Distribution), str(YS.InformationSystem)
DEPARTMENT, AREA, SERVICE = str(ORG.Organization), str(YS.AdministrativeArea), str(CPSV.PublicService)
INDICATOR, ELEMENT, LOAD_RUN = str(YS.Indicator), str(YS.DataElement), str(YS.LoadRun)
OBSERVATION, CONCEPT = str(YS.IndicatorObservation), str(SKOS.Concept)


class Context(BaseContext):
    """Per-request context: the reader (store + caller + batch loaders) and the search index."""

    def __init__(self, reader: GraphReader, search: SearchBackend | None = None) -> None:
        super().__init__()
        self.reader = reader
        self.search = search


@strawberry.interface(description="图中的实体 / an entity of the graph")
class Node:
    entity: strawberry.Private[Entity]
    links: strawberry.Private[dict[Link, Any]] = dataclasses.field(default_factory=dict)  # prefetched
    id: str = strawberry.field(default="", description="实体 IRI（可解引用）/ the entity's IRI (dereferenceable)")


T = TypeVar("T")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="分页结果 / a Relay-style page")
class Connection(Generic[T]):
    total_count: int
    edges: list[Edge[T]]
    page_info: PageInfo

    @strawberry.field
    def nodes(self) -> list[T]:
        return [e.node for e in self.edges]


def connection(page: Page, nodes: dict[str, T]) -> Connection[T]:
    """Wrap a page's nodes (by IRI) as a connection, in page order."""
    edges = [Edge(cursor=page.cursor(index), node=nodes[iri]) for index, iri in enumerate(page.iris) if iri in nodes]
    return Connection(total_count=page.total, edges=edges, page_info=PageInfo(
        has_next_page=page.has_next, has_previous_page=page.has_previous,
        start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None))


@register
@strawberry.type(description="行政区域 / administrative area")
class Area(Node):
    name: str | None = text_field(SKOS.prefLabel)
    code: str | None = text_field(DCT.identifier, "GB/T 2260 代码 / division code")
    parent: Area | None = link_field(YS.parentArea, "Area", AREA, "上级区域 / parent area")
    children: list[Area] = linked_from_field("?s ys:parentArea ?o .", "Area", AREA, "下级区域 / sub-areas")
    departments: list[Department] = linked_from_field("?s ys:area ?o . ?s a org:Organization .", "Department",
                                                      DEPARTMENT, "区域内的部门 / departments of the area")


@register
@strawberry.type(description="部门 / government department")
class Department(Node):
    name: str | None = text_field(SKOS.prefLabel)
    aliases: list[str] = texts_field(SKOS.altLabel, "简称、别名 / aliases")
    credit_code: str | None = text_field(DCT.identifier, "统一社会信用代码 / unified social credit code")
    department_type: str | None = text_field(YS.departmentType, "部门类型 / department type")
    provisional: bool = flag_field(YS.provisional, "未在机构名录中登记（待核实）/ not in the registry")
    area: Area | None = link_field(YS.area, "Area", AREA)
    parent: Department | None = link_field(ORG.subOrganizationOf, "Department", DEPARTMENT, "上级部门 / parent")
    children: list[Department] = linked_from_field("?s org:subOrganizationOf ?o .", "Department", DEPARTMENT,
                                                   "下属部门 / sub-departments")
    datasets: list[Dataset] = linked_from_field("?s dct:publisher ?o .", "Dataset", DATASET,
                                                "提供的数据集 / datasets it publishes")
    systems: list[InformationSystem] = linked_from_field("?s ys:operatedBy ?o .", "InformationSystem", SYSTEM,
                                                         "运维的信息系统 / systems it operates")
    services: list[PublicService] = linked_from_field("?s cv:hasCompetentAuthority ?o .", "PublicService", SERVICE,
                                                      "实施的政务服务事项 / services it is competent for")


@register
@strawberry.type(description="政务信息系统 / government information system")
class InformationSystem(Node):
    code: str | None = text_field(DCT.identifier)
    name: str | None = text_field(DCT.title)
    description: str | None = text_field(DCT.description)
    operator: Department | None = link_field(YS.operatedBy, "Department", DEPARTMENT, "运维部门 / operator")
    area: Area | None = link_field(YS.area, "Area", AREA)
    build_level: Code | None = code_field(YS.buildLevel, "建设层级 / build level")
    deployment: Code | None = code_field(YS.deployment, "部署位置 / deployment")
    status: Code | None = code_field(YS.status, "运行状态 / status")
    built_year: int | None = int_field(YS.builtYear, "建设年份 / year built")
    build_cost: Decimal | None = decimal_field(YS.buildCost, "建设资金（万元）/ build cost, 10k CNY")
    annual_ops_cost: Decimal | None = decimal_field(YS.annualOpsCost, "年运维资金（万元）/ yearly running cost")
    connected_to_sharing_platform: bool | None = bool_field(YS.connectedToSharingPlatform, "是否接入共享平台")
    depends_on: list[InformationSystem] = links_field(YS.dependsOn, "InformationSystem", SYSTEM,
                                                      "依赖的上游系统 / systems it depends on")
    dependents: list[InformationSystem] = linked_from_field("?s ys:dependsOn ?o .", "InformationSystem", SYSTEM,
                                                            "依赖它的系统 / systems depending on it")
    datasets: list[Dataset] = linked_from_field("?s ys:sourceSystem ?o .", "Dataset", DATASET,
                                                "以它为来源的数据集 / datasets it produces")
    services: list[PublicService] = linked_from_field("?s ys:handledBy ?o .", "PublicService", SERVICE,
                                                      "由它办理的事项 / services it handles")


@register
@strawberry.type(description="数据集的发行版 / distribution of a dataset")
class Distribution(Node):
    title: str | None = text_field(DCT.title)
    format: str | None = iri_field(DCT.format, "格式（EU 文件类型）/ format (EU file type)")
    access_url: str | None = iri_field(DCAT.accessURL)


@register
@strawberry.type(description="信息项 / data element of a dataset")
class DataElement(Node):
    name: str | None = text_field(DCT.title)
    concept: DataElementConcept | None = link_field(YS.concept, "DataElementConcept", CONCEPT,
                                                    "对应的数据元概念 / the concept it records")

    @strawberry.field(description="所属数据集 / the dataset it belongs to")
    async def dataset(self, info: Info) -> Dataset | None:
        iris = await reader_of(info).reverse("?s ys:dataElement ?o .").load(self.entity.iri)
        found = await load_many(info, iris, "Dataset", DATASET)
        return found[0] if found else None


@register
@strawberry.type(description="数据元概念（一数一源的依据）/ data-element concept shared across datasets")
class DataElementConcept(Node):
    name: str | None = text_field(SKOS.prefLabel)
    elements: list[DataElement] = linked_from_field("?s ys:concept ?o .", "DataElement", ELEMENT,
                                                    "记录此概念的信息项 / elements recording it")
    datasets: list[Dataset] = linked_from_field("?s ys:dataElement/ys:concept ?o .", "Dataset", DATASET,
                                                "采集此概念的数据集（多个部门即重复采集）/ datasets collecting it")


@register
@strawberry.type(description="数据集（信息资源）/ dataset (information resource)")
class Dataset(Node):
    identifier: str | None = text_field(DCT.identifier, "信息资源代码 / resource code")
    title: str | None = text_field(DCT.title)
    description: str | None = text_field(DCT.description)
    publisher: Department | None = link_field(DCT.publisher, "Department", DEPARTMENT, "资源提供方 / publisher")
    area: Area | None = link_field(YS.area, "Area", AREA)
    category: Code | None = code_field(YS.resourceCategory, "信息资源分类 / category")
    themes: list[Code] = codes_field(DCAT.theme, "主题 / themes")
    keywords: list[str] = texts_field(DCAT.keyword, "关键词 / keywords")
    open_type: Code | None = code_field(DCT.accessRights, "开放类型 / open type")
    sharing_type: Code | None = code_field(YS.sharingType, "共享类型 / sharing type")
    sharing_method: Code | None = code_field(YS.sharingMethod, "共享方式 / sharing method")
    frequency: Code | None = code_field(DCT.accrualPeriodicity, "更新周期 / update frequency")
    issued: date | None = date_field(DCT.issued)
    modified: date | None = date_field(DCT.modified)
    record_count: int | None = int_field(YS.recordCount, "数据量（条）/ record count")
    landing_page: str | None = iri_field(DCAT.landingPage)
    distributions: list[Distribution] = links_field(DCAT.distribution, "Distribution", DISTRIBUTION,
                                                    "发行版（可获取数据时）/ distributions the caller may get")
    data_elements: list[DataElement] = links_field(YS.dataElement, "DataElement", ELEMENT, "信息项 / data elements")
    source_systems: list[InformationSystem] = links_field(YS.sourceSystem, "InformationSystem", SYSTEM,
                                                          "来源系统 / source systems")
    derived_from: list[Dataset] = links_field(PROV.wasDerivedFrom, "Dataset", DATASET, "派生自 / derived from")
    derived_datasets: list[Dataset] = linked_from_field("?s prov:wasDerivedFrom ?o .", "Dataset", DATASET,
                                                        "由它派生的数据集 / datasets derived from it")
    used_by_services: list[PublicService] = linked_from_field("?s ys:usesDataset ?o .", "PublicService", SERVICE,
                                                              "使用它的事项 / services using it")
    indicators: list[Indicator] = linked_from_field("?s prov:wasDerivedFrom ?o .", "Indicator", INDICATOR,
                                                    "以它为数据来源的指标 / indicators it feeds")


@register
@strawberry.type(description="政务服务事项 / public service item")
class PublicService(Node):
    code: str | None = text_field(DCT.identifier, "实施编码 / implementation code")
    basic_code: str | None = text_field(YS.basicCode, "基本编码 / basic code")
    title: str | None = text_field(DCT.title)
    service_type: Code | None = code_field(YS.serviceType, "事项类型 / service type")
    exercise_level: Code | None = code_field(YS.exerciseLevel, "行使层级 / exercise level")
    case_type: Code | None = code_field(YS.caseType, "办件类型 / case type")
    authority: Department | None = link_field(CV.hasCompetentAuthority, "Department", DEPARTMENT,
                                              "实施主体 / competent authority")
    area: Area | None = link_field(YS.area, "Area", AREA)
    legal_time_limit: int | None = int_field(YS.legalTimeLimit, "法定办结时限（工作日）/ legal time limit, days")
    promised_time_limit: int | None = int_field(YS.promisedTimeLimit, "承诺办结时限（工作日）/ promised limit")
    on_site_visits: int | None = int_field(YS.onSiteVisits, "到办事现场次数 / on-site visits")
    online_depth: int | None = int_field(YS.onlineDepth, "网上办理深度 1–4 / online depth")
    online: bool | None = bool_field(YS.onlineService, "是否网上办理 / online")
    one_window: bool | None = bool_field(YS.oneWindow, "是否一窗受理 / one-window")
    cross_region: bool | None = bool_field(YS.crossRegion, "是否跨域通办 / cross-region")
    high_frequency: bool | None = bool_field(YS.highFrequency, "是否高频事项 / high-frequency")
    systems: list[InformationSystem] = links_field(YS.handledBy, "InformationSystem", SYSTEM,
                                                   "办理系统 / systems handling it")
    datasets: list[Dataset] = links_field(YS.usesDataset, "Dataset", DATASET, "使用的数据集 / datasets it uses")


@register
@strawberry.type(description="源文件 / source file")
class SourceFile(Node):
    name: str | None = text_field(DCT.title, "文件名 / file name")
    sha256: str | None = text_field(YS.sha256, "SHA-256")


@register
@strawberry.type(description="加载批次（溯源）/ load run (provenance)")
class LoadRun(Node):
    started_at: datetime | None = datetime_field(PROV.startedAtTime)
    ended_at: datetime | None = datetime_field(PROV.endedAtTime)
    kind: str | None = text_field(YS.sourceKind, "清单类型 / source kind")
    rows_read: int | None = int_field(YS.rowsRead)
    rows_loaded: int | None = int_field(YS.rowsLoaded)
    rows_rejected: int | None = int_field(YS.rowsRejected)
    graph: str | None = iri_field(PROV.generated, "写入的版本图 / the version graph it wrote")
    source_file: SourceFile | None = link_field(PROV.used, "SourceFile", str(YS.SourceFile),
                                                "源文件（含 sha256）/ the source file, with its sha256")


@register
@strawberry.type(description="指标计算值及其来源 / a computed indicator value with its provenance")
class Observation(Node):
    value: Decimal | None = decimal_field(DQV.value)
    numerator: int | None = int_field(YS.numerator, "分子 / numerator")
    denominator: int | None = int_field(YS.denominator, "分母 / denominator")
    computed_at: datetime | None = datetime_field(PROV.generatedAtTime, "计算时间 / when it was computed")
    datasets: list[Dataset] = links_field(PROV.wasDerivedFrom, "Dataset", DATASET, "来源数据集 / source datasets")

    @strawberry.field(description="来源文件的加载批次（至 sha256）/ load runs of the source files it came from",
                      metadata={"predicates": (str(PROV.wasDerivedFrom),)})
    async def load_runs(self, info: Info) -> list[LoadRun]:
        graphs = self.entity.iris(str(PROV.wasDerivedFrom))
        loader = reader_of(info).reverse("?s prov:generated ?o .")
        runs = [run for found in await loader.load_many(graphs) for run in found]
        return await load_many(info, runs, "LoadRun", LOAD_RUN)


@register
@strawberry.type(description="指标 / indicator")
class Indicator(Node):
    code: str | None = text_field(DCT.identifier)
    title: str | None = text_field(DCT.title)
    unit: str | None = text_field(YS.unit)
    formula: str | None = text_field(YS.formula, "计算方法 / formula")
    baseline_value: Decimal | None = decimal_field(YS.baselineValue, "现状值（基准）/ baseline value")
    baseline_year: int | None = int_field(YS.baselineYear, "基准年 / baseline year")
    target_value: Decimal | None = decimal_field(YS.targetValue, "目标值 / target value")
    target_year: int | None = int_field(YS.targetYear, "目标年 / target year")
    computable: bool = flag_field(YS.computable, "能否由图计算 / computable from the graph")
    responsible_department: Department | None = link_field(YS.responsibleDepartment, "Department", DEPARTMENT,
                                                           "责任部门 / responsible department")
    scope_area: Area | None = link_field(YS.scopeArea, "Area", AREA, "统计范围 / scope area")
    datasets: list[Dataset] = links_field(PROV.wasDerivedFrom, "Dataset", DATASET, "数据来源 / source datasets")

    @strawberry.field(description="计算值（新在前）/ computed values, newest first")
    async def observations(self, info: Info) -> list[Observation]:
        iris = await reader_of(info).reverse("?s dqv:isMeasurementOf ?o .").load(self.entity.iri)
        entities = await reader_of(info).entity_list(iris, None, OBSERVATION)
        entities.sort(key=lambda e: e.text(str(PROV.generatedAtTime)) or "", reverse=True)
        return [wrap_as("Observation", e) for e in entities]


EntityType = Annotated[
    Area | Department | InformationSystem | Dataset | Distribution | DataElement | DataElementConcept
    | PublicService | Indicator | Observation | LoadRun | SourceFile,
    strawberry.union("Entity"),
]

# which GraphQL type wraps an entity of which class (first match wins)
TYPE_OF_CLASS: tuple[tuple[str, type], ...] = (
    (DATASET, Dataset), (DISTRIBUTION, Distribution), (ELEMENT, DataElement), (SYSTEM, InformationSystem),
    (SERVICE, PublicService), (INDICATOR, Indicator), (OBSERVATION, Observation), (LOAD_RUN, LoadRun),
    (str(YS.SourceFile), SourceFile), (DEPARTMENT, Department), (AREA, Area), (CONCEPT, DataElementConcept),
)


def wrap(entity: Entity) -> Node | None:
    """The GraphQL object for an entity of any type."""
    for cls, kind in TYPE_OF_CLASS:
        if entity.has_type(cls):
            return wrap_as(kind.__name__, entity)
    return None

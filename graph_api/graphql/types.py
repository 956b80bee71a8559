"""GraphQL types for the graph's entities, with their links in both directions.

Each object wraps an :class:`~graph_api.graphql.data.Entity` (its IRI and properties, already filtered by
the caller's guard); links resolve through the request's batch loaders, so they never cost one query per
row. Fields are named in English; values keep the source's Chinese text.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Generic, TypeVar

import pyoxigraph as ox
import strawberry
from strawberry.fastapi import BaseContext
from strawberry.types import Info

from graph_api.graphql.data import Entity, GraphReader
from graph_api.graphql.pages import Page, encode_cursor
from ontology.codelists import concept_labels
from ontology.namespaces import CPSV, CV, DCAT, DCT, DQV, ORG, PROV, SKOS, YS

# predicate and class IRIs as plain strings
TITLE, DESCRIPTION, IDENTIFIER = str(DCT.title), str(DCT.description), str(DCT.identifier)
PREF_LABEL, ALT_LABEL = str(SKOS.prefLabel), str(SKOS.altLabel)
DATASET, DISTRIBUTION, SYSTEM = str(DCAT.Dataset), str(DCAT.Distribution), str(YS.InformationSystem)
DEPARTMENT, AREA, SERVICE = str(ORG.Organization), str(YS.AdministrativeArea), str(CPSV.PublicService)
INDICATOR, ELEMENT, LOAD_RUN = str(YS.Indicator), str(YS.DataElement), str(YS.LoadRun)
OBSERVATION, CONCEPT = str(YS.IndicatorObservation), str(SKOS.Concept)


class Context(BaseContext):
    """Per-request context: the reader (store + caller + batch loaders)."""

    def __init__(self, reader: GraphReader) -> None:
        super().__init__()
        self.reader = reader


def reader_of(info: Info) -> GraphReader:
    return info.context.reader


def _value(term: ox.Literal | None) -> str | None:
    return term.value if term is not None else None


def _decimal(entity: Entity, predicate: object) -> Decimal | None:
    value = _value(entity.literal(str(predicate)))
    return Decimal(value) if value is not None else None


def _int(entity: Entity, predicate: object) -> int | None:
    value = _value(entity.literal(str(predicate)))
    return int(value) if value is not None else None


def _bool(entity: Entity, predicate: object) -> bool | None:
    value = _value(entity.literal(str(predicate)))
    return None if value is None else value == "true"


def _date(entity: Entity, predicate: object) -> date | None:
    value = _value(entity.literal(str(predicate)))
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _datetime(entity: Entity, predicate: object) -> datetime | None:
    value = _value(entity.literal(str(predicate)))
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


@strawberry.type(description="代码表中的值 / a value of a code list (SKOS concept)")
class Code:
    id: str
    code: str = strawberry.field(description="代码表内的本地名 / local name, e.g. open-type-conditional")
    label: str | None = strawberry.field(description="中文名称 / Chinese label")
    label_en: str | None = strawberry.field(description="英文名称 / English label")

    @staticmethod
    def of(iri: str | None) -> Code | None:
        if iri is None:
            return None
        labels = concept_labels(iri)
        return Code(id=iri, code=iri.rsplit("/", 1)[-1], label=labels.get("zh"), label_en=labels.get("en"))

    @staticmethod
    def many(iris: list[str]) -> list[Code]:
        return [c for i in iris if (c := Code.of(i)) is not None]


@strawberry.interface(description="图中的实体 / an entity of the graph")
class Node:
    entity: strawberry.Private[Entity]

    @strawberry.field(description="实体 IRI（可解引用）/ the entity's IRI (dereferenceable)")
    def id(self) -> str:
        return self.entity.iri


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


def connection(page: Page, nodes: list[T], iris: list[str]) -> Connection[T]:
    """Wrap a page's visible nodes (in page order) as a connection."""
    edges = [Edge(cursor=encode_cursor(i), node=n) for i, n in zip(iris, nodes, strict=True)]
    return Connection(total_count=page.total, edges=edges, page_info=PageInfo(
        has_next_page=page.has_next, has_previous_page=page.has_previous,
        start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None))


async def _many(info: Info, iris: list[str], wrap: type[T], cls: str) -> list[T]:
    return [wrap(entity=e) for e in await reader_of(info).entity_list(iris, cls)]  # type: ignore[call-arg]


async def _one(info: Info, iri: str | None, wrap: type[T], cls: str) -> T | None:
    entity = await reader_of(info).entity(iri)
    return wrap(entity=entity) if entity is not None and entity.has_type(cls) else None  # type: ignore[call-arg]


async def _linked_from(info: Info, pattern: str, key: str, wrap: type[T], cls: str) -> list[T]:
    """Entities linking to ``key`` by ``pattern`` (``?s <p> ?o``), batched across the page."""
    return [wrap(entity=e) for e in await reader_of(info).reverse_entities(pattern, key, cls)]  # type: ignore[call-arg]


@strawberry.type(description="行政区域 / administrative area")
class Area(Node):
    @strawberry.field
    def name(self) -> str | None:
        return self.entity.text(PREF_LABEL)

    @strawberry.field(description="GB/T 2260 代码 / division code")
    def code(self) -> str | None:
        return self.entity.text(IDENTIFIER)

    @strawberry.field
    async def parent(self, info: Info) -> Area | None:
        return await _one(info, self.entity.iri_of(str(YS.parentArea)), Area, AREA)

    @strawberry.field
    async def children(self, info: Info) -> list[Area]:
        return await _linked_from(info, "?s ys:parentArea ?o .", self.entity.iri, Area, AREA)

    @strawberry.field
    async def departments(self, info: Info) -> list[Department]:
        return await _linked_from(info, "?s ys:area ?o . ?s a org:Organization .", self.entity.iri, Department,
                                  DEPARTMENT)


@strawberry.type(description="部门 / government department")
class Department(Node):
    @strawberry.field
    def name(self) -> str | None:
        return self.entity.text(PREF_LABEL)

    @strawberry.field(description="简称、别名 / aliases")
    def aliases(self) -> list[str]:
        return self.entity.texts(ALT_LABEL)

    @strawberry.field(description="统一社会信用代码 / unified social credit code")
    def credit_code(self) -> str | None:
        return self.entity.text(IDENTIFIER)

    @strawberry.field(description="部门类型 / department type")
    def department_type(self) -> str | None:
        return self.entity.text(str(YS.departmentType))

    @strawberry.field(description="未在机构名录中登记（待核实）/ named in a file but not in the registry")
    def provisional(self) -> bool:
        return bool(_bool(self.entity, YS.provisional))

    @strawberry.field
    async def area(self, info: Info) -> Area | None:
        return await _one(info, self.entity.iri_of(str(YS.area)), Area, AREA)

    @strawberry.field(description="上级部门 / parent department")
    async def parent(self, info: Info) -> Department | None:
        return await _one(info, self.entity.iri_of(str(ORG.subOrganizationOf)), Department, DEPARTMENT)

    @strawberry.field(description="下属部门 / sub-departments")
    async def children(self, info: Info) -> list[Department]:
        return await _linked_from(info, "?s org:subOrganizationOf ?o .", self.entity.iri, Department, DEPARTMENT)

    @strawberry.field(description="提供的数据集 / datasets it publishes")
    async def datasets(self, info: Info) -> list[Dataset]:
        return await _linked_from(info, "?s dct:publisher ?o .", self.entity.iri, Dataset, DATASET)

    @strawberry.field(description="运维的信息系统 / information systems it operates")
    async def systems(self, info: Info) -> list[InformationSystem]:
        return await _linked_from(info, "?s ys:operatedBy ?o .", self.entity.iri, InformationSystem, SYSTEM)

    @strawberry.field(description="实施的政务服务事项 / public services it is competent for")
    async def services(self, info: Info) -> list[PublicService]:
        return await _linked_from(info, "?s cv:hasCompetentAuthority ?o .", self.entity.iri, PublicService, SERVICE)


@strawberry.type(description="政务信息系统 / government information system")
class InformationSystem(Node):
    @strawberry.field
    def code(self) -> str | None:
        return self.entity.text(IDENTIFIER)

    @strawberry.field
    def name(self) -> str | None:
        return self.entity.text(TITLE)

    @strawberry.field
    def description(self) -> str | None:
        return self.entity.text(DESCRIPTION)

    @strawberry.field(description="运维部门 / operating department")
    async def operator(self, info: Info) -> Department | None:
        return await _one(info, self.entity.iri_of(str(YS.operatedBy)), Department, DEPARTMENT)

    @strawberry.field
    async def area(self, info: Info) -> Area | None:
        return await _one(info, self.entity.iri_of(str(YS.area)), Area, AREA)

    @strawberry.field(description="建设层级 / build level")
    def build_level(self) -> Code | None:
        return Code.of(self.entity.iri_of(str(YS.buildLevel)))

    @strawberry.field(description="部署位置 / deployment")
    def deployment(self) -> Code | None:
        return Code.of(self.entity.iri_of(str(YS.deployment)))

    @strawberry.field(description="运行状态 / status")
    def status(self) -> Code | None:
        return Code.of(self.entity.iri_of(str(YS.status)))

    @strawberry.field(description="建设年份 / year built")
    def built_year(self) -> int | None:
        return _int(self.entity, YS.builtYear)

    @strawberry.field(description="建设资金（万元）/ build cost, 10k CNY")
    def build_cost(self) -> Decimal | None:
        return _decimal(self.entity, YS.buildCost)

    @strawberry.field(description="年运维资金（万元）/ annual operating cost, 10k CNY")
    def annual_ops_cost(self) -> Decimal | None:
        return _decimal(self.entity, YS.annualOpsCost)

    @strawberry.field(description="是否接入共享平台 / connected to the data-sharing platform")
    def connected_to_sharing_platform(self) -> bool | None:
        return _bool(self.entity, YS.connectedToSharingPlatform)

    @strawberry.field(description="依赖的上游系统 / systems it depends on")
    async def depends_on(self, info: Info) -> list[InformationSystem]:
        return await _many(info, self.entity.iris(str(YS.dependsOn)), InformationSystem, SYSTEM)

    @strawberry.field(description="依赖它的系统 / systems depending on it")
    async def dependents(self, info: Info) -> list[InformationSystem]:
        return await _linked_from(info, "?s ys:dependsOn ?o .", self.entity.iri, InformationSystem, SYSTEM)

    @strawberry.field(description="以它为来源的数据集 / datasets it produces")
    async def datasets(self, info: Info) -> list[Dataset]:
        return await _linked_from(info, "?s ys:sourceSystem ?o .", self.entity.iri, Dataset, DATASET)

    @strawberry.field(description="由它办理的事项 / services it handles")
    async def services(self, info: Info) -> list[PublicService]:
        return await _linked_from(info, "?s ys:handledBy ?o .", self.entity.iri, PublicService, SERVICE)


@strawberry.type(description="数据集的发行版 / distribution of a dataset")
class Distribution(Node):
    @strawberry.field
    def title(self) -> str | None:
        return self.entity.text(TITLE)

    @strawberry.field(description="格式（EU 文件类型）/ format (EU file type)")
    def format(self) -> str | None:
        return self.entity.iri_of(str(DCT.format))

    @strawberry.field
    def access_url(self) -> str | None:
        return self.entity.iri_of(str(DCAT.accessURL))


@strawberry.type(description="信息项 / data element of a dataset")
class DataElement(Node):
    @strawberry.field
    def name(self) -> str | None:
        return self.entity.text(TITLE)

    @strawberry.field(description="对应的标准数据元概念 / the concept it records")
    async def concept(self, info: Info) -> DataElementConcept | None:
        return await _one(info, self.entity.iri_of(str(YS.concept)), DataElementConcept, CONCEPT)

    @strawberry.field
    async def dataset(self, info: Info) -> Dataset | None:
        datasets = await _linked_from(info, "?s ys:dataElement ?o .", self.entity.iri, Dataset, DATASET)
        return datasets[0] if datasets else None


@strawberry.type(description="数据元概念（一数一源的依据）/ data-element concept shared across datasets")
class DataElementConcept(Node):
    @strawberry.field
    def name(self) -> str | None:
        return self.entity.text(PREF_LABEL)

    @strawberry.field(description="记录此概念的信息项 / elements recording it")
    async def elements(self, info: Info) -> list[DataElement]:
        return await _linked_from(info, "?s ys:concept ?o .", self.entity.iri, DataElement, ELEMENT)

    @strawberry.field(description="采集此概念的数据集（多于一个部门即重复采集）/ datasets collecting it")
    async def datasets(self, info: Info) -> list[Dataset]:
        return await _linked_from(info, "?s ys:dataElement/ys:concept ?o .", self.entity.iri, Dataset, DATASET)


@strawberry.type(description="数据集（信息资源）/ dataset (information resource)")
class Dataset(Node):
    @strawberry.field(description="信息资源代码 / resource code")
    def identifier(self) -> str | None:
        return self.entity.text(IDENTIFIER)

    @strawberry.field
    def title(self) -> str | None:
        return self.entity.text(TITLE)

    @strawberry.field
    def description(self) -> str | None:
        return self.entity.text(DESCRIPTION)

    @strawberry.field(description="资源提供方 / publisher")
    async def publisher(self, info: Info) -> Department | None:
        return await _one(info, self.entity.iri_of(str(DCT.publisher)), Department, DEPARTMENT)

    @strawberry.field
    async def area(self, info: Info) -> Area | None:
        return await _one(info, self.entity.iri_of(str(YS.area)), Area, AREA)

    @strawberry.field(description="信息资源分类 / category")
    def category(self) -> Code | None:
        return Code.of(self.entity.iri_of(str(YS.resourceCategory)))

    @strawberry.field(description="主题 / themes")
    def themes(self) -> list[Code]:
        return Code.many(self.entity.iris(str(DCAT.theme)))

    @strawberry.field(description="关键词 / keywords")
    def keywords(self) -> list[str]:
        return self.entity.texts(str(DCAT.keyword))

    @strawberry.field(description="开放类型 / open type")
    def open_type(self) -> Code | None:
        return Code.of(self.entity.iri_of(str(DCT.accessRights)))

    @strawberry.field(description="共享类型 / sharing type")
    def sharing_type(self) -> Code | None:
        return Code.of(self.entity.iri_of(str(YS.sharingType)))

    @strawberry.field(description="共享方式 / sharing method")
    def sharing_method(self) -> Code | None:
        return Code.of(self.entity.iri_of(str(YS.sharingMethod)))

    @strawberry.field(description="更新周期 / update frequency")
    def frequency(self) -> Code | None:
        return Code.of(self.entity.iri_of(str(DCT.accrualPeriodicity)))

    @strawberry.field
    def issued(self) -> date | None:
        return _date(self.entity, DCT.issued)

    @strawberry.field
    def modified(self) -> date | None:
        return _date(self.entity, DCT.modified)

    @strawberry.field(description="数据量（条）/ record count")
    def record_count(self) -> int | None:
        return _int(self.entity, YS.recordCount)

    @strawberry.field
    def landing_page(self) -> str | None:
        return self.entity.iri_of(str(DCAT.landingPage))

    @strawberry.field(description="发行版（可获取数据时）/ distributions (where the caller may get the data)")
    async def distributions(self, info: Info) -> list[Distribution]:
        return await _many(info, self.entity.iris(str(DCAT.distribution)), Distribution, DISTRIBUTION)

    @strawberry.field(description="信息项 / data elements")
    async def data_elements(self, info: Info) -> list[DataElement]:
        return await _many(info, self.entity.iris(str(YS.dataElement)), DataElement, ELEMENT)

    @strawberry.field(description="来源系统 / source systems")
    async def source_systems(self, info: Info) -> list[InformationSystem]:
        return await _many(info, self.entity.iris(str(YS.sourceSystem)), InformationSystem, SYSTEM)

    @strawberry.field(description="派生自 / datasets it is derived from")
    async def derived_from(self, info: Info) -> list[Dataset]:
        return await _many(info, self.entity.iris(str(PROV.wasDerivedFrom)), Dataset, DATASET)

    @strawberry.field(description="由它派生的数据集 / datasets derived from it")
    async def derived_datasets(self, info: Info) -> list[Dataset]:
        return await _linked_from(info, "?s prov:wasDerivedFrom ?o .", self.entity.iri, Dataset, DATASET)

    @strawberry.field(description="使用它的事项 / services using it")
    async def used_by_services(self, info: Info) -> list[PublicService]:
        return await _linked_from(info, "?s ys:usesDataset ?o .", self.entity.iri, PublicService, SERVICE)

    @strawberry.field(description="以它为数据来源的指标 / indicators it feeds")
    async def indicators(self, info: Info) -> list[Indicator]:
        return await _linked_from(info, "?s prov:wasDerivedFrom ?o .", self.entity.iri, Indicator, INDICATOR)


@strawberry.type(description="政务服务事项 / public service item")
class PublicService(Node):
    @strawberry.field(description="实施编码 / implementation code")
    def code(self) -> str | None:
        return self.entity.text(IDENTIFIER)

    @strawberry.field(description="基本编码 / basic code")
    def basic_code(self) -> str | None:
        return self.entity.text(str(YS.basicCode))

    @strawberry.field
    def title(self) -> str | None:
        return self.entity.text(TITLE)

    @strawberry.field(description="事项类型 / service type")
    def service_type(self) -> Code | None:
        return Code.of(self.entity.iri_of(str(YS.serviceType)))

    @strawberry.field(description="行使层级 / exercise level")
    def exercise_level(self) -> Code | None:
        return Code.of(self.entity.iri_of(str(YS.exerciseLevel)))

    @strawberry.field(description="办件类型 / case type")
    def case_type(self) -> Code | None:
        return Code.of(self.entity.iri_of(str(YS.caseType)))

    @strawberry.field(description="实施主体 / competent authority")
    async def authority(self, info: Info) -> Department | None:
        return await _one(info, self.entity.iri_of(str(CV.hasCompetentAuthority)), Department, DEPARTMENT)

    @strawberry.field
    async def area(self, info: Info) -> Area | None:
        return await _one(info, self.entity.iri_of(str(YS.area)), Area, AREA)

    @strawberry.field(description="法定办结时限（工作日）/ legal time limit, working days")
    def legal_time_limit(self) -> int | None:
        return _int(self.entity, YS.legalTimeLimit)

    @strawberry.field(description="承诺办结时限（工作日）/ promised time limit, working days")
    def promised_time_limit(self) -> int | None:
        return _int(self.entity, YS.promisedTimeLimit)

    @strawberry.field(description="到办事现场次数 / on-site visits")
    def on_site_visits(self) -> int | None:
        return _int(self.entity, YS.onSiteVisits)

    @strawberry.field(description="网上办理深度 1–4 / online depth")
    def online_depth(self) -> int | None:
        return _int(self.entity, YS.onlineDepth)

    @strawberry.field(description="是否网上办理 / online")
    def online(self) -> bool | None:
        return _bool(self.entity, YS.onlineService)

    @strawberry.field(description="是否一窗受理 / one-window")
    def one_window(self) -> bool | None:
        return _bool(self.entity, YS.oneWindow)

    @strawberry.field(description="是否跨域通办 / cross-region")
    def cross_region(self) -> bool | None:
        return _bool(self.entity, YS.crossRegion)

    @strawberry.field(description="是否高频事项 / high-frequency")
    def high_frequency(self) -> bool | None:
        return _bool(self.entity, YS.highFrequency)

    @strawberry.field(description="办理系统 / systems handling it")
    async def systems(self, info: Info) -> list[InformationSystem]:
        return await _many(info, self.entity.iris(str(YS.handledBy)), InformationSystem, SYSTEM)

    @strawberry.field(description="使用的数据集 / datasets it uses")
    async def datasets(self, info: Info) -> list[Dataset]:
        return await _many(info, self.entity.iris(str(YS.usesDataset)), Dataset, DATASET)


@strawberry.type(description="加载批次（溯源）/ load run (provenance)")
class LoadRun(Node):
    @strawberry.field
    def started_at(self) -> datetime | None:
        return _datetime(self.entity, PROV.startedAtTime)

    @strawberry.field
    def ended_at(self) -> datetime | None:
        return _datetime(self.entity, PROV.endedAtTime)

    @strawberry.field(description="清单类型 / source kind")
    def kind(self) -> str | None:
        return self.entity.text(str(YS.sourceKind))

    @strawberry.field
    def rows_read(self) -> int | None:
        return _int(self.entity, YS.rowsRead)

    @strawberry.field
    def rows_loaded(self) -> int | None:
        return _int(self.entity, YS.rowsLoaded)

    @strawberry.field
    def rows_rejected(self) -> int | None:
        return _int(self.entity, YS.rowsRejected)

    @strawberry.field(description="写入的版本图 / the version graph it wrote")
    def graph(self) -> str | None:
        return self.entity.iri_of(str(PROV.generated))

    @strawberry.field(description="源文件名 / source file name")
    async def file_name(self, info: Info) -> str | None:
        source = await reader_of(info).entity(self.entity.iri_of(str(PROV.used)))
        return source.text(TITLE) if source else None

    @strawberry.field(description="源文件 SHA-256 / source file checksum")
    async def sha256(self, info: Info) -> str | None:
        source = await reader_of(info).entity(self.entity.iri_of(str(PROV.used)))
        return source.text(str(YS.sha256)) if source else None


@strawberry.type(description="指标计算值及其来源 / a computed indicator value with its provenance")
class Observation(Node):
    @strawberry.field
    def value(self) -> Decimal | None:
        return _decimal(self.entity, DQV.value)

    @strawberry.field(description="分子 / numerator")
    def numerator(self) -> int | None:
        return _int(self.entity, YS.numerator)

    @strawberry.field(description="分母 / denominator")
    def denominator(self) -> int | None:
        return _int(self.entity, YS.denominator)

    @strawberry.field(description="计算时间 / when it was computed")
    def computed_at(self) -> datetime | None:
        return _datetime(self.entity, PROV.generatedAtTime)

    @strawberry.field(description="来源数据集 / datasets it was derived from")
    async def datasets(self, info: Info) -> list[Dataset]:
        return await _many(info, self.entity.iris(str(PROV.wasDerivedFrom)), Dataset, DATASET)

    @strawberry.field(description="来源文件的加载批次（至 sha256）/ load runs of the source files it came from")
    async def load_runs(self, info: Info) -> list[LoadRun]:
        runs: list[LoadRun] = []
        for graph in self.entity.iris(str(PROV.wasDerivedFrom)):
            runs += await _linked_from(info, "?s prov:generated ?o .", graph, LoadRun, LOAD_RUN)
        return runs


@strawberry.type(description="指标 / indicator")
class Indicator(Node):
    @strawberry.field
    def code(self) -> str | None:
        return self.entity.text(IDENTIFIER)

    @strawberry.field
    def title(self) -> str | None:
        return self.entity.text(TITLE)

    @strawberry.field
    def unit(self) -> str | None:
        return self.entity.text(str(YS.unit))

    @strawberry.field(description="计算方法 / formula")
    def formula(self) -> str | None:
        return self.entity.text(str(YS.formula))

    @strawberry.field(description="现状值（基准）/ baseline value")
    def baseline_value(self) -> Decimal | None:
        return _decimal(self.entity, YS.baselineValue)

    @strawberry.field(description="基准年 / baseline year")
    def baseline_year(self) -> int | None:
        return _int(self.entity, YS.baselineYear)

    @strawberry.field(description="目标值 / target value")
    def target_value(self) -> Decimal | None:
        return _decimal(self.entity, YS.targetValue)

    @strawberry.field(description="目标年 / target year")
    def target_year(self) -> int | None:
        return _int(self.entity, YS.targetYear)

    @strawberry.field(description="能否由图计算 / computable from the graph")
    def computable(self) -> bool:
        return bool(_bool(self.entity, YS.computable))

    @strawberry.field(description="责任部门 / responsible department")
    async def responsible_department(self, info: Info) -> Department | None:
        return await _one(info, self.entity.iri_of(str(YS.responsibleDepartment)), Department, DEPARTMENT)

    @strawberry.field(description="统计范围 / scope area")
    async def scope_area(self, info: Info) -> Area | None:
        return await _one(info, self.entity.iri_of(str(YS.scopeArea)), Area, AREA)

    @strawberry.field(description="数据来源 / datasets it is derived from")
    async def datasets(self, info: Info) -> list[Dataset]:
        return await _many(info, self.entity.iris(str(PROV.wasDerivedFrom)), Dataset, DATASET)

    @strawberry.field(description="计算值（新在前）/ computed values, newest first")
    async def observations(self, info: Info) -> list[Observation]:
        found = await _linked_from(info, "?s dqv:isMeasurementOf ?o .", self.entity.iri, Observation, OBSERVATION)
        return sorted(found, key=lambda o: o.entity.text(str(PROV.generatedAtTime)) or "", reverse=True)


EntityType = Annotated[
    Area | Department | InformationSystem | Dataset | Distribution | DataElement | DataElementConcept
    | PublicService | Indicator | Observation | LoadRun,
    strawberry.union("Entity"),
]

# which GraphQL type wraps an entity of which class (first match wins)
TYPE_OF_CLASS: tuple[tuple[str, type], ...] = (
    (DATASET, Dataset), (DISTRIBUTION, Distribution), (ELEMENT, DataElement), (SYSTEM, InformationSystem),
    (SERVICE, PublicService), (INDICATOR, Indicator), (OBSERVATION, Observation), (LOAD_RUN, LoadRun),
    (DEPARTMENT, Department), (AREA, Area), (CONCEPT, DataElementConcept),
)


def wrap(entity: Entity) -> Node | None:
    """The GraphQL object for an entity of any type."""
    for cls, kind in TYPE_OF_CLASS:
        if entity.has_type(cls):
            return kind(entity=entity)
    return None

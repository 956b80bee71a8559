"""The GraphQL schema at ``/graphql``: entity lookups, filtered cursor pages, lineage, impact and paths."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, TypeVar

import strawberry
from fastapi import Request
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.fastapi import GraphQLRouter
from strawberry.types import Info
from strawberry.types.nodes import SelectedField, Selection

from graph_api import lineage as walks
from graph_api.graphql.data import GraphReader
from graph_api.graphql.fields import materialize, reader_of
from graph_api.graphql.limits import StoreQueryCount, cost_limit
from graph_api.graphql.pages import code_value, entity_ref, fetch_page, iri, text_match
from graph_api.graphql.search import SearchFacet, SearchFilter, SearchResults, SearchSort, run_search
from graph_api.graphql.types import (
    AREA,
    CONCEPT,
    DATASET,
    DEPARTMENT,
    INDICATOR,
    LOAD_RUN,
    SERVICE,
    SYSTEM,
    Area,
    Connection,
    Context,
    DataElementConcept,
    Dataset,
    Department,
    EntityType,
    Indicator,
    InformationSystem,
    LoadRun,
    Node,
    PublicService,
    connection,
    wrap,
)
from graph_api.identity import caller_of
from search.backend import Sort
from yuanshu.config import Settings

T = TypeVar("T")


@strawberry.input(description="数据集筛选 / dataset filter (IRIs, code-list names or Chinese labels)")
class DatasetFilter:
    area: str | None = None
    department: str | None = strawberry.field(default=None, description="提供方 IRI 或名称 / publisher")
    theme: str | None = None
    open_type: str | None = strawberry.field(default=None, description="开放类型，如 无条件开放")
    sharing_type: str | None = strawberry.field(default=None, description="共享类型，如 有条件共享")
    frequency: str | None = strawberry.field(default=None, description="更新周期，如 每月")
    text: str | None = strawberry.field(default=None, description="名称或代码包含 / title or code contains")


@strawberry.input(description="事项筛选 / service filter")
class ServiceFilter:
    area: str | None = None
    department: str | None = strawberry.field(default=None, description="实施主体 / competent authority")
    service_type: str | None = strawberry.field(default=None, description="事项类型，如 行政许可")
    text: str | None = None


@strawberry.input(description="信息系统筛选 / system filter")
class SystemFilter:
    area: str | None = None
    department: str | None = strawberry.field(default=None, description="运维部门 / operator")
    status: str | None = strawberry.field(default=None, description="运行状态，如 在用")
    build_level: str | None = strawberry.field(default=None, description="建设层级")
    text: str | None = None


@strawberry.input(description="部门、指标等的筛选 / filter by area and text")
class BasicFilter:
    area: str | None = None
    department: str | None = None
    text: str | None = None


def _patterns(filter_: object, spec: dict[str, tuple[str, str | None]]) -> list[str]:
    """SPARQL patterns for the filter's set fields; ``spec`` maps field → (property, code list or None)."""
    patterns = []
    for name, (prop, scheme) in spec.items():
        value = getattr(filter_, name, None) if filter_ is not None else None
        if not value:
            continue
        if name == "text":
            patterns.append(text_match("x", value))
        elif scheme is not None:
            patterns.append(f"?x {prop} {code_value(scheme, value)} .")
        else:
            patterns.append(entity_ref("x", prop, value, name))
    return patterns


DATASET_FILTERS = {"area": ("ys:area", None), "department": ("dct:publisher", None),
                   "theme": ("dcat:theme", "theme"), "open_type": ("dct:accessRights", "open-type"),
                   "sharing_type": ("ys:sharingType", "sharing-type"),
                   "frequency": ("dct:accrualPeriodicity", "frequency"), "text": ("", None)}
SERVICE_FILTERS = {"area": ("ys:area", None), "department": ("cv:hasCompetentAuthority", None),
                   "service_type": ("ys:serviceType", "service-type"), "text": ("", None)}
SYSTEM_FILTERS = {"area": ("ys:area", None), "department": ("ys:operatedBy", None),
                  "status": ("ys:status", "system-status"), "build_level": ("ys:buildLevel", "build-level"),
                  "text": ("", None)}
DEPARTMENT_FILTERS = {"area": ("ys:area", None), "department": ("org:subOrganizationOf", None), "text": ("", None)}
INDICATOR_FILTERS = {"area": ("ys:scopeArea", None), "department": ("ys:responsibleDepartment", None),
                     "text": ("", None)}


def _named(selections: list[Selection], name: str) -> Iterator[SelectedField]:
    """The fields called ``name`` among ``selections``, looking inside fragments (a resolver's own type has no
    other fragments to tell apart)."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            if selection.name == name:
                yield selection
        else:
            yield from _named(selection.selections, name)


def _below(info: Info, path: tuple[str, ...]) -> list[Selection]:
    """The selections under ``path`` (field names below this resolver's field), merged across aliases and
    fragments."""
    selections = info.selected_fields[0].selections
    for name in path:
        selections = [s for field in _named(selections, name) for s in field.selections]
    return selections


def _asks(info: Info, path: tuple[str, ...], fields: tuple[str, ...]) -> bool:
    """Whether the selection under ``path`` asks for any of ``fields``."""
    selections = _below(info, path)
    return any(next(_named(selections, f), None) is not None for f in fields)


def _page(info: Info, cls: str, kind: type[T], patterns: list[str], first: int,
          after: str | None) -> Connection[T]:
    reader = reader_of(info)
    # count only when asked: a COUNT over a large class is the dearest part of a page
    page = fetch_page(reader, cls, patterns, first, after, count=_asks(info, (), ("totalCount",)))
    on_nodes = _below(info, ("nodes",)) + _below(info, ("edges", "node"))
    nodes = materialize(reader, kind.__name__, page.iris, cls, on_nodes, checked=True)
    return connection(page, {n.entity.iri: n for n in nodes})


def _get(info: Info, id: str, kind: type[T], cls: str) -> T | None:
    iri(id)
    found = materialize(reader_of(info), kind.__name__, [id], cls, info.selected_fields[0].selections)
    return found[0] if found else None


# ------------------------------------------------------------------------------------------- lineage
LineageDirection = strawberry.enum(walks.Direction, description="上游、下游或双向 / which way to walk")


@strawberry.type(description="血缘图中的节点 / a node of a lineage graph")
class LineageNode:
    id: str
    depth: int = strawberry.field(description="与起点的距离（跳数）/ hops from the start")
    label: str | None = strawberry.field(description="名称 / label")
    types: list[str] = strawberry.field(description="类型 IRI / class IRIs")

    @strawberry.field(description="节点对应的实体 / the entity itself")
    async def entity(self, info: Info) -> EntityType | None:
        found = await reader_of(info).entity(self.id)
        return wrap(found) if found is not None else None  # type: ignore[return-value]

    @staticmethod
    def of(node: walks.Node) -> LineageNode:
        return LineageNode(id=node.iri, depth=node.depth, label=node.label, types=node.types)


def _describe(reader: GraphReader, nodes: list[walks.Node]) -> None:
    """Fill in the nodes' labels and types, in one query for all of them."""
    described = walks.describe(reader, [n.iri for n in nodes])
    for node in nodes:
        node.label, node.types = described[node.iri].label, described[node.iri].types


@strawberry.type(description="血缘边（按数据流向：source 流向 target）/ a lineage edge, in the direction data flows")
class LineageEdge:
    source: str
    target: str
    kind: str = strawberry.field(description="OPERATES, PUBLISHES, PRODUCES, DERIVES, FEEDS, HANDLES, …")
    label: str

    @staticmethod
    def of(edge: walks.Edge) -> LineageEdge:
        return LineageEdge(source=edge.source, target=edge.target, kind=edge.kind, label=walks.edge_label(edge.kind))


@strawberry.type(description="血缘图 / lineage graph")
class LineageGraph:
    root: str
    nodes: list[LineageNode]
    edges: list[LineageEdge]
    truncated: bool = strawberry.field(description="是否因每跳节点上限而截断 / cut at the per-hop node limit")


@strawberry.type(description="受影响的实体及路径 / an affected entity and the dependency path to it")
class AffectedEntity:
    node: LineageNode
    path: list[LineageEdge]


@strawberry.type(description="系统下线影响 / what breaks if a system is retired")
class ImpactReport:
    system: str
    affected: list[AffectedEntity]
    truncated: bool = strawberry.field(description="是否因 limit 截断（最近的在前）/ cut at the limit, nearest first")

    def _count(self, cls: str) -> int:
        return sum(cls in a.node.types for a in self.affected)  # types filled in when a count is asked

    @strawberry.field(description="受影响的数据集数 / datasets affected")
    def dataset_count(self) -> int:
        return self._count(DATASET)

    @strawberry.field(description="受影响的事项数 / services affected")
    def service_count(self) -> int:
        return self._count(SERVICE)

    @strawberry.field(description="受影响的指标数 / indicators affected")
    def indicator_count(self) -> int:
        return self._count(INDICATOR)


@strawberry.type
class Query:
    # single entities ------------------------------------------------------------------------------
    @strawberry.field(description="任一实体 / any entity by IRI")
    async def entity(self, info: Info, id: str) -> EntityType | None:
        iri(id)
        found = await reader_of(info).entity(id)
        return wrap(found) if found is not None else None  # type: ignore[return-value]

    @strawberry.field
    def dataset(self, info: Info, id: str) -> Dataset | None:
        return _get(info, id, Dataset, DATASET)

    @strawberry.field
    def department(self, info: Info, id: str) -> Department | None:
        return _get(info, id, Department, DEPARTMENT)

    @strawberry.field
    def system(self, info: Info, id: str) -> InformationSystem | None:
        return _get(info, id, InformationSystem, SYSTEM)

    @strawberry.field
    def service(self, info: Info, id: str) -> PublicService | None:
        return _get(info, id, PublicService, SERVICE)

    @strawberry.field
    def indicator(self, info: Info, id: str) -> Indicator | None:
        return _get(info, id, Indicator, INDICATOR)

    @strawberry.field
    def area(self, info: Info, id: str) -> Area | None:
        return _get(info, id, Area, AREA)

    @strawberry.field
    def concept(self, info: Info, id: str) -> DataElementConcept | None:
        return _get(info, id, DataElementConcept, CONCEPT)

    @strawberry.field
    def load_run(self, info: Info, id: str) -> LoadRun | None:
        return _get(info, id, LoadRun, LOAD_RUN)

    # pages ----------------------------------------------------------------------------------------
    @strawberry.field(description="数据集 / datasets")
    def datasets(self, info: Info, filter: DatasetFilter | None = None, first: int = 20,
                       after: str | None = None) -> Connection[Dataset]:
        return _page(info, DATASET, Dataset, _patterns(filter, DATASET_FILTERS), first, after)

    @strawberry.field(description="政务服务事项 / public services")
    def services(self, info: Info, filter: ServiceFilter | None = None, first: int = 20,
                       after: str | None = None) -> Connection[PublicService]:
        return _page(info, SERVICE, PublicService, _patterns(filter, SERVICE_FILTERS), first, after)

    @strawberry.field(description="信息系统（仅政务人员）/ information systems (staff only)")
    def systems(self, info: Info, filter: SystemFilter | None = None, first: int = 20,
                      after: str | None = None) -> Connection[InformationSystem]:
        return _page(info, SYSTEM, InformationSystem, _patterns(filter, SYSTEM_FILTERS), first, after)

    @strawberry.field(description="部门 / departments")
    def departments(self, info: Info, filter: BasicFilter | None = None, first: int = 20,
                          after: str | None = None) -> Connection[Department]:
        return _page(info, DEPARTMENT, Department, _patterns(filter, DEPARTMENT_FILTERS), first, after)

    @strawberry.field(description="指标 / indicators")
    def indicators(self, info: Info, filter: BasicFilter | None = None, first: int = 20,
                         after: str | None = None) -> Connection[Indicator]:
        return _page(info, INDICATOR, Indicator, _patterns(filter, INDICATOR_FILTERS), first, after)

    @strawberry.field(description="行政区域 / areas")
    def areas(self, info: Info, first: int = 20, after: str | None = None) -> Connection[Area]:
        return _page(info, AREA, Area, [], first, after)

    @strawberry.field(description="数据元概念 / data-element concepts")
    def concepts(self, info: Info, text: str | None = None, first: int = 20,
                       after: str | None = None) -> Connection[DataElementConcept]:
        patterns = ["?element ys:concept ?x ."] + ([text_match("x", text)] if text else [])
        return _page(info, CONCEPT, DataElementConcept, patterns, first, after)

    @strawberry.field(description="加载批次（仅政务人员）/ load runs (staff only)")
    def load_runs(self, info: Info, first: int = 20, after: str | None = None) -> Connection[LoadRun]:
        return _page(info, LOAD_RUN, LoadRun, [], first, after)

    # search ---------------------------------------------------------------------------------------
    @strawberry.field(description="全文检索（中文分词、同义词、拼音）/ full-text search with facets")
    def search(self, info: Info, q: str = "", filters: list[SearchFilter] | None = None,
               facets: list[SearchFacet] | None = None,  # type: ignore[valid-type]
               sort: SearchSort = Sort.RELEVANCE, first: int = 10, offset: int = 0,  # type: ignore[valid-type]
               highlight: bool = False) -> SearchResults:
        return run_search(info, q, filters, facets, sort, first, offset, highlight)

    # lineage --------------------------------------------------------------------------------------
    @strawberry.field(description="血缘：从一个实体向上游/下游可达的节点与边 / lineage around an entity")
    def lineage(self, info: Info, id: str, direction: LineageDirection = walks.Direction.BOTH,  # type: ignore[valid-type]
                depth: int = 3, per_hop: int = 200) -> LineageGraph | None:
        reader = reader_of(info)
        iri(id)
        if not 1 <= depth <= walks.MAX_DEPTH:
            raise GraphQLError(f"depth 应在 1 到 {walks.MAX_DEPTH} 之间 / depth must be 1–{walks.MAX_DEPTH}")
        found = walks.lineage(reader, id, reader.caller, direction=direction, depth=depth,
                              per_hop=max(1, min(per_hop, 1000)))
        if found is None:
            return None
        nodes = sorted(found.nodes.values(), key=lambda n: (n.depth, n.iri))
        if _asks(info, ("nodes",), ("label", "types")):
            _describe(reader, nodes)
        return LineageGraph(root=found.root, nodes=[LineageNode.of(n) for n in nodes],
                            edges=[LineageEdge.of(e) for e in found.edges], truncated=found.truncated)

    @strawberry.field(description="系统下线影响：依赖它的数据集、事项、指标及路径 / what retiring a system breaks")
    def impact(self, info: Info, system_id: str, limit: int = 10_000) -> ImpactReport | None:
        reader = reader_of(info)
        iri(system_id)
        if not 1 <= limit <= walks.MAX_IMPACT:
            raise GraphQLError(f"limit 应在 1 到 {walks.MAX_IMPACT} 之间 / limit must be 1–{walks.MAX_IMPACT}")
        found = walks.impact(reader, system_id, reader.caller, max_nodes=limit)
        if found is None:
            return None
        found.affected.sort(key=lambda a: (a.node.depth, a.node.iri))
        if (_asks(info, ("affected", "node"), ("label", "types"))
                or _asks(info, (), ("datasetCount", "serviceCount", "indicatorCount"))):
            _describe(reader, [a.node for a in found.affected])
        return ImpactReport(system=system_id, truncated=found.truncated, affected=[
            AffectedEntity(node=LineageNode.of(a.node), path=[LineageEdge.of(e) for e in a.path])
            for a in found.affected])

    @strawberry.field(description="两个实体之间的最短血缘路径 / a shortest lineage path")
    def path(self, info: Info, from_: Annotated[str, strawberry.argument(name="from")],
             to: str) -> list[LineageEdge] | None:
        reader = reader_of(info)
        iri(from_)
        iri(to)
        found = walks.shortest_path(reader, from_, to, reader.caller)
        return None if found is None else [LineageEdge.of(e) for e in found]


def build_schema(settings: Settings) -> strawberry.Schema:
    return strawberry.Schema(query=Query, types=[Node], extensions=[
        ParserCache(maxsize=512),  # clients repeat their queries: parse and validate each text once
        ValidationCache(maxsize=512),
        QueryDepthLimiter(max_depth=settings.graphql_max_depth),
        MaxTokensLimiter(max_token_count=5000),
        MaxAliasesLimiter(max_alias_count=30),
        AddValidationRules([cost_limit(settings.graphql_max_cost)]),
        StoreQueryCount,
    ])


def graphql_router(settings: Settings) -> GraphQLRouter:
    """The ``/graphql`` router (GraphiQL in the browser)."""

    async def context(request: Request) -> Context:
        runtime = request.app.state.runtime
        return Context(GraphReader(runtime.store, caller_of(request)), runtime.search)

    return GraphQLRouter(build_schema(settings), context_getter=context, graphql_ide="graphiql")

"""The GraphQL ``search`` field: the search index (embedded or Elasticsearch) through its one interface.

Visibility is the backend's: the caller goes into the query, so hits, totals and facet counts only cover
what the caller may see (DESIGN.md "Who sees what"). Each hit can resolve to its graph entity.
"""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from graph_api.graphql.fields import reader_of
from graph_api.graphql.types import EntityType, wrap
from search.backend import FACET_TITLES, Facet, SearchHit, SearchQuery, Sort

SearchSort = strawberry.enum(Sort, name="SearchSort", description="排序 / sort order")
SearchFacet = strawberry.enum(Facet, name="SearchFacet", description="可筛选、可统计的字段 / facet fields")


@strawberry.input(description="筛选：同一字段的值取“或”，不同字段取“且” / values OR-ed within a field")
class SearchFilter:
    facet: SearchFacet  # type: ignore[valid-type]
    values: list[str]


@strawberry.type
class Highlight:
    field: str
    text: str = strawberry.field(description="以 <em> 标出命中词 / matches marked with <em>")


@strawberry.type(description="搜索结果 / a search hit")
class SearchResultHit:
    hit: strawberry.Private[SearchHit]

    @strawberry.field
    def id(self) -> str:
        return self.hit.iri

    @strawberry.field
    def type(self) -> str:
        return str(self.hit.type)

    @strawberry.field
    def title(self) -> str:
        return self.hit.title

    @strawberry.field
    def description(self) -> str:
        return self.hit.description

    @strawberry.field
    def score(self) -> float:
        return self.hit.score

    @strawberry.field
    def highlights(self) -> list[Highlight]:
        return [Highlight(field=k, text=v) for k, v in self.hit.highlights.items()]

    @strawberry.field(description="对应的图实体 / the graph entity")
    async def entity(self, info: Info) -> EntityType | None:
        found = await reader_of(info).entity(self.hit.iri)
        return wrap(found) if found is not None else None  # type: ignore[return-value]


@strawberry.type
class FacetCount:
    value: str
    label: str
    count: int


@strawberry.type
class FacetCounts:
    facet: SearchFacet  # type: ignore[valid-type]
    title: str
    values: list[FacetCount]


@strawberry.type(description="搜索结果页 / a page of search results")
class SearchResults:
    total: int
    took_ms: float
    hits: list[SearchResultHit]
    facets: list[FacetCounts]


def run_search(info: Info, q: str, filters: list[SearchFilter] | None, facets: list[Facet] | None, sort: Sort,
               first: int, offset: int, highlight: bool) -> SearchResults:
    """Ask the configured search backend, as the request's caller."""
    try:
        query = SearchQuery(text=q, filters={Facet(f.facet): tuple(f.values) for f in filters or ()},
                            facets=tuple(Facet(f) for f in facets or ()), sort=Sort(sort), offset=offset,
                            limit=first, highlight=highlight)
    except ValueError as exc:
        raise GraphQLError(str(exc)) from None
    result = info.context.search.search(query, reader_of(info).caller)
    return SearchResults(
        total=result.total, took_ms=result.took_ms, hits=[SearchResultHit(hit=h) for h in result.hits],
        facets=[FacetCounts(facet=f, title=FACET_TITLES[f], values=[FacetCount(value=v.value, label=v.label,
                                                                               count=v.count) for v in values])
                for f, values in result.facets.items()])

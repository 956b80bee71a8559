"""Search: index documents built from the graph, Chinese text analysis, and two backends behind one interface.

Surfaces call ``runtime.search`` (a :class:`search.backend.SearchBackend`, opened by :func:`open_backend` from
the settings) with a :class:`search.backend.SearchQuery` and the request's caller::

    result = runtime.search.search(SearchQuery(text="社保", facets=(Facet.PUBLISHER,)), caller)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from search.backend import (
    DocType,
    Facet,
    FacetValue,
    SearchBackend,
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResult,
    Sort,
    Suggestion,
)

if TYPE_CHECKING:
    from yuanshu.config import Settings

__all__ = [
    "DocType", "Facet", "FacetValue", "SearchBackend", "SearchDocument", "SearchHit", "SearchQuery",
    "SearchResult", "Sort", "Suggestion", "open_backend",
]


def open_backend(settings: Settings) -> SearchBackend:
    """The configured backend: embedded (default) or Elasticsearch (``search_backend = "elasticsearch"``)."""
    if settings.search_backend == "elasticsearch":
        from search.elastic import ElasticBackend

        if not settings.es_url:
            raise ValueError("使用 Elasticsearch 须设置 YUANSHU_ES_URL / set YUANSHU_ES_URL to use Elasticsearch")
        return ElasticBackend(settings.es_url, settings.es_index)
    from search.embedded import EmbeddedBackend

    return EmbeddedBackend(settings.resolved_search_index_path)

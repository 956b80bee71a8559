"""Search API: ``GET /api/search`` (query, filters, facets, sort, paging, highlight) and
``GET /api/search/suggest`` (the search box).

Parameters of ``/api/search``:

* ``q`` — text; empty lists everything the caller may see (newest first unless ``sort`` says otherwise);
* one parameter per facet to filter on, repeatable (``type``, ``publisher``, ``area``, ``theme``, ``format``,
  ``open_type``, ``sharing_type``, ``frequency``, ``service_type``, ``system_status``, ``tag``): values of one
  facet are OR-ed, different facets AND-ed; values are what ``facets`` returns (IRIs for departments, areas
  and code lists);
* ``facets`` — comma-separated facet names to count, or ``all``; ``facet_limit`` values per facet;
* ``sort`` — ``relevance`` (default), ``date_desc``, ``date_asc``, ``title_asc``, ``title_desc``;
* ``page`` (from 1) and ``size`` (at most :data:`MAX_SIZE`);
* ``highlight`` — ``true`` marks matches with ``<em>`` in ``highlights``;
* ``issued_from`` / ``issued_to`` — ISO dates.

Who sees what: the caller (:func:`graph_api.identity.caller_of`) goes into the backend's query, so results,
totals, facet counts and suggestions only ever cover what the caller may see. Bad parameters get 400 with a
Chinese and English message.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from graph_api.identity import caller_of
from search.backend import (
    DOC_TYPE_LABELS,
    FACET_TITLES,
    MAX_WINDOW,
    Facet,
    SearchBackend,
    SearchHit,
    SearchQuery,
    SearchResult,
    Sort,
)

router = APIRouter(prefix="/api/search", tags=["search"])
T = TypeVar("T")

DEFAULT_SIZE = 20
MAX_SIZE = 100
MAX_QUERY_CHARS = 200
MAX_FACET_LIMIT = 500
SUGGEST_LIMIT = 10
_KNOWN = {"q", "facets", "facet_limit", "sort", "page", "size", "highlight", "issued_from", "issued_to",
          *(f.value for f in Facet)}
_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off", ""}


class BadParameterError(ValueError):
    """A request parameter that cannot be used (answered 400)."""


def _bad(message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=400)


def _int(params: Any, name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameterError(f"参数 {name} 须为整数 / {name} must be an integer") from None
    if not low <= value <= high:
        raise BadParameterError(f"参数 {name} 须在 {low}–{high} 之间 / {name} must be between {low} and {high}")
    return value


def _date(params: Any, name: str) -> str | None:
    raw = params.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise BadParameterError(f"参数 {name} 须为日期（如 2021-03-01）/ {name} must be an ISO date") from None


def _facets(raw: str | None) -> tuple[Facet, ...]:
    if not raw:
        return ()
    if raw.strip() == "all":
        return tuple(Facet)
    names = [n.strip() for n in raw.split(",") if n.strip()]
    unknown = [n for n in names if n not in Facet._value2member_map_]
    if unknown:
        raise BadParameterError(f"未知的分面 {', '.join(unknown)}（可选：{', '.join(Facet)}、all）"
                                f" / unknown facets {unknown}")
    return tuple(dict.fromkeys(Facet(n) for n in names))


def parse_query(request: Request) -> SearchQuery:
    """The request's parameters as a :class:`SearchQuery` (raises :class:`BadParameterError`)."""
    params = request.query_params
    unknown = sorted(set(params) - _KNOWN)
    if unknown:
        raise BadParameterError(f"未知参数 {', '.join(unknown)} / unknown parameters {unknown}")
    text = params.get("q", "")
    if len(text) > MAX_QUERY_CHARS:
        raise BadParameterError(f"查询文本过长（最多 {MAX_QUERY_CHARS} 字）/ q is longer than {MAX_QUERY_CHARS} chars")
    sort = params.get("sort") or Sort.RELEVANCE.value
    if sort not in Sort._value2member_map_:
        raise BadParameterError(f"未知的排序 {sort}（可选：{', '.join(Sort)}）/ unknown sort {sort!r}")
    highlight = params.get("highlight", "").lower()
    if highlight not in _TRUE | _FALSE:
        raise BadParameterError("参数 highlight 须为 true 或 false / highlight must be true or false")
    size = _int(params, "size", DEFAULT_SIZE, 0, MAX_SIZE)
    page = _int(params, "page", 1, 1, MAX_WINDOW // max(size, 1))
    filters = {f: tuple(v for v in params.getlist(f.value) if v) for f in Facet if params.getlist(f.value)}
    return SearchQuery(text=text, filters={f: v for f, v in filters.items() if v}, facets=_facets(params.get("facets")),
                       sort=Sort(sort), offset=(page - 1) * size, limit=size, highlight=highlight in _TRUE,
                       facet_limit=_int(params, "facet_limit", 50, 1, MAX_FACET_LIMIT),
                       issued_from=_date(params, "issued_from"), issued_to=_date(params, "issued_to"))


def _hit(hit: SearchHit) -> dict[str, Any]:
    return {
        "iri": hit.iri, "type": hit.type.value, "type_label": DOC_TYPE_LABELS[hit.type], "title": hit.title,
        "description": hit.description, "identifier": hit.identifier, "issued": hit.issued, "score": hit.score,
        "highlights": hit.highlights,
        "facets": {name: [{"value": v, "label": hit.labels.get(v, DOC_TYPE_LABELS.get(v, v))} for v in values]
                   for name, values in hit.facets.items()},
    }


def result_json(query: SearchQuery, result: SearchResult) -> dict[str, Any]:
    size = query.limit
    return {
        "total": result.total,
        "page": query.offset // size + 1 if size else 1,
        "size": size,
        "took_ms": round(result.took_ms, 2),
        "results": [_hit(h) for h in result.hits],
        "facets": {f.value: {"title": FACET_TITLES[f],
                             "items": [{"value": v.value, "label": v.label, "count": v.count} for v in values]}
                   for f, values in result.facets.items()},
    }


@router.get("")
async def search(request: Request) -> JSONResponse:
    """搜索数据集、政务服务事项、部门、信息系统和指标 / search datasets, services, departments, systems, indicators."""
    try:
        query = parse_query(request)
    except ValueError as exc:  # BadParameterError, or SearchQuery's own range checks
        return _bad(str(exc))
    backend = request.app.state.runtime.search
    result = await _call(backend, backend.search, query, caller_of(request))
    return JSONResponse(result_json(query, result))


async def _call(backend: SearchBackend, method: Callable[..., T], *args: object) -> T:
    """An embedded search is a few milliseconds of CPU (answered on the event loop: a worker-thread hop costs
    more than it saves); a search waiting on a server (Elasticsearch) goes to a worker thread."""
    if backend.in_process:
        return method(*args)
    return await run_in_threadpool(method, *args)


@router.get("/suggest")
async def suggest(request: Request) -> JSONResponse:
    """搜索框联想（前缀、拼音、拼音首字母，如 gjj → 公积金）/ search-box suggestions (prefix, pinyin, initials)."""
    params = request.query_params
    unknown = sorted(set(params) - {"q", "limit"})
    if unknown:
        return _bad(f"未知参数 {', '.join(unknown)} / unknown parameters {unknown}")
    text = params.get("q", "")
    if len(text) > MAX_QUERY_CHARS:
        return _bad(f"查询文本过长（最多 {MAX_QUERY_CHARS} 字）/ q is longer than {MAX_QUERY_CHARS} characters")
    try:
        limit = _int(params, "limit", SUGGEST_LIMIT, 1, 50)
    except BadParameterError as exc:
        return _bad(str(exc))
    backend = request.app.state.runtime.search
    found = await _call(backend, backend.suggest, text, caller_of(request), limit)
    return JSONResponse({"q": text, "suggestions": [{"text": s.text, "iri": s.iri, "type": s.type.value,
                                                      "type_label": DOC_TYPE_LABELS[s.type]} for s in found]})

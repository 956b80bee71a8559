"""CKAN-compatible Action API at ``/api/3/action/{name}`` (and ``/api/action/{name}``, which ``ckanapi`` calls).

So that CKAN clients and harvesters work against Yuanshu unchanged, the API answers in CKAN's shapes: the
envelope ``{help, success, result}``; errors ``{help, success: false, error: {__type, message}}`` with CKAN's
types and HTTP codes (Not Found Error 404, Validation Error 409, Authorization Error 403, Search Query Error
400 — CKAN's ``ckan/views/api.py`` answers that one with 400 —, Bad Request 400); parameters from the query
string on GET (``facet.field`` as a JSON list) or a JSON (or form) body on POST.

Offered actions: ``package_search``, ``package_show``, ``package_list``, ``organization_list``,
``organization_show``, ``group_list``, ``group_show`` (themes), ``tag_list`` (data elements), ``status_show``,
``help_show``. CKAN's write actions answer Authorization Error: the API is read-only.

Who sees what: the caller comes from :func:`graph_api.identity.caller_of` (a CKAN client's bare
``Authorization: <token>`` or ``X-CKAN-API-Key`` header is read as the bearer token). Graph queries apply
its guard (:mod:`graph_api.ckan_shapes`); ``package_search`` and every count (organization and group
``package_count``, facets) come from the search backend's caller-aware query, as CKAN takes them from Solr.
A dataset the caller may not see answers Not Found, exactly like one that does not exist.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pypinyin import lazy_pinyin
from starlette.concurrency import run_in_threadpool

import yuanshu
from graph_api import ckan_shapes as shapes
from graph_api.ckan_query import QuerySyntaxError, Term, parse_filter, parse_sort, split_q
from graph_api.identity import UnknownTokenError, caller_of
from search.backend import MAX_LIMIT, MAX_WINDOW, DocType, Facet, SearchBackend, SearchQuery, SearchResult, Sort
from yuanshu.runtime import Runtime
from yuanshu.store import GraphStore
from yuanshu.visibility import Caller

log = logging.getLogger(__name__)
router = APIRouter(tags=["CKAN API"])

CKAN_VERSION = "2.10.0"  # the CKAN release whose Action API shapes this follows
ROWS_DEFAULT = 10
FACET_LIMIT_DEFAULT = 50
ALL_VALUES = 65_536  # "every value" of a facet (Elasticsearch's default search.max_buckets)
SHOW_DATASETS_MAX = 1000  # datasets listed by organization_show/group_show with include_datasets


# ------------------------------------------------------------------------------------------------------ errors
class ActionError(Exception):
    """An error answered in CKAN's shape: ``{__type, message}`` (plus field errors for Validation Error)."""

    def __init__(self, kind: str, status: int, message: str, fields: Mapping[str, list[str]] | None = None):
        super().__init__(message)
        self.kind, self.status, self.message, self.fields = kind, status, message, dict(fields or {})

    def body(self) -> dict[str, Any]:
        return {"__type": self.kind, "message": self.message, **self.fields}


def not_found(zh: str, en: str) -> ActionError:
    return ActionError("Not Found Error", 404, f"未找到{zh} / Not found: {en}")


def invalid(field: str, message: str) -> ActionError:
    return ActionError("Validation Error", 409, f"{field}: {message}", {field: [message]})


def bad_query(message: str) -> ActionError:
    return ActionError("Search Query Error", 400, f"搜索条件无效 / Search Query is invalid: {message}")


def forbidden(message: str) -> ActionError:
    return ActionError("Authorization Error", 403, f"拒绝访问 / Access denied: {message}")


def bad_request(message: str) -> ActionError:
    return ActionError("Bad Request", 400, message)


# -------------------------------------------------------------------------------------------------- parameters
def _int(data: Mapping[str, Any], key: str, default: int | None, *, minimum: int = 0) -> int | None:
    value = data.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise invalid(key, "须为整数 / Invalid integer")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise invalid(key, "须为整数 / Invalid integer") from None
    if number < minimum:
        raise invalid(key, f"须不小于 {minimum} / Must be at least {minimum}")
    return number


def _bool(data: Mapping[str, Any], key: str, default: bool) -> bool:
    value = data.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise invalid(key, "须为 true 或 false / Must be a boolean")


def _str(data: Mapping[str, Any], key: str, default: str = "") -> str:
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise invalid(key, "须为字符串 / Must be a string")
    return str(value)


def _required(data: Mapping[str, Any], key: str) -> str:
    value = _str(data, key).strip()
    if not value:
        raise invalid(key, "缺少值 / Missing value")
    return value


def _list(data: Mapping[str, Any], key: str) -> list[str]:
    """A list parameter: a JSON list (GET sends one as text), a repeated parameter, or one value."""
    value = data.get(key)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        if value.lstrip().startswith("["):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                raise invalid(key, "无法按 JSON 解析 / Could not parse as valid JSON") from None
        else:
            value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid(key, "须为字符串列表 / Must be a list of strings")
    return value


def _page(items: list[Any], data: Mapping[str, Any]) -> list[Any]:
    offset = _int(data, "offset", 0) or 0
    limit = _int(data, "limit", None)
    return items[offset:] if limit is None else items[offset:offset + limit]


# ------------------------------------------------------------------------------------------------------ actions
@dataclass
class Context:
    """One action call: the runtime, the caller and the site's address."""

    runtime: Runtime
    caller: Caller
    site_url: str

    @property
    def store(self) -> GraphStore:
        return self.runtime.store

    @property
    def search(self) -> SearchBackend:
        return self.runtime.search


Action = Callable[[Context, Mapping[str, Any]], Any]
ACTIONS: dict[str, Action] = {}


def action(fn: Action) -> Action:
    ACTIONS[fn.__name__] = fn
    return fn


# CKAN fq/facet field → search facet. Fields of the datasets' own metadata beyond CKAN's core ones (area,
# sharing_type, frequency) use Yuanshu's names.
FIELDS: dict[str, Facet] = {
    "organization": Facet.PUBLISHER, "owner_org": Facet.PUBLISHER, "groups": Facet.THEME, "tags": Facet.TAG,
    "res_format": Facet.FORMAT, "license_id": Facet.OPEN_TYPE, "open_type": Facet.OPEN_TYPE,
    "sharing_type": Facet.SHARING_TYPE, "frequency": Facet.FREQUENCY, "area": Facet.AREA,
}
# facets where a dataset has at most one value: there AND of two terms and negation are well defined
SINGLE_VALUED = frozenset({Facet.PUBLISHER, Facet.OPEN_TYPE, Facet.SHARING_TYPE, Facet.FREQUENCY, Facet.AREA})
CODE_SCHEMES: dict[Facet, str] = {Facet.THEME: "theme", Facet.OPEN_TYPE: "open-type",
                                  Facet.SHARING_TYPE: "sharing-type", Facet.FREQUENCY: "frequency"}
DATE_FIELDS = frozenset({"metadata_modified", "metadata_created"})
SORTS: dict[tuple[str, bool], Sort] = {
    ("score", True): Sort.RELEVANCE,
    ("metadata_modified", True): Sort.DATE_DESC, ("metadata_modified", False): Sort.DATE_ASC,
    ("metadata_created", True): Sort.DATE_DESC, ("metadata_created", False): Sort.DATE_ASC,
    ("title_string", False): Sort.TITLE_ASC, ("title_string", True): Sort.TITLE_DESC,
    ("title", False): Sort.TITLE_ASC, ("title", True): Sort.TITLE_DESC,
}
SEARCH_PARAMETERS = frozenset({
    "q", "fq", "fq_list", "rows", "start", "sort", "facet", "facet.field", "facet.limit", "facet.mincount",
    "include_private", "include_drafts", "include_deleted", "use_default_schema", "defType", "qf", "callback",
})


class _Nothing(Exception):
    """The filters can match no dataset (e.g. an unknown organization)."""


@dataclass
class _Filters:
    text: str
    filters: dict[Facet, tuple[str, ...]]
    issued_from: str | None = None
    issued_to: str | None = None


def _dataset_query(ctx: Context, **kwargs: Any) -> SearchResult:
    """A caller-aware search over datasets (``filters`` get the dataset type added)."""
    filters = {Facet.TYPE: (DocType.DATASET.value,), **kwargs.pop("filters", {})}
    try:
        return ctx.search.search(SearchQuery(filters=filters, **kwargs), ctx.caller)
    except ValueError as exc:
        raise bad_query(str(exc)) from exc


def _counts(ctx: Context, facet: Facet) -> dict[str, int]:
    """How many datasets the caller may see per value of ``facet``."""
    result = _dataset_query(ctx, facets=(facet,), limit=0, facet_limit=ALL_VALUES)
    return {v.value: v.count for v in result.facets.get(facet, [])}


def _resolve(ctx: Context, facet: Facet, values: Iterable[str]) -> set[str]:
    """CKAN values of a field → the search backend's values (IRIs for departments, areas, codes)."""
    values = list(values)
    if facet is Facet.PUBLISHER:
        return set(shapes.resolve_organizations(ctx.store, ctx.caller, values).values())
    if facet is Facet.AREA:
        lookup = shapes.area_lookup(ctx.store)
    elif facet in CODE_SCHEMES:
        lookup = shapes.code_lookup(ctx.store, CODE_SCHEMES[facet])
    else:
        return set(values)
    return {lookup[v] for v in values if v in lookup}


def _date(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    if value.upper() == "NOW":
        return dt.date.today().isoformat()
    try:
        return dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        raise bad_query(f"{field} 的日期无效：{value} / invalid date") from None


def _filters(ctx: Context, text: str, terms: list[Term]) -> _Filters:
    """Terms of q/fq → backend filters, applying AND between terms and negation as CKAN's Solr would."""
    result = _Filters(text, {})
    positive: dict[Facet, list[set[str]]] = {}
    negative: dict[Facet, set[str]] = {}
    for term in terms:
        if term.field in DATE_FIELDS:
            if not term.is_range or term.negated:
                raise bad_query(f"{term.field} 只支持范围条件 [起 TO 止] / {term.field} takes a range [from TO to]")
            low, high = _date(term.low, term.field), _date(term.high, term.field)
            result.issued_from = max(filter(None, (result.issued_from, low)), default=None)
            result.issued_to = min(filter(None, (result.issued_to, high)), default=None)
            continue
        if term.field in ("dataset_type", "type"):
            if ("dataset" in term.values) == term.negated:
                raise _Nothing
            continue
        facet = FIELDS.get(term.field)
        if facet is None:
            known = ", ".join(sorted({*FIELDS, *DATE_FIELDS, "dataset_type"}))
            raise bad_query(f"不支持的筛选字段 {term.field}；可用字段：{known} / unsupported field {term.field}")
        if term.is_range:
            raise bad_query(f"{term.field} 不支持范围条件 / {term.field} takes no range")
        resolved = _resolve(ctx, facet, term.values)
        if term.negated:
            negative.setdefault(facet, set()).update(resolved)
        else:
            positive.setdefault(facet, []).append(resolved)
    for facet in {*positive, *negative}:
        if facet not in SINGLE_VALUED and (len(positive.get(facet, [])) > 1 or facet in negative):
            name = next(k for k, v in FIELDS.items() if v is facet)
            raise bad_query(f"{name} 可有多个值：同一字段只支持一组 OR 条件，不支持 AND 或否定"
                            f" / {name} is multi-valued: use one OR-group, not AND or negation")
        allowed = set.intersection(*positive[facet]) if facet in positive else None
        if facet in negative:
            allowed = (allowed if allowed is not None else set(_counts(ctx, facet))) - negative[facet]
        if not allowed:
            raise _Nothing
        result.filters[facet] = tuple(sorted(allowed))
    if result.issued_from and result.issued_to and result.issued_from > result.issued_to:
        raise _Nothing
    return result


def _sort(text: str, has_text: bool, warnings: list[str]) -> Sort:
    """CKAN's sort → the backend's; ``score`` only decides when there is query text. The index cannot order by
    ``id``/``name``: harvesters ask for ``id asc`` only to page in a stable order, so those get the (stable)
    title order, and a warning says so."""
    try:
        clauses = parse_sort(text)
    except QuerySyntaxError as exc:
        raise bad_query(str(exc)) from exc
    for clause in clauses:
        if clause.field in ("id", "name"):
            warnings.append(f"sort={clause.field}：搜索索引按标题排序（顺序稳定） / ordered by title (a stable order)"
                            f" as the index cannot sort by {clause.field}")
            return Sort.TITLE_DESC if clause.descending else Sort.TITLE_ASC
        sort = SORTS.get((clause.field, clause.descending))
        if sort is None:
            known = "score desc, metadata_modified asc|desc, metadata_created asc|desc, title_string asc|desc, id asc"
            raise bad_query(f"不支持的排序 {clause.field}；可用：{known} / unsupported sort")
        if sort is not Sort.RELEVANCE or has_text:
            return sort
    return Sort.RELEVANCE


def _facet_items(ctx: Context, facet: Facet, result: SearchResult, mincount: int) -> list[dict[str, Any]]:
    """The backend's facet values as CKAN names (the values fq takes back) with display names."""
    values = [v for v in result.facets.get(facet, []) if v.count >= mincount]
    if facet is Facet.PUBLISHER:
        refs = shapes.org_refs(ctx.store, [v.value for v in values])
        named = [(refs[v.value].name if v.value in refs else v.value,
                  refs[v.value].title if v.value in refs else v.label, v.count) for v in values]
    elif facet is Facet.THEME:
        named = [(shapes.group_name(v.value), v.label, v.count) for v in values]
    elif facet in CODE_SCHEMES:
        named = [(shapes.code_name(v.value), v.label, v.count) for v in values]
    elif facet is Facet.AREA:
        named = [(v.label or v.value, v.label or v.value, v.count) for v in values]
    else:
        named = [(v.value, v.label or v.value, v.count) for v in values]
    return [{"name": name, "display_name": label or name, "count": count} for name, label, count in named]


@action
def package_search(ctx: Context, data: Mapping[str, Any]) -> dict[str, Any]:
    """搜索数据集 / Search datasets: ``q`` (default ``*:*``), ``fq`` / ``fq_list`` (``organization:``, ``groups:``,
    ``tags:``, ``res_format:``, ``license_id:``, ``area:``, ``sharing_type:``, ``frequency:``,
    ``metadata_modified:[a TO b]``; OR, ``-`` and parentheses), ``rows`` (default 10, at most 1000 — a larger
    value is capped and the response says so in ``warnings``), ``start``, ``sort`` (``score desc``,
    ``metadata_modified desc``, ``title_string asc`` …), ``facet.field`` (a JSON list), ``facet.limit``
    (default 50, -1 for all), ``facet.mincount``."""
    unknown = sorted(k for k in data if k not in SEARCH_PARAMETERS and not k.startswith("ext_"))
    if unknown:
        raise bad_query(f"未知参数 {', '.join(unknown)} / Invalid search parameters: {unknown}")
    warnings: list[str] = []
    rows = _int(data, "rows", ROWS_DEFAULT) or 0
    if rows > MAX_LIMIT:
        warnings.append(f"rows={rows} 超过上限，已按 {MAX_LIMIT} 返回 / rows is capped at {MAX_LIMIT}")
        rows = MAX_LIMIT
    start = _int(data, "start", 0) or 0
    facet_fields = _list(data, "facet.field") if _bool(data, "facet", True) else []
    unknown_facets = [f for f in facet_fields if f not in FIELDS]
    if unknown_facets:
        raise bad_query(f"不支持的分面字段 {', '.join(unknown_facets)}；可用：{', '.join(FIELDS)}"
                        " / unsupported facet.field")
    facet_limit = _int(data, "facet.limit", FACET_LIMIT_DEFAULT, minimum=-1)
    facet_limit = ALL_VALUES if facet_limit in (-1, None) else facet_limit
    counted = tuple(FIELDS[f] for f in facet_fields) if facet_limit else ()  # facet.limit=0: names, no values
    mincount = _int(data, "facet.mincount", 1) or 0
    q = _str(data, "q", "*:*")
    sort_text = _str(data, "sort") or "score desc, metadata_modified desc"
    try:
        text, terms = split_q(q, frozenset({*FIELDS, "dataset_type"}))
        for fq in [_str(data, "fq"), *_list(data, "fq_list")]:
            terms.extend(parse_filter(fq))
    except QuerySyntaxError as exc:
        raise bad_query(str(exc)) from exc
    empty: dict[str, Any] = {"count": 0, "results": [], "sort": sort_text, "facets": {f: {} for f in facet_fields},
                             "search_facets": {f: {"title": f, "items": []} for f in facet_fields}}
    sort = _sort(sort_text, bool(text), warnings)
    try:
        parsed = _filters(ctx, text, terms)
    except _Nothing:
        return {**empty, **({"warnings": warnings} if warnings else {})}
    limit = max(0, min(rows, MAX_WINDOW - start))
    offset = start if limit else 0
    result = _dataset_query(ctx, text=parsed.text, filters=parsed.filters, sort=sort,
                            facets=counted, facet_limit=max(facet_limit, 1),
                            offset=offset, limit=limit, issued_from=parsed.issued_from, issued_to=parsed.issued_to)
    if start >= MAX_WINDOW and start < result.total:
        raise invalid("start", f"翻页深度不能超过 {MAX_WINDOW} / start is limited to {MAX_WINDOW}; narrow the query")
    hits = [h.iri for h in result.hits] if limit else []
    dicts = shapes.packages(ctx.store, ctx.caller, hits)
    search_facets = {f: {"title": f, "items": _facet_items(ctx, FIELDS[f], result, mincount)}
                     for f in facet_fields}
    answer: dict[str, Any] = {
        "count": result.total,
        "results": [dicts[iri] for iri in hits if iri in dicts],
        "sort": sort_text,
        "facets": {f: {i["name"]: i["count"] for i in v["items"]} for f, v in search_facets.items()},
        "search_facets": search_facets,
    }
    if warnings:
        answer["warnings"] = warnings
    return answer


@action
def package_show(ctx: Context, data: Mapping[str, Any]) -> dict[str, Any]:
    """数据集详情 / A dataset by ``id``: its 信息资源代码, CKAN name (lower case) or IRI."""
    ref = _str(data, "id") or _str(data, "name_or_id")
    if not ref.strip():
        raise invalid("id", "缺少值 / Missing value")
    iri = shapes.resolve_dataset(ctx.store, ctx.caller, ref.strip())
    package = shapes.packages(ctx.store, ctx.caller, [iri]).get(iri) if iri else None
    if package is None:
        raise not_found("数据集", "dataset")
    return package


@action
def package_list(ctx: Context, data: Mapping[str, Any]) -> list[str]:
    """数据集名称列表 / Names of every dataset the caller may see (``limit``, ``offset``)."""
    offset = _int(data, "offset", 0) or 0
    limit = _int(data, "limit", None)
    page = f"OFFSET {offset}" + (f" LIMIT {limit}" if limit is not None else "")
    rows = ctx.store.select(f"""SELECT ?id WHERE {{ ?d a dcat:Dataset ; dct:identifier ?id .
        {ctx.caller.guard("d")} }} ORDER BY LCASE(STR(?id)) {page}""")
    return [r["id"].value.lower() for r in rows]


def _group_list(items: list[dict[str, Any]], data: Mapping[str, Any], names_key: str) -> list[Any]:
    """CKAN's organization_list / group_list over dicts: ``q``, ``<names_key>``, ``sort``, paging, fields."""
    q = _str(data, "q").strip().lower()
    if q:
        items = [i for i in items if q in i["name"].lower() or q in i["title"].lower()]
    wanted = set(_list(data, names_key))
    if wanted:
        items = [i for i in items if i["name"] in wanted or i["id"] in wanted]
    sort = (_str(data, "sort") or "title asc").split()
    field = {"packages": "package_count"}.get(sort[0], sort[0]) if sort else "title"
    descending = len(sort) > 1 and sort[1].lower() == "desc"
    if field not in ("name", "title", "package_count") or len(sort) > 2:
        raise invalid("sort", "可按 name、title、package_count 排序 / sort by name, title or package_count")
    keys: dict[str, Callable[[dict[str, Any]], Any]] = {
        "name": lambda i: i["name"], "package_count": lambda i: (i["package_count"], i["name"]),
        "title": lambda i: ("".join(lazy_pinyin(i["title"])), i["name"])}
    items = _page(sorted(items, key=keys[field], reverse=descending), data)
    if not _bool(data, "all_fields", False):
        return [i["name"] for i in items]
    if not _bool(data, "include_extras", False):
        items = [{k: v for k, v in i.items() if k != "extras"} for i in items]
    return items


def _organizations(ctx: Context, iri: str | None = None) -> dict[str, dict[str, Any]]:
    """Every department the caller may see (or the one ``iri``), by IRI, with the number of datasets the
    caller may see."""
    counts = _counts(ctx, Facet.PUBLISHER)
    orgs = shapes.organizations(ctx.store, ctx.caller, iri)
    for iri, org in orgs.items():
        org["package_count"] = counts.get(iri, 0)
    return orgs


def _groups(ctx: Context) -> dict[str, dict[str, Any]]:
    counts = _counts(ctx, Facet.THEME)
    groups = shapes.themes(ctx.store)
    for iri, group in groups.items():
        group["package_count"] = counts.get(iri, 0)
    return groups


@action
def organization_list(ctx: Context, data: Mapping[str, Any]) -> list[Any]:
    """部门列表 / Departments: names, or dicts with ``all_fields`` (``package_count`` = datasets the caller may
    see); ``sort`` (``title asc`` by pinyin, ``name``, ``package_count desc``), ``q``, ``organizations``,
    ``limit``, ``offset``, ``include_extras``."""
    return _group_list(list(_organizations(ctx).values()), data, "organizations")


@action
def group_list(ctx: Context, data: Mapping[str, Any]) -> list[Any]:
    """主题列表 / Themes (主题分类) as CKAN groups; parameters as organization_list (``groups``)."""
    return _group_list(list(_groups(ctx).values()), data, "groups")


def _show(ctx: Context, data: Mapping[str, Any], facet: Facet, found: tuple[str, dict[str, Any]] | None,
          what: tuple[str, str]) -> dict[str, Any]:
    if found is None:
        raise not_found(*what)
    iri, item = found
    if _bool(data, "include_datasets", False):
        result = _dataset_query(ctx, filters={facet: (iri,)}, sort=Sort.TITLE_ASC, limit=SHOW_DATASETS_MAX)
        dicts = shapes.packages(ctx.store, ctx.caller, [h.iri for h in result.hits])
        item["packages"] = [dicts[h.iri] for h in result.hits if h.iri in dicts]
    if not _bool(data, "include_extras", True):
        item.pop("extras", None)
    return item


@action
def organization_show(ctx: Context, data: Mapping[str, Any]) -> dict[str, Any]:
    """部门详情 / A department by ``id`` (CKAN id or name, 统一社会信用代码, its full name or IRI);
    ``include_datasets`` lists up to 1000 of its datasets."""
    ref = _required(data, "id")
    iri = shapes.resolve_organizations(ctx.store, ctx.caller, [ref]).get(ref)
    orgs = _organizations(ctx, iri) if iri else {}
    return _show(ctx, data, Facet.PUBLISHER, (iri, orgs[iri]) if iri in orgs else None, ("部门", "organization"))


@action
def group_show(ctx: Context, data: Mapping[str, Any]) -> dict[str, Any]:
    """主题详情 / A theme by ``id`` (its name, e.g. ``economy``, its Chinese title or IRI)."""
    ref = _required(data, "id")
    iri = shapes.code_lookup(ctx.store, "theme").get(ref)
    groups = _groups(ctx)
    return _show(ctx, data, Facet.THEME, (iri, groups[iri]) if iri in groups else None, ("主题", "group"))


@action
def tag_list(ctx: Context, data: Mapping[str, Any]) -> list[Any]:
    """标签列表 / Tags: the data elements (信息项) of the datasets the caller may see; ``query`` filters by
    substring, ``all_fields`` returns dicts."""
    if _str(data, "vocabulary_id"):
        raise not_found("词表", "vocabulary")
    query = _str(data, "query") or _str(data, "q")
    condition = f"FILTER(CONTAINS(LCASE(STR(?name)), {shapes.literal_term(query.lower())}))" if query else ""
    rows = ctx.store.select(f"""SELECT DISTINCT ?name WHERE {{ ?d a dcat:Dataset . {ctx.caller.guard("d")}
        ?d ys:dataElement ?e . {ctx.caller.guard("e")} ?e dct:title ?name . {condition} }} ORDER BY ?name""")
    names = [r["name"].value for r in rows]
    if _bool(data, "all_fields", False):
        return [{"id": n, "name": n, "display_name": n, "state": "active", "vocabulary_id": None} for n in names]
    return names


@action
def status_show(ctx: Context, data: Mapping[str, Any]) -> dict[str, Any]:
    """站点状态 / Site status: the CKAN API version followed, Yuanshu's version, the search backend."""
    return {"site_title": "源数 Yuanshu", "site_description": "政务数据开放与知识图谱 / open government data",
            "site_url": ctx.site_url, "ckan_version": CKAN_VERSION, "yuanshu_version": yuanshu.__version__,
            "locale_default": "zh_Hans_CN", "error_emails_to": None, "extensions": [],
            "search_backend": ctx.search.name}


@action
def help_show(ctx: Context, data: Mapping[str, Any]) -> str:
    """操作说明 / The documentation of the action ``name``."""
    name = _required(data, "name")
    if name not in ACTIONS:
        raise not_found(f"操作 {name}", f"action {name}")
    return " ".join((ACTIONS[name].__doc__ or "").split())


# ------------------------------------------------------------------------------------------------------- HTTP
_WRITE_SUFFIXES = ("_create", "_update", "_patch", "_delete", "_purge", "_revise")


def _caller(request: Request) -> Caller:
    """The caller; CKAN clients send the token bare (``Authorization: <token>``, ``X-CKAN-API-Key``)."""
    header = request.headers.get("authorization", "").strip()
    token = header or request.headers.get("x-ckan-api-key", "").strip()
    if token and not header.lower().startswith("bearer "):
        headers = [(k, v) for k, v in request.scope["headers"] if k not in (b"authorization", b"x-ckan-api-key")]
        request = Request({**request.scope, "headers": [*headers, (b"authorization", f"Bearer {token}".encode())]})
    return caller_of(request)


async def _data(request: Request) -> dict[str, Any]:
    """The action's parameters: the query string on GET; the JSON (or form) body on POST, else the query."""

    def mixed(items: Iterable[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            out[key] = [*out[key], value] if isinstance(out.get(key), list) else (
                [out[key], value] if key in out else value)
        return out

    if request.method == "POST":
        body = await request.body()
        json_body = body.lstrip().startswith((b"{", b"["))  # whatever the type says (``curl -d`` sends a form's)
        if not json_body and request.headers.get("content-type", "").startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")):
            return mixed((await request.form()).multi_items())
        if body.strip():
            try:
                data = json.loads(body)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise bad_request(f"JSON 格式错误 / JSON Error: {exc}") from None
            if not isinstance(data, dict):
                raise bad_request("请求数据须为 JSON 对象 / Request data JSON must be a dictionary")
            return data
    return mixed(request.query_params.multi_items())


@router.api_route("/api/3/action/{name}", methods=["GET", "POST"], summary="CKAN Action API")
@router.api_route("/api/action/{name}", methods=["GET", "POST"], include_in_schema=False)
async def call_action(name: str, request: Request) -> JSONResponse:
    """CKAN 兼容接口 / CKAN-compatible Action API (read-only subset)."""
    site_url = str(request.base_url).rstrip("/")
    envelope: dict[str, Any] = {"help": f"{site_url}/api/3/action/help_show?name={name}"}
    try:
        fn = ACTIONS.get(name)
        if fn is None:
            if name.endswith(_WRITE_SUFFIXES):
                raise forbidden(f"本接口只读，不支持 {name} / this API is read-only")
            raise bad_request(f"未知操作 {name}；可用：{', '.join(ACTIONS)} / Action name not known: {name}")
        try:
            caller = _caller(request)
        except UnknownTokenError as exc:
            raise forbidden(str(exc)) from exc
        data = await _data(request)
        data.pop("callback", None)
        ctx = Context(request.app.state.runtime, caller, site_url)
        result = await run_in_threadpool(fn, ctx, data)
    except ActionError as exc:
        return JSONResponse({**envelope, "success": False, "error": exc.body()}, status_code=exc.status)
    except shapes.BadReferenceError as exc:
        return JSONResponse({**envelope, "success": False, "error": invalid("id", str(exc)).body()}, status_code=409)
    except Exception:
        log.exception("CKAN action %s failed", name)
        error = {"__type": "Internal Server Error", "message": "服务器内部错误 / Internal Server Error"}
        return JSONResponse({**envelope, "success": False, "error": error}, status_code=500)
    return JSONResponse({**envelope, "success": True, "result": result})

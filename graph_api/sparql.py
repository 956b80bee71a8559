"""SPARQL 1.1 Protocol at ``/sparql``: GET and POST, results by content negotiation, read-only, time-limited.

Anonymous and staff callers query the published view (only what the public may see, DESIGN.md "Who sees
what"); administrators query the whole store. Updates are refused with 403; a query that runs past
``sparql_timeout`` seconds is stopped and answered with 503 and a clear message.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from graph_api.identity import caller_of
from graph_api.rdf_negotiation import best_offer
from graph_api.sparql_runner import QueryFailedError, QueryJob, QueryTimeoutError, SparqlRunner
from yuanshu.runtime import Runtime
from yuanshu.visibility import Role

router = APIRouter(tags=["sparql"])

RESULTS_TYPES = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "ttl", "application/n-triples": "nt", "application/rdf+xml": "rdfxml",
    "application/ld+json": "jsonld",
}
FORMAT_MEDIA = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
    "tsv": "text/tab-separated-values", "ttl": "text/turtle", "nt": "application/n-triples",
    "rdfxml": "application/rdf+xml", "jsonld": "application/ld+json",
}


# other names clients send for the same formats (SPARQLWrapper sends ``format=turtle``, …)
FORMAT_ALIASES = {"turtle": "ttl", "n-triples": "nt", "ntriples": "nt", "xml-rdf": "rdfxml", "rdf+xml": "rdfxml",
                  "rdf": "rdfxml", "json-ld": "jsonld", "sparql-results+json": "json", "sparql-results+xml": "xml"}


def _by_format(types: dict[str, str]) -> dict[str, list[str]]:
    """Format name → the media types that ask for it (in the order given)."""
    grouped: dict[str, list[str]] = {}
    for media, name in types.items():
        grouped.setdefault(name, []).append(media)
    return grouped


_RESULTS_OFFERS, _GRAPH_OFFERS = _by_format(RESULTS_TYPES), _by_format(GRAPH_TYPES)


class ProtocolError(ValueError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def negotiate(accept: str, override: str | None) -> tuple[str, str]:
    """(results media type, graph media type) for this request."""
    if override:
        override = FORMAT_ALIASES.get(override.lower(), override.lower())
        if override not in FORMAT_MEDIA:
            choices = ", ".join(FORMAT_MEDIA)
            raise ProtocolError(400, f"不支持的 format “{override}”，可选 {choices} / unsupported format")
        media = FORMAT_MEDIA[override]
        return (media if override in RESULTS_TYPES.values() else FORMAT_MEDIA["json"],
                media if override in GRAPH_TYPES.values() else FORMAT_MEDIA["ttl"])
    accept = accept or "*/*"
    results = best_offer(accept, _RESULTS_OFFERS) or "json"
    graph = best_offer(accept, _GRAPH_OFFERS) or "ttl"
    return FORMAT_MEDIA[results], FORMAT_MEDIA[graph]


async def _query_text(request: Request) -> str:
    """The query of a GET or POST request (form-encoded or ``application/sparql-query``); updates refused."""
    refused = ProtocolError(403, "此端点只读，不接受 SPARQL UPDATE / this endpoint is read-only: updates are refused")
    params = request.query_params
    if "update" in params:
        raise refused
    if request.method == "GET":
        query = params.get("query")
    else:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/sparql-update":
            raise refused
        if content_type == "application/sparql-query":
            query = (await request.body()).decode("utf-8", errors="replace")
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.form()
            if "update" in form:
                raise refused
            value = form.get("query")
            query = value if isinstance(value, str) else None
        else:
            raise ProtocolError(415, "POST 请使用 application/x-www-form-urlencoded 或 application/sparql-query"
                                     " / unsupported content type")
    if not query or not query.strip():
        raise ProtocolError(400, "缺少 query 参数 / missing 'query' parameter")
    return query


def _job(runtime: Runtime, request: Request, query: str, formats: tuple[str, str]) -> QueryJob:
    if caller_of(request).role is Role.ADMIN:
        return QueryJob(str(runtime.store.path), runtime.store.generation(), query, *formats)
    published = runtime.published
    if published.version is None:
        raise ProtocolError(503, "公开视图尚未生成 / the published view is not built yet")
    return QueryJob(str(published.path), published.generation or "", query, *formats,
                    default_graph=published.version)


@router.api_route("/sparql", methods=["GET", "POST"])
async def sparql(request: Request) -> Response:
    """SPARQL 1.1 查询（只读、限时）/ SPARQL 1.1 Protocol query endpoint (read-only, time-limited)."""
    runner: SparqlRunner = request.app.state.sparql_runner
    try:
        query = await _query_text(request)
        formats = negotiate(request.headers.get("accept", ""), request.query_params.get("format"))
        data, media_type = await runner.run(_job(request.app.state.runtime, request, query, formats))
    except ProtocolError as exc:
        return JSONResponse({"error": str(exc)}, status_code=exc.status)
    except QueryTimeoutError as exc:
        return JSONResponse({"error": str(exc)}, status_code=503)
    except QueryFailedError as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    return Response(data, media_type=media_type)

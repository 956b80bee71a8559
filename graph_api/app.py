"""The FastAPI application: health endpoint and the static portal; later surfaces plug in here."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

import yuanshu
from graph_api import PORTAL_DIR, catalog, sparql
from graph_api.ckan_api import router as ckan_router
from graph_api.graphql.schema import graphql_router
from graph_api.identity import UnknownTokenError
from graph_api.resources import resource_router
from graph_api.search_api import router as search_router
from graph_api.sparql_runner import SparqlRunner
from yuanshu.config import get_settings
from yuanshu.runtime import Runtime


def create_app(runtime: Runtime | None = None) -> FastAPI:
    """Build the app; the runtime (store, database) is opened at startup unless one is given."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.runtime = runtime or Runtime.open()
        app.state.sparql_runner = SparqlRunner(app.state.runtime.settings.sparql_timeout)
        await app.state.sparql_runner.start()
        yield
        app.state.sparql_runner.close()
        app.state.runtime.close()

    app = FastAPI(title="源数 Yuanshu", version=yuanshu.__version__, lifespan=lifespan,
                  description="政务数据开放与知识图谱 API / open government data and knowledge-graph API")

    @app.get("/api/health", tags=["system"])
    def health(request: Request) -> dict[str, str]:
        """服务状态 / service status."""
        request.app.state.runtime.store.query("ASK { }")
        return {"status": "ok", "version": yuanshu.__version__}

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {404: "未找到 / not found", 405: "不支持的请求方法 / method not allowed"}
        message = messages.get(exc.status_code, str(exc.detail))
        return JSONResponse({"error": message}, status_code=exc.status_code)

    @app.exception_handler(UnknownTokenError)
    async def unknown_token(_request: Request, exc: UnknownTokenError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=401, headers={"WWW-Authenticate": "Bearer"})

    app.include_router(sparql.router)
    app.include_router(graphql_router(runtime.settings if runtime else get_settings()), prefix="/graphql")
    app.include_router(search_router)
    app.include_router(ckan_router)
    app.include_router(catalog.router)
    app.include_router(resource_router((runtime.settings if runtime else get_settings()).base_iri))
    app.mount("/", StaticFiles(directory=PORTAL_DIR, html=True), name="portal")
    return app

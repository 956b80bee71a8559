"""All configuration in one place: environment variables (``YUANSHU_*``) and an optional settings file.

Precedence: explicit arguments > environment > ``$YUANSHU_HOME/yuanshu.toml`` > defaults.
All state lives in one data directory, ``./yuanshu-data`` unless ``YUANSHU_HOME`` says otherwise.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource


def _home() -> Path:
    return Path(os.environ.get("YUANSHU_HOME", "yuanshu-data")).expanduser().resolve()


class Settings(BaseSettings):
    """Runtime settings. Every backend is chosen here, never by code edits."""

    model_config = SettingsConfigDict(env_prefix="YUANSHU_", extra="ignore")

    home: Path = Field(default_factory=_home, description="数据目录 data directory holding all state")
    base_iri: str = Field("http://127.0.0.1:8000/id/", description="实体 IRI 的基础地址 base of minted IRIs")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default SQLite in the data directory")
    store_path: Path | None = Field(None, description="Oxigraph store directory; default <home>/store")
    host: str = "127.0.0.1"
    port: int = 8000
    api_tokens: dict[str, str] = Field(
        default_factory=dict,
        description="bearer token → identity: 'admin' or 'staff:<department IRI>' (until real authentication)")
    sparql_timeout: float = Field(10.0, description="SPARQL 查询时限（秒） / time limit of one SPARQL query, seconds")
    graphql_max_depth: int = Field(12, description="GraphQL 查询最大深度 / maximum query depth")
    graphql_max_cost: int = Field(50000, description="GraphQL 查询最大代价 / maximum estimated query cost")
    search_backend: Literal["embedded", "elasticsearch"] = Field(
        "embedded", description="搜索后端 / search backend: embedded (tantivy, no server) or elasticsearch")
    search_index_path: Path | None = Field(None, description="嵌入式搜索索引目录; default <home>/search")
    es_url: str | None = Field(None, description="Elasticsearch 地址 (YUANSHU_ES_URL), e.g. http://localhost:9200")
    es_index: str = Field("yuanshu", description="Elasticsearch 索引别名 / index alias (versions: <alias>-v<n>)")
    catalog_publisher: str = Field(
        "河源市政务服务数据管理局",
        description="数据目录（/catalog）的发布机构名称 / name of the organisation publishing the DCAT catalog")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=_home() / "yuanshu.toml")
        return init_settings, env_settings, toml

    def model_post_init(self, __context: object) -> None:
        if not self.base_iri.endswith(("/", "#")):
            self.base_iri += "/"

    @property
    def resolved_store_path(self) -> Path:
        return self.store_path or self.home / "store"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'yuanshu.db'}"

    @property
    def resolved_search_index_path(self) -> Path:
        return self.search_index_path or self.home / "search"

    @property
    def demo_dir(self) -> Path:
        return self.home / "demo"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; tests call ``get_settings.cache_clear()`` after changing env)."""
    return Settings()

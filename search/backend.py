"""The search interface every backend implements and every surface calls (search API, CKAN, GraphQL).

A :class:`SearchDocument` is one entity (dataset, service, department, system, indicator) as built from the
graph by :mod:`search.documents`; its text fields hold *analysed* text (whitespace-joined tokens from
:mod:`search.analysis`) beside the original for display. Facet fields hold IRIs (department, area, code-list
concept) or plain keywords (formats, tags); ``labels`` maps each IRI to its Chinese label.

A :class:`SearchQuery` says what to look for; a backend's :meth:`SearchBackend.search` answers it for a
:class:`~yuanshu.visibility.Caller`, compiling the caller's visibility rule into the query so that hits,
totals and facet counts only ever cover what the caller may see.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

from yuanshu.visibility import Caller


class DocType(StrEnum):
    """The kinds of entity in the index."""

    DATASET = "dataset"
    SERVICE = "service"
    DEPARTMENT = "department"
    SYSTEM = "system"
    INDICATOR = "indicator"


class Facet(StrEnum):
    """Keyword fields that can be filtered on and counted. Values are IRIs unless noted."""

    TYPE = "type"  # a DocType value
    PUBLISHER = "publisher"  # department IRI (dataset publisher, service authority, system operator, …)
    AREA = "area"
    THEME = "theme"
    FORMAT = "format"  # plain keyword: CSV, XLSX, JSON, API, …
    OPEN_TYPE = "open_type"  # 开放类型
    SHARING_TYPE = "sharing_type"  # 共享类型
    FREQUENCY = "frequency"  # 更新周期
    SERVICE_TYPE = "service_type"  # 事项类型
    SYSTEM_STATUS = "system_status"  # 运行状态
    TAG = "tag"  # plain keyword: data element names, keywords


FACET_TITLES: dict[Facet, str] = {
    Facet.TYPE: "类型 / type",
    Facet.PUBLISHER: "部门 / department",
    Facet.AREA: "区域 / area",
    Facet.THEME: "主题 / theme",
    Facet.FORMAT: "格式 / format",
    Facet.OPEN_TYPE: "开放类型 / open type",
    Facet.SHARING_TYPE: "共享类型 / sharing type",
    Facet.FREQUENCY: "更新周期 / update frequency",
    Facet.SERVICE_TYPE: "事项类型 / service type",
    Facet.SYSTEM_STATUS: "运行状态 / system status",
    Facet.TAG: "标签 / tag",
}

DOC_TYPE_LABELS: dict[str, str] = {
    DocType.DATASET: "数据集",
    DocType.SERVICE: "政务服务事项",
    DocType.DEPARTMENT: "部门",
    DocType.SYSTEM: "信息系统",
    DocType.INDICATOR: "指标",
}


class Sort(StrEnum):
    RELEVANCE = "relevance"
    DATE_DESC = "date_desc"  # newest first (dct:issued); undated last
    DATE_ASC = "date_asc"
    TITLE_ASC = "title_asc"  # by pinyin of the title
    TITLE_DESC = "title_desc"


MAX_LIMIT = 1000  # hits per page
MAX_WINDOW = 1_000_000  # offset + limit (deep paging)


@dataclass
class SearchDocument:
    """One entity as indexed. ``*_tokens`` fields are analysed text (space-joined tokens)."""

    iri: str
    type: DocType
    title: str
    description: str = ""
    identifier: str = ""
    title_tokens: str = ""
    text_tokens: str = ""  # description, data elements, publisher/area names, keywords (lower boost)
    title_sort: str = ""  # pinyin of the title, for sort by title
    suggest_keys: list[str] = field(default_factory=list)  # normalised title, pinyin, initials
    issued: str | None = None  # ISO date
    audiences: list[str] = field(default_factory=list)  # ys:audience IRIs (yuanshu.visibility.Audience)
    owners: list[str] = field(default_factory=list)  # owning department IRIs
    facets: dict[str, list[str]] = field(default_factory=dict)  # Facet value → values
    labels: dict[str, str] = field(default_factory=dict)  # IRI → label, for facet values and display
    source_hash: str = ""  # hash of the graph data the document was built from (incremental updates)


@dataclass(frozen=True)
class SearchQuery:
    """What to look for. Filters: values within one facet are OR-ed, different facets AND-ed."""

    text: str = ""  # empty: every document the caller may see
    filters: Mapping[Facet, tuple[str, ...]] = field(default_factory=dict)
    facets: tuple[Facet, ...] = ()  # which facet counts to return
    sort: Sort = Sort.RELEVANCE
    offset: int = 0
    limit: int = 10
    highlight: bool = False
    facet_limit: int = 50  # values per facet, most frequent first
    issued_from: str | None = None  # ISO date, inclusive
    issued_to: str | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.limit <= MAX_LIMIT:
            raise ValueError(f"每页条数须在 0–{MAX_LIMIT} 之间 / limit must be between 0 and {MAX_LIMIT}")
        if self.offset < 0 or self.offset + self.limit > MAX_WINDOW:
            raise ValueError(f"翻页位置须在 0–{MAX_WINDOW} 之间 / offset must be between 0 and {MAX_WINDOW}")
        if self.facet_limit < 1:
            raise ValueError("分面条数须为正数 / facet_limit must be positive")


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class SearchHit:
    iri: str
    type: DocType
    title: str
    description: str
    identifier: str
    issued: str | None
    score: float
    facets: dict[str, list[str]]
    labels: dict[str, str]
    highlights: dict[str, str] = field(default_factory=dict)  # "title"/"description" → text with <em>…</em>


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[SearchHit]
    facets: dict[Facet, list[FacetValue]]
    took_ms: float


@dataclass(frozen=True)
class Suggestion:
    text: str  # the title to show
    iri: str
    type: DocType


@runtime_checkable
class SearchBackend(Protocol):
    """A search engine holding :class:`SearchDocument`s (see :mod:`search.embedded`, :mod:`search.elastic`)."""

    name: str
    in_process: bool  # searches are CPU work in this process (True) or wait on a server (False)

    def index(self, documents: Iterable[SearchDocument]) -> int:
        """Add or replace documents (by IRI) in the live index; returns how many were written."""
        ...

    def delete(self, iris: Iterable[str]) -> int:
        """Remove documents by IRI; returns how many were asked for."""
        ...

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """Build a new index version beside the live one from all documents, then swap it in atomically."""
        ...

    def hashes(self) -> dict[str, str]:
        """IRI → ``source_hash`` of every indexed document (for incremental updates)."""
        ...

    def search(self, query: SearchQuery, caller: Caller) -> SearchResult:
        """Hits, total and facet counts of what ``caller`` may see."""
        ...

    def suggest(self, prefix: str, caller: Caller, limit: int = 10) -> list[Suggestion]:
        """Titles for the search box: by text prefix, pinyin or pinyin initials (``gjj`` → 公积金)."""
        ...

    def count(self, caller: Caller) -> int:
        """How many documents the caller may see."""
        ...

    def get_state(self, key: str) -> str | None:
        """A value the indexer keeps with the index (the graph generation it reflects)."""
        ...

    def set_state(self, key: str, value: str) -> None: ...

    def close(self) -> None: ...

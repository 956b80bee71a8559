"""What both backends share: reading the query, the visibility filter, highlighting and the result shape.

A backend implements :meth:`AnalysedBackend._run` (one query against its engine, returning raw hits and
facet buckets) and :meth:`AnalysedBackend.labels`; this class turns a :class:`~search.backend.SearchQuery`
into the analysed :class:`~search.analysis.ParsedQuery` both engines compile, retries with no word required
when requiring every word finds nothing, and builds the :class:`~search.backend.SearchResult`.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from search.analysis import Analyzer, ParsedQuery, get_analyzer
from search.backend import (
    DOC_TYPE_LABELS,
    DocType,
    Facet,
    FacetValue,
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResult,
)
from search.highlight import SNIPPET_CHARS, highlight
from yuanshu.visibility import Audience, Caller, Role

TITLE_BOOST = 3.0  # a word in the title counts three times a word in the description or data elements
SYNONYM_BOOST = 0.8  # a synonym scores a little below the word typed
FUZZY_BOOST = 0.3  # a word matched with a typo scores below an exact match
IDENTIFIER_BOOST = 20.0  # the whole query is the entity's code


@dataclass(frozen=True)
class Visibility:
    """The caller's rule (:class:`~yuanshu.visibility.Caller`) as a filter: a document matches when it has
    one of ``audiences``, or has the owner audience and ``department`` among its owners."""

    audiences: tuple[str, ...]
    department: str | None

    OWNER = str(Audience.OWNER)

    @classmethod
    def of(cls, caller: Caller) -> Visibility | None:
        """None for administrators (they see everything, as :meth:`Caller.guard` says)."""
        if caller.role is Role.ADMIN:
            return None
        return cls(tuple(str(a) for a in caller.audiences), caller.department)


@dataclass(frozen=True)
class RawHit:
    score: float
    payload: dict[str, Any]


@dataclass(frozen=True)
class RawResult:
    total: int
    hits: list[RawHit]
    facets: dict[Facet, list[tuple[str, int]]]


def payload_of(doc: SearchDocument) -> dict[str, Any]:
    """The stored part of a document: what a hit shows."""
    return {"iri": doc.iri, "type": str(doc.type), "title": doc.title, "description": doc.description,
            "identifier": doc.identifier, "issued": doc.issued, "facets": {str(k): v for k, v in doc.facets.items()},
            "labels": doc.labels}


class AnalysedBackend(ABC):
    """Shared query reading and result building (see the module docstring)."""

    name: str

    def __init__(self, analyzer: Analyzer | None = None) -> None:
        self.analyzer = analyzer or get_analyzer()

    @abstractmethod
    def _run(self, query: SearchQuery, parsed: ParsedQuery, visibility: Visibility | None) -> RawResult:
        """Run one query: hits of the requested page, the total and facet buckets (value, count)."""

    @abstractmethod
    def labels(self, values: Iterable[str]) -> dict[str, str]:
        """Labels of facet values (IRIs) as indexed."""

    def search(self, query: SearchQuery, caller: Caller) -> SearchResult:
        started = time.perf_counter()
        parsed = self.analyzer.parse_query(query.text)
        visibility = Visibility.of(caller)
        raw = self._run(query, parsed, visibility)
        if raw.total == 0 and sum(g.required for g in parsed.groups) > 1:
            parsed = parsed.relaxed()
            raw = self._run(query, parsed, visibility)
        hits = [self._hit(h, parsed, query.highlight) for h in raw.hits]
        values = {v for buckets in raw.facets.values() for v, _ in buckets}
        labels = self.labels(values - set(DocType))
        labels.update(DOC_TYPE_LABELS)
        facets = {f: [FacetValue(v, labels.get(v, v), n) for v, n in buckets] for f, buckets in raw.facets.items()}
        return SearchResult(raw.total, hits, facets, (time.perf_counter() - started) * 1000)

    def _hit(self, raw: RawHit, parsed: ParsedQuery, with_highlights: bool) -> SearchHit:
        p = raw.payload
        highlights: dict[str, str] = {}
        if with_highlights and not parsed.is_empty:
            stem = self.analyzer.stem
            for name, text, limit in (("title", p["title"], None), ("description", p["description"], SNIPPET_CHARS)):
                marked = highlight(text, parsed.terms, stem, max_chars=limit) if text else None
                if marked:
                    highlights[name] = marked
        return SearchHit(iri=p["iri"], type=DocType(p["type"]), title=p["title"], description=p["description"],
                         identifier=p["identifier"], issued=p["issued"], score=raw.score, facets=p["facets"],
                         labels=p["labels"], highlights=highlights)

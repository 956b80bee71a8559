"""The Elasticsearch backend (scale-out), through the official ``elasticsearch`` client.

Same documents, same analysed terms, same query meaning as the embedded backend (:mod:`search.base`):

* explicit mapping — analysed text fields hold the shared analyzer's tokens and use a whitespace analyzer
  (Elasticsearch never re-analyses Chinese), facets are ``keyword`` fields, ``issued`` a ``date``;
* bulk indexing (``helpers.bulk``), documents keyed by IRI;
* versioned indices ``<alias>-v<n>`` behind the alias ``<alias>``: a rebuild fills ``v<n+1>`` beside the live
  one and moves the alias in one ``_aliases`` call (zero-downtime reindex), then drops the old version;
* the caller's visibility rule compiled into the query's ``filter`` (hits, totals and aggregations alike);
* labels of facet values and the indexer's state in ``<alias>-meta``.

Point Yuanshu at a cluster with ``YUANSHU_SEARCH_BACKEND=elasticsearch`` and ``YUANSHU_ES_URL``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError, helpers

from search.analysis import Analyzer, ParsedQuery, fuzzy_distance, normalize, suggest_prefix
from search.backend import MAX_WINDOW, DocType, Facet, SearchDocument, SearchQuery, Sort, Suggestion
from search.base import (
    FUZZY_BOOST,
    IDENTIFIER_BOOST,
    SYNONYM_BOOST,
    TITLE_BOOST,
    AnalysedBackend,
    RawHit,
    RawResult,
    Visibility,
    payload_of,
)
from yuanshu.visibility import ADMIN, Caller

BULK_CHUNK = 2_000
FACET_SHARD_SIZE = 65_536  # buckets per shard before merging: counts are exact below this many values

SETTINGS: dict[str, Any] = {
    "max_result_window": MAX_WINDOW,
    "analysis": {"analyzer": {"tokens": {"type": "custom", "tokenizer": "whitespace"}}},
}
_KEYWORDS = ("iri", "identifier", "suggest_head", "suggest", "audience", "owner", "title_sort", "source_hash",
             *(f.value for f in Facet))
MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        **{name: {"type": "keyword"} for name in _KEYWORDS},
        "title_tokens": {"type": "text", "analyzer": "tokens"},
        "text_tokens": {"type": "text", "analyzer": "tokens"},
        "issued": {"type": "date", "format": "strict_date"},
        "payload": {"type": "object", "enabled": False},
    },
}
META_MAPPING: dict[str, Any] = {"properties": {"value": {"type": "keyword", "index": False}}}
_SORTS: dict[Sort, list[dict[str, Any]]] = {
    Sort.DATE_DESC: [{"issued": {"order": "desc", "missing": "_last"}}],
    Sort.DATE_ASC: [{"issued": {"order": "asc", "missing": "_last"}}],
    Sort.TITLE_ASC: [{"title_sort": "asc"}],
    Sort.TITLE_DESC: [{"title_sort": "desc"}],
    Sort.RELEVANCE: ["_score"],
}


class ElasticBackend(AnalysedBackend):
    """Documents in the index the alias ``alias`` points to (see the module docstring)."""

    name = "elasticsearch"
    in_process = False

    def __init__(self, url: str, alias: str, analyzer: Analyzer | None = None) -> None:
        super().__init__(analyzer)
        self.client = Elasticsearch(url, request_timeout=60)
        self.alias = alias
        self.meta = f"{alias}-meta"
        if not self.client.indices.exists(index=self.meta):
            self.client.indices.create(index=self.meta, mappings=META_MAPPING)
        if not self.client.indices.exists_alias(name=alias):
            self._create(f"{alias}-v1", alias=True)

    # indices --------------------------------------------------------------------------------------------
    def _create(self, name: str, *, alias: bool) -> None:
        self.client.indices.create(index=name, settings=SETTINGS, mappings=MAPPING,
                                   aliases={self.alias: {}} if alias else None)

    def _live(self) -> str:
        return next(iter(self.client.indices.get_alias(name=self.alias)))

    def drop(self) -> None:
        """Delete every version, the alias and the meta index (tests)."""
        self.client.indices.delete(index=f"{self.alias}-v*,{self.meta}", ignore_unavailable=True)

    # meta -----------------------------------------------------------------------------------------------
    def _get_meta(self, key: str) -> str | None:
        try:
            return self.client.get(index=self.meta, id=key)["_source"]["value"]
        except NotFoundError:
            return None

    def get_state(self, key: str) -> str | None:
        return self._get_meta("state:" + key)

    def set_state(self, key: str, value: str) -> None:
        self.client.index(index=self.meta, id="state:" + key, document={"value": value}, refresh=True)

    def labels(self, values: Iterable[str]) -> dict[str, str]:
        ids = ["label:" + v for v in values]
        if not ids:
            return {}
        found = self.client.mget(index=self.meta, ids=ids)["docs"]
        return {d["_id"].removeprefix("label:"): d["_source"]["value"] for d in found if d.get("found")}

    def hashes(self) -> dict[str, str]:
        return {h["_source"]["iri"]: h["_source"]["source_hash"]
                for h in helpers.scan(self.client, index=self.alias,
                                      query={"query": {"match_all": {}}, "_source": ["iri", "source_hash"]})}

    # writing --------------------------------------------------------------------------------------------
    @staticmethod
    def _source(doc: SearchDocument) -> dict[str, Any]:
        source: dict[str, Any] = {
            "iri": doc.iri, "identifier": normalize(doc.identifier), "title_tokens": doc.title_tokens,
            "text_tokens": doc.text_tokens, "suggest_head": doc.suggest_keys[:3], "suggest": doc.suggest_keys,
            "audience": doc.audiences, "owner": doc.owners, "title_sort": doc.title_sort,
            "source_hash": doc.source_hash, "issued": doc.issued, "payload": payload_of(doc),
        }
        source.update({str(f): [str(v) for v in values] for f, values in doc.facets.items()})
        return source

    def _bulk(self, index: str, documents: Iterable[SearchDocument]) -> int:
        labels: dict[str, str] = {}

        def actions() -> Iterator[dict[str, Any]]:
            for doc in documents:
                labels.update(doc.labels)
                yield {"_op_type": "index", "_index": index, "_id": doc.iri, "_source": self._source(doc)}

        count, _ = helpers.bulk(self.client, actions(), chunk_size=BULK_CHUNK, stats_only=True)
        helpers.bulk(self.client, ({"_op_type": "index", "_index": self.meta, "_id": "label:" + k,
                                    "_source": {"value": v}} for k, v in labels.items()), stats_only=True)
        self.client.indices.refresh(index=f"{index},{self.meta}")
        return int(count)

    def index(self, documents: Iterable[SearchDocument]) -> int:
        return self._bulk(self.alias, documents)

    def delete(self, iris: Iterable[str]) -> int:
        iris = list(iris)
        if iris:
            helpers.bulk(self.client, ({"_op_type": "delete", "_index": self.alias, "_id": i} for i in iris),
                         stats_only=True, raise_on_error=False)
            self.client.indices.refresh(index=self.alias)
        return len(iris)

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """Fill a new version beside the live one, then move the alias to it in one atomic call."""
        old = self._live()
        new = f"{self.alias}-v{int(old.rsplit('-v', 1)[1]) + 1}"
        self.client.indices.delete(index=new, ignore_unavailable=True)
        self._create(new, alias=False)
        try:
            count = self._bulk(new, documents)
        except BaseException:
            self.client.indices.delete(index=new, ignore_unavailable=True)
            raise
        self.client.indices.update_aliases(actions=[{"remove": {"index": old, "alias": self.alias}},
                                                    {"add": {"index": new, "alias": self.alias}}])
        self.client.indices.delete(index=old, ignore_unavailable=True)
        return count

    # reading --------------------------------------------------------------------------------------------
    @staticmethod
    def _word(term: str) -> dict[str, Any]:
        return {"bool": {"should": [{"term": {"title_tokens": {"value": term, "boost": TITLE_BOOST}}},
                                    {"term": {"text_tokens": {"value": term}}}], "minimum_should_match": 1}}

    @staticmethod
    def _fuzzy(word: str) -> list[dict[str, Any]]:
        distance = fuzzy_distance(word)
        return [{"fuzzy": {"title_tokens": {"value": word, "fuzziness": distance, "transpositions": True,
                                            "boost": TITLE_BOOST * FUZZY_BOOST}}},
                {"fuzzy": {"text_tokens": {"value": word, "fuzziness": distance, "transpositions": True,
                                           "boost": FUZZY_BOOST}}}]

    def _text_query(self, parsed: ParsedQuery, text: str) -> dict[str, Any]:
        must, should = [], []
        for group in parsed.groups:
            alternatives = []
            for i, alt in enumerate(group.alternatives):
                q = self._word(alt[0]) if len(alt) == 1 else {"bool": {"must": [self._word(t) for t in alt]}}
                alternatives.append(q if i == 0 else {"bool": {"must": [q], "boost": SYNONYM_BOOST}})
            alternatives += [clause for word in group.fuzzy for clause in self._fuzzy(word)]
            clause = {"bool": {"should": alternatives, "minimum_should_match": 1}}
            (must if group.required else should).append(clause)
        identifier = normalize(text.strip())
        if identifier and " " not in identifier:
            should.append({"term": {"identifier": {"value": identifier, "boost": IDENTIFIER_BOOST}}})
        return {"bool": {"must": must, "should": should, "minimum_should_match": 0 if must else 1}}

    @staticmethod
    def _filters(query: SearchQuery, visibility: Visibility | None) -> list[dict[str, Any]]:
        filters: list[dict[str, Any]] = []
        if visibility is not None:
            seen: list[dict[str, Any]] = [{"terms": {"audience": list(visibility.audiences)}}]
            if visibility.department:
                seen.append({"bool": {"filter": [{"term": {"audience": Visibility.OWNER}},
                                                 {"term": {"owner": visibility.department}}]}})
            filters.append({"bool": {"should": seen, "minimum_should_match": 1}})
        filters += [{"terms": {str(f): [str(v) for v in values]}} for f, values in query.filters.items()]
        if query.issued_from or query.issued_to:
            bounds = {k: v for k, v in (("gte", query.issued_from), ("lte", query.issued_to)) if v}
            filters.append({"range": {"issued": bounds}})
        return filters

    def _compile(self, query: SearchQuery, parsed: ParsedQuery, visibility: Visibility | None) -> dict[str, Any]:
        text = {"match_all": {}} if parsed.is_empty else self._text_query(parsed, query.text)
        return {"bool": {"must": [text], "filter": self._filters(query, visibility)}}

    def _run(self, query: SearchQuery, parsed: ParsedQuery, visibility: Visibility | None) -> RawResult:
        sort = _SORTS[Sort.DATE_DESC if query.sort is Sort.RELEVANCE and parsed.is_empty else query.sort]
        aggs = {str(f): {"terms": {"field": str(f), "size": query.facet_limit,
                                   "shard_size": max(FACET_SHARD_SIZE, query.facet_limit),
                                   "order": [{"_count": "desc"}, {"_key": "asc"}]}} for f in query.facets}
        response = self.client.search(index=self.alias, query=self._compile(query, parsed, visibility),
                                      sort=[*sort, {"iri": "asc"}], from_=query.offset, size=query.limit,
                                      track_total_hits=True, aggs=aggs or None, source=["payload"])
        ranked = query.sort is Sort.RELEVANCE and not parsed.is_empty
        hits = [RawHit(float(h["_score"] or 0.0) if ranked else 0.0, h["_source"]["payload"])
                for h in response["hits"]["hits"]]
        facets = {f: [(b["key"], b["doc_count"]) for b in response["aggregations"][str(f)]["buckets"]]
                  for f in query.facets}
        return RawResult(response["hits"]["total"]["value"], hits, facets)

    def suggest(self, prefix: str, caller: Caller, limit: int = 10) -> list[Suggestion]:
        key = suggest_prefix(prefix)
        if not key or limit < 1:
            return []
        text = {"bool": {"should": [{"prefix": {"suggest_head": {"value": key, "boost": 2.0}}},
                                    {"prefix": {"suggest": {"value": key}}}], "minimum_should_match": 1}}
        query = {"bool": {"must": [text], "filter": self._filters(SearchQuery(), Visibility.of(caller))}}
        response = self.client.search(index=self.alias, query=query, size=limit * 20, source=["payload"],
                                      sort=["_score", {"iri": "asc"}])
        found: dict[str, Suggestion] = {}
        for hit in response["hits"]["hits"]:
            p = hit["_source"]["payload"]
            found.setdefault(p["title"], Suggestion(p["title"], p["iri"], DocType(p["type"])))
            if len(found) >= limit:
                break
        return list(found.values())

    def count(self, caller: Caller = ADMIN) -> int:
        query = {"bool": {"filter": self._filters(SearchQuery(), Visibility.of(caller))}}
        return int(self.client.count(index=self.alias, query=query)["count"])

    def close(self) -> None:
        self.client.close()

"""The embedded search backend: tantivy (BM25, fast-field facets and sorting), no server.

Chosen over SQLite FTS5 by ``bench/search_bench.py --engines`` (docs/benchmarks.md, "Search"): both rank
with BM25, but facet counts over a large match set — every portal search asks for them — are column scans
in tantivy and GROUP BY joins in SQLite.

Layout of the index directory::

    meta.sqlite   current version, IRI → source hash of every document, IRI → label of facet values
    v<n>/         one tantivy index per version; a rebuild writes v<n+1> beside the live one, then
                  switches ``current`` in one SQLite transaction (the embedded equivalent of an alias swap)

Text fields hold the shared analyzer's tokens joined by spaces and use tantivy's whitespace tokenizer, so the
engine never re-analyses text. Facet fields are raw (untokenised) fast fields.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from itertools import islice
from pathlib import Path

import tantivy
from tantivy import Occur, Order, Query

from search.analysis import Analyzer, ParsedQuery, fuzzy_distance, normalize, suggest_prefix
from search.backend import DocType, Facet, SearchDocument, SearchQuery, Sort, Suggestion
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

WRITER_HEAP = 256_000_000
BATCH = 20_000  # documents per writer commit during a bulk load
FACET_SEGMENT_SIZE = 65_536  # per-segment buckets collected before merging: counts are exact below this
NO_DATE_LOW, NO_DATE_HIGH = -(10**7), 10**7  # undated documents sort last both ways
_SORTS = {Sort.DATE_DESC: ("date_desc", Order.Desc), Sort.DATE_ASC: ("date_asc", Order.Asc),
          Sort.TITLE_ASC: ("title_sort", Order.Asc), Sort.TITLE_DESC: ("title_sort", Order.Desc)}

_META = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (iri TEXT PRIMARY KEY, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS labels (iri TEXT PRIMARY KEY, label TEXT NOT NULL);
"""


def _schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_text_field("iri", tokenizer_name="raw", index_option="basic")
    b.add_text_field("identifier", tokenizer_name="raw", index_option="basic")
    b.add_text_field("title_tokens", tokenizer_name="whitespace", index_option="freq")
    b.add_text_field("text_tokens", tokenizer_name="whitespace", index_option="freq")
    b.add_text_field("suggest_head", tokenizer_name="raw", index_option="basic")
    b.add_text_field("suggest", tokenizer_name="raw", index_option="basic")
    b.add_text_field("audience", tokenizer_name="raw", index_option="basic")
    b.add_text_field("owner", tokenizer_name="raw", index_option="basic")
    for facet in Facet:
        b.add_text_field(facet.value, tokenizer_name="raw", index_option="basic", fast=True)
    b.add_text_field("title_sort", tokenizer_name="raw", index_option="basic", fast=True)
    b.add_integer_field("date_desc", fast=True, indexed=True)
    b.add_integer_field("date_asc", fast=True)
    b.add_bytes_field("payload", stored=True)
    return b.build()


def _days(iso: str | None) -> int | None:
    try:
        return date.fromisoformat(iso).toordinal() if iso else None
    except ValueError:
        return None


class EmbeddedBackend(AnalysedBackend):
    """tantivy index in ``path`` (see the module docstring)."""

    name = "embedded"
    in_process = True

    def __init__(self, path: Path, analyzer: Analyzer | None = None) -> None:
        super().__init__(analyzer)
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path / "meta.sqlite", check_same_thread=False, isolation_level=None)
        self._db.executescript(_META)
        self._lock = threading.RLock()
        self.schema = _schema()
        self._labels = dict(self._db.execute("SELECT iri, label FROM labels"))
        version = self._meta("current")
        if version is None:
            version = "v1"
            self._set_meta("current", version)
        self._version = version
        self._live = tantivy.Index(self.schema, str(self._dir(version)))
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="facets")

    # meta -----------------------------------------------------------------------------------------------
    def _dir(self, version: str) -> Path:
        directory = self.path / version
        directory.mkdir(exist_ok=True)
        return directory

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def get_state(self, key: str) -> str | None:
        """A value the indexer keeps with the index (e.g. the graph generation it reflects)."""
        return self._meta("state:" + key)

    def set_state(self, key: str, value: str) -> None:
        self._set_meta("state:" + key, value)

    def labels(self, values: Iterable[str]) -> dict[str, str]:
        return {v: self._labels[v] for v in values if v in self._labels}

    def hashes(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT iri, hash FROM docs"))

    # writing --------------------------------------------------------------------------------------------
    def _document(self, doc: SearchDocument) -> tantivy.Document:
        fields: dict[str, object] = {
            "iri": doc.iri, "identifier": normalize(doc.identifier), "title_tokens": doc.title_tokens,
            "text_tokens": doc.text_tokens, "suggest_head": doc.suggest_keys[:3], "suggest": doc.suggest_keys,
            "audience": doc.audiences, "owner": doc.owners, "title_sort": doc.title_sort,
            "payload": json.dumps(payload_of(doc), ensure_ascii=False).encode(),
        }
        days = _days(doc.issued)
        fields["date_desc"] = NO_DATE_LOW if days is None else days
        fields["date_asc"] = NO_DATE_HIGH if days is None else days
        for facet, values in doc.facets.items():
            fields[str(facet)] = [str(v) for v in values]
        return tantivy.Document(**{k: v for k, v in fields.items() if v not in ("", [])})

    def _write(self, index: tantivy.Index, documents: Iterable[SearchDocument], *, replace: bool) -> int:
        """Add documents in batches (deleting any previous version of each first when ``replace``)."""
        count = 0
        stream: Iterator[SearchDocument] = iter(documents)
        writer = index.writer(WRITER_HEAP, 1)
        try:
            while batch := list(islice(stream, BATCH)):
                for doc in batch:
                    if replace:
                        writer.delete_documents_by_term("iri", doc.iri)
                    writer.add_document(self._document(doc))
                writer.commit()
                self._record(batch)
                count += len(batch)
        except BaseException:
            writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()
        index.reload()
        return count

    def _record(self, batch: list[SearchDocument]) -> None:
        """Remember source hashes and labels of a committed batch."""
        self._db.execute("BEGIN")
        self._db.executemany("INSERT OR REPLACE INTO docs VALUES (?, ?)", [(d.iri, d.source_hash) for d in batch])
        labels = {k: v for d in batch for k, v in d.labels.items() if self._labels.get(k) != v}
        self._db.executemany("INSERT OR REPLACE INTO labels VALUES (?, ?)", labels.items())
        self._db.execute("COMMIT")
        self._labels.update(labels)

    def index(self, documents: Iterable[SearchDocument]) -> int:
        with self._lock:
            return self._write(self._live, documents, replace=True)

    def delete(self, iris: Iterable[str]) -> int:
        iris = list(iris)
        if not iris:
            return 0
        with self._lock:
            writer = self._live.writer(WRITER_HEAP, 1)
            for iri in iris:
                writer.delete_documents_by_term("iri", iri)
            writer.commit()
            writer.wait_merging_threads()
            self._live.reload()
            self._db.execute("BEGIN")
            self._db.executemany("DELETE FROM docs WHERE iri = ?", [(i,) for i in iris])
            self._db.execute("COMMIT")
        return len(iris)

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """Write every document into a new version directory, then switch to it and drop the old one."""
        with self._lock:
            old = self._version
            new = f"v{int(old[1:]) + 1}"
            shutil.rmtree(self.path / new, ignore_errors=True)
            index = tantivy.Index(self.schema, str(self._dir(new)), reuse=False)
            self._db.execute("DELETE FROM docs")
            self._db.execute("DELETE FROM labels")
            self._labels.clear()
            count = self._write(index, documents, replace=False)
            self._set_meta("current", new)
            self._live, self._version = index, new
            shutil.rmtree(self.path / old, ignore_errors=True)
            return count

    # reading --------------------------------------------------------------------------------------------
    def _term(self, field: str, value: str) -> Query:
        return Query.term_query(self.schema, field, value)

    def _any(self, field: str, values: Sequence[str]) -> Query:
        """Any of ``values`` in a keyword field (term queries: much faster than a TermSetQuery here)."""
        if len(values) == 1:
            return self._term(field, values[0])
        return Query.boolean_query([(Occur.Should, self._term(field, v)) for v in values])

    def _word(self, term: str) -> Query:
        """One analysed term in the title (boosted) or the text."""
        return Query.boolean_query([(Occur.Should, Query.boost_query(self._term("title_tokens", term), TITLE_BOOST)),
                                    (Occur.Should, self._term("text_tokens", term))])

    def _fuzzy(self, word: str) -> list[tuple[Occur, Query]]:
        """An English word as written, matched with a typo (title boosted, below exact matches)."""
        distance = fuzzy_distance(word)
        return [(Occur.Should, Query.boost_query(Query.fuzzy_term_query(self.schema, field, word, distance), boost))
                for field, boost in (("title_tokens", TITLE_BOOST * FUZZY_BOOST), ("text_tokens", FUZZY_BOOST))]

    def _text_query(self, parsed: ParsedQuery, text: str) -> Query:
        clauses = []
        for group in parsed.groups:
            alternatives = []
            for i, alt in enumerate(group.alternatives):
                q = self._word(alt[0]) if len(alt) == 1 else Query.boolean_query(
                    [(Occur.Must, self._word(t)) for t in alt])
                alternatives.append((Occur.Should, q if i == 0 else Query.boost_query(q, SYNONYM_BOOST)))
            alternatives += [clause for word in group.fuzzy for clause in self._fuzzy(word)]
            clauses.append((Occur.Must if group.required else Occur.Should, Query.boolean_query(alternatives)))
        identifier = normalize(text.strip())
        if identifier and " " not in identifier:
            clauses.append((Occur.Should, Query.boost_query(self._term("identifier", identifier), IDENTIFIER_BOOST)))
        return Query.boolean_query(clauses)

    def _filter(self, query: SearchQuery, visibility: Visibility | None) -> list[Query]:
        filters = []
        if visibility is not None:
            seen = [(Occur.Should, self._any("audience", visibility.audiences))]
            if visibility.department:
                seen.append((Occur.Should, Query.boolean_query([
                    (Occur.Must, self._term("audience", Visibility.OWNER)),
                    (Occur.Must, self._term("owner", visibility.department))])))
            filters.append(Query.boolean_query(seen))
        for facet, values in query.filters.items():
            filters.append(self._any(str(facet), [str(v) for v in values]))
        low, high = _days(query.issued_from), _days(query.issued_to)
        if low is not None or high is not None:
            filters.append(Query.range_query(self.schema, "date_desc", tantivy.FieldType.Integer,
                                             low if low is not None else NO_DATE_LOW + 1, high))
        return filters

    def _compile(self, query: SearchQuery, parsed: ParsedQuery, visibility: Visibility | None) -> Query:
        filters = self._filter(query, visibility)
        if parsed.is_empty:
            if not filters:
                return Query.all_query()
            return Query.boolean_query([(Occur.Must, f) for f in filters])
        return Query.boolean_query([(Occur.Must, self._text_query(parsed, query.text)),
                                    *((Occur.Must, Query.const_score_query(f, 0.0)) for f in filters)])

    def _run(self, query: SearchQuery, parsed: ParsedQuery, visibility: Visibility | None) -> RawResult:
        compiled = self._compile(query, parsed, visibility)
        searcher = self._live.searcher()
        # facet counts and hits are separate passes over the matches; tantivy releases the GIL, so they run side
        # by side. Without text, matching is cheap term and fast-field lookups, so the facets are also split in
        # two halves counted in parallel (measured at 1M: no extra CPU, the landing page's counts 27 → 15 ms);
        # with text, each pass would match the words again, so the facets are counted in one pass.
        groups = [query.facets[0::2], query.facets[1::2]] if parsed.is_empty else [query.facets]
        counting = [self._pool.submit(self._facets, searcher, compiled, query, g) for g in groups if g]
        order = _SORTS.get(query.sort)
        if query.sort is Sort.RELEVANCE and parsed.is_empty:
            order = _SORTS[Sort.DATE_DESC]  # nothing to rank by: newest first
        if order:
            result = searcher.search(compiled, max(query.limit, 1), count=True, order_by_field=order[0],
                                     offset=query.offset, order=order[1])
        else:
            result = searcher.search(compiled, max(query.limit, 1), count=True, offset=query.offset)
        hits = [RawHit(float(key) if query.sort is Sort.RELEVANCE and not parsed.is_empty else 0.0,
                       json.loads(searcher.doc(address).get_first("payload")))
                for key, address in result.hits[:query.limit]]
        facets = {facet: counts for future in counting for facet, counts in future.result().items()}
        return RawResult(result.count, hits, {f: facets[f] for f in query.facets})

    @staticmethod
    def _facets(searcher: tantivy.Searcher, compiled: Query, query: SearchQuery,
                facets: Sequence[Facet]) -> dict[Facet, list[tuple[str, int]]]:
        """Exact counts of ``facets`` in one aggregation pass: each segment contributes every value it holds (up
        to FACET_SEGMENT_SIZE), so merging segments' top values cannot miss counts (measured at 100k and 1M
        documents: as fast as tantivy's default per-segment cut, whose counts can be approximate)."""
        options = {"size": query.facet_limit, "segment_size": max(FACET_SEGMENT_SIZE, query.facet_limit)}
        aggregations = {str(f): {"terms": {"field": str(f), **options}} for f in facets}
        aggregated = searcher.aggregate(compiled, aggregations)
        return {f: [(b["key"], b["doc_count"]) for b in aggregated[str(f)]["buckets"]] for f in facets}

    def suggest(self, prefix: str, caller: Caller, limit: int = 10) -> list[Suggestion]:
        key = suggest_prefix(prefix)
        if not key or limit < 1:
            return []
        pattern = key + ".*"
        text = Query.boolean_query([
            (Occur.Should, Query.boost_query(Query.regex_query(self.schema, "suggest_head", pattern), 2.0)),
            (Occur.Should, Query.regex_query(self.schema, "suggest", pattern))])
        filters = self._filter(SearchQuery(), Visibility.of(caller))
        compiled = Query.boolean_query([(Occur.Must, text), *((Occur.Must, Query.const_score_query(f, 0.0))
                                                             for f in filters)])
        searcher = self._live.searcher()
        found: dict[str, Suggestion] = {}
        for _score, address in searcher.search(compiled, limit * 20, count=False).hits:
            p = json.loads(searcher.doc(address).get_first("payload"))
            found.setdefault(p["title"], Suggestion(p["title"], p["iri"], DocType(p["type"])))
            if len(found) >= limit:
                break
        return list(found.values())

    def count(self, caller: Caller = ADMIN) -> int:
        return self._live.searcher().search(self._compile(SearchQuery(), ParsedQuery(()), Visibility.of(caller)),
                                            1, count=True).count

    def close(self) -> None:
        self._pool.shutdown()
        self._db.close()

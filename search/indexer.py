"""Keeping the search index in step with the graph: incremental sync after each load, full rebuild.

:func:`sync` runs from :meth:`yuanshu.runtime.Runtime.refresh_derived` after every load. When the store's
generation (its current graph versions) differs from the one the index reflects, it reads every record with
a handful of SPARQL queries (:mod:`search.documents`), compares each record's source hash with the hash
indexed, analyses and writes only the changed ones, and deletes the documents whose entity is gone — so a
search never returns what the graph no longer holds. :func:`rebuild` (``yuanshu index``) re-analyses
everything into a new index version and swaps it in.

The segmenter's user dictionary (the graph's department, system and service names) is saved beside the
data (``<home>/search-dictionary.txt``) so a server that starts on an up-to-date index reads queries with
the same dictionary the documents were indexed with.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from search.analysis import Analyzer, get_analyzer
from search.backend import SearchBackend, SearchDocument
from search.documents import Labels, Record, build_document, iter_records, names_for_dictionary
from search.linking import EntityLinker, LinkReport, write_links
from yuanshu.store import GraphStore

GENERATION = "generation"


@dataclass
class IndexReport:
    """What an index update did."""

    documents: int = 0  # entities in the graph
    indexed: int = 0
    deleted: int = 0
    skipped: bool = False  # the index already reflected the graph
    new_words: int = 0  # names added to the segmenter's dictionary
    links: LinkReport = field(default_factory=LinkReport)
    seconds: float = 0.0


def dictionary_path(home: Path) -> Path:
    return home / "search-dictionary.txt"


def load_dictionary(home: Path, analyzer: Analyzer | None = None) -> int:
    """Add the saved user dictionary to the segmenter; returns how many words were new."""
    path = dictionary_path(home)
    if not path.exists():
        return 0
    return (analyzer or get_analyzer()).add_words(path.read_text(encoding="utf-8").splitlines())


def _prepare(store: GraphStore, home: Path, analyzer: Analyzer) -> tuple[list[Record], Labels, int]:
    records = list(iter_records(store))
    labels = Labels.load(store)
    names = names_for_dictionary(records)
    new_words = analyzer.add_words(names)
    path = dictionary_path(home)
    saved = set(path.read_text(encoding="utf-8").splitlines()) if path.exists() else set()
    if not names <= saved:
        path.write_text("\n".join(sorted(names | saved)) + "\n", encoding="utf-8")
    return records, labels, new_words


def _documents(changed: list[tuple[Record, str]], labels: Labels, analyzer: Analyzer) -> Iterator[SearchDocument]:
    for record, source_hash in changed:
        yield build_document(record, labels, analyzer, source_hash)


def _link(store: GraphStore, analyzer: Analyzer, records: list[Record], changed: list[Record],
          removed: set[str] | None) -> LinkReport:
    """Link mentions in the changed records' descriptions; ``removed`` None rewrites the whole graph."""
    report = EntityLinker(analyzer, records).link(changed)
    subjects = None if removed is None else [r.iri for r in changed] + sorted(removed)
    write_links(store, mentions_graph(store), subjects, report.links)
    return report


def mentions_graph(store: GraphStore) -> str:
    return store.minter.base + "graph/mentions"


def sync(store: GraphStore, backend: SearchBackend, home: Path, *, analyzer: Analyzer | None = None,
         force: bool = False) -> IndexReport:
    """Bring the index up to date with the graph, writing only what changed (see the module docstring)."""
    started = time.perf_counter()
    analyzer = analyzer or get_analyzer()
    generation = store.generation()
    if not force and backend.get_state(GENERATION) == generation:
        load_dictionary(home, analyzer)
        return IndexReport(skipped=True, seconds=time.perf_counter() - started)
    records, labels, new_words = _prepare(store, home, analyzer)
    indexed = backend.hashes()
    changed = [(r, h) for r in records if indexed.get(r.iri) != (h := r.source_hash(labels))]
    removed = set(indexed) - {r.iri for r in records}
    report = IndexReport(documents=len(records), new_words=new_words)
    report.indexed = backend.index(_documents(changed, labels, analyzer))
    report.deleted = backend.delete(removed)
    report.links = _link(store, analyzer, records, [r for r, _ in changed], removed)
    backend.set_state(GENERATION, generation)
    report.seconds = time.perf_counter() - started
    return report


def rebuild(store: GraphStore, backend: SearchBackend, home: Path, *, analyzer: Analyzer | None = None) -> IndexReport:
    """Re-analyse every entity into a new index version, swap it in, and re-link every description."""
    started = time.perf_counter()
    analyzer = analyzer or get_analyzer()
    generation = store.generation()
    records, labels, new_words = _prepare(store, home, analyzer)
    report = IndexReport(documents=len(records), new_words=new_words)
    everything = [(r, r.source_hash(labels)) for r in records]
    report.indexed = backend.rebuild(_documents(everything, labels, analyzer))
    report.links = _link(store, analyzer, records, records, None)
    backend.set_state(GENERATION, generation)
    report.seconds = time.perf_counter() - started
    return report

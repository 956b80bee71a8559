"""Opening Yuanshu's state from the settings: the graph store, the SQL database and the reference graphs."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pyoxigraph as ox
from sqlalchemy.orm import Session, sessionmaker

from loaders.pipeline import Loader, LoadReport
from ontology import AREAS_FILE, CODELISTS_FILE, VOCABULARY_FILE
from ontology.iri import IriMinter
from search import SearchBackend, open_backend
from search.indexer import IndexReport
from search.indexer import sync as sync_search_index
from yuanshu.config import Settings, get_settings
from yuanshu.db import open_database
from yuanshu.published import PublishedView
from yuanshu.store import GraphStore

AREA_PLACEHOLDER = "urn:yuanshu:area:"
REFERENCE_FILES: tuple[tuple[str, Path], ...] = (
    ("vocabulary", VOCABULARY_FILE),
    ("codelists", CODELISTS_FILE),
    ("areas", AREAS_FILE),
)


@dataclass
class Runtime:
    """Everything a command or the server works with, opened once per process."""

    settings: Settings
    minter: IriMinter
    store: GraphStore
    sessions: sessionmaker[Session]
    published: PublishedView
    search: SearchBackend  # search index (search.backend): embedded or Elasticsearch, by settings

    @classmethod
    def open(cls, settings: Settings | None = None, *, refresh: bool = True) -> Runtime:
        """Open (creating if needed) the data directory; clean up what a crash left behind; bring what is
        derived from the graph up to date unless ``refresh`` is false (benchmarks timing the store alone)."""
        settings = settings or get_settings()
        settings.home.mkdir(parents=True, exist_ok=True)
        minter = IriMinter(settings.base_iri)
        store = GraphStore(settings.resolved_store_path, minter)
        store.recover()
        sessions = open_database(settings.resolved_database_url)
        published = PublishedView(settings.home / "published", minter)
        runtime = cls(settings, minter, store, sessions, published, open_backend(settings))
        runtime.load_reference_graphs()
        if refresh:
            runtime.refresh_derived()
        return runtime

    def load_reference_graphs(self) -> None:
        """Load the vocabulary, code lists and reference areas, each in its graph, when they changed."""
        for name, path in REFERENCE_FILES:
            if not path.exists():
                continue
            data = path.read_bytes()
            sha = hashlib.sha256(data + self.minter.base.encode()).hexdigest()
            graph = self.minter.base + f"graph/reference/{name}"
            current = self.store.current(graph)
            if current is not None and current.sha256 == sha:
                continue
            version = f"{graph}/run/{sha[:12]}"
            quads = (self._rebase(t, ox.NamedNode(version)) for t in ox.parse(data, ox.RdfFormat.TURTLE))
            self.store.replace(graph, version, quads, sha256=sha)

    def _rebase(self, triple: ox.Triple, graph: ox.NamedNode) -> ox.Quad:
        """Reference areas are written as ``urn:yuanshu:area:NAME`` and minted under the configured base."""
        def term(t: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.NamedNode | ox.BlankNode | ox.Literal:
            if isinstance(t, ox.NamedNode) and t.value.startswith(AREA_PLACEHOLDER):
                return ox.NamedNode(self.minter.area(unquote(t.value.removeprefix(AREA_PLACEHOLDER))))
            return t

        return ox.Quad(term(triple.subject), triple.predicate, term(triple.object), graph)

    def loader(self, agent: str = "yuanshu-cli") -> Loader:
        return Loader(self.store, self.sessions, agent=agent)

    def load(self, paths: Sequence[Path], **options: Any) -> LoadReport:
        """Load source files (see :meth:`Loader.load`), then bring everything derived from the graph up to date."""
        report = self.loader().load(paths, **options)
        self.refresh_derived()
        return report

    def refresh_derived(self) -> IndexReport:
        """Rebuild what is derived from the graph where it is stale: the search index (with the mentions
        graph it derives) first, then the published view (public SPARQL)."""
        report = sync_search_index(self.store, self.search, self.settings.home)
        self.published.refresh(self.store)
        return report

    def close(self) -> None:
        self.store.flush()
        self.published.close()
        self.search.close()

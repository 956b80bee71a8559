"""The published view: a separate Oxigraph store holding only what the public may see.

DESIGN.md: "Public SPARQL runs against a published view that holds only what the public may see." The
view is derived from the main store with the anonymous caller's guard (:mod:`yuanshu.visibility`): every
triple whose subject the public may see, except those pointing at an entity the public may not see and the
loaders' unresolved reference literals (which may name hidden things). The vocabulary and code lists come
along. It is rebuilt after every load (as a new version graph swapped in, so readers never see half a
view) and whenever it is older than the main store; :attr:`PublishedView.generation` says which state of
the main store it reflects.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from ontology.iri import IriMinter
from yuanshu.store import GraphStore
from yuanshu.visibility import ANONYMOUS

# literals holding names exactly as a file wrote them; links.py resolves them into links the guard checks
REFERENCE_LITERALS = (
    "publisherName", "publisherCode", "competentAuthorityName", "competentAuthorityCode", "operatedByName",
    "sourceSystemName", "handledByName", "dependsOnName", "usesDatasetRef", "dataSourceRef",
    "responsibleDepartmentName", "parentDepartmentName",
)

_VIEW_QUERY = f"""
CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  {ANONYMOUS.guard("s")}
  ?s ?p ?o .
  FILTER(?p NOT IN ({", ".join(f"ys:{p}" for p in REFERENCE_LITERALS)}))
  {ANONYMOUS.link_guard("o")}
}}"""


class PublishedView:
    """The public view's store (``<home>/published``), rebuilt from the main store when it is stale."""

    def __init__(self, path: Path, minter: IriMinter) -> None:
        self.path = path
        self.store = GraphStore(path, minter)
        self.store.recover()
        self._graph = minter.base + "graph/published"

    @property
    def generation(self) -> str | None:
        current = self.store.current(self._graph)
        return current.sha256 if current else None

    @property
    def version(self) -> str | None:
        """The graph holding the current view (what public SPARQL queries take as default graph)."""
        current = self.store.current(self._graph)
        return current.version if current else None

    def refresh(self, main: GraphStore) -> bool:
        """Rebuild the view if the main store changed since it was built; returns whether it was rebuilt."""
        generation = main.generation()
        if generation == self.generation:
            return False
        version = f"{self._graph}/run/{generation[:16]}"
        node = ox.NamedNode(version)
        self.store.replace(self._graph, version, self._quads(main, node), sha256=generation)
        self.store.flush()
        return True

    @staticmethod
    def _quads(main: GraphStore, graph: ox.NamedNode) -> Iterator[ox.Quad]:
        triples = main.query(_VIEW_QUERY)
        assert isinstance(triples, ox.QueryTriples)
        for t in triples:
            yield ox.Quad(t.subject, t.predicate, t.object, graph)
        for reference in ("vocabulary", "codelists"):
            name = main.minter.base + f"graph/reference/{reference}"
            current = main.current(name)
            if current is not None:
                for t in main.triples(current.version):
                    yield ox.Quad(t.subject, t.predicate, t.object, graph)

    def close(self) -> None:
        self.store.flush()

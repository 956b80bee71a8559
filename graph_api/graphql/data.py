"""Reading entities for GraphQL: one request-scoped reader, batched loads, every read through the guard.

Each request gets a :class:`GraphReader` holding the caller and the request's DataLoaders. Entities are
loaded in batches (``SELECT ?s ?p ?o WHERE { VALUES ?s {…} … }``) and reverse links (a dataset's derived
datasets, a department's systems, …) in batches per property, so a page of 100 datasets with their
publishers and systems costs a few store queries, not one per row. Every query carries the caller's guard
(:meth:`yuanshu.visibility.Caller.guard`), so nothing the caller may not see is ever read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox
from strawberry.dataloader import DataLoader

from yuanshu.store import GraphStore, numbered_values
from yuanshu.visibility import Caller

Term = ox.NamedNode | ox.Literal | ox.BlankNode


@dataclass
class Entity:
    """An entity's IRI and its properties (predicate IRI → objects)."""

    iri: str
    props: dict[str, list[Term]] = field(default_factory=lambda: defaultdict(list))

    def values(self, predicate: str) -> list[Term]:
        return self.props.get(predicate, [])

    def iris(self, predicate: str) -> list[str]:
        return sorted({t.value for t in self.values(predicate) if isinstance(t, ox.NamedNode)})

    def iri_of(self, predicate: str) -> str | None:
        iris = self.iris(predicate)
        return iris[0] if iris else None

    def literal(self, predicate: str) -> ox.Literal | None:
        return next((t for t in self.values(predicate) if isinstance(t, ox.Literal)), None)

    def text(self, predicate: str, lang: str = "zh") -> str | None:
        """The literal in ``lang`` if there is one, else any literal."""
        literals = [t for t in self.values(predicate) if isinstance(t, ox.Literal)]
        preferred = [t for t in literals if t.language == lang]
        chosen = preferred or literals
        return chosen[0].value if chosen else None

    def texts(self, predicate: str) -> list[str]:
        return sorted({t.value for t in self.values(predicate) if isinstance(t, ox.Literal)})

    def has_type(self, cls: str) -> bool:
        return any(t.value == cls for t in self.values(RDF_TYPE))


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


class GraphReader:
    """The store as one request's caller may see it, with that request's batch loaders and a query count."""

    def __init__(self, store: GraphStore, caller: Caller) -> None:
        self.store = store
        self.caller = caller
        self.queries = 0
        self.entities: DataLoader[tuple[str, frozenset[str] | None], Entity | None] = DataLoader(
            load_fn=self._load_entities)
        self._reverse: dict[str, DataLoader[str, list[str]]] = {}

    def select(self, sparql: str) -> list[dict[str, Term]]:
        """Run a SELECT (counted: the N+1 test reads :attr:`queries`)."""
        self.queries += 1
        return self.store.select(sparql)

    def ask(self, sparql: str) -> bool:
        """Run an ASK (counted)."""
        self.queries += 1
        return self.store.ask(sparql)

    def guard(self, var: str) -> str:
        return self.caller.guard(var)

    def fetch(self, iris: Iterable[str], predicates: frozenset[str] | None = None) -> dict[str, Entity]:
        """The visible entities among ``iris`` that have any of the given predicates (all predicates if None),
        by IRI: one query per 500 entities, whatever the number of predicates; none for no predicates."""
        found: dict[str, Entity] = {}
        if predicates is not None and not predicates:
            return found
        wanted = sorted(predicates) if predicates is not None else None
        for chunk in _chunks(list(dict.fromkeys(iris)), 500):
            for row in self.select(_properties_query(chunk, wanted, self.guard("s"))):
                iri = chunk[int(row["i"].value)]
                predicate = wanted[int(row["j"].value)] if wanted else row["p"].value
                entity = found.get(iri)
                if entity is None:
                    entity = found[iri] = Entity(iri)
                entity.props[predicate].append(row["o"])
        return found

    def linked(self, pattern: str, iris: Iterable[str]) -> dict[str, list[str]]:
        """The visible subjects linked to each of ``iris`` by ``pattern`` (``?s … ?o``, ``?o`` the key),
        sorted, in one query per 500 keys."""
        linked: dict[str, set[str]] = defaultdict(set)
        for chunk in _chunks(list(dict.fromkeys(iris)), 500):
            rows = self.select(f"SELECT DISTINCT ?i ?s WHERE {{ {numbered_values('o', chunk)} {pattern}"
                               f" {self.guard('s')} }}")
            for row in rows:
                linked[chunk[int(row["i"].value)]].add(row["s"].value)
        return {iri: sorted(subjects) for iri, subjects in linked.items()}

    async def _load_entities(self, keys: Sequence[tuple[str, frozenset[str] | None]]) -> list[Entity | None]:
        """Entities by (IRI, predicates wanted — None for all), one query per distinct predicate set."""
        groups: dict[frozenset[str] | None, list[str]] = defaultdict(list)
        for iri, predicates in dict.fromkeys(keys):
            groups[predicates].append(iri)
        fetched = {predicates: self.fetch(iris, predicates) for predicates, iris in groups.items()}
        return [fetched[predicates].get(iri) for iri, predicates in keys]

    async def entity(self, iri: str | None, predicates: frozenset[str] | None = None) -> Entity | None:
        """The entity if the caller may see it, with the given predicates (all if None)."""
        return None if iri is None else await self.entities.load((iri, predicates))

    async def entity_list(self, iris: Iterable[str], predicates: frozenset[str] | None = None,
                          cls: str | None = None) -> list[Entity]:
        """The visible entities among ``iris`` (of class ``cls`` if given), in order."""
        loaded = await self.entities.load_many([(i, predicates) for i in iris])
        return [e for e in loaded if e is not None and (cls is None or e.has_type(cls))]

    def reverse(self, pattern: str) -> DataLoader[str, list[str]]:
        """A loader of the subjects linked to each key by ``pattern`` (``?s … ?o`` with ``?o`` the key)."""
        loader = self._reverse.get(pattern)
        if loader is None:
            async def load(keys: Sequence[str]) -> list[list[str]]:
                linked = self.linked(pattern, keys)
                return [linked.get(k, []) for k in keys]

            loader = self._reverse[pattern] = DataLoader(load_fn=load)
        return loader


def _properties_query(iris: list[str], predicates: list[str] | None, guard: str) -> str:
    """The statements about ``iris`` (rows ``?i ?j ?o``: subject and predicate by their number in the lists),
    or with ``predicates`` None every statement (rows ``?i ?p ?o``).

    One UNION branch per predicate, each an index lookup per subject (``VALUES ?p`` makes Oxigraph scan the
    predicate across the store, and ``FILTER(?p IN …)`` decodes every predicate of every subject)."""
    if predicates is None:
        return f"SELECT ?i ?p ?o WHERE {{ {numbered_values('s', iris)} {guard} ?s ?p ?o }}"
    branches = " UNION ".join(f"{{ ?s {ox.NamedNode(p)} ?o BIND({j} AS ?j) }}" for j, p in enumerate(predicates))
    return f"SELECT ?i ?j ?o WHERE {{ {numbered_values('s', iris)} {guard} {branches} }}"


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]

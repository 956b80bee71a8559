"""Building pyoxigraph terms fast: cached predicate/class nodes and typed literals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

import pyoxigraph as ox
from rdflib import URIRef

from ontology.namespaces import XSD

_XSD_BOOLEAN = ox.NamedNode(str(XSD.boolean))
_XSD_INTEGER = ox.NamedNode(str(XSD.integer))
_XSD_DECIMAL = ox.NamedNode(str(XSD.decimal))
_XSD_DATE = ox.NamedNode(str(XSD.date))
_XSD_DATETIME = ox.NamedNode(str(XSD.dateTime))
_XSD_GYEAR = ox.NamedNode(str(XSD.gYear))
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@lru_cache(maxsize=4096)
def node(term: URIRef | str) -> ox.NamedNode:
    """The Oxigraph node for a vocabulary term (cached: predicates and classes repeat on every row)."""
    return ox.NamedNode(str(term))


def text(value: str, lang: str = "zh") -> ox.Literal:
    """A language-tagged text literal (Chinese unless said otherwise)."""
    return ox.Literal(value, language=lang)


def plain(value: str) -> ox.Literal:
    """An xsd:string literal for codes and identifiers."""
    return ox.Literal(value)


def typed(value: bool | int | Decimal | float | date) -> ox.Literal:
    """A literal with the XSD datatype that matches the Python value."""
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=_XSD_BOOLEAN)
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=_XSD_INTEGER)
    if isinstance(value, Decimal | float):
        return ox.Literal(format(Decimal(str(value)).normalize(), "f"), datatype=_XSD_DECIMAL)
    if isinstance(value, date):
        if hasattr(value, "hour"):
            return ox.Literal(value.isoformat(), datatype=_XSD_DATETIME)
        return ox.Literal(value.isoformat(), datatype=_XSD_DATE)
    raise TypeError(f"no literal type for {type(value).__name__}")


def year(value: int) -> ox.Literal:
    return ox.Literal(f"{value:04d}", datatype=_XSD_GYEAR)


class TripleWriter:
    """Collects the triples of one entity: ``w = TripleWriter(iri); w.add(p, o); yield from w``."""

    __slots__ = ("subject", "triples")

    def __init__(self, subject: str | ox.NamedNode) -> None:
        self.subject = subject if isinstance(subject, ox.NamedNode) else ox.NamedNode(subject)
        self.triples: list[ox.Triple] = []

    def add(self, predicate: URIRef | ox.NamedNode, obj: ox.NamedNode | ox.Literal | None) -> None:
        """Add one triple; ``None`` objects (empty cells) are skipped."""
        if obj is None:
            return
        p = predicate if isinstance(predicate, ox.NamedNode) else node(predicate)
        self.triples.append(ox.Triple(self.subject, p, obj))

    def link(self, predicate: URIRef, target: str | URIRef | None) -> None:
        """Add a link to another entity or concept by IRI."""
        if target:
            self.add(predicate, node(target) if isinstance(target, URIRef) else ox.NamedNode(target))

    def a(self, *classes: URIRef) -> None:
        for cls in classes:
            self.triples.append(ox.Triple(self.subject, RDF_TYPE, node(cls)))

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.triples)

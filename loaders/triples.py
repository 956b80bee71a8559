"""Building Oxigraph quads fast: vocabulary terms as cached nodes, typed literals, one writer per entity.

The loaders create millions of quads; everything here avoids per-quad work that can be done once
(rdflib namespace lookups, IRI parsing of predicates and classes).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from functools import lru_cache

import pyoxigraph as ox
from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespaceMeta

from ontology import namespaces as ns

_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_BOOLEAN = ox.NamedNode(_XSD + "boolean")
_XSD_INTEGER = ox.NamedNode(_XSD + "integer")
_XSD_DECIMAL = ox.NamedNode(_XSD + "decimal")
_XSD_DATE = ox.NamedNode(_XSD + "date")
_XSD_DATETIME = ox.NamedNode(_XSD + "dateTime")
_XSD_GYEAR = ox.NamedNode(_XSD + "gYear")
_TRUE = ox.Literal("true", datatype=_XSD_BOOLEAN)
_FALSE = ox.Literal("false", datatype=_XSD_BOOLEAN)


class OxNamespace:
    """A vocabulary's terms as Oxigraph nodes; each is built on first use and then kept as an attribute.

    Closed vocabularies (``ys:``, DCTERMS, DCAT …) still refuse unknown terms.
    """

    def __init__(self, namespace: Namespace | DefinedNamespaceMeta) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> ox.NamedNode:
        value = ox.NamedNode(str(getattr(self._namespace, name)))
        setattr(self, name, value)
        return value

    def __getitem__(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(str(self._namespace[name]))


CPSV = OxNamespace(ns.CPSV)
CV = OxNamespace(ns.CV)
DCAT = OxNamespace(ns.DCAT)
DCT = OxNamespace(ns.DCT)
DQV = OxNamespace(ns.DQV)
ORG = OxNamespace(ns.ORG)
PROV = OxNamespace(ns.PROV)
RDF = OxNamespace(ns.RDF)
RDFS = OxNamespace(ns.RDFS)
SKOS = OxNamespace(ns.SKOS)
YS = OxNamespace(ns.YS)
RDF_TYPE = RDF.type
_AUDIENCE = YS.audience


@lru_cache(maxsize=4096)
def node(term: URIRef | str) -> ox.NamedNode:
    """The node of a term that repeats on many rows (a code-list concept, an area); cached."""
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
        return _TRUE if value else _FALSE
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


@lru_cache(maxsize=8)
def _audience_node(audience: str) -> ox.NamedNode:
    return ox.NamedNode(audience)


class QuadWriter:
    """The quads of one entity in one graph: ``w = QuadWriter(iri, graph); w.add(p, o); yield from w``."""

    __slots__ = ("graph", "quads", "subject")

    def __init__(self, subject: str | ox.NamedNode, graph: ox.NamedNode) -> None:
        self.subject = subject if isinstance(subject, ox.NamedNode) else ox.NamedNode(subject)
        self.graph = graph
        self.quads: list[ox.Quad] = []

    def add(self, predicate: ox.NamedNode, obj: ox.NamedNode | ox.Literal | None) -> None:
        """Add one quad; ``None`` objects (empty cells) are skipped."""
        if obj is not None:
            self.quads.append(ox.Quad(self.subject, predicate, obj, self.graph))

    def link(self, predicate: ox.NamedNode, target: str | URIRef | None) -> None:
        """Add a link to another entity (an IRI string) or to a vocabulary concept (a URIRef)."""
        if target:
            self.add(predicate, node(target) if isinstance(target, URIRef) else ox.NamedNode(target))

    def texts(self, predicate: ox.NamedNode, values: list[str] | None, lang: str = "zh") -> None:
        """One language-tagged literal per value."""
        for value in values or ():
            self.add(predicate, text(value, lang))

    def audience(self, audience: str) -> None:
        """Who may see this entity (``ys:audience``; the rule is in yuanshu/visibility.py)."""
        self.quads.append(ox.Quad(self.subject, _AUDIENCE, _audience_node(audience), self.graph))

    def a(self, *classes: ox.NamedNode) -> None:
        for cls in classes:
            self.quads.append(ox.Quad(self.subject, RDF_TYPE, cls, self.graph))

    def __iter__(self) -> Iterator[ox.Quad]:
        return iter(self.quads)

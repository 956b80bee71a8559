"""What a kind's ``build`` function needs while turning one file's records into triples."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from loaders.columns import Record
from loaders.triples import TripleWriter, node, text
from ontology.iri import IriMinter
from ontology.namespaces import DCT, RDF, RDFS, SKOS, YS


class RowProblem(ValueError):
    """A record that parsed but cannot become triples (e.g. no identifier); names the column."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column


@dataclass
class LoadContext:
    """Per-file state: the IRI minter, and the areas and extra properties already declared in this file."""

    minter: IriMinter
    file: str
    _areas: set[str] = field(default_factory=set)
    _extra: dict[str, ox.NamedNode] = field(default_factory=dict)
    concepts: dict[str, str] = field(default_factory=dict)  # data-element name → concept IRI
    pending: list[ox.Triple] = field(default_factory=list)

    def area(self, name: str | None) -> str | None:
        """The IRI of an area named in the file; declares the area once per file."""
        if not name:
            return None
        iri = self.minter.area(name)
        if iri not in self._areas:
            self._areas.add(iri)
            w = TripleWriter(iri)
            w.a(YS.AdministrativeArea, DCT.Location)
            w.add(SKOS.prefLabel, text(name))
            self.pending.extend(w)
        return iri

    def extra_property(self, header: str) -> ox.NamedNode:
        """The property that keeps a column no kind knows; declared once per file."""
        prop = self._extra.get(header)
        if prop is None:
            prop = self._extra[header] = ox.NamedNode(self.minter.extra_property(header))
            w = TripleWriter(prop)
            w.a(RDF.Property, YS.ExtraProperty)
            w.add(RDFS.label, text(header))
            self.pending.extend(w)
        return prop

    def add_extras(self, w: TripleWriter, record: Record) -> None:
        for header, value in record.extras.items():
            w.add(self.extra_property(header), text(value))

    def drain(self) -> Iterator[ox.Triple]:
        """Declarations (areas, extra properties) made while building the last record."""
        if self.pending:
            yield from self.pending
            self.pending.clear()


def texts(w: TripleWriter, predicate: object, values: list[str] | None, lang: str = "zh") -> None:
    """Add one language-tagged literal per value."""
    for value in values or ():
        w.add(node(predicate), text(value, lang))  # type: ignore[arg-type]

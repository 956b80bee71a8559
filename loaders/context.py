"""What a kind's ``build`` function needs while turning one file's records into quads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from loaders.areas import canonical_area
from loaders.columns import Record
from loaders.triples import DCT, RDF, RDFS, SKOS, YS, QuadWriter, text
from ontology.iri import IriMinter
from yuanshu.visibility import Audience


class RowProblem(ValueError):
    """A record that parsed but cannot become quads (e.g. no identifier); names the column."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column


@dataclass
class LoadContext:
    """Per-file state: the graph being written, and what this file has already declared."""

    minter: IriMinter
    file: str
    graph: ox.NamedNode
    pending: list[ox.Quad] = field(default_factory=list)
    concepts: dict[str, str] = field(default_factory=dict)  # data-element name → concept IRI
    concept_audiences: set[tuple[str, str]] = field(default_factory=set)  # (concept IRI, audience) declared
    dataset_audiences: dict[str, str] = field(default_factory=dict)  # 信息资源代码 → metadata audience
    _areas: dict[str, str] = field(default_factory=dict)
    _extra: dict[str, ox.NamedNode] = field(default_factory=dict)

    def writer(self, subject: str | ox.NamedNode) -> QuadWriter:
        """A writer for one entity's quads in this file's graph."""
        return QuadWriter(subject, self.graph)

    def area(self, name: str | None) -> str | None:
        """The IRI of an area named in the file (variants such as 江东 mean 江东新区); declared once per file."""
        if not name:
            return None
        iri = self._areas.get(name)
        if iri is None:
            canonical = canonical_area(name)
            iri = self._areas[name] = self.minter.area(canonical)
            w = self.writer(iri)
            w.a(YS.AdministrativeArea, DCT.Location)
            w.audience(Audience.PUBLIC)
            w.add(SKOS.prefLabel, text(canonical))
            self.pending.extend(w)
        return iri

    def extra_property(self, header: str) -> ox.NamedNode:
        """The property that keeps a column no kind knows; declared once per file."""
        prop = self._extra.get(header)
        if prop is None:
            prop = self._extra[header] = ox.NamedNode(self.minter.extra_property(header))
            w = self.writer(prop)
            w.a(RDF.Property, YS.ExtraProperty)
            w.add(RDFS.label, text(header))
            self.pending.extend(w)
        return prop

    def add_extras(self, w: QuadWriter, record: Record) -> None:
        for header, value in record.extras.items():
            w.add(self.extra_property(header), text(value))

    def drain(self) -> Iterator[ox.Quad]:
        """Declarations (areas, extra properties, concepts) made while building the last record."""
        if self.pending:
            yield from self.pending
            self.pending.clear()

"""Names of departments and systems found in descriptions, linked to the graph entities they name.

spaCy's rule-based :class:`~spacy.matcher.PhraseMatcher` runs over the analysed (normalised, segmented)
descriptions of datasets, systems and indicators with one pattern per department name, department alias
(简称) and system name. A mention becomes a link ``<entity> dct:references <named entity>`` only when the
name is unambiguous (it names exactly one entity); ambiguous mentions are reported, never linked. Mentions
of the entity itself and of its own publisher or operator (already linked) are left out.

The links live in the derived named graph ``<base>graph/mentions`` (docs/graph-model.md), rewritten for
the entities whose documents changed at each index update, and kept out of the load registry: they are
derived from the graph, like the search index.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans

from search.analysis import Analyzer, normalize
from search.backend import DocType
from search.documents import Record
from yuanshu.store import GraphStore

REFERENCES = ox.NamedNode("http://purl.org/dc/terms/references")
_LINKED_KINDS = {DocType.DEPARTMENT: ("title", "alias"), DocType.SYSTEM: ("title",)}
_TEXT_KINDS = {DocType.DATASET, DocType.SYSTEM, DocType.INDICATOR}
_DELETE_BATCH = 500


@dataclass
class LinkReport:
    """What entity linking found: links written and mentions left ambiguous (name → candidate IRIs)."""

    scanned: int = 0
    links: list[tuple[str, str]] = field(default_factory=list)
    ambiguous: dict[str, set[str]] = field(default_factory=dict)
    mentioned_by: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # name → mentions


class EntityLinker:
    """A PhraseMatcher over department and system names (build once per index update)."""

    def __init__(self, analyzer: Analyzer, records: Iterable[Record]) -> None:
        self.analyzer = analyzer
        self.targets: dict[str, set[str]] = defaultdict(set)  # normalised name → entity IRIs
        for record in records:
            for name in (n for f in _LINKED_KINDS.get(record.kind.type, ()) for n in record.values.get(f, ())):
                if len(normalize(name)) >= 2:
                    self.targets[normalize(name)].add(record.iri)
        nlp = analyzer.nlp
        self.matcher = PhraseMatcher(nlp.vocab)
        for name in self.targets:
            self.matcher.add(name, [nlp.make_doc(name)])

    def link(self, records: Iterable[Record]) -> LinkReport:
        report = LinkReport()
        nlp = self.analyzer.nlp
        for record in records:
            if record.kind.type not in _TEXT_KINDS or not record.first("description"):
                continue
            report.scanned += 1
            own = {record.iri, *record.values.get("publisher", ())}
            doc = nlp.make_doc(normalize(record.first("description")))
            spans = filter_spans([doc[s:e] for _, s, e in self.matcher(doc)])
            for span in spans:
                name = span.text
                candidates = self.targets.get(name, set())
                if candidates & own:
                    continue
                report.mentioned_by[name] += 1
                if len(candidates) == 1:
                    report.links.append((record.iri, next(iter(candidates))))
                elif candidates:
                    report.ambiguous[name] = candidates
        report.links = sorted(set(report.links))
        return report


def write_links(store: GraphStore, graph: str, subjects: Iterable[str] | None,
                links: Iterable[tuple[str, str]]) -> None:
    """Replace the links of ``subjects`` (all links when None) in the mentions graph by ``links``."""
    node = ox.NamedNode(graph)
    if subjects is None:
        store.ox.clear_graph(node)
    subjects = list(subjects or ())
    for start in range(0, len(subjects), _DELETE_BATCH):
        values = " ".join(f"<{s}>" for s in subjects[start:start + _DELETE_BATCH])
        store.ox.update(f"DELETE {{ GRAPH {node} {{ ?s {REFERENCES} ?o }} }} "
                        f"WHERE {{ VALUES ?s {{ {values} }} GRAPH {node} {{ ?s {REFERENCES} ?o }} }}")
    store.ox.extend(ox.Quad(ox.NamedNode(s), REFERENCES, ox.NamedNode(o), node) for s, o in links)

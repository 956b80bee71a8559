"""Validate a graph against Yuanshu's SHACL shapes (``ontology/shapes.ttl``) and report in Chinese or English.

The data is validated united with the vocabulary (``ys.ttl``) and the code lists (``codelists.ttl``), so
shapes can check that a coded value is a concept of the right scheme. No inference is run: the shapes do
not need it. Only ``sh:Violation`` results make a graph non-conforming; warnings are reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox
import pyshacl
from rdflib import BNode, ConjunctiveGraph, Graph, Literal, URIRef
from rdflib.namespace import SH, XSD
from rdflib.term import Node

from ontology import CODELISTS_FILE, SHAPES_FILE, VOCABULARY_FILE
from ontology.namespaces import PREFIXES
from yuanshu.store import GraphStore

_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
_SEVERITY_LABELS = {
    "zh": {"Violation": "违规", "Warning": "警告", "Info": "提示"},
    "en": {"Violation": "violation", "Warning": "warning", "Info": "info"},
}


@dataclass(frozen=True)
class Violation:
    """One SHACL validation result."""

    focus: Node
    path: Node | None
    value: Node | None
    message: str  # Chinese where the shape gives one, else English or pyshacl's own text
    severity: str  # "Violation", "Warning" or "Info"
    message_en: str = ""
    shape: Node | None = None
    component: str = ""  # constraint component, e.g. "MinCount"

    def text(self, lang: str = "zh") -> str:
        """The message in ``lang`` ("zh" or "en"), falling back to the other one."""
        return self.message if lang == "zh" else self.message_en or self.message


@dataclass
class ValidationResult:
    """Whether the graph conforms (no sh:Violation results) and every result found."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)

    def count(self, severity: str = "Violation") -> int:
        """How many results have this severity."""
        return sum(1 for v in self.violations if v.severity == severity)


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """The project's SHACL shapes (cached: do not modify)."""
    return Graph().parse(SHAPES_FILE, format="turtle")


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """The vocabulary and the code lists, united with the data for validation (cached: do not modify)."""
    graph = Graph()
    for path in (VOCABULARY_FILE, CODELISTS_FILE):
        graph.parse(path, format="turtle")
    return graph


def _triples(data: Graph) -> Iterable[tuple[Node, Node, Node]]:
    if isinstance(data, ConjunctiveGraph):  # a Dataset: every named graph counts
        return ((s, p, o) for s, p, o, _ in data.quads((None, None, None, None)))
    return data.triples((None, None, None))


def validate_graph(data: Graph, *, extra_shapes: Graph | None = None) -> ValidationResult:
    """Validate ``data`` (a graph, or a dataset whose named graphs are united) against the shapes.

    ``extra_shapes`` (e.g. the DCAT-AP shapes) are applied together with the project's own.
    """
    return _validate(_united(_triples(data)), extra_shapes)


def validate_store(store: GraphStore, *, extra_shapes: Graph | None = None) -> ValidationResult:
    """Validate the union of every named graph in the store."""
    quads = store.ox.quads_for_pattern(None, None, None, None)
    triples = ((_term(q.subject), _term(q.predicate), _term(q.object)) for q in quads)
    return _validate(_united(triples), extra_shapes)


def _united(triples: Iterable[tuple[Node, Node, Node]]) -> Graph:
    """A fresh graph holding the vocabulary, the code lists and the given triples."""
    union = Graph()
    union += ontology_graph()
    union.addN((s, p, o, union) for s, p, o in triples)
    return union


def _validate(union: Graph, extra_shapes: Graph | None) -> ValidationResult:
    """Run pyshacl in place on the united graph (no copy, no inference)."""
    shapes = shapes_graph()
    if extra_shapes is not None:
        shapes = Graph()
        shapes += shapes_graph()
        shapes += extra_shapes
    _, report, _ = pyshacl.validate(
        union, shacl_graph=shapes, inference="none", inplace=True, allow_warnings=True, allow_infos=True
    )
    violations = sorted(
        (_violation(report, result) for result in report.objects(None, SH.result)),  # not nested sh:detail
        key=lambda v: (_SEVERITY_ORDER.get(v.severity, 3), str(v.shape), str(v.focus), str(v.value)),
    )
    return ValidationResult(
        conforms=not any(v.severity == "Violation" for v in violations), violations=violations
    )


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """An Oxigraph term as an rdflib term (xsd:string literals stay plain, as rdflib writes them)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))


def _violation(report: Graph, result: Node) -> Violation:
    messages = [m for m in report.objects(result, SH.resultMessage) if isinstance(m, Literal)]
    by_lang = {(m.language or "").split("-")[0]: str(m) for m in messages}
    fallback = by_lang.get("en") or by_lang.get("") or (str(messages[0]) if messages else "")
    severity = report.value(result, SH.resultSeverity)
    component = report.value(result, SH.sourceConstraintComponent)
    return Violation(
        focus=report.value(result, SH.focusNode),
        path=report.value(result, SH.resultPath),
        value=report.value(result, SH.value),
        message=by_lang.get("zh", fallback),
        severity=_local(severity) or "Violation",
        message_en=fallback,
        shape=report.value(result, SH.sourceShape),
        component=_local(component).removesuffix("ConstraintComponent"),
    )


def _local(term: Node | None) -> str:
    return str(term).removeprefix(str(SH)) if term is not None else ""


def _short(node: Node | None) -> str:
    """A node as a compact string: prefixed name for vocabulary terms, Turtle form for literals."""
    if node is None:
        return ""
    if isinstance(node, Literal):
        return node.n3()
    text = str(node)
    for prefix, iri in PREFIXES.items():
        if text.startswith(iri) and len(text) > len(iri):
            return f"{prefix}:{text[len(iri):]}"
    return text


def format_report(result: ValidationResult, lang: str = "zh", *, show: int = 3) -> str:
    """Readable text: one group per shape and message with its count and the first few focus nodes."""
    zh = lang == "zh"
    labels = _SEVERITY_LABELS["zh" if zh else "en"]
    violations, warnings = result.count("Violation"), result.count("Warning")
    if zh:
        head = "校验通过" if result.conforms else "校验未通过"
        lines = [f"{head}：{violations} 项违规，{warnings} 项警告，{result.count('Info')} 项提示。"]
    else:
        head = "Conforms" if result.conforms else "Does not conform"
        lines = [f"{head}: {violations} violations, {warnings} warnings, {result.count('Info')} infos."]

    groups: dict[tuple[str, str, str], list[Violation]] = {}
    for v in result.violations:
        groups.setdefault((v.severity, str(v.shape), v.component), []).append(v)
    for (severity, _, component), members in groups.items():
        texts = {v.text(lang) for v in members}
        shared = len(texts) == 1
        first = members[0]
        title = texts.pop() if shared else f"{_short(first.path) or _short(first.shape)} ({component})"
        count = f"{len(members)} 处" if zh else f"{len(members)} ×"
        lines.append(f"[{labels.get(severity, severity)}] {title} — {count}")
        for v in members[:show]:
            value = f" = {_short(v.value)}" if v.value is not None and v.value != v.focus else ""
            detail = "" if shared else f"  {v.text(lang)}"
            lines.append(f"    {_short(v.focus)}{value}{detail}")
        if len(members) > show:
            rest = len(members) - show
            lines.append(f"    …… 另有 {rest} 处" if zh else f"    … and {rest} more")
    return "\n".join(lines)

"""Code lists (代码表) read from ``codelists.ttl``: match messy source values to SKOS concepts."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from ontology import CODELISTS_FILE
from ontology.namespaces import CODE

_IGNORED = re.compile(r"[\s\"'“”‘’（）()\[\]【】]+")


def match_key(text: str) -> str:
    """The form in which labels are compared: NFKC, no spaces, quotes or brackets, lower case."""
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text)).lower()


@dataclass
class CodeList:
    """One SKOS concept scheme with a lookup from every accepted label to its concept."""

    scheme: URIRef
    label: str
    concepts: dict[URIRef, str] = field(default_factory=dict)  # concept -> Chinese prefLabel
    lookup: dict[str, URIRef] = field(default_factory=dict)
    notations: dict[str, URIRef] = field(default_factory=dict)

    def match(self, value: str) -> URIRef:
        """The concept a value names (label, variant or notation); ValueError with the accepted values."""
        key = match_key(value)
        concept = self.lookup.get(key) or self.notations.get(key)
        if concept is None:
            choices = "、".join(self.concepts.values())
            raise ValueError(f"无法识别的{self.label}“{value}”，应为：{choices}")
        return concept

    def pref_label(self, concept: URIRef) -> str:
        return self.concepts[concept]


@lru_cache(maxsize=1)
def _graph() -> Graph:
    return Graph().parse(CODELISTS_FILE, format="turtle")


@cache
def code_list(name: str) -> CodeList:
    """The code list whose scheme is ``code:<name>`` (e.g. ``open-type``, ``frequency``)."""
    graph = _graph()
    scheme = CODE[name]
    labels = [str(o) for o in graph.objects(scheme, SKOS.prefLabel) if getattr(o, "language", None) == "zh"]
    if not labels:
        raise KeyError(f"no code list {name!r} in {CODELISTS_FILE.name}")
    codes = CodeList(scheme, labels[0])
    for concept in sorted(graph.subjects(SKOS.inScheme, scheme)):
        assert isinstance(concept, URIRef)
        for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
            for label in graph.objects(concept, prop):
                codes.lookup.setdefault(match_key(str(label)), concept)
                if prop == SKOS.prefLabel and label.language == "zh":
                    codes.concepts[concept] = str(label)
        for notation in graph.objects(concept, SKOS.notation):
            codes.notations[match_key(str(notation))] = concept
    return codes


@cache
def concept_labels(concept: str) -> dict[str, str]:
    """The preferred labels of a code-list concept by language (``{"zh": …, "en": …}``; empty if unknown)."""
    return {label.language or "": str(label) for label in _graph().objects(URIRef(concept), SKOS.prefLabel)
            if hasattr(label, "language")}

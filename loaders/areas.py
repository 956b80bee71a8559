"""Area names as files write them, mapped to the reference areas of ``ontology/areas.ttl``."""

from __future__ import annotations

from functools import lru_cache

from rdflib import Graph
from rdflib.namespace import SKOS

from ontology import AREAS_FILE
from ontology.codelists import match_key


@lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    graph = Graph().parse(AREAS_FILE, format="turtle")
    names: dict[str, str] = {}
    for area in set(graph.subjects(SKOS.prefLabel, None)):
        preferred = [str(o) for o in graph.objects(area, SKOS.prefLabel) if o.language == "zh"]
        if not preferred:
            continue
        for label in (*graph.objects(area, SKOS.prefLabel), *graph.objects(area, SKOS.altLabel)):
            names.setdefault(match_key(str(label)), preferred[0])
    return names


@lru_cache(maxsize=1024)
def canonical_area(name: str) -> str:
    """The reference area's name for a variant (江东 → 江东新区, 市本级 → 市直); other names as written."""
    return _variants().get(match_key(name), name)

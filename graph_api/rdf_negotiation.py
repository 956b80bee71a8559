"""Content negotiation for the RDF surfaces (the DCAT catalog, dereferenced entity IRIs).

The ``Accept`` header picks Turtle, JSON-LD, RDF/XML or N-Triples (and, where a surface offers one, an HTML
page); ``?format=ttl|jsonld|rdfxml|nt`` (``html``) overrides it. A request that accepts none of the offered
types is answered 406 with the types it could have asked for; an unknown ``format`` value is answered 400.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from fastapi import HTTPException, Request
from fastapi.responses import Response

from ontology.namespaces import PREFIXES

HTML = "html"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class Representation:
    """One format a surface can answer in: its ``?format=`` name and the media types that ask for it."""

    name: str
    media_types: tuple[str, ...]
    rdf_format: ox.RdfFormat | None = None

    @property
    def media_type(self) -> str:
        return self.media_types[0]


REPRESENTATIONS: dict[str, Representation] = {r.name: r for r in (
    Representation("ttl", ("text/turtle", "application/x-turtle"), ox.RdfFormat.TURTLE),
    Representation("jsonld", ("application/ld+json", "application/json"), ox.RdfFormat.JSON_LD),
    Representation("rdfxml", ("application/rdf+xml",), ox.RdfFormat.RDF_XML),
    Representation("nt", ("application/n-triples",), ox.RdfFormat.N_TRIPLES),
    Representation(HTML, ("text/html", "application/xhtml+xml")),
)}
RDF_FORMATS = ("ttl", "jsonld", "rdfxml", "nt")

# prefixes of the serialisations: the graph's own, and the ones the DCAT-AP / CPSV-AP / Hydra exports use
EXPORT_PREFIXES: dict[str, str] = {
    **PREFIXES,
    "foaf": "http://xmlns.com/foaf/0.1/",
    "hydra": "http://www.w3.org/ns/hydra/core#",
}


def _accept_ranges(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their q-values (parameters other than q ignored)."""
    ranges = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        if media:
            ranges.append((media.lower(), q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """The q-value the most specific matching range gives a media type (0 when none matches)."""
    kind = media_type.split("/")[0]
    best: tuple[int, float] = (-1, 0.0)
    for media, q in ranges:
        specificity = 2 if media == media_type else 1 if media == f"{kind}/*" else 0 if media == "*/*" else -1
        if specificity > best[0]:
            best = (specificity, q)
    return best[1]


def best_offer(accept: str, offers: Mapping[str, Iterable[str]]) -> str | None:
    """The offer whose media types the Accept header rates highest (ties: the first offered), or None when
    it accepts none of them."""
    ranges = _accept_ranges(accept)
    best, best_q = None, 0.0
    for offer, media_types in offers.items():
        q = max(_quality(m, ranges) for m in media_types)
        if q > best_q:
            best, best_q = offer, q
    return best


def negotiate(request: Request, offered: Sequence[str]) -> Representation:
    """The representation to answer with: ``?format=``, else the best match of ``Accept``, else 406.

    ``offered`` is in the surface's order of preference, which breaks ties (``*/*`` gets the first).
    """
    choices = " | ".join(offered)
    override = request.query_params.get("format")
    if override is not None:
        if override.lower() not in offered:
            raise HTTPException(400, f"不支持的格式 format=“{override}”，可选 {choices} / unsupported format; "
                                     f"use one of {choices}")
        return REPRESENTATIONS[override.lower()]
    accept = request.headers.get("accept", "").strip()
    if not accept:
        return REPRESENTATIONS[offered[0]]
    best = best_offer(accept, {name: REPRESENTATIONS[name].media_types for name in offered})
    if best is None:
        media = ", ".join(REPRESENTATIONS[name].media_type for name in offered)
        raise HTTPException(406, f"无法提供所请求的格式（Accept: {accept}）；可用 {media}，或用 ?format={choices}"
                                 f" / not acceptable: this resource is available as {media}")
    return REPRESENTATIONS[best]


def _statement_order(t: ox.Triple) -> tuple[bool, str, str]:
    return t.predicate.value != RDF_TYPE, t.predicate.value, t.object.value


def rdf_response(triples: Iterable[ox.Triple], representation: Representation) -> Response:
    """Serialise triples in the negotiated RDF format: each once, grouped by subject in order of first
    appearance, a subject's types first and then its statements by property (the same output every time)."""
    assert representation.rdf_format is not None, "an RDF representation"
    by_subject: dict[ox.NamedNode | ox.BlankNode, dict[ox.Triple, None]] = {}
    for t in triples:
        by_subject.setdefault(t.subject, {})[t] = None
    ordered = [t for group in by_subject.values() for t in sorted(group, key=_statement_order)]
    body = ox.serialize(ordered, format=representation.rdf_format, prefixes=EXPORT_PREFIXES)
    return Response(body, media_type=representation.media_type, headers={"Vary": "Accept"})

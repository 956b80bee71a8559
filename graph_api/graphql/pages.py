"""Relay-style cursor pages over one class of entities, with filters and a stable order.

Entities are ordered by IRI; a cursor is the (base64) IRI of the last entity of the previous page, so a
page continues after it (keyset paging: no gaps or repeats while paging, even across loads).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from graph_api.graphql.data import GraphReader
from ontology.codelists import code_list
from ontology.namespaces import CODE

MAX_PAGE = 500


class InputError(ValueError):
    """A bad argument (filter value, cursor, page size), reported as a GraphQL error."""


def encode_cursor(iri: str) -> str:
    return base64.urlsafe_b64encode(iri.encode()).decode()


def decode_cursor(cursor: str) -> str:
    try:
        value = base64.b64decode(cursor.encode(), altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        value = ""
    if not value.startswith(("http://", "https://")):
        raise InputError(f"无效的游标 “{cursor}” / invalid cursor")
    return value


def literal(value: str) -> str:
    """A SPARQL string literal for user input."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def iri(value: str) -> str:
    if any(ch in value for ch in '<>"{}|^`\\ \n'):
        raise InputError(f"无效的 IRI “{value}” / invalid IRI")
    return f"<{value}>"


def code_value(scheme: str, value: str) -> str:
    """A code-list concept named by IRI, local name (``open-type-conditional``) or label (有条件开放)."""
    if value.startswith(("http://", "https://")):
        return iri(value)
    if value.startswith(f"{scheme}-"):
        return iri(str(CODE[value]))
    try:
        return iri(str(code_list(scheme).match(value)))
    except ValueError:
        raise InputError(f"“{value}” 不是 {scheme} 代码表中的值 / not a value of code list {scheme}") from None


def entity_ref(var: str, prop: str, value: str, tag: str) -> str:
    """``?var prop <value>``, or, for a name, ``?var prop ?ref`` where ``?ref`` has that name or alias."""
    if value.startswith(("http://", "https://")):
        return f"?{var} {prop} {iri(value)} ."
    ref = f"?{var}_{tag}"
    return (f"?{var} {prop} {ref} . {ref} skos:prefLabel|skos:altLabel {ref}_name ."
            f" FILTER(STR({ref}_name) = {literal(value)})")


def text_match(var: str, text: str) -> str:
    return (f"?{var} dct:title|skos:prefLabel|dct:identifier ?{var}_text ."
            f" FILTER(CONTAINS(LCASE(STR(?{var}_text)), LCASE({literal(text)})))")


@dataclass
class Page:
    iris: list[str]
    total: int
    has_next: bool
    has_previous: bool


def fetch_page(reader: GraphReader, cls: str, patterns: list[str], first: int, after: str | None) -> Page:
    """One page of the visible entities of class ``cls`` matching ``patterns``, and their total."""
    if not 0 <= first <= MAX_PAGE:
        raise InputError(f"first 应在 0 到 {MAX_PAGE} 之间 / first must be between 0 and {MAX_PAGE}")
    where = f"?x a {iri(cls)} . {reader.guard('x')} {' '.join(patterns)}"
    total = int(reader.select(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}")[0]["n"].value)
    after_filter = f"FILTER(STR(?x) > {literal(decode_cursor(after))})" if after else ""
    iris: list[str] = []
    if first:
        rows = reader.select(f"SELECT DISTINCT ?x WHERE {{ {where} {after_filter} }}"
                             f" ORDER BY STR(?x) LIMIT {first + 1}")
        iris = [r["x"].value for r in rows]
    return Page(iris[:first], total, len(iris) > first, after is not None)

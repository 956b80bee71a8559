"""Graph entities as CKAN dicts, and CKAN names read back into graph IRIs — the naming lives here, both ways.

| CKAN | graph | ``id`` (``name`` is the ``id`` lower-cased, as CKAN names are lower case) |
| --- | --- | --- |
| package | ``dcat:Dataset`` | 信息资源代码 (``dct:identifier``) |
| resource | ``dcat:Distribution`` | the distribution IRI |
| organization | ``org:Organization`` | 统一社会信用代码, or the department's name where it has none |
| group | ``dcat:theme`` concept | ``code:theme-economy`` → ``economy`` |
| tag | data element (信息项) title | the title |
| license | 开放类型 (``dct:accessRights``) | ``code:open-type-conditional`` → ``open-type-conditional`` |

``metadata_created`` and ``metadata_modified`` are the catalog's 发布日期 (``dct:issued``; ``dct:modified`` where a
source gives one), the date the search index holds, so a harvester's ``metadata_modified:[since TO *]`` selects on
the same date the package reports. ``private`` is true where the caller sees a dataset the public may not.

Every query applies the caller's :meth:`~yuanshu.visibility.Caller.guard` to each entity it shows (dataset,
distribution, data element, department, linked system or dataset): what the caller may not see is left out.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import pyoxigraph as ox

from ontology.namespaces import CODE_IRI
from yuanshu.published import REFERENCE_LITERALS
from yuanshu.store import GraphStore, values_clause
from yuanshu.visibility import Audience, Caller

THEME_PREFIX = CODE_IRI + "theme-"
_DCT = "http://purl.org/dc/terms/"
_DCAT = "http://www.w3.org/ns/dcat#"
_YS = "https://w3id.org/yuanshu/ns#"
_PROV = "http://www.w3.org/ns/prov#"
_OPEN = CODE_IRI + "open-type-unconditional"
_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"

# dataset predicate → extras key (Chinese, as the catalog's column) of the value's label or text
_LABELLED_EXTRAS: dict[str, str] = {
    _YS + "area": "所属区域",
    _YS + "resourceCategory": "信息资源分类",
    _DCT + "accessRights": "开放类型",
    _YS + "openCondition": "开放条件",
    _YS + "sharingType": "共享类型",
    _YS + "sharingCondition": "共享条件",
    _YS + "sharingMethod": "共享方式",
    _DCT + "accrualPeriodicity": "更新周期",
    _YS + "recordCount": "数据量",
    _YS + "sourceSystem": "来源系统",
}
# dataset predicate → extras key (the names ckanext-dcat reads) of the value itself
_DCAT_EXTRAS: dict[str, str] = {
    _DCT + "identifier": "identifier",
    _DCT + "issued": "issued",
    _DCT + "modified": "modified",
    _DCT + "accessRights": "access_rights",
    _DCT + "accrualPeriodicity": "frequency",
    _DCT + "publisher": "publisher_uri",
    _YS + "area": "spatial_uri",
}
# predicates whose objects are shown by their label or identifier
_NAMED = frozenset({_DCT + "publisher", _DCAT + "theme", _PROV + "wasDerivedFrom", *_LABELLED_EXTRAS})
_SKIPPED = (_YS + "dataElement", _DCAT + "distribution", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
            *(_YS + name for name in REFERENCE_LITERALS))


class BadReferenceError(ValueError):
    """A value that cannot name anything (e.g. an IRI with spaces)."""


def iri_term(iri: str) -> str:
    """``<iri>`` for a SPARQL query, refusing anything that is not an IRI."""
    try:
        return str(ox.NamedNode(iri))
    except ValueError as exc:
        raise BadReferenceError(f"无效的 IRI：{iri} / invalid IRI") from exc


def literal_term(text: str, language: str | None = None) -> str:
    return str(ox.Literal(text, language=language))


def code_name(iri: str) -> str:
    """``code:open-type-conditional`` → ``open-type-conditional`` (a code list value's CKAN name)."""
    return iri.removeprefix(CODE_IRI)


def group_name(theme: str) -> str:
    return theme.removeprefix(THEME_PREFIX)


def _date_time(date: str | None) -> str | None:
    """A CKAN timestamp from an ISO date or date-time."""
    if not date:
        return None
    return date if "T" in date else f"{date}T00:00:00"


def _pick(labels: Iterable[ox.Literal]) -> str:
    """The Chinese label if there is one, else any."""
    ordered = sorted(labels, key=lambda t: (t.language not in ("zh", None), t.language or "", t.value))
    return ordered[0].value if ordered else ""


# ---------------------------------------------------------------------------------------------- organizations
@dataclass(frozen=True)
class OrgRef:
    """A department as CKAN names it."""

    iri: str
    id: str
    title: str

    @property
    def name(self) -> str:
        return self.id.lower()

    def brief(self) -> dict[str, Any]:
        """The organization dict CKAN embeds in a package."""
        return {"id": self.id, "name": self.name, "title": self.title, "type": "organization",
                "description": "", "image_url": "", "created": None, "is_organization": True,
                "approval_status": "approved", "state": "active"}


def _org_ref(iri: str, identifier: str | None, title: str) -> OrgRef:
    return OrgRef(iri, identifier or title or iri, title or identifier or iri)


def organizations(store: GraphStore, caller: Caller, iri: str | None = None) -> dict[str, dict[str, Any]]:
    """Full organization dicts (``package_count`` left 0) of every department the caller may see (or of the
    one ``iri``), by IRI."""
    one = f"VALUES ?org {{ {iri_term(iri)} }}" if iri else ""
    rows = store.select(f"""
        SELECT ?org ?id ?label ?area ?type ?parent ?provisional (GROUP_CONCAT(DISTINCT ?alt; separator="、") AS ?alts)
        WHERE {{ {one}
          ?org a org:Organization . {caller.guard("org")}
          OPTIONAL {{ ?org skos:prefLabel ?label FILTER(LANG(?label) IN ("zh", "")) }}
          OPTIONAL {{ ?org dct:identifier ?id }}
          OPTIONAL {{ ?org ys:area/skos:prefLabel ?area FILTER(LANG(?area) = "zh") }}
          OPTIONAL {{ ?org ys:departmentType ?type }}
          OPTIONAL {{ ?org org:subOrganizationOf ?up . {caller.guard("up")} ?up skos:prefLabel ?parent }}
          OPTIONAL {{ ?org ys:provisional ?provisional }}
          OPTIONAL {{ ?org skos:altLabel ?alt }}
        }} GROUP BY ?org ?id ?label ?area ?type ?parent ?provisional""")
    result: dict[str, dict[str, Any]] = {}
    for row in rows:
        org = row["org"].value
        if org in result:  # a second label or identifier: keep the first
            continue
        ref = _org_ref(org, _text(row, "id"), _text(row, "label"))
        extras = [("uri", org), ("统一社会信用代码", _text(row, "id")), ("所属区域", _text(row, "area")),
                  ("部门类型", _text(row, "type")), ("上级部门", _text(row, "parent")), ("简称", _text(row, "alts")),
                  ("待核实", "是" if _text(row, "provisional") == "true" else None)]
        result[org] = {**ref.brief(), "display_name": ref.title, "image_display_url": "", "num_followers": 0,
                       "package_count": 0, "extras": [{"key": k, "value": v} for k, v in extras if v]}
    return result


def resolve_organizations(store: GraphStore, caller: Caller, refs: Iterable[str]) -> dict[str, str]:
    """CKAN organization ids/names (or department IRIs, or exact names) → IRIs of departments the caller
    may see. Unknown or hidden references are left out."""
    rows: list[str] = []
    iris: list[str] = []
    for ref in set(refs):
        if ref.startswith(("http://", "https://")):
            iri_term(ref)  # refuses what is not an IRI
            iris.append(ref)
            continue
        for key in {ref, ref.upper()}:
            rows.append(f"({literal_term(ref)} {literal_term(key)})")
        rows.append(f"({literal_term(ref)} {literal_term(ref, 'zh')})")
    found: dict[str, str] = {}
    if rows:
        for row in store.select(f"""SELECT ?ref ?org WHERE {{
                VALUES (?ref ?key) {{ {" ".join(rows)} }}
                {{ ?org dct:identifier ?key }} UNION {{ ?org skos:prefLabel ?key }}
                ?org a org:Organization . {caller.guard("org")} }}"""):
            found.setdefault(row["ref"].value, row["org"].value)
    if iris:
        for row in store.select(f"""SELECT ?org WHERE {{ {values_clause("org", iris)}
                ?org a org:Organization . {caller.guard("org")} }}"""):
            found[row["org"].value] = row["org"].value
    return found


def org_refs(store: GraphStore, iris: Iterable[str]) -> dict[str, OrgRef]:
    """How CKAN names these departments (for facet values; the caller's visibility was applied upstream)."""
    return {iri: _org_ref(iri, identifier, label or "") for iri, (label, identifier) in names_of(store, iris).items()}


# ------------------------------------------------------------------------------------------------ groups, codes
def themes(store: GraphStore) -> dict[str, dict[str, Any]]:
    """Every theme (主题分类) as a CKAN group dict (``package_count`` left 0), by IRI."""
    labels: dict[str, list[ox.Literal]] = defaultdict(list)
    for row in store.select("""SELECT ?theme ?label WHERE { ?theme skos:inScheme code:theme ;
            skos:prefLabel ?label }"""):
        labels[row["theme"].value].append(row["label"])  # type: ignore[arg-type]
    groups = {}
    for iri, names in labels.items():
        title = _pick(names)
        english = next((n.value for n in names if n.language == "en"), "")
        groups[iri] = {"id": group_name(iri), "name": group_name(iri), "title": title, "display_name": title,
                       "description": english, "image_url": "", "image_display_url": "", "created": None,
                       "is_organization": False, "type": "group", "state": "active",
                       "approval_status": "approved", "num_followers": 0, "package_count": 0,
                       "extras": [{"key": "uri", "value": iri}]}
    return groups


def code_lookup(store: GraphStore, scheme: str) -> dict[str, str]:
    """Every way a value of a code list may be written (CKAN name, IRI, Chinese/English labels) → its IRI."""
    lookup: dict[str, str] = {}
    for row in store.select(f"""SELECT ?code ?label WHERE {{ ?code skos:inScheme {iri_term(CODE_IRI + scheme)} .
            OPTIONAL {{ ?code skos:prefLabel|skos:altLabel ?label }} }}"""):
        iri = row["code"].value
        lookup.update({iri: iri, code_name(iri): iri, code_name(iri).removeprefix(scheme + "-"): iri})
        if "label" in row:
            lookup.setdefault(row["label"].value, iri)
    return lookup


def area_lookup(store: GraphStore) -> dict[str, str]:
    """Area names, GB/T 2260 codes and IRIs → area IRIs."""
    lookup: dict[str, str] = {}
    for row in store.select("""SELECT ?area ?key WHERE { ?area a ys:AdministrativeArea .
            { ?area skos:prefLabel|skos:altLabel ?key } UNION { ?area dct:identifier ?key } }"""):
        lookup.update({row["area"].value: row["area"].value})
        lookup.setdefault(row["key"].value, row["area"].value)
    return lookup


# -------------------------------------------------------------------------------------------------- packages
def resolve_dataset(store: GraphStore, caller: Caller, ref: str) -> str | None:
    """The IRI of the dataset a CKAN ``id`` names (信息资源代码, its lower-cased name, or the IRI), if the
    caller may see it; ``None`` otherwise (unknown and hidden look the same)."""
    if ref.startswith(("http://", "https://")):
        pattern = f"VALUES ?d {{ {iri_term(ref)} }}"
    else:
        keys = " ".join(literal_term(k) for k in {ref, ref.upper()})
        pattern = f"VALUES ?id {{ {keys} }} ?d dct:identifier ?id ."
    query = f"SELECT ?d WHERE {{ {pattern} ?d a dcat:Dataset . {caller.guard('d')} }} LIMIT 1"
    rows = store.select(query)
    if not rows and not ref.startswith(("http://", "https://")) and ref != ref.upper():
        rows = store.select(f"""SELECT ?d WHERE {{ ?d a dcat:Dataset ; dct:identifier ?id .
            FILTER(LCASE(STR(?id)) = {literal_term(ref.lower())}) {caller.guard('d')} }} LIMIT 1""")
    return rows[0]["d"].value if rows else None


def _text(row: dict[str, ox.NamedNode | ox.Literal | ox.BlankNode], var: str) -> str | None:
    term = row.get(var)
    return term.value if term is not None else None


@dataclass
class _Facts:
    """What one query row set says about one dataset: predicate → [(value, label, identifier)]."""

    values: dict[str, list[tuple[ox.NamedNode | ox.Literal, str | None, str | None]]]

    def first(self, predicate: str) -> str | None:
        found = self.values.get(predicate)
        if not found:
            return None
        literals = [v for v, _, _ in found if isinstance(v, ox.Literal)]
        return _pick(literals) if literals else found[0][0].value

    def all(self, predicate: str) -> list[tuple[str, str | None, str | None]]:
        seen: dict[str, tuple[str, str | None, str | None]] = {}
        for value, label, identifier in self.values.get(predicate, []):
            seen.setdefault(value.value, (value.value, label, identifier))
        return sorted(seen.values())


def packages(store: GraphStore, caller: Caller, iris: Sequence[str]) -> dict[str, dict[str, Any]]:
    """CKAN package dicts of the datasets ``iris`` that the caller may see, by IRI."""
    if not iris:
        return {}
    values = values_clause("d", iris)
    skipped = ", ".join(iri_term(p) for p in _SKIPPED)
    found: dict[str, dict[str, list[ox.NamedNode | ox.Literal]]] = defaultdict(lambda: defaultdict(list))
    for row in store.select(f"""SELECT ?d ?p ?o WHERE {{ {values} {caller.guard("d")}
            ?d ?p ?o . FILTER(?p NOT IN ({skipped})) }}"""):
        found[row["d"].value][row["p"].value].append(row["o"])  # type: ignore[arg-type]
    hidden = _hidden(store, caller, {o.value for predicates in found.values() for objects in predicates.values()
                                     for o in objects if isinstance(o, ox.NamedNode)})
    for predicates in found.values():
        for p, objects in predicates.items():
            predicates[p] = [o for o in objects if not (isinstance(o, ox.NamedNode) and o.value in hidden)]
    linked = {o.value for predicates in found.values() for p, objects in predicates.items() if p in _NAMED
              for o in objects if isinstance(o, ox.NamedNode)}
    names = names_of(store, linked)
    facts = {iri: _Facts({p: [(o, *names.get(o.value, (None, None))) for o in objects]
                          for p, objects in predicates.items()}) for iri, predicates in found.items()}
    resources: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in store.select(f"""SELECT ?d ?dist ?title ?format ?access ?download ?media WHERE {{
            {values} ?d dcat:distribution ?dist . {caller.guard("dist")}
            OPTIONAL {{ ?dist dct:title ?title }} OPTIONAL {{ ?dist dct:format ?format }}
            OPTIONAL {{ ?dist dcat:accessURL ?access }} OPTIONAL {{ ?dist dcat:downloadURL ?download }}
            OPTIONAL {{ ?dist dcat:mediaType ?media }} }} ORDER BY ?d ?dist"""):
        resources[row["d"].value].append(_resource(row))
    tags: dict[str, set[str]] = defaultdict(set)
    for row in store.select(f"""SELECT ?d ?name WHERE {{
            {values} ?d ys:dataElement ?e . {caller.guard("e")} ?e dct:title ?name }}"""):
        tags[row["d"].value].add(row["name"].value)
    columns = store.minter.base + "property/"
    return {iri: _package(iri, facts[iri], resources[iri], sorted(tags[iri]), columns) for iri in iris if iri in facts}


def _hidden(store: GraphStore, caller: Caller, iris: set[str]) -> set[str]:
    """Which of these linked entities the caller may not see (a dataset's system, source dataset, …)."""
    if not iris:
        return set()
    return {r["o"].value for r in store.select(f"""SELECT DISTINCT ?o WHERE {{ {values_clause("o", iris)}
            ?o ys:audience ?audience . FILTER NOT EXISTS {{ {caller.guard("o")} }} }}""")}


def names_of(store: GraphStore, iris: Iterable[str]) -> dict[str, tuple[str | None, str | None]]:
    """(Chinese label or title, identifier) of linked entities and codes."""
    iris = list(iris)
    if not iris:
        return {}
    labels: dict[str, list[ox.Literal]] = defaultdict(list)
    identifiers: dict[str, str] = {}
    for row in store.select(f"""SELECT ?x ?label ?id WHERE {{ {values_clause("x", iris)}
            OPTIONAL {{ ?x skos:prefLabel|dct:title ?label FILTER(LANG(?label) IN ("zh", "")) }}
            OPTIONAL {{ ?x dct:identifier ?id }} }}"""):
        if "label" in row:
            labels[row["x"].value].append(row["label"])  # type: ignore[arg-type]
        if "id" in row:
            identifiers.setdefault(row["x"].value, row["id"].value)
    return {iri: (_pick(labels[iri]) or None, identifiers.get(iri)) for iri in iris}


def _resource(row: dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]) -> dict[str, Any]:
    fmt = _text(row, "format")
    title = _text(row, "title") or ""
    return {"id": row["dist"].value, "name": title, "description": "",
            "format": unquote(fmt.removeprefix(_FILE_TYPE)) if fmt else title,
            "url": _text(row, "download") or _text(row, "access") or "", "mimetype": _text(row, "media"),
            "state": "active", "resource_type": None, "url_type": None, "size": None, "hash": "",
            "last_modified": None}


def _package(iri: str, facts: _Facts, resources: list[dict[str, Any]], tags: list[str],
             columns: str) -> dict[str, Any]:
    identifier = facts.first(_DCT + "identifier") or iri
    issued = facts.first(_DCT + "issued")
    publisher = facts.all(_DCT + "publisher")
    org = _org_ref(publisher[0][0], publisher[0][2], publisher[0][1] or "") if publisher else None
    access = facts.all(_DCT + "accessRights")
    audiences = {v for v, _, _ in facts.all(_YS + "audience")}
    created = _date_time(issued)
    for position, resource in enumerate(resources):
        resource.update(package_id=identifier, position=position, created=created)
    return {
        "id": identifier,
        "name": identifier.lower(),
        "title": facts.first(_DCT + "title") or identifier,
        "notes": facts.first(_DCT + "description") or "",
        "url": facts.first(_DCAT + "landingPage") or "",
        "type": "dataset",
        "state": "active",
        "private": Audience.PUBLIC.value not in audiences,
        "author": None, "author_email": None, "maintainer": None, "maintainer_email": None, "version": None,
        "license_id": code_name(access[0][0]) if access else None,
        "license_title": (access[0][1] if access else None) or None,
        "license_url": None,
        "isopen": bool(access) and access[0][0] == _OPEN,
        "metadata_created": created,
        "metadata_modified": _date_time(facts.first(_DCT + "modified") or issued),
        "owner_org": org.id if org else None,
        "organization": org.brief() if org else None,
        "groups": [{"id": group_name(t), "name": group_name(t), "title": label or group_name(t),
                    "display_name": label or group_name(t), "description": "", "image_display_url": ""}
                   for t, label, _ in facts.all(_DCAT + "theme")],
        "tags": [{"id": t, "name": t, "display_name": t, "state": "active", "vocabulary_id": None} for t in tags],
        "num_tags": len(tags),
        "resources": resources,
        "num_resources": len(resources),
        "extras": _extras(iri, facts, columns),
        "relationships_as_subject": [
            {"subject": identifier.lower(), "object": (other or target).lower(), "type": "derives_from",
             "comment": ""} for target, _, other in facts.all(_PROV + "wasDerivedFrom")],
        "relationships_as_object": [],
    }


def _extras(iri: str, facts: _Facts, columns: str) -> list[dict[str, str]]:
    """Every other fact as CKAN extras: DCAT names (for ckanext-dcat), Chinese labels, and the source file's
    own columns (``<base>property/<header>``, kept by the loaders)."""
    extras: list[tuple[str, str]] = [("uri", iri)]
    for predicate, key in _DCAT_EXTRAS.items():
        if (value := facts.first(predicate)) is not None:
            extras.append((key, value))
    themes_ = [t for t, _, _ in facts.all(_DCAT + "theme")]
    if themes_:
        extras.append(("theme", json.dumps(themes_)))
    for predicate, key in _LABELLED_EXTRAS.items():
        shown = [label or value for value, label, _ in facts.all(predicate)]
        if shown:
            extras.append((key, "、".join(shown)))
    for predicate in sorted(facts.values):
        if predicate.startswith(columns):
            extras.append((unquote(predicate.removeprefix(columns)), facts.first(predicate) or ""))
    return [{"key": k, "value": v} for k, v in extras]

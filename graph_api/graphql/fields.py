"""Field factories and query materialization: each field declares what it reads, so a query reads only that.

``text_field(DCT.title)`` is a plain field filled from the entity's ``dct:title`` when the object is made
(only for the fields a query selects), so GraphQL reads an attribute instead of calling a resolver; the
predicate is kept in the field's metadata. Link fields keep a :class:`Link` (target type, predicate or
reverse pattern). A page or lookup resolver hands its selection to :func:`materialize`, which reads the
selected predicates of all the page's entities in one query, then each selected link's targets for all of
them in one more, level by level — so a page of 100 datasets with their publishers costs three store
queries, and GraphQL then walks objects already in memory, with no awaitable per row. Links below a custom
resolver (an indicator's observations, …) fall back to the request's batch loaders.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Annotated, Any

import strawberry
from strawberry.types import Info
from strawberry.types.field import StrawberryField
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection
from strawberry.utils.str_converters import to_camel_case

from graph_api.graphql.data import RDF_TYPE, Entity, GraphReader
from ontology.codelists import concept_labels


def reader_of(info: Info) -> GraphReader:
    return info.context.reader


def _literal(entity: Entity, predicate: str) -> str | None:
    term = entity.literal(predicate)
    return term.value if term is not None else None


def _parse(value: str | None, convert: Callable[[str], Any]) -> Any:
    if value is None:
        return None
    try:
        return convert(value)
    except ValueError:
        return None


def _value_field(read: Callable[[Entity], Any], predicate: object, description: str | None,
                 default: Any = None) -> Any:
    """A plain field (no resolver: GraphQL reads the attribute), filled with ``read(entity)`` when the object is
    made and the query selects it."""
    extra = {"default_factory": list} if default is list else {"default": default}
    return strawberry.field(description=description, metadata={"predicates": (str(predicate),), "read": read},
                            **extra)


def text_field(predicate: object, description: str | None = None) -> Any:
    """A text value (the Chinese literal when there are several languages)."""
    return _value_field(lambda e: e.text(str(predicate)), predicate, description)


def texts_field(predicate: object, description: str | None = None) -> Any:
    return _value_field(lambda e: e.texts(str(predicate)), predicate, description, list)


def int_field(predicate: object, description: str | None = None) -> Any:
    return _value_field(lambda e: _parse(_literal(e, str(predicate)), int), predicate, description)


def decimal_field(predicate: object, description: str | None = None) -> Any:
    return _value_field(lambda e: _parse(_literal(e, str(predicate)), Decimal), predicate, description)


def bool_field(predicate: object, description: str | None = None) -> Any:
    def read(entity: Entity) -> bool | None:
        value = _literal(entity, str(predicate))
        return None if value is None else value == "true"
    return _value_field(read, predicate, description)


def flag_field(predicate: object, description: str | None = None) -> Any:
    """A yes/no flag that is false unless the entity states it."""
    return _value_field(lambda e: _literal(e, str(predicate)) == "true", predicate, description, False)


def date_field(predicate: object, description: str | None = None) -> Any:
    return _value_field(lambda e: _parse(_literal(e, str(predicate)), lambda v: date.fromisoformat(v[:10])),
                        predicate, description)


def datetime_field(predicate: object, description: str | None = None) -> Any:
    return _value_field(lambda e: _parse(_literal(e, str(predicate)), datetime.fromisoformat), predicate,
                        description)


def iri_field(predicate: object, description: str | None = None) -> Any:
    """The IRI the entity links to (for links outside the graph: formats, web pages)."""
    return _value_field(lambda e: e.iri_of(str(predicate)), predicate, description)


def code_field(predicate: object, description: str | None = None) -> Any:
    """A code-list value (with its labels)."""
    return _value_field(lambda e: Code.of(e.iri_of(str(predicate))), predicate, description)


def codes_field(predicate: object, description: str | None = None) -> Any:
    def read(entity: Entity) -> list[Code]:
        return [c for i in entity.iris(str(predicate)) if (c := Code.of(i)) is not None]
    return _value_field(read, predicate, description, list)


def _lazy(kind: str) -> Any:
    return Annotated[kind, strawberry.lazy("graph_api.graphql.types")]


@dataclass(eq=False)
class Link:
    """A link field: to entities of GraphQL type ``kind`` (class ``cls``), by a ``predicate`` of this entity
    (the first IRI only when not ``many``) or, for reverse links, by a ``pattern`` (``?s … ?o``, ``?o`` this
    entity). Prefetched results are kept on the object under the Link itself (see :func:`materialize`)."""

    kind: str
    cls: str
    predicate: str | None = None
    pattern: str | None = None
    many: bool = True

    def targets(self, entity: Entity) -> list[str]:
        """The IRIs a predicate link points to from ``entity`` (only the first when not ``many``)."""
        assert self.predicate is not None
        iris = entity.iris(self.predicate)
        return iris if self.many else iris[:1]


def _link_field(link: Link, returns: object, predicates: list[object], description: str | None) -> Any:
    """A link resolver: the prefetched objects when the query was materialized, else (a link below a custom
    resolver) an awaitable batch load."""
    def resolve(self: Any, info: Info) -> Any:
        if link in self.links:
            return self.links[link]
        if link.pattern is not None:
            return _load_reverse(info, self.entity.iri, link)
        if link.many:
            return load_many(info, link.targets(self.entity), link.kind, link.cls)
        return load_one(info, next(iter(link.targets(self.entity)), None), link.kind, link.cls)
    resolve.__annotations__["return"] = returns
    return strawberry.field(resolver=resolve, description=description,
                            metadata={"predicates": tuple(str(p) for p in predicates), "link": link})


def link_field(predicate: object, kind: str, cls: str, description: str | None = None) -> Any:
    """The entity of type ``kind`` (class ``cls``) this one links to by ``predicate`` (None if hidden)."""
    return _link_field(Link(kind, cls, predicate=str(predicate), many=False), _lazy(kind) | None, [predicate],
                       description)


def links_field(predicate: object, kind: str, cls: str, description: str | None = None) -> Any:
    """The visible entities this one links to by ``predicate``."""
    return _link_field(Link(kind, cls, predicate=str(predicate)), list[_lazy(kind)], [predicate], description)


def linked_from_field(pattern: str, kind: str, cls: str, description: str | None = None) -> Any:
    """The visible entities linking to this one by ``pattern`` (``?s … ?o``, ``?o`` this entity), batched."""
    return _link_field(Link(kind, cls, pattern=pattern), list[_lazy(kind)], [], description)


async def _load_reverse(info: Info, iri: str, link: Link) -> list[Any]:
    assert link.pattern is not None
    iris = await reader_of(info).reverse(link.pattern).load(iri)
    return await load_many(info, iris, link.kind, link.cls)


@strawberry.type(description="代码表中的值 / a value of a code list (SKOS concept)")
class Code:
    id: str
    code: str = strawberry.field(description="代码表内的本地名 / local name, e.g. open-type-conditional")
    label: str | None = strawberry.field(description="中文名称 / Chinese label")
    label_en: str | None = strawberry.field(description="英文名称 / English label")

    @staticmethod
    def of(iri: str | None) -> Code | None:
        if iri is None:
            return None
        labels = concept_labels(iri)
        return Code(id=iri, code=iri.rsplit("/", 1)[-1], label=labels.get("zh"), label_en=labels.get("en"))


# ------------------------------------------------------------------------------------------ loading
_TYPES: dict[str, type] = {}


def register(kind: type) -> type:
    """Make a GraphQL type loadable by name (the link factories name their target types)."""
    _TYPES[kind.__name__] = kind
    return kind


@cache
def _fields(kind: type) -> dict[str, StrawberryField]:
    """GraphQL field name → field, for one type."""
    return {f.graphql_name or to_camel_case(f.python_name): f
            for f in kind.__strawberry_definition__.fields}  # type: ignore[attr-defined]


def _merged(kind: type, selections: Iterable[Selection]) -> dict[str, list[Selection]]:
    """The fields selected on ``kind`` (through fragments that apply to it), each with its sub-selections
    merged (``a: publisher { id } b: publisher { name }`` asks for one publisher with both)."""
    merged: dict[str, list[Selection]] = {}
    for selection in selections:
        if isinstance(selection, SelectedField):
            merged.setdefault(selection.name, []).extend(selection.selections)
        elif (isinstance(selection, (FragmentSpread, InlineFragment))
              and selection.type_condition in (None, kind.__name__, "Node")):
            for name, inner in _merged(kind, selection.selections).items():
                merged.setdefault(name, []).extend(inner)
    return merged


def _predicates(kind: type, fields: Iterable[str]) -> frozenset[str]:
    """The predicates the named fields of ``kind`` read, and ``rdf:type`` (to check the entity's class)."""
    by_name = _fields(kind)
    wanted = {RDF_TYPE}
    for name in fields:
        if name in by_name:
            wanted.update(by_name[name].metadata.get("predicates", ()))
    return frozenset(wanted)


def _selections(info: Info) -> list[Selection]:
    return info.selected_fields[0].selections if info.selected_fields else []


@cache
def _readers(kind: type) -> list[tuple[str, str, Callable[[Entity], Any]]]:
    """(GraphQL name, attribute, read) of the plain value fields of one type."""
    return [(name, f.python_name, f.metadata["read"]) for name, f in _fields(kind).items() if "read" in f.metadata]


def _maker(kind: str, selected: Collection[str] | None = None) -> Callable[[Entity], Any]:
    """Makes objects of GraphQL type ``kind`` from entities, with the ``selected`` value fields read (all if
    None)."""
    cls = _TYPES[kind]
    readers = [(attr, read) for name, attr, read in _readers(cls) if selected is None or name in selected]
    return lambda entity: cls(entity=entity, id=entity.iri, **{attr: read(entity) for attr, read in readers})


def wrap_as(kind: str, entity: Entity) -> Any:
    """The object of GraphQL type ``kind`` for an entity, with every value field read."""
    return _maker(kind)(entity)


def materialize(reader: GraphReader, kind: str, iris: list[str], cls: str, selections: Iterable[Selection], *,
                checked: bool = False) -> list[Any]:
    """The visible entities among ``iris`` of class ``cls`` as objects of type ``kind``, in order, with every
    selected link loaded level by level (one query per level and link, however many entities). ``checked``:
    the IRIs are already known to be visible entities of class ``cls`` (a page's), so their class is not read.

    Resolving a query this way costs no per-row awaitables: the whole tree is read before GraphQL walks it,
    and the link fields return what is already there."""
    merged = _merged(_TYPES[kind], selections)
    predicates = _predicates(_TYPES[kind], merged)
    if checked:
        fetched = reader.fetch(iris, predicates - {RDF_TYPE})
        entities = [fetched.get(i) or Entity(i) for i in iris]
    else:
        fetched = reader.fetch(iris, predicates)
        entities = [e for i in iris if (e := fetched.get(i)) is not None and e.has_type(cls)]
    make = _maker(kind, merged)
    objects = [make(e) for e in entities]
    fields = _fields(_TYPES[kind])
    for name, inner in merged.items():
        link: Link | None = fields[name].metadata.get("link") if name in fields else None
        if link is None or not objects:
            continue
        if link.pattern is not None:
            linked = reader.linked(link.pattern, [o.entity.iri for o in objects])
            targets = [linked.get(o.entity.iri, []) for o in objects]
        else:
            targets = [link.targets(o.entity) for o in objects]
        everything = list(dict.fromkeys(i for found in targets for i in found))
        loaded = {o.entity.iri: o for o in materialize(reader, link.kind, everything, link.cls, inner)}
        for obj, found in zip(objects, targets, strict=True):
            present = [loaded[i] for i in found if i in loaded]
            obj.links[link] = present if link.many else (present[0] if present else None)
    return objects


async def load_one(info: Info, iri: str | None, kind: str, cls: str) -> Any:
    """One entity through the request's batch loader (for links below custom resolvers)."""
    if iri is None:
        return None
    merged = _merged(_TYPES[kind], _selections(info))
    entity = await reader_of(info).entity(iri, _predicates(_TYPES[kind], merged))
    return _maker(kind, merged)(entity) if entity is not None and entity.has_type(cls) else None


async def load_many(info: Info, iris: list[str], kind: str, cls: str) -> list[Any]:
    """Entities through the request's batch loader (for links below custom resolvers)."""
    merged = _merged(_TYPES[kind], _selections(info))
    entities = await reader_of(info).entity_list(iris, _predicates(_TYPES[kind], merged), cls)
    make = _maker(kind, merged)
    return [make(e) for e in entities]

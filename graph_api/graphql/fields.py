"""Field factories: each GraphQL field declares the predicates it reads, so loads fetch only those.

``text_field(DCT.title)`` is a field whose resolver reads ``dct:title`` from the entity; the predicate is
kept in the field's metadata. When a resolver loads entities for a selection, :func:`wanted_predicates`
collects the predicates of the selected fields, and the reader fetches just those (plus ``rdf:type``)
instead of every property of every entity — the difference between a GraphQL page and a hand-written
SPARQL query for the same answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Annotated, Any

import strawberry
from strawberry.types import Info
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


def _field(resolve: Callable[..., Any], returns: object, predicates: Iterable[object],
           description: str | None) -> Any:
    resolve.__annotations__["return"] = returns
    return strawberry.field(resolver=resolve, description=description,
                            metadata={"predicates": tuple(str(p) for p in predicates)})


def text_field(predicate: object, description: str | None = None) -> Any:
    """A text value (the Chinese literal when there are several languages)."""
    def resolve(self: Any) -> Any:
        return self.entity.text(str(predicate))
    return _field(resolve, "str | None", [predicate], description)


def texts_field(predicate: object, description: str | None = None) -> Any:
    def resolve(self: Any) -> Any:
        return self.entity.texts(str(predicate))
    return _field(resolve, "list[str]", [predicate], description)


def int_field(predicate: object, description: str | None = None) -> Any:
    def resolve(self: Any) -> Any:
        return _parse(_literal(self.entity, str(predicate)), int)
    return _field(resolve, "int | None", [predicate], description)


def decimal_field(predicate: object, description: str | None = None) -> Any:
    def resolve(self: Any) -> Any:
        return _parse(_literal(self.entity, str(predicate)), Decimal)
    return _field(resolve, "Decimal | None", [predicate], description)


def bool_field(predicate: object, description: str | None = None) -> Any:
    def resolve(self: Any) -> Any:
        value = _literal(self.entity, str(predicate))
        return None if value is None else value == "true"
    return _field(resolve, "bool | None", [predicate], description)


def flag_field(predicate: object, description: str | None = None) -> Any:
    """A yes/no flag that is false unless the entity states it."""
    def resolve(self: Any) -> Any:
        return _literal(self.entity, str(predicate)) == "true"
    return _field(resolve, "bool", [predicate], description)


def date_field(predicate: object, description: str | None = None) -> Any:
    def resolve(self: Any) -> Any:
        return _parse(_literal(self.entity, str(predicate)), lambda v: date.fromisoformat(v[:10]))
    return _field(resolve, "date | None", [predicate], description)


def datetime_field(predicate: object, description: str | None = None) -> Any:
    def resolve(self: Any) -> Any:
        return _parse(_literal(self.entity, str(predicate)), datetime.fromisoformat)
    return _field(resolve, "datetime | None", [predicate], description)


def iri_field(predicate: object, description: str | None = None) -> Any:
    """The IRI the entity links to (for links outside the graph: formats, web pages)."""
    def resolve(self: Any) -> Any:
        return self.entity.iri_of(str(predicate))
    return _field(resolve, "str | None", [predicate], description)


def code_field(predicate: object, description: str | None = None) -> Any:
    """A code-list value (with its labels)."""
    def resolve(self: Any) -> Any:
        return Code.of(self.entity.iri_of(str(predicate)))
    return _field(resolve, "Code | None", [predicate], description)


def codes_field(predicate: object, description: str | None = None) -> Any:
    def resolve(self: Any) -> Any:
        return [c for i in self.entity.iris(str(predicate)) if (c := Code.of(i)) is not None]
    return _field(resolve, "list[Code]", [predicate], description)


def _lazy(kind: str) -> Any:
    return Annotated[kind, strawberry.lazy("graph_api.graphql.types")]


def link_field(predicate: object, kind: str, cls: str, description: str | None = None) -> Any:
    """The entity of type ``kind`` (class ``cls``) this one links to by ``predicate`` (None if hidden)."""
    async def resolve(self: Any, info: Info) -> Any:
        return await load_one(info, self.entity.iri_of(str(predicate)), kind, cls)
    return _field(resolve, _lazy(kind) | None, [predicate], description)


def links_field(predicate: object, kind: str, cls: str, description: str | None = None) -> Any:
    """The visible entities this one links to by ``predicate``."""
    async def resolve(self: Any, info: Info) -> Any:
        return await load_many(info, self.entity.iris(str(predicate)), kind, cls)
    return _field(resolve, list[_lazy(kind)], [predicate], description)


def linked_from_field(pattern: str, kind: str, cls: str, description: str | None = None) -> Any:
    """The visible entities linking to this one by ``pattern`` (``?s … ?o``, ``?o`` this entity), batched."""
    async def resolve(self: Any, info: Info) -> Any:
        iris = await reader_of(info).reverse(pattern).load(self.entity.iri)
        return await load_many(info, iris, kind, cls)
    return _field(resolve, list[_lazy(kind)], [], description)


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
def _field_predicates(kind: type) -> dict[str, tuple[str, ...]]:
    """GraphQL field name → the predicates it reads, for one type."""
    return {f.graphql_name or to_camel_case(f.python_name): tuple(f.metadata.get("predicates", ()))
            for f in kind.__strawberry_definition__.fields}  # type: ignore[attr-defined]


def wanted_predicates(kind: type, selections: Iterable[Selection]) -> frozenset[str] | None:
    """The predicates the selected fields of ``kind`` read (None: all, e.g. behind a fragment)."""
    by_name = _field_predicates(kind)
    wanted = {RDF_TYPE}
    for selection in selections:
        if isinstance(selection, (FragmentSpread, InlineFragment)):
            return None
        if isinstance(selection, SelectedField):
            wanted.update(by_name.get(selection.name, ()))
    return frozenset(wanted)


def _selections(info: Info) -> list[Selection]:
    return info.selected_fields[0].selections if info.selected_fields else []


def wrap_as(kind: str, entity: Entity) -> Any:
    return _TYPES[kind](entity=entity)


async def load_one(info: Info, iri: str | None, kind: str, cls: str) -> Any:
    if iri is None:
        return None
    predicates = wanted_predicates(_TYPES[kind], _selections(info))
    entity = await reader_of(info).entity(iri, predicates)
    return wrap_as(kind, entity) if entity is not None and entity.has_type(cls) else None


async def load_many(info: Info, iris: list[str], kind: str, cls: str,
                    selections: list[Selection] | None = None) -> list[Any]:
    predicates = wanted_predicates(_TYPES[kind], selections if selections is not None else _selections(info))
    entities = await reader_of(info).entity_list(iris, predicates, cls)
    return [wrap_as(kind, e) for e in entities]

"""Who sees what (DESIGN.md): the one place the visibility rule lives.

Every entity a loader writes carries ``ys:audience`` — public, staff or owner (``code:audience-*``). A
catalog entry's audiences follow from its 开放类型 and 共享类型 (:func:`dataset_audiences`); system
inventories and load runs are for staff; departments, areas, services and indicators are public. An entity
without an audience is hidden from everyone but administrators (fail closed).

Every surface asks the caller's :meth:`Caller.guard` for the SPARQL pattern that restricts a variable to
what the caller may see (GraphQL, the DCAT catalog, dereferencing) or, for search documents, asks
:meth:`Caller.may_see`; the public SPARQL endpoint runs on the published view built with the anonymous
caller's guard (:mod:`yuanshu.published`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from ontology.namespaces import CODE


class Audience(StrEnum):
    """Who may see an entity (its metadata) or, on a distribution, obtain the data."""

    PUBLIC = str(CODE["audience-public"])
    STAFF = str(CODE["audience-staff"])
    OWNER = str(CODE["audience-owner"])


_OPEN_UNCONDITIONAL = str(CODE["open-type-unconditional"])
_OPEN_CONDITIONAL = str(CODE["open-type-conditional"])
_SHARED_UNCONDITIONAL = str(CODE["sharing-type-unconditional"])
_SHARED_CONDITIONAL = str(CODE["sharing-type-conditional"])


def dataset_audiences(open_type: str | None, sharing_type: str | None) -> tuple[Audience, Audience]:
    """(metadata audience, data audience) of a catalog entry, by DESIGN.md's table.

    无条件开放: everyone sees metadata and data. 有条件开放: the public sees the metadata and requests the
    data; staff get it. 不予开放 + 无条件共享: staff see metadata and data. 不予开放 + 有条件共享: staff see
    the metadata only. 不予开放 + 不予共享 (or nothing stated): only the owning department.
    """
    if open_type == _OPEN_UNCONDITIONAL:
        return Audience.PUBLIC, Audience.PUBLIC
    if open_type == _OPEN_CONDITIONAL:
        return Audience.PUBLIC, Audience.STAFF
    if sharing_type == _SHARED_UNCONDITIONAL:
        return Audience.STAFF, Audience.STAFF
    if sharing_type == _SHARED_CONDITIONAL:
        return Audience.STAFF, Audience.OWNER
    return Audience.OWNER, Audience.OWNER


class Role(StrEnum):
    ANONYMOUS = "anonymous"
    STAFF = "staff"
    ADMIN = "admin"


# how an entity with audience "owner" is tied to its department: a dataset's publisher, a distribution's
# or data element's dataset's publisher, a system's operator
_OWNED_BY = ("(<http://purl.org/dc/terms/publisher>"
             "|^<http://www.w3.org/ns/dcat#distribution>/<http://purl.org/dc/terms/publisher>"
             "|^<https://w3id.org/yuanshu/ns#dataElement>/<http://purl.org/dc/terms/publisher>"
             "|<https://w3id.org/yuanshu/ns#operatedBy>)")
_AUDIENCE = "<https://w3id.org/yuanshu/ns#audience>"


@dataclass(frozen=True)
class Caller:
    """Who is asking: anonymous (the public, developers), a department's staff, or an administrator."""

    role: Role = Role.ANONYMOUS
    department: str | None = None  # the IRI of a staff member's department

    @property
    def audiences(self) -> tuple[Audience, ...]:
        if self.role is Role.ADMIN:
            return tuple(Audience)
        if self.role is Role.STAFF:
            return Audience.PUBLIC, Audience.STAFF
        return (Audience.PUBLIC,)

    def may_see(self, audiences: Iterable[str], owners: Iterable[str] = ()) -> bool:
        """Whether an entity with these audiences (owned by these departments) is visible to the caller."""
        audiences = set(audiences)
        if audiences & set(self.audiences):
            return True
        return (self.department is not None and Audience.OWNER in audiences
                and self.department in set(owners))

    def guard(self, var: str) -> str:
        """A SPARQL group-pattern fragment keeping ``?var`` only where the caller may see it."""
        if self.role is Role.ADMIN:
            return ""
        allowed = self.audiences
        if len(allowed) == 1 and self.department is None:
            return f"?{var} {_AUDIENCE} <{allowed[0]}> ."
        values = ", ".join(f"<{a}>" for a in allowed)
        condition = f"EXISTS {{ ?{var} {_AUDIENCE} ?{var}__a . FILTER(?{var}__a IN ({values})) }}"
        if self.department is not None:
            condition += (f" || EXISTS {{ ?{var} {_AUDIENCE} <{Audience.OWNER}> ."
                          f" ?{var} {_OWNED_BY} <{self.department}> }}")
        return f"FILTER({condition})"

    def link_guard(self, var: str) -> str:
        """A SPARQL fragment keeping ``?var`` where the caller may follow a link to it: an entity the caller
        may see, or anything without an audience (vocabulary terms, code-list concepts, external IRIs)."""
        if self.role is Role.ADMIN:
            return ""
        unlabelled = f"NOT EXISTS {{ ?{var} {_AUDIENCE} ?{var}__any }}"
        return f"FILTER(!isIRI(?{var}) || {unlabelled} || EXISTS {{ {self.guard(var)} }})"


ANONYMOUS = Caller()
ADMIN = Caller(Role.ADMIN)

"""Query depth and cost limits, and the per-request store-query count reported in ``extensions``.

Depth is limited by strawberry's ``QueryDepthLimiter``. Strawberry has no cost analysis, so
:class:`CostLimit` estimates one: every field costs 1, multiplied by the sizes of the lists around it (a
connection's ``first`` argument, or :data:`LIST_SIZE` for link lists), and the query is refused before it
runs when the estimate passes the limit.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
)
from strawberry.extensions import SchemaExtension

from graph_api.graphql.pages import MAX_PAGE

LIST_SIZE = 5  # the typical fan-out of a link list (a dataset's elements, a system's services, …)
DEFAULT_FIRST = 20


def cost_limit(max_cost: int) -> type[ValidationRule]:
    """A validation rule refusing operations whose estimated cost exceeds ``max_cost``."""

    class CostLimit(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
            context: ValidationContext = self.context
            fragments = {d.name.value: d for d in context.document.definitions
                         if isinstance(d, FragmentDefinitionNode)}
            cost = _selection_cost(node.selection_set, fragments, 1, set())
            if cost > max_cost:
                self.report_error(GraphQLError(
                    f"查询代价 {cost} 超过上限 {max_cost}，请减少 first 或嵌套列表 / query cost {cost} exceeds the "
                    f"limit of {max_cost}: ask for fewer items or less nesting", node))

    return CostLimit


def _selection_cost(selection_set: SelectionSetNode | None, fragments: dict[str, FragmentDefinitionNode],
                    multiplier: int, visiting: set[str]) -> int:
    if selection_set is None:
        return 0
    cost = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            cost += multiplier
            size = _list_size(selection)
            cost += _selection_cost(selection.selection_set, fragments, multiplier * size, visiting)
        elif isinstance(selection, InlineFragmentNode):
            cost += _selection_cost(selection.selection_set, fragments, multiplier, visiting)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in visiting:
                cost += _selection_cost(fragments[name].selection_set, fragments, multiplier, visiting | {name})
    return cost


def _list_size(field: FieldNode) -> int:
    """How many items a field may return: ``first`` if given (the maximum page for a variable, whose value
    validation cannot see), else a guess for lists, 1 for scalars."""
    if field.selection_set is None:
        return 1
    for argument in field.arguments or ():
        if argument.name.value == "first":
            value = argument.value
            if isinstance(value, IntValueNode):
                return max(1, int(value.value))
            if isinstance(value, VariableNode):
                return MAX_PAGE
    if field.name.value in ("edges", "nodes", "node", "pageInfo"):  # the page size is counted on the connection
        return 1
    names = {s.name.value for s in field.selection_set.selections if isinstance(s, FieldNode)}
    if names & {"edges", "nodes", "totalCount"}:
        return DEFAULT_FIRST
    return LIST_SIZE if field.name.value.endswith("s") or field.name.value in ("children", "dependsOn") else 1


class StoreQueryCount(SchemaExtension):
    """Reports how many store queries the request cost (``extensions.storeQueries``)."""

    def get_results(self) -> dict[str, Any]:
        context = self.execution_context.context
        reader = getattr(context, "reader", None)
        return {"storeQueries": reader.queries} if reader is not None else {}

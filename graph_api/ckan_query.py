"""CKAN's Solr-style search parameters (``q``, ``fq``, ``sort``) read into plain terms.

CKAN clients and harvesters send Lucene/Solr syntax; Yuanshu's search backends take structured filters
(:class:`search.backend.SearchQuery`). This module understands the subset that CKAN clients use —
``organization:a OR organization:b``, ``-groups:x``, ``tags:"两个 词"``, ``res_format:(CSV OR XLSX)``,
``metadata_modified:[2024-01-01T00:00:00Z TO *]``, ``+dataset_type:dataset``, ``*:*`` — and rejects the rest
with a clear :class:`QuerySyntaxError` rather than guessing. Mapping field values to the graph is the API's
job (:mod:`graph_api.ckan_api`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class QuerySyntaxError(ValueError):
    """A ``q``/``fq``/``sort`` the API cannot read (answered as CKAN's Search Query Error)."""


@dataclass(frozen=True)
class Term:
    """One filter: ``field`` matches any of ``values`` (OR), or, with ``negated``, none of them.

    A range term (``metadata_modified:[a TO b]``) has ``low``/``high`` (``None`` for ``*``) and no values.
    """

    field: str
    values: tuple[str, ...] = ()
    negated: bool = False
    low: str | None = None
    high: str | None = None

    @property
    def is_range(self) -> bool:
        return not self.values


_TOKEN = re.compile(r"""
    \s*(?:
      (?P<op>AND\b|OR\b|NOT\b|&&|\|\|)
    | (?P<sign>[+-])(?=\S)
    | (?P<open>\()
    | (?P<close>\))
    | (?P<match_all>\*:\*)
    | (?P<field>[A-Za-z_][\w.]*):
    | (?P<range>\[[^\]]*\])
    | "(?P<quoted>(?:[^"\\]|\\.)*)"
    | (?P<bare>[^\s()"\[\]]+)
    )""", re.VERBOSE)
_RANGE = re.compile(r"\[\s*(\S+)\s+TO\s+(\S+)\s*\]")


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise QuerySyntaxError(f"无法解析查询条件，位置 {pos}：“{text[pos:pos + 20]}”"
                                   f" / cannot parse the query at {pos}")
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "quoted":
            value = re.sub(r"\\(.)", r"\1", value)
        tokens.append((kind, value))
        pos = match.end()
    return tokens


class _Parser:
    """Recursive descent over the tokens of one ``fq``: clauses AND-ed, terms within a clause OR-ed."""

    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> list[Term]:
        terms: list[Term] = []
        while self.peek() is not None:
            if self.peek() in (("op", "AND"), ("op", "&&")):
                self.take()
                continue
            terms.extend(self.clause())
        return terms

    def clause(self) -> list[Term]:
        """``[+|-|NOT] term (OR [+|-|NOT] term)*``: the OR-ed terms must name one field."""
        found = [self.signed_term()]
        while self.peek() in (("op", "OR"), ("op", "||")):
            self.take()
            found.append(self.signed_term())
        alternatives = [t for t in found if t is not None]
        if len(alternatives) < len(found):  # *:* OR …: everything
            return []
        if len(alternatives) == 1:
            return alternatives
        fields = {t.field for t in alternatives}
        if len(fields) > 1:
            raise QuerySyntaxError(f"OR 只能连接同一字段的条件（{' / '.join(sorted(fields))}）"
                                   " / OR may only join conditions on one field")
        if any(t.negated or t.is_range for t in alternatives):
            raise QuerySyntaxError("OR 不能连接否定条件或范围条件 / OR cannot join negated or range conditions")
        values = tuple(v for t in alternatives for v in t.values)
        return [Term(alternatives[0].field, values)]

    def signed_term(self) -> Term | None:
        negated = False
        token = self.peek()
        if token in (("sign", "+"), ("sign", "-"), ("op", "NOT")):
            self.take()
            negated = token != ("sign", "+")
        token = self.peek()
        if token is None:
            raise QuerySyntaxError("查询条件不完整 / incomplete query")
        kind, value = self.take()
        if kind == "match_all":
            if negated:
                raise QuerySyntaxError("不支持 -*:*（排除全部） / -*:* is not supported")
            return None
        if kind == "open":  # (a:x OR a:y)
            inner = self.clause()
            if self.peek() != ("close", ")"):
                raise QuerySyntaxError("括号不配对，或括号内有多个 AND 条件"
                                       " / unbalanced parentheses or AND inside them")
            self.take()
            if not inner:
                return None
            if negated and (inner[0].negated or inner[0].is_range):
                raise QuerySyntaxError("不支持双重否定或否定范围 / double negation or a negated range is not supported")
            return Term(inner[0].field, inner[0].values, negated or inner[0].negated, inner[0].low, inner[0].high)
        if kind != "field":
            raise QuerySyntaxError(f"条件须写成 字段:值，“{value}” 不是"
                                   f" / a condition must be field:value, not {value!r}")
        term = self.value(value)
        return Term(term.field, term.values, negated, term.low, term.high)

    def value(self, field: str) -> Term:
        token = self.peek()
        if token is None:
            raise QuerySyntaxError(f"字段 {field} 缺少值 / field {field} has no value")
        kind, value = self.take()
        if kind in ("quoted", "bare"):
            return Term(field, (value,))
        if kind == "range":
            match = _RANGE.fullmatch(value)
            if match is None:
                raise QuerySyntaxError(f"范围须写成 [起 TO 止]：{value} / a range must read [from TO to]")
            low, high = (None if v == "*" else v for v in match.groups())
            return Term(field, (), low=low, high=high)
        if kind == "open":
            values = [self.single_value(field)]
            while self.peek() != ("close", ")"):
                operator = self.take() if self.peek() is not None else None
                if operator not in (("op", "OR"), ("op", "||")):
                    raise QuerySyntaxError(f"括号内的值须用 OR 分隔（字段 {field}） / values in parentheses must be"
                                           " separated by OR")
                values.append(self.single_value(field))
            self.take()
            return Term(field, tuple(values))
        raise QuerySyntaxError(f"字段 {field} 的值无法解析 / cannot read the value of {field}")

    def single_value(self, field: str) -> str:
        token = self.peek()
        if token is None or token[0] not in ("quoted", "bare"):
            raise QuerySyntaxError(f"字段 {field} 的值无法解析 / cannot read the value of {field}")
        return self.take()[1]


def parse_filter(text: str) -> list[Term]:
    """The terms of one ``fq`` (or of one ``fq_list`` entry)."""
    return _Parser(text).parse()


_OPERATORS = frozenset({"AND", "OR", "&&", "||"})  # Solr's; the backend combines words by its own rule
_Q_TERM = re.compile(r'(?<!\S)([+-]?)([A-Za-z_][\w.]*):("(?:[^"\\]|\\.)*"|\S+)')


def split_q(q: str, filter_fields: frozenset[str]) -> tuple[str, list[Term]]:
    """``q`` → (free text, filter terms). ``*:*`` and empty mean everything; ``field:value`` for a known
    filter field becomes a filter, ``title:x``/``text:x`` and anything else stays free text (without Solr's
    ``AND``/``OR``)."""
    terms: list[Term] = []

    def pick(match: re.Match[str]) -> str:
        sign, field, value = match.groups()
        if value.startswith('"'):
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        if field in filter_fields:
            terms.append(Term(field, (value,), negated=sign == "-"))
            return " "
        if sign == "-":
            raise QuerySyntaxError(f"q 中只有筛选字段可以否定，{field} 不行 / only filter fields can be negated in q")
        return f" {value} "

    text = _Q_TERM.sub(pick, q.replace("*:*", " "))
    return " ".join(w for w in text.split() if w not in _OPERATORS), terms


@dataclass(frozen=True)
class SortClause:
    field: str
    descending: bool


def parse_sort(text: str) -> list[SortClause]:
    """``"score desc, metadata_modified desc"`` → clauses (direction ``asc`` unless given)."""
    clauses: list[SortClause] = []
    for part in text.split(","):
        words = part.split()
        if not words:
            continue
        if len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise QuerySyntaxError(f"排序须写成 “字段 asc|desc”：{part.strip()} / sort must read 'field asc|desc'")
        clauses.append(SortClause(words[0], len(words) == 2 and words[1].lower() == "desc"))
    if not clauses:
        raise QuerySyntaxError("排序为空 / empty sort")
    return clauses

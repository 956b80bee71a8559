"""Column specifications and the step from a raw row to a validated record.

A source kind declares its columns: the canonical Chinese header, accepted aliases (English and the
variants real files use), a parser and whether the column is required. :func:`parse_row` turns one
:class:`~loaders.reading.Row` into a :class:`Record` or a list of :class:`~loaders.errors.RowError`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pyoxigraph as ox

from loaders.errors import RowError
from loaders.normalize import clean_text, split_list
from loaders.reading import Row, clean_header

Parser = Callable[[Any], Any]


@dataclass(frozen=True)
class Column:
    """One column of a source kind."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    parse: Parser = clean_text
    required: bool = False
    many: bool = False  # a list in one cell (split on 、;，, …), each item parsed

    def __post_init__(self) -> None:
        if self.parse is not clean_text:  # clean_text caches by itself
            object.__setattr__(self, "parse", memoised(self.parse))

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


def memoised(parse: Parser) -> Parser:
    """A parser that remembers its results: category, flag and date columns repeat a few values on every row.

    Failures are not remembered (each bad cell is reported); unhashable cells (JSON lists) are parsed directly.
    """
    remember = lru_cache(maxsize=4096, typed=True)(parse)

    def parse_memoised(raw: Any) -> Any:
        try:
            hash(raw)
        except TypeError:
            return parse(raw)
        return remember(raw)

    return parse_memoised


@dataclass
class Record:
    """A validated row: parsed values by column key, plus the columns no kind knows."""

    row: int
    values: dict[str, Any]
    extras: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.values.get(key)

    def get(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key)
        return default if value is None else value


@dataclass(frozen=True)
class SourceKind:
    """A kind of source file: its columns, identity column and how a record becomes triples."""

    name: str
    label: str
    columns: tuple[Column, ...]
    subject: Callable[[Record, Any], str]  # the record's main IRI: two rows with the same one are duplicates
    build: Callable[[Record, Any], Iterable[ox.Quad]]
    distinctive: tuple[str, ...] = ()  # column keys that identify this kind when detecting it

    def header_map(self, headers: Iterable[str]) -> dict[str, Column]:
        """Map the file's headers to columns (canonical name or alias, compared loosely)."""
        lookup = {clean_header(name): column for column in self.columns for name in column.names}
        mapped: dict[str, Column] = {}
        for header in headers:
            column = lookup.get(clean_header(header))
            if column is not None and column not in mapped.values():
                mapped[header] = column
        return mapped

    def missing_required(self, mapped: dict[str, Column]) -> list[Column]:
        present = set(mapped.values())
        return [c for c in self.columns if c.required and c not in present]

    def all_headers(self) -> set[str]:
        return {clean_header(n) for c in self.columns for n in c.names}


def parse_row(row: Row, mapped: dict[str, Column], kind: SourceKind, file: str) -> Record | list[RowError]:
    """Validate one row: every present column parsed, required ones non-empty; errors name the column."""
    errors: list[RowError] = []
    values: dict[str, Any] = {}
    extras: dict[str, str] = {}
    for header, raw in row.values.items():
        if header == "__extra_cells__":
            errors.append(RowError(file, row.number, None, "该行单元格多于表头列数", _show(raw)))
            continue
        column = mapped.get(header)
        if column is None:
            text = clean_text(raw)
            if text is not None:
                extras[header] = text
            continue
        if clean_text(raw) is None:
            continue
        try:
            values[column.key] = _parse(column, raw)
        except ValueError as exc:
            errors.append(RowError(file, row.number, column.header, str(exc), _show(raw)))
    present = set(mapped.values())
    for column in kind.columns:
        if (column.required and values.get(column.key) in (None, []) and column in present
                and not any(e.column == column.header for e in errors)):
            errors.append(RowError(file, row.number, column.header, f"必填项“{column.header}”为空"))
    return errors if errors else Record(row.number, values, extras)


def _parse(column: Column, raw: Any) -> Any:
    if not column.many:
        return column.parse(raw)
    return [column.parse(item) for item in split_list(raw)]


def _show(raw: Any) -> str:
    return str(raw)[:200]


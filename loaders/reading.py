"""Streaming table reading: CSV/TXT, XLSX/XLSM and JSON source files as tables of raw rows.

Rows are produced lazily (CSV and XLSX are never read whole into memory). The header row is found among
the first rows of a table by matching the caller's known headers, which copes with a title row above the
header and with merged header cells spanning two or three rows.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import json
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from loaders.encoding import decode_error, detect_encoding, encoding_label
from loaders.errors import SourceFileError
from loaders.normalize import cell_text

if TYPE_CHECKING:
    from _csv import _reader

EXTRA_CELLS = "__extra_cells__"
"""Key under which a CSV row's cells beyond the header (a list of values) are reported."""

CSV_SUFFIXES = frozenset({".csv", ".txt"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
JSON_SUFFIXES = frozenset({".json"})
JSON_LIST_KEYS = ("data", "records", "result", "results", "rows", "items", "list", "dataset")
"""Keys under which a JSON object holds its list of records (searched in order, one level deep)."""

_HEADER_SCAN_ROWS = 10
_HEADER_BAND_ROWS = 3
_SNIFF_LINES = 20
_DELIMITERS = ",;\t|"
_SAMPLE_BYTES = 1 << 16
_REQUIRED_MARKS = re.compile(r"\((?:必填|选填)\)")
_WHITESPACE = re.compile(r"\s+")

Cells = list[Any]
NumberedCells = tuple[int, Cells]


@dataclass
class Row:
    """One data row: the row number a person sees in the file and the raw value under each header."""

    number: int
    values: dict[str, object]


@dataclass
class Table:
    """One table of a source file (a CSV/JSON file, or one sheet of a workbook).

    ``headers`` lists the keys rows can have; an unnamed column that turns out to hold values is added
    as ``列N`` when the first such row is read.
    """

    file: str
    sheet: str | None
    headers: list[str]
    rows: Iterator[Row]
    encoding: str | None


def clean_header(text: object) -> str:
    """A header as compared and used as a key: NFKC, no whitespace, no 必填 marks, no trailing colon or *."""
    header = unicodedata.normalize("NFKC", cell_text(text))
    header = _WHITESPACE.sub("", _REQUIRED_MARKS.sub("", header))
    return header.strip("*").rstrip(":*")


def read_tables(path: Path, known_headers: Collection[str]) -> Iterator[Table]:
    """The tables of a CSV, XLSX or JSON file, each with lazily read rows.

    For XLSX, every non-empty sheet is a table, in workbook order; the workbook is closed once the
    iteration over tables ends, and rows already started keep streaming.
    """
    suffix = path.suffix.lower()
    known = {clean_header(h) for h in known_headers}
    if suffix in CSV_SUFFIXES:
        yield _csv_table(path, known)
    elif suffix in XLSX_SUFFIXES:
        yield from _xlsx_tables(path, known)
    elif suffix in JSON_SUFFIXES:
        yield _json_table(path)
    elif suffix == ".xls":
        raise SourceFileError(path.name, "不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV")
    else:
        raise SourceFileError(path.name, f"不支持的文件类型“{suffix or path.name}”，应为 CSV、XLSX 或 JSON")


# --- CSV ---------------------------------------------------------------------------------------------


def _csv_table(path: Path, known: set[str]) -> Table:
    codec, label = _sniff_encoding(path)
    lines = _text_lines(path, codec)
    head = list(itertools.islice(lines, _SNIFF_LINES))
    reader = csv.reader(itertools.chain(head, lines), delimiter=_sniff_delimiter(head))
    table = _table(path.name, None, label, _csv_records(reader, path.name), known, _ordinal, strict=True)
    if table is None:
        raise SourceFileError(path.name, "文件为空，没有表头行")
    return table


def _sniff_encoding(path: Path) -> tuple[str, str]:
    """Codec and label from the first line-aligned chunk with non-ASCII bytes; the file is not read whole."""
    line, offset = 1, 0
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(_SAMPLE_BYTES) + fh.readline()
            if not chunk or not chunk.isascii() or b"\x00" in chunk:
                break
            line += chunk.count(b"\n")
            offset += len(chunk)
    codec = detect_encoding(chunk, path.name, start_line=line, start_offset=offset)
    return codec, encoding_label(codec, chunk)


def _text_lines(path: Path, codec: str) -> Iterator[str]:
    """Decoded physical lines (ending kept); a line that does not decode raises SourceFileError."""
    if codec == "utf-16":
        yield from _utf16_lines(path)
        return
    line_codec = "utf-8" if codec == "utf-8-sig" else codec
    with path.open("rb") as fh:
        offset = fh.seek(len(codecs.BOM_UTF8) if codec == "utf-8-sig" else 0)
        for number, raw in enumerate(fh, 1):
            try:
                text = raw.decode(line_codec)
            except UnicodeDecodeError as exc:
                bad = raw[exc.start : exc.end]
                raise decode_error(path.name, line_codec, number, offset + exc.start, bad) from exc
            yield text
            offset += len(raw)


def _utf16_lines(path: Path) -> Iterator[str]:
    """Lines of a UTF-16 file (decoded in blocks, so an error can only say after which line it is)."""
    done = 0
    with path.open(encoding="utf-16", newline="") as fh:
        try:
            for text in fh:
                yield text
                done += 1
        except UnicodeDecodeError as exc:
            raise SourceFileError(path.name, f"第{done}行之后的内容无法按 UTF-16 解码") from exc


def _sniff_delimiter(lines: list[str]) -> str:
    """The delimiter among , ; tab | that splits the most sample lines into the same number (>1) of fields."""
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        try:
            widths = [len(fields) for fields in csv.reader(lines, delimiter=delimiter) if len(fields) > 1]
        except csv.Error:
            continue
        if widths:
            width, count = Counter(widths).most_common(1)[0]
            if (count, width) > best_score:
                best, best_score = delimiter, (count, width)
    return best


def _csv_records(reader: _reader, file: str) -> Iterator[NumberedCells]:
    """Records numbered by the physical line they start on."""
    while True:
        start = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise SourceFileError(file, f"CSV 格式错误：{exc}", row=start) from exc
        yield start, fields


# --- XLSX --------------------------------------------------------------------------------------------


def _xlsx_tables(path: Path, known: set[str]) -> Iterator[Table]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise SourceFileError(path.name, f"无法读取 XLSX 文件：{exc}") from exc
    found = False
    try:
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()  # stored dimensions are often wrong and would truncate rows
            numbered = enumerate((list(r) for r in sheet.iter_rows(values_only=True)), 1)
            table = _table(path.name, sheet.title, None, numbered, known, _letter, strict=False)
            if table is not None:
                found = True
                yield table
    finally:
        workbook.close()  # sheet streams already opened stay readable until exhausted
    if not found:
        raise SourceFileError(path.name, "工作簿中没有非空的工作表，没有表头行")


def _letter(index: int) -> str:
    return get_column_letter(index + 1)


def _ordinal(index: int) -> str:
    return str(index + 1)


# --- JSON --------------------------------------------------------------------------------------------


def _json_table(path: Path) -> Table:
    data = path.read_bytes()
    codec = detect_encoding(data, path.name)
    try:
        document = json.loads(data.decode(codec))
    except UnicodeDecodeError as exc:
        raise SourceFileError(path.name, f"无法按 {encoding_label(codec, data)} 解码：{exc.reason}") from exc
    except json.JSONDecodeError as exc:
        raise SourceFileError(path.name, f"JSON 格式错误：{exc.msg}（第{exc.colno}列）", row=exc.lineno) from exc
    records = _json_records(document, path.name)
    headers = list(dict.fromkeys(clean_header(key) for record in records for key in record))
    rows = (
        Row(number, {clean_header(key): value for key, value in record.items()})
        for number, record in enumerate(records, 1)
    )
    return Table(path.name, None, headers, rows, encoding_label(codec, data))


def _json_records(document: object, file: str) -> list[dict[str, Any]]:
    """The list of record objects in a JSON document (a list, or a list under a known key)."""
    records = _find_record_list(document)
    if records is None:
        keys = "、".join(JSON_LIST_KEYS)
        raise SourceFileError(file, f"JSON 应为对象列表，或在 {keys} 等键下放对象列表")
    for number, record in enumerate(records, 1):
        if not isinstance(record, dict):
            raise SourceFileError(file, f"第{number}条记录不是 JSON 对象")
    return records


def _find_record_list(document: object, depth: int = 0) -> list[Any] | None:
    if isinstance(document, list):
        return document
    if not isinstance(document, dict) or depth > 1:
        return None
    for key in JSON_LIST_KEYS:
        if key in document:
            found = _find_record_list(document[key], depth + 1)
            if found is not None:
                return found
    lists = [value for value in document.values() if isinstance(value, list)]
    return lists[0] if len(lists) == 1 else None


# --- header detection and row building ---------------------------------------------------------------


def _table(
    file: str,
    sheet: str | None,
    encoding: str | None,
    numbered: Iterator[NumberedCells],
    known: set[str],
    label: Callable[[int], str],
    *,
    strict: bool,
) -> Table | None:
    """A table from numbered raw rows, or None when there is no non-empty row at all."""
    filled = (item for item in numbered if not all(_empty(cell) for cell in item[1]))
    scanned = list(itertools.islice(filled, _HEADER_SCAN_ROWS))
    if not scanned:
        return None
    at, names = _choose_header([cells for _, cells in scanned], known)
    names = _unique(names, label)
    headers = [name for name in names if name]
    build = _RowBuilder(names, headers, label, strict)
    first = [build(number, cells) for number, cells in scanned[at + 1 :]]  # may name unnamed columns
    rest = (build(number, cells) for number, cells in filled)
    return Table(file, sheet, headers, itertools.chain(first, rest), encoding)


def _choose_header(rows: list[Cells], known: set[str]) -> tuple[int, list[str]]:
    """The header row index and its derived headers: the row whose headers match most known headers.

    On a tie the row with fewer unnamed columns wins (the lower row of a band whose upper row has
    merged gaps), then the earlier row.
    """
    candidates = [_derive_headers(rows, at, known) for at in range(len(rows))]
    scores = [(len(known.intersection(names)), -names.count("")) for names in candidates]
    best = scores.index(max(scores))
    if scores[best][0] == 0:  # nothing known: the first row that is not a title
        best = next((at for at, row in enumerate(rows) if not _title_like(row)), 0)
    return best, candidates[best]


def _derive_headers(rows: list[Cells], at: int, known: set[str]) -> list[str]:
    """Headers if row ``at`` is the last header row, filling merged cells from the header band above."""
    above = _band_above(rows, at)
    width = max(len(row) for row in [rows[at], *above])
    groups = _forward_filled(above[0], width) if above else [""] * width
    names = []
    for column in range(width):
        own = _header_at(rows[at], column) or next((text for row in above if (text := _header_at(row, column))), "")
        group = groups[column]
        if own and group and group != own and own not in known and group + own in known:
            own = group + own
        names.append(own)
    counts = Counter(names)
    return [
        group + name if name and counts[name] > 1 and group and group != name else name
        for name, group in zip(names, groups, strict=True)
    ]


def _band_above(rows: list[Cells], at: int) -> list[Cells]:
    """Header rows directly above row ``at`` (nearest first), stopping at a title-like row."""
    above = []
    for index in range(at - 1, max(at - _HEADER_BAND_ROWS, -1), -1):
        if _title_like(rows[index]):
            break
        above.append(rows[index])
    return above


def _forward_filled(row: Cells, width: int) -> list[str]:
    """Header texts of a row with empty cells taken from their left neighbour (a horizontal merge)."""
    filled, last = [], ""
    for column in range(width):
        last = _header_at(row, column) or last
        filled.append(last)
    return filled


def _unique(names: list[str], label: Callable[[int], str]) -> list[str]:
    """Names with later duplicates marked by their column, so no value is lost under a shared key."""
    seen: set[str] = set()
    unique = []
    for column, name in enumerate(names):
        if name and name in seen:
            name = f"{name}(列{label(column)})"
        seen.add(name)
        unique.append(name)
    return unique


@dataclass
class _RowBuilder:
    """Turns raw cells into a :class:`Row`, naming unnamed columns that hold values."""

    names: list[str]  # one per header column, "" when unnamed
    headers: list[str]  # the table's headers, extended with 列N names
    label: Callable[[int], str]
    strict: bool  # CSV: cells beyond the header are an error, not a column

    def __call__(self, number: int, cells: Cells) -> Row:
        values: dict[str, object] = {}
        for column, name in enumerate(self.names):
            value = cells[column] if column < len(cells) else ("" if self.strict else None)
            if name:
                values[name] = value
            elif not _empty(value):
                values[self._unnamed(column)] = value
        extra = cells[len(self.names) :]
        if self.strict and not all(_empty(cell) for cell in extra):
            values[EXTRA_CELLS] = _trimmed(extra)
        elif not self.strict:
            for offset, value in enumerate(extra):
                if not _empty(value):
                    values[self._unnamed(len(self.names) + offset)] = value
        return Row(number, values)

    def _unnamed(self, column: int) -> str:
        name = f"列{self.label(column)}"
        if name not in self.headers:
            self.headers.append(name)
        return name


def _trimmed(cells: Iterable[object]) -> list[object]:
    """Cells without the trailing empty ones."""
    kept = list(cells)
    while kept and _empty(kept[-1]):
        kept.pop()
    return kept


def _header_at(row: Cells, column: int) -> str:
    return clean_header(row[column]) if column < len(row) else ""


def _title_like(row: Cells) -> bool:
    """A row with at most one non-empty cell: a title such as “河源市XX局政务信息资源目录”."""
    return sum(not _empty(cell) for cell in row) <= 1


def _empty(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())

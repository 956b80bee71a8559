"""Row-by-row writers for CSV (UTF-8, UTF-8 with BOM, GBK) and XLSX (openpyxl write-only).

XLSX output is made byte-identical across runs: openpyxl stamps the save time into docProps/core.xml and
the zip entries, so the saved file is copied into a zip with fixed timestamps.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

FIXED_TIME = dt.datetime(2021, 6, 30, 9, 0, 0)
_ZIP_TIME = (2021, 6, 30, 9, 0, 0)


class CsvSink:
    """A CSV file written one row at a time."""

    def __init__(self, path: Path, header: Sequence[str], encoding: str = "utf-8") -> None:
        self.path = path
        self._file = open(path, "w", encoding=encoding, newline="")  # noqa: SIM115 - closed in close()
        self._writer = csv.writer(self._file)
        self._writer.writerow(header)
        self.rows = 0

    def write(self, row: Sequence[Any]) -> None:
        self._writer.writerow(["" if v is None else _csv_value(v) for v in row])
        self.rows += 1

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> CsvSink:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _csv_value(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class XlsxSheet:
    """One write-only worksheet: an optional title row, one or two header rows with merges, then data."""

    def __init__(self, book: XlsxBook, title: str) -> None:
        self._book = book
        self.ws = book.wb.create_sheet(title)
        self.rows = 0
        self._row = 0

    def title_row(self, text: str, width: int) -> None:
        self._row += 1
        cell = WriteOnlyCell(self.ws, value=text)
        cell.font = Font(bold=True, size=14)
        cell.alignment = Alignment(horizontal="center")
        self.ws.merged_cells.add(f"A{self._row}:{_col(width)}{self._row}")
        self.ws.append([cell])

    def header(self, columns: Sequence[str], groups: Sequence[tuple[str, int, int]] = ()) -> None:
        """Write the header. ``groups`` are (group label, first column index, last column index): those
        columns get a two-row header with the group label merged above them; the other columns' headers
        are merged across both rows."""
        bold = Font(bold=True)
        if not groups:
            self._row += 1
            self.ws.append([self._styled(c, bold) for c in columns])
            return
        top = self._row + 1
        first_row: list[Any] = list(columns)
        second_row: list[Any] = [None] * len(columns)
        grouped: set[int] = set()
        for label, start, end in groups:
            for i in range(start, end + 1):
                grouped.add(i)
                second_row[i] = columns[i]
                first_row[i] = None
            first_row[start] = label
            self.ws.merged_cells.add(f"{_col(start + 1)}{top}:{_col(end + 1)}{top}")
        for i in range(len(columns)):
            if i not in grouped:
                self.ws.merged_cells.add(f"{_col(i + 1)}{top}:{_col(i + 1)}{top + 1}")
        self.ws.append([self._styled(v, bold) if v is not None else None for v in first_row])
        self.ws.append([self._styled(v, bold) if v is not None else None for v in second_row])
        self._row += 2

    def _styled(self, value: Any, font: Font) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value=value)
        cell.font = font
        return cell

    def write(self, row: Sequence[Any]) -> None:
        self.ws.append([self._cell(v) for v in row])
        self._row += 1
        self.rows += 1

    def _cell(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            cell = WriteOnlyCell(self.ws, value=value)
            cell.number_format = "yyyy-mm-dd"
            return cell
        if isinstance(value, float):
            cell = WriteOnlyCell(self.ws, value=value)
            cell.number_format = "0.00"
            return cell
        return None if value == "" else value


class XlsxBook:
    """A write-only workbook saved deterministically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.wb = Workbook(write_only=True)
        self.wb.properties.creator = "河源市政务服务数据管理局"
        self.wb.properties.created = FIXED_TIME

    def sheet(self, title: str) -> XlsxSheet:
        return XlsxSheet(self, title)

    def save(self) -> None:
        with tempfile.TemporaryDirectory(prefix="yuanshu-demo-") as tmp:
            raw = Path(tmp) / "raw.xlsx"
            self.wb.save(raw)
            _normalise_zip(raw, self.path)


def _normalise_zip(src: Path, dst: Path) -> None:
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with ZipFile(src) as zin, ZipFile(dst, "w", ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            entry = ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = ZIP_DEFLATED
            entry.external_attr = info.external_attr
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp + rb"\g<2>",
                    zin.read(info),
                )
                zout.writestr(entry, data)
                continue
            with zin.open(info) as source, zout.open(entry, "w") as target:
                shutil.copyfileobj(source, target, 1 << 20)


def _col(index: int) -> str:
    """Column letter(s) of a 1-based column index."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters

"""Load errors: one bad cell or row (RowError) and a file that cannot be read at all (SourceFileError)."""

from __future__ import annotations

from dataclasses import dataclass


def _located(file: str, row: int | None, column: str | None, reason: str) -> str:
    """Format ``catalog.csv 第12行 “发布日期” 列：reason``."""
    where = file
    if row is not None:
        where += f" 第{row}行"
    if column:
        where += f" “{column}” 列"
    return f"{where}：{reason}"


@dataclass(frozen=True)
class RowError:
    """A problem with one row (``column`` None) or one cell of a source file; good rows still load."""

    file: str
    row: int | None
    column: str | None
    reason: str
    value: str | None = None

    def __str__(self) -> str:
        return _located(self.file, self.row, self.column, self.reason)


class SourceFileError(Exception):
    """A whole-file problem: undecodable bytes, no header row, unreadable workbook or JSON."""

    def __init__(self, file: str, reason: str, row: int | None = None, column: str | None = None) -> None:
        super().__init__(file, reason, row, column)
        self.file = file
        self.reason = reason
        self.row = row
        self.column = column

    def __str__(self) -> str:
        return _located(self.file, self.row, self.column, self.reason)

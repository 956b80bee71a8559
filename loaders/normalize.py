"""Value normalisers for raw cells (CSV text, XLSX values, JSON values).

Each parser raises ``ValueError`` with a short Chinese reason; the caller adds file, row and column.
Full-width digits and letters (``２０２１－０３－０１``, ``ＹＥＳ``) are accepted everywhere.

- :func:`clean_text`: text with full-width ASCII folded (Chinese punctuation ，；：？！（） and 、。“” kept),
  whitespace collapsed; :data:`PLACEHOLDERS` (``null``, ``-``, ``无`` …, as a whole value) become None.
- :func:`parse_date`: ``2021-03-01``, ``2021/3/1``, ``2021.3.1``, ``2021年3月1日``, ``20210301``, with an
  optional time part (``2021-03-01 10:20:30``, ISO ``T…Z``), date/datetime objects, Excel serial numbers
  20000–80000 (1900 date system).
- :func:`parse_bool`: 是/否, Y/N, yes/no, true/false, 1/0, 有/无, √/×, 对/错.
- :func:`parse_int` / :func:`parse_decimal`: ``3``, ``3.0``, ``1,234``, ``1,234.5``, with a unit from
  :data:`NUMBER_UNITS` (``3个工作日``, ``12.5万元``, ``85%`` → 85).
- :func:`split_list`: items separated by 、;；，,|｜ or newlines, or written as ``[a,b]``/``['a', 'b']``.
- :func:`parse_year`: ``2021``, ``2021年``, ``2021-05``, a date; between 1949 and 2100.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from functools import lru_cache

PLACEHOLDERS = frozenset({"", "none", "null", "nan", "n/a", "-", "--", "—", "——", "/", "无"})
"""Whole values that mean “no value” (compared case-insensitively)."""

NUMBER_UNITS = frozenset(
    {"", "%", "万元", "次", "个", "项", "件", "条", "人", "人次", "天", "日", "工作日", "个工作日", "自然日"}
)
"""Units a number may carry; others (小时, 个月, 元 …) change its meaning and are rejected."""

YEAR_RANGE = (1949, 2100)

_KEPT_PUNCTUATION = "，；：？！（）"
_FOLD_ALL = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD_ALL.update({0x3000: " ", 0x00A0: " ", 0x200B: None, 0xFEFF: None})
_FOLD_TEXT = {code: repl for code, repl in _FOLD_ALL.items() if chr(code) not in _KEPT_PUNCTUATION}
_SPACES = re.compile(r"\s+")

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_RANGE = (20000, 80000)
_TIME = r"(?:[ T]\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DATE_PATTERNS = (
    re.compile(rf"(?P<y>\d{{4}})\s*(?P<sep>[-/.])\s*(?P<m>\d{{1,2}})\s*(?P=sep)\s*(?P<d>\d{{1,2}}){_TIME}"),
    re.compile(rf"(?P<y>\d{{4}})\s*年\s*(?P<m>\d{{1,2}})\s*月\s*(?P<d>\d{{1,2}})\s*日?{_TIME}"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
)
_DATE_FORMS = "应为 2021-03-01、2021/3/1、2021年3月1日 或 Excel 日期序号"
_YEAR = re.compile(r"(\d{4})\s*(?:年|[-/.年]\s*(\d{1,2})\s*月?)?")

_TRUE = frozenset({"是", "y", "yes", "true", "t", "1", "有", "√", "✓", "✔", "对"})
_FALSE = frozenset({"否", "n", "no", "false", "f", "0", "无", "×", "✗", "✘", "错"})

_NUMBER = re.compile(r"([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(.*)")

_LIST_SEPARATORS = re.compile(r"[、;；，,|｜\r\n]+")
_QUOTE_PAIRS = {"'": "'", '"': '"', "`": "`", "“": "”", "‘": "’"}


def cell_text(value: object) -> str:
    """The text a person sees in a raw cell: integral floats without ".0", dates in ISO form, None as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def clean_text(value: object) -> str | None:
    """Normalised text, or None for an empty cell or a placeholder such as “null”, “-” or “无”."""
    if isinstance(value, str):
        return _clean_str(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return _clean_str(cell_text(value))


@lru_cache(maxsize=1 << 16)
def _clean_str(value: str) -> str | None:
    """clean_text of a string (cached: category columns repeat the same few values on every row)."""
    text = _SPACES.sub(" ", value.translate(_FOLD_TEXT)).strip()
    return None if text.casefold() in PLACEHOLDERS else text


def parse_date(value: object) -> dt.date:
    """A calendar date from any of the forms in the module docstring."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _fold(value)
    if (isinstance(value, int | float) and not isinstance(value, bool)) or _is_serial(text):
        return _from_serial(text, value)
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            try:
                day = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                break
            return _plausible(day)
    raise ValueError(f"无法识别的日期“{_shown(value)}”，{_DATE_FORMS}")


def parse_bool(value: object) -> bool:
    """True for 是/Y/yes/true/1/有/√/对, False for 否/N/no/false/0/无/×/错."""
    if isinstance(value, bool):
        return value
    word = _fold(value).casefold()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError(f"应为“是”或“否”，而不是“{_shown(value)}”")


def parse_int(value: object) -> int:
    """A whole number, optionally with thousands separators and a unit (“3个工作日”, “1,234”)."""
    number = _number(value)
    if number != number.to_integral_value():
        raise ValueError(f"应为整数，而不是“{_shown(value)}”")
    return int(number)


def parse_decimal(value: object) -> Decimal:
    """A decimal number, optionally with thousands separators and a unit (“12.5万元”, “85%” → 85)."""
    return _number(value)


def split_list(value: object) -> list[str]:
    """Items of a list cell, cleaned, without empties or duplicates, in order."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        parts: list[object] = list(value)
    else:
        text = cell_text(value).strip()
        if len(text) >= 2 and text[0] in "[［" and text[-1] in "]］":
            text = text[1:-1]
        parts = _LIST_SEPARATORS.split(text)
    items = (clean_text(_unquote(part) if isinstance(part, str) else part) for part in parts)
    return list(dict.fromkeys(item for item in items if item is not None))


def _unquote(item: str) -> str:
    """An item without the quotes that wrap it whole ('api', “公积金”), keeping quotes inside a name
    (“粤政易”移动办公平台 stays as it is)."""
    item = item.strip()
    if len(item) >= 2 and _QUOTE_PAIRS.get(item[0]) == item[-1] and item[0] not in item[1:-1]:
        return item[1:-1].strip()
    return item


def parse_year(value: object) -> int:
    """A year from 2021, “2021年”, “2021-05”, “2021年5月” or any date :func:`parse_date` accepts."""
    if isinstance(value, dt.date):
        return _year_in_range(value.year, value)
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return _year_in_range(int(value), value)
    match = _YEAR.fullmatch(_fold(value))
    if match and 1 <= int(match[2] or 1) <= 12:
        return _year_in_range(int(match[1]), value)
    try:
        day = parse_date(value)
    except ValueError:
        raise ValueError(f"无法识别的年份“{_shown(value)}”，应为 2021、2021年 或 2021-05") from None
    return _year_in_range(day.year, value)


def _fold(value: object) -> str:
    """Text for parsing: every full-width ASCII character folded, whitespace collapsed, stripped."""
    return _SPACES.sub(" ", cell_text(value).translate(_FOLD_ALL)).strip()


def _shown(value: object) -> str:
    return cell_text(value).strip()


def _is_serial(text: str) -> bool:
    return re.fullmatch(r"\d{5}(?:\.\d+)?", text) is not None


def _from_serial(text: str, value: object) -> dt.date:
    """An Excel serial number (days since 1899-12-30; the time of day is dropped), or yyyymmdd as a number."""
    if re.fullmatch(r"\d{8}", text):
        return parse_date(text)
    serial = float(text)
    if not _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
        raise ValueError(f"无法识别的日期“{_shown(value)}”，{_DATE_FORMS}")
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


def _plausible(day: dt.date) -> dt.date:
    if not 1900 <= day.year <= YEAR_RANGE[1]:
        raise ValueError(f"日期“{day.isoformat()}”的年份不在 1900–{YEAR_RANGE[1]} 之间")
    return day


def _year_in_range(year: int, value: object) -> int:
    low, high = YEAR_RANGE
    if not low <= year <= high:
        raise ValueError(f"年份“{_shown(value)}”不在 {low}–{high} 之间")
    return year


def _number(value: object) -> Decimal:
    """The number in a numeric cell; ValueError for text that is not a number with a known unit."""
    if isinstance(value, bool):
        raise ValueError(f"应为数字，而不是“{_shown(value)}”")
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        if not number.is_finite():
            raise ValueError(f"应为数字，而不是“{_shown(value)}”")
        return number
    match = _NUMBER.fullmatch(_fold(value))
    if match is None:
        raise ValueError(f"应为数字，而不是“{_shown(value)}”")
    digits, unit = match.groups()
    if unit not in NUMBER_UNITS:
        raise ValueError(f"“{_shown(value)}”的单位“{unit}”无法识别，可用单位：{'、'.join(sorted(NUMBER_UNITS - {''}))}")
    return Decimal(digits.replace(",", ""))

"""Value normalisers: every accepted form, every rejection, and oddities seen in real catalogs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from loaders.normalize import (
    PLACEHOLDERS,
    cell_text,
    clean_text,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    parse_year,
    split_list,
)

MARCH_1 = dt.date(2021, 3, 1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("河源市政务服务数据管理局", "河源市政务服务数据管理局"),
        ("  两端 空格  ", "两端 空格"),
        ("多个\u3000\u3000空格\xa0与\n换行", "多个 空格 与 换行"),
        ("ＡＢＣ１２３", "ABC123"),
        ("２０２１－０３－０１", "2021-03-01"),
        ("甲、乙，丙。“丁”（戊）：己；庚？", "甲、乙，丙。“丁”（戊）：己；庚？"),
        ("零宽\u200b字符\ufeff", "零宽字符"),
        ("无条件共享", "无条件共享"),
        ("每 null null", "每 null null"),
        (12, "12"),
        (12.0, "12"),
        (12.5, "12.5"),
        (dt.datetime(2021, 3, 1), "2021-03-01"),
        (dt.datetime(2021, 3, 1, 10, 20), "2021-03-01 10:20:00"),
        (MARCH_1, "2021-03-01"),
        (True, "TRUE"),
    ],
)
def test_clean_text(raw: object, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    "raw", [None, "", "   ", "\u3000", "None", "null", "NULL", "-", "—", "/", "无", " 无 ", "Ｎｕｌｌ", float("nan")]
)
def test_clean_text_placeholders_are_none(raw: object) -> None:
    assert clean_text(raw) is None


def test_placeholders_are_casefolded() -> None:
    assert all(p == p.casefold() for p in PLACEHOLDERS)


def test_cell_text() -> None:
    assert cell_text(None) == ""
    assert cell_text(3.0) == "3"
    assert cell_text(dt.time(10, 20)) == "10:20:00"


@pytest.mark.parametrize(
    "raw",
    [
        "2021-03-01",
        "2021-3-1",
        "2021/3/1",
        "2021/03/01",
        "2021.3.1",
        "2021年3月1日",
        "2021年03月01日",
        "2021年3月1",
        "20210301",
        20210301,
        "2021-03-01 10:20:30",
        "2021/3/1 10:20",
        "2021-03-01T10:20:30.123+08:00",
        "2021-03-01T10:20:30Z",
        "２０２１－０３－０１",
        "２０２１年３月１日",
        " 2021-03-01 ",
        44256,
        44256.75,
        "44256",
        dt.datetime(2021, 3, 1, 10, 20),
        MARCH_1,
    ],
)
def test_parse_date_accepts(raw: object) -> None:
    assert parse_date(raw) == MARCH_1


@pytest.mark.parametrize(
    "raw",
    ["2021-13-01", "2021-02-30", "2021-3/1", "2021-03", "2021", "明天", "", "123", 123, 90000, "99999", True],
)
def test_parse_date_rejects(raw: object) -> None:
    with pytest.raises(ValueError, match="无法识别的日期") as info:
        parse_date(raw)
    assert "应为 2021-03-01、2021/3/1、2021年3月1日 或 Excel 日期序号" in str(info.value)


def test_parse_date_reason_quotes_the_value() -> None:
    with pytest.raises(ValueError, match=r"^无法识别的日期“2021-13-01”，"):
        parse_date("2021-13-01")


def test_parse_date_rejects_implausible_year() -> None:
    with pytest.raises(ValueError, match="年份不在 1900"):
        parse_date("0021-03-01")


@pytest.mark.parametrize(
    "raw", ["是", "Y", "y", "yes", "YES", "True", "true", "1", 1, 1.0, "有", "√", "对", "ＹＥＳ", " 是 ", True]
)
def test_parse_bool_true(raw: object) -> None:
    assert parse_bool(raw) is True


@pytest.mark.parametrize("raw", ["否", "N", "no", "No", "FALSE", "0", 0, "无", "×", "错", "ｎｏ", False])
def test_parse_bool_false(raw: object) -> None:
    assert parse_bool(raw) is False


@pytest.mark.parametrize("raw", ["可能", "", "2", "是的吧", None])
def test_parse_bool_rejects(raw: object) -> None:
    with pytest.raises(ValueError, match=r"^应为“是”或“否”，而不是“"):
        parse_bool(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3", 3),
        ("3.0", 3),
        ("３", 3),
        ("3次", 3),
        ("3 次", 3),
        ("3个工作日", 3),
        ("3天", 3),
        ("1,234", 1234),
        ("１，２３４条", 1234),
        ("-2", -2),
        (3, 3),
        (3.0, 3),
    ],
)
def test_parse_int(raw: object, expected: int) -> None:
    assert parse_int(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("3.5", "应为整数"),
        (3.5, "应为整数"),
        ("三", "应为数字"),
        ("", "应为数字"),
        ("12,34", "单位“,34”无法识别"),
        ("3小时", "单位“小时”无法识别"),
        ("3个月", "单位“个月”无法识别"),
        (True, "应为数字"),
    ],
)
def test_parse_int_rejects(raw: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_int(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12.5", Decimal("12.5")),
        ("12.5万元", Decimal("12.5")),
        ("1,234.5", Decimal("1234.5")),
        ("85%", Decimal("85")),
        ("８５％", Decimal("85")),
        ("0.5天", Decimal("0.5")),
        (12.5, Decimal("12.5")),
        (7, Decimal("7")),
    ],
)
def test_parse_decimal(raw: object, expected: Decimal) -> None:
    assert parse_decimal(raw) == expected


@pytest.mark.parametrize("raw", ["约十万", "12.5元", "1.2亿元", float("inf"), "N/A", False])
def test_parse_decimal_rejects(raw: object) -> None:
    with pytest.raises(ValueError):
        parse_decimal(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("[xml,xls,csv,json]", ["xml", "xls", "csv", "json"]),
        ("['xlsx', 'api']", ["xlsx", "api"]),
        ("['api']", ["api"]),
        ('["a","b"]', ["a", "b"]),
        ("［甲，乙］", ["甲", "乙"]),
        (
            "身份证号、姓名；性别;出生日期，住址,电话|邮箱｜网址",
            ["身份证号", "姓名", "性别", "出生日期", "住址", "电话", "邮箱", "网址"],
        ),
        ("姓名\n性别\r\n住址", ["姓名", "性别", "住址"]),
        ("姓名、、性别、 、姓名", ["姓名", "性别"]),
        ("xml, null, -, csv", ["xml", "csv"]),
        ("每 null null", ["每 null null"]),
        ("“电子证照”、‘营业执照’", ["电子证照", "营业执照"]),
        ("[]", []),
        ("", []),
        (None, []),
        (["xml", "csv", None, "xml"], ["xml", "csv"]),
        (2021, ["2021"]),
    ],
)
def test_split_list(raw: object, expected: list[str]) -> None:
    assert split_list(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [2021, 2021.0, "2021", "2021年", "２０２１年", "2021-05", "2021/5", "2021年5月", "2021-05-01", "44256", MARCH_1],
)
def test_parse_year(raw: object) -> None:
    assert parse_year(raw) == 2021


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1800", "不在 1949–2100 之间"),
        (2200, "不在 1949–2100 之间"),
        (44256, "不在 1949–2100 之间"),  # a bare number is a year, never an Excel serial
        ("2021-13", "无法识别的年份"),
        ("今年", "无法识别的年份"),
    ],
)
def test_parse_year_rejects(raw: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_year(raw)


def test_split_list_keeps_quotes_that_are_part_of_a_name() -> None:
    assert split_list("“粤政易”移动办公平台、广东政务服务网") == ["“粤政易”移动办公平台", "广东政务服务网"]
    assert split_list("“公积金”、'api'") == ["公积金", "api"]

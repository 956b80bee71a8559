"""Reading source files: encodings, delimiters, header detection, row numbers, XLSX sheets, JSON, streaming."""

from __future__ import annotations

import datetime as dt
import json
import tracemalloc
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook

from loaders.encoding import detect_encoding, encoding_label
from loaders.errors import RowError, SourceFileError
from loaders.reading import EXTRA_CELLS, Table, clean_header, read_tables

CATALOG_HEADERS = ["信息资源代码", "信息资源名称", "资源提供方", "发布日期", "信息项", "共享类型", "共享条件"]
CATALOG_CSV = (
    "信息资源代码,信息资源名称,资源提供方,发布日期,信息项\n"
    "HY-001,企业登记信息,河源市市场监督管理局,2021-03-01,统一社会信用代码、企业名称、法定代表人\n"
    "HY-002,“零跑动”事项清单,河源市政务服务数据管理局,2021年3月1日,事项名称；办理时限\n"
)
EXPECTED_VALUES = [
    {
        "信息资源代码": "HY-001",
        "信息资源名称": "企业登记信息",
        "资源提供方": "河源市市场监督管理局",
        "发布日期": "2021-03-01",
        "信息项": "统一社会信用代码、企业名称、法定代表人",
    },
    {
        "信息资源代码": "HY-002",
        "信息资源名称": "“零跑动”事项清单",
        "资源提供方": "河源市政务服务数据管理局",
        "发布日期": "2021年3月1日",
        "信息项": "事项名称；办理时限",
    },
]


def only_table(path: Path, known: list[str] = CATALOG_HEADERS) -> Table:
    tables = list(read_tables(path, known))
    assert len(tables) == 1
    return tables[0]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- encodings ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("codec", "label"), [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8-BOM"), ("gbk", "GBK"), ("utf-16", "UTF-16")]
)
def test_same_content_in_every_encoding(tmp_path: Path, codec: str, label: str) -> None:
    table = only_table(write(tmp_path, "catalog.csv", CATALOG_CSV.encode(codec)))
    assert table.encoding == label
    assert table.headers == CATALOG_HEADERS[:5]
    rows = list(table.rows)
    assert [row.values for row in rows] == EXPECTED_VALUES
    assert [row.number for row in rows] == [2, 3]


def test_gb18030_only_characters(tmp_path: Path) -> None:
    text = CATALOG_CSV + "HY-003,𠮷字人名库,河源市公安局,2021/3/1,姓名\n"  # 𠮷 is outside GBK
    from_gb = only_table(write(tmp_path, "gb.csv", text.encode("gb18030")))
    from_utf8 = only_table(write(tmp_path, "utf8.csv", text.encode("utf-8")))
    assert from_gb.encoding == "GB18030"
    assert [r.values for r in from_gb.rows] == [r.values for r in from_utf8.rows]


@pytest.mark.parametrize(
    "text", ["部门名称\n河源\n", "简称\n市财政局\n", "名称,类型\n源城区,区\n", "是否网办\n是\n否\n"]
)
def test_short_gbk_is_not_misdetected(text: str) -> None:
    data = text.encode("gbk")
    assert detect_encoding(data, "x.csv") == "gb18030"
    assert encoding_label("gb18030", data) == "GBK"


def test_detect_encoding_rules() -> None:
    assert detect_encoding(b"", "x.csv") == "utf-8"
    assert detect_encoding(b"plain ascii", "x.csv") == "utf-8"
    assert detect_encoding("\ufeff名称".encode(), "x.csv") == "utf-8-sig"
    assert detect_encoding("名称".encode(), "x.csv") == "utf-8"
    assert detect_encoding("𠮷".encode("gb18030"), "x.csv") == "gb18030"
    assert encoding_label("gb18030", "𠮷".encode("gb18030")) == "GB18030"


def test_invalid_bytes_name_line_and_offset(tmp_path: Path) -> None:
    data = "名称,简称\n河源市财政局,市财政局\n".encode() + b"bad \xff\xfe row,x\n"
    with pytest.raises(SourceFileError) as info:
        only_table(write(tmp_path, "broken.csv", data))
    error = info.value
    assert error.file == "broken.csv"
    assert error.row == 3
    assert str(error).startswith("broken.csv 第3行：")
    bad_at = data.index(b"\xff")
    assert f"字节偏移 {bad_at} " in str(error)


def test_mixed_encoding_later_in_the_file_names_the_line(tmp_path: Path) -> None:
    lines = ["名称,编号\n"] + [f"河源市第{i}号数据,{i}\n" for i in range(5000)]
    data = "".join(lines).encode() + "源城区,5000\n".encode("gbk")
    table = only_table(write(tmp_path, "mixed.csv", data), ["名称", "编号"])
    assert table.encoding == "UTF-8"
    with pytest.raises(SourceFileError, match="无法按 UTF-8 解码") as info:
        list(table.rows)
    assert info.value.row == 5002


def test_gbk_after_a_long_ascii_prefix(tmp_path: Path) -> None:
    text = "code,name\n" + "".join(f"A{i:06d},ascii only\n" for i in range(20000)) + "B000001,河源市\n"
    table = only_table(write(tmp_path, "late.csv", text.encode("gbk")), ["code", "name"])
    assert table.encoding == "GBK"
    *_, last = table.rows
    assert last.values == {"code": "B000001", "name": "河源市"}
    assert last.number == 20002


def test_neither_utf8_nor_gb18030(tmp_path: Path) -> None:
    with pytest.raises(SourceFileError, match="既不是 UTF-8 也不是 GBK/GB18030") as info:
        only_table(write(tmp_path, "latin.csv", b"name\nabc\n\x80\n"))
    assert info.value.row == 3


def test_binary_file_named_csv(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.save(tmp_path / "book.xlsx")
    data = (tmp_path / "book.xlsx").read_bytes()
    with pytest.raises(SourceFileError, match="NUL"):
        only_table(write(tmp_path, "book.csv", data))


# --- CSV structure -----------------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    text = f"部门名称{delimiter}简称{delimiter}部门类型\n河源市财政局{delimiter}市财政局、财政局{delimiter}政府部门\n"
    table = only_table(write(tmp_path, "d.csv", text.encode()), ["部门名称", "简称"])
    assert [row.values for row in table.rows] == [
        {"部门名称": "河源市财政局", "简称": "市财政局、财政局", "部门类型": "政府部门"}
    ]


def test_csv_title_row_blank_lines_and_multiline_fields(tmp_path: Path) -> None:
    text = (
        "河源市政务服务数据管理局政务信息资源目录,,\n"  # line 1: title
        "\n"  # line 2: blank
        "信息资源代码,信息资源名称,资源摘要\n"  # line 3: header
        'HY-001,企业登记信息,"第一行\n第二行"\n'  # lines 4-5: one record
        ",,\n"  # line 6: empty record
        "HY-002,人口信息,摘要\n"  # line 7
    )
    table = only_table(write(tmp_path, "t.txt", text.encode()))
    assert table.headers == ["信息资源代码", "信息资源名称", "资源摘要"]
    rows = list(table.rows)
    assert [row.number for row in rows] == [4, 7]
    assert rows[0].values["资源摘要"] == "第一行\n第二行"


def test_extra_cells_unnamed_columns_and_short_rows(tmp_path: Path) -> None:
    text = "信息资源代码,信息资源名称,,\nHY-001,企业登记信息,,\nHY-002,人口信息,备注值,x,y,,\nHY-003\n"
    table = only_table(write(tmp_path, "e.csv", text.encode()))
    rows = list(table.rows)
    assert rows[0].values == {"信息资源代码": "HY-001", "信息资源名称": "企业登记信息"}
    assert rows[1].values == {
        "信息资源代码": "HY-002",
        "信息资源名称": "人口信息",
        "列3": "备注值",
        "列4": "x",
        EXTRA_CELLS: ["y"],
    }
    assert rows[2].values == {"信息资源代码": "HY-003", "信息资源名称": ""}
    assert table.headers == ["信息资源代码", "信息资源名称", "列3", "列4"]


def test_unnamed_column_in_the_first_rows_is_in_headers_before_iterating(tmp_path: Path) -> None:
    table = only_table(write(tmp_path, "u.csv", "信息资源代码,\nHY-001,备注\n".encode()))
    assert table.headers == ["信息资源代码", "列2"]


def test_duplicate_headers_keep_both_values(tmp_path: Path) -> None:
    table = only_table(write(tmp_path, "dup.csv", "信息资源代码,备注,备注\nHY-001,甲,乙\n".encode()))
    assert next(table.rows).values == {"信息资源代码": "HY-001", "备注": "甲", "备注(列3)": "乙"}


def test_header_only_and_empty_files(tmp_path: Path) -> None:
    table = only_table(write(tmp_path, "h.csv", "信息资源代码,信息资源名称\n".encode()))
    assert list(table.rows) == []
    with pytest.raises(SourceFileError, match="没有表头行"):
        only_table(write(tmp_path, "empty.csv", b"\n ,\n"))


def test_unsupported_file_types(tmp_path: Path) -> None:
    with pytest.raises(SourceFileError, match=r"\.xls"):
        only_table(write(tmp_path, "old.xls", b"\xd0\xcf\x11\xe0"))
    with pytest.raises(SourceFileError, match="不支持的文件类型"):
        only_table(write(tmp_path, "doc.pdf", b"%PDF"))


def test_unreadable_xlsx(tmp_path: Path) -> None:
    with pytest.raises(SourceFileError, match="无法读取 XLSX"):
        only_table(write(tmp_path, "bad.xlsx", b"not a zip"))


# --- headers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" 信息资源名称 ", "信息资源名称"),
        ("信息资源\n名称", "信息资源名称"),
        ("信息\u3000资源 名称", "信息资源名称"),
        ("*信息资源名称", "信息资源名称"),
        ("信息资源名称*：", "信息资源名称"),
        ("信息资源名称:", "信息资源名称"),
        ("信息资源名称（必填）", "信息资源名称"),
        ("信息资源名称(必填)", "信息资源名称"),
        ("建设资金（万元）", "建设资金(万元)"),
        ("ＵＲＬ", "URL"),
        (2021, "2021"),
        (None, ""),
    ],
)
def test_clean_header(raw: object, expected: str) -> None:
    assert clean_header(raw) == expected


def merged_band_workbook(path: Path, lower: list[str]) -> None:
    """A title row, a two-row merged header band (row 2-3) and data from row 4; a second sheet of items."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "目录"
    sheet.append(["河源市XX局政务信息资源目录"])
    sheet.merge_cells("A1:F1")
    sheet.append(["信息资源代码", "信息资源名称", "共享属性", None, "开放属性", None])
    sheet.append([None, None, *lower])
    for cells in ("A2:A3", "B2:B3", "C2:D2", "E2:F2"):
        sheet.merge_cells(cells)
    sheet.append(["HY-001", "企业登记信息", "无条件共享", None, "有条件开放", "实名申请"])
    sheet.append([])
    sheet.append(["HY-002", "人口信息", "有条件共享", "仅限政务使用", "不予开放", None, None, "表外备注"])
    workbook.create_sheet("空表")
    items = workbook.create_sheet("信息项")
    items.append(["信息资源代码", "信息项名称", "数据类型", "发布日期"])
    items.append(["HY-001", "统一社会信用代码", "字符型", dt.datetime(2021, 3, 1)])
    items.append(["HY-001", "注册资本", 12.5, 44256])
    workbook.save(path)


def test_xlsx_title_row_and_merged_header_band(tmp_path: Path) -> None:
    path = tmp_path / "catalog.xlsx"
    merged_band_workbook(path, ["共享类型", "共享条件", "开放类型", "开放条件"])
    known = [*CATALOG_HEADERS, "开放类型", "开放条件", "信息项名称", "数据类型"]
    catalog, items = read_tables(path, known)
    assert (catalog.file, catalog.sheet, catalog.encoding) == ("catalog.xlsx", "目录", None)
    headers = ["信息资源代码", "信息资源名称", "共享类型", "共享条件", "开放类型", "开放条件"]
    assert catalog.headers == [*headers, "列H"]  # H holds a value in the first rows
    rows = list(catalog.rows)
    assert [row.number for row in rows] == [4, 6]
    assert rows[0].values == {
        "信息资源代码": "HY-001",
        "信息资源名称": "企业登记信息",
        "共享类型": "无条件共享",
        "共享条件": None,
        "开放类型": "有条件开放",
        "开放条件": "实名申请",
    }
    assert rows[1].values["列H"] == "表外备注"

    assert items.sheet == "信息项"
    assert items.headers == ["信息资源代码", "信息项名称", "数据类型", "发布日期"]
    item_rows = list(items.rows)
    assert [row.number for row in item_rows] == [2, 3]
    assert item_rows[0].values["发布日期"] == dt.datetime(2021, 3, 1)
    assert item_rows[1].values["数据类型"] == 12.5
    assert item_rows[1].values["发布日期"] == 44256


def test_xlsx_group_prefix_disambiguates_repeated_sub_headers(tmp_path: Path) -> None:
    path = tmp_path / "groups.xlsx"
    merged_band_workbook(path, ["类型", "条件", "类型", "条件"])
    catalog = next(read_tables(path, CATALOG_HEADERS))
    assert catalog.headers[:6] == [
        "信息资源代码",
        "信息资源名称",
        "共享属性类型",
        "共享属性条件",
        "开放属性类型",
        "开放属性条件",
    ]
    assert next(catalog.rows).number == 4


def test_xlsx_group_prefix_completes_a_known_header(tmp_path: Path) -> None:
    path = tmp_path / "prefix.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["信息资源名称", "共享", None])
    sheet.append([None, "类型", "条件"])
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("B1:C1")
    sheet.append(["企业登记信息", "无条件共享", None])
    workbook.save(path)
    table = next(read_tables(path, CATALOG_HEADERS))
    assert table.headers == ["信息资源名称", "共享类型", "共享条件"]


def test_xlsx_rows_stream_after_all_tables_were_taken(tmp_path: Path) -> None:
    path = tmp_path / "catalog.xlsx"
    merged_band_workbook(path, ["共享类型", "共享条件", "开放类型", "开放条件"])
    tables = list(read_tables(path, CATALOG_HEADERS))  # the workbook is closed by now
    assert [len(list(table.rows)) for table in tables] == [2, 2]


def test_xlsx_without_any_data(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    Workbook().save(path)
    with pytest.raises(SourceFileError, match="没有表头行"):
        list(read_tables(path, CATALOG_HEADERS))


def test_unknown_headers_fall_back_to_first_non_title_row(tmp_path: Path) -> None:
    text = "某某统计表\n甲,乙\n1,2\n"
    table = only_table(write(tmp_path, "x.csv", text.encode()), [])
    assert table.headers == ["甲", "乙"]
    assert [(row.number, row.values) for row in table.rows] == [(3, {"甲": "1", "乙": "2"})]


# --- JSON --------------------------------------------------------------------------------------------


def test_json_list_of_objects(tmp_path: Path) -> None:
    records = [{"信息资源代码": "HY-001", "资源格式": ["xml", "csv"]}, {"信息资源代码": "HY-002", "数据量": 12}]
    path = write(tmp_path, "catalog.json", json.dumps(records, ensure_ascii=False).encode())
    table = only_table(path)
    assert table.headers == ["信息资源代码", "资源格式", "数据量"]
    assert table.encoding == "UTF-8"
    assert [(row.number, row.values) for row in table.rows] == [(1, records[0]), (2, records[1])]


@pytest.mark.parametrize(
    "document",
    [
        {"code": 200, "data": [{"名称": "甲"}]},
        {"success": True, "result": {"count": 1, "results": [{"名称": "甲"}]}},
        {"total": 1, "rows": [{"名称": "甲"}]},
        {"whatever": [{"名称": "甲"}], "meta": {}},
    ],
)
def test_json_list_under_a_key(tmp_path: Path, document: object) -> None:
    path = write(tmp_path, "c.json", json.dumps(document, ensure_ascii=False).encode("gbk"))
    table = only_table(path)
    assert table.encoding == "GBK"
    assert [row.values for row in table.rows] == [{"名称": "甲"}]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'[{"a": 1},\n {"a": }]', "JSON 格式错误"),
        (b'{"a": 1}', "对象列表"),
        (b"[1, 2]", "第1条记录不是 JSON 对象"),
    ],
)
def test_bad_json(tmp_path: Path, data: bytes, reason: str) -> None:
    with pytest.raises(SourceFileError, match=reason):
        only_table(write(tmp_path, "bad.json", data))


# --- streaming ---------------------------------------------------------------------------------------


def test_large_csv_streams(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("信息资源代码,信息资源名称,资源提供方\n")
        for i in range(200_000):
            fh.write(f"HY-{i:06d},河源市第{i}号信息资源,河源市政务服务数据管理局\n")
    assert path.stat().st_size > 10_000_000

    tracemalloc.start()
    try:
        table = only_table(path)
        assert isinstance(table.rows, Iterator)
        assert not isinstance(table.rows, Sequence)
        first = [next(table.rows) for _ in range(3)]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000  # far below the file's size: nothing was materialised
    assert [row.number for row in first] == [2, 3, 4]
    assert first[0].values["信息资源代码"] == "HY-000000"
    assert sum(1 for _ in table.rows) == 200_000 - 3


# --- errors ------------------------------------------------------------------------------------------


def test_row_error_and_source_file_error_messages() -> None:
    error = RowError("catalog.csv", 12, "发布日期", "无法识别的日期“2021-13-01”", "2021-13-01")
    assert str(error) == "catalog.csv 第12行 “发布日期” 列：无法识别的日期“2021-13-01”"
    assert (
        str(RowError("catalog.csv", 3, None, "该行单元格多于表头列数")) == "catalog.csv 第3行：该行单元格多于表头列数"
    )
    assert str(SourceFileError("a.csv", "文件为空")) == "a.csv：文件为空"


def test_csv_exported_from_a_merged_sheet(tmp_path: Path) -> None:
    text = (
        "河源市XX局政务信息资源目录,,,,,\n"
        "信息资源代码,信息资源名称,共享属性,,开放属性,\n"
        ",,共享类型,共享条件,开放类型,开放条件\n"
        "HY-001,企业登记信息,无条件共享,,不予开放,\n"
    )
    table = only_table(write(tmp_path, "band.csv", text.encode("gbk")), [*CATALOG_HEADERS, "开放类型", "开放条件"])
    assert table.headers == ["信息资源代码", "信息资源名称", "共享类型", "共享条件", "开放类型", "开放条件"]
    row = next(table.rows)
    assert (row.number, row.values["共享类型"], row.values["开放类型"]) == (4, "无条件共享", "不予开放")

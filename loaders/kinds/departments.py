"""机构名录 — the department registry other files resolve department names against."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox

from loaders.columns import Column, Record, SourceKind
from loaders.context import LoadContext, RowProblem
from loaders.normalize import clean_text
from loaders.triples import DCT, ORG, SKOS, YS, plain, text
from yuanshu.visibility import Audience

_CREDIT_CODE = re.compile(r"^[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}$")


def parse_credit_code(raw: Any) -> str:
    """统一社会信用代码: 18 characters (GB 32100), upper-cased."""
    code = (clean_text(raw) or "").upper().replace(" ", "")
    if not _CREDIT_CODE.match(code):
        raise ValueError(f"统一社会信用代码应为18位数字或大写字母，而不是“{code}”")
    return code


COLUMNS = (
    Column("name", "部门名称", ("机构名称", "单位名称", "部门", "department", "department_name", "organization"),
           required=True),
    Column("code", "统一社会信用代码", ("社会信用代码", "信用代码", "机构代码", "credit_code", "uscc"),
           parse=parse_credit_code),
    Column("area", "所属区域", ("区域", "所属地区", "行政区划", "area", "region")),
    Column("parent", "上级部门", ("上级单位", "主管部门", "上级机构", "parent", "parent_department")),
    Column("aliases", "简称", ("别名", "简称/别名", "曾用名", "alias", "aliases", "short_name"), many=True),
    Column("type", "部门类型", ("机构类型", "单位类型", "单位性质", "type", "department_type")),
)


def subject(record: Record, ctx: LoadContext) -> str:
    if not record["name"]:
        raise RowProblem("部门名称", "必填项“部门名称”为空")
    return ctx.minter.department(record["code"], record["name"])


def build(record: Record, ctx: LoadContext) -> Iterator[ox.Quad]:
    name = record["name"]
    w = ctx.writer(subject(record, ctx))
    w.a(ORG.Organization)
    w.audience(Audience.PUBLIC)
    w.add(SKOS.prefLabel, text(name))
    w.texts(SKOS.altLabel, [a for a in record.get("aliases", []) if a != name])
    if record["code"]:
        w.add(DCT.identifier, plain(record["code"]))
    w.link(YS.area, ctx.area(record["area"]))
    if record["parent"]:
        w.add(YS.parentDepartmentName, text(record["parent"]))
    if record["type"]:
        w.add(YS.departmentType, text(record["type"]))
    ctx.add_extras(w, record)
    yield from w


KIND = SourceKind("departments", "机构名录", COLUMNS, subject=subject, build=build, distinctive=("name",))

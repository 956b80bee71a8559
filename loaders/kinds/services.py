"""政务服务事项实施清单 — one row per service item as implemented by one agency."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox

from loaders.codes import coded
from loaders.columns import Column, Record, SourceKind
from loaders.context import LoadContext
from loaders.normalize import clean_text, parse_bool, parse_int
from loaders.triples import CPSV, DCT, YS, plain, text, typed
from yuanshu.visibility import Audience

_DEPTHS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_AREA_CODE = re.compile(r"^\d{12}$|^\d{6}$")
_CREDIT_CODE = re.compile(r"^[0-9A-Z]{18}$")


def parse_online_depth(raw: Any) -> int:
    """网办深度 1–4 (一级 信息发布 … 四级 全流程网办); 全程网办 counts as 4."""
    value = clean_text(raw) or ""
    if "全流程" in value or "全程" in value:
        return 4
    for key, depth in _DEPTHS.items():
        if value.startswith(key):
            return depth
    raise ValueError(f"网办深度应为一级至四级（或1–4），而不是“{value}”")


def parse_time_limit(raw: Any) -> int:
    """办结时限 in working days; 即办 (handled on the spot) is 0."""
    value = clean_text(raw) or ""
    if value.startswith("即办") or value in ("当场办结", "即时办结"):
        return 0
    return parse_int(value)


def implementation_code_parts(code: str) -> dict[str, str]:
    """Parts of a national 实施编码: 基本编码-区划代码-…-统一社会信用代码-…; empty where it is not of that form."""
    parts = code.split("-")
    for i in range(1, len(parts)):
        if _AREA_CODE.match(parts[i]):
            credit = next((p for p in parts[i + 1:] if _CREDIT_CODE.match(p)), None)
            found = {"basic_code": "-".join(parts[:i]), "area_code": parts[i]}
            if credit:
                found["credit_code"] = credit
            return found
    return {}


COLUMNS = (
    Column("title", "事项名称", ("事项名", "服务事项名称", "实施清单名称", "name", "service_name"), required=True),
    Column("basic_code", "基本编码", ("事项基本编码", "basic_code")),
    Column("code", "实施编码", ("事项实施编码", "实施清单编码", "事项编码", "itemCode", "item_code", "code"),
           required=True),
    Column("type", "事项类型", ("事项类别", "权力类型", "taskType", "task_type", "service_type"),
           parse=coded("service-type"), required=True),
    Column("authority", "实施主体", ("实施机构", "实施部门", "办理部门", "部门", "department", "competent_authority"),
           required=True),
    Column("authority_code", "实施主体编码", ("实施主体代码", "实施机构代码", "deptCode", "dept_code")),
    Column("level", "行使层级", ("层级", "exercise_level"), parse=coded("exercise-level")),
    Column("area", "所属区域", ("区域", "所属地区", "area", "region")),
    Column("area_code", "区划代码", ("行政区划代码", "areaCode", "area_code")),
    Column("case_type", "办件类型", ("case_type",), parse=coded("case-type")),
    Column("legal_limit", "法定办结时限", ("法定时限", "legal_time_limit"), parse=parse_time_limit),
    Column("promised_limit", "承诺办结时限", ("承诺时限", "promised_time_limit"), parse=parse_time_limit),
    Column("visits", "到办事现场次数", ("到现场次数", "跑动次数", "到现场办理次数", "visits"), parse=parse_int),
    Column("online", "是否网办", ("是否网上办理", "网上办理", "online"), parse=parse_bool),
    Column("online_depth", "网办深度", ("网上办理深度", "online_depth"), parse=parse_online_depth),
    Column("one_window", "是否一窗受理", ("一窗受理", "是否进驻综合窗口", "one_window"), parse=parse_bool),
    Column("cross_region", "是否跨域通办", ("跨域通办", "是否通办", "cross_region"), parse=parse_bool),
    Column("e_licence", "是否使用电子证照", ("使用电子证照", "是否用证", "electronic_licence"), parse=parse_bool),
    Column("charged", "是否收费", ("收费", "charged"), parse=parse_bool),
    Column("high_frequency", "是否高频事项", ("高频事项", "是否高频", "high_frequency"), parse=parse_bool),
    Column("systems", "办理系统", ("业务系统", "办理系统名称", "业务办理系统", "system", "systems"), many=True),
    Column("datasets", "所需数据", ("所需数据资源", "关联数据", "所需信息资源", "datasets"), many=True),
)

_FLAGS = (("online", YS.onlineService), ("one_window", YS.oneWindow), ("cross_region", YS.crossRegion),
          ("e_licence", YS.electronicLicence), ("charged", YS.charged), ("high_frequency", YS.highFrequency))
_NUMBERS = (("legal_limit", YS.legalTimeLimit), ("promised_limit", YS.promisedTimeLimit),
            ("visits", YS.onSiteVisits), ("online_depth", YS.onlineDepth))


def subject(record: Record, ctx: LoadContext) -> str:
    return ctx.minter.service(record["code"])


def build(record: Record, ctx: LoadContext) -> Iterator[ox.Quad]:
    code = record["code"]
    parts = implementation_code_parts(code)
    w = ctx.writer(ctx.minter.service(code))
    w.a(CPSV.PublicService)
    w.audience(Audience.PUBLIC)
    w.add(DCT.identifier, plain(code))
    w.add(DCT.title, text(record["title"]))
    basic = record["basic_code"] or parts.get("basic_code")
    if basic:
        w.add(YS.basicCode, plain(basic))
    w.link(YS.serviceType, record["type"])
    w.add(YS.competentAuthorityName, text(record["authority"]))
    authority_code = parts.get("credit_code") or record["authority_code"]
    if authority_code:
        w.add(YS.competentAuthorityCode, plain(authority_code))
    w.link(YS.exerciseLevel, record["level"])
    w.link(YS.area, ctx.area(record["area"]))
    area_code = record["area_code"] or parts.get("area_code")
    if area_code:
        w.add(YS.implementationAreaCode, plain(area_code))
    w.link(YS.caseType, record["case_type"])
    for key, prop in _NUMBERS:
        if record[key] is not None:
            w.add(prop, typed(record[key]))
    for key, prop in _FLAGS:
        if record[key] is not None:
            w.add(prop, typed(record[key]))
    w.texts(YS.handledByName, record["systems"])
    for ref in record.get("datasets", []):
        w.add(YS.usesDatasetRef, plain(ref))
    ctx.add_extras(w, record)
    yield from w


KIND = SourceKind("services", "政务服务事项实施清单", COLUMNS, subject=subject, build=build,
                  distinctive=("title", "code"))

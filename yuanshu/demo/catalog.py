"""政务信息资源目录: one file per area, one row per information resource (表5 信息类总数 rows)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from yuanshu.demo.domains import element_type
from yuanshu.demo.messy import maybe_full_width, messy_date, random_date, stray_spaces, weighted
from yuanshu.demo.names import AREA_BY_NAME, Area
from yuanshu.demo.registry import DemoPlan, Department, dataset_code, dataset_spec

COLUMNS = (
    "信息资源代码",
    "信息资源名称",
    "资源提供方",
    "提供方代码",
    "所属区域",
    "信息资源分类",
    "主题分类",
    "资源摘要",
    "资源格式",
    "信息项",
    "共享类型",
    "共享条件",
    "共享方式",
    "开放类型",
    "开放条件",
    "更新周期",
    "发布日期",
    "来源系统",
    "关联资源代码",
    "数据量",
    "访问地址",
)
# The XLSX catalog's two-row header groups (0-based column indexes into COLUMNS, after the 序号 column).
XLSX_GROUPS = (("共享属性", 10, 12), ("开放属性", 13, 14))
ELEMENT_COLUMNS = ("信息资源代码", "信息项名称", "数据类型", "长度")

_FREQUENCIES = (
    ("实时", 0.08),
    ("每日", 0.18),
    ("每周", 0.05),
    ("每月", 0.25),
    ("每季度", 0.1),
    ("每半年", 0.05),
    ("每年", 0.17),
    ("不定期", 0.12),
)
_FREQUENCY_VARIANTS = {"每日": "每天", "每月": "按月", "每季度": "每季", "不定期": "不定时", "每年": "年度"}
_CATEGORY_FULL = {"基础": "基础信息资源", "主题": "主题信息资源", "部门": "部门信息资源"}
_SHARE_CONDITIONS = (
    "仅限用于办理相关政务服务事项",
    "需经提供方审核同意后按需共享",
    "仅向有相应执法职能的部门共享",
    "仅提供核验服务，不得对外提供",
)
_NO_SHARE_REASONS = ("涉及个人隐私，依法不予共享", "涉及商业秘密，不予共享")
_OPEN_CONDITIONS = (
    "需提交数据使用申请并签订数据利用协议",
    "经脱敏处理后按申请开放",
    "须经数据提供方审核同意",
    "仅向科研机构及社会组织开放",
)
_NO_OPEN_REASONS = ("涉及个人隐私", "涉及商业秘密", "法律法规规定不予开放", "涉及国家安全")
_FILE_FORMATS = ("xlsx、csv", "xls", "csv", "xlsx", "pdf", "csv、json")


@dataclass(frozen=True)
class CatalogRow:
    values: tuple[Any, ...]  # in COLUMNS order
    code: str
    elements: tuple[str, ...]


def catalog_rows(plan: DemoPlan, area: Area, cells: bool = False) -> Iterator[CatalogRow]:
    """The catalog rows of one area, department by department. ``cells``: dates may be XLSX date cells and
    numbers numeric cells."""
    rng = plan.rng("catalog", area.name)
    depts = plan.departments[area.name]
    for dept, count in zip(depts, plan.catalog_counts(area), strict=True):
        for serial in range(1, count + 1):
            yield _row(plan, area, dept, serial, rng, cells)


def _row(
    plan: DemoPlan, area: Area, dept: Department, serial: int, rng: random.Random, cells: bool
) -> CatalogRow:
    domain = dept.domain
    spec, name, rnd = dataset_spec(domain, serial)
    code = dataset_code(dept, serial)
    label, provisional = plan.department_label(dept, rng)
    provider_code = "" if provisional or rng.random() < 0.05 else dept.code

    elements = list(spec.elements)
    for extra in rng.sample(domain.extras, k=min(len(domain.extras), rng.choice((0, 0, 1, 1, 2, 3)))):
        if extra not in elements:
            elements.append(extra)
    for extra in ("数据更新时间", "备注", "经办人", "联系电话"):
        if len(elements) >= 5:
            break
        if extra not in elements:
            elements.append(extra)
    elements = elements[:15]

    open_type, share_type = _access(spec.sensitive, rng)
    share_condition = ""
    if share_type == "有条件共享":
        share_condition = rng.choice(_SHARE_CONDITIONS)
    elif share_type == "不予共享":
        share_condition = rng.choice(_NO_SHARE_REASONS)
    open_condition = ""
    if open_type == "有条件开放":
        open_condition = rng.choice(_OPEN_CONDITIONS)
    elif open_type == "不予开放":
        open_condition = rng.choice(_NO_OPEN_REASONS)
    method = weighted(rng, (("接口", 0.4), ("库表", 0.35), ("文件", 0.25)))
    fmt = {"接口": "接口", "库表": rng.choice(("数据库", "库表"))}.get(method) or rng.choice(_FILE_FORMATS)
    frequency = weighted(rng, _FREQUENCIES)
    if frequency in _FREQUENCY_VARIANTS and rng.random() < 0.05:
        frequency = _FREQUENCY_VARIANTS[frequency]
    category = _CATEGORY_FULL[spec.category] if rng.random() < 0.1 else spec.category

    source = plan.pick_system(dept, rng) if rng.random() < 0.85 else ""
    if source and rng.random() < 0.05:
        second = plan.pick_system(dept, rng)
        if second and second != source:
            source = f"{source}、{second}"

    related = _related(plan, area, dept, serial, spec.src, rnd, rng)
    volume: Any = int(10 ** rng.uniform(2, 6.7))
    if not cells or rng.random() < 0.05:
        volume = maybe_full_width(str(volume), rng)
    if open_type != "不予开放":
        url = f"https://data.heyuan.gov.cn/dataset/{code}"
    else:
        url = f"https://share.heyuan.gov.cn/catalog/{code}"
    if method == "接口" and rng.random() < 0.5:
        url = f"https://data.heyuan.gov.cn/api/v1/{code.lower()}"
    if rng.random() < 0.08:
        url = ""
    summary = f"{dept.name}{name}，主要包括{'、'.join(elements[:3])}等信息项，{frequency}更新。"
    separator = weighted(rng, (("、", 0.95), ("；", 0.03), ("，", 0.02)))
    published: dt.date = random_date(rng)

    values = (
        code,
        stray_spaces(name, rng),
        label,
        provider_code,
        stray_spaces(area.name, rng, 0.01),
        category,
        domain.theme,
        summary,
        fmt,
        separator.join(elements),
        share_type,
        share_condition,
        method,
        open_type,
        open_condition,
        frequency,
        messy_date(published, rng, cells),
        source,
        "、".join(related),
        volume,
        url,
    )
    return CatalogRow(values, code, tuple(elements))


def _access(sensitive: bool, rng: random.Random) -> tuple[str, str]:
    """(开放类型, 共享类型): about 40% 无条件开放, 15% 有条件开放, 45% 不予开放 overall.

    Datasets with personal data are rarely opened. Opened data is always shared; closed data is split
    over the three sharing types."""
    if sensitive:
        open_type = weighted(rng, (("有条件开放", 0.12), ("不予开放", 0.88)))
    else:
        open_type = weighted(rng, (("无条件开放", 0.57), ("有条件开放", 0.16), ("不予开放", 0.27)))
    if open_type == "无条件开放":
        return open_type, "无条件共享"
    if open_type == "有条件开放":
        return open_type, weighted(rng, (("无条件共享", 0.6), ("有条件共享", 0.4)))
    return open_type, weighted(rng, (("无条件共享", 0.35), ("有条件共享", 0.45), ("不予共享", 0.2)))


def _related(
    plan: DemoPlan,
    area: Area,
    dept: Department,
    serial: int,
    src: tuple[str, str] | None,
    rnd: int,
    rng: random.Random,
) -> list[str]:
    """关联资源代码: 0–2 datasets this one is derived from."""
    related: list[str] = []
    count = plan.department_datasets(dept)
    # The one deliberate cycle: 市直 市场监管局's first two datasets name each other.
    if area.name == "市直" and dept.domain_key == "sc" and serial in (1, 2) and count >= 2:
        return [dataset_code(dept, 3 - serial)]
    if rnd >= 1:  # a statistics / yearly edition derives from the base dataset
        related.append(dataset_code(dept, (serial - 1) % len(dept.domain.datasets) + 1))
    if src and rng.random() < 0.6:
        origin = plan.find_dataset(area, *src) or plan.find_dataset(AREA_BY_NAME["市直"], *src)
        if origin and origin != dataset_code(dept, serial):
            related.append(origin)
    if serial > 1 and rng.random() < 0.12:
        earlier = dataset_code(dept, rng.randrange(1, serial))
        if earlier not in related:
            related.append(earlier)
    return related[:2]


def element_rows(row: CatalogRow) -> Iterator[tuple[str, str, str, int]]:
    for element in row.elements:
        kind, length = element_type(element)
        yield row.code, element, kind, length


def with_elements_elsewhere(row: CatalogRow) -> tuple[Any, ...]:
    """The row with its 信息项 cell left empty (the elements go to the 信息项 sheet)."""
    values = list(row.values)
    values[COLUMNS.index("信息项")] = ""
    return tuple(values)

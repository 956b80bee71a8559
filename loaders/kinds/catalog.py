"""政务信息资源目录 / 开放目录 — one row per information resource (dataset)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from loaders.codes import coded, parse_frequency
from loaders.columns import Column, Record, SourceKind
from loaders.context import LoadContext, RowProblem
from loaders.normalize import clean_text, parse_date, parse_int
from loaders.triples import DCAT, DCT, PROV, SKOS, YS, QuadWriter, plain, text, typed
from ontology.codelists import code_list
from ontology.namespaces import CODE, EU_FILE_TYPE
from yuanshu.visibility import Audience, dataset_audiences

_URL = re.compile(r"^https?://[^\s\"<>{}|\\^`]+$", re.IGNORECASE)
_FILE_TYPES = {
    "csv": "CSV", "xls": "XLS", "xlsx": "XLSX", "json": "JSON", "xml": "XML", "rdf": "RDF_XML",
    "pdf": "PDF", "doc": "DOC", "docx": "DOCX", "zip": "ZIP", "rar": "RAR", "jpg": "JPEG", "jpeg": "JPEG",
    "png": "PNG", "txt": "TXT", "html": "HTML", "shp": "SHP", "db": "DBF", "dbf": "DBF", "wms": "WMS_SRVC",
}
_API_NAMES = {"api", "接口", "服务接口", "webservice"}


def parse_url(raw: Any) -> str:
    url = clean_text(raw) or ""
    if not _URL.match(url):
        raise ValueError(f"访问地址应为 http(s) 网址，而不是“{url}”")
    return url


def parse_open_type(raw: Any) -> tuple[URIRef, URIRef | None]:
    """开放类型, tolerating sharing terms written in the openness column (无条件共享 → 不予开放 + 共享)."""
    value = clean_text(raw) or ""
    try:
        return code_list("open-type").match(value), None
    except ValueError as open_error:
        try:
            return CODE["open-type-closed"], code_list("sharing-type").match(value)
        except ValueError:
            raise open_error from None


def parse_theme(raw: Any) -> URIRef | str:
    """A theme concept, or the text itself (kept as a keyword) when it is not a standard theme."""
    value = clean_text(raw) or ""
    try:
        return code_list("theme").match(value)
    except ValueError:
        return value


def parse_format(raw: Any) -> str:
    return (clean_text(raw) or "").strip(".").lower()


COLUMNS = (
    Column("code", "信息资源代码", ("资源代码", "信息资源编码", "目录编码", "数据目录编码", "资源编码", "identifier",
                                    "code", "resource_code")),
    Column("title", "信息资源名称", ("资源名称", "目录名称", "数据目录名称", "数据集名称", "资源标题", "标题",
                                     "信息资源名", "title", "dataset_name"), required=True),
    Column("publisher", "资源提供方", ("信息资源提供方", "提供单位", "提供部门", "提供方", "资源提供单位", "数据提供方",
                                      "数源单位", "数据来源", "来源部门", "发布部门", "所属单位", "资源所有权单位",
                                      "publisher", "provider", "department"), required=True),
    Column("publisher_code", "提供方代码", ("提供方统一社会信用代码", "提供单位代码", "publisher_code")),
    Column("area", "所属区域", ("区域", "所属地区", "area", "region")),
    Column("category", "信息资源分类", ("资源分类", "目录分类", "category"), parse=coded("resource-category")),
    Column("themes", "主题分类", ("所属领域", "主题领域", "数据领域", "领域", "主题", "所属主题", "数据主题",
                                  "重点领域", "领域分类", "theme", "themes"), parse=parse_theme, many=True),
    Column("description", "资源摘要", ("摘要信息", "摘要", "简介", "描述", "资源描述", "内容简介", "数据摘要",
                                       "目录摘要", "description", "abstract")),
    Column("formats", "资源格式", ("数据格式", "文件格式", "格式类型", "文件类型", "format", "formats"),
           parse=parse_format, many=True),
    Column("elements", "信息项", ("数据项", "信息项名称列表", "字段", "数据元", "elements", "fields"), many=True),
    Column("sharing_type", "共享类型", ("共享属性", "sharing_type"), parse=coded("sharing-type")),
    Column("sharing_condition", "共享条件", ("sharing_condition",)),
    Column("sharing_method", "共享方式", ("sharing_method",), parse=coded("sharing-method")),
    Column("open_type", "开放类型", ("开放属性", "开放方式", "公开属性", "开放状态", "开放等级", "open_type",
                                     "access_rights"), parse=parse_open_type),
    Column("open_condition", "开放条件", ("open_condition",)),
    Column("frequency", "更新周期", ("更新频率", "更新频度", "资源更新频率", "更新时限", "frequency",
                                     "update_frequency"), parse=parse_frequency),
    Column("issued", "发布日期", ("发布时间", "首次发布日期", "首次发布时间", "上线日期", "上架日期", "目录发布时间",
                                  "资源发布日期", "创建日期", "创建时间", "issued", "publish_date"), parse=parse_date),
    Column("modified", "更新日期", ("更新时间", "数据更新时间", "最后更新时间", "最近更新", "资源更新日期", "modified",
                                    "update_date"), parse=parse_date),
    Column("source_systems", "来源系统", ("数据来源系统", "来源信息系统", "source_system", "source_systems"),
           many=True),
    Column("derived_from", "关联资源代码", ("关联资源", "来源资源代码", "derived_from"), many=True),
    Column("volume", "数据量", ("数据条数", "数据量(条)", "资源记录数", "数据容量", "record_count"), parse=parse_int),
    Column("url", "访问地址", ("url", "详情页网址", "链接", "资源地址", "access_url", "landing_page"),
           parse=parse_url),
    Column("keywords", "标签", ("关键字", "关键词", "数据标签", "资源标签", "tags", "keywords"), many=True),
)


def dataset_code(record: Record) -> str:
    """信息资源代码, or for catalogs without codes (many open-data portals) one derived from the record's URL."""
    if record["code"]:
        return record["code"]
    if record["url"]:
        return "URL-" + hashlib.sha256(record["url"].encode()).hexdigest()[:16]
    raise RowProblem("信息资源代码", "缺少信息资源代码，且没有访问地址可据以生成标识")


def subject(record: Record, ctx: LoadContext) -> str:
    return ctx.minter.dataset(dataset_code(record))


def build(record: Record, ctx: LoadContext) -> Iterator[ox.Quad]:
    code = dataset_code(record)
    # a resource whose openness is not stated is not open: 开放类型 defaults to 不予开放
    open_type, sharing_from_open = record["open_type"] or (CODE["open-type-closed"], None)
    sharing_type = record["sharing_type"] or sharing_from_open
    metadata_audience, data_audience = dataset_audiences(str(open_type), sharing_type and str(sharing_type))
    ctx.dataset_audiences[code] = metadata_audience
    w = ctx.writer(ctx.minter.dataset(code))
    w.a(DCAT.Dataset)
    w.audience(metadata_audience)
    w.add(DCT.identifier, plain(code))
    w.add(DCT.title, text(record["title"]))
    if record["description"]:
        w.add(DCT.description, text(record["description"]))
    w.add(YS.publisherName, text(record["publisher"]))
    if record["publisher_code"]:
        w.add(YS.publisherCode, plain(record["publisher_code"]))
    w.link(YS.area, ctx.area(record["area"]))
    w.link(YS.resourceCategory, record["category"])
    _themes(w, record)
    w.link(DCT.accessRights, open_type)
    w.link(YS.sharingType, sharing_type)
    for key, prop in (("sharing_condition", YS.sharingCondition), ("open_condition", YS.openCondition)):
        if record[key]:
            w.add(prop, text(record[key]))
    w.link(YS.sharingMethod, record["sharing_method"])
    w.link(DCT.accrualPeriodicity, record["frequency"])
    for key, prop in (("issued", DCT.issued), ("modified", DCT.modified)):
        if record[key]:
            w.add(prop, typed(record[key]))
    w.texts(YS.sourceSystemName, record["source_systems"])
    for derived in record.get("derived_from", []):
        if derived != code:
            w.link(PROV.wasDerivedFrom, ctx.minter.dataset(derived))
    if record["volume"] is not None:
        w.add(YS.recordCount, typed(record["volume"]))
    if record["url"]:
        w.link(DCAT.landingPage, record["url"])
    ctx.add_extras(w, record)
    yield from w
    yield from _distributions(w.subject, code, record, ctx, data_audience)
    for name in record.get("elements", []):
        yield from element_triples(ctx, code, name, metadata_audience)


def _themes(w: QuadWriter, record: Record) -> None:
    seen: set[object] = set()
    for theme in record.get("themes", []):
        if theme in seen:
            continue
        seen.add(theme)
        if isinstance(theme, URIRef):
            w.link(DCAT.theme, theme)
        else:
            w.add(DCAT.keyword, text(theme))
    for keyword in record.get("keywords", []):
        if keyword not in seen:
            seen.add(keyword)
            w.add(DCAT.keyword, text(keyword))


def _distributions(dataset: ox.NamedNode, code: str, record: Record, ctx: LoadContext,
                   audience: Audience) -> Iterator[ox.Quad]:
    access = record["url"] or dataset.value
    for fmt in dict.fromkeys(record.get("formats", [])):
        if not fmt:
            continue
        d = ctx.writer(ctx.minter.distribution(code, fmt))
        d.a(DCAT.Distribution)
        d.audience(audience)
        label = "API" if fmt in _API_NAMES else fmt.upper()
        d.add(DCT.title, text(label))
        file_type = _FILE_TYPES.get(fmt)
        if file_type:
            d.link(DCT.format, EU_FILE_TYPE[file_type])
        d.link(DCAT.accessURL, access)
        yield ox.Quad(dataset, DCAT.distribution, d.subject, ctx.graph)
        yield from d


def element_triples(ctx: LoadContext, dataset_code_: str, name: str, audience: Audience) -> Iterator[ox.Quad]:
    """A dataset's data element (信息项) and its link to the shared concept it records.

    Elements are metadata: they have their dataset's audience, and a concept is visible to whoever may
    see one of the elements that record it."""
    element = ctx.writer(ctx.minter.data_element(dataset_code_, name))
    element.a(YS.DataElement)
    element.audience(audience)
    element.add(DCT.title, text(name))
    concept = concept_iri(ctx, name)
    element.link(YS.concept, concept)
    if (concept, audience) not in ctx.concept_audiences:
        ctx.concept_audiences.add((concept, audience))
        c = ctx.writer(concept)
        c.audience(audience)
        yield from c
    yield ox.Quad(ox.NamedNode(ctx.minter.dataset(dataset_code_)), YS.dataElement, element.subject, ctx.graph)
    yield from element


def concept_iri(ctx: LoadContext, name: str) -> str:
    """The concept a data element records: a standard one (code:data-element) or one minted from its name.

    A minted concept is declared once per file."""
    iri = ctx.concepts.get(name)
    if iri is not None:
        return iri
    try:
        iri = str(code_list("data-element").match(name))
    except ValueError:
        iri = ctx.minter.concept(name)
        c = ctx.writer(iri)
        c.a(SKOS.Concept)
        c.add(SKOS.prefLabel, text(name))
        ctx.pending.extend(c)
    ctx.concepts[name] = iri
    return iri


KIND = SourceKind("catalog", "政务信息资源目录", COLUMNS, subject=subject, build=build,
                  distinctive=("title", "publisher"))

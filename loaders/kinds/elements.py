"""信息项表 — data elements in a sheet or file of their own, keyed by 信息资源代码."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from loaders.columns import Column, Record, SourceKind
from loaders.context import LoadContext
from loaders.kinds.catalog import element_triples
from yuanshu.visibility import Audience

COLUMNS = (
    Column("code", "信息资源代码", ("资源代码", "信息资源编码", "目录编码", "resource_code"), required=True),
    Column("name", "信息项名称", ("数据项名称", "字段名称", "字段中文名称", "数据元名称", "element", "element_name",
                                "field_name"), required=True),
)


def subject(record: Record, ctx: LoadContext) -> str:
    return ctx.minter.data_element(record["code"], record["name"])


def build(record: Record, ctx: LoadContext) -> Iterator[ox.Quad]:
    # a 信息项 sheet beside its catalog sheet takes the dataset's audience; elements of a dataset not in
    # this file stay hidden until that dataset's own file is loaded with them (fail closed)
    audience = ctx.dataset_audiences.get(record["code"], Audience.OWNER)
    yield from element_triples(ctx, record["code"], record["name"], audience)
    w = ctx.writer(subject(record, ctx))
    ctx.add_extras(w, record)  # 数据类型, 长度, 描述 … kept as properties of the element
    yield from w


KIND = SourceKind("elements", "信息项表", COLUMNS, subject=subject, build=build, distinctive=("name", "code"))

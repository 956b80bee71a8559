"""Real catalogs and service items published by others load as a department's file would.

Input is read from ../shared/realdata (beside the clone); nothing of it is copied into the project.
"""

from __future__ import annotations

import csv
import json
from collections import Counter

import pytest

from tests.conftest import shared_path
from yuanshu.db import RunStatus
from yuanshu.runtime import Runtime

CATALOGS = ["anhui_anhui.json", "fujian_xiamen.json", "jiangxi_jiangxi.json"]
CODE = "https://w3id.org/yuanshu/code/"


def count(runtime: Runtime, where: str) -> int:
    return int(runtime.store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")[0]["n"].value)


@pytest.mark.parametrize("name", CATALOGS)
def test_real_catalog_loads_every_record_or_rejects_it_with_a_reason(runtime: Runtime, name: str) -> None:
    path = shared_path("realdata", "cn-open-catalogs", name)
    records = json.loads(path.read_text(encoding="utf-8"))
    (result,) = runtime.loader().load([path]).files
    print(f"\n{name}: read {result.rows_read}, loaded {result.rows_loaded}, rejected {result.rows_rejected}")
    for error in result.errors[:10]:
        print(f"  {error}")
    assert result.status == RunStatus.finished and result.kind == "catalog"
    assert result.rows_read == len(records)
    assert result.rows_loaded + result.rows_rejected == len(records)
    assert all(e.reason and e.row for e in result.errors)
    assert count(runtime, "?d a dcat:Dataset") == result.rows_loaded
    # every loaded record has its title, its publisher link and a normalised access right
    assert count(runtime, "?d a dcat:Dataset ; dct:title ?t ; dct:publisher ?p") == result.rows_loaded
    missing_rights = count(runtime, "?d a dcat:Dataset FILTER NOT EXISTS { ?d dct:accessRights ?r }")
    assert missing_rights == 0


def test_xiamen_oddities_are_normalised(runtime: Runtime) -> None:
    path = shared_path("realdata", "cn-open-catalogs", "fujian_xiamen.json")
    records = json.loads(path.read_text(encoding="utf-8"))
    runtime.loader().load([path])
    open_types = Counter(r["开放类型"] for r in records)
    assert count(runtime, f"?d dct:accessRights <{CODE}open-type-unconditional>") == open_types["普遍开放"]
    assert count(runtime, f"?d dct:accessRights <{CODE}open-type-conditional>") == (
        open_types["依申请开放"] + open_types["安全开放"])
    # "[xml,xls,csv,json,rdf]" becomes five distributions with EU file types
    with_rdf = sum(1 for r in records if "rdf" in r["数据格式"])
    assert count(runtime, "?x dct:format <http://publications.europa.eu/resource/authority/file-type/RDF_XML>") \
        == with_rdf
    # "每 2 日", "每 3 日" are at least weekly; "每 null null" carries no frequency
    weekly = sum(1 for r in records if r["更新频率"] in ("每 2 日", "每 3 日", "每周"))
    assert count(runtime, f"?d dct:accrualPeriodicity <{CODE}frequency-weekly>") == weekly
    no_frequency = sum(1 for r in records if r["更新频率"] == "每 null null")
    assert count(runtime, "?d a dcat:Dataset FILTER NOT EXISTS { ?d dct:accrualPeriodicity ?f }") == no_frequency


def test_anhui_bracketed_format_lists_become_distributions(runtime: Runtime) -> None:
    path = shared_path("realdata", "cn-open-catalogs", "anhui_anhui.json")
    records = json.loads(path.read_text(encoding="utf-8"))
    runtime.loader().load([path])
    api = sum(1 for r in records if "api" in r["数据格式"])
    assert count(runtime, '?x a dcat:Distribution ; dct:title "API"@zh') == api
    conditional = sum(1 for r in records if r["开放属性"] == "有条件开放")
    assert count(runtime, f"?d dct:accessRights <{CODE}open-type-conditional>") == conditional


def test_real_service_items_load_with_types_mapped_and_codes_split(runtime: Runtime) -> None:
    path = shared_path("realdata", "service-items", "sichuan_guangan_service_items.csv")
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    (result,) = runtime.loader().load([path]).files
    print(f"\n{path.name}: read {result.rows_read}, loaded {result.rows_loaded}, rejected {result.rows_rejected}")
    assert result.status == RunStatus.finished and result.kind == "services"
    assert result.rows_loaded + result.rows_rejected == len(rows)
    assert result.rows_loaded == len({r["itemCode"] for r in rows})
    types = Counter(r["taskType"] for r in rows)
    notation = {"1": "licensing", "5": "benefit", "7": "confirmation", "8": "reward", "9": "adjudication",
                "10": "other-power", "20": "public-service"}
    for code, n in types.items():
        assert count(runtime, f"?s ys:serviceType <{CODE}service-type-{notation[code]}>") == n, code
    sample = rows[1]
    item = runtime.store.select(f"""SELECT ?basic ?area ?authority WHERE {{
        ?s dct:identifier "{sample['itemCode']}" ; ys:basicCode ?basic ; ys:implementationAreaCode ?area ;
           ys:competentAuthorityCode ?authority }}""")
    assert [(r["basic"].value, r["area"].value, r["authority"].value) for r in item] == [
        ("511A0138000000", "511602000000", "115113010833722043")]
    # the credit code inside the 实施编码 contains the 9-digit organisation code given as deptCode
    assert sample["deptCode"] in "115113010833722043"
    assert count(runtime, "?s a cpsv:PublicService ; cv:hasCompetentAuthority ?d") == result.rows_loaded


def test_real_files_load_together_in_any_order(runtime: Runtime) -> None:
    paths = [shared_path("realdata", "service-items", "sichuan_guangan_service_items.csv"),
             *(shared_path("realdata", "cn-open-catalogs", n) for n in reversed(CATALOGS))]
    report = runtime.loader().load(paths)
    assert all(f.status == RunStatus.finished for f in report.files)
    assert report.links is not None and report.links.provisional  # none of these departments is registered
    assert count(runtime, "?d ys:provisional true") == len(report.links.provisional)



"""The search backend contract: one suite, run against every backend.

The embedded backend (tantivy) always runs; the Elasticsearch backend runs when ``YUANSHU_ES_URL`` points at
a cluster (each run uses its own throw-away alias). Documents are built with the shared analyzer, so both
engines index exactly the same terms. Visibility is checked against :meth:`Caller.may_see` — the rule
itself — on every hit, total, facet count and suggestion.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from search.analysis import get_analyzer, title_pinyin
from search.backend import DocType, Facet, SearchBackend, SearchDocument, SearchQuery, Sort
from yuanshu.visibility import ADMIN, ANONYMOUS, Audience, Caller, Role

PUBLIC, STAFF, OWNER = str(Audience.PUBLIC), str(Audience.STAFF), str(Audience.OWNER)
DEPT_A, DEPT_B = "http://example.org/id/department/A", "http://example.org/id/department/B"
AREA_X, AREA_Y = "http://example.org/id/area/X", "http://example.org/id/area/Y"
THEME_SOCIAL, THEME_HOUSING = "https://w3id.org/yuanshu/code/theme-social-security", \
    "https://w3id.org/yuanshu/code/theme-housing"
STAFF_A = Caller(Role.STAFF, DEPT_A)
STAFF_B = Caller(Role.STAFF, DEPT_B)
CALLERS = (ANONYMOUS, Caller(Role.STAFF), STAFF_A, STAFF_B, ADMIN)
LABELS = {DEPT_A: "河源市人力资源和社会保障局", DEPT_B: "河源市住房公积金管理中心", AREA_X: "源城区", AREA_Y: "东源县",
          THEME_SOCIAL: "社保就业", THEME_HOUSING: "城建住房"}

# (code, title, description, audience, publisher, area, theme, formats, issued)
ROWS = [
    ("A-001", "社会保险参保信息", "参保人员的社会保险登记与缴费信息。", PUBLIC, DEPT_A, AREA_X, THEME_SOCIAL, ["CSV"],
     "2021-03-01"),
    ("A-002", "社会保险费征收信息", "社会保险费缴费基数与征收记录。", STAFF, DEPT_A, AREA_X, THEME_SOCIAL, ["API"],
     "2022-05-10"),
    ("A-003", "失业保险金发放信息", "失业人员领取失业保险金的记录。", OWNER, DEPT_A, AREA_Y, THEME_SOCIAL, ["XLSX"],
     "2020-01-15"),
    ("B-001", "住房公积金缴存信息", "单位和个人住房公积金缴存明细，每月更新。", PUBLIC, DEPT_B, AREA_X, THEME_HOUSING,
     ["CSV", "API"], "2023-07-01"),
    ("B-002", "住房公积金贷款信息", "公积金个人住房贷款发放与还款。", OWNER, DEPT_B, AREA_Y, THEME_HOUSING, ["API"],
     "2019-11-30"),
    ("B-003", "不动产登记信息", "不动产登记簿的权利人和抵押信息。", PUBLIC, DEPT_B, AREA_Y, THEME_HOUSING, ["XLSX"],
     None),
    ("B-004", "Housing licences register", "Licensed housing agencies and their licences.", PUBLIC, DEPT_B, AREA_X,
     THEME_HOUSING, ["JSON"], "2018-02-02"),
    ("B-005", "12345热线工单信息", "市民通过12345热线反映的住房问题工单。", PUBLIC, DEPT_B, AREA_X, THEME_HOUSING,
     ["CSV"], "2024-01-01"),
]


def make_document(code: str, title: str, description: str, audience: str, publisher: str, area: str, theme: str,
                  formats: list[str], issued: str | None, doc_type: DocType = DocType.DATASET) -> SearchDocument:
    analyzer = get_analyzer()
    return SearchDocument(
        iri=f"http://example.org/id/dataset/{code}", type=doc_type, title=title, description=description,
        identifier=code, title_tokens=analyzer.index_text(title),
        text_tokens=analyzer.index_text(description, LABELS[publisher], LABELS[area], code, *formats),
        title_sort=title_pinyin(title), suggest_keys=analyzer.suggest_keys(title), issued=issued,
        audiences=[audience], owners=[publisher],
        facets={Facet.TYPE: [doc_type], Facet.PUBLISHER: [publisher], Facet.AREA: [area], Facet.THEME: [theme],
                Facet.FORMAT: formats},
        labels={k: LABELS[k] for k in (publisher, area, theme)}, source_hash=code + title)


DOCUMENTS = [make_document(*row) for row in ROWS]
BY_IRI = {d.iri: d for d in DOCUMENTS}


def visible(caller: Caller) -> list[SearchDocument]:
    return [d for d in DOCUMENTS if caller.role is Role.ADMIN or caller.may_see(d.audiences, d.owners)]


def _embedded(tmp_path: Path) -> SearchBackend:
    from search.embedded import EmbeddedBackend

    return EmbeddedBackend(tmp_path / "index")


def _elastic(_tmp_path: Path) -> SearchBackend:
    url = os.environ.get("YUANSHU_ES_URL")
    if not url:
        pytest.skip("未设置 YUANSHU_ES_URL，跳过 Elasticsearch 契约测试 / YUANSHU_ES_URL is not set: "
                    "the contract suite runs against Elasticsearch only when it points at a cluster")
    from search.elastic import ElasticBackend

    return ElasticBackend(url, f"yuanshu-test-{uuid.uuid4().hex[:8]}")


@pytest.fixture(params=[_embedded, _elastic], ids=["embedded", "elasticsearch"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchBackend]:
    engine = request.param(tmp_path)
    engine.rebuild(DOCUMENTS)
    yield engine
    drop = getattr(engine, "drop", None)
    if drop is not None:
        drop()
    engine.close()


def iris(result_hits: list) -> list[str]:
    return [h.iri for h in result_hits]


def test_implements_the_protocol(backend: SearchBackend) -> None:
    assert isinstance(backend, SearchBackend)
    assert backend.hashes() == {d.iri: d.source_hash for d in DOCUMENTS}


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: f"{c.role}:{c.department or ''}")
def test_visibility_is_compiled_into_hits_totals_and_facets(backend: SearchBackend, caller: Caller) -> None:
    expected = visible(caller)
    result = backend.search(SearchQuery(limit=100, facets=tuple(Facet)), caller)
    assert sorted(iris(result.hits)) == sorted(d.iri for d in expected)
    assert result.total == len(expected) == backend.count(caller)
    for facet in (Facet.PUBLISHER, Facet.AREA, Facet.THEME, Facet.FORMAT):
        counts = Counter(v for d in expected for v in d.facets[facet])
        assert {v.value: v.count for v in result.facets[facet]} == dict(counts)
    # the same through a text query: 保险 matches A-001..A-003, of which only what the caller may see
    text = backend.search(SearchQuery(text="保险", limit=100, facets=(Facet.PUBLISHER,)), caller)
    wanted = {d.iri for d in expected if "保险" in d.title}
    assert set(iris(text.hits)) == wanted and text.total == len(wanted)
    assert sum(v.count for v in text.facets.get(Facet.PUBLISHER, [])) == len(wanted)


def test_facet_counts_stay_exact_across_many_index_updates(backend: SearchBackend) -> None:
    for doc in DOCUMENTS:  # one update per document: the embedded index gets one segment each
        backend.index([doc])
    for limit in (1, 2, 50):
        result = backend.search(SearchQuery(facets=(Facet.FORMAT, Facet.AREA), facet_limit=limit), ADMIN)
        for facet in (Facet.FORMAT, Facet.AREA):
            counts = Counter(v for d in DOCUMENTS for v in d.facets[facet])
            expected = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
            assert [(v.value, v.count) for v in result.facets[facet]] == expected


def test_staff_see_staff_entries_and_only_their_own_department_s_owner_entries(backend: SearchBackend) -> None:
    staff_a = set(iris(backend.search(SearchQuery(limit=50), STAFF_A).hits))
    assert BY_IRI["http://example.org/id/dataset/A-002"].iri in staff_a  # staff audience
    assert "http://example.org/id/dataset/A-003" in staff_a  # owner audience, own department
    assert "http://example.org/id/dataset/B-002" not in staff_a  # owner audience, other department
    anonymous = set(iris(backend.search(SearchQuery(limit=50), ANONYMOUS).hits))
    assert not anonymous & {"http://example.org/id/dataset/A-002", "http://example.org/id/dataset/A-003",
                            "http://example.org/id/dataset/B-002"}


def test_filters_combine_or_within_a_facet_and_and_across(backend: SearchBackend) -> None:
    query = SearchQuery(filters={Facet.FORMAT: ("CSV", "JSON"), Facet.AREA: (AREA_X,)}, limit=50,
                        facets=(Facet.FORMAT, Facet.PUBLISHER))
    result = backend.search(query, ADMIN)
    expected = [d for d in DOCUMENTS
                if {"CSV", "JSON"} & set(d.facets[Facet.FORMAT]) and AREA_X in d.facets[Facet.AREA]]
    assert sorted(iris(result.hits)) == sorted(d.iri for d in expected)
    assert {v.value: v.count for v in result.facets[Facet.FORMAT]} == dict(
        Counter(f for d in expected for f in d.facets[Facet.FORMAT]))
    assert {v.value: v.label for v in result.facets[Facet.PUBLISHER]} == {DEPT_A: LABELS[DEPT_A],
                                                                       DEPT_B: LABELS[DEPT_B]}


def test_chinese_segmentation_synonyms_and_traditional_input(backend: SearchBackend) -> None:
    def titles(text: str) -> list[str]:
        return [h.title for h in backend.search(SearchQuery(text=text, limit=20), ADMIN).hits]

    assert "不动产登记信息" in titles("不动产登记")
    assert "不动产登记信息" in titles("不动产")
    assert {"社会保险参保信息", "社会保险费征收信息"} <= set(titles("社保"))  # synonym
    assert set(titles("社會保險")) == set(titles("社会保险"))  # traditional → simplified
    assert "住房公积金缴存信息" in titles("公积金")
    assert titles("ＣＳＶ") == titles("csv")  # full-width → half-width


def test_ranking_prefers_title_matches(backend: SearchBackend) -> None:
    hits = backend.search(SearchQuery(text="公积金", limit=10), ADMIN).hits
    assert hits[0].title.startswith("住房公积金") and hits[0].score >= hits[-1].score


def test_english_stemming_fuzzy_and_mixed_language(backend: SearchBackend) -> None:
    def first(text: str) -> str | None:
        hits = backend.search(SearchQuery(text=text, limit=5), ADMIN).hits
        return hits[0].title if hits else None

    assert first("licence") == "Housing licences register"  # stemmed
    assert first("licnces") == "Housing licences register"  # one typo
    assert first("hosuing registr") == "Housing licences register"  # typos in two words
    assert first("12345 热线") == "12345热线工单信息"  # mixed Chinese / English
    assert first("12345热线") == "12345热线工单信息"


def test_identifier_query_finds_the_entry(backend: SearchBackend) -> None:
    hits = backend.search(SearchQuery(text="B-003", limit=3), ADMIN).hits
    assert hits[0].identifier == "B-003"


def test_relaxed_when_requiring_every_word_finds_nothing(backend: SearchBackend) -> None:
    result = backend.search(SearchQuery(text="不动产登记 宇宙飞船", limit=5), ADMIN)
    assert result.total >= 1 and result.hits[0].title == "不动产登记信息"


def test_sort_by_date_and_title(backend: SearchBackend) -> None:
    public = visible(ANONYMOUS)
    newest = backend.search(SearchQuery(sort=Sort.DATE_DESC, limit=50), ANONYMOUS).hits
    dated = sorted((d for d in public if d.issued), key=lambda d: d.issued or "", reverse=True)
    assert iris(newest)[:len(dated)] == [d.iri for d in dated]
    assert newest[-1].issued is None  # undated last
    oldest = backend.search(SearchQuery(sort=Sort.DATE_ASC, limit=50), ANONYMOUS).hits
    assert iris(oldest)[:len(dated)] == [d.iri for d in reversed(dated)] and oldest[-1].issued is None
    by_title = backend.search(SearchQuery(sort=Sort.TITLE_ASC, limit=50), ANONYMOUS).hits
    assert iris(by_title) == [d.iri for d in sorted(public, key=lambda d: d.title_sort)]
    reverse = backend.search(SearchQuery(sort=Sort.TITLE_DESC, limit=50), ANONYMOUS).hits
    assert iris(reverse) == list(reversed(iris(by_title)))


def test_sort_by_date_with_a_text_query_keeps_only_matches(backend: SearchBackend) -> None:
    hits = backend.search(SearchQuery(text="保险", sort=Sort.DATE_DESC, limit=10), ADMIN).hits
    assert [h.identifier for h in hits] == ["A-002", "A-001", "A-003"]


def test_deep_paging_walks_every_result_once(backend: SearchBackend) -> None:
    full = iris(backend.search(SearchQuery(sort=Sort.TITLE_ASC, limit=100), ADMIN).hits)
    paged: list[str] = []
    for offset in range(0, len(full) + 3, 3):
        page = backend.search(SearchQuery(sort=Sort.TITLE_ASC, offset=offset, limit=3), ADMIN)
        assert page.total == len(DOCUMENTS)
        paged += iris(page.hits)
    assert paged == full
    past_the_end = backend.search(SearchQuery(offset=1000, limit=10), ADMIN)
    assert past_the_end.hits == [] and past_the_end.total == len(DOCUMENTS)


def test_date_range_filter(backend: SearchBackend) -> None:
    result = backend.search(SearchQuery(issued_from="2021-01-01", issued_to="2022-12-31", limit=20), ADMIN)
    assert sorted(h.identifier for h in result.hits) == ["A-001", "A-002"]


def test_highlights_mark_matches_in_the_original_text(backend: SearchBackend) -> None:
    hit = backend.search(SearchQuery(text="社保", highlight=True, limit=1), ANONYMOUS).hits[0]
    assert hit.highlights["title"] == "<em>社会保险</em>参保信息"
    assert "<em>社会保险</em>" in hit.highlights["description"]
    english = backend.search(SearchQuery(text="licence", highlight=True, limit=1), ANONYMOUS).hits[0]
    assert english.highlights["title"] == "Housing <em>licences</em> register"
    plain = backend.search(SearchQuery(text="社保", limit=1), ANONYMOUS).hits[0]
    assert plain.highlights == {}


def test_suggestions_by_prefix_pinyin_and_initials_respect_visibility(backend: SearchBackend) -> None:
    def texts(prefix: str, caller: Caller) -> list[str]:
        return [s.text for s in backend.suggest(prefix, caller, limit=10)]

    assert "住房公积金缴存信息" in texts("gjj", ANONYMOUS)  # initials from inside the title
    assert "住房公积金缴存信息" in texts("zhufang", ANONYMOUS)  # full pinyin
    assert "住房公积金缴存信息" in texts("住房公", ANONYMOUS)  # text prefix
    assert "住房公积金贷款信息" not in texts("gjj", ANONYMOUS)  # owner-only entry hidden from the public
    assert "住房公积金贷款信息" not in texts("gjj", STAFF_A)  # … and from another department's staff
    assert "住房公积金贷款信息" in texts("gjj", STAFF_B)
    assert "社会保险费征收信息" not in texts("shehui", ANONYMOUS)
    assert "社会保险费征收信息" in texts("shehui", Caller(Role.STAFF))
    assert texts("", ANONYMOUS) == [] and texts("？？", ANONYMOUS) == []


def test_incremental_index_and_delete(backend: SearchBackend) -> None:
    changed = make_document("B-003", "不动产登记簿信息", "更新后的说明。", PUBLIC, DEPT_B, AREA_Y, THEME_HOUSING,
                            ["XLSX"], None)
    backend.index([changed])
    hits = backend.search(SearchQuery(text="不动产", limit=10), ADMIN).hits
    assert [h.title for h in hits] == ["不动产登记簿信息"]  # replaced, not duplicated
    assert backend.delete([changed.iri]) == 1
    assert backend.search(SearchQuery(text="不动产", limit=10), ADMIN).total == 0
    assert changed.iri not in backend.hashes()
    assert backend.count(ADMIN) == len(DOCUMENTS) - 1


def test_rebuild_swaps_in_a_new_version(backend: SearchBackend) -> None:
    assert backend.rebuild(DOCUMENTS[:3]) == 3
    assert backend.count(ADMIN) == 3
    assert set(backend.hashes()) == {d.iri for d in DOCUMENTS[:3]}
    assert backend.search(SearchQuery(text="公积金"), ADMIN).total == 0


def test_state_is_kept_with_the_index(backend: SearchBackend) -> None:
    assert backend.get_state("generation") is None
    backend.set_state("generation", "abc")
    assert backend.get_state("generation") == "abc"

"""The judged query set (tests/search_judgments.json) against the demo server's search API.

Every judged query must put at least one relevant dataset in its first ten results (the issue asks that
none returns nothing where a relevant dataset is judged); the ranking quality itself (nDCG@10, recall@10)
is measured by ``bench/relevance_bench.py``.
"""

from __future__ import annotations

import httpx
import pytest

from bench.relevance_bench import K, datasets_by_title, evaluate, grades, load_judgments
from tests.conftest import ADMIN_TOKEN, Server, auth
from tests.test_search_api import sparql

JUDGMENTS = load_judgments()


def test_the_judged_set_is_large_enough_and_well_formed() -> None:
    assert len(JUDGMENTS) >= 40
    assert len({j.q for j in JUDGMENTS}) == len(JUDGMENTS)
    assert all(j.relevant and set(j.relevant.values()) <= {1, 2} and 2 in j.relevant.values() for j in JUDGMENTS)


@pytest.fixture(scope="module")
def by_title(demo_server: Server) -> dict[str, list[str]]:
    rows = sparql(demo_server, "SELECT ?d ?t WHERE { ?d a dcat:Dataset ; dct:title ?t }")
    return datasets_by_title([(r["d"], r["t"]) for r in rows])


def _search(server: Server, q: str) -> list[str]:
    response = httpx.get(f"{server.url}/api/search", params={"q": q, "type": "dataset", "size": K},
                         headers=auth(ADMIN_TOKEN), timeout=30)
    assert response.status_code == 200, response.text
    return [r["iri"] for r in response.json()["results"]]


def test_every_judged_title_exists_in_the_demo(by_title: dict[str, list[str]]) -> None:
    missing = sorted({t for j in JUDGMENTS for t in j.relevant} - set(by_title))
    assert missing == []


@pytest.mark.parametrize("judgment", JUDGMENTS, ids=[j.q for j in JUDGMENTS])
def test_no_judged_query_misses_every_relevant_dataset(demo_server: Server, by_title: dict[str, list[str]],
                                                       judgment) -> None:
    assert grades(judgment, by_title)
    (score,) = evaluate(lambda q: _search(demo_server, q), [judgment], by_title)
    assert score.found >= 1, f"{judgment.q}: no relevant dataset in the first {K}"

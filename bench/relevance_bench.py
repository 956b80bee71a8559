"""Relevance of Chinese search on the judged query set (tests/search_judgments.json): nDCG@10 and recall@10.

Each judged query is run over datasets (the portal's default search) by a caller who sees them all —
relevance is judged on the whole catalog; who sees what is tested on its own (tests/test_search_api.py). A
dataset is relevant with the grade of its title (titles repeat across the eight areas, so every dataset with a
judged title counts). recall@10 is the share of the relevant datasets found in the first ten, out of at most
ten (``found / min(10, relevant)``), so a query with more than ten relevant datasets can still score 1.

Run::

    .venv/bin/python -m bench.relevance_bench            # generates and loads the scale-1 demo in a temp dir
    .venv/bin/python -m bench.relevance_bench --home DIR # an existing data directory holding the demo
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

JUDGMENTS = Path(__file__).resolve().parent.parent / "tests" / "search_judgments.json"
K = 10
DATASETS = "SELECT ?d ?t WHERE { ?d a dcat:Dataset ; dct:title ?t }"
DESCRIPTIONS = "SELECT ?d ?t ?s WHERE { ?d a dcat:Dataset ; dct:title ?t OPTIONAL { ?d dct:description ?s } }"


@dataclass(frozen=True)
class Judgment:
    q: str
    note: str
    relevant: dict[str, int]  # title → grade (2 = what is meant, 1 = related)


@dataclass(frozen=True)
class Score:
    q: str
    ndcg: float
    recall: float
    relevant: int  # relevant datasets
    found: int  # relevant datasets in the first K


def load_judgments(path: Path = JUDGMENTS) -> list[Judgment]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [Judgment(j["q"], j.get("note", ""), dict(j["relevant"])) for j in data["queries"]]


def grades(judgment: Judgment, datasets_by_title: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """IRI → grade of every dataset the judgment makes relevant."""
    return {iri: grade for title, grade in judgment.relevant.items() for iri in datasets_by_title.get(title, ())}


def ndcg_at(ranked: Sequence[str], graded: Mapping[str, int], k: int = K) -> float:
    def dcg(gains: Sequence[int]) -> float:
        return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:k]))

    ideal = dcg(sorted(graded.values(), reverse=True))
    return dcg([graded.get(iri, 0) for iri in ranked]) / ideal if ideal else 0.0


def recall_at(ranked: Sequence[str], graded: Mapping[str, int], k: int = K) -> float:
    if not graded:
        return 0.0
    return sum(1 for iri in ranked[:k] if iri in graded) / min(k, len(graded))


def evaluate(search: Callable[[str], list[str]], judgments: Sequence[Judgment],
             datasets_by_title: Mapping[str, Sequence[str]]) -> list[Score]:
    """Score each judged query; ``search`` returns the ranked dataset IRIs of a query (first K used)."""
    scores = []
    for judgment in judgments:
        graded = grades(judgment, datasets_by_title)
        ranked = search(judgment.q)[:K]
        scores.append(Score(judgment.q, ndcg_at(ranked, graded), recall_at(ranked, graded), len(graded),
                            sum(1 for iri in ranked if iri in graded)))
    return scores


def datasets_by_title(rows: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """(IRI, title) rows → title → IRIs."""
    found: dict[str, list[str]] = defaultdict(list)
    for iri, title in rows:
        found[title].append(iri)
    return found


def substring_baseline(rows: Sequence[tuple[str, str, str]]) -> Callable[[str], list[str]]:
    """The naive search many portals have: the query as a substring of the title (first) or description."""
    def search(q: str) -> list[str]:
        in_title = [iri for iri, title, _ in rows if q in title]
        return in_title + [iri for iri, title, text in rows if q not in title and q in text]

    return search


def _summary(name: str, scores: Sequence[Score]) -> str:
    mean_ndcg = sum(s.ndcg for s in scores) / len(scores)
    mean_recall = sum(s.recall for s in scores) / len(scores)
    misses = sum(1 for s in scores if s.found == 0)
    return (f"{name:<22} mean nDCG@10 = {mean_ndcg:.3f}, mean recall@10 = {mean_recall:.3f}, "
            f"queries with no relevant dataset in the first 10: {misses}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, help="a data directory holding the loaded demo (default: build one)")
    args = parser.parse_args()

    from search.backend import DocType, Facet, SearchQuery
    from yuanshu.config import Settings
    from yuanshu.runtime import Runtime
    from yuanshu.visibility import ADMIN

    with tempfile.TemporaryDirectory() as tmp:
        home = args.home or Path(tmp) / "data"
        runtime = Runtime.open(Settings(home=home))
        if args.home is None:
            from yuanshu.demo import generate

            runtime.load(generate(home / "demo"))
        rows = [(r["d"].value, r["t"].value) for r in runtime.store.select(DATASETS)]
        texts = [(r["d"].value, r["t"].value, r["s"].value if "s" in r else "")
                 for r in runtime.store.select(DESCRIPTIONS)]

        def search(q: str) -> list[str]:
            query = SearchQuery(text=q, filters={Facet.TYPE: (DocType.DATASET.value,)}, limit=K)
            return [h.iri for h in runtime.search.search(query, ADMIN).hits]

        judgments = load_judgments()
        scores = evaluate(search, judgments, datasets_by_title(rows))
        baseline = evaluate(substring_baseline(texts), judgments, datasets_by_title(rows))
        runtime.close()
    print(f"{'query':<14} {'nDCG@10':>8} {'recall@10':>9} {'found':>5} {'relevant':>8}   baseline nDCG / recall")
    for s, b in zip(scores, baseline, strict=True):
        print(f"{s.q:<14} {s.ndcg:8.3f} {s.recall:9.3f} {s.found:5d} {s.relevant:8d}   {b.ndcg:.3f} / {b.recall:.3f}")
    print(f"\n{len(scores)} judged queries")
    print(_summary(f"Yuanshu ({runtime.search.name})", scores))
    print(_summary("substring baseline", baseline))


if __name__ == "__main__":
    main()

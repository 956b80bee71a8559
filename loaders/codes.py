"""Parsers for code-list columns: messy source values → SKOS concepts of ``ontology/codelists.ttl``."""

from __future__ import annotations

import re
from typing import Any

from rdflib import URIRef

from loaders.normalize import clean_text
from ontology.codelists import CodeList, code_list
from ontology.namespaces import CODE

_EVERY_N = re.compile(r"^每\s*(\d+)\s*(日|天|周|星期|月|个月|季度|年)$")
_DAYS_PER_UNIT = {"日": 1, "天": 1, "周": 7, "星期": 7, "月": 30, "个月": 30, "季度": 91, "年": 365}
# upper bound in days → frequency concept; an interval maps to the first bucket it fits in
_FREQUENCY_BUCKETS = ((1, "daily"), (7, "weekly"), (31, "monthly"), (92, "quarterly"),
                      (183, "semiannual"), (366, "annual"))


class CodedParser:
    """A column parser that maps a value to a concept of one code list."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._seen: dict[str, URIRef] = {}

    @property
    def codes(self) -> CodeList:
        return code_list(self.name)

    def __call__(self, raw: Any) -> URIRef:
        text = clean_text(raw)
        if text is None:
            raise ValueError(f"{self.codes.label}为空")
        concept = self._seen.get(text)
        if concept is None:
            concept = self._seen[text] = self.codes.match(text)
        return concept


def coded(name: str) -> CodedParser:
    """Parser for a column whose values come from the code list ``code:<name>``."""
    return CodedParser(name)


def parse_frequency(raw: Any) -> URIRef | None:
    """更新周期: the eight standard values and their variants, or "每 N 日/周/月/年" intervals.

    An interval maps to the shortest standard period it still guarantees (每 2 日 is at least weekly,
    每 3 月 quarterly, 每 121 日 half-yearly). Values with no information left ("每 null null") count as empty.
    """
    text = clean_text(raw)
    if text is None:
        return None
    compact = re.sub(r"\s+", " ", text.replace("null", "").replace("None", "")).strip()
    if compact in ("", "每"):
        return None
    interval = _EVERY_N.match(compact.replace(" ", ""))
    if interval:
        days = int(interval.group(1)) * _DAYS_PER_UNIT[interval.group(2)]
        for limit, name in _FREQUENCY_BUCKETS:
            if days <= limit:
                return CODE[f"frequency-{name}"]
        return CODE["frequency-irregular"]
    return code_list("frequency").match(compact)

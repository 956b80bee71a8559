"""The source kinds and how a table's headers tell which kind it is."""

from __future__ import annotations

from collections.abc import Iterable

from loaders.columns import SourceKind
from loaders.kinds import catalog, departments, elements, indicators, services, systems

KINDS: dict[str, SourceKind] = {
    k.name: k for k in (departments.KIND, catalog.KIND, elements.KIND, services.KIND, systems.KIND,
                        indicators.KIND)
}


def known_headers() -> set[str]:
    """Every header and alias of every kind (used to find the header row)."""
    return {h for kind in KINDS.values() for h in kind.all_headers()}


def detect_kind(headers: Iterable[str]) -> SourceKind | None:
    """The kind whose distinctive columns are all present and which maps the most headers."""
    headers = list(headers)
    best: list[tuple[int, SourceKind]] = []
    for kind in KINDS.values():
        mapped = kind.header_map(headers)
        keys = {c.key for c in mapped.values()}
        if all(d in keys for d in kind.distinctive):
            best.append((len(mapped), kind))
    best.sort(key=lambda pair: -pair[0])
    if not best or (len(best) > 1 and best[0][0] == best[1][0]):
        return None
    return best[0][1]

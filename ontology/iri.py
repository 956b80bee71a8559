"""The one place that mints IRIs.

IRIs are stable: they depend only on the identifying values of a source row (a code, or a name where a
kind has no code), never on load order, row position or time, so the same row always gets the same IRI.
The base IRI is configuration (``YUANSHU_BASE_IRI``); the ``ys:`` vocabulary and code lists are not.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote

from ontology.namespaces import YS_IRI

_SPACES = re.compile(r"\s+")
_SAFE = re.compile(r"[A-Za-z0-9._~-]+")


@lru_cache(maxsize=1 << 16)
def iri_key(value: str) -> str:
    """A path segment for an identifying value: NFKC-normalised, trimmed, percent-encoded."""
    if _SAFE.fullmatch(value):
        return value
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", str(value))).strip()
    if not text:
        raise ValueError("cannot mint an IRI from an empty value")
    return quote(text, safe="-_.~")


class IriMinter:
    """Mints entity, graph and provenance IRIs under one base IRI."""

    def __init__(self, base: str) -> None:
        self.base = base if base.endswith(("/", "#")) else base + "/"

    def _iri(self, *parts: str) -> str:
        return self.base + "/".join(iri_key(p) for p in parts)

    # entities -------------------------------------------------------------------------------
    def area(self, name: str) -> str:
        return self._iri("area", name)

    def department(self, code: str | None = None, name: str | None = None) -> str:
        """A department by its 统一社会信用代码, or by its name where it has none."""
        if code:
            return self._iri("department", code)
        if not name:
            raise ValueError("a department needs a code or a name")
        return self._iri("department", "name", name)

    def system(self, code: str) -> str:
        return self._iri("system", code)

    def dataset(self, code: str) -> str:
        return self._iri("dataset", code)

    def distribution(self, dataset_code: str, fmt: str) -> str:
        return self._iri("dataset", dataset_code, "distribution", fmt.lower())

    def data_element(self, dataset_code: str, name: str) -> str:
        return self._iri("dataset", dataset_code, "element", name)

    def concept(self, name: str) -> str:
        """A data-element concept found in source files (shared across datasets)."""
        return self._iri("concept", name)

    def service(self, code: str) -> str:
        return self._iri("service", code)

    def indicator(self, code: str) -> str:
        return self._iri("indicator", code)

    def observation(self, indicator_code: str, stamp: str) -> str:
        return self._iri("indicator", indicator_code, "observation", stamp)

    def extra_property(self, header: str) -> str:
        """A property for a column the loaders do not know (kept, not dropped)."""
        return self._iri("property", header)

    # provenance -----------------------------------------------------------------------------
    def load_run(self, run_id: int | str) -> str:
        return self._iri("load-run", str(run_id))

    def source_file(self, sha256: str) -> str:
        return self._iri("source-file", sha256)

    def agent(self, name: str) -> str:
        """The software agent (or user) a load run was associated with."""
        return self._iri("agent", name)

    def computation(self, stamp: str) -> str:
        return self._iri("computation", stamp)

    # named graphs ---------------------------------------------------------------------------
    def source_graph(self, source_key: str) -> str:
        """The stable name of one source file's graph (its current version is recorded in the registry)."""
        return self._iri("graph", "source", source_key)

    def version_graph(self, source_key: str, run_id: int | str) -> str:
        return self._iri("graph", "source", source_key, "run", str(run_id))

    @property
    def registry_graph(self) -> str:
        return self.base + "graph/registry"

    @property
    def links_graph(self) -> str:
        return self.base + "graph/links"

    @property
    def provenance_graph(self) -> str:
        return self.base + "graph/provenance"

    @property
    def indicators_graph(self) -> str:
        return self.base + "graph/indicators"

    @property
    def vocabulary_graph(self) -> str:
        return YS_IRI.rstrip("#")

"""Dereferenceable entity IRIs: every IRI minted under the base IRI answers under this server's ``/id/…``.

Machines get RDF by content negotiation (:mod:`graph_api.rdf_negotiation`): the statements about the entity
that the caller may see, with the labels of the entities it links to. Browsers get a small Chinese-first
HTML page with the entity's label, types, properties and links to the pages of linked entities. A hidden
entity and an unknown one get the same 404, so a caller cannot tell them apart.

What the caller may see is the rule of :mod:`yuanshu.visibility`: an entity is described only if the
caller's guard admits it, and a link to another entity is shown only if that entity is visible to the
caller or carries no audience at all (vocabulary terms, code lists, external IRIs). The loaders' reference
literals (:data:`yuanshu.published.REFERENCE_LITERALS`) are never shown: they may name hidden entities.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from urllib.parse import quote, unquote, urlsplit

import pyoxigraph as ox
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from graph_api.identity import caller_of
from graph_api.rdf_negotiation import HTML, RDF_FORMATS, REPRESENTATIONS, negotiate, rdf_response
from ontology.namespaces import CPSV, CV, DCAT, DCT, DQV, ORG, PROV, RDF, RDFS, SKOS
from yuanshu.published import REFERENCE_LITERALS
from yuanshu.store import GraphStore, values_clause
from yuanshu.visibility import Caller

Term = ox.NamedNode | ox.BlankNode | ox.Literal

FOAF_NAME = "http://xmlns.com/foaf/0.1/name"
LABELS = (str(SKOS.prefLabel), str(DCT.title), str(RDFS.label), FOAF_NAME)
_HIDDEN = ", ".join(f"ys:{name}" for name in REFERENCE_LITERALS)
NOT_FOUND = "未找到 / not found"


def visible(store: GraphStore, caller: Caller, iris: Iterable[str], *, as_links: bool = False) -> set[str]:
    """Which of ``iris`` the caller may see (the caller's guard), or with ``as_links`` may follow a link to.

    A link may be followed to an entity the caller may see and to anything without an audience: vocabulary
    terms, code-list concepts, external IRIs.
    """
    iris = set(iris)
    guard = caller.guard("x")
    if not iris or not guard:
        return iris
    rule = caller.link_guard("x") if as_links else guard
    return {row["x"].value for row in store.select(f"SELECT DISTINCT ?x WHERE {{ {values_clause('x', iris)} {rule} }}")}


def visible_triples(store: GraphStore, caller: Caller, subjects: Iterable[str],
                    predicates: Iterable[str] | None = None, *, as_links: bool = False) -> list[ox.Triple]:
    """The statements about ``subjects`` the caller may see (each once).

    Subjects must pass the caller's guard, or with ``as_links`` the rule for following a link (they are
    the objects of statements already shown); statements linking to what the caller may not follow are
    left out, and so are the reference literals. ``predicates`` restricts the statements to those
    properties. (The rule is checked once per distinct entity, not per statement: Oxigraph answers a few
    hundred lookups far faster than a filter evaluated on every row.)
    """
    shown = visible(store, caller, subjects, as_links=as_links)
    if not shown:
        return []
    allowed = ", ".join(f"<{p}>" for p in predicates) if predicates is not None else None
    restriction = f"FILTER(?p IN ({allowed}))" if allowed is not None else f"FILTER(?p NOT IN ({_HIDDEN}))"
    subjects_clause = values_clause("s", sorted(shown))
    found = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {subjects_clause} ?s ?p ?o . {restriction} }}")
    triples = list(dict.fromkeys(found))  # type: ignore[arg-type]  # a statement may sit in several graphs
    linked = visible(store, caller, {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)},
                     as_links=True)
    return [t for t in triples if not isinstance(t.object, ox.NamedNode) or t.object.value in linked]


# ------------------------------------------------------------------------------------------ HTML page
# names of the standard terms the graph uses (the ys: vocabulary labels its own terms, zh and en)
STANDARD_LABELS: dict[str, str] = {
    str(RDF.type): "类型 type",
    str(DCT.identifier): "标识符 identifier",
    str(DCT.title): "名称 title",
    str(DCT.description): "描述 description",
    str(DCT.publisher): "发布机构 publisher",
    str(DCT.issued): "发布日期 issued",
    str(DCT.modified): "更新日期 modified",
    str(DCT.accessRights): "开放类型 access rights",
    str(DCT.accrualPeriodicity): "更新周期 frequency",
    str(DCT.format): "格式 format",
    str(DCAT.theme): "主题 theme",
    str(DCAT.keyword): "关键词 keyword",
    str(DCAT.distribution): "数据分发 distribution",
    str(DCAT.accessURL): "访问地址 access URL",
    str(DCAT.landingPage): "详情页 landing page",
    str(PROV.wasDerivedFrom): "来源 derived from",
    str(PROV.startedAtTime): "开始时间 started",
    str(PROV.endedAtTime): "结束时间 ended",
    str(PROV.used): "使用 used",
    str(PROV.generated): "生成 generated",
    str(PROV.generatedAtTime): "生成时间 generated at",
    str(PROV.wasGeneratedBy): "生成于 generated by",
    str(SKOS.prefLabel): "名称 preferred label",
    str(SKOS.altLabel): "别名 alternative label",
    str(SKOS.inScheme): "所属代码表 scheme",
    str(SKOS.notation): "代码 notation",
    str(SKOS.exactMatch): "对应 exact match",
    str(ORG.subOrganizationOf): "上级部门 parent organisation",
    str(CV.hasCompetentAuthority): "实施主体 competent authority",
    str(DQV.isMeasurementOf): "所度量指标 measurement of",
    str(DQV.value): "值 value",
    str(RDFS.label): "标签 label",
    str(RDFS.comment): "说明 comment",
    str(DCAT.Dataset): "数据集 dataset",
    str(DCAT.Distribution): "数据分发 distribution",
    str(ORG.Organization): "部门 organisation",
    str(CPSV.PublicService): "政务服务事项 public service",
    str(SKOS.Concept): "概念 concept",
    str(DCT.Location): "地点 location",
    str(PROV.Activity): "活动 activity",
    str(PROV.Entity): "实体 entity",
    str(DQV.QualityMeasurement): "度量 measurement",
}


def _preferred(literals: Sequence[ox.Literal]) -> str | None:
    """The Chinese label if there is one, else an unmarked one, else English, else any."""
    for lang in ("zh", None, "en"):
        for literal in literals:
            if (literal.language or None) == lang or (lang == "zh" and (literal.language or "").startswith("zh")):
                return literal.value
    return literals[0].value if literals else None


def _bilingual(literals: Sequence[ox.Literal]) -> str | None:
    """“中文 English” from a term's zh and en labels (a vocabulary term's name on the page)."""
    zh = next((lit.value for lit in literals if (lit.language or "").startswith("zh")), None)
    en = next((lit.value for lit in literals if lit.language == "en"), None)
    return " ".join(part for part in (zh, en) if part) or _preferred(literals)


class Page:
    """The HTML page of one entity: its statements, and the labels of everything they mention."""

    def __init__(self, iri: str, triples: list[ox.Triple], labels: list[ox.Triple], base_iri: str,
                 base_path: str) -> None:
        self.iri, self.triples, self.base_iri, self.base_path = iri, triples, base_iri, base_path
        self.labels: dict[str, list[ox.Literal]] = {}
        for t in labels:
            if isinstance(t.object, ox.Literal):
                self.labels.setdefault(t.subject.value, []).append(t.object)

    def name(self, iri: str, *, term: bool = False) -> str:
        """A node's label (a vocabulary term's “中文 English”), else its IRI."""
        literals = self.labels.get(iri, [])
        label = (_bilingual(literals) or STANDARD_LABELS.get(iri)) if term else _preferred(literals)
        return label or iri

    def href(self, iri: str) -> str:
        """The link to a node's page: this server's page for a minted IRI, else the IRI itself."""
        if iri.startswith(self.base_iri):
            return self.base_path + iri[len(self.base_iri):]
        return iri

    def value(self, term: Term, *, vocabulary: bool = False) -> str:
        """A value cell: text in its language, or a link labelled with the linked node's name."""
        if isinstance(term, ox.Literal):
            if not term.language:
                return html.escape(term.value)
            lang = html.escape(term.language, quote=True)
            return f'<span lang="{lang}">{html.escape(term.value)}</span>'
        if isinstance(term, ox.BlankNode):
            return "<em>（匿名节点 blank node）</em>"
        name = self.name(term.value, term=vocabulary)
        return f'<a href="{html.escape(self.href(term.value), quote=True)}">{html.escape(name)}</a>'

    def render(self) -> str:
        own = [t.object for t in self.triples if t.predicate.value in LABELS and isinstance(t.object, ox.Literal)]
        title = _preferred(own) or self.iri
        types = [t.object.value for t in self.triples if t.predicate == RDF_TYPE]
        rows = []
        for predicate in sorted({t.predicate.value for t in self.triples}, key=lambda p: (p != str(RDF.type), p)):
            values = "<br>".join(self.value(t.object, vocabulary=predicate == RDF_TYPE.value)
                                 for t in self.triples if t.predicate.value == predicate)
            rows.append(f'<tr><th scope="row" title="{html.escape(predicate, quote=True)}">'
                        f'{html.escape(self.name(predicate, term=True))}</th><td>{values}</td></tr>')
        alternates = "".join(
            f'<link rel="alternate" type="{REPRESENTATIONS[f].media_type}" href="?format={f}">' for f in RDF_FORMATS)
        formats = " · ".join(f'<a href="?format={f}">{label}</a>' for f, label in
                             zip(RDF_FORMATS, ("Turtle", "JSON-LD", "RDF/XML", "N-Triples"), strict=True))
        kinds = "、".join(html.escape(self.name(t, term=True)) for t in types)
        return f"""<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{html.escape(title)} · 源数 Yuanshu</title>
  <link rel="stylesheet" href="/portal.css">
  {alternates}
</head>
<body>
  <header>
    <p><a href="/">源数 Yuanshu</a> · <a href="/catalog">数据目录 catalog</a></p>
    <h1>{html.escape(title)}</h1>
    <p>{kinds}</p>
    <p><code>{html.escape(self.iri)}</code></p>
  </header>
  <main>
    <table>
      <thead><tr><th>属性 <small>property</small></th><th>值 <small>value</small></th></tr></thead>
      <tbody>
        {"".join(rows)}
      </tbody>
    </table>
    <p>机器可读格式 / machine-readable: {formats}</p>
  </main>
</body>
</html>
"""


RDF_TYPE = ox.NamedNode(str(RDF.type))


# ------------------------------------------------------------------------------------------ the route
def _key(raw_path: str) -> str:
    """A request path in the minter's spelling: each segment percent-encoded as ``iri_key`` encodes it."""
    return "/".join(quote(unquote(segment), safe="-_.~") for segment in raw_path.split("/"))


def resource_router(base_iri: str) -> APIRouter:
    """The route answering the IRIs minted under ``base_iri`` (at that IRI's path on this server)."""
    base_path = urlsplit(base_iri).path
    router = APIRouter(tags=["resources"])

    @router.get(base_path + "{key:path}", summary="实体 IRI 解引用 / dereference an entity IRI")
    def resource(key: str, request: Request) -> Response:
        """实体的描述：浏览器得到 HTML 页面，程序按 Accept 得到 RDF / the entity's description."""
        representation = negotiate(request, (*RDF_FORMATS, HTML))
        raw = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
        iri = base_iri + _key(raw)[len(_key(base_path)):]
        runtime = request.app.state.runtime
        caller = caller_of(request)
        triples = visible_triples(runtime.store, caller, [iri]) if key else []
        if not triples:
            raise HTTPException(404, NOT_FOUND)
        named = {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)}
        if representation.name != HTML:
            labels = visible_triples(runtime.store, caller, named, LABELS, as_links=True)
            return rdf_response([*triples, *labels], representation)
        named |= {t.predicate.value for t in triples}  # the page names the properties too
        labels = visible_triples(runtime.store, caller, named, LABELS, as_links=True)
        page = Page(iri, triples, labels, base_iri, base_path)
        return HTMLResponse(page.render(), headers={"Vary": "Accept"})

    return router

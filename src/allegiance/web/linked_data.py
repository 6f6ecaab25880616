"""Dereferencing the project's IRIs at the server, after the W3C "Best Practice Recipes for Publishing RDF
Vocabularies" (recipe 3 for the hash-namespace ontology, recipe 5 for the slash-namespace entities):

* the resource IRI (``/id/x``, ``/source/x``, ``/concept/x``, ``/ontology``) answers **303 See Other** with
  ``Vary: Accept`` to a document chosen by the Accept header: ``/id/x.html`` for browsers, ``/id/x.ttl``,
  ``.nt``, ``.jsonld`` or ``.rdf`` for RDF clients (406 if none fits);
* the documents answer 200 in their one format. Unknown IRIs answer 404.

The local path of an IRI is the IRI without the public base ``https://w3id.org/allegiance/``; every route also
answers under ``/allegiance/...``, so a deployment behind w3id's redirect works, and links stay on the server
(under the prefix the request came in on).

An entity's RDF: its statements, the blank nodes under them (qualified derivations with excerpts, intervals and
instants), and the claims that point at it (those statements with the claims' types and labels).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import FOAF, OWL, RDFS
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from allegiance.namespaces import BASE, DCTERMS, ONTOLOGY_IRI, PREFIXES
from allegiance.paths import MissingData, default_layout
from allegiance.sparql import errors
from allegiance.sparql import formats as negotiation
from allegiance.sparql.executor import Executor
from allegiance.sparql.jobs import Job
from allegiance.web import entity_page, source_page
from allegiance.web.entity_page import BadPage, EntityPage, page_number
from allegiance.web.responses import error, failure, run_query
from allegiance.web.source_text import CATALOGUE, SourceTexts
from allegiance.web.templates import STATIC, TEMPLATES
from allegiance.web.views import KINDS, local_path

__all__ = ["KINDS", "PREFIX", "LinkedData", "local_path", "render_ontology"]

PREFIX = "/allegiance"
_DOCS = {f.extension: f for f in (*negotiation.RDF_DOCUMENT_FORMATS, negotiation.HTML)}
_NAME = re.compile(r"^[A-Za-z0-9_\-]+$")

ENTITY_RDF = """PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT {
  $E ?p ?o . ?o ?p2 ?o2 . ?o2 ?p3 ?o3 .
  ?c ?cp $E . ?c a ?ctype . ?c rdfs:label ?clabel .
} WHERE {
  { $E ?p ?o }
  UNION { $E ?p ?o . FILTER isBlank(?o) ?o ?p2 ?o2 }
  UNION { $E ?p ?o . FILTER isBlank(?o) ?o ?p2 ?o2 . FILTER isBlank(?o2) ?o2 ?p3 ?o3 }
  UNION { ?c ?cp $E . OPTIONAL { ?c a ?ctype } OPTIONAL { ?c rdfs:label ?clabel } }
}"""

EXISTS = "ASK { { $E ?p ?o } UNION { ?s ?p $E } }"
JSON = "application/sparql-results+json"


def _sources_folder() -> Path | None:
    try:
        folder = default_layout().sources
    except MissingData:
        return None
    return folder if folder.is_dir() else None


def _about(query: str, iri: URIRef, accept: str) -> Job:
    """``query`` with ``$E`` bound to ``iri`` by the engine (SEP-0007 substitution)."""
    return Job(query, accept=accept, substitutions={"E": ("iri", str(iri), None, None)})


class LinkedData:
    """``ontology``: the ontology alone (its RDF documents); ``documentation`` makes the HTML page of the model
    (at the first request for it, in a thread: it reads every instances graph)."""

    def __init__(self, executor: Executor, ontology: Graph, documentation: Callable[[], str]):
        self.executor = executor
        self.ontology = ontology
        self._documentation = documentation
        self.ontology_html: str | None = None
        self.texts = SourceTexts(_sources_folder())
        self.version = str(ontology.value(URIRef(ONTOLOGY_IRI), OWL.versionInfo) or "")
        self.ontology_docs: dict[str, bytes] = {}
        for fmt in negotiation.RDF_DOCUMENT_FORMATS:
            self.ontology_docs[fmt.extension] = ontology.serialize(format=fmt.rdflib_name, encoding="utf-8")

    def routes(self) -> list[Route]:
        routes = []
        for prefix in ("", PREFIX):
            routes.append(Route(prefix + "/ontology", self.ontology_resource, methods=["GET"]))
            routes.append(Route(prefix + "/ontology.{ext}", self.ontology_document, methods=["GET"]))
            routes.append(Route(prefix + "/ontology/{version}", self.ontology_version, methods=["GET"]))
            for kind in KINDS:
                routes.append(Route(prefix + f"/{kind}/{{name}}", self.entity, methods=["GET"]))
        return routes

    @staticmethod
    def _prefix(request: Request) -> str:
        return PREFIX if request.url.path.startswith(PREFIX + "/") else ""

    @staticmethod
    def _see_other(request: Request, path: str) -> Response:
        fmt = negotiation.choose((negotiation.HTML, *negotiation.RDF_DOCUMENT_FORMATS),
                                 request.headers.get("accept"))
        if fmt is None:
            return error(request, 406, "no acceptable format; available: text/html, "
                         + negotiation.describe(negotiation.RDF_DOCUMENT_FORMATS), headers={"Vary": "Accept"})
        return RedirectResponse(f"{path}.{fmt.extension}", 303, headers={"Vary": "Accept"})

    # -- the ontology
    async def ontology_resource(self, request: Request) -> Response:
        return self._see_other(request, request.url.path)

    async def ontology_version(self, request: Request) -> Response:
        """The version IRI (``owl:versionIRI``): this version is the current one, served at ``/ontology``."""
        if request.path_params["version"] != self.version:
            return error(request, 404, f"no version {request.path_params['version']!r} of the ontology; the "
                                       f"current one is {self.version}")
        return self._see_other(request, self._prefix(request) + "/ontology")

    async def ontology_document(self, request: Request) -> Response:
        ext = request.path_params["ext"]
        if ext == "html":
            if self.ontology_html is None:
                self.ontology_html = await run_in_threadpool(self._documentation)
            return HTMLResponse(self.ontology_html)
        if ext in self.ontology_docs:
            return Response(self.ontology_docs[ext], media_type=negotiation.content_type(_DOCS[ext]))
        return error(request, 404, f"no document /ontology.{ext}")

    # -- entities
    async def entity(self, request: Request) -> Response:
        raw = request.path_params["name"]
        kind = request.url.path.removeprefix(PREFIX).split("/")[1]
        name, dot, ext = raw.partition(".")
        if not _NAME.match(name) or (dot and ext not in _DOCS):
            return error(request, 404, f"no such resource: {request.url.path}")
        iri = URIRef(f"{BASE}{kind}/{name}")
        try:
            exists = await run_query(request, self.executor, _about(EXISTS, iri, "application/sparql-results+json"))
            if not json.loads(exists.body)["boolean"]:
                return error(request, 404, f"unknown resource {iri}")
            if not dot:
                return self._see_other(request, request.url.path)
            fmt = _DOCS[ext]
            if fmt is negotiation.HTML:
                return await self._page(request, kind, iri)
            result = await run_query(request, self.executor, _about(ENTITY_RDF, iri, "application/n-triples"))
        except errors.QueryFailure as exc:
            return failure(request, exc)
        # re-serialised by rdflib: Turtle grouped by subject with the project's prefixes, readable by people
        graph = Graph()
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns, override=True)
        graph.parse(data=result.body, format="nt")
        # the document says what it is about, under which licence, and in which dataset
        document = URIRef(f"{BASE}{kind}/{name}.{ext}")
        graph.add((document, FOAF.primaryTopic, iri))
        graph.add((document, DCTERMS.license, LICENSE))
        graph.add((document, VOID_IN_DATASET, URIRef(BASE + "dataset")))
        return await run_in_threadpool(_document, request, graph, fmt)

    async def _page(self, request: Request, kind: str, iri: URIRef) -> Response:
        """The HTML page of an entity or of a source document (queries one after another, rendering in a
        thread)."""
        prefix = self._prefix(request)
        try:
            group = request.query_params.get("group")
            page = page_number(request.query_params.get("page"))
        except BadPage as exc:
            return error(request, 400, str(exc), parameter=exc.name)
        queries = source_page.QUERIES if kind == "source" else entity_page.QUERIES
        answers = {name: (await run_query(request, self.executor, _about(q, iri, JSON))).body
                   for name, q in queries.items()}
        answers["catalogue"] = (await run_query(request, self.executor, Job(CATALOGUE, accept=JSON))).body
        own = await run_query(request, self.executor, _about(entity_page.OWN, iri, "application/n-triples"))
        try:
            html = await run_in_threadpool(self._render, kind, iri, prefix, answers, own.body, group, page)
        except BadPage as exc:
            return error(request, 400, str(exc), parameter=exc.name)
        return HTMLResponse(html, headers={"Vary": "Accept"})

    def _render(self, kind: str, iri: URIRef, prefix: str, answers: dict[str, bytes], own: bytes,
                group: str | None, page: int) -> str:
        self.texts.register({r["s"]["value"]: (r["file"]["value"], r.get("sha", {}).get("value"))
                             for r in entity_page.rows(answers["catalogue"])})
        builder = EntityPage(self.ontology, self.texts, prefix)
        summary = builder.summary(Graph().parse(data=own.decode("utf-8"), format="nt"), str(iri))
        common = {"iri": str(iri), "root": prefix, "path": local_path(str(iri), prefix), "kind": kind,
                  "rdf_links": [(f.extension, f.media_type) for f in negotiation.RDF_DOCUMENT_FORMATS], **summary}
        if kind == "source":
            return TEMPLATES.get_template("source.html").render(
                **common, has_folder=self.texts.folder is not None,
                **source_page.context(builder, self.texts, str(iri), answers))
        claims = builder.claims(answers)
        return TEMPLATES.get_template("entity.html").render(
            **common, counts=builder.counts(answers["counts"]), groups=builder.groups(claims, group, page),
            linked=builder.linked(answers["linked"]))


# ------------------------------------------------------------------------------------------ ontology docs

LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
VOID_IN_DATASET = URIRef("http://rdfs.org/ns/void#inDataset")


def _jsonld_context() -> dict[str, object] | None:
    path = STATIC / "context.jsonld"
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return data.get("@context", data) if isinstance(data, dict) else None


def _document(request: Request, graph: Graph, fmt: negotiation.Format) -> Response:
    headers = {"Vary": "Accept", "Link": f'<{LICENSE}>; rel="license"'}
    if fmt.rdflib_name == "json-ld" and (context := _jsonld_context()) is not None:
        body = graph.serialize(format="json-ld", context=context, encoding="utf-8")
        headers["Link"] += ', </context.jsonld>; rel="http://www.w3.org/ns/json-ld#context"'
        return Response(body, 200, headers=headers, media_type=negotiation.content_type(fmt))
    body = graph.serialize(format=fmt.rdflib_name, encoding="utf-8")
    return Response(body, 200, headers=headers, media_type=negotiation.content_type(fmt))


def render_ontology(ontology: Graph, concepts: Graph, instances: Graph) -> str:
    """The ontology's HTML page: its metadata, then the generated model documentation (every class and property
    with its definition, where it is used, how many instances, and a runnable example query per class)."""
    from allegiance.kb.modeldoc import render_html

    onto = URIRef(ONTOLOGY_IRI)
    both = ontology + concepts
    return TEMPLATES.get_template("ontology.html").render(
        title=str(ontology.value(onto, DCTERMS.title) or "allegiance ontology"), iri=ONTOLOGY_IRI,
        version_iri=str(ontology.value(onto, OWL.versionIRI) or ""),
        version=str(ontology.value(onto, OWL.versionInfo) or ""),
        description=[str(x) for x in (*ontology.objects(onto, DCTERMS.description),
                                      *ontology.objects(onto, RDFS.comment))],
        documentation=render_html(both, instances))

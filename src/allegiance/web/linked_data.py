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
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import FOAF, OWL, RDF, RDFS, SKOS
from rdflib.term import Identifier
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from allegiance.namespaces import ALG, BASE, DCTERMS, ONTOLOGY_IRI, PREFIXES, PROV
from allegiance.namespaces import prefixed_name as qname
from allegiance.sparql import errors
from allegiance.sparql import formats as negotiation
from allegiance.sparql.executor import Executor
from allegiance.sparql.jobs import Job
from allegiance.web.responses import error, failure, run_query
from allegiance.web.templates import STATIC, TEMPLATES

KINDS = ("id", "source", "concept")
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

ENTITY_PAGE = """PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX alg: <https://w3id.org/allegiance/ontology#>
CONSTRUCT {
  $E ?p ?o . ?o ?p2 ?o2 . ?o2 ?p3 ?o3 .
  ?c ?cp ?co . ?co ?cp2 ?co2 .
  ?r ?rp ?ro . ?ro ?rp2 ?ro2 .
  ?x rdfs:label ?xl .
} WHERE {
  { $E ?p ?o }
  UNION { $E ?p ?o . FILTER isBlank(?o) ?o ?p2 ?o2 }
  UNION { $E ?p ?o . FILTER isBlank(?o) ?o ?p2 ?o2 . FILTER isBlank(?o2) ?o2 ?p3 ?o3 }
  UNION { ?c ?cp0 $E . ?c ?cp ?co }
  UNION { ?c ?cp0 $E . ?c ?cp ?co . FILTER isBlank(?co) ?co ?cp2 ?co2 }
  UNION { ?c ?cp0 $E . ?r alg:respondsTo ?c . ?r ?rp ?ro }
  UNION { ?c ?cp0 $E . ?r alg:respondsTo ?c . ?r ?rp ?ro . FILTER isBlank(?ro) ?ro ?rp2 ?ro2 }
  UNION { { $E ?p ?x } UNION { ?c ?cp0 $E . BIND(?c AS ?x) } UNION { ?c ?cp0 $E . ?c ?cp ?x }
          UNION { ?c ?cp0 $E . ?r alg:respondsTo ?c . ?r ?rp ?x } UNION { $E ?p ?o . ?o prov:entity ?x }
          UNION { ?c ?cp0 $E . ?c ?cp ?co . ?co prov:entity ?x }
          UNION { ?c ?cp0 $E . ?r alg:respondsTo ?c . ?r ?rp ?ro . ?ro prov:entity ?x }
          ?x rdfs:label ?xl }
}"""

EXISTS = "ASK { { $E ?p ?o } UNION { ?s ?p $E } }"
_SKIP_STATEMENTS = {PROV.qualifiedDerivation, PROV.wasDerivedFrom}
_RESPONSE_TYPES = {ALG.Denial: "denial", ALG.Dispute: "dispute", ALG.Corroboration: "corroboration"}


def _about(query: str, iri: URIRef, accept: str) -> Job:
    """``query`` with ``$E`` bound to ``iri`` by the engine (SEP-0007 substitution)."""
    return Job(query, accept=accept, substitutions={"E": ("iri", str(iri), None, None)})


def local_path(iri: str, prefix: str = "") -> str | None:
    """The server path of a project IRI (``https://w3id.org/allegiance/id/x`` -> ``/id/x``), else None."""
    if iri.startswith(ONTOLOGY_IRI + "#"):
        return f"{prefix}/ontology.html#{iri.split('#', 1)[1]}"
    if iri == ONTOLOGY_IRI:
        return f"{prefix}/ontology"
    if iri.startswith(BASE):
        rest = iri[len(BASE):]
        if rest.split("/", 1)[0] in KINDS:
            return f"{prefix}/{rest}"
    return None


@dataclass
class View:
    """What the templates show of a term."""

    text: str
    href: str | None = None
    title: str = ""
    literal: bool = False
    lang: str = ""
    children: list = field(default_factory=list)  # (predicate View, object View) of a blank node


class Renderer:
    def __init__(self, g: Graph, ontology: Graph, prefix: str):
        self.g, self.ontology, self.prefix = g, ontology, prefix

    def label(self, node) -> str:
        for graph in (self.g, self.ontology):
            labels = list(graph.objects(node, RDFS.label)) + list(graph.objects(node, SKOS.prefLabel))
            english = [lbl for lbl in labels if getattr(lbl, "language", None) in ("en", None)]
            if english or labels:
                return str((english or labels)[0])
        return qname(str(node))

    def view(self, node, depth: int = 0) -> View:
        if isinstance(node, URIRef):
            iri = str(node)
            href = local_path(iri, self.prefix)
            return View(self.label(node), href or iri, iri)
        if isinstance(node, Literal):
            dt = qname(str(node.datatype)) if node.datatype else ""
            return View(str(node), None, dt, True, node.language or "")
        children = []
        if depth < 3:
            children = [(self.view(p), self.view(o, depth + 1)) for p, o in sorted(self.g.predicate_objects(node))]
        return View("", children=children)

    def sources(self, node) -> list[dict]:
        out = []
        for d in self.g.objects(node, PROV.qualifiedDerivation):
            entity = self.g.value(d, PROV.entity)
            out.append({"source": self.view(entity) if entity is not None else None,
                        "excerpts": sorted(str(x) for x in self.g.objects(d, ALG.excerpt))})
        if not out:
            out = [{"source": self.view(s), "excerpts": []} for s in self.g.objects(node, PROV.wasDerivedFrom)]
        return out

    def statements(self, node) -> list[tuple[View, View]]:
        rows = []
        for p, o in self.g.predicate_objects(node):
            if p in _SKIP_STATEMENTS:
                continue
            rows.append((self.view(p), self.view(o)))
        rows.sort(key=lambda r: (r[0].text != "type", r[0].text, r[1].text))
        return rows

    def claim(self, c) -> dict:
        responses: list[dict[str, Any]] = []
        for r in self.g.subjects(ALG.respondsTo, c):
            kinds = [k for t, k in _RESPONSE_TYPES.items() if (r, RDF.type, t) in self.g] or ["response"]
            responses.append({"kind": kinds[0], "node": self.view(r), "statements": self.statements(r),
                              "sources": self.sources(r)})
        responses.sort(key=lambda x: (x["kind"], x["node"].text))
        return {"node": self.view(c), "statements": self.statements(c), "sources": self.sources(c),
                "responses": responses}


class LinkedData:
    """``ontology``: the ontology alone (its RDF documents); ``documentation`` makes the HTML page of the model
    (at the first request for it, in a thread: it reads every instances graph)."""

    def __init__(self, executor: Executor, ontology: Graph, documentation: Callable[[], str]):
        self.executor = executor
        self.ontology = ontology
        self._documentation = documentation
        self.ontology_html: str | None = None
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
                page = await run_query(request, self.executor, _about(ENTITY_PAGE, iri, "application/n-triples"))
                html = await run_in_threadpool(self._render_entity, page.body, iri, self._prefix(request))
                return HTMLResponse(html)
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

    def _render_entity(self, body: bytes, iri: URIRef, prefix: str) -> str:
        """The entity page from the N-Triples of its neighbourhood (in a thread: parsing is not free)."""
        g = Graph().parse(data=body.decode("utf-8"), format="nt")
        r = Renderer(g, self.ontology, prefix)
        against, by, other = [], [], defaultdict(list)
        for claim in sorted({x for x in g.subjects(ALG.accused, iri) if isinstance(x, Identifier)}):
            against.append(r.claim(claim))
        for claim in sorted({x for x in g.subjects(ALG.accuser, iri) if isinstance(x, Identifier)}):
            by.append(r.claim(claim))
        seen = {ALG.accused, ALG.accuser}
        for c, p in sorted(set(g.subject_predicates(iri))):
            if p in seen or isinstance(c, BNode):
                continue
            other[r.view(p).text].append(r.claim(c))
        related = {}
        for node in set(g.subjects()) | set(g.objects()):
            if isinstance(node, URIRef) and node != iri and local_path(str(node)) and \
                    not str(node).startswith(ONTOLOGY_IRI):
                related[str(node)] = r.view(node)
        return TEMPLATES.get_template("entity.html").render(
            iri=str(iri), path=local_path(str(iri), prefix), title=r.label(iri), prefix=prefix,
            own_statements=r.statements(iri), own_sources=r.sources(iri),
            against=against, by=by, other=dict(sorted(other.items())),
            related=sorted(related.values(), key=lambda v: v.text.lower()),
            rdf_links=[(f.extension, f.media_type) for f in negotiation.RDF_DOCUMENT_FORMATS],
            types=[r.view(t) for t in g.objects(iri, RDF.type)])


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

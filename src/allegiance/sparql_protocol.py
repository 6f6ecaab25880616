"""The SPARQL 1.1 Protocol at ``/sparql``: a Starlette router, mountable in any app.

Query by GET, POST form (``application/x-www-form-urlencoded``) and POST direct (``application/sparql-query``);
``default-graph-uri`` / ``named-graph-uri`` honoured (they override the query's FROM / FROM NAMED); a GET with no
parameter answers with the Service Description (RDF, negotiated). Read-only: updates are refused with 403.
Errors are plain text with a precise status: 400 (syntax, with line and column; bad parameters), 403 (update,
forbidden SERVICE), 405 (method), 406 (no acceptable format), 413 (body over the limit), 415 (body media type),
422 (answer over the result-size cap), 503 (time limit).
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import parse_qsl

from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.namespace import RDF
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router

from . import negotiation
from .config import Settings
from .executor import QUERY_DATASET, SERVER_DEFAULT, Dataset, Executor
from .query_guard import QueryRefused, check

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
VOID = Namespace("http://rdfs.org/ns/void#")

_SD_RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                      "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "N-Quads", "TriG")


class RequestBodyTooLarge(Exception):
    pass


def text(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response((message.rstrip() + "\n").encode("utf-8"), status, headers=headers,
                    media_type="text/plain; charset=utf-8")


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, or :class:`RequestBodyTooLarge` as soon as it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise RequestBodyTooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise RequestBodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def rdf_response(graph: Graph, accept: str | None, override: str | None = None,
                 headers: dict[str, str] | None = None) -> Response:
    """An rdflib graph in the negotiated RDF format (Turtle, N-Triples, JSON-LD, RDF/XML), or 406."""
    fmt = negotiation.choose(negotiation.RDF_DOCUMENT_FORMATS, accept, override)
    if fmt is None:
        return text(406, "no acceptable format; available: " + negotiation.describe(negotiation.RDF_DOCUMENT_FORMATS))
    rdflib_name = {"TURTLE": "turtle", "N_TRIPLES": "nt", "JSON_LD": "json-ld", "RDF_XML": "xml"}[fmt.name]
    body = graph.serialize(format=rdflib_name, encoding="utf-8")
    return Response(body, 200, headers={"Vary": "Accept", **(headers or {})}, media_type=fmt.media_type)


class SparqlProtocol:
    """The query endpoint; ``router()`` gives a Router with the route at ``path``."""

    def __init__(self, executor: Executor, settings: Settings, named_graphs: Sequence[str],
                 default_graphs: Sequence[str], path: str = "/sparql"):
        self.executor = executor
        self.settings = settings
        self.named_graphs = tuple(named_graphs)
        self.default_graphs = tuple(default_graphs)
        self.path = path

    def routes(self) -> list[Route]:
        return [Route(self.path, self.endpoint, methods=["GET", "POST"], name="sparql")]

    def router(self) -> Router:
        return Router(routes=self.routes())

    # -- the endpoint
    async def endpoint(self, request: Request) -> Response:
        params: list[tuple[str, str]] = list(request.query_params.multi_items())
        if request.method == "POST":
            content_type = request.headers.get("content-type", "")
            media_type, _, ct_params = content_type.partition(";")
            media_type = media_type.strip().lower()
            charset = ""
            for p in ct_params.split(";"):
                key, _, value = p.partition("=")
                if key.strip().lower() == "charset":
                    charset = value.strip().strip('"').lower()
            if charset and charset not in ("utf-8", "utf8"):
                return text(415, f"only UTF-8 is accepted, not charset={charset}")
            try:
                body = await read_body(request, self.settings.max_body)
            except RequestBodyTooLarge:
                return text(413, f"the request body is larger than the limit of {self.settings.max_body} bytes")
            try:
                body_text = body.decode("utf-8")
            except UnicodeDecodeError as exc:
                return text(400, f"the request body is not UTF-8: {exc}")
            if media_type == "application/x-www-form-urlencoded":
                try:
                    params += parse_qsl(body_text, keep_blank_values=True, strict_parsing=False,
                                        encoding="utf-8", errors="strict")
                except UnicodeDecodeError as exc:
                    return text(400, f"the form is not UTF-8: {exc}")
            elif media_type == "application/sparql-query":
                if any(k == "query" for k, _ in params):
                    return text(400, "a query in the body and in the URL: send one query")
                params.append(("query", body_text))
            elif media_type == "application/sparql-update":
                return text(403, "updates are not accepted here: this endpoint is read-only")
            elif not media_type:
                return text(415, "a POST needs a Content-Type: application/sparql-query or "
                                 "application/x-www-form-urlencoded")
            else:
                return text(415, f"unsupported Content-Type {media_type!r}: use application/sparql-query or "
                                 "application/x-www-form-urlencoded")
        names = [k for k, _ in params]
        if "update" in names or "using-graph-uri" in names or "using-named-graph-uri" in names:
            return text(403, "updates are not accepted here: this endpoint is read-only")
        queries = [v for k, v in params if k == "query"]
        if not queries:
            if request.method == "GET" and not [n for n in names if n != "format"]:
                return self.service_description(request)
            return text(400, "missing the 'query' parameter")
        if len(queries) > 1:
            return text(400, "more than one 'query' parameter: send exactly one query")
        formats = [v for k, v in params if k == "format"]
        default_uris = [v for k, v in params if k == "default-graph-uri"]
        named_uris = [v for k, v in params if k == "named-graph-uri"]
        try:
            guarded = check(queries[0], self.settings.service_allowlist)
        except QueryRefused as refused:
            return text(refused.status, refused.message)
        accept = request.headers.get("accept")
        override = formats[-1] if formats else None
        if guarded.kind is not None:
            offers = negotiation.OFFERS[guarded.kind]
            if negotiation.choose(offers, accept, override) is None:
                return text(406, f"no acceptable format for this query; available: {negotiation.describe(offers)}")
        if default_uris or named_uris:
            dataset = Dataset.protocol(default_uris, named_uris)
        elif guarded.has_dataset_clause:
            dataset = QUERY_DATASET
        else:
            dataset = SERVER_DEFAULT
        result = await self.executor.run(guarded.text, dataset, accept, format=override,
                                         base_iri=self.endpoint_url(request))
        return Response(result.body, result.status, headers={"Vary": "Accept"}, media_type=result.media_type)

    # -- service description
    def endpoint_url(self, request: Request) -> str:
        return str(request.url.replace(query="", fragment=""))

    def service_description(self, request: Request) -> Response:
        url = self.endpoint_url(request)
        g = Graph()
        g.bind("sd", SD)
        g.bind("void", VOID)
        service = URIRef(url + "#service")
        g.add((service, RDF.type, SD.Service))
        g.add((service, SD.endpoint, URIRef(url)))
        g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
        for name in _SD_RESULT_FORMATS:
            g.add((service, SD.resultFormat, FORMATS[name]))
        g.add((service, SD.feature, SD.BasicFederatedQuery))
        g.add((service, SD.feature, SD.UnionDefaultGraph))
        ds = BNode()
        g.add((service, SD.defaultDataset, ds))
        g.add((ds, RDF.type, SD.Dataset))
        default = BNode()
        g.add((ds, SD.defaultGraph, default))
        g.add((default, RDF.type, SD.Graph))
        g.add((default, RDF.type, VOID.Dataset))
        for iri in self.default_graphs:
            g.add((default, VOID.subset, URIRef(iri)))
        for iri in self.named_graphs:
            ng = BNode()
            g.add((ds, SD.namedGraph, ng))
            g.add((ng, RDF.type, SD.NamedGraph))
            g.add((ng, SD.name, URIRef(iri)))
        return rdf_response(g, request.headers.get("accept"), request.query_params.get("format"))

"""The SPARQL 1.1 Protocol at ``/sparql``: a mountable router over an executor.

Query by GET, POST form (``application/x-www-form-urlencoded``) and POST direct (``application/sparql-query``);
``default-graph-uri`` / ``named-graph-uri`` name the dataset (they override the query's FROM / FROM NAMED); a GET
with no query answers with the Service Description (RDF, negotiated; a page for browsers). Updates are refused
here (403).

This module reads the request and nothing else: it never parses SPARQL. The query goes to the executor as text,
with the endpoint's URL as base IRI (from the settings, never from the ``Host`` header); the format is negotiated
once, by the worker, from the answer's kind. Every client mistake is a 4xx naming the parameter.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import pyoxigraph as ox
from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.namespace import RDF
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router

from allegiance.config import Settings
from allegiance.sparql.executor import Executor
from allegiance.sparql.formats import GRAPH_FORMATS, RESULT_FORMATS
from allegiance.sparql.jobs import Dataset, Job
from allegiance.web.described import RDF_LINKS, rdf_or_html, root
from allegiance.web.responses import error, query_response
from allegiance.web.templates import TEMPLATES

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
VOID = Namespace("http://rdfs.org/ns/void#")

UPDATE_PARAMETERS = ("update", "using-graph-uri", "using-named-graph-uri")


class RequestBodyTooLarge(Exception):
    pass


class BadParameter(ValueError):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name


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


def media_type_of(request: Request) -> tuple[str, str]:
    """The request's media type and charset parameter (lower case)."""
    media_type, _, params = request.headers.get("content-type", "").partition(";")
    charset = ""
    for p in params.split(";"):
        key, _, value = p.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media_type.strip().lower(), charset


def absolute_iri(name: str, value: str) -> str:
    """``value`` as an absolute IRI, or :class:`BadParameter` naming the parameter ``name``."""
    try:
        iri = ox.NamedNode(value).value
    except ValueError as exc:
        raise BadParameter(name, f"parameter {name!r}: {value[:200]!r} is not an absolute IRI ({exc})") from None
    if ":" not in iri:
        raise BadParameter(name, f"parameter {name!r}: {value[:200]!r} is not an absolute IRI")
    return iri


def graph_iris(params: list[tuple[str, str]], name: str) -> tuple[str, ...]:
    """The absolute IRIs given as ``name``; :class:`BadParameter` for anything else."""
    return tuple(absolute_iri(name, value) for key, value in params if key == name)


class SparqlProtocol:
    """The query endpoint; :meth:`router` gives a Router with the route at ``path``."""

    def __init__(self, executor: Executor, settings: Settings, named_graphs: tuple[str, ...],
                 default_graphs: tuple[str, ...], path: str = "/sparql"):
        self.executor = executor
        self.settings = settings
        self.named_graphs = named_graphs
        self.default_graphs = default_graphs
        self.path = path

    def routes(self) -> list[Route]:
        return [Route(self.path, self.endpoint, methods=["GET", "POST"], name="sparql")]

    def router(self) -> Router:
        return Router(routes=self.routes())

    async def _params(self, request: Request) -> list[tuple[str, str]] | Response:
        params: list[tuple[str, str]] = list(request.query_params.multi_items())
        if request.method != "POST":
            return params
        media_type, charset = media_type_of(request)
        if charset and charset not in ("utf-8", "utf8"):
            return error(request, 415, f"only UTF-8 is accepted, not charset={charset}")
        if media_type == "application/sparql-update":
            return error(request, 403, "updates are not accepted here: this endpoint is read-only")
        if media_type not in ("application/x-www-form-urlencoded", "application/sparql-query"):
            return error(request, 415, (f"unsupported Content-Type {media_type!r}" if media_type else
                                        "a POST needs a Content-Type") +
                         ": use application/sparql-query or application/x-www-form-urlencoded")
        try:
            body = (await read_body(request, self.settings.max_body)).decode("utf-8")
        except RequestBodyTooLarge:
            return error(request, 413, f"the request body is larger than the limit of {self.settings.max_body} bytes")
        except UnicodeDecodeError as exc:
            return error(request, 400, f"the request body is not UTF-8: {exc}")
        if media_type == "application/x-www-form-urlencoded":
            try:
                params += parse_qsl(body, keep_blank_values=True, encoding="utf-8", errors="strict")
            except UnicodeDecodeError as exc:
                return error(request, 400, f"the form is not UTF-8: {exc}")
            return params
        if any(k == "query" for k, _ in params):
            return error(request, 400, "a query in the body and in the URL: send one query", parameter="query")
        return [*params, ("query", body)]

    async def endpoint(self, request: Request) -> Response:
        params = await self._params(request)
        if isinstance(params, Response):
            return params
        names = {k for k, _ in params}
        if names & set(UPDATE_PARAMETERS):
            return error(request, 403, "updates are not accepted here: this endpoint is read-only")
        queries = [v for k, v in params if k == "query"]
        if not queries:
            if request.method == "GET" and not names - {"format"}:
                return self.service_description(request)
            return error(request, 400, "missing the 'query' parameter", parameter="query")
        if len(queries) > 1:
            return error(request, 400, "more than one 'query' parameter: send exactly one query", parameter="query")
        if not queries[0].strip():
            return error(request, 400, "the 'query' parameter is empty", parameter="query")
        if "\x00" in queries[0]:
            return error(request, 400, "the query contains a NUL character", parameter="query")
        try:
            default = graph_iris(params, "default-graph-uri")
            named = graph_iris(params, "named-graph-uri")
        except BadParameter as exc:
            return error(request, 400, str(exc), parameter=exc.name)
        dataset = Dataset(default, named) if default or named else Dataset()
        formats = [v for k, v in params if k == "format"]
        job = Job(queries[0], dataset, request.headers.get("accept"), formats[-1] if formats else None,
                  base_iri=self.settings.endpoint_url)
        return await query_response(request, self.executor, job)

    def service_description(self, request: Request) -> Response:
        url = self.settings.endpoint_url
        g = Graph()
        g.bind("sd", SD)
        g.bind("void", VOID)
        service = URIRef(url + "#service")
        g.add((service, RDF.type, SD.Service))
        g.add((service, SD.endpoint, URIRef(url)))
        g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
        for fmt in (*RESULT_FORMATS, *GRAPH_FORMATS):
            g.add((service, SD.resultFormat, FORMATS[fmt.sd_name]))
        g.add((service, SD.feature, SD.BasicFederatedQuery))
        ds = BNode()
        g.add((service, SD.defaultDataset, ds))
        g.add((ds, RDF.type, SD.Dataset))
        default = BNode()
        g.add((ds, SD.defaultGraph, default))
        g.add((default, RDF.type, SD.Graph))
        g.add((default, RDF.type, VOID.Dataset))
        for iri in self.default_graphs:  # the default graph is the merge of these graphs
            g.add((default, VOID.subset, URIRef(iri)))
        for iri in self.named_graphs:
            ng = BNode()
            g.add((ds, SD.namedGraph, ng))
            g.add((ng, RDF.type, SD.NamedGraph))
            g.add((ng, SD.name, URIRef(iri)))

        def page() -> str:
            return TEMPLATES.get_template("sparql.html").render(
                root=root(request), path=self.path, endpoint=url, rdf_links=RDF_LINKS,
                result_formats=RESULT_FORMATS, graph_formats=GRAPH_FORMATS,
                default_graphs=self.default_graphs, named_graphs=self.named_graphs,
                allowlist=self.settings.service_allowlist, timeout=self.settings.timeout,
                max_bytes=self.settings.max_answer_bytes)

        return rdf_or_html(request, g, page)

"""Descriptions that are RDF for machines and a page for people: the service description (``/sparql`` without a
query) and the VoID description (``/.well-known/void``).

The format is negotiated once, in the one table of :mod:`allegiance.sparql.formats`: the RDF document formats
first (so ``*/*`` and a missing Accept header still get Turtle), then HTML, which a browser's ``text/html`` wins.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import Graph
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from allegiance.sparql.formats import HTML, RDF_DOCUMENT_FORMATS, Format, choose
from allegiance.web.responses import rdf_response

OFFERS: tuple[Format, ...] = (*RDF_DOCUMENT_FORMATS, HTML)
# the RDF documents a description page links to: (label, format= value)
RDF_LINKS = tuple((f.sd_name.replace("_", "/"), f.short[0]) for f in RDF_DOCUMENT_FORMATS)


def wants_html(request: Request) -> bool:
    return choose(OFFERS, request.headers.get("accept"), request.query_params.get("format")) is HTML


def rdf_or_html(request: Request, graph: Graph, page: Callable[[], str]) -> Response:
    """``page()`` for a browser, else ``graph`` in the negotiated RDF format (or 406)."""
    if wants_html(request):
        return HTMLResponse(page(), headers={"Vary": "Accept"})
    return rdf_response(request, graph)


def root(request: Request) -> str:
    return request.scope.get("root_path", "").rstrip("/")

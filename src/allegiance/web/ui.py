"""The web UI's query page, with a SPARQL editor.

``routes(...)`` returns Starlette routes to put ahead of the endpoint's own (so that ``/`` is the query page):

- ``/``: the query page. YASGUI (``@zazuko/yasgui``, installed by ``npm ci`` into the checkout's
  ``node_modules`` and served from there at ``/static/vendor/yasgui/``; never copied into the repository) pointed
  at the local ``/sparql`` (as an absolute URL, which YASGUI needs); every canned query of ``queries/`` one click
  away, with its parameters as form fields (run through ``/api/<name>``, which binds them); results as a table
  whose project IRIs link to this server's pages, abbreviated with the project's prefixes, literals with a short
  datatype; every refused query shows the server's message; links that download the current query's results in
  every format the endpoint serves. Without ``node_modules`` the page still works, with a plain text area and a
  table of its own, and says how to install the editor.
- ``/favicon.ico``: the site's icon (an SVG).
(the pictures are in :mod:`allegiance.web.pictures`)

The store and the canned queries are given to :func:`routes` by the app factory.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from allegiance.namespaces import BASE, ONTOLOGY_IRI, PREFIXES
from allegiance.paths import Layout, default_layout
from allegiance.sparql.canned import CannedQuery
from allegiance.web.responses import error
from allegiance.web.templates import STATIC as STATIC_DIR
from allegiance.web.templates import TEMPLATES as UI_TEMPLATES

YASGUI_URL = "/static/vendor/yasgui"
UI_STATIC_URL = "/static/ui"
MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png"}

# what the download links offer: (label, format= value, file extension), per kind of query
RESULT_DOWNLOADS = (("JSON", "json", "srj"), ("XML", "xml", "srx"), ("CSV", "csv", "csv"), ("TSV", "tsv", "tsv"))
GRAPH_DOWNLOADS = (("Turtle", "ttl", "ttl"), ("N-Triples", "nt", "nt"), ("JSON-LD", "jsonld", "jsonld"),
                   ("RDF/XML", "rdfxml", "rdf"))


def yasgui_dir(layout: Layout | None = None) -> Path:
    """Where ``npm ci`` puts YASGUI's built files."""
    return (layout or default_layout()).home / "node_modules" / "@zazuko" / "yasgui" / "build"


def yasgui_installed(layout: Layout | None = None) -> bool:
    d = yasgui_dir(layout)
    return (d / "yasgui.min.js").is_file() and (d / "yasgui.min.css").is_file()


def example(q: CannedQuery) -> dict[str, Any]:
    """A canned query as the page offers it: its text, unchanged (a parameter left unbound matches anything; the
    API at ``/api/<name>`` binds it)."""
    text = q.text
    return {"name": q.name, "summary": q.summary, "description": q.description, "form": q.form,
            "parameters": [p.name for p in q.parameters], "text": text,
            "defaults": {p.name: p.default for p in q.parameters if p.default is not None},
            "fields": [{"name": p.name, "required": p.required, "description": p.description,
                        "default": p.default or "", "enum": list(p.enum)} for p in q.parameters],
            "pagination": q.pagination}


def routes(served: Any, queries: dict[str, CannedQuery], *, layout: Layout | None = None) -> list[BaseRoute]:
    """The web UI's routes. ``served``: a ServedStore (or pyoxigraph store) to draw from; by default the app's
    ``app.state.served``. ``layout``: where to find ``queries/`` and ``node_modules`` (default: the checkout)."""
    layout = layout or default_layout()
    def root(request: Request) -> str:
        return request.scope.get("root_path", "").rstrip("/")

    def render(name: str, request: Request, **context: Any) -> HTMLResponse:
        base = root(request)
        return HTMLResponse(UI_TEMPLATES.get_template(name).render(
            root=base, static=base + UI_STATIC_URL, path=request.url.path, **context))

    async def query_page(request: Request) -> Response:
        examples = [example(q) for q in queries.values()]
        base = root(request)
        config = {
            "endpoint": base + "/sparql",  # made absolute by the page's script (YASGUI needs a full URL)
            "api": base + "/api",
            "root": base,
            "base": BASE,
            "ontology": ONTOLOGY_IRI,
            "prefixes": PREFIXES,
            "examples": examples,
            "downloads": {"results": RESULT_DOWNLOADS, "graph": GRAPH_DOWNLOADS},
            "initial": next((q["name"] for q in examples if q["name"] == "pledges"),
                            examples[0]["name"] if examples else None),
        }
        return render("ui_query.html", request, examples=examples, yasgui=yasgui_installed(layout),
                      yasgui_url=base + YASGUI_URL, config_json=json.dumps(config, ensure_ascii=False)
                      .replace("</", "<\\/"), result_downloads=RESULT_DOWNLOADS, graph_downloads=GRAPH_DOWNLOADS)

    async def favicon(request: Request) -> Response:
        return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml",
                            headers={"Cache-Control": "public, max-age=86400"})

    ui_routes: list[BaseRoute] = [
        Route("/", query_page, methods=["GET"], name="ui-query"),
        Route("/favicon.ico", favicon, methods=["GET", "HEAD"], name="favicon"),
        Route("/query", query_page, methods=["GET"], name="ui-query-page"),
        Mount(UI_STATIC_URL, app=StaticFiles(directory=STATIC_DIR), name="ui-static"),
    ]
    if yasgui_installed(layout):
        ui_routes.append(Mount(YASGUI_URL, app=StaticFiles(directory=yasgui_dir(layout)), name="ui-yasgui"))
    else:
        async def not_installed(request: Request) -> Response:
            return error(request, 404, "the SPARQL editor is not installed: run `npm ci` in the checkout")

        ui_routes.append(Route(YASGUI_URL + "/{rest:path}", not_installed, methods=["GET"]))
    return ui_routes


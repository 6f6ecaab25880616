"""The pictures: the interactive network, timeline and map, their data, and the static pictures.

- ``/network``, ``/timeline``, ``/map``: HTML pages drawn in the browser (Cytoscape.js and d3, installed by
  ``npm ci`` into the checkout's ``node_modules`` and served from there under ``/static/vendor/``; never copied
  into the repository, and nothing is loaded from another host). Without ``node_modules`` the pages say how to
  install them. The network and timeline pages also show the static pictures below.
- ``/network.json``, ``/timeline.json``, ``/map.json``: the pages' data (:mod:`allegiance.plots.graph`,
  :mod:`allegiance.plots.marks`, :mod:`allegiance.plots.geo`); ``/network/neighbours.json?entity=IRI``: one
  entity's ties, for the widget of ``static/js/neighbours.js`` on entity pages.
- ``/plots/network.{svg,png,json}?year=YYYY&affiliations=1`` and ``/plots/timeline.{svg,png,json}``: the static
  pictures, drawn by :mod:`allegiance.plots` (the same code as ``allegiance plot``; they need the ``[plots]``
  extra).

Everything is computed in a worker thread from the store and kept per store (it does not change while served).
"""

from __future__ import annotations

import importlib.util
import json
import re
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from allegiance.paths import Layout, default_layout
from allegiance.plots import data as plot
from allegiance.plots import geo, graph, marks
from allegiance.web.responses import error
from allegiance.web.templates import TEMPLATES

MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
UI_STATIC_URL = "/static/ui"
VENDOR_URL = "/static/vendor"
# npm package -> (folder under node_modules served at /static/vendor/<package>/, the file the pages load)
VENDOR = {"cytoscape": ("cytoscape/dist", "cytoscape.min.js"), "d3": ("d3/dist", "d3.min.js"),
          "topojson-client": ("topojson-client/dist", "topojson-client.min.js"),
          "world-atlas": ("world-atlas", "countries-110m.json")}
PAGE_NEEDS = {"network": ("cytoscape",), "timeline": ("d3",), "map": ("d3", "topojson-client", "world-atlas")}


def vendor_dir(package: str, layout: Layout | None = None) -> Path:
    return (layout or default_layout()).home / "node_modules" / VENDOR[package][0]


def vendor_installed(package: str, layout: Layout | None = None) -> bool:
    return (vendor_dir(package, layout) / VENDOR[package][1]).is_file()


class _Pictures:
    """What is drawn or computed from one store, in a worker thread, and kept (the store does not change while
    served)."""

    def __init__(self, size: int = 48):
        self._cache: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def _get(self, key: tuple, make) -> Any:
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = make()
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return value

    async def cached(self, key: tuple, make) -> Any:
        return await run_in_threadpool(self._get, key, make)

    async def get(self, store: Any, which: str, fmt: str, year: int | None = None,
                  affiliations: bool = False) -> bytes:
        def make() -> bytes:
            from allegiance.plots.draw import picture  # matplotlib: the [plots] extra

            if fmt == "json":
                data = (plot.network_data(store, year, affiliations) if which == "network"
                        else plot.timeline_data(store))
                return json.dumps(data.to_json(), ensure_ascii=False, indent=1).encode("utf-8")
            return picture(store, which, fmt, year, affiliations)

        return await self.cached((id(store), which, fmt, year, affiliations), make)


def _inline_svg(svg: bytes) -> str:
    """An SVG document as markup to put inside an HTML page (no XML declaration, no DOCTYPE)."""
    text = svg.decode("utf-8")
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


def _year(request: Request) -> int | None:
    raw = request.query_params.get("year", "").strip()
    if not raw or raw == "all":
        return None
    if not re.fullmatch(r"\d{4}", raw):
        raise ValueError(f"year must be four digits (YYYY), not {raw!r}")
    return int(raw)


def _flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").lower() in ("1", "true", "yes", "on")


def routes(served: Any, *, layout: Layout | None = None) -> list[BaseRoute]:
    """The pictures' routes, drawn from ``served`` (a ServedStore or a pyoxigraph store); ``layout``: where to
    find ``node_modules`` (default: the checkout)."""
    layout = layout or default_layout()
    pictures = _Pictures()
    static_plots = importlib.util.find_spec("matplotlib") is not None  # the [plots] extra

    def render(name: str, request: Request, page: str, **context: Any) -> HTMLResponse:
        base = request.scope.get("root_path", "").rstrip("/")
        missing = [p for p in PAGE_NEEDS[page] if not vendor_installed(p, layout)]
        return HTMLResponse(TEMPLATES.get_template(name).render(
            root=base, static=base + UI_STATIC_URL, vendor=base + VENDOR_URL, path=request.url.path,
            missing=missing, static_plots=static_plots, **context))

    async def network_json(request: Request) -> Any:
        return await pictures.cached((id(served), "network.json"), lambda: graph.network_json(served))

    async def network_page(request: Request) -> Response:
        try:
            year = _year(request)
        except ValueError as exc:
            return error(request, 400, str(exc), parameter="year")
        affiliations = _flag(request, "affiliations")
        svg, years = None, []
        if static_plots:
            every = json.loads(await pictures.get(served, "network", "json", None, affiliations))
            svg, years = _inline_svg(await pictures.get(served, "network", "svg", year, affiliations)), every["years"]
        params = "?" + "&".join(p for p in (f"year={year}" if year else "",
                                            "affiliations=1" if affiliations else "") if p)
        return render("ui_network.html", request, "network", svg=svg, years=years, year=year,
                      affiliations=affiliations, params=params.rstrip("?"))

    async def timeline_page(request: Request) -> Response:
        svg = _inline_svg(await pictures.get(served, "timeline", "svg")) if static_plots else None
        return render("ui_timeline.html", request, "timeline", svg=svg)

    async def map_page(request: Request) -> Response:
        return render("ui_map.html", request, "map")

    async def network_data(request: Request) -> Response:
        return JSONResponse(await network_json(request))

    async def neighbours(request: Request) -> Response:
        entity = request.query_params.get("entity", "").strip()
        if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", entity):
            return error(request, 400, "entity must be an absolute http(s) IRI", parameter="entity")
        found = graph.neighbours_json(await network_json(request), entity)
        if found is None:
            known = await run_in_threadpool(_known, served, entity)
            if not known:
                return error(request, 404, f"the graph says nothing of <{entity}>", parameter="entity")
            found = {"entity": entity, "nodes": [], "edges": []}
        return JSONResponse(found)

    async def timeline_data(request: Request) -> Response:
        return JSONResponse(await pictures.cached((id(served), "timeline.json"), lambda: marks.timeline_json(served)))

    async def map_data(request: Request) -> Response:
        def make() -> dict[str, Any]:
            atlas = vendor_dir("world-atlas", layout) / VENDOR["world-atlas"][1]
            return geo.map_json(served, geo.atlas_features(atlas) if atlas.is_file() else None)

        return JSONResponse(await pictures.cached((id(served), "map.json"), make))

    async def network_plot(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        try:
            year = _year(request)
        except ValueError as exc:
            return error(request, 400, str(exc), parameter="year")
        body = await pictures.get(served, "network", fmt, year, _flag(request, "affiliations"))
        return _picture_response(body, fmt, f"allegiance-network{'-' + str(year) if year else ''}")

    async def timeline_plot(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        body = await pictures.get(served, "timeline", fmt)
        return _picture_response(body, fmt, "allegiance-timeline")

    if not static_plots:
        async def no_plots(request: Request) -> Response:
            return error(request, 503, "the static pictures need the plots extra: pip install 'allegiance[plots]'")

        network_plot = timeline_plot = no_plots
    return [
        Route("/network", network_page, methods=["GET"], name="ui-network"),
        Route("/timeline", timeline_page, methods=["GET"], name="ui-timeline"),
        Route("/map", map_page, methods=["GET"], name="ui-map"),
        Route("/network.json", network_data, methods=["GET"], name="ui-network-data"),
        Route("/network/neighbours.json", neighbours, methods=["GET"], name="ui-neighbours"),
        Route("/timeline.json", timeline_data, methods=["GET"], name="ui-timeline-data"),
        Route("/map.json", map_data, methods=["GET"], name="ui-map-data"),
        Route("/plots/network.{fmt:str}", _only_formats(network_plot), methods=["GET"], name="ui-network-plot"),
        Route("/plots/timeline.{fmt:str}", _only_formats(timeline_plot), methods=["GET"], name="ui-timeline-plot"),
        *_vendor_routes(layout),
    ]


def _known(served: Any, iri: str) -> bool:
    return bool(plot._query(served, f"SELECT ?p WHERE {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }} LIMIT 1"))


def _vendor_routes(layout: Layout) -> list[BaseRoute]:
    """Each front-end package from ``node_modules``, or a 404 that says to run ``npm ci``."""
    out: list[BaseRoute] = []
    for package in VENDOR:
        url = f"{VENDOR_URL}/{package}"
        if vendor_installed(package, layout):
            out.append(Mount(url, app=StaticFiles(directory=vendor_dir(package, layout)), name=f"vendor-{package}"))
        else:
            async def not_installed(request: Request, package: str = package) -> Response:
                return error(request, 404, f"{package} is not installed: run `npm ci` in the checkout")

            out.append(Route(url + "/{rest:path}", not_installed, methods=["GET"]))
    return out


def _only_formats(handler):
    async def guarded(request: Request) -> Response:
        if request.path_params["fmt"] not in ("svg", "png", "json"):
            return error(request, 404, "pictures are served as .svg, .png or .json")
        return await handler(request)

    return guarded


def _picture_response(body: bytes, fmt: str, stem: str) -> Response:
    if fmt == "json":
        return JSONResponse(json.loads(body))
    return Response(body, media_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'inline; filename="{stem}.{fmt}"',
                             "Cache-Control": "no-cache"})

"""The pictures of the allegiance network and the timeline, as pages and as files.

- ``/network`` and ``/timeline``: HTML pages with the pictures (the network with a year filter);
- ``/plots/network.{svg,png,json}?year=YYYY&affiliations=1`` and ``/plots/timeline.{svg,png,json}``: the pictures,
  drawn by :mod:`allegiance.plots` (the same code as ``allegiance plot``) in a worker thread, cached per request.
"""

from __future__ import annotations

import importlib.util
import json
import re
import threading
from collections import OrderedDict
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from allegiance.plots import data as plot
from allegiance.plots.draw import picture
from allegiance.web.responses import error
from allegiance.web.templates import TEMPLATES

MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
UI_STATIC_URL = "/static/ui"


class _Pictures:
    """The pictures of one store, drawn in a worker thread and kept (the store does not change while served)."""

    def __init__(self, size: int = 48):
        self._cache: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def _get(self, key: tuple, make) -> bytes:
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

    async def get(self, store: Any, which: str, fmt: str, year: int | None = None,
                  affiliations: bool = False) -> bytes:
        key = (id(store), which, fmt, year, affiliations)

        def make() -> bytes:
            if fmt == "json":
                data = (plot.network_data(store, year, affiliations) if which == "network"
                        else plot.timeline_data(store))
                return json.dumps(data.to_json(), ensure_ascii=False, indent=1).encode("utf-8")
            return picture(store, which, fmt, year, affiliations)

        return await run_in_threadpool(self._get, key, make)


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


def routes(served: Any) -> list[BaseRoute]:
    """The pictures' routes, drawn from ``served`` (a ServedStore or a pyoxigraph store)."""
    pictures = _Pictures()

    def store_of(request: Request) -> Any:
        return served

    def render(name: str, request: Request, **context: Any) -> HTMLResponse:
        base = request.scope.get("root_path", "").rstrip("/")
        return HTMLResponse(TEMPLATES.get_template(name).render(
            root=base, static=base + UI_STATIC_URL, path=request.url.path, **context))

    async def network_page(request: Request) -> Response:
        try:
            year = _year(request)
        except ValueError as exc:
            return error(request, 400, str(exc), parameter="year")
        affiliations = _flag(request, "affiliations")
        store = store_of(request)
        every = json.loads(await pictures.get(store, "network", "json", None, affiliations))
        svg = await pictures.get(store, "network", "svg", year, affiliations)
        params = "?" + "&".join(p for p in (f"year={year}" if year else "",
                                            "affiliations=1" if affiliations else "") if p)
        return render("ui_network.html", request, svg=_inline_svg(svg), years=every["years"], year=year,
                      affiliations=affiliations, params=params.rstrip("?"))

    async def timeline_page(request: Request) -> Response:
        svg = await pictures.get(store_of(request), "timeline", "svg")
        return render("ui_timeline.html", request, svg=_inline_svg(svg))

    async def network_plot(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        try:
            year = _year(request)
        except ValueError as exc:
            return error(request, 400, str(exc), parameter="year")
        body = await pictures.get(store_of(request), "network", fmt, year, _flag(request, "affiliations"))
        return _picture_response(body, fmt, f"allegiance-network{'-' + str(year) if year else ''}")

    async def timeline_plot(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        body = await pictures.get(store_of(request), "timeline", fmt)
        return _picture_response(body, fmt, "allegiance-timeline")

    if importlib.util.find_spec("matplotlib") is None:  # the [plots] extra is not installed
        async def no_plots(request: Request) -> Response:
            return error(request, 503, "the pictures need the plots extra: pip install 'allegiance[plots]'")

        network_page = timeline_page = network_plot = timeline_plot = no_plots
    return [
        Route("/network", network_page, methods=["GET"], name="ui-network"),
        Route("/timeline", timeline_page, methods=["GET"], name="ui-timeline"),
        Route("/plots/network.{fmt:str}", _only_formats(network_plot), methods=["GET"], name="ui-network-plot"),
        Route("/plots/timeline.{fmt:str}", _only_formats(timeline_plot), methods=["GET"], name="ui-timeline-plot"),
    ]


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

"""The dataset as a whole: its VoID description, a complete dump, and the IRIs of the dataset, its linkset and its
named graphs, which all dereference.

* ``/.well-known/void``: VoID (counts of the current store version, computed again after a write), naming the dump
  with ``void:dataDump``; a page with the same counts for browsers.
* ``/dump.nq.gz``: every quad of the store as gzip-compressed N-Quads, made once per store version from a
  read-only snapshot, off the event loop.
* ``/dataset`` and ``/dataset/wikidata-links`` answer 303 to the VoID description; ``/graph/...`` (a named graph's
  IRI) answers 303 to the graph's Graph Store document (``/store?graph=IRI``), or 404.
* ``/context.jsonld``: the JSON-LD context of the vocabulary, when it is published.
"""

from __future__ import annotations

import asyncio
import gzip
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import Graph
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from allegiance.config import Settings
from allegiance.store import ServedStore
from allegiance.store.target import QuadStore
from allegiance.web import void
from allegiance.web.described import RDF_LINKS, rdf_or_html, root
from allegiance.web.linked_data import PREFIX
from allegiance.web.responses import error
from allegiance.web.templates import STATIC, TEMPLATES
from allegiance.web.views import iri_view
from allegiance.web.void import LINKSETS


class DatasetRoutes:
    """``served``: the embedded store, or a remote one (then ``quad_store`` reads it for the dump)."""

    def __init__(self, served: Any, quad_store: QuadStore, settings: Settings, work_dir: Path):
        self.served = served
        self.quad_store = quad_store
        self.settings = settings
        self.work_dir = work_dir
        self._void: tuple[str, Graph, void.Stats, tuple[str, int]] | None = None
        self._dumps: dict[str, tuple[Path, int]] = {}
        self._lock = asyncio.Lock()

    def routes(self) -> list[Route]:
        routes = [Route("/.well-known/void", self.void, methods=["GET"], name="void"),
                  Route("/dump.nq.gz", self.dump, methods=["GET", "HEAD"], name="dump"),
                  Route("/context.jsonld", self.context, methods=["GET"], name="context")]
        for prefix in ("", PREFIX):
            routes += [Route(prefix + "/dataset", self.dataset, methods=["GET"]),
                       Route(prefix + "/dataset/{name}", self.dataset, methods=["GET"]),
                       Route(prefix + "/graph/{rest:path}", self.graph, methods=["GET"])]
        return routes

    # -- the dump
    def _write_dump(self, version: str) -> tuple[Path, int]:
        self.work_dir.mkdir(parents=True, exist_ok=True)
        target = self.work_dir / f"dump-{abs(hash(version))}.nq.gz"
        tmp = target.with_suffix(".tmp")
        source = (ox.Store.read_only(version).quads_for_pattern(None, None, None, None)
                  if isinstance(self.served, ServedStore) else self.quad_store.quads())
        quads = 0
        with gzip.open(tmp, "wb", compresslevel=6) as out:
            batch = []
            for quad in source:
                batch.append(quad)
                quads += 1
                if len(batch) >= 10_000:
                    out.write(ox.serialize(batch, format=ox.RdfFormat.N_QUADS) or b"")
                    batch.clear()
            out.write(ox.serialize(batch, format=ox.RdfFormat.N_QUADS) or b"")
        tmp.replace(target)
        return target, quads

    async def current_dump(self) -> tuple[Path, int]:
        version = self.served.version()
        async with self._lock:
            if version not in self._dumps:
                for old, _ in self._dumps.values():
                    old.unlink(missing_ok=True)
                self._dumps = {version: await asyncio.to_thread(self._write_dump, version)}
            return self._dumps[version]

    async def dump(self, request: Request) -> Response:
        path, quads = await self.current_dump()
        return FileResponse(path, media_type="application/gzip", filename="allegiance.nq.gz",
                            headers={"X-Quads": str(quads), "Cache-Control": "public, max-age=0, must-revalidate",
                                     "Link": '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'})

    # -- VoID
    async def void(self, request: Request) -> Response:
        version = self.served.version()
        if self._void is None or self._void[0] != version:
            stats = await asyncio.to_thread(void.compute, self.served.store, self.served.named_graphs)
            _, quads = await self.current_dump()
            dump = (self.settings.url + "dump.nq.gz", quads)
            graph = void.describe(stats, self.settings.endpoint_url, self.settings.public_base, dump=dump)
            self._void = (version, graph, stats, dump)
        _, graph, stats, dump = self._void

        def page() -> str:
            base = root(request)
            return TEMPLATES.get_template("void.html").render(
                root=base, path="/.well-known/void", rdf_links=RDF_LINKS, stats=stats, dump=dump,
                title=str(graph.value(void.DATASET, void.DCTERMS.title)), dataset=str(void.DATASET),
                endpoint=self.settings.endpoint_url, base=self.settings.public_base,
                graphs=sorted(stats.graphs.items()),
                classes=[(iri_view(c, base), n) for c, n in sorted(stats.class_partition.items(),
                                                                  key=lambda kv: -kv[1])],
                properties=[(iri_view(p, base), n) for p, n in sorted(stats.property_partition.items(),
                                                                     key=lambda kv: -kv[1])])

        return rdf_or_html(request, graph, page)

    # -- IRIs that answer
    async def dataset(self, request: Request) -> Response:
        """The dataset and its linksets (``void:Linkset``), all described by the VoID document."""
        name = request.path_params.get("name")
        if name is not None and name not in LINKSETS:
            return error(request, 404, f"no dataset or linkset {request.url.path}; the linksets are: "
                                       + ", ".join(sorted(LINKSETS)))
        return RedirectResponse("/.well-known/void", 303, headers={"Vary": "Accept"})

    async def graph(self, request: Request) -> Response:
        iri = self.settings.public_base + "graph/" + request.path_params["rest"]
        if iri not in self.served.named_graphs:
            return error(request, 404, f"no graph {iri}")
        return RedirectResponse("/store?graph=" + quote(iri, safe=""), 303, headers={"Vary": "Accept"})

    async def context(self, request: Request) -> Response:
        path = STATIC / "context.jsonld"
        if not path.is_file():
            return error(request, 404, "no JSON-LD context is published yet")
        return FileResponse(path, media_type="application/ld+json")


def remove(work_dir: Path) -> None:
    shutil.rmtree(work_dir, ignore_errors=True)

"""The Starlette application: every surface mounted over one store, one executor and one :class:`Settings`.

``create_app(settings)`` builds (or reuses) the on-disk store, computes the VoID counts, and starts the query
sandbox, its relay and the workers at start-up (lifespan). The surfaces are routers with explicit dependencies:
the web UI (``/``), the canned-query API (``/api``), the protocol (``/sparql``), VoID and the linked-data pages
(also under ``/allegiance``, the path of the public base).
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from rdflib import Graph
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from allegiance import store
from allegiance.config import Settings
from allegiance.kb import load as knowledge
from allegiance.namespaces import PREFIXES
from allegiance.sparql.canned import CannedQuery, load_queries
from allegiance.sparql.executor import Executor
from allegiance.sparql.remote import RemoteExecutor
from allegiance.store.embedded import EmbeddedStore
from allegiance.store.remote import RemoteServed, RemoteStore
from allegiance.store.target import QuadStore
from allegiance.web import pictures, ui
from allegiance.web.api import CannedApi
from allegiance.web.dataset import DatasetRoutes
from allegiance.web.linked_data import PREFIX, LinkedData, render_ontology
from allegiance.web.protocol import SparqlProtocol
from allegiance.web.responses import SecurityHeaders
from allegiance.web.templates import TEMPLATES
from allegiance.web.writes import Writes

log = logging.getLogger("allegiance.app")


Served = store.ServedStore | RemoteServed  # the embedded store, or a remote SPARQL 1.1 store


def _quad_store(served: Served) -> QuadStore:
    return served.store if isinstance(served, RemoteServed) else EmbeddedStore(served)


def open_served(settings: Settings) -> Served:
    """The store to serve: a remote one (``--store URL``), or the embedded one built or reused on disk."""
    if settings.store_url:
        remote = RemoteStore(settings.store_url, settings.store_update, settings.store_data,
                             default_graph=settings.store_default_graph, timeout=max(60.0, settings.timeout))
        return RemoteServed(remote)
    return store.build(settings.store_path, settings.load, empty=settings.empty)


def _graph(served: Served, *iris: str) -> Graph:
    """Named graphs of the store as one rdflib graph, with the project's prefixes (read by the QuadStore protocol)."""
    g = Graph()
    for p, ns in PREFIXES.items():
        g.bind(p, ns, override=True)
    quad_store = _quad_store(served)
    for iri in iris:
        quads = quad_store.quads(iri)
        data = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads),
                            format=ox.RdfFormat.N_TRIPLES)
        assert data is not None  # serialize returns the bytes when given no output file
        g.parse(data=data.decode("utf-8"), format="nt")
    return g


def _linked_data(served: Served, executor: Executor) -> LinkedData:
    ontology = _graph(served, str(knowledge.ONTOLOGY_GRAPH))

    def documentation() -> str:
        concepts = _graph(served, *(g for g in served.default_graphs if g.endswith("/graph/concepts")))
        instances = _graph(served, *(g for g in served.named_graphs if "/graph/instances/" in g))
        return render_ontology(ontology, concepts, instances)

    return LinkedData(executor, ontology, documentation)


async def home(request: Request) -> Response:
    return HTMLResponse(TEMPLATES.get_template("index.html").render(prefix=PREFIX))


def make_executor(settings: Settings, served: Served) -> Executor:
    if isinstance(served, RemoteServed):  # the same interface (start, run, close, cache, version, etag), by HTTP
        return cast(Executor, RemoteExecutor(
            served.store.query_url, workers=settings.workers, timeout=settings.timeout,
            max_bytes=settings.max_answer_bytes, cache_bytes=settings.cache_bytes, cache_ttl=settings.cache_ttl,
            default_graph=settings.store_default_graph, version=served.version))
    return Executor(workers=settings.workers, timeout=settings.timeout, max_bytes=settings.max_answer_bytes,
                    memory_mb=settings.worker_memory_mb, service_allowlist=settings.service_allowlist,
                    sandbox=settings.sandbox, cache_bytes=settings.cache_bytes, cache_ttl=settings.cache_ttl,
                    memory_copy_quads=settings.memory_copy_quads,
                    version=served.version)


def create_app(settings: Settings, routes: Sequence[BaseRoute] = (), *, served: Served | None = None,
               queries: dict[str, CannedQuery] | None = None) -> Starlette:
    """The app; ``routes`` are put first (they may override any other); ``queries`` default to ``queries/``."""
    owned = served is None  # a store the app opened is the app's to close (a temporary one is removed)
    served = served or open_served(settings)
    queries = load_queries() if queries is None else queries
    executor = make_executor(settings, served)
    work_dir = Path(tempfile.mkdtemp(prefix="allegiance-web-"))
    datasets = DatasetRoutes(served, _quad_store(served), settings, work_dir)
    writes = (Writes(executor, served, settings, derived_default=bool(served.default_graphs)).routes()
              if isinstance(served, store.ServedStore) else [])
    protocol = SparqlProtocol(executor, settings, served.named_graphs, served.default_graphs)
    linked = _linked_data(served, executor)
    api = CannedApi(queries, executor, settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await executor.start()
        log.info("query workers started: %s (sandbox: %s)", executor.worker_pids(), settings.sandbox)
        try:
            yield
        finally:
            await executor.close()
            shutil.rmtree(work_dir, ignore_errors=True)
            if owned and isinstance(served, store.ServedStore):
                served.close()

    all_routes: list[BaseRoute] = [
        *routes,
        *ui.routes(served, queries),
        *pictures.routes(served),
        *api.routes(),
        Route(PREFIX + "/", home, methods=["GET"]),
        *protocol.routes(),
        *datasets.routes(),
        *writes,
        *linked.routes(),
    ]
    middleware = [Middleware(SecurityHeaders)]
    if settings.cors_origins:
        # reads only, from any listed origin, never with credentials (writes are never CORS-enabled)
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                                     allow_credentials=False, allow_methods=["GET", "POST", "OPTIONS"],
                                     allow_headers=["Accept", "Content-Type", "If-None-Match"],
                                     expose_headers=["ETag", "Link"], max_age=600))
    app = Starlette(routes=all_routes, middleware=middleware, lifespan=lifespan)
    app.router.redirect_slashes = False  # its redirects would be built from the Host header
    app.state.settings = settings
    app.state.executor = executor
    app.state.served = served
    return app

"""The Starlette application: every surface mounted over one store, one executor and one :class:`Settings`.

``create_app(settings)`` builds (or reuses) the on-disk store, computes the VoID counts, and starts the query
sandbox, its relay and the workers at start-up (lifespan). The surfaces are routers with explicit dependencies:
the web UI (``/``), the canned-query API (``/api``), the protocol (``/sparql``), VoID and the linked-data pages
(also under ``/allegiance``, the path of the public base).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Sequence

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
from allegiance.web import ui, void
from allegiance.web.api import CannedApi
from allegiance.web.linked_data import PREFIX, LinkedData, render_ontology
from allegiance.web.protocol import SparqlProtocol
from allegiance.web.responses import SecurityHeaders
from allegiance.web.templates import TEMPLATES

log = logging.getLogger("allegiance.app")


def _graph(served: store.ServedStore, *iris: str) -> Graph:
    """Named graphs of the store as one rdflib graph, with the project's prefixes."""
    g = Graph()
    for p, ns in PREFIXES.items():
        g.bind(p, ns, override=True)
    for iri in iris:
        quads = served.store.quads_for_pattern(None, None, None, ox.NamedNode(iri))
        data = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads),
                            format=ox.RdfFormat.N_TRIPLES)
        assert data is not None  # serialize returns the bytes when given no output file
        g.parse(data=data.decode("utf-8"), format="nt")
    return g


def _linked_data(served: store.ServedStore, executor: Executor) -> LinkedData:
    ontology = _graph(served, str(knowledge.ONTOLOGY_GRAPH))
    concepts = _graph(served, *(g for g in served.default_graphs if g.endswith("/graph/concepts")))
    instances = _graph(served, *(g for g in served.named_graphs if "/graph/instances/" in g))
    return LinkedData(executor, ontology, render_ontology(ontology, concepts, instances))


async def home(request: Request) -> Response:
    return HTMLResponse(TEMPLATES.get_template("index.html").render(prefix=PREFIX))


def make_executor(settings: Settings, served: store.ServedStore) -> Executor:
    return Executor(workers=settings.workers, timeout=settings.timeout, max_bytes=settings.max_answer_bytes,
                    memory_mb=settings.worker_memory_mb, service_allowlist=settings.service_allowlist,
                    sandbox=settings.sandbox, cache_bytes=settings.cache_bytes, cache_ttl=settings.cache_ttl,
                    memory_copy_quads=settings.memory_copy_quads,
                    version=served.version)


def create_app(settings: Settings, routes: Sequence[BaseRoute] = (), *, served: store.ServedStore | None = None,
               queries: dict[str, CannedQuery] | None = None) -> Starlette:
    """The app; ``routes`` are put first (they may override any other); ``queries`` default to ``queries/``."""
    served = served or store.build(settings.store_path, settings.load)
    queries = load_queries() if queries is None else queries
    stats = void.compute(served.store, served.named_graphs)
    executor = make_executor(settings, served)
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

    all_routes: list[BaseRoute] = [
        *routes,
        *ui.routes(served, queries),
        *api.routes(),
        Route(PREFIX + "/", home, methods=["GET"]),
        *protocol.routes(),
        *void.routes(stats, settings),
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
    app.state.void_stats = stats
    return app

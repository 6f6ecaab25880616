"""The Starlette application: SPARQL endpoint, VoID, linked data, and whatever routes the caller adds.

``create_app(settings, routes=[...])`` loads the store (synchronously, before serving), computes the VoID counts,
and forks the query workers at start-up (lifespan). Extra routes or mounts (a web UI, canned queries) are added
after the built-in ones; ``app.state.executor`` runs queries for them.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Sequence

from rdflib import Graph
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from . import api, knowledge, store, void, webui
from .config import Settings
from .executor import Executor
from .linked_data import PREFIX, TEMPLATES, LinkedData
from .sparql_protocol import SparqlProtocol

log = logging.getLogger("allegiance.app")


def _ontology_graph(served: store.ServedStore) -> Graph:
    import pyoxigraph as ox

    quads = served.store.quads_for_pattern(None, None, None, ox.NamedNode(str(knowledge.ONTOLOGY_GRAPH)))
    data = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads), format=ox.RdfFormat.N_TRIPLES)
    g = Graph().parse(data=data.decode("utf-8"), format="nt")
    from .namespaces import PREFIXES

    for p, ns in PREFIXES.items():
        g.bind(p, ns, override=True)
    return g


async def home(request: Request) -> Response:
    prefix = PREFIX if request.url.path.startswith(PREFIX) else ""
    return HTMLResponse(TEMPLATES.get_template("index.html").render(prefix=prefix))


def create_app(settings: Settings, routes: Sequence[BaseRoute] = (), *,
               served: store.ServedStore | None = None) -> Starlette:
    served = served or store.build(settings.store_path, settings.load)
    stats = void.compute(served.store, served.default_graphs, served.named_graphs)
    executor = Executor(served.store, served.default_graphs, workers=settings.workers, timeout=settings.timeout,
                        max_results=settings.max_results)
    protocol = SparqlProtocol(executor, settings, served.named_graphs, served.default_graphs)
    linked = LinkedData(executor, _ontology_graph(served))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await executor.start()
        log.info("query workers started: %s", executor.worker_pids())
        try:
            yield
        finally:
            await executor.close()

    # Caller's routes first (they may override any other), then the query page and pictures, then the protocol,
    # the dataset description and the linked-data pages.
    all_routes: list[BaseRoute] = [
        *routes,
        *webui.routes(served),
        *api.routes(),
        Route(PREFIX + "/", home, methods=["GET"]),
        *protocol.routes(),
        *void.routes(stats, settings.public_base),
        *linked.routes(),
    ]
    middleware = []
    if settings.cors_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                                     allow_credentials=settings.cors_credentials,
                                     allow_methods=["GET", "POST", "OPTIONS"],
                                     allow_headers=["Accept", "Content-Type"], max_age=600))
    app = Starlette(routes=all_routes, middleware=middleware, lifespan=lifespan)
    app.state.settings = settings
    app.state.executor = executor
    app.state.served = served
    app.state.void_stats = stats
    return app

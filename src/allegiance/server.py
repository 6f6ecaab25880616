"""``allegiance serve``: the SPARQL endpoint and linked-data pages, on uvicorn."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from .config import WIKIDATA_SPARQL, ConfigurationError, Settings


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default %(default)s)")
    parser.add_argument("--port", type=int, default=8000, help="port (default %(default)s)")
    parser.add_argument("--store", type=Path, metavar="PATH",
                        help="keep the store on disk here; reused at the next start while its inputs are unchanged")
    parser.add_argument("--load", type=Path, action="append", default=[], metavar="FILE",
                        help="also load this RDF file (N-Quads/TriG as given; Turtle/N-Triples into a graph of its "
                             "own, part of the default graph); repeatable")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per query (default %(default)s)")
    parser.add_argument("--max-results", type=int, default=10_000,
                        help="rows (SELECT) or triples (CONSTRUCT/DESCRIBE) per answer (default %(default)s)")
    parser.add_argument("--max-body", type=int, default=1_000_000,
                        help="bytes of a request body (default %(default)s)")
    parser.add_argument("--workers", type=int, default=2, help="query worker processes (default %(default)s)")
    parser.add_argument("--allow-service", action="append", default=None, metavar="IRI",
                        help=f"a SERVICE endpoint queries may call; repeatable (default: {WIKIDATA_SPARQL}); "
                             "--allow-service none forbids all")
    parser.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                        help="an origin allowed by CORS ('*' for any); repeatable (default: no CORS)")
    parser.add_argument("--cors-credentials", action="store_true", help="allow credentials in CORS requests")
    parser.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])


def settings_from(args: argparse.Namespace) -> Settings:
    allow = args.allow_service
    if allow is None:
        services: tuple[str, ...] = (WIKIDATA_SPARQL,)
    else:
        services = tuple(a for a in allow if a.lower() != "none")
    return Settings(host=args.host, port=args.port, store_path=args.store, load=tuple(args.load),
                    timeout=args.timeout, max_results=args.max_results, max_body=args.max_body,
                    workers=args.workers, service_allowlist=services, cors_origins=tuple(args.cors_origin),
                    cors_credentials=args.cors_credentials, log_level=args.log_level)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from .app import create_app
    from .knowledge import UnreadableFile

    started = time.monotonic()
    try:
        settings = settings_from(args)
    except ConfigurationError as exc:
        print(f"allegiance serve: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=getattr(logging, settings.log_level.upper()),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        app = create_app(settings)
    except (UnreadableFile, OSError) as exc:
        print(f"allegiance serve: {exc}", file=sys.stderr)
        return 1
    logging.getLogger("allegiance.server").info("ready to serve after %.2f s", time.monotonic() - started)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level,
                timeout_graceful_shutdown=3)
    return 0

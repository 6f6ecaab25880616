"""``allegiance export``: write a store's graphs, embedded (a folder) or remote (a URL), to a file or stdout.

``--format nq`` or ``trig`` writes every named graph (``--graph IRI``: that one) and, with ``--inferred``, the
inferences graph too; the served default graph is left out, as it is the merge of the others. ``nt``, ``ttl``,
``jsonld`` and ``rdfxml`` hold one graph: ``--graph IRI``, or else the served default graph (the merge of every
named graph but the shapes; without ``--inferred``, its inferred triples that no other graph asserts are left out).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from allegiance.cli.load import add_store_arguments, open_target
from allegiance.kb import load as knowledge
from allegiance.namespaces import PREFIXES
from allegiance.store.target import QuadStore

FORMATS = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG, "nt": ox.RdfFormat.N_TRIPLES,
           "ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}
INFERENCES = str(knowledge.INFERENCES_GRAPH)


def configure(parser: argparse.ArgumentParser) -> None:
    add_store_arguments(parser)
    parser.add_argument("--format", "-f", required=True, choices=sorted(FORMATS), help="the RDF syntax")
    parser.add_argument("--graph", metavar="IRI", help="only this named graph")
    parser.add_argument("--inferred", action="store_true",
                        help="include the inferred triples (the inferences graph); left out by default")
    parser.add_argument("--out", "-o", metavar="FILE", help="write here (default: standard output)")


def selected(store: QuadStore, fmt: ox.RdfFormat, graph: str | None, inferred: bool) -> Iterator[ox.Quad | ox.Triple]:
    if graph is not None:
        quads = store.quads(graph)
        if fmt.supports_datasets:
            return iter(quads)
        return (q.triple for q in quads)
    if fmt.supports_datasets:
        return (q for g in store.named_graphs() if inferred or g != INFERENCES for q in store.quads(g))
    return _default_graph(store, inferred)


def _default_graph(store: QuadStore, inferred: bool) -> Iterator[ox.Triple]:
    """The served merge; without ``inferred``, less the inferred triples that no other graph asserts."""
    if inferred:
        seen: set[ox.Triple] = set()
        for g in store.named_graphs():
            if g == str(knowledge.SHAPES_GRAPH):
                continue
            for q in store.quads(g):
                if q.triple not in seen:
                    seen.add(q.triple)
                    yield q.triple
        return
    seen = set()
    for g in store.named_graphs():
        if g in (str(knowledge.SHAPES_GRAPH), INFERENCES):
            continue
        for q in store.quads(g):
            if q.triple not in seen:
                seen.add(q.triple)
                yield q.triple


def run(args: argparse.Namespace) -> int:
    from allegiance.store.remote import RemoteStoreError

    fmt = FORMATS[args.format]
    try:
        store = open_target(args)
    except (ValueError, OSError) as exc:
        print(f"allegiance export: {exc}", file=sys.stderr)
        return 2
    try:
        if args.graph is not None and args.graph not in store.named_graphs():
            print(f"allegiance export: the store has no graph {args.graph!r}", file=sys.stderr)
            return 2
        items = cast(list[ox.Quad], list(selected(store, fmt, args.graph, args.inferred)))  # one kind or other
        prefixes = {p: str(ns) for p, ns in PREFIXES.items()} if fmt in (
            ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
        if args.out:
            ox.serialize(items, Path(args.out), format=fmt, prefixes=prefixes)
        else:
            data = ox.serialize(items, format=fmt, prefixes=prefixes)
            assert data is not None
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
    except RemoteStoreError as exc:
        print(f"allegiance export: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"exported {len(items)} {'quads' if fmt.supports_datasets else 'triples'}", file=sys.stderr)
    return 0

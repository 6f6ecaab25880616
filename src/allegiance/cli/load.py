"""``allegiance load``: put the shipped knowledge base into a store, embedded (a folder) or remote (a URL).

Ontology, instances, inferences and shapes go in as ``allegiance serve`` builds them (one named graph each, see
:mod:`allegiance.store.build`), through the :class:`~allegiance.store.target.QuadStore` protocol: the knowledge
base's graphs are dropped first, then each graph is added in one transaction with its copy in the served default
graph (the merge of every named graph but the shapes). Other graphs of the store are left alone.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from allegiance.store.target import QuadStore


def add_store_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", required=True, metavar="PATH|URL",
                        help="a folder (the embedded store, made if missing) or the query URL of a SPARQL 1.1 store")
    parser.add_argument("--store-update", metavar="URL", help="the SPARQL 1.1 Update URL of a remote store")
    parser.add_argument("--store-data", metavar="URL", help="the Graph Store Protocol URL of a remote store")
    parser.add_argument("--store-default-graph", metavar="IRI",
                        help="a remote store's named graph holding the merge, for stores whose default graph is the "
                             "union of all graphs (Virtuoso)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per request to a remote store "
                                                                     "(default %(default)s)")


def open_target(args: argparse.Namespace) -> QuadStore:
    from allegiance.store.remote import RemoteStore, is_url

    if is_url(args.store):
        return RemoteStore(args.store, args.store_update, args.store_data,
                           default_graph=args.store_default_graph, timeout=args.timeout)
    if args.store_update or args.store_data or args.store_default_graph:
        raise ValueError("--store-update, --store-data and --store-default-graph are for a remote store (a URL)")
    from allegiance.store.embedded import EmbeddedStore

    return EmbeddedStore.open(Path(args.store))


def knowledge_base_graphs() -> dict[str, list[ox.Quad]]:
    """The named graphs ``allegiance serve`` builds from the knowledge base, by IRI (built as store/build.py does)."""
    from allegiance.paths import default_layout
    from allegiance.store.build import _fill

    memory = ox.Store()
    _fill(memory, default_layout(), ())
    graphs: dict[str, list[ox.Quad]] = {}
    for quad in memory.quads_for_pattern(None, None, None, None):
        if isinstance(quad.graph_name, ox.NamedNode):
            graphs.setdefault(quad.graph_name.value, []).append(quad)
    return graphs


def load_knowledge_base(target: QuadStore, *, log=print) -> int:
    """Replace the knowledge base's graphs in ``target``; the number of quads added."""
    graphs = knowledge_base_graphs()
    clear_all = getattr(target, "clear_graphs", None)
    if clear_all is not None:
        clear_all(sorted(graphs))
    else:
        for iri in sorted(graphs):
            target.clear_graph(iri)
    total = 0
    for iri, quads in graphs.items():
        started = time.monotonic()
        total += target.add_quads(quads)
        log(f"  {iri}: {len(quads)} triples ({time.monotonic() - started:.2f} s)")
    return total


def _stamp(path: Path, named_graphs: list[str]) -> None:
    """Record the inputs' fingerprint as store/build.py does, so that ``serve --store PATH`` reuses the store."""
    import json

    from allegiance.kb import load as knowledge
    from allegiance.paths import default_layout
    from allegiance.store.build import fingerprint

    default = [g for g in named_graphs if g != str(knowledge.SHAPES_GRAPH)]
    stamp = path.with_name(path.name + ".fingerprint.json")
    stamp.write_text(json.dumps({"fingerprint": fingerprint(default_layout(), ()), "default": default},
                                indent=1), encoding="utf-8")


def configure(parser: argparse.ArgumentParser) -> None:
    add_store_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from allegiance.kb.load import UnreadableFile
    from allegiance.store.remote import RemoteStoreError, is_url

    started = time.monotonic()
    try:
        target = open_target(args)
    except (ValueError, OSError) as exc:
        print(f"allegiance load: {exc}", file=sys.stderr)
        return 2
    try:
        print(f"loading the knowledge base into {args.store}", file=sys.stderr)
        total = load_knowledge_base(target, log=lambda line: print(line, file=sys.stderr))
        named = target.named_graphs()
    except UnreadableFile as exc:
        print(f"allegiance load: {exc}", file=sys.stderr)
        return 2
    except RemoteStoreError as exc:
        print(f"allegiance load: {exc}", file=sys.stderr)
        return 1
    finally:
        target.close()
    if not is_url(args.store):
        _stamp(Path(args.store), named)
    print(f"loaded {total} triples in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0


__all__ = ["add_store_arguments", "configure", "knowledge_base_graphs", "load_knowledge_base", "open_target", "run"]

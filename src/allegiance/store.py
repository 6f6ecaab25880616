"""The pyoxigraph store the endpoint serves: one named graph per part of the knowledge base.

Graphs: the ontology, each instances file, the inferences (OWL RL closure), the shapes, and any file given with
``--load``. A query's default graph is the RDF merge of ontology, instances, inferences and loaded Turtle files
(not the shapes, not the N-Quads files' graphs), kept as the named graph ``knowledge.DEFAULT_GRAPH`` and passed
explicitly to each query (see :class:`ServedStore`).

With a path, the store is also written to disk with a fingerprint of its inputs (every input file's bytes and the
package versions) beside it; the next start reuses it when the fingerprint is unchanged and rebuilds it otherwise.
Queries are always answered from an in-memory copy (the fastest, and safe to share with forked workers).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF as _RDF

from . import __version__, inference, knowledge
from .namespaces import GRAPH
from .paths import Layout, default_layout

log = logging.getLogger("allegiance.store")

_QUAD_FORMATS = {".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}
_TRIPLE_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".rdf": ox.RdfFormat.RDF_XML}
_LANG_STRING = str(_RDF.langString)


@dataclass(frozen=True)
class ServedStore:
    """The loaded store and what a query needs to know about its graphs."""

    store: ox.Store
    default_graphs: tuple[str, ...]  # the union that is a query's default graph
    named_graphs: tuple[str, ...]  # every named graph of the store
    rebuilt: bool  # False when an on-disk store was reused
    seconds: float


def loaded_graph_iri(path: Path) -> str:
    return str(GRAPH[f"load/{Path(path).stem}"])


def to_ox(term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != _LANG_STRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def _quads(graph: Graph, graph_iri: str) -> Iterable[ox.Quad]:
    g = ox.NamedNode(graph_iri)
    for s, p, o in graph:
        yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), g)


def input_files(layout: Layout, load: Sequence[Path]) -> list[Path]:
    return [*layout.ontology_files(), *layout.instance_files(), *layout.shape_files(), *map(Path, load)]


def fingerprint(layout: Layout, load: Sequence[Path]) -> str:
    h = hashlib.sha256()
    h.update(f"allegiance {__version__} pyoxigraph {ox.__version__ if hasattr(ox, '__version__') else ''}\n".encode())
    for path in input_files(layout, load):
        h.update(f"{path.parent.name}/{path.name}\n".encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _fill(store: ox.Store, layout: Layout, load: Sequence[Path]) -> dict:
    """Parse, reason and load every part into ``store``; returns the graph roles."""
    kb = knowledge.load(layout)
    inferred = inference.infer(kb)
    default: list[str] = [str(knowledge.ONTOLOGY_GRAPH)]
    store.bulk_extend(_quads(kb.ontology, str(knowledge.ONTOLOGY_GRAPH)))
    for iri, graph in kb.instances.items():
        store.bulk_extend(_quads(graph, str(iri)))
        default.append(str(iri))
    store.bulk_extend(_quads(inferred, str(knowledge.INFERENCES_GRAPH)))
    default.append(str(knowledge.INFERENCES_GRAPH))
    store.bulk_extend(_quads(kb.shapes, str(knowledge.SHAPES_GRAPH)))
    for path in map(Path, load):
        suffix = path.suffix.lower()
        if suffix in _QUAD_FORMATS:
            store.bulk_load(path=str(path), format=_QUAD_FORMATS[suffix])
        elif suffix in _TRIPLE_FORMATS:
            iri = loaded_graph_iri(path)
            store.bulk_load(path=str(path), format=_TRIPLE_FORMATS[suffix], to_graph=ox.NamedNode(iri))
            default.append(iri)
        else:
            raise knowledge.UnreadableFile(path, f"--load: unknown RDF file type {suffix!r}")
    # The default graph is the RDF merge of its parts, a set: a triple asserted in two files (a label in the
    # registry and again in a source's file) must come back once. pyoxigraph's default_graph=[...] unions the
    # graphs as a multiset, so the merge is materialised once, here, into a graph of its own.
    union = ox.NamedNode(str(knowledge.DEFAULT_GRAPH))
    merged = [ox.Quad(q.subject, q.predicate, q.object, union)
              for iri in default for q in store.quads_for_pattern(None, None, None, ox.NamedNode(iri))]
    store.extend(merged)
    return {"default": [union.value], "parts": default}


def _named_graphs(store: ox.Store) -> tuple[str, ...]:
    return tuple(sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)))


def build(store_path: Path | None = None, load: Sequence[Path] = (), layout: Layout | None = None) -> ServedStore:
    """The in-memory store to serve, built from the knowledge base or copied from a still-valid on-disk store."""
    start = time.monotonic()
    layout = layout or default_layout()
    memory = ox.Store()
    if store_path is None:
        roles = _fill(memory, layout, load)
        rebuilt = True
    else:
        store_path = Path(store_path)
        stamp_path = store_path.with_name(store_path.name + ".fingerprint.json")
        wanted = fingerprint(layout, load)
        recorded = None
        if stamp_path.is_file() and store_path.is_dir():
            try:
                recorded = json.loads(stamp_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                recorded = None
        disk = ox.Store(str(store_path))
        if recorded and recorded.get("fingerprint") == wanted:
            rebuilt = False
            roles = {"default": recorded["default"]}
        else:
            stamp_path.unlink(missing_ok=True)
            disk.clear()
            roles = _fill(disk, layout, load)
            disk.flush()
            stamp_path.write_text(json.dumps({"fingerprint": wanted, **roles}, indent=1), encoding="utf-8")
            rebuilt = True
        memory.bulk_extend(disk.quads_for_pattern(None, None, None, None))
        del disk
    served = ServedStore(memory, tuple(roles["default"]), _named_graphs(memory), rebuilt, time.monotonic() - start)
    log.info("store %s in %.2f s: %d quads in %d named graphs", "built" if rebuilt else "reused from disk",
             served.seconds, len(memory), len(served.named_graphs))
    return served

"""The pyoxigraph store the endpoint serves: on disk, one named graph per part of the knowledge base.

Graphs: the ontology, each instances file, the inferences (OWL RL closure), the shapes, and any file given with
``--load``. The store's default graph is the RDF merge (a set) of ontology, instances, inferences and loaded Turtle
files (not the shapes, not the N-Quads files' graphs). pyoxigraph unions a list of default graphs as a multiset, so
the merge is written once into the default graph itself; a query's FROM / FROM NAMED then work as the engine
defines them, and ``GRAPH ?g`` sees each part once.

The store always lives on disk, so that every query worker can open it (read-only) and see what the server writes:
at ``--store PATH`` (reused at the next start while a fingerprint of its inputs is unchanged), or in a temporary
folder removed at exit. The server process keeps the one read-write handle; :meth:`ServedStore.version` changes with
every committed write, and workers reopen the store when it does.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from allegiance import __version__
from allegiance.kb import inference
from allegiance.kb import load as knowledge
from allegiance.namespaces import GRAPH
from allegiance.paths import Layout, default_layout
from allegiance.terms import to_ox

log = logging.getLogger("allegiance.store")

_QUAD_FORMATS = {".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}
_TRIPLE_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".rdf": ox.RdfFormat.RDF_XML}


@dataclass
class ServedStore:
    """The store on disk, its read-write handle, and what a query needs to know about its graphs."""

    path: Path
    store: ox.Store
    default_graphs: tuple[str, ...]  # the parts whose merge is the default graph
    named_graphs: tuple[str, ...]  # every named graph of the store
    rebuilt: bool  # False when an on-disk store was reused
    seconds: float
    temporary: bool = False
    _writes: int = 0
    _snapshots: list[Path] = field(default_factory=list)

    @property
    def snapshot_dir(self) -> Path:
        return self.path.with_name(self.path.name + ".snapshots")

    def version(self) -> str:
        """The folder of the newest read-only snapshot: it changes with every committed write, never repeats.

        Workers open snapshots, not the live store: a RocksDB opened read-only beside a writer breaks when the
        writer's compaction deletes files it still uses, while a snapshot (a checkpoint of hard links, made by
        ``Store.backup``) is never changed by anyone.
        """
        if not self._snapshots:
            self._snapshot()
        return str(self._snapshots[-1])

    def _snapshot(self) -> None:
        if not self._snapshots:  # this process holds the store's lock: any snapshot there is a dead server's
            shutil.rmtree(self.snapshot_dir, ignore_errors=True)
        self.snapshot_dir.mkdir(exist_ok=True)
        target = self.snapshot_dir / f"{os.getpid()}-{time.time_ns()}-{self._writes}"
        self.store.backup(str(target))
        self._snapshots.append(target)
        # a worker still reading an older snapshot keeps its open files; it reopens at its next query
        for old in self._snapshots[:-3]:
            shutil.rmtree(old, ignore_errors=True)
        del self._snapshots[:-3]

    @property
    def journal(self) -> Path:
        return self.path.with_name(self.path.name + ".journal")

    def apply(self, added: bytes, removed: bytes, graphs_added: Sequence[str] = (),
              graphs_removed: Sequence[str] = ()) -> None:
        """Commit a change computed elsewhere (N-Quads of the quads added and removed), all or nothing.

        pyoxigraph commits one call at a time, so the change is first written to a journal beside the store
        (a temporary file, fsynced, then renamed into place: the rename is the commit point), then applied, then
        the journal is removed. A process killed before the rename leaves the store as it was; killed after it,
        the next start replays the journal (every step is idempotent). Workers see the change only once it is
        complete, through the snapshot made at the end.
        """
        record = json.dumps({"added": len(added), "graphs_added": list(graphs_added),
                             "graphs_removed": list(graphs_removed)}).encode("utf-8")
        tmp = self.journal.with_name(self.journal.name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(record + b"\n" + added + removed)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.journal)
        _fsync_dir(self.journal.parent)
        self.replay()

    def replay(self) -> bool:
        """Finish the journalled change, if there is one; True when there was."""
        self.journal.with_name(self.journal.name + ".tmp").unlink(missing_ok=True)  # never committed
        if not self.journal.is_file():
            return False
        data = self.journal.read_bytes()
        header, _, body = data.partition(b"\n")
        record = json.loads(header)
        added, removed = body[:record["added"]], body[record["added"]:]
        for quad in ox.parse(removed, format=ox.RdfFormat.N_QUADS):
            self.store.remove(quad)
        for iri in record["graphs_removed"]:
            if self.store.contains_named_graph(ox.NamedNode(iri)):
                self.store.remove_graph(ox.NamedNode(iri))
        for iri in record["graphs_added"]:
            self.store.add_graph(ox.NamedNode(iri))
        self.store.extend(ox.parse(added, format=ox.RdfFormat.N_QUADS))
        self.store.flush()
        self.journal.unlink()
        _fsync_dir(self.journal.parent)
        self._writes += 1
        self.named_graphs = _named_graphs(self.store)
        self._snapshot()
        return True

    def update(self, sparql_update: str) -> None:
        """Apply a SPARQL Update (atomically, in the engine), make it durable, and publish a new snapshot."""
        self.store.update(sparql_update)
        self.store.flush()
        self._writes += 1
        self.named_graphs = _named_graphs(self.store)
        self._snapshot()

    def close(self) -> None:
        shutil.rmtree(self.snapshot_dir, ignore_errors=True)
        if self.temporary:
            shutil.rmtree(self.path, ignore_errors=True)


def loaded_graph_iri(path: Path) -> str:
    return str(GRAPH[f"load/{Path(path).stem}"])


def _quads(graph: Graph, graph_iri: str) -> Iterable[ox.Quad]:
    g = ox.NamedNode(graph_iri)
    for s, p, o in graph:
        subject, predicate = to_ox(s), to_ox(p)
        if isinstance(subject, ox.Literal) or not isinstance(predicate, ox.NamedNode):
            raise TypeError(f"not an RDF triple: {s!r} {p!r} {o!r}")
        yield ox.Quad(subject, predicate, to_ox(o), g)


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
    default: list[str] = []
    for path in layout.ontology_files():  # the ontology alone in graph/ontology; concepts.ttl in graph/concepts
        iri = str(knowledge.ONTOLOGY_GRAPH) if path.stem == "allegiance" else str(GRAPH[path.stem])
        store.bulk_extend(_quads(knowledge.parse_file(path), iri))
        default.append(iri)
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
            loaded_iri = loaded_graph_iri(path)
            store.bulk_load(path=str(path), format=_TRIPLE_FORMATS[suffix], to_graph=ox.NamedNode(loaded_iri))
            default.append(loaded_iri)
        else:
            raise knowledge.UnreadableFile(path, f"--load: unknown RDF file type {suffix!r}")
    # The default graph is the RDF merge of its parts, a set: a triple asserted in two files (a label in the
    # registry and again in a source's file) must come back once. pyoxigraph's default_graph=[...] unions the
    # graphs as a multiset, so the merge is materialised once, here, into the store's default graph.
    union = ox.DefaultGraph()
    merged = {ox.Quad(q.subject, q.predicate, q.object, union)
              for iri in default for q in store.quads_for_pattern(None, None, None, ox.NamedNode(iri))}
    store.bulk_extend(merged)
    return {"default": default}


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _named_graphs(store: ox.Store) -> tuple[str, ...]:
    return tuple(sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)))


def build(store_path: Path | None = None, load: Sequence[Path] = (), layout: Layout | None = None, *,
          empty: bool = False) -> ServedStore:
    """The on-disk store to serve: built from the knowledge base, or reused while its fingerprint holds."""
    start = time.monotonic()
    layout = layout or default_layout()
    temporary = store_path is None
    path = Path(tempfile.mkdtemp(prefix="allegiance-store-")) if store_path is None else Path(store_path)
    stamp_path = path.with_name(path.name + ".fingerprint.json")
    wanted = "empty" if empty else fingerprint(layout, load)
    recorded = None
    if not temporary and stamp_path.is_file() and path.is_dir():
        try:
            recorded = json.loads(stamp_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            recorded = None
    disk = ox.Store(str(path))
    if recorded and recorded.get("fingerprint") == wanted and "parts" not in recorded:
        rebuilt = False
        roles = {"default": recorded["default"]}
    else:
        stamp_path.unlink(missing_ok=True)
        path.with_name(path.name + ".journal").unlink(missing_ok=True)  # a change to the old data, not this
        disk.clear()
        roles = {"default": []} if empty else _fill(disk, layout, load)
        disk.flush()
        if not temporary:
            stamp_path.write_text(json.dumps({"fingerprint": wanted, **roles}, indent=1), encoding="utf-8")
        rebuilt = True
    served = ServedStore(path, disk, tuple(roles["default"]), _named_graphs(disk), rebuilt,
                         time.monotonic() - start, temporary)
    if served.replay():
        log.warning("finished a write that was interrupted: %s", served.journal)
    log.info("store %s in %.2f s at %s: %d quads in %d named graphs", "built" if rebuilt else "reused from disk",
             served.seconds, path, len(disk), len(served.named_graphs))
    return served
